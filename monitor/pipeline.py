"""One source, end to end: discover -> fetch -> extract -> assess -> match -> save (with its alerts).

`crawl_source` is a plain async function the scheduler and the CLI both call; every failure of a
link is recorded and the crawl goes on, and a failing source never raises past `crawl_source`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from scrapers.errors import ExtractionError, FetchError, MonitorError
from scrapers.fetch import Fetcher
from scrapers.models import DiscoveredLink
from scrapers.urls import identify, link_key
from storage import Database, StorageError
from storage.articles import save_article
from storage.db import is_corruption
from storage.fetch_log import known_urls, mark_listed, record_fetch_error, touch_fetch
from storage.models import ArticleInput, FetchRecord, SourceState
from storage.sources import ensure_source, get_source, save_source

from . import health
from .alerts import alert_planner
from .board.fold import board_folder
from .conditional import SourceFetcher
from .config import Settings, SourceConfig
from .pages import PageJob, PagePool
from .recheck import plan_recheck
from .sources import SOURCE_KINDS

log = logging.getLogger(__name__)

LINK_CONCURRENCY = 8
GONE_STATUSES = (404, 410)
GONE_RETRY_AFTER = 86400.0
MAX_ERROR_SAMPLES = 5


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
    rechecked: int = 0  # links seen before and fetched again (conditional GET)
    source_requests: int = 0  # feed, listing, sitemap (and children), API requests
    source_not_modified: int = 0  # of those, answered 304: no parse, links as last time
    failed: bool = False
    skipped: bool = False  # not crawled on purpose (e.g. a Naver source without credentials)
    error: str | None = None
    health: str = "ok"
    error_samples: list[str] = field(default_factory=list)
    new_story_items: list[dict] = field(default_factory=list)  # matched stories new in this crawl
    changed_articles: list[dict] = field(default_factory=list)  # matched articles edited since

    def to_dict(self) -> dict:
        return asdict(self)


def log_report(rep: SourceReport) -> None:
    """The one line per source crawl, with its counts (as structured fields in JSON logs): INFO,
    or WARNING when the source failed."""
    log.log(
        logging.WARNING if rep.failed else logging.INFO,
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


@dataclass
class Discovered:
    links: dict[str, DiscoveredLink]  # by lookup key, first mention kept
    malformed: list[tuple[str, str]]  # (link as written, why it cannot be fetched)


async def discover(source: SourceConfig, fetcher: SourceFetcher, settings: Settings) -> Discovered:
    """Candidate links of one source (raises when the source itself fails, never for one link)."""
    found = Discovered({}, [])
    for link in await SOURCE_KINDS[source.kind].discover(source, fetcher, settings):
        try:
            key = link_key(link.url)
        except ValueError as exc:  # a port of 99999, an unclosed [IPv6 bracket ...
            found.malformed.append((link.url, f"malformed link: {exc}"))
            continue
        found.links.setdefault(key, link)
        if len(found.links) >= source.max_links:
            break
    return found


class SourceCrawl:
    """One source's crawl: its report, its health tally, and the shared collaborators."""

    def __init__(
        self,
        source: SourceConfig,
        settings: Settings,
        fetcher: Fetcher,
        db: Database,
        now,
        samples_dir,
        pages: PagePool | None = None,
    ):
        self.source, self.settings, self.fetcher, self.db = source, settings, fetcher, db
        self.pages = pages or PagePool(0)
        self.now = now
        self.samples_dir = samples_dir
        self.report = SourceReport(source.name)
        self.plan = alert_planner(settings)
        self.fold = board_folder(settings.programs)  # the bid board, updated in each save
        self.tally = health.CrawlTally()
        self.state = get_source(db, source.name) or SourceState(name=source.name)  # before this crawl
        self.documents = SourceFetcher(fetcher, db, source.name, now)
        self.handled: set[str] = set()  # links handled without error: their edit signal is recorded

    def _needs_no_fetch(self, prior: FetchRecord, link: DiscoveredLink) -> bool:
        """Whether a link seen before needs no fetch now (see `recheck.py` for the schedule)."""
        if prior.status in GONE_STATUSES and prior.checked_at is not None:
            # a page that was gone is asked for again only daily
            return (self.now() - prior.checked_at).total_seconds() < GONE_RETRY_AFTER
        if prior.status not in (200, 304):
            return False  # an error last time: try again
        decision = plan_recheck(
            now=self.now(),
            first_seen=prior.first_seen,
            checked_at=prior.checked_at,
            listed_updated=_aware(link.updated),
            stored_updated=prior.hint_updated,
            cap=self.settings.fetch.recheck_after,
        )
        return not decision.due

    def record_error(self, url: str, exc: Exception, kind: str, status: int | None = None) -> None:
        self.report.errors += 1
        self.tally.errors += 1
        self.tally.first_error = self.tally.first_error or f"{url}: {exc}"
        if len(self.report.error_samples) < MAX_ERROR_SAMPLES:
            self.report.error_samples.append(f"{url}: {exc}")
        try:
            record_fetch_error(
                self.db,
                url,
                source=self.source.name,
                kind=kind,
                error=str(exc),
                status=status,
                now=self.now(),
            )
        except StorageError as store_exc:
            log.error("cannot record error for %s: %s", url, store_exc)

    async def one_link(self, key: str, link: DiscoveredLink, prior: FetchRecord | None) -> None:
        if prior is None:
            self.tally.new_links += 1
        elif self._needs_no_fetch(prior, link):
            self.report.unchanged += 1
            self.handled.add(key)
            return
        else:
            self.report.rechecked += 1
        await self.pages.room()
        try:
            fetched = await self.fetcher.fetch(
                link.url,
                etag=prior.etag if prior else None,
                last_modified=prior.last_modified if prior else None,
            )
        except FetchError as exc:
            self.record_error(key, exc, exc.kind, exc.status)
            return
        if fetched.not_modified:
            self.report.unchanged += 1
            touch_fetch(self.db, key, self.now())
            self.handled.add(key)
            return
        self.report.fetched += 1
        job = PageJob(
            fetched.content,
            url=fetched.url,
            content_type=fetched.content_type,
            profile=self.source.profile,
            hints=link.hints,
            topics=self.settings.topics,
            keep_unmatched=self.settings.storage.keep_unmatched,
            programs=self.settings.programs,
        )
        try:  # extraction, matching, board claims and the dedup signature: CPU work, in a worker
            page = await self.pages.process(job)
        except ExtractionError as exc:
            self.record_error(key, exc, "extraction")
            return
        article, matches = page.article, page.matches
        # Health judges what the page printed: a date the feed supplied proves nothing about it
        # (and while the feed gives dates, a page that stops printing one costs the user nothing).
        on_page = article
        if link.published is not None and article.published == link.published:
            on_page = dataclasses.replace(article, published=None)
        quality = health.assess(on_page, self.state)
        self.tally.add(on_page, quality)
        if quality.poor:
            self._keep_sample(fetched.content, key)
        if not article.body.strip():
            self.record_error(key, ExtractionError("no article text found on the page"), "empty_body")
            return
        identity = identify(link.url, fetched.url, article.canonical_url)
        item = ArticleInput(
            canonical_url=identity.canonical,
            url=identity.key,
            source=self.source.name,
            article=article,
            matches=tuple(m.record() for m in matches),
            etag=fetched.headers.get("etag"),
            last_modified=fetched.headers.get("last-modified"),
            aliases=identity.aliases,
            claims=page.claims,
            signature=page.signature,
            body_hash=page.body_hash,
        )
        storage = self.settings.storage
        result = save_article(
            self.db,
            item,
            now=self.now(),
            keep_unmatched=storage.keep_unmatched,
            plan=self.plan,
            keep_text=storage.keep_unmatched_days > 0,
            fold=self.fold,
        )
        self.handled.add(key)
        self._count(result.status, result.new_story, bool(matches))
        if matches and (result.new_story or result.status == "changed"):
            found = {"title": article.title, "url": identity.canonical, "story_id": result.story_id}
            if result.status == "changed":
                self.report.changed_articles.append({**found, "version": result.version})
            else:
                self.report.new_story_items.append(found)

    def _count(self, status: str, new_story: bool, matched: bool) -> None:
        rep = self.report
        if status == "new":
            rep.new_articles += 1
            rep.new_stories += int(new_story)
        elif status == "changed":
            rep.changed += 1
        elif status in ("unchanged", "alias"):
            rep.unchanged += 1
        if matched and status in ("new", "changed"):
            rep.matched += 1

    def _keep_sample(self, content: bytes, url: str) -> None:
        """Keep the first poor page of a crawl, so a broken layout can become a fixture."""
        if self.tally.sample_page is not None or self.samples_dir is None:
            return
        try:
            self.samples_dir.mkdir(parents=True, exist_ok=True)
            path = self.samples_dir / f"{self.source.name}-{self.now():%Y%m%dT%H%M%S}.html"
            path.write_bytes(content)
            path.with_suffix(".url").write_text(url + "\n", "utf-8")
            self.tally.sample_page = str(path)
        except OSError as exc:
            log.warning("cannot keep a sample page for %s: %s", self.source.name, exc)

    def finish_ok(self, started: datetime, links: dict[str, DiscoveredLink]) -> None:
        # What the source said of each link, and its validators and links, are remembered only
        # now: a crawl cut short reads its source in full and rechecks by the old signals.
        mark_listed(
            self.db,
            {k: _aware(link.updated) for k, link in links.items()},
            signals=self.handled,
            now=self.now(),
        )
        self.documents.commit()
        counts = self.documents.counts
        self.report.source_requests, self.report.source_not_modified = counts.requests, counts.not_modified
        update = health.after_success(
            self.state, self.tally, started=started, now=self.now(), interval=self.source.interval
        )
        if update.transition == "recovered":
            log.info("source %s recovered", self.source.name)
        elif update.transition == "degraded":
            log.warning("source %s degraded: %s", self.source.name, update.state.health_reason)
        save_source(self.db, update.state)
        self.report.health = update.state.health


