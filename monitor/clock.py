"""The clock: the one place the application reads the time (tests inject their own)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC)


def in_zone(value: str | datetime, zone: str) -> datetime | None:
    """A stored time (ISO text or datetime) in `zone`; naive times stay as written; None when
    the text is not a time."""
    try:
        dt = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    except ValueError:
        return None
    return dt if dt.tzinfo is None else dt.astimezone(ZoneInfo(zone))
