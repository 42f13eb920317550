"""`apprise`: Telegram, Teams, ntfy, mailto and 100+ other services through the Apprise
library (this module is its one owner). Title and a Markdown body; Apprise converts it for
services that do not render Markdown.

The URL carries the service's secrets (`tgram://${TG_BOT_TOKEN}/${TG_CHAT_ID}`): `config show`
prints only its scheme, and Apprise's own log lines are caught (not passed to our handlers)
and put into the delivery error with every part of the URL blanked out.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from types import ModuleType
from urllib.parse import urlsplit

from ..errors import DeliveryError, DeliveryOutcome
from . import text
from .base import AlertFormat, register


@functools.cache
def _apprise() -> ModuleType:
    """Apprise, imported when a notifier uses it (its import is ~50 ms of every CLI command)."""
    import apprise

    # Apprise logs the services it talks to; its records reach us only through LogCapture below.
    logging.getLogger("apprise").propagate = False
    return apprise


def redact(message: str, url: str) -> str:
    """`message` with every longer piece of `url` (tokens, chat ids, hosts) replaced by `…`."""
    pieces = sorted(
        {p for p in re.split(r"[/:@?&=#+,]+", url.split("://", 1)[-1]) if len(p) >= 4},
        key=len,
        reverse=True,
    )
    for piece in pieces:
        message = message.replace(piece, "…")
    return message


def _with_timeouts(url: str, timeout: float) -> str:
    """Apprise's connect (`cto`) and read (`rto`) timeouts from the notifier's, unless given."""
    query = urlsplit(url).query
    extra = [f"{k}={v:g}" for k, v in (("cto", min(timeout, 10.0)), ("rto", timeout)) if f"{k}=" not in query]
    if not extra:
        return url
    return url + ("&" if "?" in url else "?") + "&".join(extra)


class Apprise(AlertFormat):
    name = "apprise"
    schemes = ()

    def check(self, hook):
        if _apprise().Apprise.instantiate(hook.url) is None:
            scheme = urlsplit(hook.url).scheme or "(none)"
            return (
                "url",
                f"not an Apprise URL (scheme {scheme!r}; see https://github.com/caronc/apprise/wiki)",
            )
        return None

    def mask_url(self, url: str) -> str:
        return f"{urlsplit(url).scheme}://…"

    def render(self, payload, timestamp):
        title, body = text.markdown(payload, payload["data"].get("timezone") or "Asia/Seoul")
        return f"{title}\n\n{body}".encode()

    async def send(self, hook, msg_id, payload, now, *, http):
        title, body = text.markdown(payload, hook.timezone or "Asia/Seoul")
        url = _with_timeouts(hook.url, hook.timeout)

        def notify() -> tuple[bool | None, str]:
            apprise = _apprise()
            ap = apprise.Apprise()
            if not ap.add(url):
                return None, ""
            with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as logs:
                ok = ap.notify(title=title, body=body, body_format=apprise.NotifyFormat.MARKDOWN)
                return bool(ok), logs.getvalue()

        try:
            ok, logged = await asyncio.wait_for(asyncio.to_thread(notify), timeout=hook.timeout * 2 + 5)
        except TimeoutError as exc:
            raise DeliveryError(
                f"Apprise did not finish within {hook.timeout * 2 + 5:g}s",
                outcome=DeliveryOutcome.UNREACHABLE,
            ) from exc
        if ok is None:
            raise DeliveryError("not an Apprise URL", outcome=DeliveryOutcome.PERMANENT)
        if not ok:
            # Apprise says only "failed": retried on the outbox schedule, the service's words kept.
            reason = " ".join(redact(logged, hook.url).split())[:300] or "the service did not accept it"
            raise DeliveryError(f"Apprise: {reason}")


register(Apprise())
