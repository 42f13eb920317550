"""SQLite storage through sqlite-utils: articles, stories, versions, the alert outbox, source health."""

from .db import StorageError, open_db, write_transaction

__all__ = ["StorageError", "open_db", "write_transaction"]
