"""Source health as pure values: no server, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitor import health
from scrapers.models import Article
from storage.models import SourceState

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
GOOD = Article(title="제목", body="본문 " * 400, published=NOW)


def test_empty_missing_title_and_short_bodies_are_poor():
    state = SourceState(name="s", avg_body_chars=2000.0, dated_share=1.0)
    assert health.assess(Article(title="t", body=""), state).reason == "articles come out with an empty body"
    assert "without title" in health.assess(Article(title=None, body="x" * 900, published=NOW), state).reason
    assert "without published" in health.assess(Article(title="t", body="x" * 900), state).reason
    assert "far shorter" in health.assess(Article(title="t", body="x" * 300, published=NOW), state).reason
    unsure = Article(title="t", body="x" * 900, published=NOW, confidence=0.5)
    assert "unsure" in health.assess(unsure, state).reason
    assert not health.assess(Article(title="t", body="x" * 900, published=NOW, confidence=0.9), state).poor
    assert not health.assess(GOOD, state).poor


def test_a_missing_date_is_not_poor_on_a_source_that_never_prints_one():
    assert not health.assess(Article(title="t", body="x" * 900), SourceState(name="s", dated_share=0.1)).poor


def _crawl(state: SourceState, article: Article, now: datetime = NOW) -> health.HealthUpdate:
    tally = health.CrawlTally(new_links=1)
    tally.add(article, health.assess(article, state))
    return health.after_success(state, tally, started=now, now=now, interval=900)


def test_three_poor_crawls_degrade_and_one_good_crawl_recovers():
    state = SourceState(name="s")
    transitions = []
    for _ in range(3):
        update = _crawl(state, Article(title="t", body=""))
        state, transitions = update.state, [*transitions, update.transition]
    assert state.health == "degraded" and state.quality_failures == 3 and transitions[-1] == "degraded"
    assert transitions[:2] == [None, None]
    update = _crawl(state, GOOD)
    assert update.transition == "recovered" and update.state.health == "ok"
    assert update.state.quality_failures == 0 and update.state.avg_body_chars == len(GOOD.body)


def test_no_new_links_for_days_is_degraded():
    state = SourceState(name="s", last_new_link_at=NOW - timedelta(days=3))
    update = health.after_success(state, health.CrawlTally(), started=NOW, now=NOW, interval=900)
    assert update.state.health == "degraded" and "no new links for 72 h" in update.state.health_reason


def test_failures_back_off_doubling_up_to_sixteen_times():
    state = SourceState(name="s")
    waits = []
    for _ in range(7):
        state = health.after_failure(state, "boom", "connect", started=NOW, now=NOW, interval=900)
        waits.append((state.next_due - NOW).total_seconds())
    assert waits == [900, 1800, 3600, 7200, 14400, 14400, 14400]
    assert state.health == "failing" and state.consecutive_failures == 7
    assert health.backing_off(state, NOW) == state.next_due
    assert health.backing_off(state, state.next_due + timedelta(seconds=1)) is None


def test_backoff_is_capped_at_a_day_and_a_success_clears_it():
    assert health.backoff_seconds(10, 86400 * 2) == 86400 * 2  # never shorter than the interval
    assert health.backoff_seconds(10, 3600) == 57600
    state = health.after_failure(SourceState(name="s"), "x", "dns", started=NOW, now=NOW, interval=900)
    ok = health.after_success(state, health.CrawlTally(new_links=1), started=NOW, now=NOW, interval=900)
    assert ok.state.consecutive_failures == 0 and health.backing_off(ok.state, NOW) is None