async def crawl_source(
    source: SourceConfig,
    *,
    settings: Settings,
    fetcher: Fetcher,
    db: Database,
    now: Callable[[], datetime],
    samples_dir: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    pages: PagePool | None = None,
) -> SourceReport:
    """Crawl one source; never raises for a failure of the source or of its pages (a damaged
    database is the exception: nothing more is written into it). `pages` runs the CPU work of
    each page (default: in this process)."""
    kind = SOURCE_KINDS[source.kind]
    ensure_source(db, source.name, source.kind, kind.label(source))
    run = SourceCrawl(source, settings, fetcher, db, now, samples_dir, pages)
    if reason := kind.skip_reason(source, settings):
        state = health.skipped(run.state, reason, now=now())
        save_source(db, state)
        log.info("source %s skipped: %s", source.name, reason)
        run.report.skipped, run.report.health, run.report.error = True, state.health, reason
        return run.report
    started = now()
    try:
        found = await discover(source, run.documents, settings)
    except (MonitorError, OSError) as exc:
        return finish_failed(db, source, run.report, exc, started, now)
    for url, reason in found.malformed:
        run.record_error(url[:500], ExtractionError(reason), "malformed_link")
    links = found.links
    run.report.links_found = len(links)
    known = known_urls(db, list(links))
    done = 0
    # LINK_CONCURRENCY workers share one iterator over the links, in order: a task per link would
    # hold a coroutine, a task and a semaphore waiter for every link of every source at once
    # (500 sources of 40 links: 20,000 tasks and ~25 MB of heap in the daemon).
    pending = iter(links.items())

    async def worker() -> None:
        nonlocal done
        for key, link in pending:
            try:
                await run.one_link(key, link, known.get(key))
            except StorageError as exc:
                if is_corruption(exc):
                    raise
                run.record_error(key, exc, "storage")
                log.error("%s: storage error on %s: %s", source.name, link.url, exc)
            except Exception as exc:  # a bug on one page must not cost the other pages
                run.record_error(key, exc, "bug")
                log.error("%s: unexpected error on %s\n%s", source.name, link.url, traceback.format_exc())
            done += 1
            if progress:
                progress(source.name, done, len(links))

    tasks = [asyncio.create_task(worker()) for _ in range(min(LINK_CONCURRENCY, len(links)))]
    if tasks:
        # A damaged database ends the crawl: the other workers are cancelled rather than left
        # to take the next links and write into the file (gather would let them run on).
        try:
            ended, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.wait(tasks)
        for task in ended:
            if not task.cancelled() and (exc := task.exception()) is not None:
                raise exc
    run.finish_ok(started, links)
    return run.report


