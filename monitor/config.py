"""Settings: one frozen object loaded once from TOML (with ${ENV} secrets) and passed down.

Where the file comes from: --config PATH, else ./monitor.toml when present, else the built-in
default (monitor/default.toml). A wrong file raises ConfigError naming the key and its line.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from scrapers.fetch import DEFAULT_USER_AGENT, FetchSettings
from scrapers.profiles import REGISTRY

from .errors import ConfigError
from .topics import Topic

SOURCE_KINDS = ("feed", "listing", "sitemap", "naver")
WEBHOOK_FORMATS = ("json", "slack", "discord")
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$")


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str
    url: str = ""
    interval: float = 900.0
    link_selector: str | None = None
    profile: str | None = None
    query: str | None = None
    max_links: int = 100
    enabled: bool = True


@dataclass(frozen=True)
class WebhookConfig:
    name: str
    url: str
    format: str = "json"
    secret: str | None = field(default=None, repr=False)
    topics: tuple[str, ...] = ()
    announce_joins: bool = False
    timeout: float = 15.0


@dataclass(frozen=True)
class Settings:
    storage_path: str = "monitor.db"
    keep_unmatched: bool = False
    cache_mb: int = 64
    fetch: FetchSettings = field(default_factory=FetchSettings)
    sources: tuple[SourceConfig, ...] = ()
    topics: tuple[Topic, ...] = ()
    webhooks: tuple[WebhookConfig, ...] = ()
    alert_grace: float = 10.0
    recheck_after: float = 900.0  # seconds before a stored article is fetched again for edits
    naver_client_id: str | None = field(default=None, repr=False)
    naver_client_secret: str | None = field(default=None, repr=False)
    naver_api_url: str = "https://openapi.naver.com/v1/search/news.json"
    origin: str = "built-in default"

    def source(self, name: str) -> SourceConfig:
        for s in self.sources:
            if s.name == name:
                return s
        raise ConfigError(f"no source named {name!r} (known: {', '.join(s.name for s in self.sources)})")


def parse_duration(value: object, key: str = "interval") -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str) and (m := _DURATION.match(value)):
        unit = (m.group(2) or "s")[0]
        seconds = float(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
    else:
        raise ConfigError(f"{key}: {value!r} is not a duration (use 90, '30s', '15m', '2h')")
    if seconds <= 0:
        raise ConfigError(f"{key}: must be positive, got {value!r}")
    return seconds


class _Locator:
    """Finds the line of a key in the TOML text, for error messages."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def line(self, table: str, index: int | None, key: str | None) -> int | None:
        header = re.compile(
            rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]"
            if index is not None
            else rf"^\s*\[\s*{re.escape(table)}\s*\]"
        )
        seen, start = -1, None
        for i, ln in enumerate(self.lines):
            if header.match(ln):
                seen += 1
                if index is None or seen == index:
                    start = i
                    break
        if start is None:
            return None
        if key is None:
            return start + 1
        for i in range(start + 1, len(self.lines)):
            if re.match(r"^\s*\[", self.lines[i]):
                break
            if re.match(rf"^\s*{re.escape(key)}\s*=", self.lines[i]):
                return i + 1
        return start + 1


def _env(value: str, key: str, environ: dict[str, str]) -> str:
    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in environ:
            raise ConfigError(f"{key}: environment variable {name} is not set")
        return environ[name]

    return _ENV.sub(repl, value)


def default_config_text() -> str:
    return (Path(__file__).parent / "default.toml").read_text("utf-8")


def load_settings(
    path: str | Path | None = None, *, environ: dict[str, str] | None = None, cwd: Path | None = None
) -> Settings:
    """Load the effective settings (see the module docstring for where they come from)."""
    environ = dict(os.environ if environ is None else environ)
    if path is None:
        local = (cwd or Path.cwd()) / "monitor.toml"
        path = local if local.exists() else None
    if path is None:
        return parse_settings(default_config_text(), origin="built-in default", environ=environ)
    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config {p}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: not UTF-8 text ({exc})") from exc
    return parse_settings(text, origin=str(p), environ=environ)


