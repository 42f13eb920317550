"""The fetch log: per URL what was last seen (status, validators, content hash, error)."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from .db import write_transaction
from .models import FetchRecord, from_db_time, to_db_time


def known_urls(db: sqlite_utils.Database, urls: list[str]) -> dict[str, FetchRecord]:
    """What was seen before at these URLs, with ETag and Last-Modified."""
    out: dict[str, FetchRecord] = {}
    for i in range(0, len(urls), 500):
        chunk = urls[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.query(
            f"""SELECT url, status, etag, last_modified, checked_at, article_id, matched, error_kind
                FROM fetch_log WHERE url IN ({marks})""",
            chunk,
        ):
            out[row["url"]] = FetchRecord(
                url=row["url"],
                status=row["status"],
                etag=row["etag"],
                last_modified=row["last_modified"],
                checked_at=from_db_time(row["checked_at"]),
                article_id=row["article_id"],
                matched=bool(row["matched"]),
                error_kind=row["error_kind"],
            )
    return out


def log_fetch(
    db: sqlite_utils.Database,
    urls: list[str],
    *,
    source: str,
    etag: str | None,
    last_modified: str | None,
    content_hash: str,
    now: datetime,
    article_id: int | None,
    matched: bool,
) -> None:
    """Remember a successful fetch under each of `urls` (runs inside the caller's transaction)."""
    for url in dict.fromkeys(urls):
        db.execute(
            """INSERT INTO fetch_log(url, source, status, etag, last_modified, content_hash, error_kind, error,
                                     checked_at, article_id, matched)
               VALUES (?, ?, 200, ?, ?, ?, NULL, NULL, ?, ?, ?)
               ON CONFLICT(url) DO UPDATE SET status=200, etag=excluded.etag, last_modified=excluded.last_modified,
                   content_hash=excluded.content_hash, error_kind=NULL, error=NULL, checked_at=excluded.checked_at,
                   article_id=excluded.article_id, matched=excluded.matched, source=excluded.source""",
            (url, source, etag, last_modified, content_hash, to_db_time(now), article_id, int(matched)),
        )


def record_fetch_error(
    db: sqlite_utils.Database,
    url: str,
    *,
    source: str,
    kind: str,
    error: str,
    status: int | None,
    now: datetime,
) -> None:
    with write_transaction(db):
        db.execute(
            """INSERT INTO fetch_log(url, source, status, error_kind, error, checked_at) VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT(url) DO UPDATE SET status=excluded.status, error_kind=excluded.error_kind,
                   error=excluded.error, checked_at=excluded.checked_at""",
            (url, source, status, str(kind), error[:500], to_db_time(now)),
        )


def touch_fetch(db: sqlite_utils.Database, url: str, now: datetime) -> None:
    """A 304: only the check time changes."""
    with write_transaction(db):
        db.execute("UPDATE fetch_log SET checked_at = ?, status = 304 WHERE url = ?", (to_db_time(now), url))
