"""Source kinds: how each kind of source finds its candidate article links.

A kind is one small class registered under its name: it declares the keys a source of that
kind needs (config validates exactly those) and discovers links with the shared fetcher.
A new kind is one class here (or in its own module) and one `register` call; a duplicate name
fails at import.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlencode

from scrapers.discovery import parse_feed, parse_listing, parse_naver_search, parse_sitemap
from scrapers.errors import ConfigError, MonitorError
from scrapers.models import DiscoveredLink

if TYPE_CHECKING:
    from .conditional import SourceFetcher
    from .config import Settings, SourceConfig

log = logging.getLogger(__name__)

SITEMAP_CHILDREN = 3  # of an index, the first (newest) few child sitemaps


class SourceKind:
    name: ClassVar[str]
    required: ClassVar[tuple[str, ...]] = ("url",)  # keys a source of this kind must set

    def check(self, source: SourceConfig) -> tuple[str, str] | None:
        """(key, problem) when the source lacks what this kind needs."""
        for key in self.required:
            value = getattr(source, key)
            if not value:
                return key, f"a {self.name} source needs {key!r}"
            if key == "url" and not re.match(r"^https?://", value):
                return key, f"needs an http(s) URL, got {value!r}"
        return None

    def label(self, source: SourceConfig) -> str:
        """How the source is named in its stored state."""
        return source.url

    def skip_reason(self, source: SourceConfig, settings: Settings) -> str | None:
        """Why this source is not crawled now although configured (None: crawl it)."""
        return None

    async def discover(
        self, source: SourceConfig, fetcher: SourceFetcher, settings: Settings
    ) -> list[DiscoveredLink]:
        """Candidate links; `fetcher.document` fetches a source document conditionally."""
        raise NotImplementedError


SOURCE_KINDS: dict[str, SourceKind] = {}


def register(kind: SourceKind) -> SourceKind:
    if kind.name in SOURCE_KINDS:
        raise ValueError(f"source kind {kind.name!r} registered twice")
    SOURCE_KINDS[kind.name] = kind
    return kind


class Feed(SourceKind):
    name = "feed"

    async def discover(self, source, fetcher, settings):
        def parse(fetched):
            return parse_feed(fetched.content, fetched.url, content_type=fetched.content_type), []

        return (await fetcher.document(source.url, parse))[0]


class Listing(SourceKind):
    name = "listing"

    async def discover(self, source, fetcher, settings):
        def parse(fetched):
            return parse_listing(fetched.content, fetched.url, link_selector=source.link_selector), []

        return (await fetcher.document(source.url, parse))[0]


class Sitemap(SourceKind):
    name = "sitemap"

    async def discover(self, source, fetcher, settings):
        def parse(fetched):
            return parse_sitemap(fetched.content, fetched.url, limit=source.max_links)

        links, children = await fetcher.document(source.url, parse)
        for child in children[:SITEMAP_CHILDREN]:
            try:  # each child is conditional too: an unchanged child costs a 304
                links = links + (await fetcher.document(child, lambda f: (parse(f)[0], [])))[0]
            except MonitorError as exc:  # one broken child sitemap costs only its links
                log.warning("sitemap %s: %s", child, exc)
        return links


class Naver(SourceKind):
    """The Naver News Search API: results point at the publishers' own article URLs."""

    name = "naver"
    required = ("query",)

    def label(self, source: SourceConfig) -> str:
        return source.url or f"naver:{source.query}"

    def skip_reason(self, source, settings):
        naver = settings.naver
        if not (naver.client_id and naver.client_secret):
            return "NAVER_CLIENT_ID and NAVER_CLIENT_SECRET are not set in the environment"
        return None

    async def discover(self, source, fetcher, settings):
        naver = settings.naver
        if not (naver.client_id and naver.client_secret):
            raise ConfigError("NAVER_CLIENT_ID and NAVER_CLIENT_SECRET are not set")
        params = {"query": source.query, "display": min(100, source.max_links), "sort": "date"}
        # Conditional like every source document, in case the API sends validators.
        links, _ = await fetcher.document(
            f"{source.url or naver.api_url}?{urlencode(params)}",
            lambda fetched: (parse_naver_search(fetched.content), []),
            check_robots=False,
            headers={"X-Naver-Client-Id": naver.client_id, "X-Naver-Client-Secret": naver.client_secret},
        )
        return links


for _kind in (Feed(), Listing(), Sitemap(), Naver()):
    register(_kind)
