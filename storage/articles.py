"""Saving articles (with dedup, stories, versions and their alerts in one transaction) and reading them."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from scrapers.models import Article

from .db import write_transaction
from .dedup import (
    STORY_THRESHOLD,
    band_keys,
    body_hash,
    detect_change,
    signature,
    similarity,
    sketch,
)


@dataclass(frozen=True)
class ArticleInput:
    """One extracted article as the pipeline hands it to storage."""

    canonical_url: str
    url: str
    source: str
    article: Article
    matches: tuple[dict, ...] = ()  # {"topic", "terms", "snippets"}
    etag: str | None = None
    last_modified: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def urls(self) -> list[str]:
        """Every URL that led to this article, canonical first, without repeats."""
        return list(dict.fromkeys([self.canonical_url, self.url, *self.aliases]))

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(m["topic"] for m in self.matches)


@dataclass(frozen=True)
class SaveResult:
    status: str  # new | alias | changed | unchanged | seen
    article_id: int | None = None
    story_id: int | None = None
    new_story: bool = False
    version: int = 1
    diff: str | None = None
    topics: tuple[str, ...] = ()
    story_new_topics: tuple[str, ...] = ()  # topics this story matches for the first time
    joined_story: bool = False  # a further outlet joined an existing story


@dataclass(frozen=True)
class OutboxRow:
    msg_id: str
    dedup_key: str
    webhook: str
    event: str
    topic: str | None
    payload: dict


Enqueue = Callable[[sqlite_utils.Database, SaveResult, ArticleInput], list[OutboxRow]]


def _url_owner(db: sqlite_utils.Database, urls: list[str]) -> int | None:
    marks = ",".join("?" * len(urls))
    row = db.execute(f"SELECT id FROM articles WHERE canonical_url IN ({marks}) LIMIT 1", urls).fetchone()
    if row:
        return row[0]
    row = db.execute(f"SELECT article_id FROM article_urls WHERE url IN ({marks}) LIMIT 1", urls).fetchone()
    return row[0] if row else None


def _add_urls(db: sqlite_utils.Database, article_id: int, urls: list[str]) -> None:
    for url in urls:
        db.execute("INSERT OR IGNORE INTO article_urls(url, article_id) VALUES (?, ?)", (url, article_id))


def _log_fetch(
    db: sqlite_utils.Database, item: ArticleInput, now: str, article_id: int | None, bhash: str
) -> None:
    """Remember the fetch under the canonical URL and the URL it was fetched as (ETag, hash, time)."""
    for url in dict.fromkeys([item.canonical_url, item.url]):
        db.execute(
            """INSERT INTO fetch_log(url, source, status, etag, last_modified, content_hash, error_kind, error,
                                     checked_at, article_id, matched)
               VALUES (?, ?, 200, ?, ?, ?, NULL, NULL, ?, ?, ?)
               ON CONFLICT(url) DO UPDATE SET status=200, etag=excluded.etag, last_modified=excluded.last_modified,
                   content_hash=excluded.content_hash, error_kind=NULL, error=NULL, checked_at=excluded.checked_at,
                   article_id=excluded.article_id, matched=excluded.matched, source=excluded.source""",
            (
                url,
                item.source,
                item.etag,
                item.last_modified,
                bhash,
                now,
                article_id,
                int(bool(item.matches)),
            ),
        )


def _save_matches(db: sqlite_utils.Database, article_id: int, matches: tuple[dict, ...]) -> None:
    db.execute("DELETE FROM topic_matches WHERE article_id = ?", (article_id,))
    for m in matches:
        db.execute(
            "INSERT INTO topic_matches(article_id, topic, terms, snippets) VALUES (?, ?, ?, ?)",
            (
                article_id,
                m["topic"],
                json.dumps(m["terms"], ensure_ascii=False),
                json.dumps(m["snippets"], ensure_ascii=False),
            ),
        )


def _story_topics(db: sqlite_utils.Database, story_id: int, exclude_article: int) -> set[str]:
    rows = db.execute(
        """SELECT DISTINCT tm.topic FROM topic_matches tm JOIN articles a ON a.id = tm.article_id
           WHERE a.story_id = ? AND a.id != ?""",
        (story_id, exclude_article),
    ).fetchall()
    return {r[0] for r in rows}


def find_story(db: sqlite_utils.Database, sig: tuple[int, ...]) -> tuple[int | None, float]:
    """The story whose articles are most similar to `sig`, if one passes the threshold.

    Candidates are ranked by how many LSH bands they share (a reprint shares many, a chance
    collision one), so only the best few signatures are read whatever the store's size.
    """
    keys = band_keys(sig)
    marks = ",".join("?" * len(keys))
    candidates = db.execute(
        f"""SELECT c.article_id, s.signature FROM (
                SELECT article_id, COUNT(*) AS shared FROM story_bands WHERE band IN ({marks})
                GROUP BY article_id ORDER BY shared DESC LIMIT 20
            ) c JOIN article_signatures s ON s.article_id = c.article_id""",
        keys,
    ).fetchall()
    probe = sketch(sig)
    best_article, best = None, 0.0
    for article_id, stored in candidates:
        sim = similarity(probe, stored)
        if sim > best:
            best_article, best = article_id, sim
    if best_article is None or best < STORY_THRESHOLD:
        return None, best
    return db.execute("SELECT story_id FROM articles WHERE id = ?", (best_article,)).fetchone()[0], best


def save_article(
    db: sqlite_utils.Database,
    item: ArticleInput,
    *,
    now: str,
    keep_unmatched: bool = False,
    enqueue: Enqueue | None = None,
) -> SaveResult:
    """Store one extracted article in one BEGIN IMMEDIATE transaction, with its outbox rows."""
    bhash = body_hash(item.article.body)
    urls = item.urls
    with write_transaction(db):
        article_id = _url_owner(db, urls)
        if article_id is not None:
            result = _update_existing(db, article_id, item, bhash, now)
        elif not item.matches and not keep_unmatched:
            _log_fetch(db, item, now, None, bhash)
            return SaveResult("seen")
        else:
            row = db.execute("SELECT id FROM articles WHERE content_hash = ? LIMIT 1", (bhash,)).fetchone()
            if row:  # level 2: the same text under another URL
                _add_urls(db, row[0], urls)
                _log_fetch(db, item, now, row[0], bhash)
                story = db.execute("SELECT story_id FROM articles WHERE id = ?", (row[0],)).fetchone()[0]
                return SaveResult("alias", row[0], story, topics=item.topics)
            result = _insert_new(db, item, bhash, now)
        _log_fetch(db, item, now, result.article_id, bhash)
        if enqueue is not None and result.status in ("new", "changed"):
            for out in enqueue(db, result, item):
                _insert_outbox(db, out, result, now)
        return result


def _add_version(
    db, article_id: int, version: int, art: Article, bhash: str, diff: str | None, now: str
) -> None:
    db.execute(
        "INSERT INTO article_versions(article_id, version, title, body, content_hash, diff, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (article_id, version, art.title, art.body, bhash, diff, now),
    )


def index_signature(db: sqlite_utils.Database, article_id: int, sig: tuple[int, ...]) -> None:
    """Store one article's MinHash sketch and index its signature in the LSH band table."""
    db.execute(
        "INSERT OR REPLACE INTO article_signatures(article_id, signature) VALUES (?, ?)",
        (article_id, sketch(sig)),
    )
    db.conn.executemany(
        "INSERT OR IGNORE INTO story_bands(band, article_id) VALUES (?, ?)",
        [(key, article_id) for key in band_keys(sig)],
    )


