"""Plain values passed between the scrapers and the rest of the monitor."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Article:
    """One news article extracted from a page.

    `body` holds the story text only: paragraphs separated by one blank line.
    `extractor` names what produced it: a profile name, or "generic" (with
    "generic(fallback:NAME)" when profile NAME matched the page but found no body).
    """

    title: str | None
    body: str
    byline: str | None = None
    published: datetime | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    extractor: str = "generic"
    subtitle: str | None = None
    url: str | None = None
    # 0-1: how sure the extractor is that `body` is the whole story and `title` its headline
    # (text density, how the body was assembled, agreement of title sources, body length).
    confidence: float = 1.0
    title_source: str = "page"  # "page" | "hint": the title came from the feed, sitemap or listing

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "byline": self.byline,
            "published": self.published.isoformat() if self.published else None,
            "body": self.body,
            "canonical_url": self.canonical_url,
            "site_name": self.site_name,
            "extractor": self.extractor,
            "subtitle": self.subtitle,
            "url": self.url,
            "confidence": self.confidence,
        }


@dataclass(frozen=True, slots=True)
class Hints:
    """What a feed, sitemap or listing said about a URL: used where the page lacks a field or
    its own candidates disagree, never over a clearly right value on the page."""

    title: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    author: str | None = None
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class DiscoveredLink:
    """A candidate article link found by a source, with whatever the source knew about it."""

    url: str
    title: str | None = None
    published: datetime | None = None
    source: str | None = None
    updated: datetime | None = None
    author: str | None = None
    summary: str | None = None

    @property
    def hints(self) -> Hints:
        return Hints(
            title=self.title,
            published=self.published,
            updated=self.updated,
            author=self.author,
            summary=self.summary,
        )


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response as received: final URL, status, headers (lower-cased names) and body bytes."""

    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def not_modified(self) -> bool:
        return self.status == 304
