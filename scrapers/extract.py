"""extract_article(html, url) -> Article: the public extraction API.

Picks a CMS-family profile from the page itself (generator meta, container ids,
URL shape). A profile that matches but finds no body (a redesign) falls back to
the generic extractor and says so in `Article.extractor`.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

from .charset import decode_bytes
from .cleanup import agency_credit, clean_paragraphs, signoff_byline
from .dates import dateline_published, fallback_published, settle_published
from .errors import ExtractionError
from .generic import extract_generic
from .html import clean_text, node_text, parse_html, utf8
from .korean import split_deck
from .meta import (
    byline_beside_date,
    bylines_in,
    canonical_url,
    json_ld_items,
    labeled_published,
    meta_content,
    meta_index,
    meta_published,
    normalize_byline,
    site_name,
)
from .models import Article, Hints
from .payload import payload_paragraphs
from .profiles import REGISTRY, Profile, detect_profile
from .titles import HINT_SCORE, choose_title

_HANGUL = re.compile(r"[가-힣]")
_BYLINE_NODES = '[class*="byline"], [class*="writer"], [class*="reporter"], [class*="author"], [rel="author"]'
_LEDE_BYLINE = re.compile(
    r"^\s*[\[(【]\s*(?:[가-힣A-Za-z]+\s*=\s*)?[가-힣A-Za-z]*\s*([가-힣]{2,4})\s?(기자|특파원)"
)


_OTHER_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "ja", "zh", "ru")


def _declared_language(tree: LexborHTMLParser) -> str:
    html_node = tree.css_first("html")
    return ((html_node.attributes.get("lang") or "") if html_node is not None else "").lower()


def _is_korean(lang: str, text: str) -> bool:
    if lang.startswith("ko"):
        return True
    if lang[:2] in _OTHER_LANGUAGES:
        return False
    return len(_HANGUL.findall(text[:20000])) > 200


def _generic_byline(tree: LexborHTMLParser, korean: bool, metas: dict[str, str]) -> str | None:
    author = meta_content(metas, "dable:author", "article:author", "author", "byl")
    if author and not author.startswith("http"):
        found = bylines_in(author)
        if found:
            return normalize_byline(found)
        if not korean:  # English meta author is the byline; Korean ones often name the outlet
            return clean_text(author)
    # css_first stops at the first match: on most pages that is the byline printed with the
    # story, and the whole-tree query below is needed only when it is not.
    first = tree.css_first(_BYLINE_NODES)
    if first is None:
        return None
    if not korean and 3 < len(text := node_text(first)) <= 80:
        return text
    nodes = tree.css(_BYLINE_NODES)[:8]
    for node in nodes:
        found = bylines_in(node_text(node))
        if found:
            return normalize_byline(found[:3])
    if not korean:
        for node in nodes:
            text = node_text(node)
            if 3 < len(text) <= 80:
                return text
    return None


def _resolve(href: str | None, url: str | None) -> str | None:
    if not href:
        return None
    return urljoin(url, href) if url else href


def _confidence(extractor: str, body: str, title_score: float, density: float, assembled: int) -> float:
    """0-1 from the signals at hand; the source-health check compares it with the source's usual."""
    if not body:
        return 0.0
    length = min(1.0, len(body) / 1200)  # a short body is more often a teaser or a fragment
    if not extractor.startswith("generic"):
        shape = 1.0  # a profile found its own container
    elif "payload" in extractor:
        shape = 0.6
    else:
        # A body that is a tiny share of the page, or stitched from many blocks, is less certain.
        shape = 0.6 + 0.4 * min(1.0, density * 3) - (0.1 if assembled > 3 else 0.0)
    return round(max(0.0, min(1.0, 0.45 * shape + 0.35 * length + 0.2 * title_score)), 3)


