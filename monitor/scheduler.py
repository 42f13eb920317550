"""`monitor run`: APScheduler 3.x wiring around plain functions (crawl_source, deliver_due).

What APScheduler 3.x does not do, and this module does (measured on this machine):
- a hung run makes every later run be skipped with only a warning: each job runs under a hard
  deadline (asyncio.timeout) and a timed-out run counts as a failure of the source;
- without a SIGTERM handler the process dies mid-job: SIGTERM and SIGINT stop taking new work,
  cancel what is in flight, and the process exits 0 within a few seconds;
- wall-clock jumps: a watchdog compares wall and monotonic time and, after a jump, reschedules
  every source once (coalescing already turns a forward jump into one catch-up run).
A failing source backs off (`health.backing_off`, from its stored `next_due`) and recovers by
itself; two daemons on one database are refused by an exclusive lock file.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import signal
import time
from datetime import timedelta
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from scrapers.cassette import Cassette
from scrapers.fetch import Fetcher
from storage.db import file_identity, is_corruption
from storage.sources import get_source, set_next_due
from storage.story_index import warm_dedup_index

from .alerts import deliver_due, make_client
from .clock import utcnow
from .conditional import DbRobotsCache
from .config import Settings, SourceConfig
from .digest_outbox import plan_due_digests
from .errors import MonitorError, damaged_database_message
from .health import backing_off
from .pages import PagePool, worker_count
from .pipeline import SourceReport, crawl_source, finish_failed, log_report
from .rematch import rematch_if_topics_changed, require_topics
from .runner import open_store, samples_dir

log = logging.getLogger(__name__)
DELIVERY_EVERY = 5.0
WATCHDOG_EVERY = 30.0
JUMP_TOLERANCE = 60.0


class AlreadyRunning(MonitorError):
    pass


class DaemonLock:
    """An exclusive lock beside the database (never on the database file itself)."""

    def __init__(self, db_path: str):
        self.path = Path(str(Path(db_path).resolve()) + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise MonitorError(
                f"cannot create the daemon's lock file {self.path}: {exc.strerror or exc} "
                "(the service needs write access to the database and its folder)"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            other = self.path.read_text().strip() if self.path.exists() else "?"
            raise AlreadyRunning(
                f"another `monitor run` (pid {other or '?'}) holds {self.path}; refusing to start a second daemon"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class Daemon:
    def __init__(
        self,
        settings: Settings,
        *,
        replay: Cassette | None = None,
        tick: float | None = None,
        web: str | None = None,
    ):
        self.settings = settings
        self.web = web  # HOST:PORT of the web reader served on this loop, if any
        self.web_failed = False
        self.replay = replay
        self.delivery_every = tick or DELIVERY_EVERY
        self.db = open_store(settings)
        # The files the daemon writes: if either is deleted or replaced under it, its writes
        # would go to an unlinked inode and vanish at the next restart (and every article be
        # alerted again under new ids). It stops instead.
        self.db_path = Path(settings.storage.path)
        self.files = {self.db_path: file_identity(self.db_path)}
        self.exit_code = 0
        rematch_if_topics_changed(self.db, settings, now=utcnow())
        # A long-running process: pay for reading the dedup index once, not per early lookup.
        warm_dedup_index(self.db)
        self.stop = asyncio.Event()
        self.pages: PagePool | None = None  # set by main(); None: page work in this process
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self._wall = time.time()
        self._mono = time.monotonic()

    def hard_deadline(self, source: SourceConfig) -> float:
        # Long enough for a full crawl at the polite pace, short enough to notice a hang.
        return max(120.0, min(source.interval * 2, 3600.0))

    async def crawl_job(self, source: SourceConfig) -> None:
        if self.stop.is_set() or not self.files_intact():
            return
        until = backing_off(get_source(self.db, source.name), utcnow())
        if until is not None:
            log.info("source %s backing off until %s", source.name, until.isoformat())
            return
        started = utcnow()
        try:
            async with asyncio.timeout(self.hard_deadline(source)):
                rep = await crawl_source(
                    source,
                    settings=self.settings,
                    fetcher=self.fetcher,
                    db=self.db,
                    now=utcnow,
                    samples_dir=samples_dir(self.settings),
                    pages=self.pages,
                )
        except TimeoutError:
            exc = MonitorError(
                f"crawl exceeded its hard deadline of {self.hard_deadline(source):.0f}s (hung?)"
            )
            finish_failed(self.db, source, SourceReport(source.name), exc, started, utcnow)
            log.error("source %s: %s", source.name, exc)
            return
        except Exception as exc:  # the daemon's loop is the one place that catches broadly
            if is_corruption(exc):
                # Every later write would meet the same damage: stop, as `monitor crawl` does.
                log.error("%s: stopping", damaged_database_message(exc))
                self.exit_code = 1
                self.stop.set()
                return
            log.exception("source %s crashed", source.name)
            return
        log_report(rep)
        job = self.scheduler.get_job(f"source:{source.name}")
        if job is not None and job.next_run_time is not None and not rep.failed:
            # `monitor status` shows when the scheduler will really run it next (jitter included).
            set_next_due(self.db, source.name, job.next_run_time)

    def files_intact(self) -> bool:
        """Whether the database (and its WAL, once seen) is still the file this process opened."""
        wal = Path(f"{self.db_path}-wal")
        if wal not in self.files and (seen := file_identity(wal)) is not None:
            self.files[wal] = seen
        for path, identity in self.files.items():
            if file_identity(path) != identity:
                log.error(
                    "database file %s was deleted or replaced while the daemon ran: stopping rather than "
                    "writing into a file that is no longer there (restore it, or start again to begin anew)",
                    path,
                )
                self.exit_code = 1
                self.stop.set()
                return False
        return True

    async def delivery_job(self) -> None:
        if self.stop.is_set() or not self.files_intact() or not self.settings.webhooks:
            return
        try:
            plan_due_digests(self.db, self.settings, utcnow())  # a digest whose slot passed, once
            rep = await deliver_due(self.db, self.settings, self.client, utcnow)
            if rep.sent or rep.failed:
                log.info("alerts: %d sent, %d retrying, %d failed", rep.sent, rep.retrying, rep.failed)
        except Exception:
            log.exception("alert delivery crashed")

    async def watchdog_job(self) -> None:
        wall, mono = time.time(), time.monotonic()
        drift = (wall - self._wall) - (mono - self._mono)
        self._wall, self._mono = wall, mono
        if abs(drift) > JUMP_TOLERANCE:
            log.warning("wall clock jumped by %+.0f s: rescheduling every source once", drift)
            soon = utcnow() + timedelta(seconds=1)
            for job in self.scheduler.get_jobs():
                if job.id.startswith("source:"):
                    job.modify(next_run_time=soon)

    async def web_job(self) -> None:
        from .web.server import serve_embedded

        if not await serve_embedded(self.settings, self.web, self.stop):
            self.web_failed = True  # asked for the reader and cannot have it: stop, say why
            self.stop.set()

    def schedule(self) -> None:
        for i, source in enumerate(s for s in self.settings.sources if s.enabled):
            self.scheduler.add_job(
                self.crawl_job,
                IntervalTrigger(seconds=source.interval, jitter=min(60, source.interval * 0.1)),
                args=[source],
                id=f"source:{source.name}",
                name=source.name,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=int(source.interval),
                next_run_time=utcnow() + timedelta(seconds=0.2 * i),
            )
        self.scheduler.add_job(
            self.delivery_job,
            IntervalTrigger(seconds=self.delivery_every),
            id="deliver",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=60,
            next_run_time=utcnow(),
        )
        self.scheduler.add_job(
            self.watchdog_job,
            IntervalTrigger(seconds=WATCHDOG_EVERY),
            id="watchdog",
            coalesce=True,
            max_instances=1,
        )

    async def main(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._request_stop, sig)
        # Page work runs in worker processes that live as long as the daemon.
        with PagePool(worker_count(self.settings.fetch.workers)) as self.pages:
            return await self._serve()

    async def _serve(self) -> int:
        async with (
            Fetcher(
                self.settings.fetch.client_settings(self.settings.sources),
                replay=self.replay,
                robots_cache=DbRobotsCache(self.db),
            ) as fetcher,
            make_client(allow_private_networks=self.settings.alerts.allow_private_networks) as client,
        ):
            self.fetcher, self.client = fetcher, client
            self.schedule()
            self.scheduler.start()
            log.info(
                "monitor running: %d sources, %d webhooks, db %s",
                len(self.settings.sources),
                len(self.settings.webhooks),
                self.settings.storage.path,
            )
            web = asyncio.create_task(self.web_job()) if self.web else None
            await self.stop.wait()
            self.scheduler.shutdown(wait=False)
            if web is not None:  # let uvicorn finish its open responses before the rest is cancelled
                await asyncio.wait([web], timeout=5)
            pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=5)
        self.db.conn.close()
        log.info("monitor stopped")
        return 1 if self.web_failed else self.exit_code

    def _request_stop(self, sig: signal.Signals) -> None:
        if not self.stop.is_set():
            log.info("received %s: stopping", sig.name)
            self.stop.set()


def run_daemon(
    settings: Settings, *, replay: Cassette | None = None, tick: float | None = None, web: str | None = None
) -> int:
    require_topics(settings)
    lock = DaemonLock(settings.storage.path)
    try:
        lock.acquire()
    except MonitorError as exc:
        log.error("%s", exc)  # the service's logs are its output: one line, text or JSON
        return 1
    try:
        return asyncio.run(Daemon(settings, replay=replay, tick=tick, web=web).main())
    finally:
        lock.release()
