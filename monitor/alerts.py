"""Alerts: which events to queue (pure), how each format looks (pure), signing and delivery (I/O).

Delivery is at-least-once from the outbox: a row is claimed with a lease, posted, and marked
sent only after a 2xx. The webhook-id is the row's msg_id, the same on every attempt, so a
receiver can drop a repeat. Retries follow the Standard Webhooks schedule with jitter.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
import sqlite_utils

from scrapers.fetch import parse_retry_after
from storage.articles import ArticleInput, OutboxRow, SaveResult, was_alerted
from storage.db import write_transaction
from storage.outbox import (
    defer,
    disable_webhook,
    disabled_webhooks,
    due_deliveries,
    mark_failed,
    mark_retry,
    mark_sent,
    next_due_at,
)

from .clock import iso, parse_iso
from .config import Settings, WebhookConfig
from .errors import DeliveryError

log = logging.getLogger(__name__)

# Standard Webhooks' example schedule, shortened to about a day: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
RETRY_SCHEDULE = (0, 5, 300, 1800, 7200, 18000, 36000, 36000)
LEASE_SECONDS = 60
SNIPPET_CHARS = 280


# --- what to queue (runs inside the article's transaction) ---------------------------------


def _hooks_for(settings: Settings, topic: str, disabled: dict[str, str]) -> list[WebhookConfig]:
    return [w for w in settings.webhooks if w.name not in disabled and (not w.topics or topic in w.topics)]


def article_payload_data(item: ArticleInput, result: SaveResult, topic: str) -> dict:
    art = item.article
    match = next((m for m in item.matches if m["topic"] == topic), {"terms": [], "snippets": {}})
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
        "matches": {"terms": match["terms"], "snippets": match["snippets"]},
        "diff": result.diff,
    }


def plan_alerts(
    settings: Settings,
) -> Callable[[sqlite_utils.Database, SaveResult, ArticleInput], list[OutboxRow]]:
    """The enqueue callback storage runs inside the article's transaction."""

    def plan(db: sqlite_utils.Database, result: SaveResult, item: ArticleInput) -> list[OutboxRow]:
        rows: list[OutboxRow] = []
        disabled = disabled_webhooks(db)
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
        elif result.status == "changed" and was_alerted(db, result.article_id):
            for topic in result.topics or ("",):
                for hook in _hooks_for(settings, topic, disabled) if topic else settings.webhooks:
                    key = f"changed:{hook.name}:{result.article_id}:{result.version}"
                    rows.append(
                        _row(
                            hook,
                            key,
                            "article.changed",
                            topic or None,
                            article_payload_data(item, result, topic),
                        )
                    )
        return rows

    return plan


def _row(hook: WebhookConfig, key: str, event: str, topic: str | None, data: dict) -> OutboxRow:
    return OutboxRow(f"msg_{uuid.uuid4().hex}", key, hook.name, event, topic, {"type": event, "data": data})


# --- how each format looks -----------------------------------------------------------------