def extract_article(
    html: str | bytes,
    url: str | None = None,
    *,
    hints: Hints | None = None,
    content_type: str | None = None,
    profile: str | None = None,
) -> Article:
    """Turn one news page into an Article.

    `html` may be bytes (decoded with BOM, `content_type` charset, <meta> charset,
    then detection) or text. `profile` forces a registered profile by name, or "generic"
    for the generic extractor with no profile detection. `hints` (from a feed, sitemap or
    listing) fill in a title, time or author the page lacks, or settle disagreeing candidates.
    Raises ExtractionError for pages that cannot be parsed safely (absurd nesting).
    """
    if isinstance(html, bytes | bytearray):
        text, codec = decode_bytes(bytes(html), content_type)
        # UTF-8 bytes go to the parser as they came; anything else is parsed from the decoded text.
        data = bytes(html) if codec == "utf-8" and not html.startswith(b"\xef\xbb\xbf") else utf8(text)
    elif isinstance(html, str):
        text, data = html, utf8(html)
    else:
        raise ExtractionError(f"extract_article needs str or bytes, not {type(html).__name__}")
    tree = parse_html(data)
    metas = meta_index(tree)
    ld = json_ld_items(tree)  # once, before the body pass removes the scripts
    site = site_name(metas)
    canonical = _resolve(canonical_url(tree, metas), url)
    lang = _declared_language(tree)
    korean = _is_korean(lang, text)

    chosen: Profile | None
    if profile == "generic":
        chosen = None  # the generic extractor alone, as a page of an unknown CMS gets it
    elif profile:
        if profile not in REGISTRY:
            raise ExtractionError(
                f"unknown extraction profile {profile!r}; known: {', '.join(sorted(REGISTRY))}"
            )
        chosen = REGISTRY[profile]
    else:
        # The profiled families print Korean pages: one declared in another language is not theirs.
        chosen = detect_profile(
            tree, url, metas.get("generator", ""), scan_markers=lang[:2] not in _OTHER_LANGUAGES
        )

    hint_title = hints.title if hints else None
    density, assembled = 1.0, 1
    if chosen is not None:
        title = chosen.find_title(tree)
        title_score = 1.0
        if not title:
            title, title_score, _ = choose_title(tree, site, metas, hint_title, ld=ld)
        byline = chosen.find_byline(tree) or _generic_byline(tree, korean, metas)
        published = chosen.find_published(tree, text, metas)
        subtitle = chosen.find_subtitle(tree)
        raw = chosen.extract_body(tree)
        paras = clean_paragraphs(raw)
        extractor = chosen.name
        if not paras:
            result = extract_generic(data, keep_captions=korean)
            paras, raw = result.paragraphs, result.raw
            density, assembled = result.density, result.assembled
            extractor = f"generic(fallback:{chosen.name})"
    else:
        title, title_score, headline = choose_title(tree, site, metas, hint_title, ld=ld)
        byline = _generic_byline(tree, korean, metas)
        # Korean pages: the printed 입력 time is the first publication; meta tags often carry edits.
        if korean:
            published = labeled_published(text) or meta_published(tree, metas, ld=ld)
        else:
            published = meta_published(tree, metas, ld=ld) or labeled_published(text, korean=False)
        published = published or fallback_published(tree, metas, ld=ld, html=text)
        if not korean:
            published = settle_published(published, dateline_published(headline))
        subtitle = None
        result = extract_generic(data, keep_captions=korean, tree=tree)
        paras, raw = result.paragraphs, result.raw
        density, assembled = result.density, result.assembled
        extractor = "generic"
    if sum(map(len, paras)) < 200 and extractor.startswith("generic"):
        # No article in the DOM: an app shell or a page that keeps the story in a script.
        found, kind = payload_paragraphs(data, text, ld=ld)
        if found and sum(map(len, found)) > sum(map(len, paras)):
            raw, paras = found, clean_paragraphs(found)
            extractor = f"{extractor}(payload:{kind})" if extractor == "generic" else extractor
    if hints is not None:
        published = published or hints.published
        byline = byline or (clean_text(hints.author) if hints.author else None)
    if byline is None and korean:
        byline = normalize_byline(signoff_byline(raw))
        m = _LEDE_BYLINE.match(paras[0]) if paras and byline is None else None
        if m:
            byline = f"{m.group(1)} {m.group(2)}"
        byline = byline or byline_beside_date(text) or agency_credit(raw)

    if paras and title and " ".join(paras[0].split()) == " ".join(title.split()):
        paras = paras[1:]  # the headline repeated at the top of the container
    if korean and subtitle is None and extractor.startswith("generic"):
        subtitle, paras = split_deck(paras)  # a profile knows its deck; the generic path finds it here
    return Article(
        title=title or None,
        body="\n\n".join(paras),
        byline=byline,
        published=published,
        canonical_url=canonical,
        site_name=site,
        extractor=extractor,
        subtitle=subtitle,
        url=url,
        title_source="hint" if hint_title and title_score == HINT_SCORE else "page",
        confidence=_confidence(extractor, "\n\n".join(paras), title_score, density, assembled),
    )