def parse_settings(text: str, *, origin: str = "<string>", environ: dict[str, str] | None = None) -> Settings:
    environ = dict(os.environ if environ is None else environ)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: invalid TOML: {exc}") from exc
    where = _Locator(text)

    def fail(table: str, index: int | None, key: str | None, message: str) -> ConfigError:
        line = where.line(table, index, key)
        label = f"{table}[{index}]" if index is not None else table
        full_key = f"{label}.{key}" if key else label
        return ConfigError(f"{origin}{f':{line}' if line else ''}: {full_key}: {message}")

    known_top = {"storage", "fetch", "sources", "topics", "webhooks", "alerts", "naver"}
    for key in data:
        if key not in known_top:
            raise ConfigError(
                f"{origin}: unknown top-level key {key!r} (known: {', '.join(sorted(known_top))})"
            )

    def table(name: str) -> dict:
        value = data.get(name, {})
        if not isinstance(value, dict):
            raise fail(name, None, None, "must be a table")
        return value

    def typed(tbl: str, idx: int | None, values: dict, key: str, kind, default):
        if key not in values:
            return default
        value = values[key]
        ok = isinstance(value, kind) and not (kind in (int, float, (int, float)) and isinstance(value, bool))
        if not ok:
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise fail(tbl, idx, key, f"must be {names}, got {type(value).__name__} {value!r}")
        return value

    storage = table("storage")
    for key in storage:
        if key not in ("path", "keep_unmatched", "cache_mb"):
            raise fail("storage", None, key, "unknown key (known: path, keep_unmatched, cache_mb)")
    fetch_t = table("fetch")
    fetch_keys = {
        "user_agent",
        "per_host_delay",
        "per_host_concurrency",
        "timeout",
        "max_bytes",
        "allow_private_networks",
        "respect_robots",
        "retries",
        "connect_timeout",
        "recheck_after",
    }
    for key in fetch_t:
        if key not in fetch_keys:
            raise fail("fetch", None, key, f"unknown key (known: {', '.join(sorted(fetch_keys))})")
    num = (int, float)
    timeout = float(typed("fetch", None, fetch_t, "timeout", num, 30))
    fetch = FetchSettings(
        user_agent=typed("fetch", None, fetch_t, "user_agent", str, DEFAULT_USER_AGENT),
        per_host_delay=float(typed("fetch", None, fetch_t, "per_host_delay", num, 1.0)),
        per_host_concurrency=int(typed("fetch", None, fetch_t, "per_host_concurrency", int, 1)),
        connect_timeout=float(typed("fetch", None, fetch_t, "connect_timeout", num, min(10.0, timeout))),
        read_timeout=timeout,
        total_timeout=timeout,
        max_bytes=int(typed("fetch", None, fetch_t, "max_bytes", int, 10 * 1024 * 1024)),
        retries=int(typed("fetch", None, fetch_t, "retries", int, 2)),
        allow_private_networks=typed("fetch", None, fetch_t, "allow_private_networks", bool, False),
        respect_robots=typed("fetch", None, fetch_t, "respect_robots", bool, True),
    )
    for key, val in (
        ("per_host_delay", fetch.per_host_delay),
        ("timeout", timeout),
        ("max_bytes", fetch.max_bytes),
    ):
        if val < 0 or (key != "per_host_delay" and val == 0):
            raise fail("fetch", None, key, "must be positive")
    if fetch.per_host_concurrency < 1:
        raise fail("fetch", None, "per_host_concurrency", "must be at least 1")

    raw_sources = data.get("sources", [])
    if not isinstance(raw_sources, list):
        raise fail("sources", None, None, "must be an array of tables: [[sources]]")
    sources, names = [], set()
    source_keys = {
        "name",
        "kind",
        "url",
        "interval",
        "link_selector",
        "profile",
        "query",
        "max_links",
        "enabled",
    }
    for i, s in enumerate(raw_sources):
        for key in s:
            if key not in source_keys:
                raise fail("sources", i, key, f"unknown key (known: {', '.join(sorted(source_keys))})")
        name = typed("sources", i, s, "name", str, None)
        if not name:
            raise fail("sources", i, "name", "every source needs a unique name")
        if name in names:
            raise fail("sources", i, "name", f"duplicate source name {name!r}")
        names.add(name)
        kind = typed("sources", i, s, "kind", str, "feed")
        if kind not in SOURCE_KINDS:
            raise fail("sources", i, "kind", f"{kind!r} is not one of {', '.join(SOURCE_KINDS)}")
        url = typed("sources", i, s, "url", str, "")
        if kind != "naver" and not re.match(r"^https?://", url):
            raise fail("sources", i, "url", f"needs an http(s) URL, got {url!r}")
        profile = typed("sources", i, s, "profile", str, None)
        if profile and profile not in REGISTRY:
            raise fail(
                "sources", i, "profile", f"unknown profile {profile!r} (known: {', '.join(sorted(REGISTRY))})"
            )
        query = typed("sources", i, s, "query", str, None)
        if kind == "naver" and not query:
            raise fail("sources", i, "query", "a naver source needs a query")
        try:
            interval = parse_duration(s.get("interval", "15m"))
        except ConfigError as exc:
            raise fail("sources", i, "interval", str(exc).split(": ", 1)[-1]) from None
        sources.append(
            SourceConfig(
                name=name,
                kind=kind,
                url=url,
                interval=interval,
                link_selector=typed("sources", i, s, "link_selector", str, None),
                profile=profile,
                query=query,
                max_links=int(typed("sources", i, s, "max_links", int, 100)),
                enabled=typed("sources", i, s, "enabled", bool, True),
            )
        )

    topics = []
    for i, t in enumerate(data.get("topics", [])):
        name = typed("topics", i, t, "name", str, None)
        if not name:
            raise fail("topics", i, "name", "every topic needs a name")
        lists = {}
        for key in ("any", "all", "none"):
            value = t.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise fail("topics", i, key, "must be a list of non-empty strings")
            lists[key] = tuple(value)
        for key in t:
            if key not in ("name", "any", "all", "none"):
                raise fail("topics", i, key, "unknown key (known: name, any, all, none)")
        try:
            topics.append(Topic(name, lists["any"], lists["all"], lists["none"]))
        except ValueError as exc:
            raise fail("topics", i, "any", str(exc)) from None

    webhooks, hook_names = [], set()
    topic_names = {t.name for t in topics}
    hook_keys = {"name", "url", "format", "secret", "topics", "announce_joins", "timeout"}
    for i, w in enumerate(data.get("webhooks", [])):
        for key in w:
            if key not in hook_keys:
                raise fail("webhooks", i, key, f"unknown key (known: {', '.join(sorted(hook_keys))})")
        name = typed("webhooks", i, w, "name", str, None)
        if not name or name in hook_names:
            raise fail("webhooks", i, "name", "every webhook needs a unique name")
        hook_names.add(name)
        url = typed("webhooks", i, w, "url", str, "")
        try:
            url = _env(url, "url", environ)
        except ConfigError as exc:
            raise fail("webhooks", i, "url", str(exc).split(": ", 1)[-1]) from None
        if not re.match(r"^https?://", url):
            raise fail("webhooks", i, "url", f"needs an http(s) URL, got {url!r}")
        fmt = typed("webhooks", i, w, "format", str, "json")
        if fmt not in WEBHOOK_FORMATS:
            raise fail("webhooks", i, "format", f"{fmt!r} is not one of {', '.join(WEBHOOK_FORMATS)}")
        secret = typed("webhooks", i, w, "secret", str, None)
        if secret is not None:
            try:
                secret = _env(secret, "secret", environ)
            except ConfigError as exc:
                raise fail("webhooks", i, "secret", str(exc).split(": ", 1)[-1]) from None
        if fmt == "json" and not secret:
            raise fail("webhooks", i, "secret", "a json webhook needs a whsec_ secret to sign with")
        if fmt == "json" and secret and not secret.startswith("whsec_"):
            raise fail("webhooks", i, "secret", "must start with whsec_ (Standard Webhooks secret)")
        hook_topics = w.get("topics", [])
        if not isinstance(hook_topics, list) or any(t not in topic_names for t in hook_topics):
            raise fail(
                "webhooks", i, "topics", f"must list configured topics ({', '.join(sorted(topic_names))})"
            )
        webhooks.append(
            WebhookConfig(
                name=name,
                url=url,
                format=fmt,
                secret=secret,
                topics=tuple(hook_topics),
                announce_joins=typed("webhooks", i, w, "announce_joins", bool, False),
                timeout=float(typed("webhooks", i, w, "timeout", num, 15.0)),
            )
        )

    alerts = table("alerts")
    naver = table("naver")
    recheck_raw = fetch_t.get("recheck_after", 900.0)
    try:
        recheck_after = 0.0 if recheck_raw in (0, "0") else parse_duration(recheck_raw, "recheck_after")
    except ConfigError:
        raise fail("fetch", None, "recheck_after", "is not a duration (use 0, '15m', '1h')") from None
    cache_mb = typed("storage", None, storage, "cache_mb", int, 64)
    if cache_mb < 2:
        raise fail("storage", None, "cache_mb", f"must be at least 2, got {cache_mb}")
    return Settings(
        storage_path=typed("storage", None, storage, "path", str, "monitor.db"),
        keep_unmatched=typed("storage", None, storage, "keep_unmatched", bool, False),
        cache_mb=cache_mb,
        fetch=fetch,
        sources=tuple(sources),
        topics=tuple(topics),
        webhooks=tuple(webhooks),
        alert_grace=float(typed("alerts", None, alerts, "grace", num, 10.0)),
        recheck_after=recheck_after,
        naver_client_id=environ.get("NAVER_CLIENT_ID"),
        naver_client_secret=environ.get("NAVER_CLIENT_SECRET"),
        naver_api_url=typed(
            "naver", None, naver, "api_url", str, "https://openapi.naver.com/v1/search/news.json"
        ),
        origin=origin,
    )


