"""Recomputing the board from stored articles when the programs (or the rules) change."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime

from storage import Database
from storage.articles import stored_articles
from storage.board import rebuild_board, replace_claims
from storage.db import write_transaction
from storage.outbox import enqueue
from storage.unmatched import get_state, set_state

from ..alerts import plan_bid_alerts
from ..config import Settings
from .claims import article_claims
from .fold import board_folder
from .programs import Program

log = logging.getLogger(__name__)

PROGRAMS_HASH = "programs_hash"
RULES_VERSION = 1  # bump when the claim rules change, so stored boards are recomputed


def programs_hash(programs: tuple[Program, ...]) -> str:
    spec = sorted((p.name, sorted(p.aliases), list(p.stages)) for p in programs)
    return hashlib.sha256(json.dumps([RULES_VERSION, spec], ensure_ascii=False).encode()).hexdigest()[:32]


def recompute_board(db: Database, settings: Settings, *, now: datetime, alerts: bool = True) -> int:
    """Every stored article's claims again, the board refolded; returns the rows that moved
    (their `bid.stage_changed` alerts queued when `alerts`, once per bidder, program, stage)."""
    with write_transaction(db):
        for article_id, item in stored_articles(db):
            replace_claims(db, article_id, article_claims(settings.programs, item.article), now)
        changes = rebuild_board(db, fold=board_folder(settings.programs), now=now)
        if alerts:
            for change in changes:
                rows = plan_bid_alerts(settings, (change,))
                enqueue(db, rows, article_id=change.row.article_id, story_id=None, now=now)
    set_state(db, PROGRAMS_HASH, programs_hash(settings.programs))
    log.info("bid board recomputed: %d rows moved", len(changes))
    return len(changes)


def recompute_board_if_changed(db: Database, settings: Settings, *, now: datetime) -> int | None:
    """Recompute when the programs changed since the last run. A database that never had a
    board (made before schema 8) gets one from its stored articles, without alerts."""
    current = programs_hash(settings.programs)
    previous = get_state(db, PROGRAMS_HASH)
    if previous == current:
        return None
    return recompute_board(db, settings, now=now, alerts=previous is not None)
