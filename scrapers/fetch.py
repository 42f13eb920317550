"""Fetching pages: one shared httpx.AsyncClient with politeness and limits (webhooks have their own).

What httpx does not do, and this module does (facts measured on this machine):
- no body or decompression limit in httpx: bodies are streamed raw and decoded here, one
  content-coding at most, with the decoded size bounded per call (gzip/deflate via zlib's
  max_length, brotli via output_buffer_limit); zstd and chained codings are refused;
- the read timeout restarts on every chunk: a total deadline wraps each attempt;
- redirects to 127.0.0.1 are followed: redirects are followed here, hop by hop, and every TCP
  connection goes through a network backend that resolves the name itself, refuses forbidden
  addresses and connects to exactly the address it checked (no DNS-rebinding window);
- politeness: per-host concurrency and delay, robots.txt (protego) with Crawl-delay, an honest
  User-Agent, conditional GET, retries with backoff and jitter honouring Retry-After.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import random
import socket
import ssl
import time
import zlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from .cassette import Cassette
from .errors import BlockedURLError, FetchError
from .errors import FetchErrorKind as K
from .models import Fetched

log = logging.getLogger(__name__)

PROJECT_URL = "https://github.com/ai-center-monitor/ai-center-monitor"
DEFAULT_USER_AGENT = f"ai-center-monitor/0.1 (+{PROJECT_URL})"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least the first 500 KiB
ROBOTS_MAX_AGE = 86400.0  # RFC 9309: a cached robots.txt may be used for up to 24 hours
# 100.64/10 (carrier-grade NAT) and the other special ranges are refused too.
_EXTRA_FORBIDDEN = [ipaddress.ip_network(n) for n in ("100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15")]


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str = DEFAULT_USER_AGENT
    per_host_delay: float = 1.0
    per_host_concurrency: int = 1
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 60.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 10
    retries: int = 2
    backoff: float = 1.0
    max_retry_after: float = 120.0
    allow_private_networks: bool = False
    respect_robots: bool = True
    max_connections: int = 16
    # Addresses allowed even when private networks are not (tests serve from 127.0.0.1).
    extra_allowed_ips: frozenset[str] = field(default_factory=frozenset)


def forbidden_reason(ip: str, settings: FetchSettings) -> str | None:
    """Why connecting to `ip` is refused, or None when it is a public address."""
    if settings.allow_private_networks or ip in settings.extra_allowed_ips:
        return None
    try:
        addr = ipaddress.ip_address(ip.split("%")[0])
    except ValueError:
        return f"unparseable address {ip!r}"
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if addr.is_loopback:
        return f"{ip} is a loopback address"
    if addr.is_link_local:
        return f"{ip} is link-local (cloud metadata lives here)"
    if addr.is_private or addr.is_reserved or addr.is_multicast or addr.is_unspecified:
        return f"{ip} is a private or reserved address"
    if any(addr in net for net in _EXTRA_FORBIDDEN):
        return f"{ip} is in a shared or special-purpose range"
    return None


Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve, check, then connect to the very address that was checked."""

    def __init__(self, settings: FetchSettings, resolver: Resolver | None = None):
        self._settings = settings
        self._resolve = resolver or system_resolve
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            addresses = [host] if _is_ip(host) else await self._resolve(host, port)
        except OSError as exc:
            raise FetchError(f"cannot resolve {host}: {exc}", kind=K.DNS) from exc
        if not addresses:
            raise FetchError(f"{host} has no address", kind=K.DNS)
        for ip in addresses:
            reason = forbidden_reason(ip, self._settings)
            if reason:
                raise BlockedURLError(f"refused to connect to {host}: {reason}", url=host)
        return await self._inner.connect_tcp(addresses[0], port, timeout, local_address, socket_options)

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):  # pragma: no cover
        raise BlockedURLError("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_transport(
    settings: FetchSettings,
    resolver: Resolver | None = None,
    *,
    connections: int | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose every connection goes through the SSRF guard (also for webhooks).
    An SSL context loads the CA bundle (~35 ms): pools made by the dozen share one."""
    size = connections or settings.max_connections
    context = ssl_context or httpx.create_ssl_context()
    transport = httpx.AsyncHTTPTransport(verify=context)
    transport._pool = httpcore.AsyncConnectionPool(  # a guarded network backend, same defaults
        ssl_context=context,
        max_connections=size,
        max_keepalive_connections=size,
        keepalive_expiry=5.0,
        network_backend=GuardedBackend(settings, resolver),
    )
    return transport


class OriginPools(httpx.AsyncBaseTransport):
    """One guarded connection pool per origin, the idle ones of the least recently used origins
    closed beyond `max_connections` in all.

    httpcore walks every connection of its pool, asking each idle one whether its socket is
    still open (a poll() each), when a request starts and when one ends: one pool for 40
    connections spent more of the crawler's CPU on that than on parsing the feeds. A host's
    requests are bounded by its gate (`per_host_concurrency`), so its pool is that size (+1
    for the robots.txt check that may overlap a page)."""

    def __init__(self, settings: FetchSettings, resolver: Resolver | None = None):
        self._settings, self._resolver = settings, resolver
        self._ssl_context = httpx.create_ssl_context()
        self._per_origin = settings.per_host_concurrency + 1
        self._max_origins = max(1, settings.max_connections // self._per_origin)
        self._pools: OrderedDict[tuple[bytes, bytes, int | None], httpx.AsyncHTTPTransport] = OrderedDict()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        origin = (url.raw_scheme, url.raw_host, url.port)
        pool = self._pools.get(origin)
        if pool is None:
            # chosen, removed and added with no await between: two requests for a new origin
            # share one pool, and no evicted pool is looked up again
            evicted = self._idle_beyond_cap()
            pool = self._pools[origin] = guarded_transport(
                self._settings, self._resolver, connections=self._per_origin, ssl_context=self._ssl_context
            )
            for old in evicted:
                await old.aclose()
        else:
            self._pools.move_to_end(origin)
        return await pool.handle_async_request(request)

    def _idle_beyond_cap(self) -> list[httpx.AsyncHTTPTransport]:
        """Remove the least recently used idle pools until one more fits under the cap."""
        evicted = []
        for origin in list(self._pools):
            if len(self._pools) < self._max_origins:
                break
            pool = self._pools[origin]._pool
            # idle: no request queued or in flight (httpcore lists a request on entry, before
            # it has a connection) and no connection busy
            if not pool._requests and all(c.is_idle() for c in pool.connections):
                evicted.append(self._pools.pop(origin))
        return evicted

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.aclose()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


def check_url(url: str) -> None:
    """Refuse what must never be fetched before any connection: schemes, userinfo, backslashes."""
    if "\\" in url:
        raise BlockedURLError("backslash in URL refused (parsers disagree on it)", url=url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise BlockedURLError(f"scheme {parts.scheme or '(none)'!r} refused: only http and https", url=url)
    if "@" in parts.netloc:
        raise BlockedURLError("credentials in URL refused", url=url)
    if not parts.hostname:
        raise BlockedURLError("URL has no host", url=url)


class _Decoder:
    """Bounded decoding of one content-coding; raises once output passes `limit`."""

    def __init__(self, coding: str, limit: int, url: str):
        self.limit, self.url, self.out = limit, url, 0
        self.coding = coding
        if coding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif coding == "deflate":
            self._z = zlib.decompressobj()
            self._raw_fallback = True
        elif coding == "br":
            import brotli

            self._br = brotli.Decompressor()
        elif coding not in ("", "identity"):
            raise FetchError(
                f"content-encoding {coding!r} not supported (not requested)", url=url, kind=K.ENCODING
            )

    def _count(self, chunk: bytes) -> bytes:
        self.out += len(chunk)
        if self.out > self.limit:
            raise FetchError(f"decoded body exceeds {self.limit} bytes", url=self.url, kind=K.TOO_LARGE)
        return chunk

    def feed(self, data: bytes) -> bytes:
        if self.coding in ("", "identity"):
            return self._count(data)
        if self.coding == "br":
            parts = [self._count(self._br.process(data, output_buffer_limit=65536))]
            while not self._br.can_accept_more_data():
                parts.append(self._count(self._br.process(b"", output_buffer_limit=65536)))
            return b"".join(parts)
        parts = []
        buf = data
        while True:
            room = self.limit - self.out + 1
            try:
                chunk = self._z.decompress(buf, room)
            except zlib.error as exc:
                if self.coding == "deflate" and getattr(self, "_raw_fallback", False) and self.out == 0:
                    self._raw_fallback = False
                    self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise FetchError(f"corrupt {self.coding} body: {exc}", url=self.url, kind=K.ENCODING) from exc
            parts.append(self._count(chunk))
            buf = self._z.unconsumed_tail
            if not buf:
                return b"".join(parts)

    def finish(self) -> None:
        """Refuse a compressed stream that stopped before its end (a cut-short body would
        otherwise decode to a truncated page that passes every other check)."""
        if self.coding in ("gzip", "x-gzip", "deflate"):
            done = self._z.eof
        elif self.coding == "br":
            done = self._br.is_finished()
        else:
            return
        if not done:
            raise FetchError(
                f"{self.coding} body ends before its stream does", url=self.url, kind=K.INCOMPLETE
            )


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP date); None when unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class HostGate:
    """Per-host concurrency and minimum delay between request starts."""

    def __init__(self, concurrency: int, delay: float, clock: Callable[[], float], sleep):
        self._sem = asyncio.Semaphore(max(1, concurrency))
        self.delay = delay
        self._next = 0.0
        self._clock, self._sleep = clock, sleep
        self._lock = asyncio.Lock()

    async def __aenter__(self):
        await self._sem.acquire()
        async with self._lock:
            wait = self._next - self._clock()
            if wait > 0:
                await self._sleep(wait)
            self._next = self._clock() + self.delay
        return self

    async def __aexit__(self, *exc):
        self._sem.release()


class RobotsCache(Protocol):
    """Where robots.txt files outlive one process (the application passes one in; the fetcher
    knows no database). Times are wall-clock seconds since the epoch."""

    def get(self, origin: str) -> tuple[int, bytes, float] | None: ...

    def put(self, origin: str, status: int, body: bytes, fetched_at: float) -> None: ...


class Fetcher:
    """Fetch pages politely; one instance per crawl or daemon, shared by every source."""

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        resolver: Resolver | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        record: Cassette | None = None,
        replay: Cassette | None = None,
        robots_cache: RobotsCache | None = None,
        wall: Callable[[], float] = time.time,
    ):
        self.settings = s = settings or FetchSettings()
        self._robots_cache, self._wall = robots_cache, wall
        self.robots_fetches = 0  # robots.txt requests actually sent (the rest came from a cache)
        self._sleep, self._clock = sleep, clock
        self._record, self._replay = record, replay
        transport = OriginPools(s, resolver)
        self._client = httpx.AsyncClient(
            transport=transport,
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate, br"},
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            follow_redirects=False,
        )
        self._gates: dict[str, HostGate] = {}
        self._robots: dict[str, tuple[object | None, float]] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._record:
            self._record.save()

    def _gate(self, host: str, crawl_delay: float | None = None) -> HostGate:
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = HostGate(
                self.settings.per_host_concurrency, self.settings.per_host_delay, self._clock, self._sleep
            )
        if crawl_delay is not None:
            gate.delay = max(self.settings.per_host_delay, crawl_delay)
        return gate

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
        check_robots: bool = True,
        headers: dict[str, str] | None = None,
    ) -> Fetched:
        """GET `url` following redirects; raises FetchError (with .kind) on every failure."""
        if self._replay is not None:
            return self._replay.get(url)
        check_url(url)
        if check_robots and self.settings.respect_robots:
            await self._check_robots(url)
        result = await self._fetch_with_retries(
            url, etag, last_modified, max_bytes or self.settings.max_bytes, headers=headers
        )
        if self._record is not None:
            self._record.put(url, result)
        return result

    async def _fetch_with_retries(
        self, url, etag, last_modified, max_bytes, truncate=False, headers=None
    ) -> Fetched:
        s = self.settings
        attempt = 0
        while True:
            try:
                return await self._follow(url, etag, last_modified, max_bytes, truncate, headers)
            except FetchError as exc:
                if not exc.retryable or attempt >= s.retries:
                    raise
                wait = exc.retry_after
                if wait is None:
                    wait = s.backoff * (2**attempt) * (0.5 + random.random())
                wait = min(wait, s.max_retry_after)
                log.debug("retrying %s in %.1fs after %s", url, wait, exc)
                attempt += 1
                await self._sleep(wait)

    async def _follow(self, url, etag, last_modified, max_bytes, truncate, extra=None) -> Fetched:
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            check_url(current)
            host = urlsplit(current).hostname or ""
            async with self._gate(host):
                status, headers, body = await self._one(
                    current, etag, last_modified, max_bytes, truncate, extra
                )
            if status in REDIRECT_STATUSES and "location" in headers:
                current = urljoin(current, headers["location"].strip())
                etag = last_modified = None
                continue
            if status == 304 or 200 <= status < 300:
                return Fetched(current, status, headers, body)
            raise FetchError(
                f"HTTP {status}",
                url=current,
                kind=K.HTTP_STATUS,
                status=status,
                retry_after=parse_retry_after(headers.get("retry-after")),
            )
        raise FetchError(f"more than {self.settings.max_redirects} redirects", url=url, kind=K.REDIRECTS)

    async def _one(self, url, etag, last_modified, max_bytes, truncate, extra=None):
        headers = dict(extra or {})
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            async with asyncio.timeout(self.settings.total_timeout):
                async with self._client.stream("GET", url, headers=headers) as resp:
                    head = {k.lower(): v for k, v in resp.headers.items()}
                    if (
                        resp.status_code in REDIRECT_STATUSES
                        or resp.status_code == 304
                        or resp.status_code >= 400
                    ):
                        return resp.status_code, head, b""
                    body = await self._read_body(resp, url, head, max_bytes, truncate)
                    return resp.status_code, head, body
        except TimeoutError as exc:
            raise FetchError(
                f"no complete answer within {self.settings.total_timeout:g}s", url=url, kind=K.TIMEOUT
            ) from exc
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out ({type(exc).__name__})", url=url, kind=K.TIMEOUT) from exc
        except httpx.RemoteProtocolError as exc:
            raise FetchError(f"connection broken mid-answer: {exc}", url=url, kind=K.INCOMPLETE) from exc
        except (httpx.ConnectError, httpx.ReadError, httpx.WriteError) as exc:
            raise FetchError(
                f"connection failed: {exc or type(exc).__name__}", url=url, kind=K.CONNECT
            ) from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"HTTP error: {exc}", url=url, kind=K.PROTOCOL) from exc

    async def _read_body(
        self, resp: httpx.Response, url: str, head: dict, max_bytes: int, truncate: bool
    ) -> bytes:
        length = head.get("content-length", "")
        if length.isdigit() and int(length) > max_bytes and not truncate:
            raise FetchError(
                f"page is {length} bytes, over the {max_bytes}-byte cap", url=url, kind=K.TOO_LARGE
            )
        codings = [c.strip().lower() for c in head.get("content-encoding", "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1:
            raise FetchError(f"chained content-encoding {codings} refused", url=url, kind=K.ENCODING)
        decoder = _Decoder(codings[0] if codings else "", max_bytes, url)
        parts: list[bytes] = []
        wire = 0
        try:
            # No chunk size: iter_raw(n) would buffer n bytes and hide a slow drip from the deadline.
            async for chunk in resp.aiter_raw():
                wire += len(chunk)
                if wire > max_bytes:
                    raise FetchError(f"body over the {max_bytes}-byte cap", url=url, kind=K.TOO_LARGE)
                parts.append(decoder.feed(chunk))
        except FetchError as exc:
            if truncate and exc.kind is K.TOO_LARGE:
                return b"".join(parts)[:max_bytes]
            raise
        decoder.finish()
        return b"".join(parts)

    async def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            cached = self._robots.get(origin)
            if cached is None or cached[1] < self._clock():
                rules = await self._load_robots(origin)
                ttl = 300 if isinstance(rules, FetchError) else 3600  # retry an unreachable robots.txt sooner
                self._robots[origin] = cached = (rules, self._clock() + ttl)
        rules = cached[0]
        if rules is None:
            return
        if isinstance(rules, FetchError):
            if rules.kind in (K.DNS, K.CONNECT):  # the host itself is out of reach: say that first
                raise FetchError(str(rules), url=url, kind=rules.kind)
            raise FetchError(
                f"robots.txt unreachable, so nothing is fetched: {rules}", url=url, kind=K.ROBOTS
            )
        if not rules.can_fetch(url, self.settings.user_agent):  # type: ignore[attr-defined]
            raise FetchError("disallowed by robots.txt", url=url, kind=K.ROBOTS)
        delay = rules.crawl_delay(self.settings.user_agent)  # type: ignore[attr-defined]
        self._gate(parts.hostname or "", float(delay) if delay else None)

    async def _load_robots(self, origin: str):
        cached = self._robots_cache.get(origin) if self._robots_cache is not None else None
        if cached is not None and 0 <= self._wall() - cached[2] < ROBOTS_MAX_AGE:
            return _robots_rules(*cached[:2])
        self.robots_fetches += 1
        try:
            fetched = await self._fetch_with_retries(
                f"{origin}/robots.txt", None, None, ROBOTS_MAX_BYTES, True
            )
            status, body = 200, fetched.content
        except FetchError as exc:
            if exc.kind is K.HTTP_STATUS and exc.status is not None and 400 <= exc.status < 500:
                status, body = exc.status, b""  # RFC 9309: unavailable (4xx) means allow everything
            else:
                log.debug("robots.txt for %s unreachable (%s): disallowing for now", origin, exc)
                return exc  # server error, timeout or refused: unreachable means disallow (RFC 9309)
        if self._robots_cache is not None:  # an unreachable file is not cached: it is asked again soon
            self._robots_cache.put(origin, status, body, self._wall())
        return _robots_rules(status, body)


def _robots_rules(status: int, body: bytes):
    """Protego rules for a fetched robots.txt, or None when nothing is restricted."""
    from protego import Protego

    if status != 200:
        return None
    try:
        return Protego.parse(body.decode("utf-8", "replace"))
    except Exception:  # a robots file we cannot parse restricts nothing
        return None