def with_overrides(settings: Settings, **changes) -> Settings:
    return dataclasses.replace(settings, **changes)


def _mask(value: str | None) -> str | None:
    if not value:
        return value
    return value[:6] + "…" if value.startswith("whsec_") else "…"


def _mask_url(url: str) -> str:
    """Slack and Discord webhook URLs carry their secret in the path: show the host only."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…" if parts.path.strip("/") or parts.query else url


def settings_as_dict(settings: Settings) -> dict:
    """The effective configuration for `monitor config show`, secrets masked."""
    f = settings.fetch
    return {
        "origin": settings.origin,
        "storage": {
            "path": settings.storage_path,
            "keep_unmatched": settings.keep_unmatched,
            "cache_mb": settings.cache_mb,
        },
        "fetch": {
            "user_agent": f.user_agent,
            "per_host_delay": f.per_host_delay,
            "per_host_concurrency": f.per_host_concurrency,
            "timeout": f.total_timeout,
            "max_bytes": f.max_bytes,
            "retries": f.retries,
            "allow_private_networks": f.allow_private_networks,
            "respect_robots": f.respect_robots,
            "recheck_after": settings.recheck_after,
        },
        "alerts": {"grace": settings.alert_grace},
        "sources": [dataclasses.asdict(s) for s in settings.sources],
        "topics": [
            {"name": t.name, "any": list(t.any), "all": list(t.all), "none": list(t.none)}
            for t in settings.topics
        ],
        "webhooks": [
            {
                **dataclasses.asdict(w),
                "url": _mask_url(w.url),
                "secret": _mask(w.secret),
                "topics": list(w.topics),
            }
            for w in settings.webhooks
        ],
        "naver": {"client_id": _mask(settings.naver_client_id), "api_url": settings.naver_api_url},
    }
