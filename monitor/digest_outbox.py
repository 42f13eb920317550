"""The edge of digests: when a notifier's slot has passed, its held alerts become one outbox
row (storage does it in one transaction; `digest.py` decides and assembles, purely).

Called before every delivery pass (the daemon's every few seconds, `monitor crawl` once), so
a daemon that was down over the digest time plans it on its first pass back, once.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from storage import Database, outbox
from storage.models import Delivery, OutboxRow, to_db_time

from .config import Settings, WebhookConfig
from .digest import HeldAlert, assemble_digest, digest_due, is_empty, next_slot, parse_schedule

log = logging.getLogger(__name__)


def digest_payload(
    hook: WebhookConfig,
    held: list[Delivery],
    outlets: dict[int, list[dict]],
    since: datetime | None,
    until: datetime,
) -> dict:
    return assemble_digest(
        [HeldAlert(d.event, d.topic, d.story_id, d.payload) for d in held],
        outlets,
        webhook=hook.name,
        schedule=hook.schedule or "",
        timezone=hook.timezone or "Asia/Seoul",
        since=since,
        until=until,
        include_joins=hook.announce_joins,
    )


def _assembler(hook: WebhookConfig, slot: datetime, now: datetime) -> outbox.DigestAssembler:
    def assemble(
        held: list[Delivery], outlets: dict[int, list[dict]], since: datetime | None
    ) -> OutboxRow | None:
        payload = digest_payload(hook, held, outlets, since, now)
        if is_empty(payload) and not hook.send_empty:
            return None
        # One key per notifier and slot: the same digest can never be queued twice.
        key = f"digest:{hook.name}:{to_db_time(slot)}"
        return OutboxRow(f"msg_{uuid.uuid4().hex}", key, hook.name, "digest", None, payload)

    return assemble


def plan_due_digests(db: Database, settings: Settings, now: datetime) -> list[Delivery]:
    """Plan every digest whose slot has passed; returns the digest rows written."""
    planned: list[Delivery] = []
    disabled = outbox.disabled_webhooks(db)
    for hook in settings.webhooks:
        if hook.mode != "digest":
            if outbox.has_held(db, hook.name):  # switched back to instant: nothing stays held
                log.info(
                    "webhook %s is instant again: %d held alerts released",
                    hook.name,
                    outbox.release_held(db, hook.name, now),
                )
            continue
        if hook.name in disabled:
            continue
        tz = hook.timezone or settings.alerts.timezone
        state = outbox.digest_state(db, hook.name)
        decision = digest_due(
            parse_schedule(hook.schedule or ""), tz, now, state.last_slot if state else None
        )
        if decision.first_run:
            outbox.start_digests(db, hook.name, decision.slot, now)
            continue
        if not decision.due:
            continue
        row = outbox.plan_digest(db, hook.name, decision.slot, now, _assembler(hook, decision.slot, now))
        if row is not None:
            planned.append(row)
            log.info("digest for %s (slot %s) queued as %s", hook.name, decision.slot.isoformat(), row.msg_id)
    return planned


def preview_digest(db: Database, hook: WebhookConfig, now: datetime) -> tuple[dict, datetime]:
    """What the next digest would hold if it were cut now, and when it falls due (read only)."""
    state = outbox.digest_state(db, hook.name)
    held = outbox.held_deliveries(db, hook.name)
    outlets = outbox.story_outlets(db, {d.story_id for d in held if d.story_id is not None})
    payload = digest_payload(hook, held, outlets, state.last_cut if state else None, now)
    schedule = parse_schedule(hook.schedule or "")
    due = next_slot(schedule, hook.timezone or "Asia/Seoul", state.last_slot if state else now)
    return payload, max(due, now) if due <= now else due
