"""Opening the database: WAL, busy timeout, foreign keys, schema migrations, write transactions.

Writes go through `write_transaction(db)`, which takes `BEGIN IMMEDIATE`: a deferred BEGIN
(what sqlite-utils' `db.atomic()` opens) fails at once with "database is locked" when a
read-then-write meets a second writer, whatever the busy timeout; IMMEDIATE waits its turn.
The connection runs in autocommit mode so that no library call commits our transaction early;
inside one, only plain SQL is used (sqlite-utils' write helpers commit on their own).
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from scrapers.errors import MonitorError

SCHEMA_VERSION = 11
BUSY_TIMEOUT_MS = 10_000


class StorageError(MonitorError):
    """The database could not be opened, migrated or written (disk full, locked, corrupt)."""


class CorruptDatabase(StorageError):
    """The file is damaged: nothing more should be written into it."""


# Small files are checked page by page when a command that writes opens them; a full check of
# a many-GB file would take minutes, so larger ones rely on SQLite noticing damage as it reads.
QUICK_CHECK_MAX_BYTES = 256 * 1024 * 1024


def is_corruption(exc: BaseException) -> bool:
    """Whether an error means the database file is damaged (not merely busy or full)."""
    if isinstance(exc, CorruptDatabase):
        return True
    text = str(exc)
    return isinstance(exc, sqlite3.DatabaseError) and ("malformed" in text or "not a database" in text)


def _file_of(db: sqlite_utils.Database) -> str:
    try:
        return db.conn.execute("PRAGMA database_list").fetchone()[2] or "in memory"
    except sqlite3.Error:
        return "(unknown file)"


def _damaged(path: object, detail: str) -> CorruptDatabase:
    return CorruptDatabase(
        f"database {path} is damaged ({detail}); stop writing to it and restore a copy made by "
        "`monitor backup`, or salvage it with `sqlite3 FILE .recover`"
    )


# Keep the full-text index in step with the articles table (created in version 2, again in 9).
FTS_TRIGGERS = (
    """CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER articles_au AFTER UPDATE OF title, body ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
)

# A claim's copy of its article's report date and outlet (the board's "since" and its counts);
# '' for a claim whose article is gone, so the NOT NULL columns never stop a migration
CLAIM_REPORTS_SQL = """UPDATE bid_claims SET
    reported = COALESCE((SELECT substr(COALESCE(a.published, a.first_seen), 1, 10)
                         FROM articles a WHERE a.id = article_id), ''),
    outlet = COALESCE((SELECT COALESCE(a.site_name, a.source, '') FROM articles a WHERE a.id = article_id), '')"""

