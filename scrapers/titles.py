"""The headline, chosen by agreement among the page's title candidates.

Candidates: the visible <h1>s (the headline a reader sees), JSON-LD `headline`, og:title /
twitter:title, title-like headings, and <title> minus the site name. The visible headline wins
when it is plausible; the metadata titles are used to tell a headline <h1> from a logo <h1> (a
piece of <title> that is the site's name, or og:site_name itself) and to fill in when the page
has none. Never the site name or a slogan: a candidate equal to the site part of <title> is out.
"""

from __future__ import annotations

import html
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .html import clean_text
from .meta import json_ld_articles, meta_content, strip_site_suffix

_TITLE_SPLIT = re.compile(r"\s+(?:[-|–—:<>«»·ㅣ]|::)\s+|\s*[|ㅣ]\s*")
_LOGO = re.compile(r"logo|brand|site-?title|site-?name|masthead|navbar", re.I)
# "Headline -Politics | Outlet": a section-and-outlet suffix that <title> and og:title carry.
_SECTION_SUFFIX = re.compile(r"\s+[-–—]\s*[^-–—|ㅣ]{1,12}?\s*[|ㅣ]\s*[^|ㅣ]{1,30}$")
_HEADINGS = "h1, h2.title, h2.headline, h3.heading, [class*=headline] h2, [class*=tit] h2"


def _norm(text: str | None) -> str:
    return clean_text(text or "").casefold()


def _is_logo(node: LexborNode) -> bool:
    """A heading that is (or sits in) the site's logo or home link."""
    cur: LexborNode | None = node
    for _ in range(3):
        if cur is None:
            break
        attrs = cur.attributes
        if _LOGO.search(f"{attrs.get('class') or ''} {attrs.get('id') or ''}"):
            return True
        cur = cur.parent
    return node.css_first("img") is not None and len(clean_text(node.text())) < 40


def _site_pieces(doc_title: str, og: str | None, site: str | None) -> set[str]:
    """Names of the site: og:site_name and the outer pieces of <title> that are not the headline."""
    pieces = {_norm(site)} if site else set()
    parts = [p for p in _TITLE_SPLIT.split(clean_text(doc_title)) if p.strip()]
    if len(parts) > 1:
        pieces.add(_norm(parts[-1]))
        if og and _norm(parts[0]) not in _norm(og):
            pieces.add(_norm(parts[0]))
    return {p for p in pieces if p}


def title_candidates(
    tree: LexborHTMLParser, site: str | None, metas: dict[str, str], *, ld_items: list[dict] | None = None
) -> tuple[list[str], list[str]]:
    """(visible headings in document order, metadata titles) with the site names left out."""
    og = meta_content(metas, "og:title", "twitter:title")
    title_node = tree.css_first("title")
    doc_title = clean_text(title_node.text()) if title_node is not None else ""
    ld = [str(item.get("headline") or "") for item in json_ld_articles(tree, items=ld_items)]
    sites = _site_pieces(doc_title, og, site)
    headings = []
    for node in tree.css(_HEADINGS)[:8]:
        text = clean_text(node.text())
        if 2 <= len(text) <= 300 and _norm(text) not in sites and not _is_logo(node):
            headings.append(text)
    # Some CMSs escape twice ("&amp;#038;"): the parser decoded once, html.unescape does the rest.
    metas_found = [_SECTION_SUFFIX.sub("", clean_text(html.unescape(x))) for x in (*ld, og or "") if x]
    if doc_title:
        metas_found.append(strip_site_suffix(_SECTION_SUFFIX.sub("", doc_title), site))
    return headings, [m for m in metas_found if m and _norm(m) not in sites]


def _agrees(heading: str, meta: str) -> bool:
    h, m = _norm(heading), _norm(meta)
    return len(h) >= 6 and len(m) >= 6 and (h in m or m in h or (len(h) >= 10 and h[:10] == m[:10]))


HINT_SCORE = 0.8  # the title score when the feed's hint settled it (Article.title_source = "hint")


def choose_title(
    tree: LexborHTMLParser,
    site: str | None,
    metas: dict[str, str],
    hint: str | None = None,
    *,
    ld: list[dict] | None = None,
) -> tuple[str | None, float]:
    """The headline and how sure we are (1.0 when page sources agree, lower when guessed)."""
    headings, meta_titles = title_candidates(tree, site, metas, ld_items=ld)
    h1s = [h for h in headings if len(h) >= 6]
    # A heading confirmed by a metadata title (or by the feed's hint) is the headline.
    for h in h1s:
        for m in (*meta_titles, *([hint] if hint else [])):
            if _agrees(h, m):
                # An all-caps heading is styling: the metadata spells the same words properly.
                return (m if h.isupper() and _norm(m) == _norm(h) else h), 1.0
    if hint and (not h1s or meta_titles):
        # The page has no headline, or its candidates disagree: the feed's title settles it.
        return clean_text(hint), HINT_SCORE
    if h1s and (len(h1s[0]) >= 10 or not meta_titles):
        return h1s[0], 0.7  # the visible headline, unconfirmed
    if meta_titles:
        return strip_site_suffix(meta_titles[0], site), 0.6
    return (headings[0], 0.3) if headings else (None, 0.0)
