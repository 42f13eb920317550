"""The generic main-content extractor: works on any news page with no per-site setup.

Readability's idea, extended where it loses recall, kept in C where possible:
1. remove what is never content and boxes named like boilerplate from the WHOLE page first
   (boilerplate.py), so a comment thread or a consent dialog cannot win the choice;
2. score text blocks of any kind: paragraphs (<p>, <pre>, <blockquote>, list items) and text
   written directly in a block (split by <br> or not, as most Korean CMSs and old table
   layouts print it); each credits its container, half to the grandparent;
3. discount the best-scored containers by link density and keep the best; climb to a shared
   ancestor when other near-best candidates sit under it (a lead block and a body block);
4. add qualifying siblings (a div per paragraph group, ads or figures between them);
5. prune link lists and captions inside, serialise to paragraphs, drop boilerplate lines.
The result is never empty while the page has text: a broader container is the fallback.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .boilerplate import ALWAYS, remove_boilerplate
from .cleanup import clean_paragraphs
from .html import INVISIBLE_TAGS, link_density, paragraphs, prune_link_lists, remove_all, text_length

_PARAGRAPH_TAGS = frozenset({"p", "pre", "blockquote", "li", "h2", "h3", "h4", "dd"})
# Blocks whose own (direct) text counts as a paragraph run.
_HOLDER_SELECTOR = "div, td, section, article, span, font, center, main, dd, header, aside"
_LIST_TAGS = frozenset({"ul", "ol"})
_CAPTIONS = "figcaption, .caption, .img_desc, .photo_caption, .wp-caption-text, [class*=caption]"
_SENTENCE_END = (". ", ".\n", "。", "? ", "! ")
_LEFT_INVISIBLE = ",".join(t for t in INVISIBLE_TAGS if t not in {s.strip() for s in ALWAYS.split(",")})


@dataclass(frozen=True, slots=True)
class GenericResult:
    paragraphs: list[str]
    raw: list[str]  # before paragraph cleanup: sign-offs still there, for the byline
    container: str  # a short description of the chosen node, for debugging
    density: float = 0.0  # share of the page's text that the result keeps (for confidence)
    assembled: int = 1  # how many sibling blocks were joined


def _paragraph_score(text: str) -> float:
    # Language-neutral: commas and sentence ends mark prose in most scripts (Korean "다." ends in ".").
    ends = min(text.count("."), 6) * 0.5
    return 1.0 + text.count(",") + ends + min(len(text) / 100.0, 3.0)


Scores = dict[int, tuple[LexborNode, float]]

# What a block credits its ancestors: all to its container, half to the grandparent, then a
# little to three more levels (Readability's dividers). A story printed a paragraph per nested
# wrapper (div > div > div > span each) credits its real container only through those levels.
_DIVIDERS = (1.0, 2.0, 6.0, 9.0, 12.0)


class _Credits:
    """Scores summed per node id. Paragraphs share containers: a block's value is summed per
    container first and spread up the ancestors once per container at the end, and each chain
    of ancestors is walked once (a chain shares its tail with its parent's)."""

    def __init__(self) -> None:
        self.pending: dict[int, float] = {}  # value per start node, not yet spread up
        self.starts: dict[int, LexborNode] = {}
        self.nodes: dict[int, LexborNode] = {}
        self.chains: dict[int, list[int]] = {}

    def credit_up(self, node: LexborNode, value: float) -> None:
        key = node.mem_id
        pending = self.pending
        if key in pending:
            pending[key] += value
        else:
            pending[key] = value
            self.starts[key] = node

    def _chain(self, node: LexborNode) -> list[int]:
        key = node.mem_id
        ids = self.chains.get(key)
        if ids is not None:
            return ids
        ids = []
        cur: LexborNode | None = node
        depth = len(_DIVIDERS)
        while cur is not None and len(ids) < depth:
            mid = cur.mem_id
            if mid != key and (known := self.chains.get(mid)) is not None:
                ids.extend(known[: depth - len(ids)])
                break
            if cur.tag == "html":
                break
            self.nodes[mid] = cur
            ids.append(mid)
            cur = cur.parent
        self.chains[key] = ids
        return ids

    def scores(self) -> Scores:
        totals: dict[int, float] = {}
        get = totals.get
        starts = self.starts
        for key, value in self.pending.items():
            for mid, divider in zip(self._chain(starts[key]), _DIVIDERS, strict=False):
                totals[mid] = get(mid, 0.0) + value / divider
        nodes = self.nodes
        return {mid: (nodes[mid], total) for mid, total in totals.items()}


def _score_candidates(body: LexborNode) -> Scores:
    credits = _Credits()
    cells: set[int] = set()  # data-table cells scored here (the holder pass below skips them)
    tables: dict[int, bool] = {}  # table -> whether it is a data table (it has header cells)
    # One query for the paragraph-like blocks: every whole-tree query costs a walk of the tree.
    for p in body.css("p, pre, blockquote, li, [class*=paragraph], div.par, td"):
        if p.tag == "td" and p.css_first("table, p, div, li, br") is not None:
            continue  # a layout cell or one holding blocks: its blocks and direct text speak for it
        text = p.text(deep=True, strip=True)
        if len(text) < 25:
            continue
        parent = p.parent
        if p.tag in ("li", "td"):
            # An item or a cell belongs to the text around it; a link-only one is navigation.
            a = p.css_first("a")
            if a is not None and len(a.text(deep=True, strip=True)) * 2 > len(text):
                continue
        if p.tag == "td":
            # A data table's prose cells (a list article printed as a table, under a header row)
            # are one text: each row would otherwise be its own small container. A table without
            # header cells (a comment or reply list, a layout grid) leaves each cell to itself.
            while parent is not None and parent.tag in ("tr", "tbody", "thead", "tfoot"):
                parent = parent.parent
            if parent is None or parent.tag != "table":
                continue
            data = tables.get(parent.mem_id)
            if data is None:
                data = tables[parent.mem_id] = parent.css_first("th") is not None
            if not data:
                continue
            cells.add(p.mem_id)
            parent = parent.parent
        elif p.tag == "li":
            # An item headed by a linked heading is a teaser card: another story's summary.
            heading = p.css_first("h2, h3, h4") if a is not None else None
            if heading is not None and heading.css_first("a") is not None:
                continue
            if parent is not None and parent.tag in _LIST_TAGS:
                parent = parent.parent
        if parent is None:
            continue
        # Items weigh half: teaser lists with a line of summary each must not outweigh prose.
        s = _paragraph_score(text) * (0.5 if p.tag in ("li", "td") else 1.0)
        credits.credit_up(parent, s)
    # Text written directly in a block (between <br>s, or beside inline runs): the block holds it.
    for holder in body.css(_HOLDER_SELECTOR):
        direct = holder.text(deep=False, strip=True)
        if len(direct) < 80 or holder.mem_id in cells:
            continue
        chunks = [c for c in direct.split("\n") if len(c.strip()) >= 25] or [direct]
        s = sum(_paragraph_score(c) for c in chunks)
        credits.credit_up(holder, s)
    return credits.scores()


def _ancestors(node: LexborNode, depth: int) -> list[int]:
    out, cur = [], node.parent
    while cur is not None and len(out) < depth:
        out.append(cur.mem_id)
        cur = cur.parent
    return out


def _link_density(node: LexborNode, link_chars: dict[int, int]) -> float:
    """html.link_density with a cache of link text lengths shared by the candidates."""
    total = text_length(node)
    if total == 0:
        return 1.0
    linked = 0
    for a in node.css("a"):
        size = link_chars.get(a.mem_id)
        if size is None:
            size = link_chars[a.mem_id] = len(a.text(deep=True, strip=True))
        linked += size
    return min(1.0, linked / total)


_COUSIN_DEPTH = 6
_RIVAL = 0.6  # a candidate within this share of the best one's score is a rival


def _climb_while_rising(best: LexborNode, scores: Scores) -> LexborNode:
    """Readability's climb: going up from the best block, the score falls (each level gets a
    smaller share); a level that scores more than the one below it holds story of its own
    (an intro printed outside the "read more" box), so it is the article. The walk stops
    where the score falls under a third of the best's."""
    entry = scores.get(best.mem_id)
    if entry is None:
        return best
    last = entry[1]
    floor = last / 3
    node = best.parent
    for _ in range(5):
        if node is None or node.tag in ("body", "html"):
            break
        entry = scores.get(node.mem_id)
        if entry is not None:
            if entry[1] < floor:
                break
            if entry[1] > last:
                return node
            last = entry[1]
        node = node.parent
    return best


def _best_container(body: LexborNode, scores: Scores) -> tuple[LexborNode | None, float]:
    ranked = sorted(scores.values(), key=lambda item: item[1], reverse=True)[:8]
    adjusted = []
    # The candidates are mostly nested (a block, its parent, its grandparent): each link's
    # text is measured once, not once per candidate that holds it.
    link_chars: dict[int, int] = {}
    top = 0.0
    for node, score in ranked:
        # Discounting only lowers a score, and every rule below reads candidates within 0.6 of
        # the best: one already under that (the rest of the ranking too) cannot matter, and
        # its text, often a large ancestor's, is not measured.
        if score < _RIVAL * top:
            break
        value = score * (1.0 - _link_density(node, link_chars))
        top = max(top, value)
        adjusted.append((node, value))
    adjusted.sort(key=lambda item: item[1], reverse=True)
    if not adjusted or adjusted[0][1] <= 0:
        return None, 0.0
    best, best_score = adjusted[0]
    # An ancestor scoring nearly as well holds more story of its own: its blocks credit it
    # directly (a product list's descriptions inside the review that lists them), where the
    # best block's paragraphs give it only half or less.
    above = set(_ancestors(best, 10))
    for node, score in adjusted[1:]:
        if score >= 0.8 * best_score and node.mem_id in above:
            best = node
            break
    else:
        # (not when the best block has copies, each scoring the same: a template printing
        # the story once per breakpoint makes the level holding them all score the most)
        if not any(score == best_score for _, score in adjusted[1:]):
            best = _climb_while_rising(best, scores)
    # A shared ancestor of near-best candidates is the article when they are cousins, not
    # nested: the story is split into a lead block and a body block, or a block per section.
    # (Siblings are handled more precisely by _siblings.)
    # One cousin is enough two levels up; further up (a block per section, each in its own
    # grid cell and row wrapper) two must agree, so a lone teaser box does not pull in the page.
    chain = _ancestors(best, 30)
    enclosing = set(chain)
    meets: list[int] = []
    best_len = len(best.text(deep=True, strip=True))
    for rival, score in adjusted[1:]:
        if score < _RIVAL * best_score or rival.mem_id in enclosing:
            continue
        if abs(len(rival.text(deep=True, strip=True)) - best_len) <= 2:
            continue  # the same text again: a responsive variant or a print copy, not more story
        r_chain = _ancestors(rival, 30)
        if best.mem_id in r_chain:
            continue
        shared = set(r_chain)
        for k, anc in enumerate(chain[:_COUSIN_DEPTH]):
            if anc in shared:
                if k >= 1:
                    meets.append(k)
                break
    meets.sort()
    lowest = next((k for n, k in enumerate(meets) if k < 3 or n >= 1), None)
    # Sections printed by one template (the same tag and class as the best block) are parts
    # of the story however little each scores: a step per box, a text component between
    # image components. The ancestor that holds them all is the article.
    lowest = max(lowest or 0, _kin_level(best, chain, scores))
    if lowest:
        for _ in range(lowest + 1):
            best = best.parent
    return best, best_score


_KIN_DEPTH = 6


def _component(cls: str | None) -> str:
    """The first class, which names the component (a blank class attribute is a template's mark too)."""
    if not cls:
        return ""
    return next(iter(cls.split()), cls)


def _kin_level(best: LexborNode, chain: list[int], scores: Scores) -> int:
    """How far up the farthest scored block of the best block's own tag and class meets it."""
    cls = _component(best.attributes.get("class"))
    if not cls:
        return 0  # a bare <div> is every template's: no kinship in that
    levels = {anc: k for k, anc in enumerate(chain[:_KIN_DEPTH])}
    best_len = len(best.text(deep=True, strip=True))
    farthest = 0
    for node, score in scores.values():
        if score < 5.0 or node.tag != best.tag or node.mem_id == best.mem_id:
            continue
        # The first class names the component; later ones number or style it
        # ("story-body story-body-1" and "story-body story-body-2").
        if _component(node.attributes.get("class")) != cls:
            continue
        if abs(len(node.text(deep=True, strip=True)) - best_len) <= 2:
            continue  # a responsive copy of the same block, not another section
        cur = node.parent
        for _ in range(_KIN_DEPTH):
            if cur is None:
                break
            k = levels.get(cur.mem_id)
            if k is not None:
                farthest = max(farthest, k)
                break
            cur = cur.parent
    return farthest


def _siblings(best: LexborNode, best_score: float, scores: Scores) -> list[LexborNode]:
    """`best` plus the siblings that are article too (Readability's sibling rule)."""
    parent = best.parent
    if parent is None or best.tag == "body":
        return [best]
    threshold = max(10.0, best_score * 0.2)
    cls = best.attributes.get("class")
    kept = []
    for sib in parent.iter(include_text=False):
        if sib.mem_id == best.mem_id:
            kept.append(sib)
            continue
        bonus = best_score * 0.2 if cls and sib.attributes.get("class") == cls else 0.0
        entry = scores.get(sib.mem_id)
        score = (entry[1] if entry else 0.0) + bonus
        if score >= threshold and link_density(sib) < 0.5:
            kept.append(sib)
        elif sib.tag in ("p", "blockquote", "pre"):
            text = sib.text(deep=True, strip=True)
            ld = link_density(sib, len(text))
            if (len(text) > 80 and ld < 0.25) or (0 < len(text) <= 80 and ld == 0 and text.endswith(".")):
                kept.append(sib)
    return kept


def _serialise(nodes: list[LexborNode], keep_captions: bool, names: bool = True) -> list[str]:
    raw: list[str] = []
    for node in nodes:
        # The page went through the never-content pass before the container was chosen: only
        # the invisible tags that pass leaves (form inputs, media, <head> under an <html> pick)
        # are left to remove, and the boilerplate pass needs only its layout-aware rules.
        # One walk for these and the headline (output as the title) and captions (only Korean
        # pages keep them): each query walks the whole container.
        remove_all(node, f"{_LEFT_INVISIBLE}, h1" if keep_captions else f"{_LEFT_INVISIBLE}, h1, {_CAPTIONS}")
        remove_boilerplate(node, names=names, layout=True, always=False)
        prune_link_lists(node)
        raw.extend(paragraphs(node))
    # Responsive templates print the whole story two or three times over: keep one copy.
    for copies in (2, 3):
        size = len(raw) // copies
        # (a short run repeated is more likely the text itself, as in a poem's refrain)
        if size >= 4 and len(raw) % copies == 0 and raw == raw[:size] * copies:
            return raw[:size]
    return raw


def _describe(node: LexborNode) -> str:
    return f"{node.tag}.{node.attributes.get('class') or ''}"


def extract_generic(
    html: str | bytes, *, keep_captions: bool = False, tree: LexborHTMLParser | None = None
) -> GenericResult:
    """Main text of any article page. `tree` may be passed when already parsed (it is mutated)."""
    fallback: GenericResult | None = None
    # Passes: junk names judged on the page and in the container; then only in the container,
    # for pages whose whole story sits in a box with a junk-like name; then nowhere, for pages
    # that print every section of the story in such a box (page builders name their content
    # blocks "widget"; one CMS names its sections "skip-item"), which the container pass would
    # empty one section at a time, each being under half of the container.
    for page_names, box_names in ((True, True), (False, True), (False, False)):
        work = tree if (tree is not None and page_names) else LexborHTMLParser(html)
        body = work.body
        if body is None:
            return GenericResult([], [], "none")
        page_chars = max(1, remove_boilerplate(body, names=page_names))
        scores = _score_candidates(body)
        best, best_score = _best_container(body, scores)
        if best is None:
            continue
        nodes = _siblings(best, best_score, scores)
        raw = _serialise(nodes, keep_captions, names=box_names)
        paras = clean_paragraphs(raw)
        kept = sum(len(p) for p in paras)
        result = GenericResult(paras, raw, _describe(best), min(1.0, kept / page_chars), len(nodes))
        if kept >= 200:
            return result
        # (the last pass replaces the one before only when it finds more text)
        if not page_names and (fallback is None or kept > sum(len(p) for p in fallback.paragraphs)):
            fallback = result
    if fallback is not None:
        return fallback
    # No block scored at all (text only in short runs, or every block was furniture): the
    # broadest container, the body of the last pass, rather than nothing.
    if body is not None and (raw := _serialise([body], keep_captions, names=False)):
        paras = clean_paragraphs(raw)
        kept = sum(len(p) for p in paras)
        return GenericResult(paras, raw, "body(fallback)", min(1.0, kept / page_chars), 1)
    return GenericResult([], [], "none")