MIGRATIONS: dict[int, list] = {
    1: [
        """CREATE TABLE sources (
            name TEXT PRIMARY KEY, kind TEXT, url TEXT,
            last_attempt TEXT, last_success TEXT, last_error TEXT, last_error_kind TEXT, last_error_at TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            health TEXT NOT NULL DEFAULT 'ok', health_reason TEXT,
            next_due TEXT, last_new_link_at TEXT, runs INTEGER NOT NULL DEFAULT 0,
            avg_body_chars REAL, quality_failures INTEGER NOT NULL DEFAULT 0, sample_page TEXT
        )""",
        """CREATE TABLE stories (
            id INTEGER PRIMARY KEY, title TEXT, first_seen TEXT NOT NULL, representative_article_id INTEGER
        )""",
        """CREATE TABLE articles (
            id INTEGER PRIMARY KEY, canonical_url TEXT NOT NULL UNIQUE, url TEXT NOT NULL, source TEXT,
            title TEXT, byline TEXT, published TEXT, body TEXT NOT NULL, site_name TEXT, extractor TEXT,
            content_hash TEXT NOT NULL, signature BLOB, story_id INTEGER REFERENCES stories(id),
            version INTEGER NOT NULL DEFAULT 1, matched INTEGER NOT NULL DEFAULT 1,
            first_seen TEXT NOT NULL, updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX articles_content_hash ON articles(content_hash)",
        "CREATE INDEX articles_story ON articles(story_id)",
        """CREATE TABLE article_urls (
            url TEXT PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
        )""",
        """CREATE TABLE article_versions (
            id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            version INTEGER NOT NULL, title TEXT, body TEXT NOT NULL, content_hash TEXT NOT NULL, diff TEXT,
            created_at TEXT NOT NULL, UNIQUE(article_id, version)
        )""",
        """CREATE TABLE story_bands (
            band TEXT NOT NULL, article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            story_id INTEGER NOT NULL, PRIMARY KEY (band, article_id)
        ) WITHOUT ROWID""",
        """CREATE TABLE topic_matches (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE, topic TEXT NOT NULL,
            terms TEXT NOT NULL, snippets TEXT NOT NULL, PRIMARY KEY (article_id, topic)
        )""",
        """CREATE TABLE outbox (
            id INTEGER PRIMARY KEY, msg_id TEXT NOT NULL UNIQUE, dedup_key TEXT NOT NULL UNIQUE,
            webhook TEXT NOT NULL, event TEXT NOT NULL, article_id INTEGER REFERENCES articles(id),
            story_id INTEGER, topic TEXT, payload TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL, last_error TEXT, created_at TEXT NOT NULL, sent_at TEXT
        )""",
        "CREATE INDEX outbox_due ON outbox(status, next_attempt_at)",
        """CREATE TABLE webhook_state (
            name TEXT PRIMARY KEY, disabled_at TEXT, disabled_reason TEXT
        )""",
        """CREATE TABLE fetch_log (
            url TEXT PRIMARY KEY, source TEXT, status INTEGER, etag TEXT, last_modified TEXT,
            content_hash TEXT, error_kind TEXT, error TEXT, checked_at TEXT NOT NULL,
            article_id INTEGER, matched INTEGER NOT NULL DEFAULT 0
        )""",
    ],
    2: [
        # Full-text search that works for Korean: trigram tokens find '컴퓨팅센터' inside 'AI컴퓨팅센터를'.
        """CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, body, content='articles', content_rowid='id', tokenize='trigram'
        )""",
        *FTS_TRIGGERS,
        "INSERT INTO articles_fts(rowid, title, body) SELECT id, title, body FROM articles",
    ],
    3: [
        # Share of a source's articles that carry a date: a missing date is only suspicious
        # on a source that usually prints one.
        "ALTER TABLE sources ADD COLUMN dated_share REAL",
    ],
    4: [
        # Integer band keys: about half the index of the hex-text keys, so more of it stays cached.
        # (Filled by version 5's rebuild.)
        "DROP TABLE story_bands",
        """CREATE TABLE story_bands (
            band INTEGER NOT NULL, article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            story_id INTEGER NOT NULL, PRIMARY KEY (band, article_id)
        ) WITHOUT ROWID""",
    ],
    5: [
        # The near-duplicate index becomes two small tables that can stay cached: 128-byte
        # signature sketches (the 512-byte signature sat after the body in the articles row, so
        # reading it walked the body's overflow pages) and LSH bands with 32-bit keys and no
        # unused story column (~13 instead of ~21 bytes an entry).
        """CREATE TABLE article_signatures (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE, signature BLOB NOT NULL
        )""",
        "DROP TABLE story_bands",
        """CREATE TABLE story_bands (
            band INTEGER NOT NULL, article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            PRIMARY KEY (band, article_id)
        ) WITHOUT ROWID""",
        lambda db: _reindex_signatures(db),
        "ALTER TABLE articles DROP COLUMN signature",
    ],
    6: [
        # Sources answer conditional GETs: validators per source URL (feed, listing, sitemap and
        # each child, Naver), with the links last parsed from it, so a 304 costs no parse.
        """CREATE TABLE source_documents (
            url TEXT PRIMARY KEY, source TEXT, etag TEXT, last_modified TEXT, checked_at TEXT NOT NULL,
            changed_at TEXT NOT NULL, bytes INTEGER NOT NULL DEFAULT 0, links BLOB NOT NULL
        )""",
        # robots.txt shared by one-shot crawls for up to 24 h (RFC 9309).
        """CREATE TABLE robots_txt (
            origin TEXT PRIMARY KEY, status INTEGER NOT NULL, body BLOB NOT NULL, fetched_at TEXT NOT NULL
        )""",
        # Rechecks by age and by signal: when a link was first seen and last listed, and what its
        # source said about it (the feed's `updated`, a sitemap lastmod, a listing's 수정 time).
        "ALTER TABLE fetch_log ADD COLUMN first_seen TEXT",
        "ALTER TABLE fetch_log ADD COLUMN listed_at TEXT",
        "ALTER TABLE fetch_log ADD COLUMN hint_updated TEXT",
        "ALTER TABLE articles ADD COLUMN title_source TEXT NOT NULL DEFAULT 'page'",
        # Unmatched articles kept (compressed) for re-matching when topics change.
        """CREATE TABLE unmatched_articles (
            url TEXT PRIMARY KEY, canonical_url TEXT NOT NULL, source TEXT, content_hash TEXT NOT NULL,
            data BLOB NOT NULL, seen_at TEXT NOT NULL
        )""",
        "CREATE INDEX unmatched_seen ON unmatched_articles(seen_at)",
        "CREATE TABLE monitor_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ],
    7: [
        # Digests: a digest notifier's alerts wait as `held` rows until its schedule falls due,
        # then one `digest` row takes them (digest_id) in one transaction. ADD COLUMN and a
        # partial index over held rows only (none exist yet) cost the same on any size of file.
        "ALTER TABLE outbox ADD COLUMN digest_id INTEGER",
        "CREATE INDEX outbox_held ON outbox(webhook, id) WHERE status = 'held'",
        """CREATE TABLE digest_state (
            webhook TEXT PRIMARY KEY, last_slot TEXT NOT NULL, last_cut TEXT NOT NULL
        )""",
    ],
    8: [
        # The bid board: claims per article, and one folded row per (program, bidder). New
        # tables only, so the step costs the same on any size of file; `monitor rematch` (or
        # the first crawl, which notices the programs never folded) fills them from stored articles.
        """CREATE TABLE bid_claims (
            id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL, program TEXT NOT NULL,
            bidder TEXT NOT NULL, stage TEXT NOT NULL, evidence TEXT NOT NULL, stated TEXT,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX bid_claims_pair ON bid_claims(program, bidder)",
        "CREATE INDEX bid_claims_article ON bid_claims(article_id)",
        """CREATE TABLE bid_board (
            program TEXT NOT NULL, bidder TEXT NOT NULL, stage TEXT NOT NULL, since TEXT NOT NULL,
            evidence TEXT NOT NULL, article_id INTEGER NOT NULL, url TEXT NOT NULL, title TEXT,
            outlet TEXT, articles INTEGER NOT NULL, outlets INTEGER NOT NULL,
            last_mention TEXT NOT NULL, updated_at TEXT NOT NULL,
            PRIMARY KEY (program, bidder)
        )""",
    ],
    9: [
        # The full-text index as sqlite-utils and datasette recognise one (content="articles":
        # their detection looks for that spelling), so `sqlite-utils search` and datasette's
        # search box work on the file. Same trigram tokenizer, same trigger names; rebuilt once.
        "DROP TRIGGER IF EXISTS articles_ai",
        "DROP TRIGGER IF EXISTS articles_ad",
        "DROP TRIGGER IF EXISTS articles_au",
        "DROP TABLE IF EXISTS articles_fts",
        """CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, body, content="articles", content_rowid="id", tokenize="trigram"
        )""",
        *FTS_TRIGGERS,
        "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
    ],
    10: [
        # A claim carries its article's report date and outlet, so the claims that decide a
        # board row (a stage's first and last report) are read through these two indexes
        # instead of joining and sorting every claim of the pair on each article.
        "ALTER TABLE bid_claims ADD COLUMN reported TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE bid_claims ADD COLUMN outlet TEXT NOT NULL DEFAULT ''",
        CLAIM_REPORTS_SQL,
        "DROP INDEX bid_claims_pair",  # a prefix of both
        "CREATE INDEX bid_claims_first ON bid_claims(program, bidder, stage, COALESCE(stated, reported), article_id)",
        "CREATE INDEX bid_claims_last ON bid_claims(program, bidder, stage, reported, article_id)",
    ],
    11: [
        # Storing an article forgets its kept unmatched copy by URL or canonical URL: without
        # this index that OR scanned every kept row (14 days of unmatched pages) per article.
        "CREATE INDEX unmatched_canonical ON unmatched_articles(canonical_url)",
        # Planning an article's alerts asks whether it or its story was alerted before: the
        # outbox keeps every sent row, and the question scanned them all per article.
        "CREATE INDEX outbox_article ON outbox(article_id)",
        "CREATE INDEX outbox_story ON outbox(story_id, event)",
    ],
}


