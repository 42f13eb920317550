"""Alerts: which events to queue (pure planning) and their delivery from the outbox (I/O).

Planning runs inside the article's transaction: storage hands `plan_alerts` the save result,
the article and the facts it knows (disabled endpoints, earlier alerts) and writes the rows
returned. Delivery is at-least-once: a row is claimed with a lease, posted, and marked sent
only after a 2xx. The webhook-id is the row's msg_id, the same on every attempt, so a receiver
can drop a repeat. Retries follow the Standard Webhooks schedule with jitter. How each format
looks is in `formats/`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from scrapers.errors import BlockedURLError, FetchError
from scrapers.fetch import FetchSettings, guarded_transport, parse_retry_after
from storage import Database, outbox
from storage.models import AlertFacts, ArticleInput, BoardChange, Delivery, OutboxRow, SaveResult

from .config import Settings, WebhookConfig
from .errors import DeliveryError, DeliveryOutcome
from .formats import FORMATS

log = logging.getLogger(__name__)

# Standard Webhooks' example schedule, shortened to about a day: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
RETRY_SCHEDULE = (0, 5, 300, 1800, 7200, 18000, 36000, 36000)
LEASE_SECONDS = 60
SNIPPET_CHARS = 280
DIFF_CHARS = 20_000  # of a diff, in one alert
ERROR_PREFIX_BYTES = 2048  # of a failed delivery's answer, kept as its reason


# --- what to queue (pure) ----------------------------------------------------------------------


def article_payload_data(item: ArticleInput, result: SaveResult, topic: str) -> dict:
    art = item.article
    match = item.match(topic)
    return {
        "article": {
            "id": result.article_id,
            "url": item.canonical_url,
            "title": art.title,
            "byline": art.byline,
            "published": art.published.isoformat() if art.published else None,
            "source": item.source,
            "outlet": art.site_name or item.source,
            "version": result.version,
            "excerpt": art.body[:SNIPPET_CHARS],
        },
        "story": {"id": result.story_id, "new": result.new_story},
        "topic": topic,
        "matches": {"terms": list(match.terms), "snippets": dict(match.snippets)},
        "diff": _capped_diff(result.diff),
    }


def _capped_diff(diff: str | None) -> str | None:
    """A diff of two huge versions stays a readable size in an alert (the store keeps it whole)."""
    if diff is None or len(diff) <= DIFF_CHARS:
        return diff
    return diff[:DIFF_CHARS] + f"\n… ({len(diff) - DIFF_CHARS} more characters of diff not shown)"


def _hooks_for(settings: Settings, topic: str, disabled: frozenset[str]) -> list[WebhookConfig]:
    return [w for w in settings.webhooks if w.name not in disabled and (not w.topics or topic in w.topics)]


def _row(hook: WebhookConfig, key: str, event: str, topic: str | None, data: dict) -> OutboxRow:
    # A digest notifier's alerts are held until its next digest (digest_outbox.py) takes them.
    status = "held" if hook.mode == "digest" else "pending"
    payload = {"type": event, "data": data}
    return OutboxRow(f"msg_{uuid.uuid4().hex}", key, hook.name, event, topic, payload, status)


def plan_alerts(
    settings: Settings, result: SaveResult, item: ArticleInput, facts: AlertFacts
) -> list[OutboxRow]:
    """The deliveries one save calls for: a new story once per topic and webhook, a further
    outlet to webhooks that asked for joins, an edit of an article that was alerted before."""
    rows: list[OutboxRow] = []
    disabled = facts.disabled_webhooks
    if result.status == "new":
        for topic in result.topics:
            for hook in _hooks_for(settings, topic, disabled):
                if topic in result.story_new_topics:
                    key, event = f"new:{hook.name}:{result.story_id}:{topic}", "article.new"
                elif result.joined_story and hook.announce_joins:
                    key, event = f"join:{hook.name}:{result.article_id}:{topic}", "story.joined"
                else:
                    continue
                rows.append(_row(hook, key, event, topic, article_payload_data(item, result, topic)))
    elif result.status == "changed" and facts.article_alerted:
        for topic in result.topics or ("",):
            hooks = _hooks_for(settings, topic, disabled) if topic else settings.webhooks
            for hook in hooks:
                key = f"changed:{hook.name}:{result.article_id}:{result.version}"
                data = article_payload_data(item, result, topic)
                rows.append(_row(hook, key, "article.changed", topic or None, data))
    if facts.board_changes:
        rows += plan_bid_alerts(settings, facts.board_changes, result.topics, disabled, result.story_id)
    return rows


def bid_payload_data(change: BoardChange, story_id: int | None = None) -> dict:
    """`bid.stage_changed`: who moved where, the sentence saying so, and its article (shaped
    like an article alert's data, so every format shows the article and the evidence)."""
    r = change.row
    return {
        "article": {
            "id": r.article_id,
            "url": r.url,
            "title": r.title,
            "byline": None,
            "published": r.since,
            "source": r.outlet,
            "outlet": r.outlet,
            "version": 1,
            "excerpt": r.evidence[:SNIPPET_CHARS],
        },
        "story": {"id": story_id, "new": False},
        "topic": r.program,
        "matches": {"terms": [r.program], "snippets": {r.program: r.evidence[:SNIPPET_CHARS]}},
        "diff": None,
        "bid": {
            "bidder": r.bidder,
            "program": r.program,
            "from": change.from_stage,
            "to": change.to_stage,
            "since": r.since,
            "evidence": r.evidence,
            "url": r.url,
        },
    }


def plan_bid_alerts(
    settings: Settings,
    changes: tuple[BoardChange, ...],
    topics: tuple[str, ...] = (),
    disabled: frozenset[str] = frozenset(),
    story_id: int | None = None,
) -> list[OutboxRow]:
    """One `bid.stage_changed` per webhook, bidder, program and stage, ever (the dedup key):
    a bid that falls back and moves up again is not announced twice. Only to webhooks with
    `board = true`; one with a topic filter when the article matched one of its topics."""
    rows = []
    for change in changes:
        for hook in settings.webhooks:
            if (
                not hook.board
                or hook.name in disabled
                or (hook.topics and not set(hook.topics) & set(topics))
            ):
                continue
            key = f"bid:{hook.name}:{change.program}:{change.bidder}:{change.to_stage}"
            data = bid_payload_data(change, story_id)
            rows.append(_row(hook, key, "bid.stage_changed", change.program, data))
    return rows


def alert_planner(settings: Settings) -> Callable[[SaveResult, ArticleInput, AlertFacts], list[OutboxRow]]:
    """`plan_alerts` bound to the settings, as `save_article(plan=...)` takes it."""

    def plan(result: SaveResult, item: ArticleInput, facts: AlertFacts) -> list[OutboxRow]:
        return plan_alerts(settings, result, item, facts)

    return plan


def request_for(
    hook: WebhookConfig, msg_id: str, payload: dict, now: datetime
) -> tuple[dict[str, str], bytes]:
    return FORMATS[hook.format].request(hook, msg_id, payload, now)


# --- delivery ------------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def next_attempt(attempts_done: int, now: datetime, retry_after: float | None) -> datetime | None:
    """When to try again after `attempts_done` failed attempts; None when the schedule is spent."""
    if attempts_done >= len(RETRY_SCHEDULE):
        return None
    delay = RETRY_SCHEDULE[attempts_done] * random.uniform(0.9, 1.1)
    if retry_after is not None:
        delay = max(delay, min(retry_after, 86400))
    return now + timedelta(seconds=delay)


async def _prefix(resp: httpx.Response, limit: int = ERROR_PREFIX_BYTES) -> str:
    """The start of a response body, enough for an error message; the rest is never read."""
    data = b""
    async for chunk in resp.aiter_raw():
        data += chunk
        if len(data) >= limit:
            break
    return data[:limit].decode("utf-8", "replace")


async def post(client: httpx.AsyncClient, hook: WebhookConfig, headers: dict, body: bytes) -> None:
    """One POST under a total deadline (a receiver dripping its answer byte by byte cannot hold
    it longer than `hook.timeout`), reading at most a short prefix of what comes back."""
    try:
        async with (
            asyncio.timeout(hook.timeout),
            client.stream(
                "POST", hook.url, content=body, headers=headers, timeout=hook.timeout, follow_redirects=False
            ) as resp,
        ):
            status = resp.status_code
            text = "" if 200 <= status < 300 else await _prefix(resp)
            retry_after = resp.headers.get("retry-after")
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise DeliveryError(
            f"no complete answer within {hook.timeout:g}s", outcome=DeliveryOutcome.UNREACHABLE
        ) from exc
    except BlockedURLError as exc:
        raise DeliveryError(
            f"{exc} (set [alerts] allow_private_networks = true for a receiver on your own network)",
            outcome=DeliveryOutcome.PERMANENT,
        ) from exc
    except (httpx.HTTPError, FetchError) as exc:
        raise DeliveryError(
            f"connection failed: {type(exc).__name__}: {exc}", outcome=DeliveryOutcome.UNREACHABLE
        ) from exc
    if 200 <= status < 300:
        return
    reason = f"HTTP {status}: {text[:200]}"
    if status == 410:
        raise DeliveryError(reason, outcome=DeliveryOutcome.GONE)
    if 300 <= status < 400:  # retried: a moved endpoint is often a config fix away
        raise DeliveryError(f"HTTP {status} redirect not followed (fix the webhook URL)")
    if status in (408, 429) or status >= 500:
        raise DeliveryError(reason, retry_after=parse_retry_after(retry_after))
    raise DeliveryError(reason, outcome=DeliveryOutcome.PERMANENT)


async def send(
    client: httpx.AsyncClient, hook: WebhookConfig, msg_id: str, payload: dict, now: datetime
) -> None:
    """One delivery attempt in the webhook's format (raises DeliveryError)."""

    async def http(hook: WebhookConfig, headers: dict[str, str], body: bytes) -> None:
        await post(client, hook, headers, body)

    await FORMATS[hook.format].send(hook, msg_id, payload, now, http=http)


class _Pass:
    """One delivery pass: the report, and endpoints resting after they did not answer."""

    def __init__(self, db: Database, now: Callable[[], datetime]):
        self.db, self.now = db, now
        self.report = DeliveryReport()
        self.resting: dict[str, datetime] = {}

    def failed(self, row: Delivery, hook: WebhookConfig, exc: DeliveryError) -> None:
        report = self.report
        if exc.outcome is DeliveryOutcome.GONE:
            outbox.disable_webhook(self.db, hook.name, str(exc), self.now())
            log.error("webhook %s answered 410 Gone: endpoint disabled", hook.name)
            report.failed += 1
        elif exc.permanent:
            outbox.mark_failed(self.db, row.id, str(exc))
            report.failed += 1
        else:
            when = next_attempt(row.attempts + 1, self.now(), exc.retry_after)
            if when is None:
                outbox.mark_failed(self.db, row.id, f"gave up after {row.attempts + 1} attempts: {exc}")
                report.failed += 1
            else:
                outbox.mark_retry(self.db, row.id, when, str(exc))
                report.retrying += 1
                if exc.outcome is DeliveryOutcome.UNREACHABLE:
                    self.resting[hook.name] = when
        report.errors.append(f"{hook.name}: {exc}")
        log.warning("delivery %s to %s failed: %s", row.msg_id, hook.name, exc)

    async def deliver(self, client: httpx.AsyncClient, hook: WebhookConfig, rows: list[Delivery]) -> None:
        """One endpoint's due rows in order, each outcome written before the next row."""
        for row in rows:
            if hook.name in self.resting:
                outbox.defer(self.db, row.id, self.resting[hook.name])
                self.report.retrying += 1
                continue
            if not outbox.claim(self.db, row.id, self.now(), LEASE_SECONDS):
                continue
            try:
                await send(client, hook, row.msg_id, row.payload, self.now())
            except DeliveryError as exc:
                self.failed(row, hook, exc)
                continue
            outbox.mark_sent(self.db, row.id, self.now())
            self.report.sent += 1


async def deliver_due(
    db: Database,
    settings: Settings,
    client: httpx.AsyncClient,
    now: Callable[[], datetime],
    *,
    limit: int = 200,
) -> DeliveryReport:
    """Post every due outbox row once; each outcome is written before the next row.

    A receiver that times out or refuses the connection is not tried again in the same pass:
    its other rows wait for the same retry time (no attempt counted), so one dead or hanging
    endpoint costs one timeout per pass and never holds up the rest.
    """
    run = _Pass(db, now)
    hooks = {w.name: w for w in settings.webhooks}
    queues: dict[str, list[Delivery]] = {}
    for row in outbox.due_deliveries(db, now(), limit):
        if row.webhook in hooks:
            queues.setdefault(row.webhook, []).append(row)
        else:
            outbox.mark_failed(db, row.id, f"webhook {row.webhook!r} is no longer configured")
            run.report.failed += 1
    # One task per endpoint: a slow or dead receiver holds up only its own queue.
    await asyncio.gather(*(run.deliver(client, hooks[name], rows) for name, rows in queues.items()))
    return run.report


async def deliver_with_grace(
    db: Database,
    settings: Settings,
    client: httpx.AsyncClient,
    now: Callable[[], datetime],
    *,
    grace: float,
    sleep=asyncio.sleep,
) -> DeliveryReport:
    """Deliver what is due, then wait out retries that fall due within `grace` seconds."""
    total = DeliveryReport()
    deadline = now() + timedelta(seconds=grace)
    while True:
        rep = await deliver_due(db, settings, client, now)
        total.sent += rep.sent
        total.failed += rep.failed
        total.errors += rep.errors
        when = outbox.next_due_at(db)
        if when is None:
            total.retrying = 0
            return total
        if when > deadline:
            total.retrying = outbox.outbox_counts(db)["pending"]
            return total
        await sleep(max(0.0, (when - now()).total_seconds()) + 0.01)


def make_client(*, allow_private_networks: bool = False) -> httpx.AsyncClient:
    """The webhook client: every connection through the same SSRF guard as page fetches (a
    webhook URL in a shared config can point anywhere), redirects never followed."""
    guard = FetchSettings(allow_private_networks=allow_private_networks)
    return httpx.AsyncClient(transport=guarded_transport(guard), follow_redirects=False)
