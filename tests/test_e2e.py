"""End to end: `monitor crawl` against a real local multi-outlet site and a real webhook receiver."""

from __future__ import annotations

import json

from standardwebhooks import Webhook

from monitor.cli import main
from storage.db import open_db

from .conftest import SECRET, demo_config


def crawl(config, capsys, *extra) -> dict:
    code = main(["crawl", "--config", str(config), "--json", "--quiet", *extra])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_crawl_stores_matches_groups_reprints_and_alerts_once_per_story(site, receiver, tmp_path, capsys):
    config = demo_config(site, tmp_path, receiver)
    report = crawl(config, capsys)
    totals = report["totals"]
    assert totals["links_found"] == 7 and totals["errors"] == 0
    assert totals["matched"] == 5 and totals["new_stories"] == 3

    db = open_db(tmp_path / "monitor.db")
    urls = {r["canonical_url"] for r in db.query("SELECT canonical_url FROM articles")}
    assert len(urls) == 5
    assert not any("51003" in u or "7102" in u for u in urls)  # sidebar-only mention, unrelated story
    stories = {
        r["story_id"]: r["n"] for r in db.query("SELECT story_id, COUNT(*) n FROM articles GROUP BY story_id")
    }
    assert sorted(stories.values()) == [1, 1, 3]
    euc = db.execute("SELECT body FROM articles WHERE canonical_url LIKE '%51002'").fetchone()[0]
    assert "구미시" in euc and "\ufffd" not in euc

    delivered = receiver.delivered()
    assert len(delivered) == 3
    assert len({r["headers"]["webhook-id"] for r in delivered}) == 3
    wh = Webhook(SECRET)
    for r in delivered:
        payload = wh.verify(r["body"], r["headers"])  # a verifier we did not write
        assert payload["type"] == "article.new"
        assert payload["data"]["topic"] == "ai-center"

    # The site edits one article: a second crawl sends exactly one article.changed.
    site.edit("/hn/arti/society/area/1001.html", "참여 의향서를 제출하고", "참여 의향서를 지난주 제출하고")
    report = crawl(config, capsys)
    assert report["totals"]["changed"] == 1 and report["totals"]["new_articles"] == 0
    new = receiver.delivered()[3:]
    assert [wh.verify(r["body"], r["headers"])["type"] for r in new] == ["article.changed"]
    change = json.loads(new[0]["body"])["data"]
    assert "지난주" in change["diff"] and change["article"]["version"] == 2

    # A third crawl with nothing new: unchanged (304s), no alert.
    report = crawl(config, capsys)
    assert report["totals"]["new_articles"] == 0 and report["totals"]["changed"] == 0
    assert len(receiver.delivered()) == 4


def test_replay_of_the_shipped_demo_site_needs_no_network(tmp_path, capsys):
    from .conftest import FIXTURES

    db = tmp_path / "demo.db"
    code = main(
        [
            "crawl",
            "--config",
            str(FIXTURES / "demo.toml"),
            "--replay",
            str(FIXTURES / "replay" / "demo"),
            "--db",
            str(db),
            "--json",
            "--quiet",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["totals"]["matched"] == 5 and report["totals"]["new_stories"] == 3


def test_live_crawl_without_network_fails_per_source_with_clear_errors(tmp_path, capsys):
    # Every configured URL points at a closed port on 127.0.0.1: each source fails, no traceback.
    config = tmp_path / "c.toml"
    config.write_text(
        f"""[storage]\npath = "{tmp_path / "x.db"}"\n[fetch]\nallow_private_networks = true\ntimeout = 2\nretries = 0\n
[[sources]]\nname = "a"\nkind = "feed"\nurl = "http://127.0.0.1:9/rss.xml"\n
[[sources]]\nname = "b"\nkind = "listing"\nurl = "http://127.0.0.1:9/list"\n
[[topics]]\nname = "t"\nany = ["AI"]\n""",
        "utf-8",
    )
    code = main(["crawl", "--config", str(config), "--quiet"])
    out = capsys.readouterr()
    assert code == 1
    assert "FAILED a:" in out.out and "FAILED b:" in out.out
    assert "Traceback" not in out.out + out.err


def test_naver_source_fetches_each_publisher_link(site, tmp_path, capsys, monkeypatch):
    extra = f"""
[[sources]]
name = "naver-ai"
kind = "naver"
query = "AI 컴퓨팅센터"
url = "{site.base}/naver/v1/search/news.json"
interval = "30m"
"""
    config = demo_config(site, tmp_path, extra=extra)
    monkeypatch.setenv("NAVER_CLIENT_ID", "id-123")
    monkeypatch.setenv("NAVER_CLIENT_SECRET", "secret-456")
    report = crawl(config, capsys, "--source", "naver-ai")
    src = report["sources"][0]
    assert src["links_found"] == 2 and src["new_articles"] == 2 and src["errors"] == 0
    assert site.naver_headers["X-Naver-Client-Secret"] == "secret-456"
    assert "query=AI" in next(p for p in site.hits if p.startswith("/naver/"))


def test_naver_source_without_credentials_is_skipped_with_one_notice(site, tmp_path, capsys, monkeypatch):
    """Issue 14 #10: skipped (health `skipped`, the reason shown), not counted as a failure."""
    extra = f'[[sources]]\nname = "naver-ai"\nkind = "naver"\nquery = "x"\nurl = "{site.base}/naver/v1/search/news.json"\n'
    config = demo_config(site, tmp_path, extra=extra)
    monkeypatch.delenv("NAVER_CLIENT_ID", raising=False)
    code = main(["crawl", "--config", str(config), "--json", "--quiet", "--source", "naver-ai"])
    report = json.loads(capsys.readouterr().out)
    source = report["sources"][0]
    assert code == 0 and source["skipped"] and not source["failed"] and "NAVER_CLIENT_ID" in source["error"]
    assert "/naver/" not in " ".join(site.hits)  # nothing was sent without credentials
    main(["status", "--config", str(config), "--json"])
    status = json.loads(capsys.readouterr().out)
    naver = next(s for s in status["sources"] if s["name"] == "naver-ai")
    assert naver["health"] == "skipped" and naver["consecutive_failures"] == 0


def test_record_then_replay_with_the_server_gone(site, tmp_path, capsys):
    config = demo_config(site, tmp_path)
    cassette = tmp_path / "cassette"
    first = crawl(config, capsys, "--record", str(cassette))
    assert (cassette / "index.json").exists()
    site.close()
    (tmp_path / "monitor.db").unlink()
    second = crawl(config, capsys, "--replay", str(cassette))
    assert second["totals"]["matched"] == first["totals"]["matched"] == 5
    assert second["totals"]["errors"] == 0


def test_a_gone_link_is_not_asked_for_on_every_crawl(site, tmp_path, capsys):
    from .servers import DEMO_BASE

    feed = site.file_for("/gb/rss/allArticle.xml")
    gone = f"<item><title>x</title><link>{DEMO_BASE}/gb/news/articleView.html?idxno=99999</link></item>"
    feed.write_text(feed.read_text("utf-8").replace("</channel>", gone + "</channel>"), "utf-8")
    config = demo_config(site, tmp_path)
    first = crawl(config, capsys, "--source", "gbsinmungo")
    assert first["totals"]["errors"] == 1
    second = crawl(config, capsys, "--source", "gbsinmungo")
    assert second["totals"]["errors"] == 0
    assert site.hits["/gb/news/articleView.html?idxno=99999"] == 1
