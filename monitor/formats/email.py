"""`email`: a multipart text + HTML mail over SMTP (aiosmtplib; this module is its one owner).

`smtp://host[:587]` upgrades with STARTTLS whenever the server offers it (and refuses to send
a password over a connection that stayed in clear text, except to a loopback relay);
`smtps://host[:465]` is TLS from the first byte. Certificates are verified against the system
store (`SSL_CERT_FILE` points OpenSSL at another bundle, e.g. an internal CA).

The Message-ID is derived from the outbox msg_id, so every retry of one alert is the same
message to a mail client or a receiving system that drops duplicates.
"""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from html import escape
from urllib.parse import urlsplit

import aiosmtplib

from ..errors import DeliveryError, DeliveryOutcome
from . import text
from .base import AlertFormat, register

DISPLAY_NAME = "AI 센터 모니터"
FONT = "'Apple SD Gothic Neo','Malgun Gothic','Noto Sans KR',sans-serif"


def message_id(msg_id: str) -> str:
    return f"<{msg_id}@ai-center-monitor>"


def _address(sender: str) -> Address | str:
    # "정책실 <monitor@example.org>" is used as written (the policy encodes the name);
    # a bare address gets the monitor's display name.
    return sender if "<" in sender else Address(display_name=DISPLAY_NAME, addr_spec=sender)


def render_mail(hook, msg_id: str, payload: dict, now) -> EmailMessage:
    """The whole message, pure: headers (UTF-8, RFC 2047 encoded where not ASCII), text, HTML."""
    tz = hook.timezone or "Asia/Seoul"
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = text.subject(payload, tz)
    msg["From"] = _address(hook.sender or "")
    msg["To"] = ", ".join(hook.to)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id(msg_id)
    msg["X-AI-Center-Monitor-Event"] = payload["type"]
    msg.set_content(text.plain(payload, tz), charset="utf-8")
    msg.add_alternative(html(payload, tz), subtype="html", charset="utf-8")
    return msg


# --- HTML -------------------------------------------------------------------------------------


def _diff_html(diff: str | None) -> str:
    style = {
        "added": "background:#e6ffec;color:#116329",
        "removed": "background:#ffebe9;color:#82071e;text-decoration:line-through",
        "context": "color:#57606a",
        "gap": "color:#8c959f",
    }
    mark = {"added": "+ 추가 ", "removed": "− 삭제 ", "context": "", "gap": ""}
    rows = [
        f'<div style="{style[d.kind]};padding:2px 6px;white-space:pre-wrap">{mark[d.kind]}{escape(d.text)}</div>'
        for d in text.readable_diff(diff)[: text.DIFF_LINES]
    ]
    return f'<div style="border:1px solid #d0d7de;border-radius:4px;margin:8px 0">{"".join(rows)}</div>'


def _item_html(item: dict, tz: str, changed: bool) -> str:
    art = item["article"]
    outlets = " · ".join(
        f'<a href="{escape(o["url"] or "", quote=True)}">{escape(o["outlet"] or o["url"] or "")}</a>'
        for o in item.get("outlets") or []
    )
    published = text.local_time(art.get("published"), tz)
    parts = [
        f'<h3 style="margin:16px 0 4px;font-size:16px"><a href="{escape(art.get("url") or "", quote=True)}"'
        f' style="color:#0b57d0;text-decoration:none">{escape(text.title_of(art))}</a></h3>',
        f'<div style="color:#57606a;font-size:13px">{outlets}{" · " + escape(published) if published else ""}</div>',
        f'<p style="margin:6px 0;line-height:1.6">{escape(text.item_snippet(item))}</p>',
    ]
    if changed and item.get("diff"):
        parts.append(f'<div style="font-size:13px">바뀐 부분:</div>{_diff_html(item["diff"])}')
    return "".join(parts)


def html(payload: dict, tz: str) -> str:
    data = payload["data"]
    if payload["type"] != "digest":
        item = text._single(data)
        body = _item_html(item, tz, payload["type"] == "article.changed")
        head = escape(text.EVENT_KO.get(payload["type"], payload["type"]))
        if data.get("bid"):
            head += f" · <b>{escape(text.bid_move(data['bid']))}</b>"
        elif data.get("topic"):
            head += f" · {escape(data['topic'])}"
    else:
        head = escape(text.period_line(data, tz))
        sections = []
        for group in data["topics"]:
            sections.append(
                f'<h2 style="font-size:18px;border-bottom:2px solid #0b57d0">{escape(group["topic"] or "(주제 없음)")}</h2>'
            )
            for bucket, label in text.BUCKETS:
                if group[bucket]:
                    sections.append(
                        f'<h4 style="margin:12px 0 0;color:#57606a">{label} {len(group[bucket])}건</h4>'
                    )
                    sections += [_item_html(i, tz, bucket == "changed") for i in group[bucket]]
        if data.get("board"):
            sections.append('<h2 style="font-size:18px;border-bottom:2px solid #0b57d0">유치 현황 변경</h2>')
            sections += [
                f'<p style="margin:6px 0"><b>{escape(text.bid_move(b))}</b> · '
                f'<a href="{escape(b.get("url") or "", quote=True)}">{escape(b.get("since") or "")}</a><br>'
                f"{escape(text.shorten(b.get('evidence') or '', 200))}</p>"
                for b in data["board"]
            ]
        body = "".join(sections) or "<p>이번 기간에 새 기사가 없습니다.</p>"
    return (
        '<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"></head>'
        f'<body style="font-family:{FONT};color:#1f2328;max-width:680px;margin:0 auto">'
        f'<div style="color:#57606a;font-size:13px">{head}</div>{body}'
        '<p style="color:#8c959f;font-size:12px;margin-top:24px">ai-center-monitor</p></body></html>'
    )


