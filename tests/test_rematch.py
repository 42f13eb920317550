"""Issue 12: re-matching stored and kept articles when topics change; a config without topics."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from monitor.cli import main
from monitor.recheck import plan_recheck
from monitor.rematch import topics_hash
from monitor.topics import Topic
from storage.db import open_db

from .conftest import demo_config

TOPIC = 'any = ["국가 AI 컴퓨팅센터", "아시아·태평양 AI 센터", "AI 데이터센터"]'


def run(capsys, *argv) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_a_term_added_later_finds_a_kept_article_alerts_once_and_a_second_rematch_sends_nothing(
    site, receiver, tmp_path, capsys
):
    config = demo_config(site, tmp_path, receiver)
    code, out = run(capsys, "crawl", "--config", str(config), "--quiet", "--json")
    assert code == 0 and len(receiver.delivered()) == 3
    db = open_db(tmp_path / "monitor.db")
    assert db.execute("SELECT COUNT(*) FROM unmatched_articles").fetchone()[0] == 2  # kept, compressed
    assert db.execute("SELECT COUNT(*) FROM articles WHERE canonical_url LIKE '%7102'").fetchone()[0] == 0

    config.write_text(
        config.read_text().replace(TOPIC, TOPIC.replace('"AI 데이터센터"', '"AI 데이터센터", "벚꽃"'))
    )
    code, out = run(capsys, "rematch", "--config", str(config), "--json")
    assert code == 0, out
    report = json.loads(out)
    assert report["new_articles"] == 1 and report["alerts_queued"] == 1 and report["alerts_sent"] == 1
    delivered = receiver.delivered()[3:]
    assert len(delivered) == 1
    payload = json.loads(delivered[0]["body"])
    assert payload["type"] == "article.new" and "벚꽃" in payload["data"]["article"]["title"]
    assert db.execute("SELECT COUNT(*) FROM articles WHERE canonical_url LIKE '%7102'").fetchone()[0] == 1

    code, out = run(capsys, "rematch", "--config", str(config), "--json")
    assert code == 0 and json.loads(out)["alerts_queued"] == 0
    # The next crawl sees the topics changed since the last crawl and re-matches: nothing new.
    code, out = run(capsys, "crawl", "--config", str(config), "--quiet", "--json")
    assert code == 0 and len(receiver.delivered()) == 4


def test_a_crawl_rematches_by_itself_when_the_topics_changed(site, receiver, tmp_path, capsys):
    config = demo_config(site, tmp_path, receiver)
    assert run(capsys, "crawl", "--config", str(config), "--quiet")[0] == 0
    config.write_text(
        config.read_text().replace(TOPIC, TOPIC.replace('"AI 데이터센터"', '"AI 데이터센터", "벚꽃"'))
    )
    assert run(capsys, "crawl", "--config", str(config), "--quiet")[0] == 0
    types = [json.loads(r["body"])["type"] for r in receiver.delivered()]
    assert types.count("article.new") == 4


def test_rematch_no_alerts_stores_without_alerting(site, receiver, tmp_path, capsys):
    config = demo_config(site, tmp_path, receiver)
    run(capsys, "crawl", "--config", str(config), "--quiet")
    config.write_text(
        config.read_text().replace(TOPIC, TOPIC.replace('"AI 데이터센터"', '"AI 데이터센터", "벚꽃"'))
    )
    code, out = run(capsys, "rematch", "--config", str(config), "--no-alerts", "--since", "7d", "--json")
    assert code == 0 and json.loads(out)["new_articles"] == 1 and len(receiver.delivered()) == 3
    code, out = run(capsys, "rematch", "--config", str(config), "--topic", "nope")
    assert code == 2 and "no topic named 'nope'" in out


def test_a_config_without_topics_is_refused_unless_everything_is_kept(site, tmp_path, capsys):
    config = demo_config(site, tmp_path)
    start = config.read_text().index("[[topics]]")
    end = config.read_text().index(TOPIC) + len(TOPIC)
    config.write_text(config.read_text()[:start] + config.read_text()[end:])
    code, out = run(capsys, "crawl", "--config", str(config), "--quiet")
    assert code == 2 and "no [[topics]]" in out and "keep_unmatched = true" in out
    code, out = run(capsys, "run", "--config", str(config))
    assert code == 2 and "no [[topics]]" in out
    config.write_text(config.read_text().replace("[storage]\n", "[storage]\nkeep_unmatched = true\n"))
    code, out = run(capsys, "crawl", "--config", str(config), "--quiet", "--json")
    assert code == 0 and json.loads(out)["totals"]["new_articles"] == 7


def test_recheck_schedule_by_age_signal_and_cap():
    now = datetime(2026, 1, 10, tzinfo=UTC)
    hour = timedelta(hours=1)

    def due(age, since, listed=None, stored=None, cap=0.0):
        return plan_recheck(
            now=now,
            first_seen=now - age,
            checked_at=now - since,
            listed_updated=listed,
            stored_updated=stored,
            cap=cap,
        ).due

    assert due(47 * hour, timedelta(seconds=2))  # young: every crawl
    assert not due(3 * 24 * hour, 5 * hour) and due(3 * 24 * hour, 6 * hour)  # then every 6 h
    assert not due(10 * 24 * hour, 23 * hour) and due(10 * 24 * hour, 24 * hour)  # daily
    assert not due(60 * 24 * hour, 6 * 24 * hour) and due(60 * 24 * hour, 7 * 24 * hour)  # weekly
    edited = now - hour
    assert due(60 * 24 * hour, hour, listed=edited, stored=edited - hour)  # a changed signal, any age
    assert not due(60 * 24 * hour, hour, listed=edited, stored=edited)  # the same signal again
    assert not due(hour, timedelta(minutes=5), cap=900)  # the optional floor
    assert due(hour, timedelta(minutes=5), listed=edited, cap=900)  # a signal passes it


def test_topics_hash_ignores_order_and_sees_a_new_term():
    a = Topic("t", ("가나", "다라"), (), ())
    assert topics_hash((a,)) == topics_hash((Topic("t", ("다라", "가나"), (), ()),))
    assert topics_hash((a,)) != topics_hash((Topic("t", ("가나", "다라", "마바"), (), ()),))


def test_version_5_database_migrates_to_6_in_place(tmp_path):
    import sqlite3

    from storage.db import MIGRATIONS, SCHEMA_VERSION

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for version in range(1, 6):
        for statement in MIGRATIONS[version]:
            if not callable(statement):
                conn.execute(statement)
    conn.execute(
        "INSERT INTO fetch_log(url, status, checked_at) VALUES ('https://x.kr/news/1', 200, '2026-01-01T00:00:00.000000Z')"
    )
    conn.execute("PRAGMA user_version = 5")
    conn.close()
    db = open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 6
    assert db.execute("SELECT url, first_seen, hint_updated FROM fetch_log").fetchone() == (
        "https://x.kr/news/1",
        None,
        None,
    )
    assert "title_source" in db["articles"].columns_dict
