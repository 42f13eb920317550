"""Boilerplate that is removed from the whole page BEFORE the article container is chosen.

A comment thread, a consent dialog or a teaser-card list can hold more text than a short
article; removing such boxes only inside the chosen container (as before) let them win the
choice. Names are matched as anchored tokens: a class or id is split at spaces, '-' and '_',
and a token must equal a junk word or start with one ("comments", "share-bar", "relatedPosts"
lower-cased to "relatedposts"), never merely contain it (an "sns" inside a generated id once
deleted a whole article section). A box that holds a large share of the page's text is kept
whatever its name: no name rule may delete the story itself.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from .html import decompose_all, text_length

# Structural elements that are boilerplate by definition, unless (see `_big`) they hold the
# story: Webflow templates put the whole article inside <header>, broken markup inside <aside>.
# Hidden boxes are in this group too: React streaming puts the whole page in <div hidden id="S:0">
# and moves it into place with a script.
# React streaming SSR also prints each later-streamed segment as <div hidden id="S:n">, moved
# into place by a script: those are the page's content, not hidden furniture.
# A class that is the word "hidden" hides the box in CSS frameworks (Bootstrap's .hidden,
# Tailwind's, unless a breakpoint variant such as "md:block" shows it again: told apart in
# `_structural`, as a :not() in the query costs a third of the query).
STRUCTURAL = (
    'nav, footer, aside, header, menu, [hidden]:not([id^="S:"]), [aria-hidden=true], '
    '[style*="display:none"], [style*="display: none"], [class~=hidden]'
)


_STRUCTURAL_TAGS = frozenset({"nav", "footer", "aside", "header", "menu"})


def _structural(root: LexborNode) -> list[LexborNode]:
    own = root.mem_id
    return [n for n in root.css(STRUCTURAL) if n.mem_id != own and not _shown_again(n)]


def _shown_again(node: LexborNode) -> bool:
    """A box that matched only as class "hidden" but that a breakpoint variant shows again."""
    attrs = node.attributes
    cls = attrs.get("class") or ""
    if ":" not in cls or "hidden" not in cls.split() or node.tag in _STRUCTURAL_TAGS:
        return False
    style = (attrs.get("style") or "").replace(" ", "")
    hidden = ("hidden" in attrs and not (attrs.get("id") or "").startswith("S:")) or attrs.get(
        "aria-hidden"
    ) == "true"
    return not hidden and "display:none" not in style


# Never content, whatever their size. Lexbor keeps the markup inside <iframe>/<noscript> as
# text, which would score as prose.
ALWAYS = (
    "script, style, template, noscript, iframe, object, embed, svg, canvas, button, select, "
    "textarea, dialog, [role=navigation], [role=dialog], [role=alertdialog], "
    "[aria-modal=true], [role=complementary]"
)
# Token prefixes: a class/id token that starts with one of these names a junk box. "widget" is not
# one: page builders (Elementor, SiteOrigin) name every block of the story a widget, and removing
# them (even only inside the container, where some are promo or author boxes) loses sections.
_PREFIXES = (
    "comment",
    "reply",
    "share",
    "sharing",
    "social",
    "sns",
    "related",
    "relation",
    "recommend",
    "popular",
    "ranking",
    "sidebar",
    "banner",
    "advert",
    "sponsor",
    "footer",
    "breadcrumb",
    "newsletter",
    "subscri",
    "login",
    "signup",
    "copyright",
    "hashtag",
    "taglist",
    "mostread",
    "mostview",
    "bestnews",
    "hotnews",
    "photonews",
    "outbrain",
    "taboola",
    "dable",
    "popup",
    "modal",
    "toolbar",
    "fontsize",
    "byline",
    "reporter",
    "journalist",
    "gnb",
    "lnb",
    "snb",
    "cookie",
    "consent",
    "gdpr",
    "paywall",
    "promo",
    "disqus",
    "pagination",
    "pager",
    "navbar",
    "navigation",
    "masthead",
    "donat",
    "readmore",
    "trending",
    "skip",
)
# Tokens that name junk only as a whole word ("ad" must not hit "address", "header" not "headline").
_EXACT = frozenset(
    {
        "ad",
        "ads",
        "adv",
        "aside",
        "side",
        "nav",
        "menu",
        "header",
        "tags",
        "tag",
        "more",
        "util",
        "print",
        "latest",
        "author",
        "bio",
        "overlay",
        "next",
        "prev",
        "sr",
        "screen",
        "visually",
        "keyword",
        "keywords",
    }
)
# A box named like junk is kept when its name also says it holds the story.
KEEP = re.compile(r"article|story|content|entry|post-?body|news_?body|view_?cont|text|main|body")
# Boxes are blocks: a class on a link, image or inline run names styling.
_NEVER_JUNK = frozenset(
    {"body", "html", "article", "main", "a", "img", "em", "strong", "b", "i", "picture", "source", "p"}
)


def _trie(words: list[str] | frozenset[str] | tuple[str, ...]) -> str:
    """An alternation of `words` as a character trie: the regex engine tries each branch in
    turn, so sixty words sharing first letters cost sixty tries at every token start; the trie
    costs one or two (a third less time per class value; the same language, so the same verdicts)."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + emit(root) + ")"


