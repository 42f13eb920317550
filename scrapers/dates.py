"""Dates printed in words ("December 12, 2025", "12 Dec 2025", "2025-12-12"), language-neutral
apart from the English month names most non-Korean pages print.

Used only when the page's metadata (meta tags, JSON-LD, <time>) names no publication time: the
first such date printed in the visible page text, in document order, is usually the dateline
under the headline (a sidebar's dates come later in most templates).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from selectolax.lexbor import LexborHTMLParser

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
    rf"|(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d)(?![\d:T]))\b",
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
        return datetime(int(m.group("y3")), int(m.group("m3")), int(m.group("d3")), tzinfo=UTC)
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
