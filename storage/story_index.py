"""The near-duplicate index: MinHash sketches and LSH bands, and the story lookup over them.

The pure parts (signatures, sketches, band keys, similarity) live in `dedup.py`; this module
is their SQL. Both tables are small and probed at random keys, so they are meant to stay in
the OS's file cache, which SQLite reads through mmap (`warm_dedup_index`).
"""

from __future__ import annotations

import sqlite_utils

from .dedup import STORY_THRESHOLD, band_keys, similarity, sketch

MAX_CANDIDATES = 20


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
                GROUP BY article_id ORDER BY shared DESC LIMIT {MAX_CANDIDATES}
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


def warm_dedup_index(db: sqlite_utils.Database) -> None:
    """Read the near-duplicate index (bands and sketches) once, so the OS's file cache holds it.

    Sequential reads: seconds at 1M articles, where the first lookups would otherwise pay
    one random disk read per band.
    """
    db.execute("SELECT COUNT(*) FROM story_bands").fetchone()
    db.execute("SELECT SUM(LENGTH(signature)) FROM article_signatures").fetchone()
