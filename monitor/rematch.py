"""Re-matching: the current topics applied to stored and kept articles, through the normal save path.

A topic added or widened later sees what was already crawled: stored articles that now match a
further topic, and unmatched articles kept for `[storage] keep_unmatched_days`. New matches are
stored and alerted exactly as a crawl would (one alert per story and topic; the outbox's dedup
key makes a second rematch send nothing). The daemon and `monitor crawl` re-match by themselves
when the topics section changed since the last run (a hash of it is stored).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from storage import Database
from storage.articles import add_topics, save_article, stored_articles
from storage.models import ArticleInput
from storage.unmatched import get_state, kept_articles, prune_kept, set_state

from .alerts import alert_planner
from .board.rebuild import recompute_board, recompute_board_if_changed
from .config import Settings
from .errors import ConfigError
from .topics import Topic, match_topics

log = logging.getLogger(__name__)

TOPICS_HASH = "topics_hash"


@dataclass(frozen=True, slots=True)
class RematchReport:
    stored_checked: int = 0
    kept_checked: int = 0
    newly_matched: int = 0  # articles that match a topic they did not before
    new_articles: int = 0  # of those, kept unmatched articles now stored
    alerts_queued: int = 0
    pruned: int = 0  # kept copies past keep_unmatched_days, dropped
    board_moved: int = 0  # bid board rows whose stage changed on recomputing

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__slots__}


def topics_hash(topics: tuple[Topic, ...]) -> str:
    """A stable hash of what the topics match (their order does not matter)."""
    spec = sorted((t.name, sorted(t.any), sorted(t.all), sorted(t.none)) for t in topics)
    return hashlib.sha256(json.dumps(spec, ensure_ascii=False).encode()).hexdigest()[:32]


def require_topics(settings: Settings) -> None:
    """A crawl with no topics matches nothing and keeps nothing: refuse it unless all is kept."""
    if not settings.topics and not settings.storage.keep_unmatched:
        raise ConfigError(
            f"{settings.origin}: no [[topics]] configured, so nothing would ever match; add a topic, "
            "or set [storage] keep_unmatched = true to store every article"
        )


def rematch(
    db: Database,
    settings: Settings,
    *,
    now: datetime,
    since: datetime | None = None,
    topic: str | None = None,
    alerts: bool = True,
) -> RematchReport:
    """Apply the current topics (or one of them) to stored and kept articles."""
    topics = settings.topics
    if topic is not None:
        topics = tuple(t for t in topics if t.name == topic)
        if not topics:
            known = ", ".join(t.name for t in settings.topics) or "none"
            raise ConfigError(f"no topic named {topic!r} (known: {known})")
    plan = alert_planner(settings) if alerts else None
    pruned = 0
    if settings.storage.keep_unmatched_days > 0:
        pruned = prune_kept(db, now - timedelta(days=settings.storage.keep_unmatched_days))
    counts = {"stored": 0, "kept": 0, "matched": 0, "new": 0, "alerts": 0}
    before = _queued(db)
    for article_id, item in stored_articles(db, since):
        counts["stored"] += 1
        matches = match_topics(topics, item.article.title, item.article.body)
        if not matches:
            continue
        result = add_topics(
            db, article_id, replace(item, matches=tuple(m.record() for m in matches)), now=now, plan=plan
        )
        counts["matched"] += int(result is not None)
    for kept in kept_articles(db, since):
        counts["kept"] += 1
        matches = match_topics(topics, kept.article.title, kept.article.body)
        if not matches:
            continue
        item = ArticleInput(
            canonical_url=kept.canonical_url,
            url=kept.url,
            source=kept.source or "",
            article=kept.article,
            matches=tuple(m.record() for m in matches),
        )
        result = save_article(db, item, now=now, plan=plan)
        counts["matched"] += 1
        counts["new"] += int(result.status == "new")
    # the bid board follows the vocabulary: every stored article's claims again
    board_moved = recompute_board(db, settings, now=now, alerts=alerts)
    report = RematchReport(
        board_moved=board_moved,
        stored_checked=counts["stored"],
        kept_checked=counts["kept"],
        newly_matched=counts["matched"],
        new_articles=counts["new"],
        alerts_queued=_queued(db) - before,
        pruned=pruned,
    )
    log.info("rematch: %s", report.to_dict())
    return report


def _queued(db: Database) -> int:
    return db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]


def rematch_if_topics_changed(db: Database, settings: Settings, *, now: datetime) -> RematchReport | None:
    """Re-match when the topics changed since the last run (never on the very first run)."""
    current = topics_hash(settings.topics)
    previous = get_state(db, TOPICS_HASH)
    report = None
    if previous is not None and previous != current and settings.topics:
        log.info("topics changed since the last run: re-matching stored and kept articles")
        report = rematch(db, settings, now=now)
    if previous != current:
        set_state(db, TOPICS_HASH, current)
    if report is None:  # (a rematch recomputes the board itself)
        recompute_board_if_changed(db, settings, now=now)
    return report
