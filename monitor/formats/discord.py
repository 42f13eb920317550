"""`discord`: a webhook message with one embed, mentions disabled."""

from __future__ import annotations

import json

from . import text
from .base import AlertFormat, event_label, register, snippet


def render_digest(payload: dict) -> bytes:
    title, body = text.markdown(payload, payload["data"].get("timezone") or "Asia/Seoul")
    if len(body) > 4000:  # an embed description holds 4096 characters
        body = body[:3990].rsplit("\n", 1)[0] + "\n…"
    msg = {
        "content": f"**{title[:1900]}**",
        "allowed_mentions": {"parse": []},
        "embeds": [{"description": body}],
    }
    return json.dumps(msg, ensure_ascii=False).encode("utf-8")


class Discord(AlertFormat):
    name = "discord"

    def render(self, payload, timestamp):
        if payload["type"] == "digest":
            return render_digest(payload)
        data = payload["data"]
        art = data["article"]
        msg = {
            # Discord's limits: content 2,000, embed title 256, description 4,096, footer 2,048,
            # 6,000 for the whole embed.
            "content": f"**{event_label(payload['type'], data)}** ({data['topic']})"[:2000],
            "allowed_mentions": {"parse": []},
            "embeds": [
                {
                    "title": (art["title"] or art["url"])[:256],
                    "url": art["url"],
                    "description": snippet(data)[:4000],
                    "footer": {"text": f"{art['outlet']} {art['published'] or ''}".strip()[:1000]},
                }
            ],
        }
        return json.dumps(msg, ensure_ascii=False).encode("utf-8")


register(Discord())
