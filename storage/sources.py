"""Per-source health: last success and error, consecutive failures, degraded quality, next due."""

from __future__ import annotations

import sqlite_utils

from .db import write_transaction


def ensure_source(db: sqlite_utils.Database, name: str, kind: str, url: str) -> None:
    with write_transaction(db):
        db.execute(
            """INSERT INTO sources(name, kind, url) VALUES (?, ?, ?)
               ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, url = excluded.url""",
            (name, kind, url),
        )


def get_source(db: sqlite_utils.Database, name: str) -> dict | None:
    rows = list(db.query("SELECT * FROM sources WHERE name = ?", [name]))
    return rows[0] if rows else None


def update_source(db: sqlite_utils.Database, name: str, **fields) -> None:
    if not fields:
        return
    cols = ", ".join(f"{k} = ?" for k in fields)
    with write_transaction(db):
        db.execute(f"UPDATE sources SET {cols} WHERE name = ?", (*fields.values(), name))


def list_sources(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query("SELECT * FROM sources ORDER BY name"))
