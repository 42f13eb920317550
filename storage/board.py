"""The bid board's tables: claims per article, and the folded board (one row per program and
bidder), rewritten for the pairs an article touches inside the caller's transaction.

How claims fold into a row is the application's (monitor/board/fold.py): storage hands it the
claims that can decide a row (per pair and stage, the earliest and the latest report) with each
pair's counts, and writes the rows it returns, then reports which rows moved to another stage,
so alerts are planned in the same transaction. A pair reported by hundreds of articles costs
two indexed SQL scans per update, not hundreds of Python objects.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlite_utils

from .db import CLAIM_REPORTS_SQL
from .models import BidClaim, BoardChange, BoardRow, PairCounts, StoredClaim, to_db_time

Pair = tuple[str, str]  # (program, bidder)
BoardFolder = Callable[[list[StoredClaim], dict[Pair, PairCounts]], list[BoardRow]]

_COLUMNS = (
    "program, bidder, stage, since, evidence, article_id, url, title, outlet, articles, outlets, last_mention"
)


def _pairs_of(db: sqlite_utils.Database, article_id: int) -> set[Pair]:
    rows = db.execute("SELECT DISTINCT program, bidder FROM bid_claims WHERE article_id = ?", (article_id,))
    return {(r[0], r[1]) for r in rows}


_CLAIMS = """SELECT c.program, c.bidder, c.stage, c.evidence, c.stated, c.article_id, a.canonical_url, a.title,
       c.outlet, c.reported
FROM bid_claims c JOIN articles a ON a.id = c.article_id"""
_PAIR = " WHERE c.program = ? AND c.bidder = ?"


def claims_for(db: sqlite_utils.Database) -> list[StoredClaim]:
    """Every stored claim with its article's URL, outlet and date."""
    return [StoredClaim(*r) for r in db.execute(_CLAIMS + " ORDER BY c.id")]


def deciding_claims(
    db: sqlite_utils.Database, pairs: set[Pair]
) -> tuple[list[StoredClaim], dict[Pair, PairCounts]]:
    """What a fold needs of the given pairs: per pair and stage the claim first dated (by its
    stated date, else its report) and the one last reported, ties to the lower article id, and
    each pair's counts. A pair's are two index lookups per stage."""
    claims: list[StoredClaim] = []
    counts: dict[Pair, PairCounts] = {}
    for pair in sorted(pairs):
        stages = [r[0] for r in db.execute("SELECT DISTINCT stage FROM bid_claims c" + _PAIR, pair)]
        for stage in stages:
            for order in (
                "COALESCE(c.stated, c.reported), c.article_id",
                "c.reported DESC, c.article_id DESC",
            ):
                row = db.execute(f"{_CLAIMS}{_PAIR} AND c.stage = ? ORDER BY {order} LIMIT 1", (*pair, stage))
                claims.append(StoredClaim(*row.fetchone()))
        if stages:
            counts[pair] = PairCounts(*db.execute(_COUNTS + _PAIR, pair).fetchone())
    return claims, counts


_COUNTS = "SELECT COUNT(DISTINCT c.article_id), COUNT(DISTINCT c.outlet), MAX(c.reported) FROM bid_claims c"


def _row(r) -> BoardRow:
    return BoardRow(*r)


def board_rows(db: sqlite_utils.Database, program: str | None = None) -> list[BoardRow]:
    sql = f"SELECT {_COLUMNS} FROM bid_board"
    params: tuple = ()
    if program is not None:
        sql += " WHERE program = ?"
        params = (program,)
    return [_row(r) for r in db.execute(sql + " ORDER BY program, bidder", params)]


def _current(db: sqlite_utils.Database, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], BoardRow]:
    out = {}
    for program, bidder in pairs:
        r = db.execute(
            f"SELECT {_COLUMNS} FROM bid_board WHERE program = ? AND bidder = ?", (program, bidder)
        ).fetchone()
        if r:
            out[(program, bidder)] = _row(r)
    return out


def update_board(
    db: sqlite_utils.Database,
    article_id: int,
    claims: tuple[BidClaim, ...],
    *,
    fold: BoardFolder,
    now: datetime,
) -> tuple[BoardChange, ...]:
    """Replace one article's claims and refold the pairs they touch (call inside a write
    transaction). Returns the rows whose stage changed, a first appearance included."""
    stamp = to_db_time(now)
    pairs = _pairs_of(db, article_id) | {(c.program, c.bidder) for c in claims}
    if not pairs:
        return ()
    before = _current(db, pairs)
    replace_claims(db, article_id, claims, now)
    return _write(db, pairs, before, fold(*deciding_claims(db, pairs)), stamp)


def _write(db, pairs, before: dict, rows: list[BoardRow], stamp: str) -> tuple[BoardChange, ...]:
    changes = []
    after = {(r.program, r.bidder): r for r in rows}
    for pair in pairs - after.keys():
        db.execute("DELETE FROM bid_board WHERE program = ? AND bidder = ?", pair)
    for pair, r in after.items():
        db.execute(
            f"INSERT OR REPLACE INTO bid_board({_COLUMNS}, updated_at) VALUES ({', '.join('?' * 13)})",
            (
                r.program,
                r.bidder,
                r.stage,
                r.since,
                r.evidence,
                r.article_id,
                r.url,
                r.title,
                r.outlet,
                r.articles,
                r.outlets,
                r.last_mention,
                stamp,
            ),
        )
        old = before.get(pair)
        if old is None or old.stage != r.stage:
            changes.append(BoardChange(r.program, r.bidder, old.stage if old else None, r.stage, r))
    return tuple(changes)


def rebuild_board(db: sqlite_utils.Database, *, fold: BoardFolder, now: datetime) -> tuple[BoardChange, ...]:
    """Refold every pair from the stored claims (inside a write transaction), their copies of
    their articles' dates and outlets refreshed first."""
    db.execute(CLAIM_REPORTS_SQL)
    pairs = {(r[0], r[1]) for r in db.execute("SELECT DISTINCT program, bidder FROM bid_claims")}
    pairs |= {(r[0], r[1]) for r in db.execute("SELECT program, bidder FROM bid_board")}
    before = _current(db, pairs)
    return _write(db, pairs, before, fold(*deciding_claims(db, pairs)), to_db_time(now))


def replace_claims(
    db: sqlite_utils.Database, article_id: int, claims: tuple[BidClaim, ...], now: datetime
) -> None:
    """Set one article's claims (stored after the article itself) without refolding."""
    db.execute("DELETE FROM bid_claims WHERE article_id = ?", (article_id,))
    stamp = to_db_time(now)
    for c in claims:
        db.execute(
            """INSERT INTO bid_claims(article_id, program, bidder, stage, evidence, stated, created_at, reported, outlet)
               SELECT a.id, ?, ?, ?, ?, ?, ?, substr(COALESCE(a.published, a.first_seen), 1, 10),
                      COALESCE(a.site_name, a.source, '')
               FROM articles a WHERE a.id = ?""",
            (c.program, c.bidder, c.stage, c.evidence, c.stated, stamp, article_id),
        )


def board_objects(db: sqlite_utils.Database, program: str | None = None) -> list[dict]:
    """The board as `monitor board --json` and `/api/board` give it: one object per bid."""
    return [
        {
            "program": r.program,
            "bidder": r.bidder,
            "stage": r.stage,
            "since": r.since,
            "evidence": r.evidence,
            "url": r.url,
            "articles": r.articles,
            "outlets": r.outlets,
            "title": r.title,
            "outlet": r.outlet,
            "last_mention": r.last_mention,
        }
        for r in board_rows(db, program)
    ]
