"""Source documents (feeds, listings, sitemaps, API answers): validators and the links last parsed.

A source answering 304 costs one small request and no parse: its links come back from here.
Links are stored as compressed JSON (a hundred links are a few kilobytes).
"""

from __future__ import annotations

import json
import zlib
from datetime import datetime

import sqlite_utils

from scrapers.models import DiscoveredLink

from .db import write_transaction
from .models import RobotsRecord, SourceDocument, from_db_time, to_db_time

_LINK_TIMES = ("published", "updated")


def encode_links(links: tuple[DiscoveredLink, ...], children: tuple[str, ...]) -> bytes:
    items = []
    for link in links:
        item = {k: getattr(link, k) for k in link.__slots__ if getattr(link, k) is not None}
        for k in _LINK_TIMES:
            if k in item:
                item[k] = item[k].isoformat()
        items.append(item)
    return zlib.compress(
        json.dumps({"links": items, "children": list(children)}, ensure_ascii=False).encode()
    )


def decode_links(blob: bytes) -> tuple[tuple[DiscoveredLink, ...], tuple[str, ...]]:
    data = json.loads(zlib.decompress(blob))
    links = []
    for item in data["links"]:
        for k in _LINK_TIMES:
            if item.get(k):
                item[k] = datetime.fromisoformat(item[k])
        links.append(DiscoveredLink(**item))
    return tuple(links), tuple(data["children"])


def get_document(db: sqlite_utils.Database, url: str) -> SourceDocument | None:
    row = db.execute(
        "SELECT url, source, etag, last_modified, checked_at, changed_at, bytes, links FROM source_documents "
        "WHERE url = ?",
        (url,),
    ).fetchone()
    if row is None:
        return None
    links, children = decode_links(row[7])
    return SourceDocument(
        url=row[0],
        source=row[1],
        etag=row[2],
        last_modified=row[3],
        checked_at=from_db_time(row[4]),
        changed_at=from_db_time(row[5]),
        bytes=row[6],
        links=links,
        children=children,
    )


def save_documents(db: sqlite_utils.Database, docs: list[SourceDocument]) -> None:
    """Remember source documents after their crawl finished (so a crash re-reads them in full)."""
    with write_transaction(db):
        for d in docs:
            db.execute(
                """INSERT INTO source_documents(url, source, etag, last_modified, checked_at, changed_at, bytes, links)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(url) DO UPDATE SET source=excluded.source, etag=excluded.etag,
                       last_modified=excluded.last_modified, checked_at=excluded.checked_at,
                       changed_at=excluded.changed_at, bytes=excluded.bytes, links=excluded.links""",
                (
                    d.url,
                    d.source,
                    d.etag,
                    d.last_modified,
                    to_db_time(d.checked_at),
                    to_db_time(d.changed_at),
                    d.bytes,
                    encode_links(d.links, d.children),
                ),
            )


def get_robots(db: sqlite_utils.Database, origin: str) -> RobotsRecord | None:
    row = db.execute("SELECT status, body, fetched_at FROM robots_txt WHERE origin = ?", (origin,)).fetchone()
    return RobotsRecord(origin, row[0], bytes(row[1]), from_db_time(row[2])) if row else None


def save_robots(db: sqlite_utils.Database, record: RobotsRecord) -> None:
    with write_transaction(db):
        db.execute(
            """INSERT INTO robots_txt(origin, status, body, fetched_at) VALUES (?, ?, ?, ?)
               ON CONFLICT(origin) DO UPDATE SET status=excluded.status, body=excluded.body,
                   fetched_at=excluded.fetched_at""",
            (record.origin, record.status, record.body, to_db_time(record.fetched_at)),
        )
