"""One-shot crawl of the configured sources, and the summary table the CLI prints."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from scrapers.cassette import Cassette
from scrapers.fetch import Fetcher
from storage import Database, open_db
from storage.outbox import outbox_counts

from .alerts import deliver_with_grace, make_client, send
from .clock import utcnow
from .config import Settings, SourceConfig
from .digest_outbox import plan_due_digests
from .errors import ConfigError, DeliveryError
from .pipeline import CrawlReport, SourceReport, crawl_source, log_report

log = logging.getLogger(__name__)


def selected_sources(settings: Settings, only: list[str] | None) -> list[SourceConfig]:
    if only:
        return [settings.source(name) for name in only]
    return [s for s in settings.sources if s.enabled]


def open_store(settings: Settings, *, read_only: bool = False) -> Database:
    """The configured database, with the configured page cache (every command opens it here).

    Commands that only read open it read-only: they work with read access alone and never
    create an empty database where none was.
    """
    return open_db(settings.storage.path, cache_mb=settings.storage.cache_mb, read_only=read_only)


def samples_dir(settings: Settings) -> Path:
    return Path(settings.storage.path).resolve().parent / "samples"


class Progress:
    """A one-line progress display on a terminal (none when not a TTY or --quiet)."""

    def __init__(self, total_sources: int):
        self.total = total_sources
        self.done: dict[str, tuple[int, int]] = {}

    def __call__(self, source: str, done: int, total: int) -> None:
        self.done[source] = (done, total)
        links = sum(t for _, t in self.done.values())
        finished = sum(d for d, _ in self.done.values())
        width = 30
        filled = int(width * finished / links) if links else 0
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {finished}/{links} pages, {len(self.done)}/{self.total} sources"
        )
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")


async def run_crawl(
    settings: Settings,
    *,
    only: list[str] | None = None,
    replay: Cassette | None = None,
    record: Cassette | None = None,
    progress: bool = False,
) -> CrawlReport:
    sources = selected_sources(settings, only)
    if not sources:
        raise ConfigError("no sources configured")
    db = open_store(settings)
    bar = Progress(len(sources)) if progress else None
    async with Fetcher(settings.fetch.client_settings(), replay=replay, record=record) as fetcher:

        async def one(source: SourceConfig) -> SourceReport:
            try:
                rep = await crawl_source(
                    source,
                    settings=settings,
                    fetcher=fetcher,
                    db=db,
                    now=utcnow,
                    samples_dir=samples_dir(settings),
                    progress=bar,
                )
            except Exception as exc:  # the top of a crawl: one broken source never stops the rest
                log.exception("source %s crashed", source.name)
                rep = SourceReport(source.name, failed=True, error=f"internal error: {exc}", errors=1)
            log_report(rep)
            return rep

        reports = await asyncio.gather(*(one(s) for s in sources))
    if bar:
        bar.close()
    report = CrawlReport(list(reports))
    if settings.webhooks:
        plan_due_digests(db, settings, utcnow())
        async with make_client() as client:
            delivery = await deliver_with_grace(db, settings, client, utcnow, grace=settings.alerts.grace)
        report.alerts_sent = delivery.sent
    counts = outbox_counts(db)
    report.alerts_pending = counts["pending"]
    report.alerts_failed = counts["failed"]
    db.conn.close()
    return report


COLUMNS = [
    ("source", "source"),
    ("links_found", "links"),
    ("fetched", "fetched"),
    ("unchanged", "unchanged"),
    ("new_articles", "new"),
    ("matched", "matched"),
    ("new_stories", "stories"),
    ("changed", "changed"),
    ("errors", "errors"),
]


def print_summary(report: CrawlReport, out=None) -> None:
    out = out or sys.stdout
    rows = [s.to_dict() for s in report.sources]
    widths = [max(len(h), *(len(str(r[k])) for r in rows)) for k, h in COLUMNS]
    print("  ".join(h.ljust(w) for (_, h), w in zip(COLUMNS, widths, strict=True)), file=out)
    for r in rows:
        print("  ".join(str(r[k]).ljust(w) for (k, _), w in zip(COLUMNS, widths, strict=True)), file=out)
    failed = [s for s in report.sources if s.failed]
    for s in failed:
        print(f"FAILED {s.source}: {s.error}", file=out)
    for s in report.sources:
        for sample in s.error_samples[:2]:
            print(f"  {s.source} error: {sample}", file=out)
    print(
        f"alerts: {report.alerts_sent} sent, {report.alerts_pending} pending, {report.alerts_failed} failed"
        + (f"; {len(failed)} of {len(report.sources)} sources failed" if failed else ""),
        file=out,
    )


async def send_test(settings: Settings, name: str) -> tuple[bool, str]:
    hook = settings.webhook(name)
    payload = {
        "type": "test",
        "data": {
            "article": {
                "id": None,
                "url": "https://example.org/test",
                "title": "Test alert from ai-center-monitor",
                "byline": None,
                "published": None,
                "source": "test",
                "outlet": "test",
                "version": 1,
                "excerpt": "If you can read this, the webhook works.",
            },
            "story": {"id": None, "new": True},
            "topic": "test",
            "matches": {"terms": [], "snippets": {}},
            "diff": None,
        },
    }
    async with make_client() as client:
        try:
            await send(client, hook, "msg_test", payload, utcnow())
        except DeliveryError as exc:
            return False, f"{name}: {exc}"
    return True, f"{name}: delivered"
