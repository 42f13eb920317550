"""The web reader against a database built by a real crawl of the local demo site."""

from __future__ import annotations

import dataclasses
import json
import re
import signal
import subprocess
import sys
import time

import feedparser
import httpx
import pytest

from monitor.cli import main
from monitor.config import load_settings, parse_settings
from monitor.web.i18n import LABELS
from monitor.web.text import diff_rows, highlight, kst, paragraphs

from .conftest import ROOT, demo_config
from .webutil import APEC_TITLE, HN_TITLE, crawl_demo, free_port, serve


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("web")
    config, site = crawl_demo(tmp)
    yield config
    site.close()


@pytest.fixture(scope="module")
def web(crawled):
    served = serve(load_settings(crawled))
    yield served
    served.close()


def _text(html: str) -> str:
    """What a reader sees: the markup (highlights included) taken out."""
    return re.sub(r"<[^>]+>", "", html)


def _stories(web) -> list[dict]:
    return web.get("/api/stories").json()


def _story_id(web, title: str) -> int:
    return next(s["id"] for s in _stories(web) if s["title"] == title)


def test_every_page_answers_with_the_crawled_stories(web):
    home = web.get("/")
    assert home.status_code == 200 and home.headers["content-type"].startswith("text/html")
    assert APEC_TITLE in home.text and HN_TITLE in home.text and "기사 묶음" in home.text
    assert "3개 매체" in home.text  # the press release reprinted by three outlets is one story
    for story in _stories(web):
        page = web.get(f"/stories/{story['id']}")
        assert page.status_code == 200 and story["title"] in page.text
    search = web.get("/search", params={"q": "의향서"})
    assert search.status_code == 200 and HN_TITLE in _text(search.text)
    sources = web.get("/sources")
    assert sources.status_code == 200
    assert all(name in sources.text for name in ("gbsinmungo", "onnews", "samplehani"))
    assert "정상" in sources.text
    alerts = web.get("/alerts")
    assert alerts.status_code == 200 and "알림" in alerts.text
    for path in ("/", "/search", "/sources", "/alerts"):
        assert "content-security-policy" in web.get(path).headers


def test_story_page_shows_the_full_text_highlighted_and_each_edit(web):
    page = web.get(f"/stories/{_story_id(web, HN_TITLE)}").text
    assert "<mark>국가 AI 컴퓨팅센터</mark>" in page  # the matched term, in the lead article's text
    assert "수정 이력 (1)" in page
    assert "<ins>지난주 </ins>" in page or "<ins>지난주</ins>" in page  # the edit, marked as added
    inline = web.get(f"/stories/{_story_id(web, HN_TITLE)}", params={"diff": "inline"}).text
    assert 'class="inline-diff"' in inline and "지난주" in inline
    apec = web.get(f"/stories/{_story_id(web, APEC_TITLE)}").text
    assert apec.count('<details class="other"') == 2  # the two reprints, collapsed


def test_a_script_in_an_article_never_reaches_the_page_as_a_tag(web):
    story = web.get(f"/stories/{_story_id(web, APEC_TITLE)}").text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in story
    assert "<script" not in story.lower() and "<b>굵게" not in story
    found = web.get("/search", params={"q": "alert"}).text
    assert "<script" not in found.lower() and "&lt;script&gt;" in found


def test_a_korean_word_inside_a_compound_is_found(web):
    page = web.get("/search", params={"q": "데이터허브"})  # printed as 초광역데이터허브를
    assert page.status_code == 200
    assert APEC_TITLE in _text(page.text) and "<mark>데이터허브</mark>" in page.text
    assert "1건의 결과" in page.text
    # The query string is the bookmark: the same URL gives the same page.
    assert web.get(str(page.url).removeprefix(web.base)).text == page.text


