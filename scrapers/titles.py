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

_TITLE_SPLIT = re.compile(r"\s+(?:[-|–—:<>«»·•ㅣ]|::)\s+|\s*[|ㅣ]\s*")
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


def _site_pieces(doc_title: str, site: str | None, headlines: set[str]) -> set[str]:
    """Names of the site: og:site_name and the outer piece of <title> that is not the headline.

    "Headline | Outlet" and "Outlet | Headline" are both common. The outer piece spelling
    og:site_name is the site's; else the one across from a piece that is the page's og:title or
    one of its headings (`headlines`, normalised); else the last one.
    """
    pieces = {_norm(site)} if site else set()
    parts = [_norm(p) for p in _TITLE_SPLIT.split(clean_text(doc_title)) if p.strip()]
    if len(parts) > 1:
        first, last = parts[0], parts[-1]
        named = [p for p in (first, last) if site and _same_name(p, _norm(site))]
        if named:
            pieces.update(named)
        else:
            pieces.add(first if last in headlines and first not in headlines else last)
    return {p for p in pieces if p}


def _same_name(piece: str, site: str) -> bool:
    """A <title> piece that spells the site name, give or take a domain or a tagline."""
    if piece in site or piece.replace(" ", "") == site.replace(" ", ""):
        return True
    # "Outlet - News and analysis", "outlet.com": the name plus a little, never a headline using it
    return site in piece and len(piece) <= 2 * len(site) + 12


def title_candidates(
    tree: LexborHTMLParser, site: str | None, metas: dict[str, str], *, ld_items: list[dict] | None = None
) -> tuple[list[tuple[str, LexborNode]], list[str]]:
    """(visible headings in document order, each with its element; metadata titles),
    the site names left out. A heading in a logo box is kept only when a metadata title spells it:
    some templates print the page's headline in the "site-title" banner."""
    og = meta_content(metas, "og:title", "twitter:title")
    title_node = tree.css_first("title")
    doc_title = clean_text(title_node.text()) if title_node is not None else ""
    ld = [str(item.get("headline") or "") for item in json_ld_articles(tree, items=ld_items)]
    found = [
        (_unescaped(text), node)
        for node in tree.css(_HEADINGS)[:8]
        if 2 <= len(text := clean_text(node.text())) <= 300
    ]
    logos = [_is_logo(node) for _, node in found]
    if site and _norm(site) in (_norm(og), _norm(doc_title)):
        site = None  # an og:site_name that is the page's own title names no site
    plain = {_norm(t) for (t, _), logo in zip(found, logos, strict=True) if not logo}
    sites = _site_pieces(doc_title, site, plain | ({_norm(og)} if og else set()))
    # Some CMSs escape twice ("&amp;#038;"): the parser decoded once, html.unescape does the rest.
    metas_found = [_SECTION_SUFFIX.sub("", clean_text(html.unescape(x))) for x in (*ld, og or "") if x]
    if doc_title:
        metas_found.append(strip_site_suffix(_SECTION_SUFFIX.sub("", doc_title), site))
    meta_titles = [_whole(m, metas_found, site) for m in metas_found if m and _norm(m) not in sites]
    spelled = {_norm(m) for m in meta_titles}
    headings = [
        (text, node)
        for (text, node), logo in zip(found, logos, strict=True)
        if _norm(text) not in sites and (not logo or _norm(text) in spelled)
    ]
    return headings, meta_titles


# SEO plugins cut a JSON-LD headline at 110 characters (Google's old limit), mid-phrase.
_CUT_HEADLINE = 100


def _whole(title: str, others: list[str], site: str | None) -> str:
    """A long metadata title that another one continues is a cut copy: the longer one, minus
    the site name, is the headline."""
    stem = title.rstrip(".… ")  # (some cut with an ellipsis)
    if len(stem) < _CUT_HEADLINE:
        return title
    for other in others:
        if other != title and len(other) > len(stem) and other.startswith(stem):
            whole = strip_site_suffix(other, site)
            if len(whole) > len(stem) and whole.startswith(stem):
                return whole
    return title


def _unescaped(text: str) -> str:
    """A heading escaped twice ("SQL &#x26; AI") reads as its metadata does."""
    return clean_text(html.unescape(text)) if "&" in text else text


def _agrees(heading: str, meta: str) -> bool:
    h, m = _norm(heading), _norm(meta)
    return len(h) >= 6 and len(m) >= 6 and (h in m or m in h or (len(h) >= 10 and h[:10] == m[:10]))


# "Blog: Headline", "Dec 18 2025 Headline": a label or a date printed in front of the headline.
_LABEL_PREFIX = re.compile(r"^(?:[^:]{1,20}:|(?:\w{3,9}\.? \d{1,2},? \d{4}|\d{4}-\d\d-\d\d))\s*$")


def _settle(heading: str, meta: str) -> str:
    """The headline from a heading and a metadata title that agree on it."""
    h, m = _norm(heading), _norm(meta)
    if h == m:
        # Same words: the case is styling (an all-caps or all-lowercase heading) or a template's
        # sentence case; the metadata is what the editor typed.
        return meta
    if h.endswith(m) and _LABEL_PREFIX.match(h[: len(h) - len(m)]):
        return meta
    return heading


def _one_piece(title: str) -> str:
    """'Headline | Tagline': a pipe separates <title> pieces, it is not headline punctuation."""
    first = title.split(" | ", 1)[0]
    return first if len(first) >= 10 else title


HINT_SCORE = 0.8  # the title score when the feed's hint settled it (Article.title_source = "hint")


def choose_title(
    tree: LexborHTMLParser,
    site: str | None,
    metas: dict[str, str],
    hint: str | None = None,
    *,
    ld: list[dict] | None = None,
) -> tuple[str | None, float, LexborNode | None]:
    """The headline, how sure we are (1.0 when page sources agree, lower when guessed) and the
    heading element it was read from (None when it came from the metadata or the hint)."""
    headings, meta_titles = title_candidates(tree, site, metas, ld_items=ld)
    h1s = [(h, node) for h, node in headings if len(h) >= 6]
    # A heading confirmed by a metadata title (or by the feed's hint) is the headline.
    for h, node in h1s:
        for m in (*meta_titles, *([hint] if hint else [])):
            if _agrees(h, m):
                return _one_piece(_settle(h, m)), 1.0, node
    if hint and (not h1s or meta_titles):
        # The page has no headline, or its candidates disagree: the feed's title settles it.
        return clean_text(hint), HINT_SCORE, None
    # The visible headline, unconfirmed. Only an <h1> beats the metadata: a title-classed <h2>
    # that no metadata names is more often a teaser's than the story's.
    if h1s and (not meta_titles or (h1s[0][1].tag == "h1" and len(h1s[0][0]) >= 10)):
        return _one_piece(h1s[0][0]), 0.7, h1s[0][1]
    if meta_titles:
        return _one_piece(strip_site_suffix(meta_titles[0], site)), 0.6, None
    return (headings[0][0], 0.3, headings[0][1]) if headings else (None, 0.0, None)
