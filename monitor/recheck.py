"""When a stored link is fetched again (a conditional GET): pure, by age and by signal.

Edits cluster in an article's first hours, so a link still listed by its source is rechecked on
every crawl during its first 48 hours, then less and less often. A changed edit time from the
source (a feed item's `updated`, a sitemap's lastmod, a listing's "수정" stamp) forces a recheck
at any age. `[fetch] recheck_after` (0 = off) is a floor between rechecks for the old behaviour;
a signal passes it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

HOUR = 3600.0
# (age below which, seconds between rechecks): every crawl for 48 h, then 6 h, daily, weekly.
SCHEDULE: tuple[tuple[float, float], ...] = (
    (48 * HOUR, 0.0),
    (7 * 24 * HOUR, 6 * HOUR),
    (30 * 24 * HOUR, 24 * HOUR),
    (float("inf"), 7 * 24 * HOUR),
)


@dataclass(frozen=True, slots=True)
class Recheck:
    due: bool
    reason: str  # "young", "signal", "schedule", "not yet", "cap"
    next_at: datetime | None  # when it falls due at the earliest (None: on the next crawl)


def recheck_interval(age: float) -> float:
    """Seconds between rechecks of a link first seen `age` seconds ago."""
    return next(every for below, every in SCHEDULE if age < below)


def plan_recheck(
    *,
    now: datetime,
    first_seen: datetime | None,
    checked_at: datetime | None,
    listed_updated: datetime | None,
    stored_updated: datetime | None,
    cap: float = 0.0,
) -> Recheck:
    """Whether a link seen before is fetched again on this crawl."""
    if listed_updated is not None and listed_updated != stored_updated:
        return Recheck(True, "signal", None)
    if checked_at is None:
        return Recheck(True, "schedule", None)
    since = (now - checked_at).total_seconds()
    if cap and since < cap:
        return Recheck(False, "cap", checked_at + timedelta(seconds=cap))
    age = (now - (first_seen or checked_at)).total_seconds()
    every = max(recheck_interval(age), cap)
    if since >= every:
        return Recheck(True, "young" if every == 0 else "schedule", None)
    return Recheck(False, "not yet", checked_at + timedelta(seconds=every))
