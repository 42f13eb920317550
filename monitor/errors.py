"""The monitor's error tree (one root for everything we raise on purpose)."""

from __future__ import annotations

from enum import StrEnum

from scrapers.errors import BlockedURLError, ConfigError, ExtractionError, FetchError, MonitorError
from storage.db import CorruptDatabase, StorageError


class DeliveryOutcome(StrEnum):
    """What a failed delivery attempt means for the next one."""

    RETRY = "retry"  # the receiver answered "not now" (408, 429, 5xx): try again later
    UNREACHABLE = "unreachable"  # no answer at all (timeout, refused): try later, rest the endpoint
    PERMANENT = "permanent"  # the receiver refused this message (4xx, a redirect): never again
    GONE = "gone"  # 410: the endpoint itself is gone; disable it


class DeliveryError(MonitorError):
    """A delivery attempt failed; `outcome` says what to do next."""

    def __init__(
        self,
        message: str,
        *,
        outcome: DeliveryOutcome = DeliveryOutcome.RETRY,
        retry_after: float | None = None,
    ):
        super().__init__(message)
        self.outcome = outcome
        self.retry_after = retry_after

    @property
    def permanent(self) -> bool:
        return self.outcome in (DeliveryOutcome.PERMANENT, DeliveryOutcome.GONE)


__all__ = [
    "BlockedURLError",
    "ConfigError",
    "DeliveryError",
    "DeliveryOutcome",
    "ExtractionError",
    "FetchError",
    "MonitorError",
    "StorageError",
]


def damaged_database_message(exc: BaseException) -> str:
    """What to tell the user when SQLite finds the file damaged (the CLI and the daemon say it alike).
    storage's own CorruptDatabase already names the file and the remedy; a raw SQLite error gets them."""
    if isinstance(exc, CorruptDatabase):
        return str(exc)
    return (
        f"the database is damaged ({exc}); restore a copy made by `monitor backup`, "
        "or salvage it with `sqlite3 FILE .recover`"
    )