def _reindex_signatures(db: sqlite_utils.Database) -> None:
    """Move version 4's full signatures into the sketch table and the new band index."""
    from .dedup import unpack_signature
    from .story_index import index_signature

    for article_id, blob in db.execute(
        "SELECT id, signature FROM articles WHERE signature IS NOT NULL"
    ).fetchall():
        index_signature(db, article_id, unpack_signature(blob))


def open_db(
    path: str | Path, *, memory: bool = False, cache_mb: int = 16, read_only: bool = False
) -> sqlite_utils.Database:
    """Open (creating and migrating as needed) the monitor database at `path`.

    `read_only` opens an existing file for reading only: nothing is created or migrated, so a
    user with read access alone (the database owned by the service) can look at it. A file
    that does not exist, or whose schema is older than this program's, raises StorageError.

    `cache_mb` is SQLite's own page cache for this connection (anonymous memory, and the
    pages a write transaction dirties). Reads beyond it go through mmap, so the dedup index
    (about 0.75 MB per 1,000 articles) is served from the OS's file cache: at 100k articles a
    16 MB cache measured as fast as a 64 MB one (bench/dedup.py).
    """
    try:
        if memory:
            conn = sqlite3.connect(":memory:", isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        elif read_only:
            conn = _connect_read_only(Path(path))
        else:
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not memory and not read_only:
            _set_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
        # Reads go through mmap (the OS's file cache, shared and reclaimable); SQLite's own cache
        # holds what a transaction dirties and the hottest pages.
        conn.execute(f"PRAGMA cache_size = {-1024 * max(2, cache_mb)}")
        conn.execute("PRAGMA mmap_size = 2147418112")  # SQLite's default ceiling for mmap
        if not read_only:
            # Each article dirties ~50 random pages (its LSH bands, URL and hash keys). Checkpointing
            # every 10,000 WAL pages rather than SQLite's 1,000 writes a page touched by many articles
            # once per checkpoint, not once per ~20 articles: insert cost fell 35% at 100k articles
            # (bench/dedup.py). The WAL file is truncated back to 64 MB after a checkpoint.
            conn.execute("PRAGMA wal_autocheckpoint = 10000")
            conn.execute("PRAGMA journal_size_limit = 67108864")
            conn.execute("PRAGMA foreign_keys = ON")
        db = sqlite_utils.Database(conn)
        if read_only:
            if (version := schema_version(db)) != SCHEMA_VERSION:
                raise StorageError(
                    f"database {path} has schema {version}, this program {SCHEMA_VERSION}: "
                    "open it once with write access (e.g. `monitor crawl`) to migrate it"
                )
        else:
            migrate(db)
        return db
    except sqlite3.DatabaseError as exc:
        if is_corruption(exc):
            raise _damaged(path, str(exc)) from exc
        raise StorageError(f"cannot open database {path}: {exc}") from exc


def check_integrity(db: sqlite_utils.Database, path: str | Path) -> None:
    """Raise CorruptDatabase when a quick check finds damage (files up to QUICK_CHECK_MAX_BYTES)."""
    try:
        if Path(path).stat().st_size > QUICK_CHECK_MAX_BYTES:
            return
        problems = [r[0] for r in db.execute("PRAGMA quick_check(3)").fetchall()]
    except (OSError, sqlite3.DatabaseError) as exc:
        if isinstance(exc, OSError) or not is_corruption(exc):
            return
        problems = [str(exc)]
    if problems != ["ok"]:
        raise _damaged(path, "; ".join(problems)[:300])


def _set_wal(conn: sqlite3.Connection) -> None:
    """Switch a file to WAL. Two processes creating a new file at once can get "database is
    locked" here at once, without SQLite's busy handler: wait and retry like the handler would."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01 + random.random() * 0.05)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise StorageError(f"no database at {path} (run `monitor crawl` first, or pass --db)")
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(
        uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
    )
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        # A WAL database in a folder we cannot write to: its -shm file cannot be created, so
        # SQLite refuses even a read. Read the file as it is, without the WAL index.
        conn.close()
        conn = sqlite3.connect(f"{uri}&immutable=1", uri=True, isolation_level=None, check_same_thread=False)
    return conn


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database) -> int:
    """Bring an older file up to SCHEMA_VERSION in place, one version per transaction.

    The version is read again inside each BEGIN IMMEDIATE: two processes opening a new file at
    once take turns, and the second finds the work done instead of creating tables twice.
    """
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise StorageError(f"database schema {current} is newer than this program ({SCHEMA_VERSION})")
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with write_transaction(db):
            if schema_version(db) >= version:
                continue
            for statement in MIGRATIONS[version]:
                if callable(statement):
                    statement(db)
                else:
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {version}")
    return SCHEMA_VERSION


FileIdentity = tuple[int, int]  # (device, inode)


def file_identity(path: str | Path) -> FileIdentity | None:
    """Which file is at `path` now (None when there is none)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


def backup_db(db: sqlite_utils.Database, target: str | Path) -> int:
    """A consistent copy through SQLite's online backup (safe while a daemon writes); its size."""
    target = Path(target)
    if target.exists():
        raise StorageError(f"{target} exists; choose a new file for the backup")
    try:
        dest = sqlite3.connect(str(target))
        with dest:
            db.conn.backup(dest)
        dest.close()
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise StorageError(f"backup to {target} failed: {exc}") from exc
    return target.stat().st_size


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error (a full disk included)."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise StorageError(f"cannot start a write: {exc}") from exc
    try:
        yield db
        db.execute("COMMIT")
    except BaseException as exc:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        if is_corruption(exc):
            raise _damaged(_file_of(db), str(exc)) from exc
        if isinstance(exc, sqlite3.OperationalError):
            raise StorageError(f"write rolled back: {exc}") from exc
        raise
