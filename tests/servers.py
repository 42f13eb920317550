"""Real HTTP servers on 127.0.0.1 for the tests: the demo site with fault routes, and a webhook receiver."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import socket
import sys
import threading
import time
import zlib
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .conftest import FIXTURES

DEMO_BASE = "http://demo.ai-center-monitor.test"
# How often serve_forever looks for shutdown(): the default 0.5 s was a quarter of the suite's time.
POLL = 0.02


_BOMBS: dict[str, tuple[bytes, str]] = {}


def _stream_compress(compressor, total: int) -> bytes:
    zeros = b"\0" * (1024 * 1024)
    parts = [compressor.compress(zeros) for _ in range(total // len(zeros))]
    parts.append(compressor.flush())
    return b"".join(parts)


def bomb(kind: str) -> tuple[bytes, str]:
    """200 MiB of zeros, compressed without ever holding the 200 MiB (so the server stays small)."""
    if kind not in _BOMBS:
        size = 200 * 1024 * 1024
        gz = lambda: zlib.compressobj(9, zlib.DEFLATED, 31)  # noqa: E731
        if kind == "gzip":
            _BOMBS[kind] = (_stream_compress(gz(), size), "gzip")
        elif kind == "brotli":
            import brotli

            c = brotli.Compressor(quality=5)
            zeros = b"\0" * (1024 * 1024)
            data = b"".join(c.process(zeros) for _ in range(200)) + c.finish()
            _BOMBS[kind] = (data, "br")
        elif kind == "chained":
            inner = _stream_compress(gz(), size)
            _BOMBS[kind] = (gzip.compress(gzip.compress(inner, 9), 9), "gzip, gzip, gzip")
        else:
            import zstandard

            c = zstandard.ZstdCompressor(level=3).compressobj()
            zeros = b"\0" * (1024 * 1024)
            _BOMBS[kind] = (b"".join(c.compress(zeros) for _ in range(200)) + c.flush(), "zstd")
    return _BOMBS[kind]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address) -> None:
        # A client that closes a kept-alive connection (or gives up on a fault route) is normal
        # here; socketserver's traceback for it went to the output that tests parse as JSON.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class SiteServer:
    """Serves a copy of fixtures/sites/demo (editable by tests) plus one route per fault."""

    def __init__(self, root: Path):
        self.root = root
        shutil.copytree(FIXTURES / "sites" / "demo", root)
        self.types = json.loads((root / "_types.json").read_text())
        self.hits: Counter[str] = Counter()
        self.conditional: Counter[str] = Counter()  # requests carrying If-None-Match / If-Modified-Since
        self.not_modified: Counter[str] = Counter()  # answered 304
        self.robots: tuple[int, bytes] | None = None
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                outer.hits[self.path] += 1
                if self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"):
                    outer.conditional[self.path] += 1
                try:
                    outer.handle(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(POLL,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- helpers for tests ------------------------------------------------------------------
    def file_for(self, path: str) -> Path:
        return self.root / path.lstrip("/").replace("?", "@")

    def edit(self, path: str, old: str, new: str) -> None:
        f = self.file_for(path)
        ctype = self.types.get(path, "")
        enc = "cp949" if "euc-kr" in ctype else "utf-8"
        text = f.read_bytes().decode(enc)
        assert old in text, f"{old!r} not in {path}"
        f.write_bytes(text.replace(old, new).encode(enc))

    def add(self, path: str, body: bytes, ctype: str) -> None:
        """Publish a further page (a test's own outlet) at `path`."""
        f = self.file_for(path)
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(body)
        self.types[path] = ctype

    def reset_counts(self) -> None:
        for counter in (self.hits, self.conditional, self.not_modified):
            counter.clear()

    # -- serving -----------------------------------------------------------------------------
    def send(self, h, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        h.send_response(status)
        headers = dict(headers or {})
        headers.setdefault("Content-Length", str(len(body)))
        for k, v in headers.items():
            h.send_header(k, v)
        h.end_headers()
        if body:
            h.wfile.write(body)

    def handle(self, h) -> None:
        parts = urlsplit(h.path)
        q = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/naver/v1/search/news.json":
            return self.naver(h, q)
        if parts.path == "/robots.txt" and self.robots == "hang":
            time.sleep(4)
            return self.send(h, 200, b"", {"Content-Type": "text/plain"})
        if parts.path.startswith("/fault/"):
            return self.fault(h, parts.path[len("/fault/") :], q)
        if parts.path == "/robots.txt" and self.robots is not None:
            return self.send(h, self.robots[0], self.robots[1], {"Content-Type": "text/plain"})
        f = self.file_for(h.path)
        if not f.is_file():
            return self.send(h, 404, b"not found", {"Content-Type": "text/plain"})
        ctype = self.types.get(h.path, "text/html; charset=utf-8")
        enc = "cp949" if "euc-kr" in ctype else "utf-8"
        body = f.read_bytes().decode(enc).replace(DEMO_BASE, self.base).encode(enc)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if h.headers.get("If-None-Match") == etag:
            self.not_modified[h.path] += 1
            return self.send(h, 304, b"", {"ETag": etag})
        self.send(
            h, 200, body, {"Content-Type": ctype, "ETag": etag, "Last-Modified": formatdate(usegmt=True)}
        )

    def naver(self, h, q: dict) -> None:
        """Plays the Naver News Search API: needs the client headers, answers JSON with publisher links."""
        self.naver_headers = dict(h.headers)
        if not h.headers.get("X-Naver-Client-Id") or not h.headers.get("X-Naver-Client-Secret"):
            return self.send(
                h, 401, b'{"errorMessage": "Not Exist Client ID"}', {"Content-Type": "application/json"}
            )
        items = [
            {
                "title": "포항 <b>국가 AI 컴퓨팅센터</b>",
                "originallink": f"{self.base}/hn/arti/society/area/1001.html",
                "link": "https://n.news.naver.com/mnews/article/999/1",
                "description": "...",
                "pubDate": "Fri, 21 Feb 2025 15:05:00 +0900",
            },
            {
                "title": "구미 AI 데이터센터",
                "originallink": f"{self.base}/gb/news/articleView.html?idxno=51002",
                "link": "https://n.news.naver.com/mnews/article/999/2",
                "description": "...",
                "pubDate": "Tue, 03 Jun 2025 09:40:00 +0900",
            },
        ]
        body = json.dumps(
            {
                "lastBuildDate": "x",
                "total": 2,
                "start": 1,
                "display": 2,
                "query": q.get("query"),
                "items": items,
            }
        )
        return self.send(h, 200, body.encode(), {"Content-Type": "application/json"})

    def fault(self, h, name: str, q: dict) -> None:
        big = 50 * 1024 * 1024
        if name == "status":
            headers = {"Retry-After": q["retry_after"]} if "retry_after" in q else {}
            count = self.hits[h.path]
            ok_after = int(q.get("ok_after", "999"))
            if count > ok_after:
                return self.send(
                    h,
                    200,
                    "<html><body><p>회복된 페이지입니다.</p></body></html>".encode(),
                    {"Content-Type": "text/html; charset=utf-8"},
                )
            return self.send(h, int(q.get("code", "500")), b"fault", headers)
        if name == "slow":
            time.sleep(float(q.get("delay", "3")))
            return self.send(h, 200, b"<html>late</html>", {"Content-Type": "text/html"})
        if name == "drip":
            h.send_response(200)
            h.send_header("Content-Length", "100000")
            h.send_header("Content-Type", "text/html")
            h.end_headers()
            for _ in range(200):
                h.wfile.write(b"x")
                h.wfile.flush()
                time.sleep(0.25)
            return None
        if name == "big":
            chunk = b"<p>" + b"a" * 1021 + b"</p>"
            if q.get("cl") == "1":
                h.send_response(200)
                h.send_header("Content-Length", str(big))
                h.end_headers()
            else:
                h.send_response(200)
                h.send_header("Connection", "close")
                h.end_headers()
            for _ in range(big // len(chunk)):
                h.wfile.write(chunk)
            h.close_connection = True
            return None
        if name in ("gzip", "brotli", "chained", "zstd"):
            body, enc = bomb(name)
            return self.send(h, 200, body, {"Content-Encoding": enc, "Content-Type": "text/html"})
        if name == "gzipshort":  # a gzip body cut off, its Content-Length matching what is sent
            page = (
                "<html><body>" + "<p>포항 국가 AI 컴퓨팅센터 유치 소식입니다.</p>" * 400 + "</body></html>"
            ).encode()
            cut = gzip.compress(page)[: len(gzip.compress(page)) * 2 // 3]
            return self.send(h, 200, cut, {"Content-Encoding": "gzip", "Content-Type": "text/html"})
        if name == "redirect":
            return self.send(h, 302, b"", {"Location": q["to"]})
        if name == "loop":
            return self.send(h, 302, b"", {"Location": "/fault/loop"})
        if name == "short":
            h.send_response(200)
            h.send_header("Content-Length", "5000")
            h.end_headers()
            h.wfile.write(b"<html>only part")
            h.close_connection = True
            return None
        if name == "reset":
            sock = h.connection
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            sock.close()
            h.close_connection = True
            return None
        if name == "page":
            body = q.get("body", "").encode("utf-8")
            return self.send(h, 200, body, {"Content-Type": q.get("type", "text/html")})
        return self.send(h, 404, b"no such fault")


class Receiver:
    """A webhook receiver: records every request; answers from a script of statuses, then 200."""

    def __init__(self):
        self.requests: list[dict] = []
        self.script: list[int | tuple[int, dict] | str] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.lock:
                    action = outer.script.pop(0) if outer.script else 200
                    outer.requests.append({"headers": dict(self.headers), "body": body, "answer": action})
                if action == "hang":
                    time.sleep(3)
                    action = 200
                if action == "drip":  # the whole answer, status line included, a byte every 0.5 s
                    for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok":
                        try:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                        except (BrokenPipeError, ConnectionResetError):
                            return
                        time.sleep(0.5)
                    return
                if isinstance(action, tuple) and action[0] == "big":  # 100 MB answer with this status
                    self.send_response(action[1])
                    self.send_header("Content-Length", str(100 * 1024 * 1024))
                    self.end_headers()
                    chunk = b"e" * (1024 * 1024)
                    try:
                        for _ in range(100):
                            self.wfile.write(chunk)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                status, headers = action if isinstance(action, tuple) else (action, {})
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        threading.Thread(target=self.httpd.serve_forever, args=(POLL,), daemon=True).start()

    def delivered(self) -> list[dict]:
        """Requests answered 2xx, one per webhook-id (what the user sees)."""
        with self.lock:
            ok = [
                r
                for r in self.requests
                if (isinstance(r["answer"], int) and 200 <= r["answer"] < 300)
                or r["answer"] in ("hang", "drip")
            ]
        return ok

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
