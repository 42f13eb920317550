"""`slack`: an incoming-webhook message with Block Kit sections."""

from __future__ import annotations

import json

from .base import AlertFormat, event_label, register, snippet

SECTION_CHARS = 2900


class Slack(AlertFormat):
    name = "slack"

    def render(self, payload, timestamp):
        data = payload["data"]
        art = data["article"]
        label = event_label(payload["type"])
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
