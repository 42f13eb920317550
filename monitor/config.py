"""Settings: one frozen object loaded once from TOML (with ${ENV} secrets) and passed down.

Where the file comes from: --config PATH, else ./monitor.toml when present, else the built-in
default (monitor/default.toml). A wrong file raises ConfigError naming the key and its line.

Each TOML table maps onto one frozen dataclass below, and each key is declared once, as a
field (read by `config_schema.build`). A new key is one field plus its line in default.toml.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapers.fetch import DEFAULT_USER_AGENT, FetchSettings
from scrapers.profiles import REGISTRY

from .board.programs import DEFAULT_PROGRAMS, Program
from .board.stages import DEFAULT_ORDER
from .config_schema import (
    Locator,
    UnresolvedEnviron,
    Where,
    at_least,
    build,
    duration,
    duration_or_zero,
    key,
    not_negative,
    positive,
    toml_name,
)
from .digest import check_schedule, check_timezone
from .errors import ConfigError
from .formats import FORMATS
from .sources import SOURCE_KINDS
from .topics import Topic


def _http_url(value: str) -> str | None:
    return None if re.match(r"^https?://", value) else f"needs an http(s) URL, got {value!r}"


def _known_profile(value: str | None) -> str | None:
    if value is None or value in REGISTRY:
        return None
    return f"unknown profile {value!r} (known: {', '.join(sorted(REGISTRY))})"


def _auto_or_count(low: int) -> Callable[[Any], str | None]:
    """The check of a key that is "auto" or a whole number of at least `low`."""

    def check(value: Any) -> str | None:
        if value == "auto" or (isinstance(value, int) and not isinstance(value, bool) and value >= low):
            return None
        return f'must be "auto" or a whole number of at least {low}, got {value!r}'

    return check


MAX_AUTO_CONNECTIONS = 512

# --- the tables ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StorageConfig:
    path: str = "monitor.db"
    keep_unmatched: bool = False
    keep_unmatched_days: int = key(14, check=not_negative)  # unmatched title+body kept for rematch
    # 16 MB: with mmap the OS cache serves reads, and 64 MB measured no faster at 100k articles
    # (bench.dedup: insert+lookup median 1.42 vs 1.51 ms) while costing the daemon 48 MB more.
    # Past SQLite's 2 GiB mmap ceiling (~200k articles) reads go through this cache (and the OS's):
    # a store that large may want more (not measured at 1M with 16).
    cache_mb: int = key(16, check=at_least(2))


@dataclass(frozen=True)
class FetchConfig:
    user_agent: str = DEFAULT_USER_AGENT
    per_host_delay: float = key(1.0, check=not_negative)
    per_host_concurrency: int = key(1, check=at_least(1))
    timeout: float = key(30.0, check=positive)  # the total deadline of one request
    connect_timeout: float | None = key(None, check=positive)  # default: min(10, timeout)
    max_bytes: int = key(10 * 1024 * 1024, check=positive)
    retries: int = key(2, check=not_negative)
    allow_private_networks: bool = False
    respect_robots: bool = True
    recheck_after: float = key(0.0, convert=duration_or_zero)  # optional floor between rechecks
    workers: int | str = key("auto", check=_auto_or_count(0))  # page work processes; 0: in-process
    max_connections: int | str = key("auto", check=_auto_or_count(1))  # auto: from the sources

    def client_settings(self, sources: tuple[SourceConfig, ...] | list[SourceConfig] = ()) -> FetchSettings:
        """What the fetcher needs of this table (the connection pool sized for `sources`)."""
        return FetchSettings(
            user_agent=self.user_agent,
            per_host_delay=self.per_host_delay,
            per_host_concurrency=self.per_host_concurrency,
            connect_timeout=self.connect_timeout or min(10.0, self.timeout),
            read_timeout=self.timeout,
            total_timeout=self.timeout,
            max_bytes=self.max_bytes,
            retries=self.retries,
            allow_private_networks=self.allow_private_networks,
            respect_robots=self.respect_robots,
            max_connections=self.connections_for(sources),
        )

    def connections_for(self, sources) -> int:
        """Kept-alive connections: one per host and concurrent request, twice over (article
        pages often live on another host than their feed), so none is evicted mid-crawl.
        A pool too small to hold every active host opened a connection per request (2,033
        for 2,040 requests with 20 hosts and the old fixed 16)."""
        if self.max_connections != "auto":
            return int(self.max_connections)
        hosts = {urlsplit(s.url).hostname for s in sources}
        return min(MAX_AUTO_CONNECTIONS, max(16, 2 * len(hosts) * self.per_host_concurrency))


@dataclass(frozen=True)
class AlertsConfig:
    grace: float = key(10.0, check=not_negative)  # seconds `monitor crawl` waits for due retries
    allow_private_networks: bool = False  # webhooks to loopback/private addresses (SSRF guard)
    timezone: str = key("Asia/Seoul", check=check_timezone)  # digest schedules and times in mails


def _web_lang(value: str) -> str | None:
    return None if value in ("ko", "en") else f'must be "ko" or "en", got {value!r}'


def _host_port(value: str) -> str | None:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        return f"needs HOST:PORT (e.g. 127.0.0.1:8080), got {value!r}"
    return None


@dataclass(frozen=True)
class WebConfig:
    """The web reader (`monitor serve`, `monitor run --web`)."""

    bind: str = key("127.0.0.1:8080", check=_host_port)
    lang: str = key("ko", check=_web_lang)
    # Required for any bind beyond loopback; when set, every request must carry it.
    token: str | None = key(None, secret=True)


@dataclass(frozen=True)
class NaverConfig:
    api_url: str = key("https://openapi.naver.com/v1/search/news.json", check=_http_url)
    # From the environment (NAVER_CLIENT_ID / NAVER_CLIENT_SECRET) unless set here.
    client_id: str | None = key(None, secret=True)
    client_secret: str | None = key(None, secret=True)


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str = "feed"
    url: str = ""
    interval: float = key(900.0, convert=duration)
    link_selector: str | None = None
    profile: str | None = key(None, check=_known_profile)
    query: str | None = None
    max_links: int = key(100, check=at_least(1))
    enabled: bool = True


MODES = ("instant", "digest")


@dataclass(frozen=True)
class WebhookConfig:
    name: str
    url: str = key(env=True)
    format: str = "json"
    secret: str | None = key(None, secret=True)
    topics: tuple[str, ...] = ()
    announce_joins: bool = False
    board: bool = False  # also send bid.stage_changed (the bid board) to this notifier
    timeout: float = key(15.0, check=positive)
    # email: the envelope and header sender (`from` in the file), recipients, SMTP login.
    sender: str | None = key(None, toml="from")
    to: tuple[str, ...] = ()
    username: str | None = key(None, env=True)
    password: str | None = key(None, secret=True)
    # instant: one message per alert; digest: one message per schedule slot.
    mode: str = key("instant", check=lambda v: None if v in MODES else f"must be one of {', '.join(MODES)}")
    schedule: str | None = key(None, check=check_schedule)
    send_empty: bool = False
    timezone: str | None = key(None, check=check_timezone)  # default: [alerts] timezone


@dataclass(frozen=True)
class TopicConfig:
    name: str
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProgramConfig:
    """A program cities bid for (the bid board): its name, aliases, and stages in order."""

    name: str
    aliases: tuple[str, ...] = ()
    stages: tuple[str, ...] = DEFAULT_ORDER


@dataclass(frozen=True)
class Settings:
    storage: StorageConfig = field(default_factory=StorageConfig)
    fetch: FetchConfig = field(default_factory=FetchConfig)
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    naver: NaverConfig = field(default_factory=NaverConfig)
    web: WebConfig = field(default_factory=WebConfig)
    sources: tuple[SourceConfig, ...] = ()
    topics: tuple[Topic, ...] = ()
    webhooks: tuple[WebhookConfig, ...] = ()
    programs: tuple[Program, ...] = DEFAULT_PROGRAMS
    origin: str = "built-in default"

    def source(self, name: str) -> SourceConfig:
        for s in self.sources:
            if s.name == name:
                return s
        raise ConfigError(f"no source named {name!r} (known: {', '.join(s.name for s in self.sources)})")

    def webhook(self, name: str) -> WebhookConfig:
        for w in self.webhooks:
            if w.name == name:
                return w
        raise ConfigError(f"no webhook named {name!r} (known: {', '.join(w.name for w in self.webhooks)})")

    def with_db(self, path: str) -> Settings:
        return dataclasses.replace(self, storage=dataclasses.replace(self.storage, path=path))


TABLES: dict[str, type] = {
    "storage": StorageConfig,
    "fetch": FetchConfig,
    "alerts": AlertsConfig,
    "web": WebConfig,
}
ARRAYS: dict[str, type] = {
    "sources": SourceConfig,
    "topics": TopicConfig,
    "webhooks": WebhookConfig,
    "programs": ProgramConfig,
}


# --- the whole file ---------------------------------------------------------------------------


def default_config_text() -> str:
    return (Path(__file__).parent / "default.toml").read_text("utf-8")


def load_settings(
    path: str | Path | None = None,
    *,
    environ: dict[str, str] | None = None,
    cwd: Path | None = None,
    resolve_secrets: bool = True,
) -> Settings:
    """Load the effective settings (see the module docstring for where they come from).

    `resolve_secrets=False` is for commands that never send: `${NAME}` values whose variable
    is not set stay as written instead of failing.
    """
    environ = dict(os.environ if environ is None else environ)
    if not resolve_secrets:
        environ = UnresolvedEnviron(environ)
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
    if not isinstance(environ, UnresolvedEnviron):
        environ = dict(os.environ if environ is None else environ)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: invalid TOML: {exc}") from exc
    locator = Locator(text)
    known = {*TABLES, *ARRAYS, "naver"}
    for name in data:
        if name not in known:
            raise ConfigError(f"{origin}: unknown top-level key {name!r} (known: {', '.join(sorted(known))})")

    def where(table: str, index: int | None = None) -> Where:
        return Where(origin, locator, table, index)

    tables = {name: build(cls, data.get(name, {}), where(name), environ) for name, cls in TABLES.items()}
    naver = build(NaverConfig, data.get("naver", {}), where("naver"), environ)
    naver = dataclasses.replace(
        naver,
        client_id=naver.client_id or environ.get("NAVER_CLIENT_ID"),
        client_secret=naver.client_secret or environ.get("NAVER_CLIENT_SECRET"),
    )
    arrays: dict[str, list] = {}
    for name, cls in ARRAYS.items():
        entries = data.get(name, [])
        if not isinstance(entries, list):
            raise where(name).error(None, f"must be an array of tables: [[{name}]]")
        arrays[name] = [build(cls, e, where(name, i), environ) for i, e in enumerate(entries)]
    sources = _check_sources(arrays["sources"], where)
    topics = _topics(arrays["topics"], where)
    webhooks = _check_webhooks(arrays["webhooks"], {t.name for t in topics}, where)
    # Each notifier carries its zone, so a format renders times without the whole settings.
    webhooks = [dataclasses.replace(w, timezone=w.timezone or tables["alerts"].timezone) for w in webhooks]
    return Settings(
        **tables,
        naver=naver,
        sources=tuple(sources),
        topics=tuple(topics),
        webhooks=tuple(webhooks),
        programs=_programs(arrays["programs"], where) if "programs" in data else DEFAULT_PROGRAMS,
        origin=origin,
    )


def _unique_names(entries: list, where: Callable[..., Where], table: str) -> None:
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        if not entry.name or entry.name in seen:
            raise where(table, i).error("name", f"every {table[:-1]} needs a unique name")
        seen.add(entry.name)


def _check_sources(sources: list[SourceConfig], where: Callable[..., Where]) -> list[SourceConfig]:
    """What depends on the kind: the kind exists, and the keys it declares are there."""
    _unique_names(sources, where, "sources")
    for i, source in enumerate(sources):
        kind = SOURCE_KINDS.get(source.kind)
        if kind is None:
            raise where("sources", i).error(
                "kind", f"{source.kind!r} is not one of {', '.join(SOURCE_KINDS)}"
            )
        if problem := kind.check(source):
            raise where("sources", i).error(*problem)
    return sources


def _topics(entries: list[TopicConfig], where: Callable[..., Where]) -> list[Topic]:
    _unique_names(entries, where, "topics")
    topics = []
    for i, t in enumerate(entries):
        for name in ("any", "all", "none"):
            if not all(v.strip() for v in getattr(t, name)):
                raise where("topics", i).error(name, "must be a list of non-empty strings")
        try:
            topics.append(Topic(t.name, t.any, t.all, t.none))
        except ValueError as exc:
            raise where("topics", i).error("any", str(exc)) from None
    return topics


def _programs(entries: list[ProgramConfig], where: Callable[..., Where]) -> tuple[Program, ...]:
    _unique_names(entries, where, "programs")
    out = []
    for i, p in enumerate(entries):
        try:
            out.append(Program(p.name, p.aliases, p.stages))
        except ValueError as exc:  # an unknown stage, an empty alias
            raise where("programs", i).error(
                "stages" if "stage" in str(exc) else "aliases", str(exc)
            ) from None
    return tuple(out)


def _check_webhooks(
    hooks: list[WebhookConfig], topic_names: set[str], where: Callable[..., Where]
) -> list[WebhookConfig]:
    """What depends on the format: it exists and its needs (URL scheme, secret) are met."""
    _unique_names(hooks, where, "webhooks")
    for i, hook in enumerate(hooks):
        fmt = FORMATS.get(hook.format)
        if fmt is None:
            raise where("webhooks", i).error("format", f"{hook.format!r} is not one of {', '.join(FORMATS)}")
        if problem := fmt.check(hook):
            raise where("webhooks", i).error(*problem)
        if hook.mode == "digest" and not hook.schedule:
            raise where("webhooks", i).error(
                "schedule", "a digest needs schedule = 'hourly', 'daily 08:00' or 'weekly mon 08:00'"
            )
        if hook.mode == "instant" and hook.schedule:
            raise where("webhooks", i).error("schedule", 'only used with mode = "digest"')
        if any(t not in topic_names for t in hook.topics):
            raise where("webhooks", i).error(
                "topics", f"must list configured topics ({', '.join(sorted(topic_names))})"
            )
    return hooks


# --- `monitor config show` ---------------------------------------------------------------------


def mask(value: str | None) -> str | None:
    if not value:
        return value
    return value[:6] + "…" if value.startswith("whsec_") else "…"


def mask_url(url: str, fmt: str = "json") -> str:
    """A webhook URL as `config show` prints it: each format knows where its secrets sit."""
    return FORMATS[fmt].mask_url(url) if fmt in FORMATS else f"{urlsplit(url).scheme}://…"


def _as_dict(obj: Any) -> dict:
    out = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if f.metadata.get("secret"):
            value = mask(value)
        elif f.name == "url" and isinstance(obj, WebhookConfig):
            value = mask_url(value, obj.format)
        out[toml_name(f)] = list(value) if isinstance(value, tuple) else value
    return out


def settings_as_dict(settings: Settings) -> dict:
    """The effective configuration for `monitor config show`, secrets masked."""
    return {
        "origin": settings.origin,
        **{name: _as_dict(getattr(settings, name)) for name in TABLES},
        "naver": _as_dict(settings.naver),
        "sources": [_as_dict(s) for s in settings.sources],
        "topics": [
            {"name": t.name, "any": list(t.any), "all": list(t.all), "none": list(t.none)}
            for t in settings.topics
        ],
        "webhooks": [_as_dict(w) for w in settings.webhooks],
    }