def _aware(when: datetime | None) -> datetime | None:
    """Edit times are compared with stored (UTC) ones: a time without a zone is taken as UTC."""
    return when.replace(tzinfo=UTC) if when is not None and when.tzinfo is None else when


def finish_failed(
    db: Database,
    source: SourceConfig,
    report: SourceReport,
    exc: Exception,
    started: datetime,
    now: Callable[[], datetime],
) -> SourceReport:
    """Record a crawl that failed as a whole (the source backs off) and say so in the report."""
    report.failed = True
    report.error = str(exc)
    report.errors += 1
    state = get_source(db, source.name) or SourceState(name=source.name)
    kind = str(getattr(exc, "kind", type(exc).__name__))
    new = health.after_failure(state, str(exc), kind, started=started, now=now(), interval=source.interval)
    save_source(db, new)
    report.health = new.health
    log.debug("source %s failed (%d in a row): %s", source.name, new.consecutive_failures, exc)
    return report


@dataclass
class CrawlReport:
    sources: list[SourceReport]
    alerts_sent: int = 0
    alerts_pending: int = 0
    alerts_failed: int = 0

    @property
    def all_failed(self) -> bool:
        crawled = [s for s in self.sources if not s.skipped]
        return bool(crawled) and all(s.failed for s in crawled)

    def to_dict(self) -> dict:
        counted = (
            "links_found",
            "fetched",
            "unchanged",
            "new_articles",
            "matched",
            "new_stories",
            "changed",
            "errors",
            "rechecked",
            "source_requests",
            "source_not_modified",
        )
        return {
            "sources": [s.to_dict() for s in self.sources],
            "totals": {k: sum(getattr(s, k) for s in self.sources) for k in counted},
            "failed_sources": [s.source for s in self.sources if s.failed],
            "alerts": {
                "sent": self.alerts_sent,
                "pending": self.alerts_pending,
                "failed": self.alerts_failed,
            },
        }
