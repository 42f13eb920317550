"""Per-source state between crawls: health, last success and error, failures, next due."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import sqlite_utils

from .db import write_transaction
from .models import SourceState, from_db_time, to_db_time

_FIELDS = tuple(f.name for f in dataclasses.fields(SourceState))
_TIMES = frozenset({"last_attempt", "last_success", "last_error_at", "next_due", "last_new_link_at"})


def _state(row: dict) -> SourceState:
    values = {k: row.get(k) for k in _FIELDS}
    for key in _TIMES:
        values[key] = from_db_time(values[key])
    values["consecutive_failures"] = values["consecutive_failures"] or 0
    values["quality_failures"] = values["quality_failures"] or 0
    values["runs"] = values["runs"] or 0
    values["health"] = values["health"] or "ok"
    return SourceState(**values)


def ensure_source(db: sqlite_utils.Database, name: str, kind: str, url: str) -> None:
    with write_transaction(db):
        db.execute(
            """INSERT INTO sources(name, kind, url) VALUES (?, ?, ?)
               ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, url = excluded.url""",
            (name, kind, url),
        )


def get_source(db: sqlite_utils.Database, name: str) -> SourceState | None:
    rows = list(db.query("SELECT * FROM sources WHERE name = ?", [name]))
    return _state(rows[0]) if rows else None


def save_source(db: sqlite_utils.Database, state: SourceState) -> None:
    """Write a source's whole state (the row exists: `ensure_source` made it)."""
    values = {}
    for key in _FIELDS[1:]:
        value = getattr(state, key)
        values[key] = to_db_time(value) if isinstance(value, datetime) else value
    cols = ", ".join(f"{k} = ?" for k in values)
    with write_transaction(db):
        db.execute(f"UPDATE sources SET {cols} WHERE name = ?", (*values.values(), state.name))


def set_next_due(db: sqlite_utils.Database, name: str, when: datetime) -> None:
    with write_transaction(db):
        db.execute("UPDATE sources SET next_due = ? WHERE name = ?", (to_db_time(when), name))


def list_sources(db: sqlite_utils.Database) -> list[SourceState]:
    return [_state(row) for row in db.query("SELECT * FROM sources ORDER BY name")]