def test_atom_feeds_validate_and_keep_their_ids(web):
    first = web.get("/feeds/ai-center.atom")
    assert first.status_code == 200 and first.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(first.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert {e.title for e in feed.entries} >= {APEC_TITLE, HN_TITLE}
    assert all(e.id.startswith("tag:ai-center-monitor,2026:story:") for e in feed.entries)
    assert all(e.link.startswith(web.base + "/stories/") for e in feed.entries)
    again = feedparser.parse(web.get("/feeds/ai-center.atom").content)
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]
    assert web.get("/feeds/ai-center.atom").content == first.content  # nothing taken from the clock

    saved = web.get("/feeds/search.atom", params={"q": "의향서"})
    parsed = feedparser.parse(saved.content)
    assert saved.status_code == 200 and not parsed.bozo
    assert [e.title for e in parsed.entries] == [HN_TITLE]
    assert parsed.entries[0].id in {e.id for e in feed.entries}  # one story, one id in every feed
    assert web.get("/feeds/nope.atom").status_code == 404
    assert web.get("/feeds/search.atom").status_code == 400


def test_json_is_what_the_cli_prints(web, crawled, capsys):
    assert main(["stories", "--json", "--config", str(crawled)]) == 0
    cli = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    api = _stories(web)
    assert [{k: s[k] for k in cli[0]} for s in api] == cli
    assert main(["search", "컴퓨팅센터", "--json", "--config", str(crawled)]) == 0
    cli_hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    api_hits = web.get("/api/search", params={"q": "컴퓨팅센터"}).json()
    assert sorted(api_hits, key=lambda h: h["id"]) == sorted(cli_hits, key=lambda h: h["id"])
    assert [h["id"] for h in api_hits] == sorted((h["id"] for h in api_hits), reverse=True)
    assert cli_hits and any(h["title"] == HN_TITLE for h in cli_hits)
    one = web.get(f"/api/stories/{_story_id(web, HN_TITLE)}").json()
    assert [v["version"] for v in one["articles"][0]["versions"]] == [1, 2]
    assert "지난주" in one["articles"][0]["body"]
    assert web.get("/api/stories/99999").status_code == 404


def test_filters_and_paging(web):
    by_outlet = web.get("/api/stories", params={"outlet": "onnews"}).json()
    assert [s["title"] for s in by_outlet] == [APEC_TITLE]
    assert len(web.get("/api/stories", params={"topic": "ai-center"}).json()) == 3
    assert web.get("/api/stories", params={"topic": "other"}).json() == []
    assert web.get("/api/stories", params={"since": "2100-01-01"}).json() == []
    assert len(web.get("/api/stories", params={"until": "2100-01-01"}).json()) == 3
    seen, url = [], "/api/stories?limit=1"
    while url:
        r = web.get(url)
        seen += [s["id"] for s in r.json()]
        url = r.links.get("next", {}).get("url", "").removeprefix(web.base) or None
    assert seen == [s["id"] for s in _stories(web)] and len(seen) == 3
    page = web.get("/", params={"outlet": "onnews"}).text
    assert APEC_TITLE in page and HN_TITLE not in page
    bad = web.get("/", params={"before": "x"})
    assert bad.status_code == 400 and "before must be a whole number" in bad.text
    assert web.get("/", params={"since": "yesterday"}).status_code == 400
    assert web.get("/api/stories", params={"limit": "5000"}).json()["error"].startswith("limit")


def test_a_foreign_host_name_is_refused_on_loopback(web):
    """A DNS-rebinding page (evil.example resolving to 127.0.0.1) cannot read the reader."""
    assert web.get("/", headers={"host": "evil.example"}).status_code == 400
    assert web.get("/", headers={"host": "localhost"}).status_code == 200


def test_a_token_is_required_when_set(crawled):
    settings = load_settings(crawled)
    settings = dataclasses.replace(settings, web=dataclasses.replace(settings.web, token="s3cret-token"))
    served = serve(settings, loopback=False)
    try:
        assert served.get("/").status_code == 401
        assert served.get("/api/stories").status_code == 401
        assert served.get("/feeds/ai-center.atom").status_code == 401
        assert served.get("/", params={"token": "wrong"}).status_code == 401
        ok = served.get("/api/stories", headers={"authorization": "Bearer s3cret-token"})
        assert ok.status_code == 200 and len(ok.json()) == 3
        with httpx.Client(base_url=served.base, follow_redirects=False) as client:
            login = client.get("/search", params={"q": "의향서", "token": "s3cret-token"})
            assert login.status_code == 303 and "token" not in login.headers["location"]
            assert "httponly" in login.headers["set-cookie"].lower()
            page = client.get(login.headers["location"])  # the cookie from here on
            assert page.status_code == 200 and HN_TITLE in _text(page.text)
    finally:
        served.close()


