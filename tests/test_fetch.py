"""The fetcher against a real server on 127.0.0.1: politeness, limits, retries and the SSRF guard."""

from __future__ import annotations

import asyncio
import resource
import time

import pytest

from scrapers.errors import BlockedURLError, FetchError
from scrapers.fetch import Fetcher, FetchSettings, parse_retry_after

MB = 1024 * 1024


def run(coro):
    return asyncio.run(coro)


def settings(**kw) -> FetchSettings:
    base = dict(
        per_host_delay=0,
        respect_robots=False,
        retries=0,
        total_timeout=5,
        read_timeout=5,
        connect_timeout=2,
        allow_private_networks=True,
        backoff=0.01,
    )
    base.update(kw)
    return FetchSettings(**base)


async def fetch(url, s=None, **kw):
    async with Fetcher(s or settings()) as f:
        return await f.fetch(url, **kw)


def test_plain_page_and_conditional_get(site):
    url = f"{site.base}/hn/arti/society/area/1001.html"
    first = run(fetch(url))
    assert first.status == 200 and b"<html" in first.content
    second = run(fetch(url, etag=first.headers["etag"]))
    assert second.status == 304 and second.content == b""


def test_each_origin_keeps_its_own_connections_and_idle_origins_are_closed_beyond_the_cap(site):
    """Connections are pooled per origin (httpcore scans a whole pool on every request); with
    room for one origin's pool, the idle pool of the older origin is closed for the new one."""
    path = "/hn/arti/society/area/1001.html"
    a, b = f"http://127.0.0.1:{site.port}{path}", f"http://localhost:{site.port}{path}"

    async def go():
        async with Fetcher(settings(max_connections=2, per_host_concurrency=1)) as f:
            pools = f._client._transport._pools
            assert (await f.fetch(a)).status == 200
            assert (await f.fetch(a)).status == 200
            [first] = pools.values()
            assert len(first._pool.connections) == 1  # kept alive and reused
            assert (await f.fetch(b)).status == 200
            assert [host for _, host, _ in pools] == [b"localhost"]
            return first._pool.connections

    assert run(go()) == []  # the evicted pool's connection was closed


def test_euc_kr_page_bytes_arrive_untouched(site):
    from scrapers.extract import extract_article

    got = run(fetch(f"{site.base}/gb/news/articleView.html?idxno=51002"))
    article = extract_article(got.content, url=got.url, content_type=got.content_type)
    assert article.title.startswith("구미시") and "\ufffd" not in article.body


def test_redirect_followed_and_loop_stopped(site):
    got = run(fetch(f"{site.base}/fault/redirect?to=/hn/sitemap.xml"))
    assert got.url.endswith("/hn/sitemap.xml") and got.status == 200
    with pytest.raises(FetchError) as err:
        run(fetch(f"{site.base}/fault/loop"))
    assert err.value.kind == "redirects"


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.2/secret",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.2]/",
        "http://100.64.0.1/",
        "http://10.0.0.1/",
        "file:///etc/passwd",
    ],
)
def test_redirect_to_forbidden_address_refused_without_connecting(site, target):
    s = settings(allow_private_networks=False, extra_allowed_ips=frozenset({"127.0.0.1"}))
    with pytest.raises(BlockedURLError):
        run(fetch(f"{site.base}/fault/redirect?to={target}", s))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:1/",
        "http://localhost:1/",
        "http://example.com\\@127.0.0.1/",
        "http://user@127.0.0.1/",
        "ftp://127.0.0.1/",
        "gopher://127.0.0.1/",
    ],
)
def test_configured_url_to_forbidden_target_refused(url):
    with pytest.raises(BlockedURLError):
        run(fetch(url, settings(allow_private_networks=False)))


def test_dns_rebinding_the_checked_address_is_the_one_connected_to(site):
    answers = iter([["127.0.0.1"], ["127.0.0.2"]])  # second lookup "rebinds" to a forbidden address
    calls = []

    async def resolver(host, port):
        calls.append(host)
        return next(answers)

    s = settings(allow_private_networks=False, extra_allowed_ips=frozenset({"127.0.0.1"}))

    async def go():
        async with Fetcher(s, resolver=resolver) as f:
            ok = await f.fetch(f"http://rebind.test:{site.port}/robots.txt")
            assert ok.status == 200
            for pool in f._client._transport._pools.values():  # force a fresh connection
                pool._pool._connections.clear()
            await f.fetch(f"http://rebind.test:{site.port}/robots.txt")

    with pytest.raises(BlockedURLError):
        run(go())
    assert calls == ["rebind.test", "rebind.test"]


@pytest.mark.parametrize("code", [500, 503, 429])
def test_retry_on_5xx_and_429_then_success(site, code):
    s = settings(retries=2)
    got = run(fetch(f"{site.base}/fault/status?code={code}&ok_after=1&retry_after=0", s))
    assert got.status == 200


