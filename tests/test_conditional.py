"""Issue 12: conditional sources, robots.txt across crawls, rechecks by age and signal, feed hints."""

from __future__ import annotations

import json
import time

from monitor.cli import main
from storage.db import open_db
from storage.fetch_log import recheck_rows

from .conftest import demo_config


def crawl(config, capsys, *extra) -> dict:
    code = main(["crawl", "--config", str(config), "--json", "--quiet", *extra])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_second_crawl_of_an_unchanged_site_is_conditional_and_robots_is_fetched_once(site, tmp_path, capsys):
    config = demo_config(site, tmp_path)
    first = crawl(config, capsys)
    assert first["totals"]["source_requests"] == 3 and first["totals"]["source_not_modified"] == 0
    assert site.hits["/robots.txt"] == 1
    first_hits = sum(site.hits.values())
    site.reset_counts()

    second = crawl(config, capsys)
    sent = sum(site.hits.values())
    # Every source document and every seen article was asked for with its validators, and all
    # of them came back 304; robots.txt came from the database.
    assert site.hits["/robots.txt"] == 0
    assert sum(site.conditional.values()) == sent == sum(site.not_modified.values())
    assert sent == first_hits - 1  # the same documents and pages, minus robots.txt
    assert second["totals"]["source_not_modified"] == 3
    assert second["totals"]["new_articles"] == second["totals"]["changed"] == 0
    assert second["totals"]["unchanged"] == second["totals"]["links_found"] == 7


def test_an_edit_two_seconds_later_gives_one_version_and_one_changed_alert(site, receiver, tmp_path, capsys):
    config = demo_config(site, tmp_path, receiver)
    text = config.read_text().replace("recheck_after = 0\n", "")  # the default schedule, no floor
    config.write_text(text)
    crawl(config, capsys)
    assert len(receiver.delivered()) == 3
    path = "/hn/arti/society/area/1001.html"
    time.sleep(2)
    site.edit(path, "참여 의향서를 제출하고", "참여 의향서를 지난달 제출하고")
    report = crawl(config, capsys)
    assert report["totals"]["changed"] == 1 and report["totals"]["new_articles"] == 0
    new = receiver.delivered()[3:]
    assert [json.loads(r["body"])["type"] for r in new] == ["article.changed"]
    db = open_db(tmp_path / "monitor.db")
    versions = db.execute(
        "SELECT COUNT(*) FROM article_versions v JOIN articles a ON a.id = v.article_id "
        "WHERE a.canonical_url LIKE '%/1001.html'"
    ).fetchone()[0]
    assert versions == 2

    # Cosmetic only: a view counter, an ad label and a new 수정 stamp: no version, no alert.
    time.sleep(2)
    site.edit(path, "뛰어들었다.", "뛰어들었다.<br /><br />조회수 1,234<br /><br />광고")
    site.edit(path, "수정 :</em>2025-02-21 17:05", "수정 :</em>2025-02-21 18:40")
    report = crawl(config, capsys)
    assert report["totals"]["rechecked"] >= 1 and report["totals"]["changed"] == 0
    assert len(receiver.delivered()) == 4
    assert db.execute("SELECT MAX(version) FROM articles").fetchone()[0] == 2


def test_an_old_article_is_rechecked_when_its_sitemap_lastmod_changes(site, tmp_path, capsys):
    config = demo_config(site, tmp_path)
    crawl(config, capsys, "--source", "samplehani")
    db = open_db(tmp_path / "monitor.db")
    # Five days old, checked an hour ago: not due by the schedule (every 6 h at that age).
    db.execute(
        "UPDATE fetch_log SET first_seen = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-5 days'), "
        "checked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 hour')"
    )
    page = "/hn/arti/society/area/1001.html"
    site.edit(page, "참여 의향서를 제출하고", "참여 의향서를 지난달 제출하고")
    site.reset_counts()
    report = crawl(config, capsys, "--source", "samplehani")
    assert site.hits[page] == 0 and report["totals"]["changed"] == 0

    # The sitemap now says the article was modified: it is fetched at any age, and the edit is seen.
    site.edit(
        "/hn/sitemap.xml",
        "area/1001.html</loc>",
        "area/1001.html</loc><lastmod>2025-02-22T09:00:00+09:00</lastmod>",
    )
    report = crawl(config, capsys, "--source", "samplehani")
    assert site.hits[page] == 1 and report["totals"]["changed"] == 1
    rows = {r.url: r for r in recheck_rows(db, "samplehani")}
    assert any(r.hint_updated is not None for r in rows.values())


TABLE_PAGE = """<html><head><meta charset="utf-8"><title>경북타임즈 :: 지역의 빛, 내일의 힘</title></head>
<body><table width="100%"><tr><td class="logo">경북타임즈</td></tr><tr><td><table>
<tr><td class="headline"><font size="4"><b>{title}</b></font></td></tr>
<tr><td class="info">입력 2025.06.03 09:00 | 김철수 기자</td></tr>
<tr><td class="content">{body}</td></tr></table></td></tr></table></body></html>"""


def test_a_table_layout_page_with_a_slogan_title_is_stored_with_the_feeds_title(site, tmp_path, capsys):
    title = "포항, 국가 AI 컴퓨팅센터 유치전 본격화"
    body = "".join(
        f"<p>포항시는 국가 AI 컴퓨팅센터 유치를 위해 {i}번째 설명회를 열고 전력과 부지 여건을 소개했다. "
        "시 관계자는 지역 대학과 기업이 함께 준비하고 있다고 말했다.</p>"
        for i in range(6)
    )
    site.add("/tb/news/read.php?no=90001", TABLE_PAGE.format(title=title, body=body).encode(), "text/html")
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>경북타임즈</title>'
        f"<item><title>{title}</title><link>{site.base}/tb/news/read.php?no=90001</link>"
        "<pubDate>Tue, 03 Jun 2025 09:00:00 +0900</pubDate></item></channel></rss>"
    )
    site.add("/tb/rss.xml", feed.encode(), "application/rss+xml")
    extra = f'[[sources]]\nname = "gbtimes"\nkind = "feed"\nurl = "{site.base}/tb/rss.xml"\n'
    config = demo_config(site, tmp_path, extra=extra)
    crawl(config, capsys, "--source", "gbtimes")
    db = open_db(tmp_path / "monitor.db")
    stored = db.execute("SELECT title, title_source FROM articles WHERE source = 'gbtimes'").fetchone()
    assert stored == (title, "hint")
    rows = [r for r in recheck_rows(db, "gbtimes") if r.article_id is not None]
    assert rows and all(r.title_source == "hint" for r in rows)


def test_a_page_title_that_is_a_real_headline_is_kept_over_the_feeds(site, tmp_path, capsys):
    site.edit("/gb/rss/allArticle.xml", "<title><![CDATA[", "<title><![CDATA[피드 제목: ")
    config = demo_config(site, tmp_path)
    crawl(config, capsys, "--source", "gbsinmungo")
    db = open_db(tmp_path / "monitor.db")
    titles = db.execute("SELECT title, title_source FROM articles WHERE source = 'gbsinmungo'").fetchall()
    assert titles and all(not t.startswith("피드 제목") and src == "page" for t, src in titles)
