"""`slack`: an incoming-webhook message with Block Kit sections."""

from __future__ import annotations

import json
import re

from . import text
from .base import AlertFormat, event_label, register, snippet

SECTION_CHARS = 2900


def mrkdwn(markdown: str) -> str:
    """Our Markdown in Slack's dialect: <url|label> links, *bold*, headings as bold lines."""
    out = re.sub(r"\[([^\]]*)\]\(([^)\s]*)\)", r"<\2|\1>", markdown)
    out = re.sub(r"\*\*(.+?)\*\*", r"*\1*", out)
    return re.sub(r"(?m)^## (.+)$", r"*\1*", out)


def render_digest(payload: dict) -> bytes:
    title, body = text.markdown(payload, payload["data"].get("timezone") or "Asia/Seoul")
    chunks = [body[i : i + 2900] for i in range(0, len(body), 2900)][:45]  # Slack: 50 blocks, 3000 chars
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}}]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn(c)}} for c in chunks]
    return json.dumps({"text": title, "blocks": blocks}, ensure_ascii=False).encode("utf-8")


class Slack(AlertFormat):
    name = "slack"

    def render(self, payload, timestamp):
        if payload["type"] == "digest":
            return render_digest(payload)
        data = payload["data"]
        art = data["article"]
        label = event_label(payload["type"], data)
        # Slack's limits: 3,000 characters a section text, 40,000 the fallback text.
        text = f"*{label}* ({data['topic']}): <{art['url']}|{(art['title'] or '')[:300]}>"[:SECTION_CHARS]
        msg = {
            "text": f"{label}: {art['title']} {art['url']}"[:SECTION_CHARS],
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": text}},
                {"type": "section", "text": {"type": "plain_text", "text": snippet(data)[:SECTION_CHARS]}},
                {
                    "type": "context",
                    "elements": [
                        {
                            "type": "mrkdwn",
                            "text": f"{art['outlet']} · {art['published'] or ''}"[:SECTION_CHARS],
                        }
                    ],
                },
            ],
        }
        return json.dumps(msg, ensure_ascii=False).encode("utf-8")


register(Slack())
