"""`monitor status`: per-source health and the alert queue, read from the database."""

from __future__ import annotations

import sqlite_utils

from storage.outbox import disabled_webhooks, outbox_counts
from storage.sources import list_sources

from .config import Settings


def source_status(db: sqlite_utils.Database, settings: Settings) -> dict:
    configured = {s.name for s in settings.sources}
    rows = []
    for row in list_sources(db):
        rows.append(
            {
                "name": row["name"],
                "configured": row["name"] in configured,
                "health": row["health"],
                "health_reason": row["health_reason"],
                "last_success": row["last_success"],
                "last_error": row["last_error"],
                "last_error_at": row["last_error_at"],
                "consecutive_failures": row["consecutive_failures"],
                "next_due": row["next_due"],
                "sample_page": row["sample_page"],
            }
        )
    counts = outbox_counts(db)
    return {
        "sources": rows,
        "alerts": {
            "pending": counts.get("pending", 0),
            "failed": counts.get("failed", 0),
            "sent": counts.get("sent", 0),
        },
        "disabled_webhooks": disabled_webhooks(db),
    }
