"""SQLite storage through sqlite-utils: articles, stories, versions, the alert outbox, source health."""

from sqlite_utils import Database

from .db import StorageError, open_db, write_transaction

__all__ = ["Database", "StorageError", "open_db", "write_transaction"]
