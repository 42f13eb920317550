"""Unmatched articles kept for re-matching: title and body compressed, for `keep_unmatched_days`.

Without them a topic added later would never see what was already crawled. After the window
only the fetch log's "seen" row (URL, hash, validators) stays.
"""

from __future__ import annotations

import json
import zlib
from datetime import datetime

import sqlite_utils

from scrapers.models import Article

from .db import write_transaction
from .models import ArticleInput, KeptArticle, from_db_time, to_db_time

_FIELDS = ("title", "body", "byline", "site_name", "extractor", "subtitle", "url", "title_source")


def pack_article(art: Article) -> bytes:
    data = {k: getattr(art, k) for k in _FIELDS}
    data["published"] = art.published.isoformat() if art.published else None
    return zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 6)


def unpack_article(blob: bytes, canonical_url: str) -> Article:
    data = json.loads(zlib.decompress(blob))
    published = datetime.fromisoformat(data.pop("published")) if data.get("published") else None
    return Article(**data, published=published, canonical_url=canonical_url)


def keep_article(db: sqlite_utils.Database, item: ArticleInput, content_hash: str, now: datetime) -> None:
    """Keep one unmatched article (inside the caller's transaction); a later fetch replaces it."""
    db.execute(
        """INSERT INTO unmatched_articles(url, canonical_url, source, content_hash, data, seen_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(url) DO UPDATE SET canonical_url=excluded.canonical_url, source=excluded.source,
               content_hash=excluded.content_hash, data=excluded.data, seen_at=excluded.seen_at""",
        (
            item.url,
            item.canonical_url,
            item.source,
            content_hash,
            pack_article(item.article),
            to_db_time(now),
        ),
    )


def forget_kept(db: sqlite_utils.Database, urls: list[str]) -> None:
    """An article that is now stored needs no kept copy (inside the caller's transaction)."""
    marks = ",".join("?" * len(urls))
    db.execute(
        f"DELETE FROM unmatched_articles WHERE url IN ({marks}) OR canonical_url IN ({marks})", urls * 2
    )


def kept_articles(db: sqlite_utils.Database, since: datetime | None = None) -> list[KeptArticle]:
    sql = "SELECT url, canonical_url, source, data, seen_at FROM unmatched_articles"
    params: list = []
    if since is not None:
        sql += " WHERE seen_at >= ?"
        params.append(to_db_time(since))
    return [
        KeptArticle(r[0], r[1], r[2], unpack_article(r[3], r[1]), from_db_time(r[4]))
        for r in db.execute(sql + " ORDER BY seen_at", params).fetchall()
    ]


def prune_kept(db: sqlite_utils.Database, before: datetime) -> int:
    """Drop kept copies seen before `before`; returns how many went."""
    with write_transaction(db):
        return db.execute("DELETE FROM unmatched_articles WHERE seen_at < ?", (to_db_time(before),)).rowcount


def get_state(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM monitor_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_state(db: sqlite_utils.Database, key: str, value: str) -> None:
    with write_transaction(db):
        db.execute(
            "INSERT INTO monitor_state(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, value),
        )
