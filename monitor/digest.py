"""Digests, pure: when the next one is due, and which held alerts make one message.

A notifier with `mode = "digest"` has its alerts written to the outbox as `held` rows. When
a schedule slot passes, the edge (`digest_outbox.py`) hands the held rows to `assemble_digest`
and writes the result as ONE outbox row, in the same transaction that marks the held rows
digested, so every alert lands in exactly one digest and the digest is delivered with the
outbox's guarantees (durable, retried, never twice).

Schedules: `hourly`, `daily HH:MM`, `weekly mon HH:MM`, read in the notifier's time zone.
Nothing here reads the clock or the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .clock import in_zone

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
KOREAN_WEEKDAYS = "월화수목금토일"
_SCHEDULE = re.compile(
    r"^\s*(?:(hourly)|daily\s+(\d{1,2}):(\d{2})|weekly\s+(mon|tue|wed|thu|fri|sat|sun)\s+(\d{1,2}):(\d{2}))\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Schedule:
    """When digests fall due: every hour on the hour, every day at HH:MM, or one weekday at HH:MM."""

    every: str  # "hourly" | "daily" | "weekly"
    hour: int = 0
    minute: int = 0
    weekday: int = 0  # Monday = 0

    def __str__(self) -> str:
        if self.every == "hourly":
            return "hourly"
        at = f"{self.hour:02d}:{self.minute:02d}"
        return f"daily {at}" if self.every == "daily" else f"weekly {WEEKDAYS[self.weekday]} {at}"


def parse_schedule(text: str) -> Schedule:
    """`hourly`, `daily 08:00`, `weekly mon 08:00`; ValueError saying what is accepted."""
    m = _SCHEDULE.match(text or "")
    if not m:
        raise ValueError(f"{text!r} is not a schedule (use 'hourly', 'daily 08:00' or 'weekly mon 08:00')")
    if m.group(1):
        return Schedule("hourly")
    if m.group(2) is not None:
        every, hour, minute, weekday = "daily", int(m.group(2)), int(m.group(3)), 0
    else:
        every, hour, minute = "weekly", int(m.group(5)), int(m.group(6))
        weekday = WEEKDAYS.index(m.group(4).lower())
    if hour > 23 or minute > 59:
        raise ValueError(f"{text!r}: {hour:02d}:{minute:02d} is not a time of day")
    return Schedule(every, hour, minute, weekday)


def check_schedule(text: str) -> str | None:
    try:
        parse_schedule(text)
    except ValueError as exc:
        return str(exc)
    return None


def check_timezone(name: str) -> str | None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {name!r} (use an IANA name such as 'Asia/Seoul')"
    return None


def last_slot(schedule: Schedule, tz: str, now: datetime) -> datetime:
    """The latest slot at or before `now` (aware, in `tz`): the digest that should exist by now.

    Slots are local wall-clock times; a slot that a DST jump skips falls on the first instant
    after it (zoneinfo's fold handling), which is what a reader in that zone expects."""
    local = now.astimezone(ZoneInfo(tz))
    if schedule.every == "hourly":
        slot = local.replace(minute=0, second=0, microsecond=0)
    else:
        slot = local.replace(hour=schedule.hour, minute=schedule.minute, second=0, microsecond=0)
        if schedule.every == "weekly":
            slot -= timedelta(days=(local.weekday() - schedule.weekday) % 7)
        if slot > local:
            slot -= timedelta(days=7 if schedule.every == "weekly" else 1)
    # Re-attach the zone so a slot across a DST change gets that day's offset.
    return slot.replace(tzinfo=None).replace(tzinfo=ZoneInfo(tz))


def next_slot(schedule: Schedule, tz: str, after: datetime) -> datetime:
    """The first slot strictly after `after`."""
    step = {"hourly": timedelta(hours=1), "daily": timedelta(days=1), "weekly": timedelta(days=7)}
    probe = last_slot(schedule, tz, after)
    while probe <= after:
        naive = probe.replace(tzinfo=None) + step[schedule.every]
        probe = last_slot(schedule, tz, naive.replace(tzinfo=ZoneInfo(tz)))
    return probe


@dataclass(frozen=True, slots=True)
class DigestDecision:
    """Whether a digest is due now, for which slot."""

    due: bool
    slot: datetime  # the slot this digest stands for (the latest one passed)
    first_run: bool = False  # no digest was ever planned: remember the slot, send nothing


def digest_due(schedule: Schedule, tz: str, now: datetime, last: datetime | None) -> DigestDecision:
    """A digest is due when a slot has passed since the last one planned. Several slots missed
    while the daemon was down make ONE digest (the latest slot), not one per slot."""
    slot = last_slot(schedule, tz, now)
    if last is None:
        return DigestDecision(False, slot, first_run=True)
    return DigestDecision(slot > last, slot)


# --- assembly --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HeldAlert:
    """One held outbox row, as assembly needs it."""

    event: str
    topic: str | None
    story_id: int | None
    payload: dict


def _item(held: HeldAlert, outlets: dict[int, list[dict]]) -> dict:
    data = held.payload.get("data", {})
    art = data.get("article", {})
    item = {
        "article": art,
        "story": data.get("story", {}),
        "matches": data.get("matches", {"terms": [], "snippets": {}}),
        "diff": data.get("diff"),
        "outlets": [{"outlet": art.get("outlet"), "url": art.get("url")}],
    }
    if held.event == "article.new" and held.story_id in outlets:
        item["outlets"] = outlets[held.story_id]
    return item


def assemble_digest(
    held: list[HeldAlert],
    outlets: dict[int, list[dict]],
    *,
    webhook: str,
    schedule: str,
    timezone: str,
    since: datetime | None,
    until: datetime,
    include_joins: bool,
) -> dict:
    """The digest payload: new stories (once each, with every outlet that carried it by now),
    changed articles and, when asked, further outlets, grouped by topic in first-seen order.

    A change or join of a story that is new in this same digest is folded into it (the
    reader sees the story once, with all its outlets)."""
    new_stories = {(h.story_id, h.topic) for h in held if h.event == "article.new"}
    topics: dict[str, dict[str, list]] = {}
    seen: set[tuple] = set()
    board: list[dict] = []  # bid.stage_changed: the "board changes" section
    for h in held:
        if h.event != "article.new" and (h.story_id, h.topic) in new_stories:
            continue
        if h.event == "story.joined" and not include_joins:
            continue
        key = (h.event, h.story_id if h.event == "article.new" else id(h), h.topic)
        if key in seen:
            continue
        seen.add(key)
        if h.event == "bid.stage_changed":
            board.append(h.payload.get("data", {}).get("bid", {}))
            continue
        group = topics.setdefault(h.topic or "", {"new": [], "changed": [], "joined": []})
        bucket = {"article.new": "new", "article.changed": "changed", "story.joined": "joined"}.get(h.event)
        if bucket:
            group[bucket].append(_item(h, outlets))
    counts = {b: sum(len(g[b]) for g in topics.values()) for b in ("new", "changed", "joined")}
    counts["board"] = len(board)
    return {
        "type": "digest",
        "data": {
            "webhook": webhook,
            "schedule": schedule,
            "timezone": timezone,
            "since": since.isoformat() if since else None,
            "until": until.isoformat(),
            "counts": counts,
            "topics": [{"topic": t, **g} for t, g in topics.items()],
            "board": board,
        },
    }


def is_empty(payload: dict) -> bool:
    return not any(payload["data"]["counts"].values())


# --- text shared by the formats --------------------------------------------------------------


def local_time(iso: str | None, tz: str) -> str | None:
    """`2026-11-21 (토) 09:00 KST` for an ISO time, in the reader's zone."""
    if not iso:
        return None
    local = in_zone(iso, tz)
    if local is None:
        return iso
    if local.tzinfo is None:
        return local.strftime("%Y-%m-%d %H:%M")
    return f"{local:%Y-%m-%d} ({KOREAN_WEEKDAYS[local.weekday()]}) {local:%H:%M} {local.tzname()}"


@dataclass(frozen=True, slots=True)
class DiffLine:
    kind: str  # "added" | "removed" | "context" | "gap"
    text: str


def readable_diff(diff: str | None) -> list[DiffLine]:
    """A unified diff as lines a reader understands: added, removed, unchanged, and gaps
    between hunks; the `---`, `+++` and `@@` syntax is dropped."""
    lines: list[DiffLine] = []
    for raw in (diff or "").splitlines():
        if raw.startswith(("---", "+++")):
            continue
        if raw.startswith("@@"):
            if lines:
                lines.append(DiffLine("gap", "…"))
            continue
        kind = {"+": "added", "-": "removed"}.get(raw[:1], "context")
        text = raw[1:] if raw[:1] in "+- " and raw else raw
        if text.strip() or kind != "context":
            lines.append(DiffLine(kind, text))
    return lines
