"""Source health, pure: assess one extraction, fold a crawl into the source's state, back off.

A source is `failing` when its crawl failed (its interval doubles per failure, at most 16
times and a day), `degraded` when its pages come out poor (no body, title or usual date, far
shorter than usual, extracted with low confidence) for DEGRADED_AFTER crawls in a row or it
yields no new links for much longer than usual, and `ok` otherwise. Everything here takes values and returns values; the
pipeline reads and writes the state, the scheduler asks `backing_off`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from scrapers.models import Article
from storage.models import SourceState

DEGRADED_AFTER = 3  # consecutive poor crawls before a source is marked degraded
SHORT_FACTOR = 0.25  # a body under a quarter of the source's usual length counts as poor
# An extraction the extractor itself doubts (`Article.confidence`: text density, how the body
# was assembled, title agreement, length). A weak signal for one page: over the English dev
# corpora the 22 pages under 0.8 had a mean body F1 of ~0.7 (the 7 under 0.6: 0.76), those over
# 0.9 of 0.95. A source whose pages all come out under it for DEGRADED_AFTER crawls has more
# likely changed its layout. A
# text read from a script payload has no density to judge, and its confidence is low by
# construction, so it is not held to this.
LOW_CONFIDENCE = 0.6
MAX_BACKOFF_DOUBLINGS = 4
RUNNING_WEIGHT = 0.2  # how much one crawl moves the source's usual length and dated share

Transition = Literal["degraded", "recovered"] | None


@dataclass(frozen=True, slots=True)
class Quality:
    poor: bool
    reason: str | None
    body_chars: int


def assess(article: Article, state: SourceState) -> Quality:
    """Whether one extracted page looks like what this source usually gives."""
    usual, dated_share = state.avg_body_chars, state.dated_share
    expected = ("title", "published") if dated_share is not None and dated_share > 0.8 else ("title",)
    missing = [k for k in expected if not getattr(article, k)]
    size = len(article.body)
    if size == 0:
        return Quality(True, "articles come out with an empty body", 0)
    if missing:
        return Quality(True, f"articles come out without {' and '.join(missing)}", size)
    if usual and usual > 400 and size < usual * SHORT_FACTOR:
        return Quality(True, f"bodies far shorter than usual ({size} vs ~{usual:.0f} chars)", size)
    if article.confidence < LOW_CONFIDENCE and "payload" not in (article.extractor or ""):
        return Quality(
            True, f"the extractor is unsure of the article (confidence {article.confidence:.2f})", size
        )
    return Quality(False, None, size)


@dataclass
class CrawlTally:
    """What one crawl saw of its pages' quality, and whether it found anything new."""

    poor_reasons: list[str] = field(default_factory=list)  # since the last good page
    good: int = 0
    sizes: list[int] = field(default_factory=list)
    dated: list[bool] = field(default_factory=list)
    new_links: int = 0
    sample_page: str | None = None
    errors: int = 0  # pages or links that failed while the source itself was crawled
    first_error: str | None = None

    def add(self, article: Article, quality: Quality) -> None:
        if article.body:
            self.dated.append(article.published is not None)
        if quality.poor:
            self.poor_reasons.append(quality.reason or "poor extraction")
        else:
            self.good += 1
            self.poor_reasons.clear()
            self.sizes.append(quality.body_chars)


@dataclass(frozen=True, slots=True)
class HealthUpdate:
    state: SourceState
    transition: Transition = None


def _running_mean(old: float | None, values: list) -> float:
    """An exponential running mean across crawls, so one odd crawl moves the usual little."""
    mean = sum(values) / len(values)
    return mean if old is None else (1 - RUNNING_WEIGHT) * old + RUNNING_WEIGHT * mean


def _quiet_for(state: SourceState, now: datetime, interval: float) -> str | None:
    """Why a source that found no new links is suspect, if it has been quiet too long."""
    if state.last_new_link_at is None:
        return None
    quiet = (now - state.last_new_link_at).total_seconds()
    if quiet > max(20 * interval, 2 * 86400):
        return f"no new links for {quiet / 3600:.0f} h (usually every {interval / 60:.0f} min)"
    return None


def after_success(
    state: SourceState, tally: CrawlTally, *, started: datetime, now: datetime, interval: float
) -> HealthUpdate:
    """The source's state after a crawl that ran (its pages may still have been poor)."""
    quality_failures = state.quality_failures
    if tally.poor_reasons and not tally.good:
        quality_failures += len(tally.poor_reasons)
    elif tally.good:
        quality_failures = 0
    changes: dict = {
        "last_attempt": started,
        "last_success": now,
        "consecutive_failures": 0,
        "runs": state.runs + 1,
        "next_due": now + timedelta(seconds=interval),
        "quality_failures": quality_failures,
    }
    if tally.sizes:
        changes["avg_body_chars"] = _running_mean(state.avg_body_chars, tally.sizes)
    if tally.dated:
        changes["dated_share"] = _running_mean(state.dated_share, tally.dated)
    if tally.new_links or state.last_new_link_at is None:
        changes["last_new_link_at"] = now
    if tally.errors:  # the crawl ran, but `monitor status` shows what went wrong inside it
        changes.update(
            last_error=f"{tally.errors} page(s) failed, e.g. {tally.first_error}"[:500],
            last_error_kind="pages",
            last_error_at=now,
        )
    health, reason = "ok", None
    if quality_failures >= DEGRADED_AFTER:
        last = tally.poor_reasons[-1] if tally.poor_reasons else "poor extraction"
        health, reason = "degraded", f"{last} ({quality_failures} in a row)"
        if tally.sample_page:
            changes["sample_page"] = tally.sample_page
    elif not tally.new_links and (quiet := _quiet_for(state, now, interval)):
        health, reason = "degraded", quiet
    transition: Transition = None
    if state.health == "degraded" and health == "ok":
        transition, reason = "recovered", "recovered"
    elif health == "degraded" and state.health != "degraded":
        transition = "degraded"
    new = dataclasses.replace(state, health=health, health_reason=reason, **changes)
    return HealthUpdate(new, transition)


def backoff_seconds(failures: int, interval: float) -> float:
    """How long a source waits after `failures` failed crawls in a row."""
    doubled = interval * (2 ** min(failures - 1, MAX_BACKOFF_DOUBLINGS))
    return min(doubled, max(interval, 86400))


def after_failure(
    state: SourceState,
    error: str,
    kind: str,
    *,
    started: datetime,
    now: datetime,
    interval: float,
) -> SourceState:
    """The source's state after a crawl that failed as a whole."""
    failures = state.consecutive_failures + 1
    return dataclasses.replace(
        state,
        last_attempt=started,
        last_error=error[:500],
        last_error_kind=kind,
        last_error_at=now,
        consecutive_failures=failures,
        health="failing",
        health_reason=f"{failures} failed crawl(s): {error}"[:300],
        next_due=now + timedelta(seconds=backoff_seconds(failures, interval)),
        runs=state.runs + 1,
    )


def skipped(state: SourceState, reason: str, *, now: datetime) -> SourceState:
    """A source not crawled on purpose: no failure counted, the reason shown as its health."""
    return dataclasses.replace(state, health="skipped", health_reason=reason, last_attempt=now)


def backing_off(state: SourceState | None, now: datetime) -> datetime | None:
    """Until when a failing source waits before its next crawl (None: it may run now)."""
    if state and state.consecutive_failures and state.next_due and state.next_due > now:
        return state.next_due
    return None
