"""Charset decoding traps and discovery parsers (feeds, sitemaps, listings, Naver JSON)."""

from __future__ import annotations

import json

import pytest

from scrapers.charset import choose_encoding, decode_bytes
from scrapers.discovery import (
    looks_like_article,
    parse_feed,
    parse_listing,
    parse_naver_search,
    parse_sitemap,
)
from scrapers.extract import extract_article

from .conftest import FIXTURES, shared_path

KOREAN = (
    "<html><head>{meta}<title>포항 똠방각하 뉴스</title></head><body><article><h1>포항 똠방각하 뉴스</h1>"
    + ("<p>포항시가 국가 AI 컴퓨팅센터 유치에 나섰다. 똠양꿍과 뷁은 CP949에만 있는 글자다.</p>" * 8)
    + "</article></body></html>"
)


@pytest.mark.parametrize(
    "meta,header",
    [
        ("", None),
        ('<meta charset="euc-kr">', None),
        ("", "text/html; charset=utf-8"),
        ("", "text/html; charset=ks_c_5601-1987"),
        (
            '<script charset="UTF-8"></script><meta http-equiv="Content-Type" content="text/html; charset=euc-kr">',
            None,
        ),
    ],
)
def test_cp949_pages_decode_without_replacement(meta, header):
    data = KOREAN.format(meta=meta).encode("cp949")
    text, enc = decode_bytes(data, header)
    assert enc == "cp949" and "\ufffd" not in text and "똠방각하" in text and "뷁" in text
    assert "\ufffd" not in extract_article(data, content_type=header).body


def test_meta_euc_kr_over_utf8_bytes_is_ignored():
    data = KOREAN.format(meta='<meta charset="euc-kr">').encode("utf-8")
    assert choose_encoding(data) == "utf-8"


def test_bom_wins():
    assert decode_bytes("\ufeff<p>한글</p>".encode("utf-8"))[0] == "<p>한글</p>"


def test_korean_corpus_pages_decode_cleanly():
    corpus = shared_path("corpora", "korean-news")
    for entry in json.loads((corpus / "manifest.json").read_text("utf-8")):
        text, _ = decode_bytes((corpus / entry["file"]).read_bytes())
        assert "\ufffd" not in text, entry["file"]


def test_real_feeds_parse_including_euc_kr():
    rss = shared_path("corpora", "korean-news", "rss")
    links = parse_feed((rss / "acnnewswire_euc-kr.xml").read_bytes(), "http://x/")
    assert links and all("\ufffd" not in (link.title or "") for link in links)
    assert len(parse_feed((rss / "chosun_2016_all.xml").read_bytes(), "http://x/")) == 50


@pytest.mark.parametrize(
    "payload",
    [
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "'
        + b"A" * 100000
        + b'">]><rss><channel><item><title>'
        + b"&a;" * 2000
        + b"</title><link>http://x/1</link></item></channel></rss>",
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item><title>&x;</title>'
        b"<link>http://x/1</link></item></channel></rss>",
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "ha"><!ENTITY l1 "&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;">'
        b'<!ENTITY l2 "&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;"><!ENTITY l3 "&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;">]>'
        b"<rss><channel><item><title>&l3;</title><link>http://x/1</link></item></channel></rss>",
        b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd"><rss><channel><item><title>t</title>'
        b"<link>http://x/1</link></item></channel></rss>",
    ],
    ids=["quadratic", "xxe", "billion-laughs", "external-dtd"],
)
def test_hostile_feeds_have_no_effect(payload):
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    links = parse_feed(payload, "http://x/")
    assert [link.url for link in links] == ["http://x/1"]
    assert "root:" not in (links[0].title or "")
    assert len(links[0].title or "") < 10_000
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 100


def test_feed_bytes_are_never_taken_for_a_file_name(tmp_path):
    local = tmp_path / "local.xml"
    local.write_text(
        "<rss><channel><item><title>LOCAL</title><link>http://x/local</link></item></channel></rss>"
    )
    with pytest.raises(Exception):  # noqa: B017 - whatever it raises, it must not read the file
        links = parse_feed(str(local).encode(), "http://x/")
        assert not links


def test_sitemap_index_urlset_and_news():
    urlset = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        b"<url><loc>http://x/a/1</loc><lastmod>2025-01-01</lastmod></url>"
        b"<url><loc>http://x/a/2</loc><news:news><news:publication_date>2025-03-01T10:00:00+09:00</news:publication_date>"
        + "<news:title>제목</news:title></news:news></url></urlset>".encode()
    )
    links, children = parse_sitemap(urlset, "http://x/")
    assert [link.url for link in links] == ["http://x/a/2", "http://x/a/1"] and children == []
    index = b"<sitemapindex><sitemap><loc>http://x/s1.xml</loc></sitemap></sitemapindex>"
    assert parse_sitemap(index, "http://x/")[1] == ["http://x/s1.xml"]


def test_listing_detects_article_links_and_skips_nav_and_tags():
    html = (FIXTURES / "sites" / "demo" / "on" / "news" / "list.php@sec=1").read_text("utf-8")
    links = parse_listing(html, "http://demo.ai-center-monitor.test/on/news/list.php?sec=1")
    assert [link.url for link in links] == [
        "http://demo.ai-center-monitor.test/on/news/view.php?idx=7101",
        "http://demo.ai-center-monitor.test/on/news/view.php?idx=7102",
    ]
    assert looks_like_article("https://www.kyongbuk.co.kr/news/articleView.html?idxno=123456")
    assert not looks_like_article("https://www.kyongbuk.co.kr/news/articleList.html?sc_section_code=S1N1")


def test_listing_with_a_link_selector():
    html = '<div class="t"><a class="titles" href="/x/1">하나</a></div><a href="/news/articleView.html?idxno=9">둘</a>'
    assert [link.url for link in parse_listing(html, "http://h/", link_selector="a.titles")] == [
        "http://h/x/1"
    ]


def test_naver_search_json():
    data = json.dumps(
        {
            "items": [
                {
                    "title": "<b>포항</b> AI",
                    "originallink": "https://www.kyongbuk.co.kr/news/articleView.html?idxno=1",
                    "link": "https://n.news.naver.com/mnews/article/1/1",
                    "pubDate": "Mon, 17 Nov 2025 10:20:00 +0900",
                }
            ]
        }
    ).encode()
    links = parse_naver_search(data)
    assert links[0].url.startswith("https://www.kyongbuk.co.kr") and links[0].title == "포항 AI"
    assert links[0].published.isoformat() == "2025-11-17T10:20:00+09:00"
