"""Editing the `[[sources]]` of a config file in place, comments and layout kept (tomlkit).

Every edit is checked by loading the edited text as settings before the file is replaced
(atomically), so a command never leaves a config that `monitor run` would refuse.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import tomlkit

from .config import default_config_text, parse_settings
from .config_schema import UnresolvedEnviron
from .errors import ConfigError


def config_path(given: str | None) -> Path:
    """The file to edit: --config, else ./monitor.toml (made from the built-in default if missing)."""
    path = Path(given or "monitor.toml")
    if not path.exists():
        if given:
            raise ConfigError(f"{path} does not exist")
        path.write_text(default_config_text(), "utf-8")
    return path


def _write_checked(path: Path, doc: tomlkit.TOMLDocument) -> None:
    text = tomlkit.dumps(doc)
    parse_settings(text, origin=str(path), environ=UnresolvedEnviron())  # refuse an edit that breaks the file
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def _load(path: Path) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(path.read_text("utf-8"))
    except (OSError, tomlkit.exceptions.ParseError) as exc:
        raise ConfigError(f"cannot edit {path}: {exc}") from exc


def _sources(doc: tomlkit.TOMLDocument) -> tomlkit.items.AoT:
    if "sources" not in doc:
        doc["sources"] = tomlkit.aot()
    return doc["sources"]


def unique_name(doc_names: set[str], url: str) -> str:
    """A source name from the outlet's host: `www.kyongbuk.co.kr` -> `kyongbuk`."""
    host = re.sub(r"^(?:www|m|news)\.", "", (re.sub(r"^\w+://", "", url).split("/")[0]).split(":")[0])
    base = re.sub(r"[^a-z0-9-]+", "-", host.split(".")[0].lower()).strip("-") or "source"
    name, n = base, 2
    while name in doc_names:
        name, n = f"{base}-{n}", n + 1
    return name


def add_source(path: Path, *, kind: str, url: str, name: str | None, interval: str) -> str:
    doc = _load(path)
    sources = _sources(doc)
    names = {str(s.get("name")) for s in sources}
    if any(str(s.get("url")) == url for s in sources):
        raise ConfigError(f"{url} is already a source in {path}")
    name = name or unique_name(names, url)
    if name in names:
        raise ConfigError(f"a source named {name!r} exists in {path}")
    table = tomlkit.table()
    table.add("name", name)
    table.add("kind", kind)
    table.add("url", url)
    table.add("interval", interval)
    sources.append(table)
    _write_checked(path, doc)
    return name


def _find(doc: tomlkit.TOMLDocument, path: Path, name: str) -> int:
    for i, s in enumerate(_sources(doc)):
        if str(s.get("name")) == name:
            return i
    raise ConfigError(f"no source named {name!r} in {path}")


def remove_source(path: Path, name: str) -> None:
    doc = _load(path)
    del _sources(doc)[_find(doc, path, name)]
    _write_checked(path, doc)


def set_enabled(path: Path, name: str, enabled: bool) -> None:
    doc = _load(path)
    _sources(doc)[_find(doc, path, name)]["enabled"] = enabled
    _write_checked(path, doc)
