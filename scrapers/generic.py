"""The generic main-content extractor: works on any news page with no per-site setup.

Readability's idea, tuned for Korean layouts and kept in C where possible:
1. drop what is never content (scripts, navigation, footers, asides, forms) and
   elements whose class or id names a sidebar, comment box, share bar or ad;
2. score text blocks: each paragraph (a <p>, or text split by <br> in a <div>, as
   most Korean CMSs print it) credits its container, half to the grandparent;
3. discount the five best-scored containers by link density and keep the best;
4. prune link lists and captions inside it, serialise to paragraphs, then drop
   copyright, sign-off, related-article and ad lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .cleanup import clean_paragraphs
from .html import (
    INVISIBLE_TAGS,
    class_id,
    decompose_all,
    link_density,
    paragraphs,
    prune_link_lists,
    remove_all,
    text_length,
)

STRUCTURAL_JUNK = (
    "nav, footer, aside, dialog, menu, [role=navigation], [role=complementary], [aria-hidden=true]"
)
_JUNK_WORDS = [
    "comment",
    "reply",
    "share",
    "sns",
    "social",
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
    "subscribe",
    "login",
    "copyright",
    "keyword",
    "hashtag",
    "tag-list",
    "taglist",
    "most-read",
    "mostread",
    "most_view",
    "bestnews",
    "best_news",
    "hotnews",
    "hot_news",
    "latest",
    "photo_news",
    "photonews",
    "outbrain",
    "taboola",
    "dable",
    "popup",
    "modal",
    "toolbar",
    "font-size",
    "fontsize",
    "print",
    "byline",
    "author-info",
    "reporter",
    "journalist",
    "gnb",
    "lnb",
    "snb",
    "skip",
    "cookie",
    "paywall",
    "promo",
]
_JUNK_TOKENS = [
    "ad",
    "ads",
    "aside",
    "side",
    "nav",
    "menu",
    "header",
    "footer",
    "tags",
    "tag",
    "more",
    "util",
]
_JUNK_SUBSTRING = re.compile("|".join(re.escape(w) for w in _JUNK_WORDS))
_JUNK_TOKEN_SET = frozenset(_JUNK_TOKENS)
# A node named like a junk box is kept when its name also says it holds the story.
_KEEP = re.compile(r"article|story|content|entry|post-body|news_body|view_cont|text|main|body")
# Boxes are blocks: a class on a link, image or inline run inside the text names styling, and
# skipping them halves the nodes tested.
_NEVER_JUNK = frozenset(
    {"body", "html", "article", "main", "a", "img", "span", "em", "strong", "b", "i", "picture", "source"}
)
_PARAGRAPH_TAGS = frozenset({"p", "pre", "blockquote", "li", "h2", "h3", "h4", "dd"})
_CONTAINER_TAGS = frozenset({"div", "article", "section", "td", "main", "body", "span", "font"})
_CAPTIONS = "figcaption, .caption, .img_desc, .photo_caption, .wp-caption-text, [class*=caption]"


@dataclass(frozen=True, slots=True)
class GenericResult:
    paragraphs: list[str]
    raw: list[str]  # before paragraph cleanup: sign-offs still there, for the byline
    container: str  # a short description of the chosen node, for debugging


def _paragraph_score(text: str) -> float:
    length = len(text)
    return 1.0 + text.count(",") + text.count("다.") + min(length / 100.0, 3.0)


def _score_candidates(body: LexborNode) -> dict[int, tuple[LexborNode, float]]:
    scores: dict[int, tuple[LexborNode, float]] = {}

    def credit(node: LexborNode | None, value: float) -> None:
        if node is None:
            return
        key = node.mem_id
        prev = scores.get(key)
        scores[key] = (node, (prev[1] if prev else 0.0) + value)

    # One query for paragraphs and <br>s: every whole-tree query costs a walk of the tree.
    brs = []
    for p in body.css("p, pre, blockquote, [class*=paragraph], div.par, br"):
        if p.tag == "br":
            brs.append(p)
            continue
        text = p.text(deep=True, strip=True)
        if len(text) < 25:
            continue
        parent = p.parent
        s = _paragraph_score(text)
        credit(parent, s)
        credit(parent.parent if parent is not None else None, s / 2)
    # Text split by <br> directly inside a block: the block is the container.
    seen: set[int] = set()
    for br in brs:
        holder = br.parent
        while holder is not None and holder.tag not in _CONTAINER_TAGS and holder.tag not in _PARAGRAPH_TAGS:
            holder = holder.parent
        if holder is None or holder.mem_id in seen or holder.tag in _PARAGRAPH_TAGS:
            continue
        seen.add(holder.mem_id)
        direct = holder.text(deep=False, strip=True)
        if len(direct) < 80:
            continue
        chunks = [c for c in direct.split("\n") if len(c.strip()) >= 25] or [direct]
        s = sum(_paragraph_score(c) for c in chunks)
        credit(holder, s)
        credit(holder.parent, s / 2)
    return scores


def _best_container(body: LexborNode) -> LexborNode | None:
    scores = _score_candidates(body)
    if not scores:
        return None
    ranked = sorted(scores.values(), key=lambda item: item[1], reverse=True)[:5]
    best, best_score = None, 0.0
    for node, score in ranked:
        if score <= best_score:
            break  # link density only lowers a score: no later candidate can win
        adjusted = score * (1.0 - link_density(node))
        if adjusted > best_score:
            best, best_score = node, adjusted
    return best


def _prune(container: LexborNode, keep_captions: bool) -> None:
    remove_all(container, "h1")
    if not keep_captions:
        remove_all(container, _CAPTIONS)
    prune_link_lists(container)


def _is_junk_name(attrs: dict) -> bool:
    cls = (attrs.get("class") or "").lower()
    ident = (attrs.get("id") or "").lower()
    if _JUNK_SUBSTRING.search(cls) or _JUNK_SUBSTRING.search(ident):
        return True
    return ident in _JUNK_TOKEN_SET or not _JUNK_TOKEN_SET.isdisjoint(cls.split())


def _remove_junk(root: LexborNode) -> None:
    """Remove boxes named like junk, unless they hold a large share of the story.

    Class and id names are tested in Python with one regex: cheaper than ~100 attribute
    selectors evaluated by the CSS engine on every element.
    """
    own = root.mem_id
    limit = max(300, text_length(root) // 4)
    doomed = []
    for node in root.css("[class], [id]"):
        if node.tag in _NEVER_JUNK or node.mem_id == own:
            continue
        attrs = node.attributes
        if not _is_junk_name(attrs):
            continue
        size = text_length(node)
        if size > limit or (size > 300 and _KEEP.search(class_id(node))):
            continue
        doomed.append(node)
    decompose_all(doomed)


def extract_generic(
    html: str | bytes, *, keep_captions: bool = False, tree: LexborHTMLParser | None = None
) -> GenericResult:
    """Main text of any article page. `tree` may be passed when already parsed (it is mutated)."""
    for strict in (True, False):
        work = tree if (tree is not None and strict) else LexborHTMLParser(html)
        body = work.body
        if body is None:
            return GenericResult([], [], "none")
        # Scripts and styles go with the boilerplate in one pass; the other invisible tags
        # (forms, iframes, svg ...) matter only inside the chosen container.
        remove_all(body, "script, style, noscript, template, header, " + STRUCTURAL_JUNK)
        container = _best_container(body)
        if container is None:
            continue
        remove_all(container, ",".join(INVISIBLE_TAGS))
        if strict:
            # Junk boxes are removed inside the chosen container only: matching ~100 class
            # patterns against the whole page costs more than the parse.
            _remove_junk(container)
        _prune(container, keep_captions)
        raw = paragraphs(container)
        paras = clean_paragraphs(raw)
        if sum(len(p) for p in paras) >= 200 or not strict:
            return GenericResult(paras, raw, f"{container.tag}.{container.attributes.get('class') or ''}")
    return GenericResult([], [], "none")
