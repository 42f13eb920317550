"""Pure discovery parsers: candidate article links from feeds, sitemaps, listing pages and Naver.

XML is untrusted: every DOCTYPE (and with it every entity declaration) is removed before a
parser sees the bytes, which defuses billion-laughs, quadratic blowup, XXE and external DTDs
alike. feedparser gets a file object, never bytes or a string it could take for a path or URL.
"""

from __future__ import annotations

import html as html_lib
import io
import json
import re
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from .charset import decode_bytes
from .errors import ExtractionError
from .feeds import read_rss, summary_text
from .html import node_text, parse_html
from .meta import parse_date
from .models import DiscoveredLink

_DOCTYPE = re.compile(rb"<!DOCTYPE(?:[^\[>]|\[.*?\])*>", re.S | re.I)
_ENTITY_DECL = re.compile(rb"<!ENTITY[^>]*>", re.S | re.I)
MAX_LINKS = 500

# URL shapes of article pages across Korean CMS families (and common English ones).
ARTICLE_URL_PATTERNS = [
    re.compile(p)
    for p in (
        r"/news/articleView\.html\?idxno=\d+",
        r"/news/view\.php\?.*(?:idx|no)=\d+",
        r"/article/\d{5,}",
        r"/articles?/[\w-]*\d{4,}",
        r"/news/\d{6,}",
        r"/news/[\w-]+/\d{5,}",
        r"/view/\d{8,}",
        r"/arti/[\w/]+/\d+\.html",
        r"/site/data/html_dir/\d{4}/\d\d/\d\d/\d+\.html?",
        r"/\d{4}/\d\d/\d\d/[\w-]{8,}",
        r"[?&](?:aid|article_id|articleId|newsId|news_id|nid|idxno|no|idx)=\d{4,}",
        r"/mnews/article/\d+/\d+",
    )
]
_NOT_ARTICLE = re.compile(
    r"/(?:tag|tags|search|login|member|author|reporter|section|list)(?:[/?.]|$)|articleList", re.I
)


def strip_doctype(data: bytes) -> bytes:
    data = _DOCTYPE.sub(b"", data, count=1)
    return _ENTITY_DECL.sub(b"", data)


_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def _safe_char_refs(text: str) -> str:
    """Character references to surrogates or past U+10FFFF become U+FFFD: feedparser would
    otherwise raise on one such title and lose the whole feed."""

    def repl(m: re.Match[str]) -> str:
        value = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        return "&#xFFFD;" if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF else m.group(0)

    return _CHAR_REF.sub(repl, text)


def _join(base_url: str, href: str) -> str:
    """The absolute link; a malformed one is kept as written, to be reported with its reason."""
    try:
        return urljoin(base_url, href.strip())
    except ValueError:
        return href.strip()


