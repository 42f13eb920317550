"""The site `bench.crawl` crawls: 20 loopback hosts, one feed each, 2,000 real-size Korean pages.

Pages are the 19 real pages of `/work/shared/corpora/korean-news` (EUC-KR ones kept EUC-KR),
copied round-robin; every copy gets its own URL (og:url and canonical rewritten) and a sentence
of its own inside the article body (else copies would be one article by content hash), and one
copy in four a sentence naming the topic. Each feed is the real 100-item Chosun Arc feed of the
corpus with its links pointed at the host's pages, so feed parsing costs what it costs in life.

Served by nginx from the Debian package when it is installed (one worker process, keep-alive,
an access log with nginx's connection serial number, from which connections are counted), else
by one Python server process per host.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing import Process
from pathlib import Path

CORPUS = Path("/work/shared/corpora/korean-news")
TOPIC_SENTENCE = "포항시는 국가 AI 컴퓨팅센터 유치를 위해 {n}번째 전략 회의를 열었다."
UNIQUE_SENTENCE = "이 기사는 벤치마크 사본 {n}번으로 고유 문장 {n}을 담고 있다."
_URL_TAGS = re.compile(
    r"""<(?:meta[^>]+og:url[^>]*?content|link[^>]+rel=["']?canonical["']?[^>]*?href)\s*=\s*["']([^"']+)""",
    re.I,
)


@dataclass(frozen=True)
class Site:
    root: Path
    hosts: list[str]  # "127.0.0.2:8181", ...
    pages: int
    on_topic: int
    server: str  # "nginx 1.22.1" or "python"

    def feed_url(self, h: int) -> str:
        return f"http://{self.hosts[h]}/feed.xml"

    def page_urls(self, h: int) -> list[str]:
        per = self.pages // len(self.hosts)
        return [f"http://{self.hosts[h]}/a/{i}.html" for i in range(per)]


def _base_pages() -> list[tuple[bytes, str, str]]:
    """(bytes, codec, og/canonical URL) of each corpus page."""
    manifest = json.loads((CORPUS / "manifest.json").read_text())
    out = []
    for entry in manifest:
        raw = (CORPUS / entry["file"]).read_bytes()
        codec = "cp949" if entry["charset"].upper() == "EUC-KR" else "utf-8"
        text = raw.decode(codec, "replace")
        urls = _URL_TAGS.findall(text)
        out.append((raw, codec, urls[0] if urls else entry["url"]))
    return out


def _insertion_point(raw: bytes, codec: str, url: str) -> int:
    """Where in the decoded page a sentence lands inside the extracted body (tried, not guessed)."""
    from scrapers.extract import extract_article

    text = raw.decode(codec, "replace")
    marker = "표식문장입니다 가나다라마바사 표식문장입니다."
    candidates = [m.start() for m in re.finditer(r"<p[ >]|<br\s*/?>|</p>", text, re.I)]
    candidates += [
        m.end()
        for m in re.finditer(
            r'id="article[^"]*"[^>]*>|class="[^"]*(?:article|news)_?(?:body|txt|view|content)[^"]*"[^>]*>',
            text,
            re.I,
        )
    ]
    for pos in sorted(set(candidates), key=lambda p: -p)[:400]:
        page = (text[:pos] + marker + " " + text[pos:]).encode(codec, "replace")
        try:
            art = extract_article(page, url=url)
        except Exception:
            continue
        if marker in art.body:
            return pos
    raise RuntimeError(f"no place in {url} where an inserted sentence reaches the body")


def build_site(root: Path, *, hosts: int = 20, pages: int = 2000, port: int = 8181) -> Site:
    if root.exists():
        shutil.rmtree(root)
    bases = []
    for raw, codec, url in _base_pages():
        bases.append((raw.decode(codec, "replace"), codec, url, _insertion_point(raw, codec, url)))
    names = [f"127.0.0.{2 + h}:{port}" for h in range(hosts)]
    feed_template = (CORPUS / "rss" / "chosun_arc_national.xml").read_text("utf-8")
    items = re.findall(r"<item>.*?</item>", feed_template, re.S)
    head, tail = feed_template.split(items[0], 1)[0], feed_template.rsplit(items[-1], 1)[1]
    per = pages // hosts
    on_topic = 0
    for h, name in enumerate(names):
        folder = root / name.replace(":", "_")
        (folder / "a").mkdir(parents=True)
        feed_items = []
        for i in range(per):
            n = h * per + i
            text, codec, old_url, pos = bases[n % len(bases)]
            url = f"http://{name}/a/{i}.html"
            sentence = UNIQUE_SENTENCE.format(n=n)
            if n % 4 == 0:
                sentence += " " + TOPIC_SENTENCE.format(n=n)
                on_topic += 1
            page = text[:pos] + sentence + " " + text[pos:]
            page = page.replace(old_url, url)
            (folder / "a" / f"{i}.html").write_bytes(page.encode(codec, "replace"))
            item = items[i % len(items)]
            item = re.sub(r"<link>.*?</link>", f"<link>{url}</link>", item, count=1, flags=re.S)
            item = re.sub(
                r"<guid[^>]*>.*?</guid>", f'<guid isPermaLink="true">{url}</guid>', item, flags=re.S
            )
            feed_items.append(item)
        (folder / "feed.xml").write_text(head + "".join(feed_items) + tail, "utf-8")
    return Site(root, names, per * hosts, on_topic, "")


# --- serving ------------------------------------------------------------------------------------

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{ text/html html; application/rss+xml xml; }}
    log_format conns '$connection $connection_requests $http_user_agent';
    access_log {root}/access.log conns;
    keepalive_requests 100000;
    keepalive_timeout 75s;
    sendfile on;
    {servers}
}}
"""
NGINX_SERVER = "server {{ listen {host}; root {folder}; location / {{ }} }}"


class Server:
    """The running site: nginx when installed, else Python servers (one process per host)."""

    def __init__(self, site: Site):
        self.site = site
        self.log = site.root / "access.log"
        self._nginx: subprocess.Popen | None = None
        self._procs: list[Process] = []
        self.name = ""

    def __enter__(self) -> Server:
        nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
        if nginx:
            servers = "\n    ".join(
                NGINX_SERVER.format(host=h, folder=self.site.root / h.replace(":", "_"))
                for h in self.site.hosts
            )
            conf = self.site.root / "nginx.conf"
            conf.write_text(NGINX_CONF.format(root=self.site.root, servers=servers))
            version = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr.strip()
            self.name = version.replace("nginx version: ", "")
            self._nginx = subprocess.Popen([nginx, "-c", str(conf), "-p", str(self.site.root)])
        else:
            self.name = "python http.server (one process per host)"
            for h in self.site.hosts:
                p = Process(target=_serve, args=(h, self.site.root / h.replace(":", "_")), daemon=True)
                p.start()
                self._procs.append(p)
        _wait_listening(self.site.hosts)
        return self

    def __exit__(self, *exc) -> None:
        if self._nginx is not None:
            self._nginx.terminate()
            self._nginx.wait(10)
        for p in self._procs:
            p.terminate()
            p.join(5)

    def cpu_seconds(self) -> float | None:
        import psutil

        if self._nginx is None:
            return None
        parent = psutil.Process(self._nginx.pid)
        total = 0.0
        for proc in [parent, *parent.children()]:
            t = proc.cpu_times()
            total += t.user + t.system
        return total

    def reset_log(self) -> None:
        if self.log.exists():
            self.log.write_bytes(b"")  # nginx appends (O_APPEND): truncating starts it afresh

    def connections(self, agent_prefix: str) -> tuple[int, int]:
        """(connections, requests) in the log since the last reset, for one client's User-Agent."""
        if self._nginx is None or not self.log.exists():
            return (0, 0)
        conns, requests = set(), 0
        for line in self.log.read_text("utf-8", "replace").splitlines():
            serial, _, agent = line.split(" ", 2)
            if agent.startswith(agent_prefix):
                conns.add(serial)
                requests += 1
        return len(conns), requests


def _serve(host: str, folder: Path) -> None:
    address, port = host.rsplit(":", 1)

    class Handler(SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(folder), **kw)

        def log_message(self, *a):
            pass

    ThreadingHTTPServer((address, int(port)), Handler).serve_forever()


def _wait_listening(hosts: list[str]) -> None:
    import socket

    deadline = time.monotonic() + 15
    for h in hosts:
        address, port = h.rsplit(":", 1)
        while True:
            try:
                socket.create_connection((address, int(port)), 0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