def test_no_retry_on_404(site):
    with pytest.raises(FetchError) as err:
        run(fetch(f"{site.base}/fault/status?code=404", settings(retries=3)))
    assert err.value.status == 404
    assert site.hits["/fault/status?code=404"] == 1


@pytest.mark.parametrize(
    "value,expected", [("3", 3.0), ("garbage", None), ("", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)]
)
def test_retry_after_forms(value, expected):
    assert parse_retry_after(value) == expected


def test_retry_after_http_date_in_future():
    from email.utils import formatdate

    assert 8 <= parse_retry_after(formatdate(time.time() + 10, usegmt=True)) <= 10


def test_retry_after_is_honoured(site):
    slept = []

    async def fake_sleep(seconds):
        slept.append(seconds)

    async def go():
        async with Fetcher(settings(retries=1), sleep=fake_sleep) as f:
            return await f.fetch(f"{site.base}/fault/status?code=429&ok_after=1&retry_after=7")

    assert run(go()).status == 200
    assert slept == [7.0]


def test_slow_response_past_total_deadline(site):
    t0 = time.monotonic()
    with pytest.raises(FetchError) as err:
        run(fetch(f"{site.base}/fault/slow?delay=4", settings(total_timeout=1)))
    assert err.value.kind == "timeout" and time.monotonic() - t0 < 2.5


def test_slow_drip_fails_at_total_deadline(site):
    t0 = time.monotonic()
    with pytest.raises(FetchError) as err:
        run(fetch(f"{site.base}/fault/drip", settings(total_timeout=2, read_timeout=1)))
    assert err.value.kind == "timeout"
    assert time.monotonic() - t0 < 3.0  # the deadline + 1 s


@pytest.mark.parametrize("cl", ["1", "0"])
def test_oversize_page_abandoned(site, cl):
    with pytest.raises(FetchError) as err:
        run(fetch(f"{site.base}/fault/big?cl={cl}", settings(max_bytes=2 * MB)))
    assert err.value.kind == "too_large"


@pytest.mark.parametrize("bomb", ["gzip", "brotli"])
def test_compression_bombs_stop_at_the_cap(site, bomb):
    from .servers import bomb as make_bomb

    make_bomb(bomb)  # built before measuring: the server shares this process
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(FetchError) as err:
        run(fetch(f"{site.base}/fault/{bomb}", settings(max_bytes=1 * MB)))
    assert err.value.kind == "too_large"
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 30  # the bomb decodes to 200 MiB; at most the 1 MiB cap is ever held


@pytest.mark.parametrize("bomb", ["chained", "zstd"])
def test_unrequested_or_chained_codings_refused(site, bomb):
    with pytest.raises(FetchError) as err:
        run(fetch(f"{site.base}/fault/{bomb}", settings(max_bytes=1 * MB)))
    assert err.value.kind == "encoding"


def test_body_shorter_than_content_length(site):
    with pytest.raises(FetchError) as err:
        run(fetch(f"{site.base}/fault/short"))
    assert err.value.kind == "incomplete"


def test_connection_reset_and_refused(site):
    with pytest.raises(FetchError) as err:
        run(fetch(f"{site.base}/fault/reset"))
    assert err.value.kind in ("connect", "incomplete")
    with pytest.raises(FetchError) as err:
        run(fetch("http://127.0.0.1:9/"))
    assert err.value.kind == "connect"


@pytest.mark.parametrize(
    "status,body,allowed",
    [
        (503, b"", False),
        (404, b"", True),
        (200, b"User-agent: *\nDisallow: /hn/\n", False),
        (200, b"User-agent: *\nDisallow: /nothing/\n" + b"#" * (10 * MB), True),
    ],
)
def test_robots_txt_modes(site, status, body, allowed):
    site.robots = (status, body)
    s = settings(respect_robots=True)
    url = f"{site.base}/hn/sitemap.xml"
    if allowed:
        assert run(fetch(url, s)).status == 200
    else:
        with pytest.raises(FetchError) as err:
            run(fetch(url, s))
        assert err.value.kind == "robots"


def test_per_host_delay_is_kept(site):
    async def go():
        async with Fetcher(settings(per_host_delay=0.3)) as f:
            t0 = time.monotonic()
            await asyncio.gather(*(f.fetch(f"{site.base}/robots.txt") for _ in range(4)))
            return time.monotonic() - t0

    assert run(go()) >= 0.85


def test_robots_txt_timeout_means_disallow(site):
    site.robots = "hang"
    with pytest.raises(FetchError) as err:
        run(fetch(f"{site.base}/hn/sitemap.xml", settings(respect_robots=True, total_timeout=1)))
    assert err.value.kind == "robots" and "unreachable" in str(err.value)
