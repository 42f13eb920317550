"""One source, end to end: discover -> fetch -> extract -> match -> dedup -> save -> enqueue.

`crawl_source` is a plain async function the scheduler and the CLI both call; every failure of a
link is recorded and the crawl goes on, and a failing source never raises past `crawl`.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import sqlite_utils

from scrapers.discovery import parse_feed, parse_listing, parse_naver_search, parse_sitemap
from scrapers.errors import ExtractionError, FetchError, MonitorError
from scrapers.extract import extract_article
from scrapers.fetch import Fetcher
from scrapers.models import DiscoveredLink
from scrapers.urls import canonical_url, normalize_url
from storage.articles import ArticleInput, known_urls, record_fetch_error, save_article, touch_fetch
from storage.db import StorageError
from storage.sources import ensure_source, get_source, update_source

from .alerts import plan_alerts
from .clock import iso, parse_iso
from .config import Settings, SourceConfig
from .topics import match_topics

log = logging.getLogger(__name__)

LINK_CONCURRENCY = 8
GONE_STATUSES = (404, 410)
GONE_RETRY_AFTER = 86400.0
DEGRADED_AFTER = 3  # consecutive poor extractions before a source is marked degraded
SHORT_FACTOR = 0.25  # a body under a quarter of the source's usual length counts as poor


@dataclass
class SourceReport:
    source: str
    links_found: int = 0
    fetched: int = 0
    unchanged: int = 0
    new_articles: int = 0
    matched: int = 0
    new_stories: int = 0
    changed: int = 0
    errors: int = 0
    failed: bool = False
    error: str | None = None
    health: str = "ok"
    error_samples: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def log_report(rep: SourceReport) -> None:
    """The one INFO line per source crawl, with its counts (as structured fields in JSON logs)."""
    log.info(
        "crawled %s: %d links, %d fetched, %d unchanged, %d new, %d matched, %d stories, %d changed, %d errors%s",
        rep.source,
        rep.links_found,
        rep.fetched,
        rep.unchanged,
        rep.new_articles,
        rep.matched,
        rep.new_stories,
        rep.changed,
        rep.errors,
        f" (FAILED: {rep.error})" if rep.failed else "",
        extra={"source": rep.source, "counts": rep.to_dict()},
    )


def _naver_url(settings: Settings, source: SourceConfig) -> str:
    base = source.url or settings.naver_api_url
    return (
        f"{base}?{urlencode({'query': source.query, 'display': min(100, source.max_links), 'sort': 'date'})}"
    )


async def discover(source: SourceConfig, fetcher: Fetcher, settings: Settings) -> list[DiscoveredLink]:
    """Candidate links of one source (raises FetchError/ExtractionError when the source itself fails)."""
    if source.kind == "naver":
        if not (settings.naver_client_id and settings.naver_client_secret):
            raise FetchError("NAVER_CLIENT_ID and NAVER_CLIENT_SECRET are not set", kind="config")
        fetched = await fetcher.fetch(
            _naver_url(settings, source),
            check_robots=False,
            headers={
                "X-Naver-Client-Id": settings.naver_client_id,
                "X-Naver-Client-Secret": settings.naver_client_secret,
            },
        )
        links = parse_naver_search(fetched.content)
    else:
        fetched = await fetcher.fetch(source.url)
        if source.kind == "feed":
            links = parse_feed(fetched.content, fetched.url, content_type=fetched.content_type)
        elif source.kind == "listing":
            links = parse_listing(fetched.content, fetched.url, link_selector=source.link_selector)
        else:
            links, children = parse_sitemap(fetched.content, fetched.url, limit=source.max_links)
            for child in children[:3]:  # an index: the first (newest) few child sitemaps, bounded
                try:
                    sub = await fetcher.fetch(child)
                    links += parse_sitemap(sub.content, sub.url, limit=source.max_links)[0]
                except MonitorError as exc:
                    log.warning("sitemap %s: %s", child, exc)
    seen: dict[str, DiscoveredLink] = {}
    for link in links:
        seen.setdefault(normalize_url(link.url), link)
    return list(seen.values())[: source.max_links]


@dataclass
class _Quality:
    poor: bool
    reason: str | None
    body_chars: int


def _assess(article, usual: float | None, dated_share: float | None) -> _Quality:
    expected = ("title", "published") if dated_share is not None and dated_share > 0.8 else ("title",)
    missing = [k for k in expected if not getattr(article, k)]
    size = len(article.body)
    if size == 0:
        return _Quality(True, "articles come out with an empty body", 0)
    if missing:
        return _Quality(True, f"articles come out without {' and '.join(missing)}", size)
    if usual and usual > 400 and size < usual * SHORT_FACTOR:
        return _Quality(True, f"bodies far shorter than usual ({size} vs ~{usual:.0f} chars)", size)
    return _Quality(False, None, size)


class SourceCrawl:
    """State of one source's crawl: counts, quality, and the shared collaborators."""

    def __init__(self, source, settings, fetcher, db, now, samples_dir):
        self.source, self.settings, self.fetcher, self.db = source, settings, fetcher, db
        self.now = now
        self.samples_dir = samples_dir
        self.report = SourceReport(source.name)
        self.plan = plan_alerts(settings)
        self.poor_streak: list[str] = []
        self.good = 0
        self.sizes: list[int] = []
        self.sample_path: str | None = None
        self.new_links = 0  # links never seen before: a source that stops yielding them is suspect
        self.row = row = get_source(db, source.name) or {}  # the source's state before this crawl
        self.usual = row.get("avg_body_chars")
        self.dated_share = row.get("dated_share")
        self.dated: list[bool] = []
        self.quality_failures = row.get("quality_failures") or 0

    def _known_and_current(self, prior: dict) -> bool:
        """Whether a link seen before needs no fetch now."""
        if (
            prior.get("status") in (200, 304)
            and not prior.get("matched")
            and not self.settings.keep_unmatched
        ):
            return True  # seen before, matched nothing: never fetched again
        age = (
            (self.now() - parse_iso(prior["checked_at"])).total_seconds() if prior.get("checked_at") else None
        )
        if age is None:
            return False
        if prior.get("status") in GONE_STATUSES:
            return age < GONE_RETRY_AFTER  # a page that was gone is asked for again only daily
        # A stored article is looked at again for edits only every `recheck_after`.
        return bool(prior.get("article_id")) and age < self.settings.recheck_after

    def record_error(self, url: str, exc: Exception, kind: str, status: int | None = None) -> None:
        self.report.errors += 1
        if len(self.report.error_samples) < 5:
            self.report.error_samples.append(f"{url}: {exc}")
        try:
            record_fetch_error(self.db, url, self.source.name, kind, str(exc), status, iso(self.now()))
        except StorageError as store_exc:
            log.error("cannot record error for %s: %s", url, store_exc)

    async def one_link(self, link: DiscoveredLink, known: dict[str, dict]) -> None:
        url = link.url
        key = normalize_url(url)
        prior = known.get(key) or known.get(url)
        if prior is None:
            self.new_links += 1
        if prior and self._known_and_current(prior):
            self.report.unchanged += 1
            return
        etag = prior.get("etag") if prior and prior.get("article_id") else None
        last_mod = prior.get("last_modified") if prior and prior.get("article_id") else None
        try:
            fetched = await self.fetcher.fetch(url, etag=etag, last_modified=last_mod)
        except FetchError as exc:
            self.record_error(key, exc, exc.kind, exc.status)
            return
        if fetched.not_modified:
            self.report.unchanged += 1
            touch_fetch(self.db, key, iso(self.now()))
            return
        self.report.fetched += 1
        try:
            article = extract_article(
                fetched.content,
                url=fetched.url,
                content_type=fetched.content_type,
                profile=self.source.profile,
            )
        except ExtractionError as exc:
            self.record_error(key, exc, "extraction")
            return
        quality = _assess(article, self.usual, self.dated_share)
        if article.body:
            self.dated.append(article.published is not None)
        if quality.poor:
            self._poor(quality.reason or "poor extraction", fetched.content, key)
        else:
            self.good += 1
            self.poor_streak.clear()
            self.sizes.append(quality.body_chars)
        if not article.body.strip():
            self.record_error(key, ExtractionError("no article text found on the page"), "empty_body")
            return
        canonical = canonical_url(fetched.url, article.canonical_url)
        matches = match_topics(self.settings.topics, article.title, article.body)
        item = ArticleInput(
            canonical_url=canonical,
            url=key,
            source=self.source.name,
            article=article,
            matches=tuple(m.to_dict() for m in matches),
            etag=fetched.headers.get("etag"),
            last_modified=fetched.headers.get("last-modified"),
            aliases=tuple({normalize_url(fetched.url), normalize_url(url, desktop=False)} - {canonical, key}),
        )
        result = save_article(
            self.db, item, now=iso(self.now()), keep_unmatched=self.settings.keep_unmatched, enqueue=self.plan
        )
        if result.status == "new":
            self.report.new_articles += 1
            self.report.new_stories += int(result.new_story)
        elif result.status == "changed":
            self.report.changed += 1
        elif result.status in ("unchanged", "alias"):
            self.report.unchanged += 1
        if matches and result.status in ("new", "changed"):
            self.report.matched += 1

    def _poor(self, reason: str, content: bytes, url: str) -> None:
        self.poor_streak.append(reason)
        if self.sample_path is None and self.samples_dir is not None:
            try:
                self.samples_dir.mkdir(parents=True, exist_ok=True)
                path = self.samples_dir / f"{self.source.name}-{self.now():%Y%m%dT%H%M%S}.html"
                path.write_bytes(content)
                (path.with_suffix(".url")).write_text(url + "\n", "utf-8")
                self.sample_path = str(path)
            except OSError as exc:
                log.warning("cannot keep a sample page for %s: %s", self.source.name, exc)


