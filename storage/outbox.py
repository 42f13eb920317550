"""The alert outbox: rows written with their article, delivered at least once, never resent after success."""

from __future__ import annotations

import json

import sqlite_utils

from .db import write_transaction


def due_deliveries(db: sqlite_utils.Database, now: str, limit: int = 100) -> list[dict]:
    rows = list(
        db.query(
            """SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
               ORDER BY next_attempt_at, id LIMIT ?""",
            [now, limit],
        )
    )
    for row in rows:
        row["payload"] = json.loads(row["payload"])
    return rows


def next_due_at(db: sqlite_utils.Database) -> str | None:
    row = db.execute("SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'").fetchone()
    return row[0] if row else None


def mark_sent(db: sqlite_utils.Database, delivery_id: int, now: str) -> None:
    with write_transaction(db):
        db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
            (now, delivery_id),
        )


def mark_retry(db: sqlite_utils.Database, delivery_id: int, next_at: str, error: str) -> None:
    with write_transaction(db):
        db.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'pending'",
            (next_at, error[:500], delivery_id),
        )


def defer(db: sqlite_utils.Database, delivery_id: int, next_at: str) -> None:
    """Postpone a row without counting an attempt (its endpoint just failed for another row)."""
    with write_transaction(db):
        db.execute(
            "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND status = 'pending'",
            (next_at, delivery_id),
        )


def mark_failed(db: sqlite_utils.Database, delivery_id: int, error: str) -> None:
    with write_transaction(db):
        db.execute(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?",
            (error[:500], delivery_id),
        )


def disable_webhook(db: sqlite_utils.Database, name: str, reason: str, now: str) -> None:
    """A 410 Gone: stop sending to this endpoint; its pending rows fail with the reason."""
    with write_transaction(db):
        db.execute(
            """INSERT INTO webhook_state(name, disabled_at, disabled_reason) VALUES (?, ?, ?)
               ON CONFLICT(name) DO UPDATE SET disabled_at = excluded.disabled_at, disabled_reason = excluded.disabled_reason""",
            (name, now, reason),
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


def retry_delivery(db: sqlite_utils.Database, delivery_id: int, now: str) -> bool:
    """Put a failed delivery back in the queue (same webhook-id); False when there is no such row."""
    with write_transaction(db):
        row = db.execute("SELECT webhook, status FROM outbox WHERE id = ?", (delivery_id,)).fetchone()
        if row is None:
            return False
        db.execute("DELETE FROM webhook_state WHERE name = ?", (row[0],))
        db.execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?, attempts = 0 WHERE id = ? AND status != 'sent'",
            (now, delivery_id),
        )
    return True


def list_deliveries(db: sqlite_utils.Database, limit: int = 200) -> list[dict]:
    return list(
        db.query(
            """SELECT o.id, o.msg_id, o.event, o.webhook, o.status, o.attempts, o.last_error, o.topic,
                      o.next_attempt_at, o.sent_at, a.canonical_url AS article_url
               FROM outbox o LEFT JOIN articles a ON a.id = o.article_id ORDER BY o.id DESC LIMIT ?""",
            [limit],
        )
    )


def outbox_counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {r[0]: r[1] for r in db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status")}
