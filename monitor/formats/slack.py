"""`slack`: an incoming-webhook message with Block Kit sections."""

from __future__ import annotations

import json

from .base import AlertFormat, event_label, register, snippet


class Slack(AlertFormat):
    name = "slack"

    def render(self, payload, timestamp):
        data = payload["data"]
        art = data["article"]
        label = event_label(payload["type"])
        text = f"*{label}* ({data['topic']}): <{art['url']}|{art['title']}>"
        msg = {
            "text": f"{label}: {art['title']} {art['url']}",
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": text}},
                {"type": "section", "text": {"type": "plain_text", "text": snippet(data)[:2900]}},
                {
                    "type": "context",
                    "elements": [{"type": "mrkdwn", "text": f"{art['outlet']} · {art['published'] or ''}"}],
                },
            ],
        }
        return json.dumps(msg, ensure_ascii=False).encode("utf-8")


register(Slack())