# --- sending ------------------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _classify(exc: Exception) -> DeliveryError:
    """An SMTP failure as a delivery outcome: 4xx and lost connections retry, 5xx and refused
    logins or certificates fail at once with the server's words."""
    cause = exc.__cause__ or exc.__context__
    if isinstance(exc, ssl.SSLCertVerificationError) or isinstance(cause, ssl.SSLCertVerificationError):
        return DeliveryError(
            f"TLS certificate not trusted: {cause or exc}", outcome=DeliveryOutcome.PERMANENT
        )
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return DeliveryError(
            f"SMTP login refused ({exc.code} {exc.message}): check username and password",
            outcome=DeliveryOutcome.PERMANENT,
        )
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        why = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
        permanent = all(r.code >= 500 for r in exc.recipients)
        outcome = DeliveryOutcome.PERMANENT if permanent else DeliveryOutcome.RETRY
        return DeliveryError(f"recipients refused: {why}", outcome=outcome)
    if isinstance(exc, aiosmtplib.SMTPResponseException) and not isinstance(
        exc, aiosmtplib.SMTPServerDisconnected
    ):
        outcome = DeliveryOutcome.PERMANENT if exc.code >= 500 else DeliveryOutcome.RETRY
        return DeliveryError(f"SMTP {exc.code}: {exc.message}", outcome=outcome)
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        return DeliveryError(f"SMTP server: {exc}", outcome=DeliveryOutcome.PERMANENT)
    return DeliveryError(f"SMTP connection failed: {exc}", outcome=DeliveryOutcome.UNREACHABLE)


class Email(AlertFormat):
    name = "email"
    schemes = ("smtp", "smtps")

    def check(self, hook):
        if problem := super().check(hook):
            return problem
        if not hook.to or not all("@" in parseaddr(a)[1] for a in hook.to):
            return "to", 'an email notifier needs to = ["someone@example.org", ...]'
        if not hook.sender or "@" not in parseaddr(hook.sender)[1]:
            return "from", 'an email notifier needs from = "monitor@example.org"'
        if bool(hook.username) != bool(hook.password):
            return "password", "give both username and password, or neither"
        return None

    def mask_url(self, url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}"

    def render(self, payload, timestamp):
        return bytes(render_mail(_Preview(), "msg_preview", payload, timestamp))

    async def send(self, hook, msg_id, payload, now, *, http):
        message = render_mail(hook, msg_id, payload, now)
        parts = urlsplit(hook.url)
        implicit = parts.scheme == "smtps"
        host = parts.hostname or ""
        client = aiosmtplib.SMTP(
            hostname=host,
            port=parts.port or (465 if implicit else 587),
            use_tls=implicit,
            start_tls=False,  # decided below, once the server has said what it offers
            timeout=hook.timeout,
        )
        try:
            async with asyncio.timeout(hook.timeout * 2):  # the whole conversation, not per line
                await client.connect()
                try:
                    await client.ehlo()
                    encrypted = implicit
                    if not implicit and client.supports_extension("starttls"):
                        await client.starttls(server_hostname=host)
                        await client.ehlo()
                        encrypted = True
                    if hook.username:
                        if not encrypted and not _is_loopback(host):
                            raise DeliveryError(
                                f"{host} does not offer STARTTLS: refusing to send the password in clear "
                                "(use smtps:// or a server with STARTTLS)",
                                outcome=DeliveryOutcome.PERMANENT,
                            )
                        await client.login(hook.username, hook.password or "")
                    # Our own bytes (RFC 2047 headers, base64 / quoted-printable parts): aiosmtplib
                    # would re-flatten as raw UTF-8 for a server offering SMTPUTF8, which many
                    # clients and relays on the way still mangle.
                    await client.sendmail(
                        parseaddr(hook.sender or "")[1], [parseaddr(a)[1] for a in hook.to], bytes(message)
                    )
                finally:
                    client.close()
        except DeliveryError:
            raise
        except TimeoutError as exc:
            raise DeliveryError(
                f"SMTP conversation timed out after {hook.timeout * 2:g}s",
                outcome=DeliveryOutcome.UNREACHABLE,
            ) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise _classify(exc) from exc


class _Preview:
    """What `render` needs of a hook when there is none (tests, `alerts preview`)."""

    timezone = "Asia/Seoul"
    sender = "monitor@example.org"
    to = ("reader@example.org",)


register(Email())
