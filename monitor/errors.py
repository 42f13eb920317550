"""The monitor's error tree (one root for everything we raise on purpose)."""

from scrapers.errors import BlockedURLError, ExtractionError, FetchError, MonitorError
from storage.db import StorageError


class ConfigError(MonitorError):
    """The configuration file is wrong: the message names the key and, when known, the line."""


class DeliveryError(MonitorError):
    """A webhook delivery failed; `permanent` says whether retrying can help."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        gone: bool = False,
        unreachable: bool = False,
    ):
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
        self.gone = gone
        self.unreachable = unreachable  # no answer at all: timeout or connection error


__all__ = [
    "BlockedURLError",
    "ConfigError",
    "DeliveryError",
    "ExtractionError",
    "FetchError",
    "MonitorError",
    "StorageError",
]
