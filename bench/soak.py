"""Memory soak: thousands of crawl cycles (compressed time) against the local demo site.

    python -m bench.soak [--cycles 10000] [--warmup 1000]

Each cycle is one crawl_source() of one of the demo site's three sources, with the real
fetcher, extraction, matching and a real SQLite file (stored articles are re-checked every
cycle). Prints RSS after warm-up and at the end; the goal is growth under 20 MiB. With
`--workers N` (default "auto") page work goes through the daemon's process pool, whose
workers' RSS is printed too (they live as long as the daemon).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from monitor.config import load_settings
from monitor.pages import PagePool, worker_count
from monitor.pipeline import crawl_source
from scrapers.fetch import Fetcher
from storage.db import open_db
from tests.conftest import demo_config
from tests.servers import SiteServer


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cycles", type=int, default=10_000)
    ap.add_argument("--warmup", type=int, default=1_000)
    ap.add_argument("--workers", default="auto")
    a = ap.parse_args()
    pool = PagePool(worker_count(a.workers if a.workers == "auto" else int(a.workers)))
    tmp = Path(tempfile.mkdtemp(prefix="monitor-soak-"))
    site = SiteServer(tmp / "site")
    settings = load_settings(demo_config(site, tmp))
    db = open_db(settings.storage.path)

    async def run(n: int) -> None:
        async with Fetcher(settings.fetch.client_settings()) as fetcher:
            for k in range(n):
                await crawl_source(
                    settings.sources[k % 3],
                    settings=settings,
                    fetcher=fetcher,
                    db=db,
                    now=lambda: datetime.now(UTC),
                    pages=pool,
                )

    t0 = time.perf_counter()
    asyncio.run(run(a.warmup))
    after_warmup, workers_warm = rss_mib(), pool_rss_mib()
    asyncio.run(run(a.cycles))
    end, workers_end = rss_mib(), pool_rss_mib()
    pool.close()
    site.close()
    wal = Path(str(settings.storage.path) + "-wal")
    print(
        f"{a.warmup} warm-up + {a.cycles} cycles in {time.perf_counter() - t0:.0f}s: RSS {after_warmup:.1f} MiB "
        f"after warm-up, {end:.1f} MiB at the end (growth {end - after_warmup:+.1f} MiB); "
        f"WAL {wal.stat().st_size / 1e6 if wal.exists() else 0:.1f} MB; "
        f"pool workers ({pool.workers}) RSS {workers_warm:.1f} -> {workers_end:.1f} MiB in all"
    )


def pool_rss_mib() -> float:
    """RSS of this process's descendants (the fork server and the pool's workers)."""
    import psutil

    return sum(p.memory_info().rss for p in psutil.Process().children(recursive=True)) / 2**20


if __name__ == "__main__":
    main()
