"""Poll-cycle cost: requests, bytes and CPU per cycle, before and after conditional sources.

    python -m bench.conditional [--sources 100] [--links 30] [--cycles 5]

A server process serves `--sources` RSS feeds of `--links` NDSoft-style article pages each
(a fifth mention the topic). The monitor crawls them all once (the backlog), then `--cycles`
more times with nothing changed on the site. Reported per steady cycle: requests and bytes the
server sent, and the monitor's CPU time.

- before: what the monitor did before issue 12, as a site that ignores validators sees it:
  every feed downloaded in full each cycle, stored articles not looked at again within
  `recheck_after = 15m` (the old default);
- after: a site that answers 304: every feed and every article younger than 48 h is asked for
  with its validators (so an edit is seen on the next cycle), and each answer is a 304.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import multiprocessing
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.load import Site


def serve(port_queue, sources: int, links: int, honour: bool) -> None:
    site = Site(sources, links, start=0.0, seconds=1.0)
    stats = {"requests": 0, "bytes": 0, "not_modified": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path == "/stats":
                body = json.dumps(stats).encode()
                return self._send(200, body, "application/json", count=False)
            stats["requests"] += 1
            if self.path == "/robots.txt":
                return self._send(404, b"", "text/plain")
            parts = self.path.strip("/").split("/")
            if parts[0] == "feed":
                s = int(parts[1])
                items = "".join(
                    f"<item><title>기사 {s}-{i}</title><link>http://127.0.0.1:{port}/art/{s}/{i}</link>"
                    f"<pubDate>Tue, 03 Jun 2025 09:{i % 60:02d}:00 +0900</pubDate></item>"
                    for i in range(links)
                )
                body = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{items}</channel></rss>'
                return self._send(200, body.encode(), "application/rss+xml")
            body = site.article(int(parts[1]), int(parts[2]))
            return self._send(200, body, "text/html; charset=utf-8")

        def _send(self, status, body, ctype, count=True):
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if count and honour and status == 200 and self.headers.get("If-None-Match") == etag:
                stats["not_modified"] += 1
                status, body = 304, b""
            stats["bytes"] += len(body) if count else 0
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = httpd.server_address[1]
    port_queue.put(port)
    httpd.serve_forever()


def config(port: int, sources: int, db: Path, recheck_after: str) -> str:
    feeds = "".join(
        f'[[sources]]\nname = "s{s}"\nkind = "feed"\nurl = "http://127.0.0.1:{port}/feed/{s}"\n'
        for s in range(sources)
    )
    return f"""[storage]
path = "{db}"
[fetch]
per_host_delay = 0
per_host_concurrency = 16
allow_private_networks = true
recheck_after = "{recheck_after}"
[[topics]]
name = "ai-center"
any = ["국가 AI 컴퓨팅센터"]
{feeds}"""


def stats(port: int) -> dict:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats") as resp:
        return json.loads(resp.read())


def measure(mode: str, sources: int, links: int, cycles: int) -> dict:
    from monitor.config import parse_settings
    from monitor.runner import run_crawl

    honour = mode == "after"
    q: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(q, sources, links, honour), daemon=True)
    server.start()
    port = q.get(timeout=10)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            text = config(port, sources, Path(tmp) / "m.db", "15m" if mode == "before" else "0")
            settings = parse_settings(text, environ={})
            asyncio.run(run_crawl(settings))  # the backlog
            base = stats(port)
            cpu0, wall0 = time.process_time(), time.perf_counter()
            for _ in range(cycles):
                asyncio.run(run_crawl(settings))
            cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
            end = stats(port)
    finally:
        server.terminate()
    return {
        "mode": mode,
        "requests_per_cycle": (end["requests"] - base["requests"]) / cycles,
        "kib_per_cycle": round((end["bytes"] - base["bytes"]) / cycles / 1024, 1),
        "not_modified_per_cycle": (end["not_modified"] - base["not_modified"]) / cycles,
        "cpu_ms_per_cycle": round(cpu / cycles * 1000, 1),
        "wall_ms_per_cycle": round(wall / cycles * 1000, 1),
    }


def kept_cost(n: int = 1000) -> dict:
    """Database bytes for `n` unmatched articles kept for re-matching (~600 characters each)."""
    import os
    import random
    from datetime import UTC, datetime

    from bench.load import WORDS
    from scrapers.models import Article
    from storage.db import open_db, write_transaction
    from storage.models import ArticleInput
    from storage.unmatched import keep_article

    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.db")
        db = open_db(path)
        db.execute("VACUUM")
        base = os.path.getsize(path)
        with write_transaction(db):
            for i in range(n):
                body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(40)) for _ in range(5))
                title = " ".join(rng.choice(WORDS) for _ in range(6))
                url = f"https://x.kr/news/articleView.html?idxno={i}"
                item = ArticleInput(url, url, "s", Article(title=title, body=body, byline="김철수 기자"))
                keep_article(db, item, "0" * 32, datetime.now(UTC))
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("VACUUM")
        return {"kept_articles": n, "kib_per_1000": round((os.path.getsize(path) - base) / n * 1000 / 1024)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", type=int, default=100)
    ap.add_argument("--links", type=int, default=30)
    ap.add_argument("--cycles", type=int, default=5)
    args = ap.parse_args()
    print(json.dumps(kept_cost()))
    for mode in ("before", "after"):
        print(json.dumps(measure(mode, args.sources, args.links, args.cycles)))


if __name__ == "__main__":
    main()
