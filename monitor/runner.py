"""One-shot crawl of the configured sources, and the summary table the CLI prints."""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from datetime import datetime
from pathlib import Path

from scrapers.cassette import Cassette
from scrapers.fetch import Fetcher
from storage import Database, open_db
from storage.db import check_integrity, is_corruption
from storage.models import Delivery
from storage.outbox import outbox_counts

from .alerts import deliver_with_grace, make_client, send
from .clock import utcnow
from .conditional import DbRobotsCache
from .config import Settings, SourceConfig, WebhookConfig
from .digest_outbox import digest_payload, plan_due_digests
from .errors import ConfigError, DeliveryError
from .formats import FORMATS
from .pages import PagePool, worker_count
from .pipeline import CrawlReport, SourceReport, crawl_source, log_report
from .rematch import rematch_if_topics_changed, require_topics

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
    deliver: bool = True,
    finished: list[SourceReport] | None = None,
) -> CrawlReport:
    """One pass over the sources, then the alerts that fall due (unless `deliver` is false).

    Each source's report is appended to `finished` as it completes, so an interrupted crawl
    can still say what it did.
    """
    sources = selected_sources(settings, only)
    if not sources:
        raise ConfigError("no sources configured")
    require_topics(settings)
    db = open_store(settings)
    check_integrity(db, settings.storage.path)
    finished = [] if finished is None else finished
    rematch_if_topics_changed(db, settings, now=utcnow())
    bar = Progress(len(sources)) if progress else None
    with PagePool(worker_count(settings.fetch.workers)) as pages:
        reports = await _crawl_all(
            settings, sources, db, replay=replay, record=record, bar=bar, pages=pages, finished=finished
        )
    if bar:
        bar.close()
    report = CrawlReport(list(reports))
    if settings.webhooks and deliver:
        plan_due_digests(db, settings, utcnow())
        async with make_client(allow_private_networks=settings.alerts.allow_private_networks) as client:
            delivery = await deliver_with_grace(db, settings, client, utcnow, grace=settings.alerts.grace)
        report.alerts_sent = delivery.sent
    counts = outbox_counts(db)
    report.alerts_pending = counts["pending"]
    report.alerts_failed = counts["failed"]
    db.conn.close()
    return report


async def _crawl_all(
    settings: Settings,
    sources: list[SourceConfig],
    db: Database,
    *,
    replay: Cassette | None,
    record: Cassette | None,
    bar: Progress | None,
    pages: PagePool,
    finished: list[SourceReport],
) -> list[SourceReport]:
    """Every source at once over one fetcher (its connection pool sized for these sources)."""
    async with Fetcher(
        settings.fetch.client_settings(sources), replay=replay, record=record, robots_cache=DbRobotsCache(db)
    ) as fetcher:

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
                    pages=pages,
                )
            except Exception as exc:  # the top of a crawl: one broken source never stops the rest
                if is_corruption(exc):
                    raise
                log.exception("source %s crashed", source.name)
                rep = SourceReport(source.name, failed=True, error=f"internal error: {exc}", errors=1)
            log_report(rep)
            finished.append(rep)
            return rep

        return list(await asyncio.gather(*(one(s) for s in sources)))


async def deliver_queued(db: Database, settings: Settings) -> int:
    """Deliver what is due now (waiting `[alerts] grace` for retries), as `monitor crawl` does."""
    if not settings.webhooks:
        return 0
    async with make_client(allow_private_networks=settings.alerts.allow_private_networks) as client:
        delivery = await deliver_with_grace(db, settings, client, utcnow, grace=settings.alerts.grace)
    return delivery.sent


def test_payload(hook: WebhookConfig, now: datetime) -> dict:
    """A sample alert (a digest for a digest notifier), so a test shows the real layout."""
    data = {
        "article": {
            "id": None,
            "url": "https://example.org/ai-center-monitor/test",
            "title": "[테스트] 포항시, 국가 AI 컴퓨팅센터 유치 신청서 제출",
            "byline": None,
            "published": now.isoformat(),
            "source": "test",
            "outlet": "ai-center-monitor",
            "version": 1,
            "excerpt": "이 메시지가 보이면 알림 설정이 제대로 된 것입니다. If you can read this, the notifier works.",
        },
        "story": {"id": None, "new": True},
        "topic": "test",
        "matches": {"terms": [], "snippets": {}},
        "diff": None,
    }
    if hook.mode != "digest":
        return {"type": "test", "data": data}
    held = [
        Delivery(
            0,
            "msg_test",
            hook.name,
            "article.new",
            "test",
            {"type": "article.new", "data": data},
            "held",
            0,
            None,
        )
    ]
    return digest_payload(hook, held, {}, None, now)


def adhoc_hook(url: str, *, fmt: str | None, to: list[str], sender: str | None) -> WebhookConfig:
    """A notifier for `monitor alerts test URL`: the format from the URL's scheme unless given."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if fmt is None:
        fmt = {"smtp": "email", "smtps": "email", "http": "json", "https": "json"}.get(scheme, "apprise")
    if fmt not in FORMATS:
        raise ConfigError(f"--format {fmt!r} is not one of {', '.join(FORMATS)}")
    hook = WebhookConfig(name="test", url=url, format=fmt, to=tuple(to), sender=sender, timezone="Asia/Seoul")
    problem = FORMATS[fmt].check(hook)
    if problem and not (fmt == "json" and problem[0] == "secret"):  # an unsigned test post is fine
        raise ConfigError(f"{FORMATS[fmt].mask_url(url)}: {problem[0]}: {problem[1]}")
    return hook


async def send_test(
    settings: Settings, target: str, *, fmt: str | None = None, to: list[str] = (), sender: str | None = None
) -> tuple[bool, str]:
    """Send one sample through a configured notifier (by name) or a URL, under a fresh id."""
    hook = (
        adhoc_hook(target, fmt=fmt, to=list(to), sender=sender)
        if "://" in target
        else settings.webhook(target)
    )
    now = utcnow()
    msg_id = f"msg_test_{uuid.uuid4().hex}"  # fresh each time: a receiver's dedup never drops a test
    async with make_client(allow_private_networks=settings.alerts.allow_private_networks) as client:
        try:
            await send(client, hook, msg_id, test_payload(hook, now), now)
        except DeliveryError as exc:
            return False, f"{hook.name}: {exc}"
    return True, f"{hook.name}: delivered ({msg_id})"
