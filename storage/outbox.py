"""The alert outbox: rows written with their article, delivered at least once, never resent after success.

Everything about deliveries lives here: the facts alert planning needs, enqueueing inside
the article's transaction, claiming a due row with a lease, marking it sent / retrying /
failed, disabling a gone endpoint, and the counts the CLI and status show.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

import sqlite_utils

from .db import write_transaction
from .models import AlertFacts, Delivery, DigestState, OutboxRow, from_db_time, to_db_time


def alert_facts(db: sqlite_utils.Database, article_id: int | None) -> AlertFacts:
    """What planning needs to know about an article's earlier alerts (inside its transaction)."""
    alerted = False
    if article_id is not None:
        alerted = (
            db.execute(
                """SELECT 1 FROM outbox WHERE article_id = ? OR (event = 'article.new' AND story_id =
                       (SELECT story_id FROM articles WHERE id = ?)) LIMIT 1""",
                (article_id, article_id),
            ).fetchone()
            is not None
        )
    return AlertFacts(disabled_webhooks=frozenset(disabled_webhooks(db)), article_alerted=alerted)


def enqueue(
    db: sqlite_utils.Database,
    rows: list[OutboxRow],
    *,
    article_id: int | None,
    story_id: int | None,
    now: datetime,
) -> None:
    """Write planned rows (inside the caller's transaction); a dedup key already queued is skipped."""
    stamp = to_db_time(now)
    for out in rows:
        db.execute(
            """INSERT OR IGNORE INTO outbox(msg_id, dedup_key, webhook, event, article_id, story_id, topic,
                                            payload, status, attempts, next_attempt_at, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)""",
            (
                out.msg_id,
                out.dedup_key,
                out.webhook,
                out.event,
                article_id,
                story_id,
                out.topic,
                json.dumps(out.payload, ensure_ascii=False, sort_keys=True),
                out.status,
                stamp,
                stamp,
            ),
        )


def _delivery(row: dict) -> Delivery:
    return Delivery(
        id=row["id"],
        msg_id=row["msg_id"],
        webhook=row["webhook"],
        event=row["event"],
        topic=row["topic"],
        payload=json.loads(row["payload"]) if "payload" in row else {},
        status=row["status"],
        attempts=row["attempts"],
        next_attempt_at=from_db_time(row["next_attempt_at"]),
        last_error=row["last_error"],
        sent_at=from_db_time(row["sent_at"]),
        article_url=row.get("article_url"),
        story_id=row.get("story_id"),
        created_at=from_db_time(row.get("created_at")),
    )


def due_deliveries(db: sqlite_utils.Database, now: datetime, limit: int = 100) -> list[Delivery]:
    rows = db.query(
        """SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
           ORDER BY next_attempt_at, id LIMIT ?""",
        [to_db_time(now), limit],
    )
    return [_delivery(row) for row in rows]


def claim(db: sqlite_utils.Database, delivery_id: int, now: datetime, lease: float) -> bool:
    """Take a lease on a due row, so two processes never post it at once."""
    with write_transaction(db):
        cur = db.execute(
            "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND status = 'pending' AND next_attempt_at <= ?",
            (to_db_time(now + timedelta(seconds=lease)), delivery_id, to_db_time(now)),
        )
        return cur.rowcount == 1


def next_due_at(db: sqlite_utils.Database) -> datetime | None:
    row = db.execute("SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'").fetchone()
    return from_db_time(row[0]) if row else None


def mark_sent(db: sqlite_utils.Database, delivery_id: int, now: datetime) -> None:
    with write_transaction(db):
        db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
            (to_db_time(now), delivery_id),
        )


def mark_retry(db: sqlite_utils.Database, delivery_id: int, next_at: datetime, error: str) -> None:
    with write_transaction(db):
        db.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'pending'",
            (to_db_time(next_at), error[:500], delivery_id),
        )


def defer(db: sqlite_utils.Database, delivery_id: int, next_at: datetime) -> None:
    """Postpone a row without counting an attempt (its endpoint just failed for another row)."""
    with write_transaction(db):
        db.execute(
            "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND status = 'pending'",
            (to_db_time(next_at), delivery_id),
        )


def mark_failed(db: sqlite_utils.Database, delivery_id: int, error: str) -> None:
    with write_transaction(db):
        db.execute(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?",
            (error[:500], delivery_id),
        )


def disable_webhook(db: sqlite_utils.Database, name: str, reason: str, now: datetime) -> None:
    """A 410 Gone: stop sending to this endpoint; its pending rows fail with the reason."""
    with write_transaction(db):
        db.execute(
            """INSERT INTO webhook_state(name, disabled_at, disabled_reason) VALUES (?, ?, ?)
               ON CONFLICT(name) DO UPDATE SET disabled_at = excluded.disabled_at, disabled_reason = excluded.disabled_reason""",
            (name, to_db_time(now), reason),
        )
        db.execute(
            "UPDATE outbox SET status = 'failed', last_error = ? WHERE webhook = ? AND status = 'pending'",
            (f"endpoint disabled: {reason}", name),
        )


def disabled_webhooks(db: sqlite_utils.Database) -> dict[str, str]:
    return {
        r[0]: r[1]
        for r in db.execute("SELECT name, disabled_reason FROM webhook_state WHERE disabled_at IS NOT NULL")
    }


RetryOutcome = Literal["queued", "missing", "already_sent"]


