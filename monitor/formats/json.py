"""`json`: Standard Webhooks, the event as JSON, signed with HMAC-SHA256 over `id.timestamp.body`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime

from ..config_schema import unresolved
from .base import AlertFormat, register


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """Standard Webhooks v1 signature over `msg_id.timestamp.body` (the exact bytes sent)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


class StandardWebhook(AlertFormat):
    name = "json"

    def check(self, hook):
        if unresolved(hook.secret):  # left as ${NAME} for a command that never sends
            return super().check(hook)
        if not hook.secret:
            return "secret", "a json webhook needs a whsec_ secret to sign with"
        if not hook.secret.startswith("whsec_"):
            return "secret", "must start with whsec_ (Standard Webhooks secret)"
        return super().check(hook)

    def render(self, payload, timestamp):
        stamp = timestamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        body = {"type": payload["type"], "timestamp": stamp, "data": payload["data"]}
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")

    def request(self, hook, msg_id: str, payload: dict, now: datetime):
        headers, body = super().request(hook, msg_id, payload, now)
        ts = int(now.timestamp())
        headers.update({"webhook-id": msg_id, "webhook-timestamp": str(ts)})
        if hook.secret:
            headers["webhook-signature"] = sign(hook.secret, msg_id, ts, body)
        return headers, body


register(StandardWebhook())
