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


# Boxes that print a dateline: a <time> without a machine-readable value, or a class naming one.
_DATELINE_BOXES = "time, [class*=date], [class*=publish], [class*=posted], [class*=byline], [class*=meta]"
_OTHER_PUBLISHED = (
    "og:published_time",
    "article:published",
    "parsely-pub-date",
    "citation_publication_date",
    "DC.date",
    "dc.date",
    "dcterms.date",
    "dcterms.issued",
)
_MODIFIED = ("article:modified_time", "og:updated_time", "dateModified", "last-modified")


def fallback_published(
    tree: LexborHTMLParser, metas: dict[str, str], *, ld: list[dict] | None = None
) -> datetime | None:
    """A publication time for pages whose usual metadata names none (call before mutating `tree`):
    rarer meta names, JSON-LD of any type, a dateline printed in words, then the last-modified
    time (a page that states only when it was updated is dated by that)."""
    value = meta_content(metas, *_OTHER_PUBLISHED)
    dt = parse_date(value) if value else None
    if dt:
        return dt
    items = json_ld_articles(tree, any_type=True, items=ld)
    for item in items:
        dt = parse_date(str(item.get("datePublished") or ""))
        if dt:
            return dt
    for node in tree.css(_DATELINE_BOXES)[:40]:
        text = node.text(deep=True)
        if len(text) <= 200:
            dt = printed_date(text)
            if dt:
                return dt
    value = meta_content(metas, *_MODIFIED)
    dt = parse_date(value) if value else None
    for item in items if dt is None else ():
        dt = parse_date(str(item.get("dateModified") or ""))
        if dt:
            break
    return dt


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
    if any(abs((dt.date() - day).days) <= 1 for dt, _ in printed):
        return meta
    return next((dt for dt, update in printed if not update), meta)


def _dates_in(text: str) -> list[tuple[datetime, bool]]:
    return [
        (dt, bool(_UPDATE_LABEL.search(text[max(0, m.start() - 24) : m.start()])))
        for m in PRINTED.finditer(text)
        if (dt := _to_date(m))
    ]
