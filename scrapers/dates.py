"""Dates printed in words ("December 12, 2025", "12 Dec 2025", "2025-12-12"), language-neutral
apart from the English month names most non-Korean pages print.

Used only when the page's metadata (meta tags, JSON-LD, <time>) names no publication time: the
first such date printed in the visible page text, in document order, is usually the dateline
under the headline (a sidebar's dates come later in most templates).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .html import clean_text
from .meta import json_ld_articles, meta_content, parse_date

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<y>(?:19|20)\d\d)"
PRINTED = re.compile(
    rf"\b(?:{_MONTH}\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH.replace('mon', 'mon2')}\s*,?\s+(?P<y2>(?:19|20)\d\d)"
    rf"|(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d)(?![\d:T])"
    # "23.07.2025": day first as most languages that write dots do; "09.10.2024" is read either
    # way (US sites write month first), so a day of 12 or less is not taken
    rf"|(?<![\d.])(?P<d4>1[3-9]|2\d|3[01])\.(?P<m4>\d\d)\.(?P<y4>(?:19|20)\d\d)(?![\d.]))\b",
    re.I,
)
UTC = timezone(timedelta(0))


def _to_date(m: re.Match[str]) -> datetime | None:
    try:
        if m.group("y"):
            return datetime(
                int(m.group("y")), _MONTHS[m.group("mon").lower()], int(m.group("d1")), tzinfo=UTC
            )
        if m.group("y2"):
            return datetime(
                int(m.group("y2")), _MONTHS[m.group("mon2").lower()], int(m.group("d2")), tzinfo=UTC
            )
        if m.group("y3"):
            return datetime(int(m.group("y3")), int(m.group("m3")), int(m.group("d3")), tzinfo=UTC)
        return datetime(int(m.group("y4")), int(m.group("m4")), int(m.group("d4")), tzinfo=UTC)
    except (ValueError, KeyError):
        return None


def printed_date(text: str) -> datetime | None:
    """The first date written out in `text` (visible text, not markup), at midnight UTC."""
    for m in PRINTED.finditer(text):
        dt = _to_date(m)
        if dt:
            return dt
    return None


# "03-09-2026", "10/31/2024", "13/11/2025 09:21:40": month and day in either order. A value
# over 12 settles the order; when neither is, only metadata is read, month first (the US
# order, which the English CMSs that write dates so in their metadata mean); printed text
# gives no date rather than a guess.
_NUMERIC = re.compile(r"(?<![\d/.-])(?P<a>\d{1,2})[/-](?P<b>\d{1,2})[/-](?P<y>(?:19|20)\d\d)(?![\d/-])")


def _numeric_date(text: str, guess: bool) -> datetime | None:
    m = _NUMERIC.search(text)
    if not m:
        return None
    a, b = int(m.group("a")), int(m.group("b"))
    if a <= 12 and b <= 12 and a != b and not guess:
        return None
    month, day = (b, a) if a > 12 else (a, b)
    try:
        return datetime(int(m.group("y")), month, day, tzinfo=UTC)
    except ValueError:
        return None


_ISO_TIME = re.compile(r"(?:19|20)\d\d-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?")


def lenient_date(value: str | None, *, printed: bool = False) -> datetime | None:
    """A date in a metadata value (or, `printed`, a dateline) however it is written: ISO,
    Korean, words ("Dec 03, 2025", "July 17, 2025"), or numbers in the US or the European order."""
    if not value:
        return None
    if printed:
        # Printed text is mostly words; a machine time printed as text ("2022-11-23T08:10+02:00")
        # is the only other form read there: the Korean pattern costs too much on every box.
        iso = _ISO_TIME.search(value)
        return (
            printed_date(value)
            or (parse_date(iso.group()) if iso else None)
            or _numeric_date(value, guess=False)
        )
    return parse_date(value) or printed_date(value) or _numeric_date(value, guess=True)


# Boxes that print a dateline: a <time> without a machine-readable value, or a class naming one
# ("publi" for publish, published and publication; an author box prints the date beside the
# name). Each substring selector costs a test of every element of the page: seven, not more.
_DATELINE_BOXES = (
    "time, [class*=date], [class*=publi], [class*=posted], [class*=byline], [class*=meta], [class*=author]"
)
# The names meta_published reads, read again here with the lenient parser ("July 17, 2025").
_PUBLISHED_NAMES = (
    "article:published_time",
    "og:article:published_time",
    "pubdate",
    "publishdate",
    "datePublished",
    "date",
    "publish-date",
    "published",
    "published-date",
)
_OTHER_PUBLISHED = (
    "og:published_time",
    "article:published",
    "parsely-pub-date",
    "citation_publication_date",
    "DC.date",
    "DC.Date",
    "dc.date",
    "dcterms.date",
    "dcterms.issued",
)
_MODIFIED = ("article:modified_time", "og:updated_time", "dateModified", "last-modified")


def fallback_published(
    tree: LexborHTMLParser, metas: dict[str, str], *, ld: list[dict] | None = None, html: str = ""
) -> datetime | None:
    """A publication time for pages whose usual metadata names none (call before mutating `tree`):
    rarer meta names and values in words, JSON-LD of any type, a dateline box, a labelled date
    in `html` ("Posted on ..."), then the last-modified time (a page that states only when it
    was updated is dated by that)."""
    for name in (*_PUBLISHED_NAMES, *_OTHER_PUBLISHED):
        if (value := metas.get(name)) and (dt := lenient_date(value)):
            return dt
    # Any other meta name for it ("w-published-date", "article.published"): not the publisher.
    for name, value in metas.items():
        low = name.lower()
        if "publish" in low and "publisher" not in low and (dt := lenient_date(value)):
            return dt
    items = json_ld_articles(tree, any_type=True, items=ld)
    for item in items:
        dt = lenient_date(str(item.get("datePublished") or ""))
        if dt:
            return dt
    for node in tree.css(_DATELINE_BOXES)[:40]:
        text = node.text(deep=True, separator=" ")
        if len(text) <= 200:
            dt = lenient_date(text, printed=True)
            if dt:
                return dt
    if html and (dt := labeled_printed(html) or _schema_field(html)):
        return dt
    value = meta_content(metas, *_MODIFIED)
    dt = lenient_date(value)
    for item in items if dt is None else ():
        dt = lenient_date(str(item.get("dateModified") or ""))
        if dt:
            break
    return dt


# "Posted on the 15/12/2025", "Last updated: November 13, 2025", "Published 3 May 2021".
_DATE_LABEL = re.compile(r"(?:published|posted|updated)\b\W{0,3}(?:on\W{1,2})?(?:the\s+)?", re.I)
# The label words without their first letter, so one search finds "Posted" and "posted".
_LABEL_STEMS = ("ublished", "osted", "pdated")
_TAGS = re.compile(r"<[^>]*>")
_WINDOW_BEFORE, _WINDOW_AFTER = 5_000, 40_000


def labeled_printed(html: str) -> datetime | None:
    """The first labelled date of a page that carries none in its metadata and prints it in no
    box named for it. The labels are found with str.find from 5 kB before the first <h1> to
    40 kB after it (a dateline is printed near the headline; scanning a whole 500 kB page costs
    a millisecond), else in the first 120 kB of the <body>, and only the stretch after each
    label is read as text."""
    h1 = html.find("<h1")
    if h1 != -1:
        begin, end = max(0, h1 - _WINDOW_BEFORE), h1 + _WINDOW_AFTER
    else:
        begin = max(0, html.find("<body"))
        end = begin + 3 * _WINDOW_AFTER
    hits = sorted(i - 1 for stem in _LABEL_STEMS for i in _occurrences(html, stem, 20, begin, end) if i)
    for pos in hits:
        text = clean_text(_TAGS.sub(" ", html[pos : pos + 600]))
        m = _DATE_LABEL.match(text)
        if m and (dt := lenient_date(text[m.end() : m.end() + 40], printed=True)):
            return dt
    return None


_FIELD_DATE = re.compile(r"(?:19|20)\d\d-\d\d-\d\d(?:T\d\d:\d\d(?::\d\d)?(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)?")


def _schema_field(html: str) -> datetime | None:
    """The schema.org datePublished of a payload that is no JSON-LD script: app data in a script
    or an attribute, quotes escaped ("datePublished&quot;:&quot;2025-11-17T09:00:00-05:00")."""
    i = html.find("datePublished")
    m = _FIELD_DATE.search(html, i, i + 60) if i != -1 else None
    return parse_date(m.group()) if m else None


def _occurrences(text: str, word: str, limit: int, begin: int, end: int) -> list[int]:
    """Where `word` first occurs in `text[begin:end]`, at most `limit` times (scripts repeat it)."""
    found, i = [], text.find(word, begin, end)
    while i != -1 and len(found) < limit:
        found.append(i)
        i = text.find(word, i + 1, end)
    return found


_AFTER, _BEFORE = 250, 120  # characters of text read after and before the headline
_UPDATE_LABEL = re.compile(r"(?:updated|modified|reviewed|edited)\W{0,3}(?:on\W{1,2})?$", re.I)


def dateline_published(headline: LexborNode | None) -> list[tuple[datetime, bool]]:
    """The dates printed with the headline (the dateline a reader sees: "By Name - Mar 27, 2024",
    "May 21, 2025 April 24, 2025", "Updated August 14, 2025"), each at midnight UTC with whether
    it is labelled as an update, nearest first; none when the headline is no <h1>.

    Read from the heading itself, else the text that follows it, else the text just before it
    (templates that print the date above). Only the text next to the <h1> is walked, never the
    whole page: a page's text can be 100 times the dateline's neighbourhood.
    """
    if headline is None or headline.tag != "h1":
        return []  # a title-classed <h2> or a title from the metadata: no dateline to read
    if found := _dates_in(headline.text(separator=" ")):
        return found  # "Dec 18 2025 Headline": the date is printed in the heading itself
    return _dates_in(_text_after(headline, _AFTER)) or _dates_in(_text_before(headline, _BEFORE))[::-1]


_NO_TEXT = frozenset({"script", "style", "template", "noscript"})


def _text_after(node: LexborNode, limit: int) -> str:
    """About `limit` characters of the visible text that follows `node` in document order."""
    parts: list[str] = []
    size = 0
    cur: LexborNode | None = node
    while cur is not None and cur.tag not in ("body", "html"):
        sib = cur.next
        while sib is not None:
            for x in sib.traverse(include_text=True):
                text = x.text_content.strip() if x.tag == "-text" and x.text_content else None
                if text and x.parent.tag not in _NO_TEXT:
                    parts.append(text)
                    size += len(text)
                    if size >= limit:
                        return clean_text(" ".join(parts))
            sib = sib.next
        cur = cur.parent
    return clean_text(" ".join(parts))


def _text_before(node: LexborNode, limit: int) -> str:
    """About the last `limit` characters of text before `node`, within its three nearest boxes."""
    parts: list[str] = []
    size = 0
    cur: LexborNode | None = node
    for _ in range(3):
        if cur is None or cur.tag in ("body", "html"):
            break
        sib = cur.prev
        while sib is not None and size < limit:
            if sib.tag not in _NO_TEXT and (text := clean_text(sib.text(separator=" "))):
                parts.append(text[-limit:])
                size += len(parts[-1])
            sib = sib.prev
        cur = cur.parent
    return " ".join(reversed(parts))[-limit:]


def settle_published(meta: datetime | None, printed: list[tuple[datetime, bool]]) -> datetime | None:
    """The publication time from the metadata's and the dateline's.

    The dateline is what the page shows its readers; metadata often carries a first-draft or a
    re-indexing time. The metadata's time stands when the dateline prints its day too (a day
    apart is the page's own zone), or when the dateline only says when the page was updated.
    """
    if not printed:
        return meta
    if meta is None:
        return printed[0][0]  # a page that states only when it was updated is dated by that
    day = meta.date()
    near = [update for dt, update in printed if abs((dt.date() - day).days) <= 1]
    if near and not all(near):
        return meta
    first = next((dt for dt, update in printed if not update), None)
    if near and first is not None:
        # The metadata's time is the one the dateline calls an update ("August 16, 2019 -
        # Updated July 9, 2025"): the dateline's other date is the publication.
        return first
    return meta if near else (first or meta)


def _dates_in(text: str) -> list[tuple[datetime, bool]]:
    return [
        (dt, bool(_UPDATE_LABEL.search(text[max(0, m.start() - 24) : m.start()])))
        for m in PRINTED.finditer(text)
        if (dt := _to_date(m))
    ]
