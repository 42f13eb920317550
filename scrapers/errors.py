"""One error tree for the scrapers; `monitor.errors` re-exports it with the application's own."""

from __future__ import annotations

from enum import StrEnum


class MonitorError(Exception):
    """Base of every error the monitor raises on purpose (as opposed to bugs)."""


class FetchErrorKind(StrEnum):
    """Why a fetch failed (a str, so it is stored and compared as its value)."""

    DNS = "dns"
    CONNECT = "connect"
    TIMEOUT = "timeout"
    INCOMPLETE = "incomplete"
    PROTOCOL = "protocol"
    HTTP_STATUS = "http_status"
    REDIRECTS = "redirects"
    TOO_LARGE = "too_large"
    ENCODING = "encoding"
    ROBOTS = "robots"
    BLOCKED = "blocked"
    REPLAY = "replay"
    ERROR = "error"


# Statuses a server uses to say "not now": worth another try after a pause.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 522, 524})
_TRANSIENT = frozenset({FetchErrorKind.TIMEOUT, FetchErrorKind.CONNECT, FetchErrorKind.INCOMPLETE})


class FetchError(MonitorError):
    """A fetch failed: `kind` says why, `status` and `retry_after` carry what the server said."""

    def __init__(
        self,
        message: str,
        *,
        url: str = "",
        kind: FetchErrorKind = FetchErrorKind.ERROR,
        status: int | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(message)
        self.url = url
        self.kind = FetchErrorKind(kind)
        self.status = status
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """Whether the same request may succeed later (a timeout, a dropped connection, a 503)."""
        if self.kind is FetchErrorKind.HTTP_STATUS:
            return self.status in RETRY_STATUSES
        return self.kind in _TRANSIENT

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base} ({self.url})" if self.url and self.url not in base else base


class BlockedURLError(FetchError):
    """A URL or redirect that points at a forbidden scheme or network (SSRF guard)."""

    def __init__(self, message: str, *, url: str = ""):
        super().__init__(message, url=url, kind=FetchErrorKind.BLOCKED)


class ExtractionError(MonitorError):
    """A page could not be turned into an article (empty, hostile or not HTML)."""


class ConfigError(MonitorError):
    """The configuration is wrong: the message names the key and, when known, the line."""
