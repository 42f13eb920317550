"""The web reader's ASGI app: Starlette routes, read-only database access off the event loop,
the token gate and the response headers. The pages themselves are in `pages.py`.

Every database read runs in a worker thread (at most READERS at once) on that thread's own
read-only connection, inside one read transaction: a page sees one consistent snapshot, and
the crawl sharing the event loop (`monitor run --web`) never waits on a page. In WAL mode a
reader never blocks the writer.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import anyio
import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from storage import Database, open_db

from ..config import Settings
from . import pages
from .i18n import labels
from .text import kst

log = logging.getLogger(__name__)
T = TypeVar("T")
HERE = Path(__file__).parent
READERS = 4  # worker threads (and read-only connections) serving pages
READ_CACHE_MB = 16  # a page reads a few rows; the big cache is the crawler's (dedup index)
COOKIE = "monitor_token"
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]
HEADERS = {
    # Article text is untrusted: even if something slipped through escaping, no script runs.
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",  # following a link to an outlet does not reveal the monitor
}


class Reader:
    """Runs `fn(db, ...)` in a worker thread on that thread's read-only connection."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[Database] = []
        self._lock = threading.Lock()
        self._limiter = anyio.CapacityLimiter(READERS)

    def check(self) -> None:
        """Open the database once now, so a missing or old file is reported at start-up."""
        open_db(self.path, read_only=True, cache_mb=2).conn.close()

    def _db(self) -> Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = open_db(self.path, read_only=True, cache_mb=READ_CACHE_MB)
            with self._lock:
                self._all.append(db)
        return db

    def _run(self, fn: Callable[..., T], args: tuple) -> T:
        db = self._db()
        db.execute("BEGIN")  # one snapshot for every query of the page
        try:
            return fn(db, *args)
        finally:
            db.execute("COMMIT")

    async def __call__(self, fn: Callable[..., T], *args: Any) -> T:
        return await anyio.to_thread.run_sync(self._run, fn, args, limiter=self._limiter)

    def close(self) -> None:
        with self._lock:
            for db in self._all:
                db.conn.close()
            self._all.clear()


def _environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every {{ }} is escaped: article text is HTML from the web
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["t"] = labels(lang)
    env.globals["lang"] = lang
    env.filters["kst"] = kst
    env.filters["qs"] = lambda params: urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return env


def _token_gate(token: str) -> Callable:
    """Bearer header, or the cookie set by opening any page once with ?token=."""
    expected = token.encode()

    def good(value: str | None) -> bool:
        return value is not None and hmac.compare_digest(value.encode(), expected)

    async def dispatch(request: Request, call_next: Callable) -> Response:
        if request.url.path == "/static/style.css":
            return await call_next(request)
        given = request.query_params.get("token")
        if given is not None:
            if not good(given):
                return _refuse(request)
            # Keep the token out of the address bar, history and bookmarks: a cookie from here on.
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(COOKIE, token, httponly=True, samesite="strict", max_age=30 * 86400)
            return response
        auth = request.headers.get("authorization", "")
        bearer = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        if good(bearer) or good(request.cookies.get(COOKIE)):
            return await call_next(request)
        return _refuse(request)

    return dispatch


def _refuse(request: Request) -> Response:
    headers = {"www-authenticate": 'Bearer realm="ai-center-monitor"'}
    if request.url.path.startswith(("/api/", "/feeds/")):
        return JSONResponse({"error": "token required"}, status_code=401, headers=headers)
    page = request.app.state.env.get_template("login.html").render(path=request.url.path)
    return HTMLResponse(page, status_code=401, headers=headers)


async def _headers(request: Request, call_next: Callable) -> Response:
    response = await call_next(request)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


async def _style(request: Request) -> Response:
    css = (HERE / "static" / "style.css").read_text("utf-8")
    return Response(css, media_type="text/css", headers={"cache-control": "max-age=3600"})


def _lifespan(reader: Reader) -> Callable:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        reader.close()

    return lifespan


def create_app(settings: Settings, *, loopback: bool = True) -> Starlette:
    """The reader over `settings.storage.path`. `loopback`: the server listens on loopback only,
    so only loopback Host names are accepted (a DNS-rebinding page cannot read it)."""
    reader = Reader(settings.storage.path)
    middleware = [Middleware(BaseHTTPMiddleware, dispatch=_headers)]
    if loopback:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=LOOPBACK_HOSTS))
    if settings.web.token:
        middleware.append(Middleware(BaseHTTPMiddleware, dispatch=_token_gate(settings.web.token)))
    routes = [
        Route("/", pages.stories),
        Route("/stories/{story_id:int}", pages.story),
        Route("/search", pages.search),
        Route("/sources", pages.sources),
        Route("/sources/{name}/sample", pages.sample),
        Route("/alerts", pages.alerts),
        Route("/board", pages.board),
        Route("/api/board", pages.api_board),
        Route("/feeds/search.atom", pages.search_feed),
        Route("/feeds/{topic}.atom", pages.topic_feed),
        Route("/api/stories", pages.api_stories),
        Route("/api/stories/{story_id:int}", pages.api_story),
        Route("/api/search", pages.api_search),
        Route("/static/style.css", _style),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={404: pages.not_found, 400: pages.bad_request},
        lifespan=_lifespan(reader),
    )
    app.state.settings = settings
    app.state.reader = reader
    app.state.env = _environment(settings.web.lang)
    return app
