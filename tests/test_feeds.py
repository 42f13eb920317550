"""The lean RSS reader gives exactly feedparser's links, and leaves it everything out of the plain."""

from __future__ import annotations

import pytest

from scrapers.discovery import feedparser_links, parse_feed, prepare_feed
from scrapers.feeds import read_rss

from .conftest import FIXTURES, SHARED, shared_path

ITEM = "<item><title>{title}</title><link>http://x/news/{n}</link>{extra}</item>"


def _rss(*items: str, head: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return f'{head}<rss version="2.0"><channel><title>t</title>{"".join(items)}</channel></rss>'.encode()


def _feeds():
    # Collected at import time: the shared corpus only when it is there (no skip outside a test).
    yield from sorted((SHARED / "corpora" / "korean-news" / "rss").glob("*.xml"))
    yield from sorted(FIXTURES.glob("sites/**/*.xml"))


@pytest.mark.parametrize("path", list(_feeds()), ids=lambda p: p.name)
def test_every_real_feed_reads_the_same_on_both_paths(path):
    data = path.read_bytes()
    assert parse_feed(data, "http://x/") == feedparser_links(prepare_feed(data), "http://x/")


def test_a_plain_full_text_feed_takes_the_lean_path_with_feedparser_s_values():
    path = shared_path("corpora", "korean-news", "rss", "chosun_arc_national.xml")
    body = prepare_feed(path.read_bytes())
    assert read_rss(body) is not None and len(read_rss(body)) == 100
    links = parse_feed(path.read_bytes(), "http://x/")
    assert links == feedparser_links(body, "http://x/") and all(link.published for link in links)


@pytest.mark.parametrize(
    "items, lean",
    [
        (
            [ITEM.format(title="A &amp; B", n=1, extra="<pubDate>Fri, 21 Aug 2026 15:49:00 +0900</pubDate>")],
            True,
        ),
        ([ITEM.format(title="날짜 dc", n=1, extra="<dc:date>2026-08-21T15:49:00+09:00</dc:date>")], True),
        ([ITEM.format(title="surrogate &#xD800; here", n=1, extra="")], True),
        ([ITEM.format(title="<![CDATA[<b>bold</b> title]]>", n=1, extra="")], False),
        ([ITEM.format(title="a", n=1, extra="<author>me@x.org (Me)</author>")], False),
        (
            [
                ITEM.format(
                    title="a", n=1, extra="<description>&lt;script&gt;x()&lt;/script&gt;hi</description>"
                )
            ],
            False,
        ),
        ([ITEM.format(title="undefined &nbsp; entity", n=1, extra="")], False),
        (["<item><title>no link</title><guid>http://x/g</guid></item>"], False),
        ([ITEM.format(title="a", n=1, extra="<pubDate>not a date</pubDate>")], False),
    ],
)
def test_odd_items_read_as_feedparser_reads_them(items, lean):
    data = _rss(*items).replace(b"<rss ", b'<rss xmlns:dc="http://purl.org/dc/elements/1.1/" ', 1)
    body = prepare_feed(data)
    assert (read_rss(body) is not None) is lean
    assert parse_feed(data, "http://x/") == feedparser_links(body, "http://x/")


def test_a_euc_kr_feed_is_decoded_before_either_parser():
    data = _rss(
        ITEM.format(title="국가 AI 컴퓨팅센터", n=1, extra=""), head='<?xml version="1.0" encoding="euc-kr"?>'
    )
    data = data.decode().encode("cp949")
    links = parse_feed(data, "http://x/")
    assert [link.title for link in links] == ["국가 AI 컴퓨팅센터"]


def test_a_doctype_with_entities_is_removed_before_the_lean_parser():
    laughs = '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    data = _rss(ITEM.format(title="t &b;", n=1, extra=""), head=f'<?xml version="1.0"?>{laughs}')
    links = parse_feed(data, "http://x/")
    assert len(links) == 1 and "aaaa" not in (links[0].title or "")
