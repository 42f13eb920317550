"""Serving the reader with uvicorn: on its own (`monitor serve`) or inside the daemon's event
loop (`monitor run --web`). The bind rule lives here: loopback by default, anything else only
with `[web] token`."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
from collections.abc import Iterator

import uvicorn

from ..config import Settings
from ..errors import ConfigError
from .app import Reader, create_app

log = logging.getLogger(__name__)


def split_bind(bind: str) -> tuple[str, int]:
    host, sep, port = bind.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"--web/--bind needs HOST:PORT (e.g. 127.0.0.1:8080), got {bind!r}")
    return host.strip("[]"), int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve anywhere


def check_bind(settings: Settings, bind: str) -> tuple[str, int, bool]:
    """(host, port, loopback) for `bind`; a non-loopback bind without a token is refused."""
    host, port = split_bind(bind)
    loopback = is_loopback(host)
    if not loopback and not settings.web.token:
        raise ConfigError(
            f"refusing to serve on {bind}: beyond loopback the reader needs [web] token "
            '(e.g. token = "${MONITOR_WEB_TOKEN}"), or bind 127.0.0.1'
        )
    return host, port, loopback


def _config(settings: Settings, bind: str, *, access_log: bool) -> tuple[uvicorn.Config, str]:
    host, port, loopback = check_bind(settings, bind)
    reader_check = Reader(settings.storage.path)
    reader_check.check()  # a missing or old database is one clear line now, not a 500 later
    app = create_app(settings, loopback=loopback)
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
    gate = "token required" if settings.web.token else "no token"
    log.info("web reader on %s (%s, db %s, read-only)", url, gate, settings.storage.path)
    config = uvicorn.Config(
        app, host=host, port=port, log_config=None, access_log=access_log, lifespan="on", server_header=False
    )
    return config, url


def run_server(settings: Settings, bind: str) -> int:
    """`monitor serve`: uvicorn owns the loop and SIGINT/SIGTERM."""
    config, _ = _config(settings, bind, access_log=True)
    server = uvicorn.Server(config)
    server.run()
    return 0 if server.started else 1


class _EmbeddedServer(uvicorn.Server):
    """Inside the daemon the daemon owns the signals: uvicorn must not replace its handlers."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve_embedded(settings: Settings, bind: str, stop: asyncio.Event) -> bool:
    """Serve on the running loop until `stop` is set (`monitor run --web`); False if it could not
    start (the port taken: uvicorn logs why and exits)."""
    config, _ = _config(settings, bind, access_log=False)
    server = _EmbeddedServer(config)

    async def watch() -> None:
        await stop.wait()
        server.should_exit = True

    watcher = asyncio.create_task(watch())
    try:
        await server.serve()
    except SystemExit:  # uvicorn's answer to a bind error, already logged by it
        pass
    finally:
        watcher.cancel()
    if not server.started:
        log.error("web reader could not start on %s", bind)
        return False
    return True