def _insert_new(db, item: ArticleInput, bhash: str, now: str) -> SaveResult:
    art = item.article
    topics = item.topics
    sig = signature(f"{art.title or ''}\n{art.body}")
    story_id, _ = find_story(db, sig)
    new_story = story_id is None
    if new_story:
        story_id = db.execute(
            "INSERT INTO stories(title, first_seen) VALUES (?, ?)", (art.title, now)
        ).lastrowid
    published = art.published.isoformat() if art.published else None
    article_id = db.execute(
        """INSERT INTO articles(canonical_url, url, source, title, byline, published, body, site_name, extractor,
                                content_hash, story_id, version, matched, first_seen, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)""",
        (
            item.canonical_url,
            item.url,
            item.source,
            art.title,
            art.byline,
            published,
            art.body,
            art.site_name,
            art.extractor,
            bhash,
            story_id,
            int(bool(item.matches)),
            now,
            now,
        ),
    ).lastrowid
    if new_story:
        db.execute("UPDATE stories SET representative_article_id = ? WHERE id = ?", (article_id, story_id))
    _add_urls(db, article_id, item.urls)
    _add_version(db, article_id, 1, art, bhash, None, now)
    index_signature(db, article_id, sig)
    _save_matches(db, article_id, item.matches)
    earlier = set() if new_story else _story_topics(db, story_id, article_id)
    return SaveResult(
        "new",
        article_id,
        story_id,
        new_story,
        1,
        None,
        topics,
        story_new_topics=tuple(t for t in topics if t not in earlier),
        joined_story=not new_story,
    )


