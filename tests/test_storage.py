"""Storage on a real SQLite file: three levels of dedup, versions, no-change cases, search, migrations."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime
from itertools import combinations

import pytest

from scrapers.models import Article
from storage.articles import list_articles, list_stories, save_article, search_articles
from storage.db import SCHEMA_VERSION, StorageError, open_db, schema_version
from storage.dedup import STORY_THRESHOLD, detect_change, signature, similarity
from storage.models import ArticleInput, MatchRecord

from .conftest import FIXTURES

NOW = datetime(2026, 11, 21, tzinfo=UTC)
REPRINTS = json.loads((FIXTURES / "reprints.json").read_text("utf-8"))
MATCH = (MatchRecord("ai-center", ("AI",), {"AI": "..."}),)


def item(url: str, title: str, body: str, matches=MATCH, **kw) -> ArticleInput:
    art = Article(
        title=title, body=body, published=datetime(2025, 1, 1, tzinfo=UTC), site_name=kw.pop("site", None)
    )
    return ArticleInput(
        canonical_url=url, url=kw.pop("fetched", url), source="s", article=art, matches=matches, **kw
    )


@pytest.fixture
def db(tmp_path):
    return open_db(tmp_path / "t.db")


def test_level1_same_canonical_url_is_one_article(db):
    a = save_article(db, item("https://x.kr/a?idxno=1", "제목", "본문 " * 50), now=NOW)
    b = save_article(
        db, item("https://x.kr/a?idxno=1", "제목", "본문 " * 50, fetched="https://m.x.kr/a?idxno=1"), now=NOW
    )
    assert (a.status, b.status) == ("new", "unchanged") and a.article_id == b.article_id
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM article_urls").fetchone()[0] == 2


def test_level2_same_text_other_url_is_an_alias(db):
    body = "포항시가 국가 AI 컴퓨팅센터 유치에 나섰다. " * 20
    a = save_article(db, item("https://x.kr/1", "제목 하나", body), now=NOW)
    b = save_article(db, item("https://y.kr/9", "다른 제목", body.replace(".", " .")), now=NOW)
    assert b.status == "alias" and b.article_id == a.article_id
    assert db.execute("SELECT url FROM article_urls WHERE url = 'https://y.kr/9'").fetchone()


def test_level3_every_reprint_set_is_one_story(db):
    for n, s in enumerate(REPRINTS["reprint_sets"]):
        stories = set()
        for k, v in enumerate(s["versions"]):
            r = save_article(db, item(f"https://outlet{k}.kr/{n}", v["title"], v["body"]), now=NOW)
            assert r.status == "new"
            stories.add(r.story_id)
        assert len(stories) == 1, s["id"]
    assert db.execute("SELECT COUNT(*) FROM stories").fetchone()[0] == len(REPRINTS["reprint_sets"])


def test_level3_different_stories_on_one_topic_never_merge(db):
    for n, pair in enumerate(REPRINTS["different_pairs"]):
        a = save_article(
            db,
            item(f"https://a.kr/{n}", pair["a"]["title"] + f" {n}", pair["a"]["body"] + f" 사례{n}"),
            now=NOW,
        )
        b = save_article(
            db,
            item(f"https://b.kr/{n}", pair["b"]["title"] + f" {n}", pair["b"]["body"] + f" 사례{n}"),
            now=NOW,
        )
        assert a.story_id != b.story_id, pair["ids"]


def test_threshold_separates_reprints_from_different_stories():
    """Pairwise precision and recall of the story rule on the fixtures are both 1.0."""
    same = [
        similarity(signature(x["title"] + "\n" + x["body"]), signature(y["title"] + "\n" + y["body"]))
        for s in REPRINTS["reprint_sets"]
        for x, y in combinations(s["versions"], 2)
    ]
    diff = [
        similarity(
            signature(p["a"]["title"] + "\n" + p["a"]["body"]),
            signature(p["b"]["title"] + "\n" + p["b"]["body"]),
        )
        for p in REPRINTS["different_pairs"]
    ]
    assert min(same) >= STORY_THRESHOLD > max(diff)


def test_material_edit_makes_a_version_with_a_diff(db):
    body = "첫 문단입니다.\n\n둘째 문단은 원래 이렇습니다.\n\n셋째 문단."
    save_article(db, item("https://x.kr/1", "제목", body), now=NOW)
    r = save_article(
        db, item("https://x.kr/1", "제목", body.replace("원래 이렇습니다", "이렇게 고쳐졌습니다")), now=NOW
    )
    assert r.status == "changed" and r.version == 2
    assert "-둘째 문단은 원래 이렇습니다." in r.diff and "+둘째 문단은 이렇게 고쳐졌습니다." in r.diff
    rows = db.execute("SELECT version FROM article_versions ORDER BY version").fetchall()
    assert [v for (v,) in rows] == [1, 2]


@pytest.mark.parametrize(
    "edit",
    [
        lambda b: b.replace("\n\n", "\n\n  ").replace(" ", "  "),  # whitespace
        lambda b: b + "\n\n조회수 1,234",  # view counter
        lambda b: b + "\n\n수정 2026-11-21 10:20",  # edit stamp
        lambda b: b + "\n\n전체기사 본문배너",  # ad label
    ],
)
def test_non_material_changes_make_no_version(edit):
    body = "첫 문단입니다.\n\n둘째 문단입니다."
    assert not detect_change("제목", body, "제목", edit(body)).material


def test_unmatched_article_is_only_remembered_as_seen(db):
    r = save_article(db, item("https://x.kr/z", "축제", "축제 본문 " * 30, matches=()), now=NOW)
    assert r.status == "seen"
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 0
    row = db.execute("SELECT content_hash, matched FROM fetch_log WHERE url = 'https://x.kr/z'").fetchone()
    assert row[0] and row[1] == 0


def test_keep_unmatched_stores_everything(db):
    r = save_article(
        db, item("https://x.kr/z", "축제", "축제 본문 " * 30, matches=()), now=NOW, keep_unmatched=True
    )
    assert r.status == "new"


def test_korean_full_text_search_finds_substrings(db):
    save_article(
        db, item("https://x.kr/1", "포항 소식", "포항시는 AI컴퓨팅센터를 유치하려 한다. " * 5), now=NOW
    )
    save_article(db, item("https://x.kr/2", "다른 소식", "전혀 다른 내용의 기사입니다. " * 5), now=NOW)
    hits = search_articles(db, "컴퓨팅센터")
    assert [h["url"] for h in hits] == ["https://x.kr/1"]
    assert [h["url"] for h in search_articles(db, "포항 AI")] == ["https://x.kr/1"]


def test_listing_functions(db):
    save_article(
        db,
        item("https://x.kr/1", "포항 소식", "포항시는 AI컴퓨팅센터를 유치하려 한다. " * 5, site="경북신문고"),
        now=NOW,
    )
    rows = list_articles(db, topic="ai-center")
    assert rows[0]["topics"] == ["ai-center"] and rows[0]["version"] == 1
    assert list_articles(db, topic="nope") == []
    assert list_stories(db)[0]["outlets"] == ["경북신문고"]


def test_migration_upgrades_an_older_file_in_place(tmp_path):
    from storage.db import MIGRATIONS

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for stmt in MIGRATIONS[1]:
        conn.execute(stmt)
    conn.execute(
        "INSERT INTO articles(canonical_url, url, title, body, content_hash, first_seen, updated_at) "
        "VALUES ('u', 'u', '포항 소식', 'AI컴퓨팅센터 유치', 'h', 'n', 'n')"
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    db = open_db(path)
    assert schema_version(db) == SCHEMA_VERSION
    assert search_articles(db, "컴퓨팅센터")[0]["url"] == "u"  # the old row was indexed on upgrade


def test_wal_foreign_keys_and_busy_timeout(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_two_writers_read_then_write_never_see_database_locked(tmp_path):
    path = tmp_path / "c.db"
    open_db(path).conn.close()
    errors: list[Exception] = []

    def writer(n: int) -> None:
        db = open_db(path)
        for i in range(40):
            try:
                save_article(
                    db,
                    item(f"https://w{n}.kr/{i}", f"제목 {n} {i}", f"writer {n} article {i} " * 30),
                    now=NOW,
                )
            except Exception as exc:
                errors.append(exc)
        db.conn.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert open_db(path).execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 120


def test_disk_full_rolls_back_cleanly_and_resumes(tmp_path):
    db = open_db(tmp_path / "full.db")
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 3}")
    with pytest.raises(StorageError, match="full"):
        for i in range(200):
            save_article(db, item(f"https://f.kr/{i}", f"제목 {i}", f"본문 {i} " * 400), now=NOW)
    n = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    assert db.execute("SELECT COUNT(*) FROM article_versions").fetchone()[0] == n  # no half-written article
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.execute("PRAGMA max_page_count = 1000000")
    assert (
        save_article(db, item("https://f.kr/after", "다시", "공간이 생기면 다시 쓴다 " * 40), now=NOW).status
        == "new"
    )


def test_migration_moves_signatures_and_rebuilds_the_band_index(tmp_path):
    from storage.db import MIGRATIONS
    from storage.dedup import pack_signature

    path = tmp_path / "v4.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for version in (1, 2, 3, 4):
        for stmt in MIGRATIONS[version]:
            conn.execute(stmt)
    first = REPRINTS["reprint_sets"][0]["versions"][0]
    conn.execute("INSERT INTO stories(id, title, first_seen) VALUES (7, ?, ?)", (first["title"], NOW))
    conn.execute(  # an article as version 4 stored it: the signature inside the articles row
        "INSERT INTO articles(id, canonical_url, url, title, body, content_hash, signature, story_id, first_seen, "
        "updated_at) VALUES (3, 'https://x.kr/1', 'https://x.kr/1', ?, ?, 'h', ?, 7, ?, ?)",
        (
            first["title"],
            first["body"],
            pack_signature(signature(first["title"] + "\n" + first["body"])),
            NOW,
            NOW,
        ),
    )
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    db = open_db(path)
    assert schema_version(db) == SCHEMA_VERSION
    assert "signature" not in db["articles"].columns_dict
    assert db.execute("SELECT article_id FROM article_signatures").fetchall() == [(3,)]
    assert db.execute("SELECT COUNT(*) FROM story_bands WHERE article_id = 3").fetchone()[0] == 42
    v = REPRINTS["reprint_sets"][0]["versions"][1]
    assert save_article(db, item("https://y.kr/1", v["title"], v["body"]), now=NOW).story_id == 7


def test_read_only_open_never_creates_or_writes(tmp_path):
    missing = tmp_path / "none.db"
    with pytest.raises(StorageError, match="no database"):
        open_db(missing, read_only=True)
    assert not missing.exists()
    path = tmp_path / "r.db"
    save_article(open_db(path), item("https://x.kr/1", "제목", "본문 " * 50), now=NOW)
    ro = open_db(path, read_only=True)
    assert ro.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        ro.execute("DELETE FROM articles")


def test_the_write_path_reads_growing_tables_only_through_indexes(tmp_path):
    """Every statement saving an article (new, kept unmatched, changed, alias, with alerts and
    board claims) is planned as index lookups on the tables that grow with the store: a full
    scan per article is quadratic over a daemon's life (the outbox keeps every sent alert, the
    kept unmatched pages stay 14 days). A SCAN of a growing table fails, through an index or not
    (a full index scan reads every row too), under its own name or an alias."""
    import re

    from monitor.alerts import alert_planner
    from monitor.board.fold import board_folder
    from monitor.board.programs import DEFAULT_PROGRAMS
    from monitor.config import parse_settings
    from storage.models import BidClaim

    settings = parse_settings(
        '[alerts]\nallow_private_networks = true\n[[topics]]\nname = "ai-center"\nany = ["AI"]\n'
        '[[webhooks]]\nname = "hook"\nurl = "http://127.0.0.1:9/hook"\nformat = "slack"\n'
    )
    db = open_db(tmp_path / "w.db")
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    kw = {
        "now": NOW,
        "plan": alert_planner(settings),
        "fold": board_folder(DEFAULT_PROGRAMS),
        "keep_text": True,
    }
    program = DEFAULT_PROGRAMS[0].name
    claims = [
        (BidClaim(program, "포항시", "추진", "포항시가 유치에 나섰다."),),
        (BidClaim(program, "포항시", "신청", "포항시가 의향서를 냈다.", "2025-02"),),  # the same pair again
        (),  # (this body turns out to repeat an earlier one: an alias)
        (BidClaim(program, "구미시", "신청", "구미시도 신청했다."),),
    ]
    bodies = [f"{pair[k]['title']} {pair[k]['body']}" for pair in REPRINTS["different_pairs"] for k in "ab"]
    for n, body in enumerate(bodies[:4]):
        save_article(db, item(f"https://x.kr/{n}", f"포항 AI 센터 {n}", body, claims=claims[n]), **kw)
        save_article(db, item(f"https://x.kr/u{n}", f"다른 소식 {n}", body[::-1], matches=()), **kw)
    edited = item("https://x.kr/0", "포항 AI 센터 0", bodies[0] + " 고쳐 쓴 문장.", claims=claims[1])
    save_article(db, edited, **kw)
    save_article(db, item("https://y.kr/0", "다른 제목", bodies[1]), **kw)  # the same text elsewhere
    db.conn.set_trace_callback(None)
    assert db.execute("SELECT COUNT(*) FROM bid_claims").fetchone()[0] >= 3
    growing = {
        "articles", "article_urls", "article_versions", "article_signatures", "story_bands", "stories",
        "outbox", "unmatched_articles", "fetch_log", "topic_matches", "bid_claims", "board",
    }  # fmt: skip
    scans = set()
    for sql in statements:
        if not re.match(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)", sql, re.I):
            continue
        if re.match(r"\s*INSERT", sql, re.I) and not re.search(r"\bSELECT\b", sql, re.I):
            continue  # a plain INSERT's plan lists foreign-key checks that run only on deferred violations
        aliases = {a: t for t, a in re.findall(r"\b(?:FROM|JOIN)\s+(\w+)\s+(?:AS\s+)?(\w+)", sql, re.I)}
        for row in db.execute("EXPLAIN QUERY PLAN " + sql).fetchall():
            m = re.match(r"SCAN (\w+)", row[3])
            if m and aliases.get(m.group(1), m.group(1)) in growing:
                scans.add((row[3], " ".join(sql.split())[:160]))
    assert len(statements) > 50 and not scans, scans
