"""`monitor sources add URL`: from an outlet's homepage, the sources worth polling.

In order of preference: feeds the homepage announces, feeds at the paths Korean CMS families
use, sitemaps named in robots.txt or at the usual paths, and otherwise the homepage itself as
a listing. Each candidate is fetched and parsed like a crawl would; the best one is the first
that yields article links, shown with a sample of those links and their extracted titles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from scrapers.discovery import (
    COMMON_FEED_PATHS,
    COMMON_SITEMAP_PATHS,
    feed_links,
    parse_feed,
    parse_listing,
    parse_sitemap,
    robots_sitemaps,
)
from scrapers.errors import MonitorError
from scrapers.extract import extract_article
from scrapers.fetch import Fetcher

SAMPLE = 3


@dataclass(frozen=True)
class Candidate:
    kind: str  # feed | sitemap | listing
    url: str
    how: str  # how it was found
    links: int = 0
    sample: tuple[tuple[str, str | None], ...] = ()  # (article URL, extracted title)
    problem: str | None = None


@dataclass
class Findings:
    homepage: str
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def best(self) -> Candidate | None:
        return next((c for c in self.candidates if c.links and not c.problem), None)


async def _links(fetcher: Fetcher, kind: str, url: str) -> list[str]:
    fetched = await fetcher.fetch(url)
    if kind == "feed":
        links = parse_feed(fetched.content, fetched.url, content_type=fetched.content_type)
    elif kind == "sitemap":
        links = parse_sitemap(fetched.content, fetched.url)[0]
    else:
        links = parse_listing(fetched.content, fetched.url)
    return [link.url for link in links]


async def _probe(fetcher: Fetcher, kind: str, url: str, how: str, *, sample: bool) -> Candidate:
    try:
        links = await _links(fetcher, kind, url)
    except MonitorError as exc:
        return Candidate(kind, url, how, problem=str(exc))
    titles: list[tuple[str, str | None]] = []
    for link in links[:SAMPLE] if sample else []:
        try:
            page = await fetcher.fetch(link)
            titles.append(
                (link, extract_article(page.content, url=page.url, content_type=page.content_type).title)
            )
        except MonitorError as exc:
            titles.append((link, f"({exc})"))
    return Candidate(kind, url, how, links=len(links), sample=tuple(titles))


async def find_sources(fetcher: Fetcher, homepage: str) -> Findings:
    """Probe an outlet's homepage for sources."""
    parts = urlsplit(homepage)
    origin = f"{parts.scheme}://{parts.netloc}"
    findings = Findings(homepage)
    page = await fetcher.fetch(homepage)
    plan: list[tuple[str, str, str]] = []
    for url in feed_links(page.content, page.url):
        plan.append(("feed", url, "announced by the homepage"))
    for path in COMMON_FEED_PATHS:
        plan.append(("feed", urljoin(origin, path), "a common feed path"))
    try:
        robots = await fetcher.fetch(f"{origin}/robots.txt", check_robots=False)
        for url in robots_sitemaps(robots.content.decode("utf-8", "replace"), origin):
            plan.append(("sitemap", url, "named in robots.txt"))
    except MonitorError:
        pass
    for path in COMMON_SITEMAP_PATHS:
        plan.append(("sitemap", urljoin(origin, path), "a common sitemap path"))
    plan.append(("listing", page.url, "the homepage as a listing"))
    seen: set[str] = set()
    for candidate_kind, url, how in plan:
        if url in seen:
            continue
        seen.add(url)
        found = await _probe(fetcher, candidate_kind, url, how, sample=findings.best is None)
        if found.problem and "404" in found.problem and how.startswith("a common"):
            continue  # a guessed path that is not there is not worth showing
        findings.candidates.append(found)
    return findings
