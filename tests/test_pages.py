"""Page work in worker processes: same results as in-process; a crash or a hang costs one page."""

from __future__ import annotations

import asyncio
import os
import time
from datetime import UTC, datetime

import pytest

from monitor.config import load_settings, parse_settings
from monitor.errors import ConfigError
from monitor.pages import BACKLOG_PER_WORKER, PageJob, PagePool, process_page, run_job, worker_count
from monitor.pipeline import crawl_source
from scrapers.fetch import Fetcher
from storage import open_db

from .conftest import FIXTURES, demo_config

PAGE = FIXTURES / "sites" / "demo" / "gb" / "news" / "articleView.html@idxno=51001"
CULPRIT = "idxno=51002"


def crash_on_culprit(job: PageJob):
    """A worker task that dies (like a segfault in a C parser) on one page."""
    if CULPRIT in job.url:
        os._exit(1)
    return run_job(job)


def hang_on_culprit(job: PageJob):
    """A worker task that never finishes one page (like a pathological parse)."""
    if CULPRIT in job.url:
        time.sleep(600)
    return run_job(job)


def slow(job: PageJob):
    """A worker task that takes a while on every page."""
    time.sleep(0.3)
    return run_job(job)


def _job(settings, url="http://x/gb/news/articleView.html?idxno=51001") -> PageJob:
    return PageJob(PAGE.read_bytes(), url, None, None, None, settings.topics)


def test_a_worker_gives_the_same_frozen_article_and_matches_as_in_process(site, tmp_path):
    settings = load_settings(demo_config(site, tmp_path))
    job = _job(settings)

    async def go():
        with PagePool(1) as pool:
            return await pool.process(job)

    pooled = asyncio.run(go())
    local = process_page(job)
    assert pooled == local
    assert pooled.matches and pooled.signature is not None  # the demo page is on topic


@pytest.mark.parametrize("task", [crash_on_culprit, hang_on_culprit], ids=["crash", "hang"])
def test_a_page_that_kills_or_hangs_its_worker_costs_that_page_only(site, tmp_path, task):
    settings = load_settings(demo_config(site, tmp_path))
    source = settings.source("gbsinmungo")
    db = open_db(tmp_path / "pages.db")

    async def go():
        with PagePool(2, deadline=3.0, task=task) as pool:
            async with Fetcher(settings.fetch.client_settings()) as fetcher:
                report = await crawl_source(
                    source,
                    settings=settings,
                    fetcher=fetcher,
                    db=db,
                    now=lambda: datetime.now(UTC),
                    pages=pool,
                )
            after = await pool.process(_job(settings))  # the pool was rebuilt: work goes on
            return report, pool.crashes, after

    report, crashes, after = asyncio.run(go())
    assert report.fetched == 3 and report.errors == 1 and not report.failed
    assert CULPRIT in report.error_samples[0] and "page work" in report.error_samples[0]
    clean = db.execute(
        "SELECT COUNT(*) FROM fetch_log WHERE url LIKE '%idxno=%' AND error IS NULL AND status = 200"
    ).fetchone()[0]
    assert clean == 2  # the other two pages of the feed went through (stored, or seen unmatched)
    assert crashes >= 1 and after.article.title
    kind, error = db.execute(
        "SELECT error_kind, error FROM fetch_log WHERE url LIKE ?", (f"%{CULPRIT}%",)
    ).fetchone()
    assert kind == "extraction" and "page work" in error


def test_fetches_wait_while_pages_already_wait_for_a_worker(site, tmp_path):
    """The backlog is bounded: with one page in the worker and BACKLOG_PER_WORKER waiting, a new
    fetch waits until one of them is handed over."""
    job = _job(load_settings(demo_config(site, tmp_path)))

    async def go():
        with PagePool(1, task=slow) as pool:
            pages = [asyncio.create_task(pool.process(job)) for _ in range(BACKLOG_PER_WORKER + 1)]
            await asyncio.sleep(0.1)
            room = asyncio.create_task(pool.room())
            await asyncio.sleep(0.1)
            assert not room.done()
            await asyncio.wait_for(room, 5)  # the first page came back: the next went in
            assert sum(p.done() for p in pages) == 1
            return await asyncio.gather(*pages)

    assert all(r.matches for r in asyncio.run(go()))


def test_every_fetch_waiting_for_room_gets_it_though_some_never_come_to_a_worker(site, tmp_path):
    """A fetch let through may end without page work (a 304, a failed fetch): the others waiting
    must not depend on it."""
    job = _job(load_settings(demo_config(site, tmp_path)))

    async def go():
        with PagePool(1, task=slow) as pool:
            pages = [asyncio.create_task(pool.process(job)) for _ in range(BACKLOG_PER_WORKER + 1)]
            await asyncio.sleep(0.1)
            not_modified = [asyncio.create_task(pool.room()) for _ in range(3 * BACKLOG_PER_WORKER)]
            await asyncio.gather(*pages)
            await asyncio.wait_for(asyncio.gather(*not_modified), 5)

    asyncio.run(go())


def test_workers_and_max_connections_are_checked_keys():
    assert parse_settings("[fetch]\nworkers = 0\n", environ={}).fetch.workers == 0
    assert worker_count("auto") >= 1 and worker_count(3) == 3
    for bad in ('"many"', "-1", "1.5"):
        with pytest.raises(ConfigError, match="workers"):
            parse_settings(f"[fetch]\nworkers = {bad}\n", environ={})
    with pytest.raises(ConfigError, match="max_connections"):
        parse_settings("[fetch]\nmax_connections = 0\n", environ={})


def test_the_connection_pool_holds_every_source_host():
    text = "".join(
        f'[[sources]]\nname = "s{i}"\nkind = "feed"\nurl = "http://h{i}.example/rss"\n' for i in range(20)
    )
    settings = parse_settings("[fetch]\nper_host_concurrency = 2\n" + text, environ={})
    assert settings.fetch.client_settings(settings.sources).max_connections == 80  # 2 x 20 hosts x 2
    fixed = parse_settings("[fetch]\nmax_connections = 24\n" + text, environ={})
    assert fixed.fetch.client_settings(fixed.sources).max_connections == 24
