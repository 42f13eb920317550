"""`discord`: a webhook message with one embed, mentions disabled."""

from __future__ import annotations

import json

from .base import AlertFormat, event_label, register, snippet


class Discord(AlertFormat):
    name = "discord"

    def render(self, payload, timestamp):
        data = payload["data"]
        art = data["article"]
        msg = {
            "content": f"**{event_label(payload['type'])}** ({data['topic']})",
            "allowed_mentions": {"parse": []},
            "embeds": [
                {
                    "title": (art["title"] or art["url"])[:256],
                    "url": art["url"],
                    "description": snippet(data)[:4000],
                    "footer": {"text": f"{art['outlet']} {art['published'] or ''}".strip()[:2048]},
                }
            ],
        }
        return json.dumps(msg, ensure_ascii=False).encode("utf-8")


register(Discord())
