"""The alert outbox: rows written with their article, delivered at least once, never resent after success.

Everything about deliveries lives here: the facts alert planning needs, enqueueing inside
the article's transaction, claiming a due row with a lease, marking it sent / retrying /
failed, disabling a gone endpoint, and the counts the CLI and status show.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Literal

import sqlite_utils

from .db import write_transaction
from .models import AlertFacts, Delivery, OutboxRow, from_db_time, to_db_time


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
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)""",
            (
                out.msg_id,
                out.dedup_key,
                out.webhook,
                out.event,
                article_id,
                story_id,
                out.topic,
                json.dumps(out.payload, ensure_ascii=False, sort_keys=True),
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
    counts = {"pending": 0, "sent": 0, "failed": 0}
    counts.update({r[0]: r[1] for r in db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status")})
    return counts
