"""`monitor status`: per-source health and the alert queue, read from the database."""

from __future__ import annotations

from datetime import datetime

from storage import Database
from storage.outbox import disabled_webhooks, outbox_counts
from storage.sources import list_sources

from .config import Settings


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def source_status(db: Database, settings: Settings) -> dict:
    configured = {s.name for s in settings.sources}
    rows = [
        {
            "name": s.name,
            "configured": s.name in configured,
            "health": s.health,
            "health_reason": s.health_reason,
            "last_success": _time(s.last_success),
            "last_error": s.last_error,
            "last_error_at": _time(s.last_error_at),
            "consecutive_failures": s.consecutive_failures,
            "next_due": _time(s.next_due),
            "sample_page": s.sample_page,
        }
        for s in list_sources(db)
    ]
    counts = outbox_counts(db)
    return {
        "sources": rows,
        "alerts": {
            "pending": counts["pending"],
            "failed": counts["failed"],
            "sent": counts["sent"],
            "held": counts["held"],  # waiting for a digest
        },
        "disabled_webhooks": disabled_webhooks(db),
    }
