"""One error tree for the scrapers; `monitor.errors` re-exports it with the application's own."""

from __future__ import annotations


class MonitorError(Exception):
    """Base of every error the monitor raises on purpose (as opposed to bugs)."""


class FetchError(MonitorError):
    """A fetch failed. `kind` is a short machine-readable reason such as 'timeout' or 'too_large'."""

    def __init__(self, message: str, *, url: str = "", kind: str = "error", status: int | None = None):
        super().__init__(message)
        self.url = url
        self.kind = kind
        self.status = status

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base} ({self.url})" if self.url and self.url not in base else base


class BlockedURLError(FetchError):
    """A URL or redirect that points at a forbidden scheme or network (SSRF guard)."""

    def __init__(self, message: str, *, url: str = ""):
        super().__init__(message, url=url, kind="blocked")


class ExtractionError(MonitorError):
    """A page could not be turned into an article (empty, hostile or not HTML)."""
