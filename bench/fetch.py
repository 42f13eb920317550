"""Fetch+extract rate against a loopback server of 2,000+ fixture article pages, next to the raw
httpx fetch rate measured in the same run (the ceiling), and the crawl's peak memory.

    python -m bench.fetch [--pages 2000] [--concurrency 8]

The server (a separate process, stdlib ThreadingHTTPServer on 127.0.0.1) serves the fixture
pages under distinct URLs. Politeness is off (no delay, per-host concurrency raised). Run 1 is
bare httpx GETs of every page; run 2 is our Fetcher (limits, SSRF guard, decoding) plus
extract_article and topic matching on every page.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from monitor.config import load_settings
from monitor.topics import match_topics
from scrapers.extract import extract_article
from scrapers.fetch import Fetcher, FetchSettings

ROOT = Path(__file__).resolve().parents[1]


def serve(port_queue, pages: list[bytes]) -> None:
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            n = int(self.path.rsplit("/", 1)[-1].split(".")[0] or 0) if self.path.startswith("/a/") else 0
            body = pages[n % len(pages)]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class S(ThreadingHTTPServer):
        daemon_threads = True

    httpd = S(("127.0.0.1", 0), H)
    port_queue.put(httpd.server_address[1])
    httpd.serve_forever()


async def raw_rate(urls: list[str], concurrency: int) -> float:
    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=concurrency)) as client:

        async def one(u):
            async with sem:
                r = await client.get(u)
                return len(r.content)

        t0 = time.perf_counter()
        await asyncio.gather(*(one(u) for u in urls))
        return len(urls) / (time.perf_counter() - t0)


async def full_rate(urls: list[str], concurrency: int) -> tuple[float, int]:
    topics = load_settings(None, cwd=ROOT / "bench").topics
    s = FetchSettings(
        per_host_delay=0,
        per_host_concurrency=concurrency,
        respect_robots=False,
        allow_private_networks=True,
        max_connections=concurrency,
    )
    sem = asyncio.Semaphore(concurrency)
    matched = 0
    async with Fetcher(s) as f:

        async def one(u):
            nonlocal matched
            async with sem:
                got = await f.fetch(u)
            art = extract_article(got.content, url=got.url, content_type=got.content_type)
            matched += bool(match_topics(topics, art.title, art.body))

        t0 = time.perf_counter()
        await asyncio.gather(*(one(u) for u in urls))
        return len(urls) / (time.perf_counter() - t0), matched


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    a = ap.parse_args()
    pages = [
        p.read_bytes().decode("cp949" if "euckr" in p.name else "utf-8").encode("utf-8")
        for p in sorted((ROOT / "fixtures" / "pages").glob("*.html"))
    ]
    q = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(q, pages), daemon=True)
    server.start()
    port = q.get(timeout=10)
    urls = [f"http://127.0.0.1:{port}/a/{n}.html" for n in range(a.pages)]
    try:
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        raw = asyncio.run(raw_rate(urls, a.concurrency))
        full, matched = asyncio.run(full_rate(urls, a.concurrency))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finally:
        server.terminate()
    avg_kb = sum(map(len, pages)) / len(pages) / 1024
    print(
        f"{a.pages} pages (~{avg_kb:.0f} KB each), concurrency {a.concurrency}, loopback server in another process"
    )
    print(f"  raw httpx fetch (ceiling):        {raw:8.0f} pages/s")
    print(
        f"  fetch + extract + match (ours):   {full:8.0f} articles/s  ({full / raw:.0%} of the ceiling; {matched} matched)"
    )
    print(f"  peak RSS of the crawl process:    {peak:8.0f} MiB (at start {rss0:.0f} MiB)")


if __name__ == "__main__":
    main()
