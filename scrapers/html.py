"""Parsing and text serialisation on top of selectolax (Lexbor).

Serialisation runs in C as far as possible: a private-use marker character is
inserted around every block element and <br>, the container's text is read in one
call, and the marker splits it into paragraphs. A Python walk over every node would
cost more than the parse itself.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .errors import ExtractionError

BREAK = "\ue000"
# Tags whose content is never text a reader sees.
INVISIBLE_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "svg",
    "canvas",
    "button",
    "select",
    "option",
    "textarea",
    "input",
    "map",
    "audio",
    "video",
    "head",
]
BLOCK_SELECTOR = ",".join(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "tr",
        "td",
        "th",
        "blockquote",
        "figure",
        "figcaption",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "nav",
        "main",
        "pre",
        "hr",
        "address",
        "center",
        "form",
        # inline photo captions that Naver and others print inside the text flow
        "em.img_desc",
        "span.end_photo_org",
        "span.caption",
    ]
)
_WS = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\ufeff]")
# Tags that browsers close implicitly or that never nest: they do not deepen the tree.
_NON_NESTING = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "dt",
        "dd",
        "option",
        "tr",
        "td",
        "th",
        "tbody",
        "thead",
        "tfoot",
        "colgroup",
        "rt",
        "rp",
    ]
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")

# Lexbor's parse time grows with the square of nesting depth (10k levels ~0.3 s,
# 100k levels ~20 s): refuse pages deeper than any real article before parsing.
MAX_DEPTH = 12_000


def nesting_depth(html: str, limit: int = MAX_DEPTH) -> int:
    """An upper estimate of element nesting depth; stops counting once past `limit`."""
    depth = peak = 0
    for m in _TAG.finditer(html):
        name = m.group(2).lower()
        if name in _NON_NESTING or m.group(3):
            continue
        if m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > peak:
                peak = depth
                if peak > limit:
                    break
    return peak


def utf8(html: str | bytes) -> bytes:
    """The UTF-8 bytes Lexbor parses (what selectolax would encode a str to, lone surrogates dropped)."""
    return html.encode("utf-8", "ignore") if isinstance(html, str) else html


def parse_html(html: str | bytes) -> LexborHTMLParser:
    """Parse text (or UTF-8 bytes) into a tree; raise ExtractionError for pathologically deep pages.

    The depth guard counts '<' in the UTF-8 bytes, which selectolax would make anyway: counting
    in a non-ASCII str costs six times as much.
    """
    data = utf8(html)
    if data.count(b"<") > MAX_DEPTH:
        depth = nesting_depth(data.decode("utf-8", "replace"))
        if depth > MAX_DEPTH:
            raise ExtractionError(f"page nests elements {depth}+ levels deep (limit {MAX_DEPTH}); refused")
    return LexborHTMLParser(data)


def clean_text(text: str) -> str:
    """Collapse every whitespace run (NBSP and U+3000 included) to one space."""
    return _WS.sub(" ", text).strip()


def node_text(node: LexborNode | None) -> str:
    return clean_text(node.text(deep=True)) if node is not None else ""


def paragraphs(node: LexborNode) -> list[str]:
    """Text of `node` split into paragraphs at block elements and <br>.

    Mutates the tree (inserts markers): call it on a tree you are done selecting from.
    `<br><br>` counts as one break; empty paragraphs vanish.
    """
    for block in node.css(BLOCK_SELECTOR):
        if block.tag != "br":
            block.insert_before(BREAK)
        block.insert_after(BREAK)
    raw = node.text(deep=True)
    if not raw.isascii():  # (an O(1) flag test: ASCII text holds no zero-width characters)
        raw = _ZERO_WIDTH.sub(" ", raw)
    # str.split() collapses every Unicode whitespace run in C: three times faster than a regex.
    return [text for text in (" ".join(part.split()) for part in raw.split(BREAK)) if text]


def decompose_all(nodes: list[LexborNode]) -> int:
    """Remove `nodes` (in document order) from their tree; returns how many were removed.

    Removal runs last-first, so a node inside another goes before it: removing the outer one
    first would free the inner one, and touching it then is a use-after-free. A node listed
    twice (Lexbor's css() lists a node once per selector of a list that it matches) is removed once.
    """
    done: set[int] = set()
    for node in reversed(nodes):
        if node.mem_id not in done:
            done.add(node.mem_id)
            node.decompose()
    return len(done)


def remove_all(root: LexborNode | LexborHTMLParser, selector: str) -> int:
    """Remove every descendant matching `selector` (never `root` itself, which Lexbor's css() includes)."""
    own = getattr(root, "mem_id", None)
    return decompose_all([node for node in root.css(selector) if node.mem_id != own])


def class_id(node: LexborNode) -> str:
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()


def text_length(node: LexborNode) -> int:
    return len(node.text(deep=True, strip=True))


def link_density(node: LexborNode, total: int | None = None) -> float:
    """Share of the node's text that sits inside links (1.0 for an empty node)."""
    total = text_length(node) if total is None else total
    if total == 0:
        return 1.0
    linked = sum(len(a.text(deep=True, strip=True)) for a in node.css("a"))
    return min(1.0, linked / total)


_PRUNABLE = ("ul", "ol", "dl", "table", "div", "section", "p")


def prune_link_lists(container: LexborNode) -> None:
    """Remove blocks inside the story that are mostly links: related, sponsored and tag lists.

    Only blocks that hold a link can be mostly links, so link text is summed upwards from each
    <a> once, densities are judged on the untouched tree, and removal runs innermost first.
    """
    own = container.mem_id
    linked: dict[int, list] = {}
    for a in container.css("a"):
        size = len(a.text(deep=True, strip=True))
        if not size:
            continue
        node = a.parent
        while node is not None and node.mem_id != own:
            if node.tag in _PRUNABLE:
                entry = linked.get(node.mem_id)
                if entry is None:
                    linked[node.mem_id] = [node, size]
                else:
                    entry[1] += size
            node = node.parent
    if not linked:
        return
    doomed = []
    for node in container.css(", ".join(_PRUNABLE)):
        entry = linked.get(node.mem_id)
        if entry is None:
            continue
        total = text_length(node)
        if total and total < 2000 and entry[1] / total > 0.5:
            doomed.append(node)
    decompose_all(doomed)