def retry_delivery(
    db: sqlite_utils.Database, delivery_id: int, now: datetime, *, webhook: str | None = None
) -> RetryOutcome:
    """Put a delivery back in the queue under the same webhook-id, optionally for another
    webhook (one renamed in the config). A sent delivery stays sent."""
    with write_transaction(db):
        row = db.execute("SELECT webhook, status FROM outbox WHERE id = ?", (delivery_id,)).fetchone()
        if row is None:
            return "missing"
        if row[1] == "sent":
            return "already_sent"
        target = webhook or row[0]
        db.execute("DELETE FROM webhook_state WHERE name = ?", (target,))
        db.execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?, attempts = 0, webhook = ? WHERE id = ?",
            (to_db_time(now), target, delivery_id),
        )
    return "queued"


def list_deliveries(db: sqlite_utils.Database, limit: int = 200) -> list[Delivery]:
    rows = db.query(
        """SELECT o.id, o.msg_id, o.event, o.webhook, o.status, o.attempts, o.last_error, o.topic,
                  o.next_attempt_at, o.sent_at, a.canonical_url AS article_url
           FROM outbox o LEFT JOIN articles a ON a.id = o.article_id ORDER BY o.id DESC LIMIT ?""",
        [limit],
    )
    return [_delivery(row) for row in rows]


def outbox_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """Deliveries by status; every status is present (0 when none)."""
    counts = {"pending": 0, "sent": 0, "failed": 0, "held": 0}
    counts.update({r[0]: r[1] for r in db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status")})
    return counts


# --- digests -------------------------------------------------------------------------------------

# Given the held rows, their stories' outlets and the start of the period: the one digest row
# to write, or None when there is nothing to send (monitor/digest.py decides).
DigestAssembler = Callable[[list[Delivery], dict[int, list[dict]], datetime | None], OutboxRow | None]


def held_deliveries(db: sqlite_utils.Database, webhook: str) -> list[Delivery]:
    """The alerts waiting for a notifier's next digest, oldest first."""
    rows = db.query("SELECT * FROM outbox WHERE webhook = ? AND status = 'held' ORDER BY id", [webhook])
    return [_delivery(row) for row in rows]


def story_outlets(db: sqlite_utils.Database, story_ids: set[int]) -> dict[int, list[dict]]:
    """Every outlet that carried each story so far, first seen first: {story: [{outlet, url}]}."""
    out: dict[int, list[dict]] = {}
    ids = sorted(story_ids)
    for i in range(0, len(ids), 500):  # stay far below SQLite's bound-parameter limit
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for story, site, source, url in db.execute(
            f"SELECT story_id, site_name, source, canonical_url FROM articles WHERE story_id IN ({marks}) ORDER BY id",
            chunk,
        ):
            out.setdefault(story, []).append({"outlet": site or source, "url": url})
    return out


def digest_state(db: sqlite_utils.Database, webhook: str) -> DigestState | None:
    row = db.execute("SELECT last_slot, last_cut FROM digest_state WHERE webhook = ?", (webhook,)).fetchone()
    return DigestState(from_db_time(row[0]), from_db_time(row[1])) if row else None  # type: ignore[arg-type]


def _set_state(db: sqlite_utils.Database, webhook: str, slot: datetime, cut: datetime) -> None:
    db.execute(
        """INSERT INTO digest_state(webhook, last_slot, last_cut) VALUES (?, ?, ?)
           ON CONFLICT(webhook) DO UPDATE SET last_slot = excluded.last_slot, last_cut = excluded.last_cut""",
        (webhook, to_db_time(slot), to_db_time(cut)),
    )


def start_digests(db: sqlite_utils.Database, webhook: str, slot: datetime, now: datetime) -> None:
    """A notifier's first look: its period starts now (its latest slot counts as done)."""
    with write_transaction(db):
        db.execute(
            "INSERT OR IGNORE INTO digest_state(webhook, last_slot, last_cut) VALUES (?, ?, ?)",
            (webhook, to_db_time(slot), to_db_time(now)),
        )


def plan_digest(
    db: sqlite_utils.Database, webhook: str, slot: datetime, now: datetime, assemble: DigestAssembler
) -> Delivery | None:
    """Turn a notifier's held alerts into one digest row for `slot`, in one transaction: the
    row is written, every held alert it carries is marked digested, and the slot is recorded,
    or none of it happens. A slot already planned (by this or another process) is skipped, so
    a digest is never planned twice and an alert is in exactly one digest."""
    with write_transaction(db):
        state = digest_state(db, webhook)
        if state is not None and state.last_slot >= slot:
            return None
        held = held_deliveries(db, webhook)
        outlets = story_outlets(db, {d.story_id for d in held if d.story_id is not None})
        row = assemble(held, outlets, state.last_cut if state else None)
        planned, digest_id = None, None
        if row is not None:
            enqueue(db, [row], article_id=None, story_id=None, now=now)
            found = db.execute("SELECT id FROM outbox WHERE dedup_key = ?", (row.dedup_key,)).fetchone()
            digest_id = found[0]
            planned = _delivery(next(iter(db.query("SELECT * FROM outbox WHERE id = ?", [digest_id]))))
        # Consumed either way: an alert the digest left out (a join nobody asked for) never
        # waits for a later one.
        db.conn.executemany(
            "UPDATE outbox SET status = 'digested', digest_id = ? WHERE id = ? AND status = 'held'",
            [(digest_id, d.id) for d in held],
        )
        _set_state(db, webhook, slot, now)
        return planned


def has_held(db: sqlite_utils.Database, webhook: str) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM outbox WHERE webhook = ? AND status = 'held' LIMIT 1", (webhook,)
        ).fetchone()
        is not None
    )


def release_held(db: sqlite_utils.Database, webhook: str, now: datetime) -> int:
    """A notifier switched back to instant mode: its held alerts are delivered one by one."""
    with write_transaction(db):
        cur = db.execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ? WHERE webhook = ? AND status = 'held'",
            (to_db_time(now), webhook),
        )
        return cur.rowcount