def _dt(struct) -> datetime | None:
    if not struct:
        return None
    try:
        return datetime(*struct[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def parse_feed(data: bytes, base_url: str, *, content_type: str | None = None) -> list[DiscoveredLink]:
    """RSS 0.9x/1.0/2.0 and Atom items as links, newest first (plain RSS 2.0 by `feeds.read_rss`,
    the rest by feedparser)."""
    body = prepare_feed(data, content_type)
    fast = read_rss(body)
    if fast is None:
        return feedparser_links(body, base_url)
    # plain RSS 2.0: the fields feedparser gives, without its HTML sanitizer
    return _newest_first(
        [
            DiscoveredLink(
                url=_join(base_url, item.link),
                title=html_lib.unescape(item.title or "").strip() or None,
                published=item.published or item.updated,
                # as feedparser does: an entry's `updated` falls back to its published date
                updated=(item.updated or item.published) if item.published else None,
                author=item.author,
                summary=summary_text(item.summary),
            )
            for item in fast[:MAX_LINKS]
        ]
    )


def prepare_feed(data: bytes, content_type: str | None = None) -> bytes:
    """What either feed parser reads: no DOCTYPE, no surrogate references, UTF-8 declared."""
    safe = strip_doctype(data)
    text, _ = decode_bytes(safe, content_type)
    text = _safe_char_refs(text)
    # Re-encode as UTF-8 with the declaration rewritten, so feedparser cannot mis-decode EUC-KR.
    return re.sub(r"^\s*<\?xml[^>]*\?>", '<?xml version="1.0" encoding="utf-8"?>', text, count=1).encode(
        "utf-8"
    )


def feedparser_links(body: bytes, base_url: str) -> list[DiscoveredLink]:
    """Links of a prepared feed as feedparser reads it (any format, malformed ones too)."""
    import feedparser

    parsed = feedparser.parse(
        io.BytesIO(body), response_headers={"content-type": "application/xml; charset=utf-8"}
    )
    if not parsed.entries and parsed.get("bozo") and not parsed.get("feed"):
        raise ExtractionError(f"not a feed: {parsed.get('bozo_exception')}")
    links = []
    for entry in parsed.entries[:MAX_LINKS]:
        href = entry.get("link") or next(
            (link.get("href") for link in entry.get("links", []) if link.get("href")), None
        )
        if not href:
            continue
        published = _dt(entry.get("published_parsed") or entry.get("updated_parsed"))
        # An explicit `updated` (Atom, or RSS extensions) is an edit signal; a bare RSS item has none.
        updated = _dt(entry.get("updated_parsed")) if entry.get("published_parsed") else None
        title = html_lib.unescape(entry.get("title") or "").strip() or None
        links.append(
            DiscoveredLink(
                url=_join(base_url, href),
                title=title,
                published=published,
                updated=updated,
                author=(entry.get("author") or "").strip() or None,
                summary=summary_text(entry.get("summary")),
            )
        )
    return _newest_first(links)


_LOC = re.compile(rb"<(?:\w+:)?(sitemap|url)\b[^>]*>(.*?)</(?:\w+:)?\1>", re.S | re.I)
_TAG = {
    "loc": re.compile(rb"<(?:\w+:)?loc>\s*(.*?)\s*</(?:\w+:)?loc>", re.S | re.I),
    "lastmod": re.compile(rb"<(?:\w+:)?lastmod>\s*(.*?)\s*</(?:\w+:)?lastmod>", re.S | re.I),
    "pubdate": re.compile(
        rb"<(?:\w+:)?publication_date>\s*(.*?)\s*</(?:\w+:)?publication_date>", re.S | re.I
    ),
    "title": re.compile(rb"<(?:\w+:)?title>\s*(.*?)\s*</(?:\w+:)?title>", re.S | re.I),
}


def _cdata(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").strip()
    if text.startswith("<![CDATA[") and text.endswith("]]>"):
        text = text[9:-3]
    return html_lib.unescape(text).strip()


def parse_sitemap(
    data: bytes, base_url: str, *, limit: int = MAX_LINKS
) -> tuple[list[DiscoveredLink], list[str]]:
    """(article links newest first, child sitemaps) from a urlset, Google News sitemap or index."""
    data = strip_doctype(data)
    links: list[DiscoveredLink] = []
    children: list[str] = []
    for m in _LOC.finditer(data):
        kind, inner = m.group(1).lower(), m.group(2)
        loc = _TAG["loc"].search(inner)
        if not loc:
            continue
        url = _join(base_url, _cdata(loc.group(1)))
        if kind == b"sitemap":
            children.append(url)
            continue
        when = _TAG["pubdate"].search(inner) or _TAG["lastmod"].search(inner)
        lastmod = _TAG["lastmod"].search(inner)
        title = _TAG["title"].search(inner)
        links.append(
            DiscoveredLink(
                url=url,
                title=_cdata(title.group(1)) if title else None,
                published=parse_date(_cdata(when.group(1))) if when else None,
                updated=parse_date(_cdata(lastmod.group(1))) if lastmod else None,
            )
        )
    return _newest_first(links)[:limit], children


def looks_like_article(url: str) -> bool:
    if _NOT_ARTICLE.search(url):
        return False
    return any(p.search(url) for p in ARTICLE_URL_PATTERNS)


def parse_listing(
    html: str | bytes, base_url: str, *, link_selector: str | None = None
) -> list[DiscoveredLink]:
    """Article links on a section or search-results page (never navigation or tag links)."""
    text = decode_bytes(html)[0] if isinstance(html, bytes) else html
    tree = parse_html(text)
    base_host = urlsplit(base_url).hostname
    seen: dict[str, DiscoveredLink] = {}
    if link_selector:
        nodes = tree.css(link_selector)
    else:
        tree.strip_tags(["nav", "header", "footer", "script", "style"])
        nodes = tree.css("a[href]")
    for a in nodes:
        href = a.attributes.get("href") if a.tag == "a" else None
        if href is None:
            inner = a.css_first("a[href]")
            href = inner.attributes.get("href") if inner is not None else None
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        try:
            url = urljoin(base_url, href.strip()).split("#")[0]
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or parts.port == 0:
                continue
        except ValueError:  # a malformed href among a page's links is not an article link
            continue
        if not link_selector and (parts.hostname != base_host or not looks_like_article(url)):
            continue
        title = node_text(a) or None
        if url not in seen or (title and not seen[url].title):
            seen[url] = DiscoveredLink(url=url, title=title, updated=_listed_edit_time(a))
        if len(seen) >= MAX_LINKS:
            break
    return list(seen.values())


_EDITED = re.compile(r"수정\s*[:：]?\s*(\d{4}[.\-/]\s?\d{1,2}[.\-/]\s?\d{1,2}\.?\s*\d{1,2}:\d{2}(?::\d{2})?)")


def _listed_edit_time(a) -> datetime | None:
    """A listing's visible "수정 2025-06-03 10:00" beside the link (in the link's list item or row)."""
    node = a.parent
    for _ in range(3):  # the <a>'s cell, row or list item; not the whole list
        if node is None:
            return None
        if node.tag in ("li", "tr", "article", "dd", "div") and len(node.css("a[href]")) <= 3:
            m = _EDITED.search(node_text(node))
            return (
                parse_date(re.sub(r"\s+", " ", m.group(1).replace(".", "-").replace("/", "-"))) if m else None
            )
        node = node.parent
    return None


def parse_naver_search(data: bytes) -> list[DiscoveredLink]:
    """Naver News Search API JSON: each item's publisher URL (originallink), else its Naver link."""
    try:
        payload = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ExtractionError(f"Naver search answer is not JSON: {exc}") from exc
    links = []
    for item in payload.get("items", [])[:MAX_LINKS]:
        url = item.get("originallink") or item.get("link")
        if not url:
            continue
        title = re.sub(r"<[^>]+>", "", html_lib.unescape(item.get("title") or "")).strip() or None
        links.append(DiscoveredLink(url=url, title=title, published=parse_date(_rfc822(item.get("pubDate")))))
    return _newest_first(links)


def _rfc822(value: str | None) -> str | None:
    if not value:
        return None
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError):
        return None


def _newest_first(links: list[DiscoveredLink]) -> list[DiscoveredLink]:
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(links, key=lambda link: link.published or oldest, reverse=True)


# --- finding an outlet's sources from its homepage (pure) ------------------------------------

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")
# Where Korean CMS families put their whole-site feeds (NDSoft: /rss/allArticle.xml).
COMMON_FEED_PATHS = ("/rss/allArticle.xml", "/rss/S1N1.xml", "/rss", "/feed", "/rss.xml", "/atom.xml")
COMMON_SITEMAP_PATHS = ("/sitemap.xml", "/news_sitemap.xml", "/sitemap_news.xml")


def feed_links(html: str | bytes, base_url: str) -> list[str]:
    """Feeds a page announces with `<link rel="alternate" type="application/rss+xml">`, in order."""
    text = decode_bytes(html)[0] if isinstance(html, bytes) else html
    found: list[str] = []
    for node in parse_html(text).css("link[rel][href]"):
        rels = (node.attributes.get("rel") or "").lower().split()
        kind = (node.attributes.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in _FEED_TYPES:
            url = _join(base_url, node.attributes.get("href") or "")
            if url not in found and urlsplit(url).scheme in ("http", "https"):
                found.append(url)
    return found


def robots_sitemaps(robots_txt: str, base_url: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt, absolute."""
    found = []
    for line in robots_txt.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "sitemap" and value.strip():
            found.append(_join(base_url, value.strip()))
    return list(dict.fromkeys(found))