def _update_existing(db, article_id: int, item: ArticleInput, bhash: str, now: str) -> SaveResult:
    art = item.article
    row = db.execute(
        "SELECT title, body, version, story_id FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    old_title, old_body, version, story_id = row
    _add_urls(db, article_id, item.urls)
    topics = item.topics
    change = detect_change(old_title, old_body, art.title, art.body)
    if not change.material:
        db.execute("UPDATE articles SET updated_at = ? WHERE id = ?", (now, article_id))
        return SaveResult("unchanged", article_id, story_id, version=version, topics=topics)
    version += 1
    _add_version(db, article_id, version, art, bhash, change.diff, now)
    db.execute(
        """UPDATE articles SET title = ?, byline = ?, body = ?, content_hash = ?, version = ?, updated_at = ?,
               published = COALESCE(?, published) WHERE id = ?""",
        (
            art.title,
            art.byline,
            art.body,
            bhash,
            version,
            now,
            art.published.isoformat() if art.published else None,
            article_id,
        ),
    )
    if item.matches:
        _save_matches(db, article_id, item.matches)
    return SaveResult("changed", article_id, story_id, version=version, diff=change.diff, topics=topics)


def _insert_outbox(db, out: OutboxRow, result: SaveResult, now: str) -> None:
    db.execute(
        """INSERT OR IGNORE INTO outbox(msg_id, dedup_key, webhook, event, article_id, story_id, topic, payload,
                                        status, attempts, next_attempt_at, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)""",
        (
            out.msg_id,
            out.dedup_key,
            out.webhook,
            out.event,
            result.article_id,
            result.story_id,
            out.topic,
            json.dumps(out.payload, ensure_ascii=False, sort_keys=True),
            now,
            now,
        ),
    )


def was_alerted(db: sqlite_utils.Database, article_id: int) -> bool:
    """Has any alert for this article (or its story's first announcement) been queued?"""
    row = db.execute(
        """SELECT 1 FROM outbox WHERE article_id = ? OR (event = 'article.new' AND story_id =
               (SELECT story_id FROM articles WHERE id = ?)) LIMIT 1""",
        (article_id, article_id),
    ).fetchone()
    return row is not None


# --- reading -------------------------------------------------------------------------------


def known_urls(db: sqlite_utils.Database, urls: list[str]) -> dict[str, dict]:
    """fetch_log rows for these URLs: what was seen before, with ETag and Last-Modified."""
    out: dict[str, dict] = {}
    for i in range(0, len(urls), 500):
        chunk = urls[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.query(f"SELECT * FROM fetch_log WHERE url IN ({marks})", chunk):
            out[row["url"]] = row
    return out


def record_fetch_error(
    db: sqlite_utils.Database, url: str, source: str, kind: str, error: str, status: int | None, now: str
) -> None:
    with write_transaction(db):
        db.execute(
            """INSERT INTO fetch_log(url, source, status, error_kind, error, checked_at) VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT(url) DO UPDATE SET status=excluded.status, error_kind=excluded.error_kind,
                   error=excluded.error, checked_at=excluded.checked_at""",
            (url, source, status, kind, error[:500], now),
        )


def touch_fetch(db: sqlite_utils.Database, url: str, now: str) -> None:
    """A 304: only the check time changes."""
    with write_transaction(db):
        db.execute("UPDATE fetch_log SET checked_at = ?, status = 304 WHERE url = ?", (now, url))


def article_topics(db: sqlite_utils.Database, article_id: int) -> list[str]:
    return [
        r[0]
        for r in db.execute(
            "SELECT topic FROM topic_matches WHERE article_id = ? ORDER BY topic", (article_id,)
        )
    ]


def list_articles(
    db: sqlite_utils.Database, topic: str | None = None, limit: int | None = None
) -> list[dict]:
    sql = """SELECT a.id, a.canonical_url AS url, a.title, a.source, a.byline, a.published, a.story_id, a.version,
                    (SELECT json_group_array(topic) FROM topic_matches t WHERE t.article_id = a.id) AS topics
             FROM articles a"""
    params: list = []
    if topic:
        sql += " WHERE EXISTS (SELECT 1 FROM topic_matches t WHERE t.article_id = a.id AND t.topic = ?)"
        params.append(topic)
    sql += " ORDER BY COALESCE(a.published, a.first_seen) DESC, a.id DESC"
    if limit:
        sql += f" LIMIT {int(limit)}"
    rows = []
    for row in db.query(sql, params):
        row["topics"] = json.loads(row["topics"] or "[]")
        rows.append(row)
    return rows


def list_stories(db: sqlite_utils.Database) -> list[dict]:
    stories = []
    for story in db.query("SELECT id, title, first_seen FROM stories ORDER BY first_seen DESC, id DESC"):
        members = list(
            db.query(
                "SELECT canonical_url AS url, source, site_name FROM articles WHERE story_id = ? ORDER BY id",
                [story["id"]],
            )
        )
        story["outlets"] = sorted(
            {m["site_name"] or m["source"] for m in members if m["site_name"] or m["source"]}
        )
        story["urls"] = [m["url"] for m in members]
        stories.append(story)
    return stories


def search_articles(db: sqlite_utils.Database, query: str, limit: int = 50) -> list[dict]:
    """Full-text search over title and body (trigram: substrings of 3+ characters, Korean included)."""
    terms = [t for t in query.split() if t]
    if not terms:
        return []
    short = [t for t in terms if len(t) < 3]
    long_terms = [t for t in terms if len(t) >= 3]
    params: list = []
    where = []
    if long_terms:
        fts = " AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
        where.append("a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(fts)
    for t in short:  # trigrams need three characters: shorter terms fall back to LIKE
        where.append("(a.title LIKE ? OR a.body LIKE ?)")
        params += [f"%{t}%", f"%{t}%"]
    sql = f"""SELECT a.id, a.canonical_url AS url, a.title, a.source, a.published, a.story_id,
                     substr(a.body, 1, 160) AS excerpt
              FROM articles a WHERE {" AND ".join(where)} ORDER BY COALESCE(a.published, a.first_seen) DESC LIMIT ?"""
    params.append(limit)
    return list(db.query(sql, params))
