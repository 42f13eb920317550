"""What a CMS-family profile is, and the registry that picks one for a page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser

from ..cleanup import clean_paragraphs
from ..html import INVISIBLE_TAGS, node_text, paragraphs, prune_link_lists, remove_all
from ..meta import byline_from_nodes, labeled_published, meta_published, parse_date


@dataclass(frozen=True)
class Profile:
    """Selectors for one CMS family. Detection is a pure function of the page and its URL.

    body:      CSS selectors for the story container, tried in order.
    drop:      selectors removed inside the container (decks, ads, link boxes, photo credits).
    subtitle:  selectors for the deck (부제), kept apart from the body.
    title / byline / date: selectors tried in order; date falls back to the labeled visible time.
    markers:   CSS selectors, any of which present means the page is this family.
    url_pattern: a regex on the URL that also identifies the family.
    """

    name: str
    body: tuple[str, ...]
    markers: tuple[str, ...] = ()
    url_pattern: str | None = None
    generator: str | None = None
    title: tuple[str, ...] = ()
    byline: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    date_attr: str | None = None
    drop: tuple[str, ...] = ()
    subtitle: tuple[str, ...] = ()
    keep_captions: bool = True

    def matches(
        self, tree: LexborHTMLParser, url: str | None, generator: str, *, markers: bool = True
    ) -> bool:
        """By generator meta, URL shape, or (when `markers`) one of the family's containers."""
        if self.generator and self.generator.lower() in generator.lower():
            return True
        if self.url_pattern and url and re.search(self.url_pattern, url):
            return True
        return markers and bool(self.markers) and tree.css_first(", ".join(self.markers)) is not None

    def find_title(self, tree: LexborHTMLParser) -> str | None:
        for sel in self.title:
            text = node_text(tree.css_first(sel))
            if text:
                return text
        return None

    def find_byline(self, tree: LexborHTMLParser) -> str | None:
        for sel in self.byline:
            found = byline_from_nodes(tree.css(sel))
            if found:
                return found
        return None

    def find_published(
        self, tree: LexborHTMLParser, html: str, metas: dict[str, str] | None = None
    ) -> datetime | None:
        for sel in self.date:
            node = tree.css_first(sel)
            if node is None:
                continue
            raw = node.attributes.get(self.date_attr) if self.date_attr else None
            dt = parse_date(raw or node.text(deep=True))
            if dt:
                return dt
        return labeled_published(html) or meta_published(tree, metas)

    def find_subtitle(self, tree: LexborHTMLParser) -> str | None:
        for sel in self.subtitle:
            node = tree.css_first(sel)
            if node is not None:
                lines = paragraphs(node)
                if lines:
                    return "\n".join(lines)
        return None

    def extract_body(self, tree: LexborHTMLParser) -> list[str]:
        """Raw paragraphs of the story container (before cleanup), or [] when none is found (a redesign)."""
        for sel in self.body:
            container = tree.css_first(sel)
            if container is None:
                continue
            remove_all(container, ",".join((*INVISIBLE_TAGS, *self.drop)))
            for sel in self.subtitle:  # only the first deck: later <strong> blocks are subheads
                deck = container.css_first(sel)
                if deck is not None and deck.mem_id != container.mem_id:
                    deck.decompose()
                    break
            if not self.keep_captions:
                remove_all(container, "figcaption")
            prune_link_lists(container)
            paras = paragraphs(container)
            if clean_paragraphs(paras):
                return paras
        return []


REGISTRY: dict[str, Profile] = {}


def register(profile: Profile) -> Profile:
    if profile.name in REGISTRY:
        raise ValueError(f"profile {profile.name!r} registered twice")
    REGISTRY[profile.name] = profile
    return profile


def detect_profile(
    tree: LexborHTMLParser, url: str | None, generator: str = "", *, scan_markers: bool = True
) -> Profile | None:
    """The registered family this page belongs to, if any.

    `scan_markers=False` skips the container search (a whole-tree query) and trusts only the
    generator and URL: right for pages that declare a language no profiled family prints.
    """
    # One query for every family's markers first: most pages are on no known CMS, and then
    # only the generator and URL tests remain.
    markers = (
        scan_markers
        and tree.css_first(", ".join(m for p in REGISTRY.values() for m in p.markers)) is not None
    )
    for profile in REGISTRY.values():
        if profile.matches(tree, url, generator, markers=markers):
            return profile
    return None
