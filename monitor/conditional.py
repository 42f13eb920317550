"""Conditional source fetches and the robots.txt cache: what the fetcher gets from the database.

`SourceFetcher` wraps the shared `Fetcher` for one source's crawl: each source document (feed,
listing, sitemap and each child sitemap, Naver answer) is asked for with the validators its
last answer gave; a 304 brings back the links parsed last time, with no parse. What was fetched
is written only when the crawl finished, so a crawl cut short reads its sources in full again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from scrapers.fetch import Fetcher
from scrapers.models import DiscoveredLink, Fetched
from storage import Database
from storage.models import RobotsRecord, SourceDocument
from storage.source_documents import get_document, get_robots, save_documents, save_robots

Parsed = tuple[list[DiscoveredLink], list[str]]  # links, child sitemaps


@dataclass
class SourceCounts:
    requests: int = 0
    not_modified: int = 0
    conditional: int = 0  # requests that carried a validator
    bytes: int = 0


class SourceFetcher:
    """One source's documents, fetched conditionally (the kinds in `sources.py` use this)."""

    def __init__(self, fetcher: Fetcher, db: Database, source: str, now: Callable[[], datetime]):
        self.fetcher, self.db, self.source, self.now = fetcher, db, source, now
        self.counts = SourceCounts()
        self._pending: list[SourceDocument] = []

    async def fetch(self, url: str, **kwargs) -> Fetched:
        """A plain fetch through the shared fetcher (for what is not a source document)."""
        return await self.fetcher.fetch(url, **kwargs)

    async def document(self, url: str, parse: Callable[[Fetched], Parsed], **kwargs) -> Parsed:
        """The links of one source document: parsed on a 200, as last time on a 304."""
        prior = get_document(self.db, url)
        etag = prior.etag if prior else None
        last_modified = prior.last_modified if prior else None
        fetched = await self.fetcher.fetch(url, etag=etag, last_modified=last_modified, **kwargs)
        self.counts.requests += 1
        self.counts.conditional += int(bool(etag or last_modified))
        now = self.now()
        if fetched.not_modified and prior is not None:
            self.counts.not_modified += 1
            self._pending.append(_replace_checked(prior, now))
            return list(prior.links), list(prior.children)
        self.counts.bytes += len(fetched.content)
        links, children = parse(fetched)
        self._pending.append(
            SourceDocument(
                url=url,
                source=self.source,
                etag=fetched.headers.get("etag"),
                last_modified=fetched.headers.get("last-modified"),
                checked_at=now,
                changed_at=now,
                bytes=len(fetched.content),
                links=tuple(links),
                children=tuple(children),
            )
        )
        return links, children

    @property
    def unchanged(self) -> bool:
        return self.counts.requests > 0 and self.counts.not_modified == self.counts.requests

    def commit(self) -> None:
        """Remember validators and links once the crawl that used them finished."""
        if self._pending:
            save_documents(self.db, self._pending)
            self._pending = []


def _replace_checked(doc: SourceDocument, now: datetime) -> SourceDocument:
    import dataclasses

    return dataclasses.replace(doc, checked_at=now)


class DbRobotsCache:
    """The fetcher's `RobotsCache` on the monitor database (shared by one-shot crawls)."""

    def __init__(self, db: Database):
        self.db = db

    def get(self, origin: str) -> tuple[int, bytes, float] | None:
        rec = get_robots(self.db, origin)
        return (rec.status, rec.body, rec.fetched_at.timestamp()) if rec else None

    def put(self, origin: str, status: int, body: bytes, fetched_at: float) -> None:
        save_robots(self.db, RobotsRecord(origin, status, body, datetime.fromtimestamp(fetched_at, UTC)))