_PREFIX_RE = re.compile(r"(?:^|[\s_\-])" + _trie(_PREFIXES))
_LAYOUT_RE = re.compile(r"(?:^|[\s_\-])(?:" + _trie(_PREFIXES) + "|" + _trie(_EXACT) + r"(?=$|[\s_\-]))")
# One verdict per distinct attribute value (a page repeats its class names hundreds of times),
# a table per rule set.
_VERDICTS: dict[bool, dict[str, bool]] = {True: {}, False: {}}


def is_junk_value(value: str, *, layout: bool = True) -> bool:
    """One class or id value named like boilerplate. `layout=False` leaves out the layout words
    ("side", "header", "more" ...), which also name columns that hold the story: those are
    judged only inside the chosen container."""
    table = _VERDICTS[layout]
    verdict = table.get(value)
    if verdict is None:
        if len(table) > 50_000:
            table.clear()
        verdict = table[value] = (_LAYOUT_RE if layout else _PREFIX_RE).search(value.lower()) is not None
    return verdict


def is_junk_name(cls: str, ident: str, *, layout: bool = True) -> bool:
    """A class and id pair named like boilerplate (either one is enough)."""
    return is_junk_value(cls, layout=layout) or is_junk_value(ident, layout=layout)


def _junk_named(root: LexborNode, layout: bool) -> list[LexborNode]:
    """Boxes with a junk class or id. Two plain queries with one attribute read each: a selector
    list ("[class], [id]") and the full attribute dict cost Lexbor and Python three times as much,
    and no CSS form of the token rule is cheaper than this (a list of attribute selectors for the
    tokens costs more than the whole extraction)."""
    table, pattern = _VERDICTS[layout], _LAYOUT_RE if layout else _PREFIX_RE
    found = []
    for attr in ("class", "id"):
        for node in root.css(f"[{attr}]"):
            value = node.attrs[attr]
            verdict = table.get(value)
            if verdict is None:
                if not value:
                    continue
                verdict = table[value] = pattern.search(value.lower()) is not None
            if (
                verdict
                and node.tag not in _NEVER_JUNK
                and not (attr == "id" and _heading_anchor(node, value))
            ):
                found.append(node)
    if len(table) > 50_000:
        table.clear()
    return found


_NOT_ALNUM = re.compile(r"[\W_]+")


def _heading_anchor(node: LexborNode, ident: str) -> bool:
    """An id that is the slug of the box's own heading ("sharing-with-a-single-developer" on
    the section headed "Sharing with a single developer"): documentation generators and wikis
    name every section so, and the words of a heading say nothing of boilerplate."""
    heading = node.css_first("h1, h2, h3, h4, h5, h6")
    if heading is None:
        return False
    slug = _NOT_ALNUM.sub("", ident.lower())
    return len(slug) >= 8 and _NOT_ALNUM.sub("", heading.text(deep=True).lower()).startswith(slug)


_STORY_INSIDE = 500


# Names of a layer shown over the page, or of a flag on the post itself, rather than of a box of
# other content: only these may hold the story ("recommend" or "comments" around one long
# <article> hold the next story or a comment).
_LAYER = re.compile(r"modal|overlay|popup|lightbox|layer|promoted")


def _holds_story(node: LexborNode, size: int, layout: bool) -> bool:
    """A layer-named box around the page's own story: an app that opens the article in a
    "modal" layer over the home page's stream, a "promoted" wrapper around the whole post. An
    <article> (or articleBody) inside that holds most of the box's text and is not itself named
    like junk is the story; comments and teasers printed as <article>s are each a small share
    of their box (or named so)."""
    attrs = node.attrs
    if not _LAYER.search(f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()):
        return False
    least = max(_STORY_INSIDE, size // 2)
    for inner in node.css('article, [itemprop="articleBody"]'):
        attrs = inner.attrs
        if text_length(inner) > least and not is_junk_name(
            attrs.get("class") or "", attrs.get("id") or "", layout=layout
        ):
            return True
    return False


def _big(node: LexborNode, limit: int) -> bool:
    return text_length(node) > limit


def remove_boilerplate(
    root: LexborNode, *, names: bool = True, layout: bool = False, always: bool = True
) -> int:
    """Remove never-content elements, structural furniture and junk-named boxes from `root`.

    `limit` protects the story: a box holding more than half of the page's text (or more
    than 300 characters under a name that also says content) stays. `always=False` skips the
    never-content query, for a container taken from a page that has been through it already.
    Returns the length of the text a reader could see in `root` (after the never-content pass:
    a script's JSON is no share of the page a body can keep), the page's size for the body's
    share of it.
    """
    own = root.mem_id
    if always:
        decompose_all([n for n in root.css(ALWAYS) if n.mem_id != own])
    total = text_length(root)
    limit = max(400, total // 2)
    decompose_all([n for n in _structural(root) if not _big(n, limit)])
    if not names:
        return total
    doomed = []
    seen: set[int] = set()
    for node in _junk_named(root, layout):
        if node.mem_id == own or node.mem_id in seen:
            continue
        seen.add(node.mem_id)
        size = text_length(node)
        if size > limit:
            continue
        if size > 300:
            attrs = node.attrs
            if KEEP.search(f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()):
                continue
            if size > _STORY_INSIDE and _holds_story(node, size, layout):
                continue
        doomed.append(node)
    # Detached, not freed: the two lists are not in one document order, so a box may sit
    # inside another one listed before it; detaching (the subtree stays in the document's
    # memory until the tree goes) makes the order irrelevant and touches no freed node.
    for node in doomed:
        node.decompose(recursive=False)
    return total
