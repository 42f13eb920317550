"""Saving articles (with dedup, stories, versions and their alerts in one transaction) and reading them."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import datetime

import sqlite_utils

from scrapers.models import Article

from .board import BoardFolder, update_board
from .db import write_transaction
from .dedup import body_hash, detect_change, signature
from .fetch_log import log_fetch
from .models import (
    SNIPPET_CAP,
    AlertFacts,
    ArticleInput,
    MatchRecord,
    OutboxRow,
    SaveResult,
    capped_article,
    to_db_time,
)
from .outbox import alert_facts, enqueue
from .story_index import find_story, index_signature
from .unmatched import forget_kept, keep_article

# Planning is the application's: storage hands it the save result and the facts it knows, and
# writes the rows it returns in the same transaction as the article.
AlertPlanner = Callable[[SaveResult, ArticleInput, AlertFacts], list[OutboxRow]]


def url_owner(db: sqlite_utils.Database, urls: list[str]) -> int | None:
    """The article any of these URLs names: its canonical URL, else one that led to it."""
    marks = ",".join("?" * len(urls))
    row = db.execute(f"SELECT id FROM articles WHERE canonical_url IN ({marks}) LIMIT 1", urls).fetchone()
    if row:
        return row[0]
    row = db.execute(f"SELECT article_id FROM article_urls WHERE url IN ({marks}) LIMIT 1", urls).fetchone()
    return row[0] if row else None


def _add_urls(db: sqlite_utils.Database, article_id: int, urls: list[str]) -> None:
    for url in urls:
        db.execute("INSERT OR IGNORE INTO article_urls(url, article_id) VALUES (?, ?)", (url, article_id))


def _save_matches(db: sqlite_utils.Database, article_id: int, matches: tuple[MatchRecord, ...]) -> None:
    db.execute("DELETE FROM topic_matches WHERE article_id = ?", (article_id,))
    _insert_matches(db, article_id, matches)


def _insert_matches(db: sqlite_utils.Database, article_id: int, matches: tuple[MatchRecord, ...]) -> None:
    for m in matches:
        db.execute(
            "INSERT INTO topic_matches(article_id, topic, terms, snippets) VALUES (?, ?, ?, ?)",
            (
                article_id,
                m.topic,
                json.dumps(list(m.terms), ensure_ascii=False),
                json.dumps(m.snippets, ensure_ascii=False),
            ),
        )


def _story_topics(db: sqlite_utils.Database, story_id: int, exclude_article: int) -> set[str]:
    rows = db.execute(
        """SELECT DISTINCT tm.topic FROM topic_matches tm JOIN articles a ON a.id = tm.article_id
           WHERE a.story_id = ? AND a.id != ?""",
        (story_id, exclude_article),
    ).fetchall()
    return {r[0] for r in rows}


def _capped(item: ArticleInput) -> ArticleInput:
    article = capped_article(item.article)
    matches = tuple(
        dataclasses.replace(m, snippets={t: v[:SNIPPET_CAP] for t, v in m.snippets.items()})
        for m in item.matches
    )
    if article is item.article and matches == item.matches:
        return item
    if article is item.article:
        return dataclasses.replace(item, matches=matches)
    # the signature and hash were computed on the uncut text
    return dataclasses.replace(item, article=article, matches=matches, signature=None, body_hash=None)


def save_article(
    db: sqlite_utils.Database,
    item: ArticleInput,
    *,
    now: datetime,
    keep_unmatched: bool = False,
    plan: AlertPlanner | None = None,
    keep_text: bool = False,
    fold: BoardFolder | None = None,
) -> SaveResult:
    """Store one extracted article in one BEGIN IMMEDIATE transaction, with its planned alerts.

    An unmatched article is only "seen" unless `keep_unmatched` (stored in full) or
    `keep_text` (its title and body kept compressed, for re-matching). Fields longer than
    their cap (`models.FIELD_CAPS`) are cut before anything is stored or planned.
    """
    item = _capped(item)
    bhash = item.body_hash or body_hash(item.article.body)
    urls = item.urls
    stamp = to_db_time(now)

    def log(article_id: int | None) -> None:
        log_fetch(
            db,
            [item.canonical_url, item.url],
            source=item.source,
            etag=item.etag,
            last_modified=item.last_modified,
            content_hash=bhash,
            now=now,
            article_id=article_id,
            matched=bool(item.matches),
        )

    with write_transaction(db):
        article_id = url_owner(db, urls)
        if article_id is not None:
            result = _update_existing(db, article_id, item, bhash, stamp)
        elif not item.matches and not keep_unmatched:
            log(None)
            if keep_text:
                keep_article(db, item, bhash, now)
            return SaveResult(status="seen")
        else:
            row = db.execute("SELECT id FROM articles WHERE content_hash = ? LIMIT 1", (bhash,)).fetchone()
            if row:  # level 2: the same text under another URL
                _add_urls(db, row[0], urls)
                log(row[0])
                story = db.execute("SELECT story_id FROM articles WHERE id = ?", (row[0],)).fetchone()[0]
                return SaveResult(status="alias", article_id=row[0], story_id=story, topics=item.topics)
            result = _insert_new(db, item, bhash, stamp)
        log(result.article_id)
        changes = ()
        if fold is not None and result.status in ("new", "changed"):
            # the bid board moves with the article, in its transaction (`fold`: the application's)
            changes = update_board(db, result.article_id, item.claims, fold=fold, now=now)
        if plan is not None and result.status in ("new", "changed"):
            facts = dataclasses.replace(alert_facts(db, result.article_id), board_changes=changes)
            rows = plan(result, item, facts)
            enqueue(db, rows, article_id=result.article_id, story_id=result.story_id, now=now)
        return result


def _add_version(
    db, article_id: int, version: int, art: Article, bhash: str, diff: str | None, stamp: str
) -> None:
    db.execute(
        "INSERT INTO article_versions(article_id, version, title, body, content_hash, diff, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (article_id, version, art.title, art.body, bhash, diff, stamp),
    )


def _insert_new(db, item: ArticleInput, bhash: str, stamp: str) -> SaveResult:
    art = item.article
    topics = item.topics
    sig = item.signature or signature(f"{art.title or ''}\n{art.body}")
    story_id, _ = find_story(db, sig)
    new_story = story_id is None
    if new_story:
        story_id = db.execute(
            "INSERT INTO stories(title, first_seen) VALUES (?, ?)", (art.title, stamp)
        ).lastrowid
    published = art.published.isoformat() if art.published else None
    article_id = db.execute(
        """INSERT INTO articles(canonical_url, url, source, title, byline, published, body, site_name, extractor,
                                content_hash, story_id, version, matched, first_seen, updated_at, title_source)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)""",
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
            stamp,
            stamp,
            art.title_source,
        ),
    ).lastrowid
    forget_kept(db, item.urls)
    if new_story:
        db.execute("UPDATE stories SET representative_article_id = ? WHERE id = ?", (article_id, story_id))
    _add_urls(db, article_id, item.urls)
    _add_version(db, article_id, 1, art, bhash, None, stamp)
    index_signature(db, article_id, sig)
    _save_matches(db, article_id, item.matches)
    earlier = set() if new_story else _story_topics(db, story_id, article_id)
    return SaveResult(
        status="new",
        article_id=article_id,
        story_id=story_id,
        new_story=new_story,
        topics=topics,
        story_new_topics=tuple(t for t in topics if t not in earlier),
        joined_story=not new_story,
    )


def _update_existing(db, article_id: int, item: ArticleInput, bhash: str, stamp: str) -> SaveResult:
    art = item.article
    row = db.execute(
        "SELECT title, body, version, story_id FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    old_title, old_body, version, story_id = row
    _add_urls(db, article_id, item.urls)
    topics = item.topics
    change = detect_change(old_title, old_body, art.title, art.body)
    if not change.material:
        db.execute("UPDATE articles SET updated_at = ? WHERE id = ?", (stamp, article_id))
        return SaveResult(
            status="unchanged", article_id=article_id, story_id=story_id, version=version, topics=topics
        )
    version += 1
    _add_version(db, article_id, version, art, bhash, change.diff, stamp)
    db.execute(
        """UPDATE articles SET title = ?, byline = ?, body = ?, content_hash = ?, version = ?, updated_at = ?,
               published = COALESCE(?, published), title_source = ? WHERE id = ?""",
        (
            art.title,
            art.byline,
            art.body,
            bhash,
            version,
            stamp,
            art.published.isoformat() if art.published else None,
            art.title_source,
            article_id,
        ),
    )
    if item.matches:
        _save_matches(db, article_id, item.matches)
    return SaveResult(
        status="changed",
        article_id=article_id,
        story_id=story_id,
        version=version,
        diff=change.diff,
        topics=topics,
    )


def add_topics(
    db: sqlite_utils.Database,
    article_id: int,
    item: ArticleInput,
    *,
    now: datetime,
    plan: AlertPlanner | None = None,
) -> SaveResult | None:
    """Re-matching a stored article: record the topics it newly matches and plan their alerts
    as for a new article (a story already announced for a topic is not announced again)."""
    with write_transaction(db):
        row = db.execute("SELECT story_id, version FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        story_id, version = row
        have = {
            r[0] for r in db.execute("SELECT topic FROM topic_matches WHERE article_id = ?", (article_id,))
        }
        new = tuple(m for m in item.matches if m.topic not in have)
        if not new:
            return None
        _insert_matches(db, article_id, new)
        db.execute("UPDATE articles SET matched = 1 WHERE id = ?", (article_id,))
        earlier = _story_topics(db, story_id, article_id)
        topics = tuple(m.topic for m in new)
        result = SaveResult(
            status="new",
            article_id=article_id,
            story_id=story_id,
            version=version,
            topics=topics,
            story_new_topics=tuple(t for t in topics if t not in earlier),
            joined_story=True,
        )
        if plan is not None:
            rows = plan(result, item, alert_facts(db, article_id))
            enqueue(db, rows, article_id=article_id, story_id=story_id, now=now)
        return result


def stored_articles(
    db: sqlite_utils.Database, since: datetime | None = None
) -> list[tuple[int, ArticleInput]]:
    """Every stored article as the pipeline handed it over (for re-matching)."""
    sql = """SELECT id, canonical_url, url, source, title, byline, published, body, site_name, extractor,
                    title_source FROM articles"""
    params: list = []
    if since is not None:
        sql += " WHERE first_seen >= ?"
        params.append(to_db_time(since))
    out = []
    for r in db.execute(sql + " ORDER BY id", params).fetchall():
        art = Article(
            title=r[4],
            byline=r[5],
            published=datetime.fromisoformat(r[6]) if r[6] else None,
            body=r[7],
            canonical_url=r[1],
            site_name=r[8],
            extractor=r[9] or "generic",
            url=r[2],
            title_source=r[10] or "page",
        )
        out.append((r[0], ArticleInput(canonical_url=r[1], url=r[2], source=r[3] or "", article=art)))
    return out


# --- reading -------------------------------------------------------------------------------


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
