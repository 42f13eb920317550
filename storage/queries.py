"""Read queries for the readers of the database (the web reader, the CLI's JSON): stories with
their outlets and topics, one story with every article and version, outlets to filter on.

The objects returned are the ones the API prints: a story summary carries the keys of
`list_stories` (id, title, first_seen, outlets, urls) with the same values, plus topics,
article_count and a matched snippet, so `monitor stories --json` and `/api/stories` agree.
Stories are walked by id, newest first: a story's id grows with its first_seen (both are set
when it is inserted), and the rowid order needs no index and no sort at 100k stories.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from .articles import url_owner
from .models import to_db_time


@dataclass(frozen=True, slots=True)
class StoryFilter:
    topic: str | None = None
    outlet: str | None = None  # a source name or an outlet's site name
    since: datetime | None = None  # first seen at or after
    until: datetime | None = None  # first seen before
    before: int | None = None  # keyset paging: stories older than this id
    after: int | None = None  # stories newer than this id (the previous page)


def _marks(values: list) -> str:
    return ",".join("?" * len(values))


def _outlet(row: dict) -> str | None:
    return row["site_name"] or row["source"]


def _summaries(db: sqlite_utils.Database, stories: list[dict]) -> list[dict]:
    """Fill in outlets, URLs, topics and a snippet for a page of story rows (three queries in all)."""
    ids = [s["id"] for s in stories]
    if not ids:
        return []
    members: dict[int, list[dict]] = {i: [] for i in ids}
    for row in db.query(
        f"""SELECT story_id, id, canonical_url AS url, source, site_name FROM articles
            WHERE story_id IN ({_marks(ids)}) ORDER BY id""",
        ids,
    ):
        members[row["story_id"]].append(row)
    topics: dict[int, list[str]] = {i: [] for i in ids}
    snippet: dict[int, str] = {}
    for row in db.query(
        f"""SELECT a.story_id, t.topic, t.snippets FROM topic_matches t JOIN articles a ON a.id = t.article_id
            WHERE a.story_id IN ({_marks(ids)}) ORDER BY a.id, t.topic""",
        ids,
    ):
        sid = row["story_id"]
        if row["topic"] not in topics[sid]:
            topics[sid].append(row["topic"])
        if sid not in snippet:
            found = list(json.loads(row["snippets"] or "{}").values())
            if found:
                snippet[sid] = found[0]
    out = []
    for s in stories:
        rows = members[s["id"]]
        out.append(
            {
                "id": s["id"],
                "title": s["title"],
                "first_seen": s["first_seen"],
                "outlets": sorted({o for m in rows if (o := _outlet(m))}),
                "urls": [m["url"] for m in rows],
                "topics": topics[s["id"]],
                "article_count": len(rows),
                "snippet": snippet.get(s["id"]),
            }
        )
    return out


def story_summaries(db: sqlite_utils.Database, where: StoryFilter, limit: int = 20) -> list[dict]:
    """One page of stories, newest first, matching every filter given."""
    sql = ["SELECT s.id, s.title, s.first_seen FROM stories s WHERE 1 = 1"]
    params: list = []
    if where.before is not None:
        sql.append("AND s.id < ?")
        params.append(where.before)
    if where.after is not None:
        sql.append("AND s.id > ?")
        params.append(where.after)
    if where.since is not None:
        sql.append("AND s.first_seen >= ?")
        params.append(to_db_time(where.since))
    if where.until is not None:
        sql.append("AND s.first_seen < ?")
        params.append(to_db_time(where.until))
    if where.topic:
        sql.append(
            """AND EXISTS (SELECT 1 FROM articles a JOIN topic_matches t ON t.article_id = a.id
                           WHERE a.story_id = s.id AND t.topic = ?)"""
        )
        params.append(where.topic)
    if where.outlet:
        sql.append(
            "AND EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id AND (a.source = ? OR a.site_name = ?))"
        )
        params += [where.outlet, where.outlet]
    # The previous page is read upwards from `after`, then shown newest first like the others.
    sql.append(
        "ORDER BY s.id ASC" if where.after is not None and where.before is None else "ORDER BY s.id DESC"
    )
    sql.append("LIMIT ?")
    params.append(int(limit))
    rows = list(db.query(" ".join(sql), params))
    rows.sort(key=lambda r: r["id"], reverse=True)
    return _summaries(db, rows)


def stories_by_id(db: sqlite_utils.Database, ids: list[int]) -> list[dict]:
    """Story summaries for the given ids, in the order given (unknown ids are left out)."""
    if not ids:
        return []
    rows = {
        r["id"]: r
        for r in db.query(f"SELECT id, title, first_seen FROM stories WHERE id IN ({_marks(ids)})", ids)
    }
    return _summaries(db, [rows[i] for i in dict.fromkeys(ids) if i in rows])


def story_detail(db: sqlite_utils.Database, story_id: int) -> dict | None:
    """One story: its summary, then every article (oldest first) with its text, matches and versions."""
    found = stories_by_id(db, [story_id])
    if not found:
        return None
    story = found[0]
    articles = list(
        db.query(
            """SELECT id, canonical_url AS url, source, site_name, title, byline, published, body, extractor,
                      version, first_seen, updated_at, title_source FROM articles WHERE story_id = ? ORDER BY id""",
            [story_id],
        )
    )
    ids = [a["id"] for a in articles]
    matches: dict[int, list[dict]] = {i: [] for i in ids}
    versions: dict[int, list[dict]] = {i: [] for i in ids}
    if ids:
        for row in db.query(
            f"SELECT article_id, topic, terms FROM topic_matches WHERE article_id IN ({_marks(ids)}) ORDER BY topic",
            ids,
        ):
            matches[row["article_id"]].append({"topic": row["topic"], "terms": json.loads(row["terms"])})
        for row in db.query(
            f"""SELECT article_id, version, title, body, diff, created_at FROM article_versions
                WHERE article_id IN ({_marks(ids)}) ORDER BY article_id, version""",
            ids,
        ):
            versions[row.pop("article_id")].append(row)
    for a in articles:
        a["outlet"] = _outlet(a)
        a["matches"] = matches[a["id"]]
        a["versions"] = versions[a["id"]]
    story["articles"] = articles
    return story


def find_article(db: sqlite_utils.Database, ref: str) -> tuple[int, int] | None:
    """(article id, story id) for an id or any URL that led to the article."""
    article_id = int(ref) if ref.isdigit() else url_owner(db, [ref])
    if article_id is None:
        return None
    row = db.execute("SELECT id, story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
    return (row[0], row[1]) if row else None


def article_texts(db: sqlite_utils.Database, ids: list[int]) -> dict[int, tuple[str | None, str]]:
    """Title and body by article id (for search snippets)."""
    if not ids:
        return {}
    return {
        r["id"]: (r["title"], r["body"])
        for r in db.query(f"SELECT id, title, body FROM articles WHERE id IN ({_marks(ids)})", ids)
    }


def outlet_names(db: sqlite_utils.Database) -> list[str]:
    """Source names known to the database (the `sources` table: small, unlike a scan of articles)."""
    return [r[0] for r in db.execute("SELECT name FROM sources ORDER BY name").fetchall()]


def search_page(db: sqlite_utils.Database, query: str, limit: int = 50, offset: int = 0) -> list[dict]:
    """`search_articles`' rows (same keys, same matching), newest stored first, one page of them.

    Ordered by article id, so SQLite walks the trigram index backwards and stops after the
    page: a word in nearly every article costs one page of rows, not a sort of all of them
    (`search_articles` sorts every match by publish date: 30 ms at 10k articles, growing
    with the store; this stays at a few ms, bench/web.py).
    """
    terms = [t for t in query.split() if t]
    if not terms:
        return []
    long_terms = [t for t in terms if len(t) >= 3]
    where, params = [], []
    for t in (t for t in terms if len(t) < 3):  # trigrams need three characters: LIKE for shorter ones
        where.append("(a.title LIKE ? OR a.body LIKE ?)")
        params += [f"%{t}%", f"%{t}%"]
    columns = """a.id, a.canonical_url AS url, a.title, a.source, a.published, a.story_id,
                 substr(a.body, 1, 160) AS excerpt"""
    if long_terms:
        fts = " AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
        sql = f"""SELECT {columns} FROM articles_fts f JOIN articles a ON a.id = f.rowid
                  WHERE articles_fts MATCH ? {"AND " + " AND ".join(where) if where else ""}
                  ORDER BY f.rowid DESC LIMIT ? OFFSET ?"""
        params = [fts, *params]
    else:
        sql = f"""SELECT {columns} FROM articles a WHERE {" AND ".join(where)}
                  ORDER BY a.id DESC LIMIT ? OFFSET ?"""
    return list(db.query(sql, [*params, int(limit), int(offset)]))
