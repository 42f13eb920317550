"""Pure text shaping for the reader: highlighted segments, paragraph diffs, Korean time.

Everything returns plain values (segments of text with a flag), never markup: the templates
escape every segment and wrap the flagged ones, so untrusted article text cannot become HTML.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal

KST = timezone(timedelta(hours=9), "KST")  # Korea keeps no daylight saving time
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    marked: bool = False


def highlight(text: str, patterns: Iterable[re.Pattern[str]]) -> tuple[Segment, ...]:
    """Split `text` into plain and marked segments where any pattern matches (overlaps merged)."""
    spans = sorted((m.start(), m.end()) for p in patterns for m in p.finditer(text) if m.end() > m.start())
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:  # overlapping or touching: one mark
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[Segment] = []
    pos = 0
    for start, end in merged:
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], True))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return tuple(out)


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body or "") if p.strip()]


def snippet(text: str, patterns: list[re.Pattern[str]], radius: int = 70) -> tuple[Segment, ...]:
    """A window of `text` around the first match, highlighted; the opening when nothing matches."""
    flat = re.sub(r"\s+", " ", text or "")
    first = min((m.start() for p in patterns if (m := p.search(flat))), default=None)
    if first is None:
        return (Segment(flat[: radius * 2] + ("…" if len(flat) > radius * 2 else "")),)
    lo, hi = max(0, first - radius), min(len(flat), first + radius)
    window = ("…" if lo else "") + flat[lo:hi] + ("…" if hi < len(flat) else "")
    return highlight(window, patterns)


def query_patterns(query: str) -> list[re.Pattern[str]]:
    """The words of a search query as case-insensitive literal patterns."""
    return [re.compile(re.escape(t), re.IGNORECASE) for t in query.split() if t]


# --- diffs ----------------------------------------------------------------------------------

DiffKind = Literal["equal", "changed", "added", "removed", "skip"]


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One paragraph pair: `old` and `new` segments, the changed words marked on each side."""

    kind: DiffKind
    old: tuple[Segment, ...] = ()
    new: tuple[Segment, ...] = ()
    skipped: int = 0  # for "skip": unchanged paragraphs left out


def _word_diff(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    left: list[Segment] = []
    right: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(Segment("".join(a[i1:i2])))
            right.append(Segment("".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append(Segment("".join(a[i1:i2]), True))
        if j2 > j1:
            right.append(Segment("".join(b[j1:j2]), True))
    return tuple(left), tuple(right)


def diff_rows(
    old_title: str | None, old_body: str, new_title: str | None, new_body: str
) -> tuple[DiffRow, ...]:
    """Paragraph-level diff of two versions (the title first), words marked inside changed ones.

    The same units as storage's change detection: the title, then paragraphs. Unchanged runs
    keep one paragraph of context on each side and fold the rest into a "skip" row.
    """
    old = [f"# {old_title or ''}", *paragraphs(old_body)]
    new = [f"# {new_title or ''}", *paragraphs(new_body)]
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    groups = list(matcher.get_grouped_opcodes(n=1))
    last = 0
    for group in groups:
        if group[0][1] > last:
            rows.append(DiffRow("skip", skipped=group[0][1] - last))
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                rows += [DiffRow("equal", (Segment(p),), (Segment(p),)) for p in old[i1:i2]]
            elif op == "delete":
                rows += [DiffRow("removed", old=(Segment(p, True),)) for p in old[i1:i2]]
            elif op == "insert":
                rows += [DiffRow("added", new=(Segment(p, True),)) for p in new[j1:j2]]
            else:
                pairs = min(i2 - i1, j2 - j1)
                for k in range(pairs):
                    left, right = _word_diff(old[i1 + k], new[j1 + k])
                    rows.append(DiffRow("changed", left, right))
                rows += [DiffRow("removed", old=(Segment(p, True),)) for p in old[i1 + pairs : i2]]
                rows += [DiffRow("added", new=(Segment(p, True),)) for p in new[j1 + pairs : j2]]
        last = group[-1][2]
    if groups and last < len(old):
        rows.append(DiffRow("skip", skipped=len(old) - last))
    return tuple(rows)


# --- time -----------------------------------------------------------------------------------


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=KST)


def kst(value: str | datetime | None) -> str:
    """A stored time as Korean readers read it: 2026-11-21 14:03 (KST)."""
    dt = value if isinstance(value, datetime) else parse_time(value)
    return dt.astimezone(KST).strftime("%Y-%m-%d %H:%M") if dt else ""


def kst_day(value: str | None, *, end: bool = False) -> datetime | None:
    """A YYYY-MM-DD date filter as the start of that day in Korea (or of the next day, for `end`)."""
    try:
        day = datetime.strptime(value or "", "%Y-%m-%d").replace(tzinfo=KST)
    except ValueError:
        return None
    return day + timedelta(days=1) if end else day
