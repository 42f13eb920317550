"""The web reader under test: a database built by a real crawl of the local demo site, and the
app served by uvicorn in a thread on a free 127.0.0.1 port."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from monitor.config import Settings, load_settings
from monitor.runner import run_crawl
from monitor.web.app import create_app

from .conftest import demo_config
from .servers import SiteServer

# Text the outlet printed (as escaped text, so the extractor keeps it): a tag that must never
# reach the reader as a tag, and a word found only inside a compound.
INJECTED = (
    '시는 초광역데이터허브를 함께 제안했다. &lt;script&gt;alert("x")&lt;/script&gt; &lt;b&gt;굵게&lt;/b&gt;'
)
APEC_TITLE = "포항시, 아시아·태평양 AI 센터 유치 공식 선언"
HN_TITLE = "포항, 국가 AI 컴퓨팅센터 유치 의향서 제출"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def crawl_demo(tmp: Path) -> tuple[Path, SiteServer]:
    """Two real crawls of the demo site; between them an outlet edits one article."""
    site = SiteServer(tmp / "site")
    site.edit(
        "/gb/news/articleView.html?idxno=51001",
        "유치 제안서를 제출할 계획이다.</p>",
        f"유치 제안서를 제출할 계획이다. {INJECTED}</p>",
    )
    config = demo_config(site, tmp)
    asyncio.run(run_crawl(load_settings(config)))
    site.edit("/hn/arti/society/area/1001.html", "참여 의향서를 제출하고", "참여 의향서를 지난주 제출하고")
    asyncio.run(run_crawl(load_settings(config)))
    return config, site


@dataclass
class Served:
    base: str
    server: uvicorn.Server
    thread: threading.Thread

    def get(self, path: str, **kwargs) -> httpx.Response:
        return httpx.get(self.base + path, timeout=10, **kwargs)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def serve(settings: Settings, *, loopback: bool = True) -> Served:
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, loopback=loopback), host="127.0.0.1", port=port, log_config=None, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    return Served(f"http://127.0.0.1:{port}", server, thread)
