"""Load: `monitor run` against a loopback site of many sources and articles, for a bounded time.

    python -m bench.load [--sources 500] [--articles 20000] [--seconds 180] [--interval 10]

A server process generates the site on the fly: every source is a feed of NDSoft-style article
pages; three quarters of each feed is there at the start (the backlog), the rest appears during
the first half of the run. A fifth of the articles mention the topic. The daemon runs as a
subprocess (politeness off: one host serves every source); a webhook receiver in this process
notes when each alert arrives. Reported: articles stored per second, the daemon's CPU time and
peak RSS, the database size, and the alert latency (article appearing on the site -> webhook
received) at the median and 99th percentile, for the articles that appeared during the run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .procs import TreeSampler

ROOT = Path(__file__).resolve().parents[1]
WORDS = (
    "포항 구미 대구 경북 울산 광주 시 도 정부 지역 기업 대학 연구 산업 단지 전력 공급 인프라 협력 회의 관계자 주민 "
    "설명회 투자 협약 공모 선정 기관 건립 조성 확대 지원 교육 인재 반도체 전자 통신 활용 수요 경쟁 강점 과제 방안 "
    "검토 추경 행사 축제 관광 교통 안전 복지 문화 체육 농업 어업 환경 청년 일자리 주택 도로 병원 학교 시장 의회"
).split()


class Site:
    def __init__(self, sources: int, per_source: int, start: float, seconds: float, seed: int = 3):
        self.sources, self.per_source, self.start = sources, per_source, start
        rng = random.Random(seed)
        backlog = int(per_source * 0.75)
        # appear[s][i]: seconds after start when item i of source s appears (0 = backlog)
        self.appear = [
            [0.0 if i < backlog else rng.uniform(1, seconds * 0.5) for i in range(per_source)]
            for _ in range(sources)
        ]

    def visible(self, s: int, now: float) -> list[int]:
        return [i for i, t in enumerate(self.appear[s]) if self.start + t <= now]

    @staticmethod
    def matches(s: int, i: int) -> bool:
        return (s * 31 + i) % 5 == 0

    def article(self, s: int, i: int) -> bytes:
        rng = random.Random(s * 100003 + i)
        paras = []
        for _ in range(rng.randint(5, 8)):
            paras.append(
                " ".join(" ".join(rng.choices(WORDS, k=rng.randint(8, 14))) + "다." for _ in range(3))
            )
        if self.matches(s, i):
            paras.insert(
                1, f"시는 국가 AI 컴퓨팅센터 유치를 위해 {s}번째 전략 회의를 열고 {i}개 과제를 논의했다."
            )
        title = f"{WORDS[s % len(WORDS)]} 소식 {s}-{i}"
        body = "".join(f"<p>{p}</p>" for p in paras)
        return (
            f'<html lang="ko"><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<nav><a href="/">홈</a></nav><h3 class="heading">{title}</h3>'
            f'<ul class="infomation"><li>기자{s % 97} 기자</li><li>입력 2026.11.21 10:{i % 60:02d}</li></ul>'
            f'<article id="article-view-content-div">{body}</article>'
            f'<aside><h3>최신뉴스</h3><a href="/news/articleView.html?idxno=1">국가 AI 컴퓨팅센터 관련 다른 기사</a></aside>'
            f"</body></html>"
        ).encode()


def serve(port_q, sources, per_source, start, seconds):
    site = Site(sources, per_source, start, seconds)

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            parts = urlsplit(self.path)
            if parts.path == "/robots.txt":
                body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
            elif parts.path.startswith("/feed/"):
                s = int(parts.path.split("/")[2])
                items = "".join(
                    f"<item><title>t</title><link>http://127.0.0.1:{self.server.server_address[1]}"
                    f"/s{s}/news/articleView.html?idxno={i}</link></item>"
                    for i in reversed(site.visible(s, time.time()))
                )
                body, ctype = (
                    f"<rss><channel><title>s{s}</title>{items}</channel></rss>".encode(),
                    "application/rss+xml",
                )
            else:
                s = int(parts.path.split("/")[1][1:])
                i = int(parse_qs(parts.query)["idxno"][0])
                body, ctype = site.article(s, i), "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class S(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256

    httpd = S(("127.0.0.1", 0), H)
    port_q.put(httpd.server_address[1])
    httpd.serve_forever()


class Receiver:
    def __init__(self):
        self.received: dict[str, float] = {}
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.received.setdefault(data["data"]["article"]["url"], time.time())
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", type=int, default=500)
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--seconds", type=float, default=180)
    ap.add_argument("--interval", type=float, default=10)
    a = ap.parse_args()
    per_source = a.articles // a.sources
    start = time.time() + 3
    q = multiprocessing.Queue()
    server = multiprocessing.Process(
        target=serve, args=(q, a.sources, per_source, start, a.seconds), daemon=True
    )
    server.start()
    port = q.get(timeout=10)
    receiver = Receiver()
    tmp = Path(tempfile.mkdtemp(prefix="monitor-load-"))
    secret = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
    sources = "".join(
        f'[[sources]]\nname = "s{s}"\nkind = "feed"\nurl = "http://127.0.0.1:{port}/feed/{s}"\ninterval = {a.interval}\nmax_links = {per_source}\n'
        for s in range(a.sources)
    )
    (tmp / "load.toml").write_text(
        f'[storage]\npath = "{tmp / "load.db"}"\n[fetch]\nper_host_delay = 0\nper_host_concurrency = 8\n'
        f"allow_private_networks = true\nrespect_robots = false\nretries = 1\n"
        "[alerts]\nallow_private_networks = true\n"  # the receiver is on loopback
        f'[[topics]]\nname = "ai-center"\nany = ["국가 AI 컴퓨팅센터"]\n'
        f'[[webhooks]]\nname = "load"\nurl = "{receiver.url}"\nformat = "json"\nsecret = "{secret}"\n{sources}',
        "utf-8",
    )
    while time.time() < start:
        time.sleep(0.05)
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "run", "--config", str(tmp / "load.toml"), "--tick", "1", "-q"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        # A file, not a pipe nobody reads: a full pipe would stall the daemon's logging.
        stderr=(tmp / "daemon.log").open("w"),
    )
    t0 = time.time()
    sampler = TreeSampler(proc.pid, every=0.25)
    time.sleep(a.seconds)
    proc.send_signal(signal.SIGTERM)
    _, status, usage = os.wait4(proc.pid, 0)
    stopped = time.time()
    sampler.stop()
    server.terminate()
    import sqlite3

    db = sqlite3.connect(tmp / "load.db")
    stored = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    seen = db.execute("SELECT COUNT(*) FROM fetch_log WHERE status = 200").fetchone()[0]
    db_mb = sum(f.stat().st_size for f in tmp.glob("load.db*")) / 1e6
    site = Site(a.sources, per_source, start, a.seconds)
    latencies = []
    for url, got in receiver.received.items():
        s = int(urlsplit(url).path.split("/")[1][1:])
        i = int(parse_qs(urlsplit(url).query)["idxno"][0])
        if site.appear[s][i] > 0:
            latencies.append(got - (start + site.appear[s][i]))
    expected_live = sum(
        1 for s in range(a.sources) for i in range(per_source) if site.appear[s][i] > 0 and Site.matches(s, i)
    )
    wall = stopped - t0
    print(
        f"{a.sources} sources, {a.sources * per_source} articles ({per_source} per feed), interval {a.interval:g}s, ran {wall:.0f}s"
    )
    print(f"  pages fetched and extracted: {seen} ({seen / wall:.0f}/s); matched articles stored: {stored}")
    print(
        f"  daemon CPU: {usage.ru_utime + usage.ru_stime:.0f}s ({(usage.ru_utime + usage.ru_stime) / wall:.0%} of one core)"
    )
    mib = 2**20
    print(
        f"  daemon peak RSS {sampler.root_rss / mib:.0f} MiB, of it not file-backed {sampler.root_anon / mib:.0f} MiB "
        f"(the rest: the mmapped database and libraries); with its page workers: "
        f"PSS {sampler.peak_pss / mib:.0f} MiB, RSS sum {sampler.peak_rss / mib:.0f} MiB"
    )
    print(
        f"  database: {db_mb:.1f} MB; alerts received: {len(receiver.received)}; exit status {os.waitstatus_to_exitcode(status)}"
    )
    if latencies:
        latencies.sort()
        p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
        print(
            f"  alert latency for {len(latencies)} of {expected_live} live-appearing matches: "
            f"median {statistics.median(latencies):.1f}s, p99 {p99:.1f}s"
        )
    print(f"  (files in {tmp})")


if __name__ == "__main__":
    main()
