"""Record and replay of fetched responses, so a crawl can run with no network at all.

A cassette is a folder: `index.json` maps each requested URL to its final URL, status and
headers, and the body bytes sit beside it in `NNNN.body`. What is stored is the response as
the fetcher returns it (after redirects, decoded, capped), so a replay runs exactly the code
that follows a fetch.
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import ConfigError, FetchError, FetchErrorKind
from .models import Fetched


class Cassette:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._index: dict[str, dict] = {}
        index = self.path / "index.json"
        if index.exists():
            try:
                self._index = json.loads(index.read_text("utf-8"))
            except ValueError as exc:
                raise ConfigError(f"cassette index {index} is not valid JSON: {exc}") from exc

    def __len__(self) -> int:
        return len(self._index)

    def get(self, url: str) -> Fetched:
        entry = self._index.get(url)
        if entry is None:
            raise FetchError("not in the replay cassette", url=url, kind=FetchErrorKind.REPLAY)
        if "error" in entry:
            raise FetchError(
                entry["error"],
                url=url,
                kind=FetchErrorKind(entry.get("kind", "error")),
                status=entry.get("status"),
            )
        body = self._body(entry["file"], url) if entry.get("file") else b""
        return Fetched(entry["final_url"], entry["status"], dict(entry["headers"]), body)

    def _body(self, name: str, url: str) -> bytes:
        """A body file of this cassette; an entry naming a path outside its folder is refused."""
        folder = self.path.resolve()
        path = (folder / name).resolve()
        if not path.is_relative_to(folder) or path == folder:
            raise FetchError(
                f"cassette entry file {name!r} is outside {folder}", url=url, kind=FetchErrorKind.REPLAY
            )
        try:
            return path.read_bytes()
        except OSError as exc:
            raise FetchError(
                f"cassette body {name!r}: {exc.strerror or exc}", url=url, kind=FetchErrorKind.REPLAY
            ) from exc

    def put(self, url: str, fetched: Fetched) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        name = f"{len(self._index):05d}.body"
        (self.path / name).write_bytes(fetched.content)
        keep = {k: v for k, v in fetched.headers.items() if k in ("content-type", "etag", "last-modified")}
        self._index[url] = {"final_url": fetched.url, "status": fetched.status, "headers": keep, "file": name}

    def save(self) -> None:
        if self._index:
            self.path.mkdir(parents=True, exist_ok=True)
            (self.path / "index.json").write_text(
                json.dumps(self._index, ensure_ascii=False, indent=1, sort_keys=True), "utf-8"
            )
