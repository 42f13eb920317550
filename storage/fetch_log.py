"""The fetch log: per URL what was last seen (status, validators, content hash, error)."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from .db import write_transaction
from .models import FetchRecord, RecheckRow, from_db_time, to_db_time


def known_urls(db: sqlite_utils.Database, urls: list[str]) -> dict[str, FetchRecord]:
    """What was seen before at these URLs, with ETag and Last-Modified."""
    out: dict[str, FetchRecord] = {}
    for i in range(0, len(urls), 500):
        chunk = urls[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.query(
            f"""SELECT url, status, etag, last_modified, checked_at, article_id, matched, error_kind,
                       first_seen, listed_at, hint_updated
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
                first_seen=from_db_time(row["first_seen"]),
                listed_at=from_db_time(row["listed_at"]),
                hint_updated=from_db_time(row["hint_updated"]),
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
                                     checked_at, article_id, matched, first_seen)
               VALUES (?, ?, 200, ?, ?, ?, NULL, NULL, ?, ?, ?, ?)
               ON CONFLICT(url) DO UPDATE SET status=200, etag=excluded.etag, last_modified=excluded.last_modified,
                   content_hash=excluded.content_hash, error_kind=NULL, error=NULL, checked_at=excluded.checked_at,
                   article_id=excluded.article_id, matched=excluded.matched, source=excluded.source""",
            (
                url,
                source,
                etag,
                last_modified,
                content_hash,
                to_db_time(now),
                article_id,
                int(matched),
                to_db_time(now),
            ),
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
            """INSERT INTO fetch_log(url, source, status, error_kind, error, checked_at, first_seen)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(url) DO UPDATE SET status=excluded.status, error_kind=excluded.error_kind,
                   error=excluded.error, checked_at=excluded.checked_at""",
            (url, source, status, str(kind), error[:500], to_db_time(now), to_db_time(now)),
        )


def touch_fetch(db: sqlite_utils.Database, url: str, now: datetime) -> None:
    """A 304: only the check time changes."""
    with write_transaction(db):
        db.execute("UPDATE fetch_log SET checked_at = ?, status = 304 WHERE url = ?", (to_db_time(now), url))


def mark_listed(
    db: sqlite_utils.Database, listed: dict[str, datetime | None], *, signals: set[str], now: datetime
) -> None:
    """These links were listed by their source now; for those in `signals` (handled without
    error) remember what the source said of their edit time, so a later change forces a recheck."""
    stamp = to_db_time(now)
    with write_transaction(db):
        for url, updated in listed.items():
            if url in signals:
                db.execute(
                    "UPDATE fetch_log SET listed_at = ?, hint_updated = ? WHERE url = ?",
                    (stamp, to_db_time(updated) if updated else None, url),
                )
            else:
                db.execute("UPDATE fetch_log SET listed_at = ? WHERE url = ?", (stamp, url))


def recheck_rows(db: sqlite_utils.Database, source: str | None = None, limit: int = 200) -> list[RecheckRow]:
    """Stored links with what decides their next recheck (for `monitor show` / `monitor status`)."""
    sql = """SELECT f.url, f.source, f.article_id, a.title_source, f.first_seen, f.checked_at, f.listed_at,
                    f.hint_updated
             FROM fetch_log f LEFT JOIN articles a ON a.id = f.article_id"""
    params: list = []
    if source:
        sql += " WHERE f.source = ?"
        params.append(source)
    sql += " ORDER BY f.checked_at DESC LIMIT ?"
    params.append(limit)
    return [
        RecheckRow(
            url=r[0],
            source=r[1],
            article_id=r[2],
            title_source=r[3],
            first_seen=from_db_time(r[4]),
            checked_at=from_db_time(r[5]),
            listed_at=from_db_time(r[6]),
            hint_updated=from_db_time(r[7]),
        )
        for r in db.execute(sql, params).fetchall()
    ]