def test_english_labels(crawled):
    settings = load_settings(crawled)
    served = serve(dataclasses.replace(settings, web=dataclasses.replace(settings.web, lang="en")))
    try:
        page = served.get("/").text
        assert '<html lang="en">' in page and "Stories" in page and "3 outlet(s)" in page
    finally:
        served.close()
    assert set(LABELS["ko"]) == set(LABELS["en"])


def _monitor(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        **kwargs,
    )


@pytest.mark.parametrize("command", [["serve", "--bind"], ["run", "--web"]])
def test_a_non_loopback_bind_without_a_token_refuses_to_start(crawled, command):
    proc = _monitor(*command, f"0.0.0.0:{free_port()}", "--config", str(crawled))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "[web] token" in lines[0] and "0.0.0.0" in lines[0]


def test_web_config_is_checked():
    with pytest.raises(Exception, match="lang"):
        parse_settings('[web]\nlang = "fr"\n', environ={})
    with pytest.raises(Exception, match="bind"):
        parse_settings('[web]\nbind = "8080"\n', environ={})
    assert parse_settings("", environ={}).web.bind == "127.0.0.1:8080"


@pytest.mark.slow
def test_the_daemon_serves_the_reader_on_its_own_loop(site, tmp_path):
    config = demo_config(site, tmp_path)
    port = free_port()
    proc = _monitor("run", "--web", f"127.0.0.1:{port}", "--config", str(config), "-q")
    try:
        deadline, titles = time.monotonic() + 60, set()
        while time.monotonic() < deadline and HN_TITLE not in titles:
            try:
                titles = {s["title"] for s in httpx.get(f"http://127.0.0.1:{port}/api/stories").json()}
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        assert HN_TITLE in titles  # crawled by the daemon, read by the reader in the same process
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


# --- pure text shaping ----------------------------------------------------------------------


def test_highlight_merges_overlaps_and_keeps_every_character():
    parts = highlight("AI컴퓨팅센터를 유치", [re.compile("컴퓨팅"), re.compile("팅센터")])
    assert "".join(p.text for p in parts) == "AI컴퓨팅센터를 유치"
    assert [p.text for p in parts if p.marked] == ["컴퓨팅센터"]


def test_diff_rows_mark_added_removed_and_changed_words():
    old = "첫 문단.\n\n둘째 문단은 그대로.\n\n셋째 문단 삭제."
    new = "첫 문단을 고쳤다.\n\n둘째 문단은 그대로.\n\n새 문단."
    rows = diff_rows("제목", old, "제목", new)
    kinds = [r.kind for r in rows]
    assert "changed" in kinds and "equal" in kinds
    changed = next(r for r in rows if r.kind == "changed" and "첫" in "".join(s.text for s in r.new))
    assert [s.text for s in changed.new if s.marked] == ["문단을 고쳤다"]
    assert [s.text for s in changed.old if s.marked] == ["문단"]
    assert diff_rows("t", "a\n\nb", "t", "a\n\nb") == ()
    assert paragraphs(" a \n\n\n b ") == ["a", "b"]
    assert kst("2026-01-01T00:00:00.000000Z") == "2026-01-01 09:00"


def test_search_page_finds_what_search_articles_finds_a_page_at_a_time(crawled):
    from storage.articles import search_articles
    from storage.db import open_db
    from storage.queries import search_page

    db = open_db(load_settings(crawled).storage.path, read_only=True)
    for query in ("포항", "아시아·태평양", "포항 컴퓨팅센터", "없는낱말"):  # LIKE, trigram, both, none
        every = search_articles(db, query, limit=1000)
        pages = [search_page(db, query, 2, offset) for offset in (0, 2, 4, 6)]
        flat = [h for p in pages for h in p]
        assert sorted(flat, key=lambda h: h["id"]) == sorted(every, key=lambda h: h["id"]), query
        assert [h["id"] for h in flat] == sorted((h["id"] for h in flat), reverse=True)
    assert len(search_articles(db, "포항", limit=1000)) >= 3