async def crawl_source(
    source: SourceConfig,
    *,
    settings: Settings,
    fetcher: Fetcher,
    db: sqlite_utils.Database,
    now: Callable[[], datetime],
    samples_dir: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> SourceReport:
    """Crawl one source; never raises for a failure of the source or of its pages."""
    ensure_source(db, source.name, source.kind, source.url or f"naver:{source.query}")
    run = SourceCrawl(source, settings, fetcher, db, now, samples_dir)
    report = run.report
    started = iso(now())
    try:
        links = await discover(source, fetcher, settings)
    except (MonitorError, OSError) as exc:
        return finish_failed(db, source, report, exc, started, now)
    report.links_found = len(links)
    known = known_urls(db, [normalize_url(link.url) for link in links] + [link.url for link in links])
    sem = asyncio.Semaphore(LINK_CONCURRENCY)
    done = 0

    async def guarded(link: DiscoveredLink) -> None:
        nonlocal done
        async with sem:
            try:
                await run.one_link(link, known)
            except StorageError as exc:
                run.record_error(link.url, exc, "storage")
                log.error("%s: storage error on %s: %s", source.name, link.url, exc)
            except Exception as exc:  # a bug on one page must not cost the other pages
                run.record_error(link.url, exc, "bug")
                log.error("%s: unexpected error on %s\n%s", source.name, link.url, traceback.format_exc())
        done += 1
        if progress:
            progress(source.name, done, len(links))

    await asyncio.gather(*(guarded(link) for link in links))
    _finish_ok(db, source, run, started, now)
    return report


def finish_failed(db, source, report: SourceReport, exc: Exception, started: str, now) -> SourceReport:
    report.failed = True
    report.error = str(exc)
    report.errors += 1
    row = get_source(db, source.name) or {}
    failures = (row.get("consecutive_failures") or 0) + 1
    # Back off a failing source: double its interval per failure, at most 16 times (and a day).
    backoff = min(source.interval * (2 ** min(failures - 1, 4)), max(source.interval, 86400))
    update_source(
        db,
        source.name,
        last_attempt=started,
        last_error=str(exc)[:500],
        last_error_kind=getattr(exc, "kind", type(exc).__name__),
        last_error_at=iso(now()),
        consecutive_failures=failures,
        health="failing",
        health_reason=f"{failures} failed crawl(s): {exc}"[:300],
        next_due=iso(now() + timedelta(seconds=backoff)),
        runs=(row.get("runs") or 0) + 1,
    )
    report.health = "failing"
    log.warning("source %s failed (%d in a row): %s", source.name, failures, exc)
    return report


def _running_mean(old: float | None, values: list) -> float:
    """An exponential running mean across crawls, so one odd crawl moves the usual little."""
    mean = sum(values) / len(values)
    return mean if old is None else 0.8 * old + 0.2 * mean


def _finish_ok(db, source, run: SourceCrawl, started: str, now) -> None:
    report = run.report
    row = run.row
    fields: dict = {
        "last_attempt": started,
        "last_success": iso(now()),
        "consecutive_failures": 0,
        "runs": (row.get("runs") or 0) + 1,
        "next_due": iso(now() + timedelta(seconds=source.interval)),
    }
    if run.sizes:
        fields["avg_body_chars"] = _running_mean(row.get("avg_body_chars"), run.sizes)
    if run.dated:
        fields["dated_share"] = _running_mean(row.get("dated_share"), run.dated)
    quality_failures = run.quality_failures
    if run.poor_streak and not run.good:
        quality_failures += len(run.poor_streak)
    elif run.good:
        quality_failures = 0
    fields["quality_failures"] = quality_failures
    health, reason = "ok", None
    if run.new_links or not row.get("last_new_link_at"):
        fields["last_new_link_at"] = iso(now())
    if quality_failures >= DEGRADED_AFTER:
        health, reason = (
            "degraded",
            f"{run.poor_streak[-1] if run.poor_streak else 'poor extraction'} ({quality_failures} in a row)",
        )
        if run.sample_path:
            fields["sample_page"] = run.sample_path
    elif row.get("last_new_link_at") and not run.new_links:
        quiet = (now() - parse_iso(row["last_new_link_at"])).total_seconds()
        if quiet > max(20 * source.interval, 2 * 86400):
            health, reason = (
                "degraded",
                f"no new links for {quiet / 3600:.0f} h (usually every {source.interval / 60:.0f} min)",
            )
    if row.get("health") == "degraded" and health == "ok":
        log.info("source %s recovered", source.name)
        reason = "recovered"
    elif health == "degraded" and row.get("health") != "degraded":
        log.warning("source %s degraded: %s", source.name, reason)
    fields.update(health=health, health_reason=reason)
    report.health = health
    update_source(db, source.name, **fields)


@dataclass
class CrawlReport:
    sources: list[SourceReport]
    alerts_sent: int = 0
    alerts_pending: int = 0
    alerts_failed: int = 0

    @property
    def all_failed(self) -> bool:
        return bool(self.sources) and all(s.failed for s in self.sources)

    def to_dict(self) -> dict:
        totals = {
            k: sum(getattr(s, k) for s in self.sources)
            for k in (
                "links_found",
                "fetched",
                "unchanged",
                "new_articles",
                "matched",
                "new_stories",
                "changed",
                "errors",
            )
        }
        return {
            "sources": [s.to_dict() for s in self.sources],
            "totals": totals,
            "failed_sources": [s.source for s in self.sources if s.failed],
            "alerts": {
                "sent": self.alerts_sent,
                "pending": self.alerts_pending,
                "failed": self.alerts_failed,
            },
        }
