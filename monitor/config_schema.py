"""Reading TOML tables into frozen dataclasses: each configuration key declared once, as a field.

A field's name, type and default come from the dataclass; `key(...)` adds a converter (a
duration, `${ENV}` expansion), a check, or marks it secret. `build()` reads one table into its
dataclass, refusing unknown keys and naming the file, line and key of every problem.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigError

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$")


def parseduration(value: object, key: str = "interval", *, allow_zero: bool = False) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str) and (m := _DURATION.match(value)):
        unit = (m.group(2) or "s")[0]
        seconds = float(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
    else:
        raise ConfigError(f"{key}: {value!r} is not a duration (use 90, '30s', '15m', '2h')")
    if seconds < 0 or (seconds == 0 and not allow_zero):
        raise ConfigError(f"{key}: must be positive, got {value!r}")
    return seconds


def duration(value: object) -> float:
    return parseduration(value, "value")


def duration_or_zero(value: object) -> float:
    return parseduration(value, "value", allow_zero=True)


def at_least(low: float) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value < low:
            return f"must be at least {low:g}, got {value}"
        return None

    return check


def positive(value: Any) -> str | None:
    return None if value > 0 else "must be positive"


def not_negative(value: Any) -> str | None:
    return None if value >= 0 else "must not be negative"


def key(
    default: Any = dataclasses.MISSING,
    *,
    convert: Callable[[Any], Any] | None = None,
    check: Callable[[Any], str | None] | None = None,
    env: bool = False,
    secret: bool = False,
    toml: str | None = None,
) -> Any:
    """A configuration key: its default, and how a TOML value becomes the field's value.

    `toml` names the key in the file when it cannot be the field's name (`from` is a Python
    keyword, so `from = "..."` is read into a field called `sender`)."""
    meta = {"convert": convert, "check": check, "env": env or secret, "secret": secret, "toml": toml}
    kwargs: dict[str, Any] = {"metadata": meta, "repr": not secret}
    if isinstance(default, list | dict):
        raise TypeError("use a tuple default")
    if default is not dataclasses.MISSING:
        kwargs["default"] = default
    return field(**kwargs)


class Locator:
    """Finds the line of a key in the TOML text, for error messages."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def _start(self, table: str, index: int | None) -> int | None:
        header = re.compile(
            rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]"
            if index is not None
            else rf"^\s*\[\s*{re.escape(table)}\s*\]"
        )
        seen = -1
        for i, ln in enumerate(self.lines):
            if header.match(ln):
                seen += 1
                if index is None or seen == index:
                    return i
        return None

    def line(self, table: str, index: int | None, key: str | None) -> int | None:
        start = self._start(table, index)
        if start is None:
            return None
        if key is not None:
            for i in range(start + 1, len(self.lines)):
                if re.match(r"^\s*\[", self.lines[i]):
                    break
                if re.match(rf"^\s*{re.escape(key)}\s*=", self.lines[i]):
                    return i + 1
        return start + 1


@dataclass(frozen=True)
class Where:
    """Which table (and which entry of an array) is being read, to name it in errors."""

    origin: str
    locator: Locator
    table: str
    index: int | None = None

    def error(self, key: str | None, message: str) -> ConfigError:
        line = self.locator.line(self.table, self.index, key)
        label = f"{self.table}[{self.index}]" if self.index is not None else self.table
        full_key = f"{label}.{key}" if key else label
        return ConfigError(f"{self.origin}{f':{line}' if line else ''}: {full_key}: {message}")


class UnresolvedEnviron(dict):
    """An environment for commands that never send: a variable that is not set stays written as
    `${NAME}`, so `monitor status` needs no webhook secret (the service's environment has it)."""

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> str:
        return "${" + key + "}"


def unresolved(value: str | None) -> bool:
    """Whether a value still holds a `${NAME}` that was deliberately left unexpanded."""
    return bool(value) and _ENV.search(value) is not None


def expand_env(value: str, environ: dict[str, str]) -> str:
    def repl(m: re.Match[str]) -> str:
        if m.group(1) not in environ:
            raise ConfigError(f"environment variable {m.group(1)} is not set")
        return environ[m.group(1)]

    return _ENV.sub(repl, value)


def _type_error(value: Any, hint: Any) -> str | None:
    """None when `value` (from TOML) fits the field type `hint`, else what was expected."""
    allowed = [a for a in typing.get_args(hint) if a is not type(None)] if _is_union(hint) else [hint]
    if value is None and _is_union(hint):
        return None
    for want in allowed:
        origin = typing.get_origin(want)
        if origin is tuple:
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return None
            return "must be a list of strings"
        if want is float and isinstance(value, int | float) and not isinstance(value, bool):
            return None
        if want is int and isinstance(value, int) and not isinstance(value, bool):
            return None
        if want in (str, bool) and isinstance(value, want):
            return None
    names = "int/float" if float in allowed else "/".join(getattr(a, "__name__", str(a)) for a in allowed)
    return f"must be {names}, got {type(value).__name__} {value!r}"


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType)


def toml_name(f: dataclasses.Field) -> str:
    """The key a field is written as in the TOML file."""
    return f.metadata.get("toml") or f.name


def _field_value(f: dataclasses.Field, hint: Any, raw: Any, where: Where, environ: dict[str, str]) -> Any:
    meta = f.metadata
    try:
        value = raw
        if meta.get("env") and isinstance(value, str):
            value = expand_env(value, environ)
        if meta.get("convert"):
            value = meta["convert"](value)
        elif problem := _type_error(value, hint):
            raise ConfigError(problem)
        if isinstance(value, list):
            value = tuple(value)
        if hint is float or float in typing.get_args(hint):
            value = float(value) if value is not None else None
        if meta.get("check") and value is not None and (problem := meta["check"](value)):
            raise ConfigError(problem)
    except ConfigError as exc:
        raise where.error(toml_name(f), str(exc).removeprefix("value: ")) from None
    return value


def build(cls: type, values: Any, where: Where, environ: dict[str, str]) -> Any:
    """One dataclass from one TOML table: unknown keys refused, each value typed and checked."""
    if not isinstance(values, dict):
        raise where.error(None, "must be a table")
    fields = {toml_name(f): f for f in dataclasses.fields(cls)}
    for name in values:
        if name not in fields:
            raise where.error(name, f"unknown key (known: {', '.join(sorted(fields))})")
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for name, f in fields.items():
        if name in values:
            kwargs[f.name] = _field_value(f, hints[f.name], values[name], where, environ)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise where.error(name, "is required")
    return cls(**kwargs)