def render_body(fmt: str, payload: dict, timestamp: datetime) -> bytes:
    """The exact bytes posted for one delivery (and signed, for json)."""
    data = payload["data"]
    art = data["article"]
    if fmt == "json":
        body = {"type": payload["type"], "timestamp": iso(timestamp), "data": data}
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    label = {
        "article.new": "New story",
        "article.changed": "Article changed",
        "story.joined": "Another outlet",
    }.get(payload["type"], payload["type"])
    snippet = next(iter(data["matches"]["snippets"].values()), "") or art["excerpt"][:200]
    when = art["published"] or ""
    if fmt == "slack":
        text = f"*{label}* ({data['topic']}): <{art['url']}|{art['title']}>"
        msg = {
            "text": f"{label}: {art['title']} {art['url']}",
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": text}},
                {"type": "section", "text": {"type": "plain_text", "text": snippet[:2900]}},
                {"type": "context", "elements": [{"type": "mrkdwn", "text": f"{art['outlet']} · {when}"}]},
            ],
        }
    else:  # discord
        msg = {
            "content": f"**{label}** ({data['topic']})",
            "allowed_mentions": {"parse": []},
            "embeds": [
                {
                    "title": (art["title"] or art["url"])[:256],
                    "url": art["url"],
                    "description": snippet[:4000],
                    "footer": {"text": f"{art['outlet']} {when}".strip()[:2048]},
                }
            ],
        }
    return json.dumps(msg, ensure_ascii=False).encode("utf-8")


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """Standard Webhooks v1 signature over `msg_id.timestamp.body` (the exact bytes sent)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def request_for(hook: WebhookConfig, row: dict, now: datetime) -> tuple[dict[str, str], bytes]:
    body = render_body(hook.format, row["payload"], now)
    headers = {"content-type": "application/json", "user-agent": "ai-center-monitor-webhooks/0.1"}
    if hook.format == "json":
        ts = int(now.timestamp())
        headers.update({"webhook-id": row["msg_id"], "webhook-timestamp": str(ts)})
        if hook.secret:
            headers["webhook-signature"] = sign(hook.secret, row["msg_id"], ts, body)
    return headers, body


# --- delivery -------------------------------------------------------------------------------


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


async def post(client: httpx.AsyncClient, hook: WebhookConfig, headers: dict, body: bytes) -> None:
    try:
        resp = await client.post(
            hook.url, content=body, headers=headers, timeout=hook.timeout, follow_redirects=False
        )
    except httpx.TimeoutException as exc:
        raise DeliveryError(f"timed out after {hook.timeout:g}s", unreachable=True) from exc
    except httpx.HTTPError as exc:
        raise DeliveryError(f"connection failed: {type(exc).__name__}: {exc}", unreachable=True) from exc
    status = resp.status_code
    if 200 <= status < 300:
        return
    reason = f"HTTP {status}: {resp.text[:200]}"
    if status == 410:
        raise DeliveryError(reason, permanent=True, gone=True)
    if 300 <= status < 400:
        raise DeliveryError(f"HTTP {status} redirect not followed (fix the webhook URL)")
    if status in (408, 429) or status >= 500:
        raise DeliveryError(reason, retry_after=parse_retry_after(resp.headers.get("retry-after")))
    raise DeliveryError(reason, permanent=True)


def _claim(db: sqlite_utils.Database, row_id: int, now: datetime) -> bool:
    """Take a lease on a due row, so two processes never post it at once."""
    with write_transaction(db):
        cur = db.execute(
            "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND status = 'pending' AND next_attempt_at <= ?",
            (iso(now + timedelta(seconds=LEASE_SECONDS)), row_id, iso(now)),
        )
        return cur.rowcount == 1


async def deliver_due(
    db: sqlite_utils.Database,
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
    report = DeliveryReport()
    hooks = {w.name: w for w in settings.webhooks}
    resting: dict[str, datetime] = {}
    for row in due_deliveries(db, iso(now()), limit):
        hook = hooks.get(row["webhook"])
        if hook is None:
            mark_failed(db, row["id"], f"webhook {row['webhook']!r} is no longer configured")
            report.failed += 1
            continue
        if hook.name in resting:
            defer(db, row["id"], iso(resting[hook.name]))
            report.retrying += 1
            continue
        if not _claim(db, row["id"], now()):
            continue
        headers, body = request_for(hook, row, now())
        try:
            await post(client, hook, headers, body)
        except DeliveryError as exc:
            if exc.gone:
                disable_webhook(db, hook.name, str(exc), iso(now()))
                log.error("webhook %s answered 410 Gone: endpoint disabled", hook.name)
                report.failed += 1
            elif exc.permanent:
                mark_failed(db, row["id"], str(exc))
                report.failed += 1
            else:
                when = next_attempt(row["attempts"] + 1, now(), exc.retry_after)
                if when is None:
                    mark_failed(db, row["id"], f"gave up after {row['attempts'] + 1} attempts: {exc}")
                    report.failed += 1
                else:
                    mark_retry(db, row["id"], iso(when), str(exc))
                    report.retrying += 1
                    if exc.unreachable:
                        resting[hook.name] = when
            report.errors.append(f"{hook.name}: {exc}")
            log.warning("delivery %s to %s failed: %s", row["msg_id"], hook.name, exc)
            continue
        mark_sent(db, row["id"], iso(now()))
        report.sent += 1
    return report


async def deliver_with_grace(
    db: sqlite_utils.Database,
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
        nxt = next_due_at(db)
        if nxt is None:
            total.retrying = 0
            return total
        when = parse_iso(nxt)
        if when > deadline:
            total.retrying = int(
                db.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").fetchone()[0]
            )
            return total
        await sleep(max(0.0, (when - now()).total_seconds()) + 0.01)


def make_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(follow_redirects=False)
