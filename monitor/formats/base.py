"""What every alert format is: a name, what it needs of its webhook, and a pure renderer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from ..config import WebhookConfig

USER_AGENT = "ai-center-monitor-webhooks/0.1"
# Posts one request to a webhook URL, raising DeliveryError (alerts.py owns the HTTP client).
HttpPost = Callable[["WebhookConfig", dict[str, str], bytes], Awaitable[None]]
EVENT_LABELS = {
    "article.new": "New story",
    "article.changed": "Article changed",
    "story.joined": "Another outlet",
    "bid.stage_changed": "Bid stage changed",
}


class AlertFormat:
    """One way of turning an alert payload into the bytes and headers sent to an endpoint."""

    name: ClassVar[str]
    schemes: ClassVar[tuple[str, ...]] = ("http", "https")

    def check(self, hook: WebhookConfig) -> tuple[str, str] | None:
        """(key, problem) when the webhook lacks what this format needs."""
        if urlsplit(hook.url).scheme not in self.schemes or not urlsplit(hook.url).netloc:
            return "url", f"needs an {'/'.join(self.schemes)} URL, got {hook.url!r}"
        return None

    def mask_url(self, url: str) -> str:
        """The URL as `config show` prints it. Slack and Discord webhook URLs carry their
        secret in the path: show the host only."""
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}/…" if parts.path.strip("/") or parts.query else url

    def render(self, payload: dict, timestamp: datetime) -> bytes:
        raise NotImplementedError

    def request(
        self, hook: WebhookConfig, msg_id: str, payload: dict, now: datetime
    ) -> tuple[dict[str, str], bytes]:
        """The headers and exact body of one delivery attempt."""
        return {"content-type": "application/json", "user-agent": USER_AGENT}, self.render(payload, now)

    async def send(
        self, hook: WebhookConfig, msg_id: str, payload: dict, now: datetime, *, http: HttpPost
    ) -> None:
        """Deliver one alert (raises DeliveryError). Webhook formats post over HTTP; a format
        with another transport (mail, say) overrides this."""
        headers, body = self.request(hook, msg_id, payload, now)
        await http(hook, headers, body)


def event_label(event: str, data: dict | None = None) -> str:
    """The event's name, with the move for a bid: "Bid stage changed: 포항시 추진 → 신청"."""
    label = EVENT_LABELS.get(event, event)
    return f"{label}: {bid_move(data['bid'])}" if data and data.get("bid") else label


def bid_move(bid: dict) -> str:
    """`포항시 · 국가 AI 컴퓨팅센터: 추진 → 신청` (a first appearance: `신규 → 추진`)."""
    return f"{bid['bidder']} · {bid['program']}: {bid.get('from') or '신규'} → {bid['to']}"


def snippet(data: dict, limit: int = 200) -> str:
    """The matched snippet when there is one, else the start of the article."""
    return next(iter(data["matches"]["snippets"].values()), "") or data["article"]["excerpt"][:limit]


FORMATS: dict[str, AlertFormat] = {}


def register(fmt: AlertFormat) -> AlertFormat:
    if fmt.name in FORMATS:
        raise ValueError(f"alert format {fmt.name!r} registered twice")
    FORMATS[fmt.name] = fmt
    return fmt
