"""Email alerts against a real SMTP server on 127.0.0.1 (aiosmtpd), decoded from the bytes received."""

from __future__ import annotations

import asyncio
import textwrap
from datetime import UTC, datetime, timedelta

import pytest

from monitor.alerts import alert_planner, deliver_due, make_client
from monitor.config import parse_settings
from monitor.digest_outbox import plan_due_digests
from scrapers.models import Article
from storage.articles import save_article
from storage.db import open_db
from storage.models import ArticleInput, MatchRecord

from .smtp_server import MailServer, free_port, self_signed_cert
from .test_alerts import STORIES, Clock

TOPICS = """
[[topics]]
name = "ai-center"
any = ["국가 AI 컴퓨팅센터"]
[[topics]]
name = "data-center"
any = ["AI 데이터센터"]
"""


def mail_settings(url: str, extra: str = "", environ: dict | None = None):
    return parse_settings(
        TOPICS
        + textwrap.dedent(
            f"""
            [[webhooks]]
            name = "desk"
            format = "email"
            url = "{url}"
            from = "monitor@example.org"
            to = ["desk@example.org", "정책실 <policy@example.org>"]
            timeout = 3
            {extra}
            """
        ),
        environ=environ or {},
    )


def store(
    db,
    settings,
    n: int,
    now: datetime,
    *,
    topic: str = "ai-center",
    body_extra: str = "",
    outlet="경북신문고",
):
    term = "국가 AI 컴퓨팅센터" if topic == "ai-center" else "AI 데이터센터"
    art = Article(
        title=f"포항시, {term} 유치 소식 {n}",
        body="\n\n".join(STORIES[n]["paragraphs"]) + body_extra,
        site_name=outlet,
        published=now - timedelta(minutes=5),
    )
    match = (MatchRecord(topic, (term,), {term: f"포항시가 {term} 유치를 위해 신청서를 냈다 ({n})"}),)
    item = ArticleInput(f"https://x.kr/{n}", f"https://x.kr/{n}", "src", art, match)
    return save_article(db, item, now=now, plan=alert_planner(settings))


async def _deliver(db, settings, clock):
    async with make_client(allow_private_networks=True) as client:
        return await deliver_due(db, settings, client, clock)


def deliver(db, settings, clock):
    plan_due_digests(db, settings, clock())
    return asyncio.run(_deliver(db, settings, clock))


@pytest.fixture
def smtp():
    server = MailServer()
    yield server
    server.close()


def test_instant_mail_for_a_new_story_reads_well_in_korean(tmp_path, smtp):
    settings = mail_settings(f"smtp://127.0.0.1:{smtp.port}")
    db = open_db(tmp_path / "m.db")
    clock = Clock()
    store(db, settings, 0, clock())
    rep = deliver(db, settings, clock)
    assert rep.sent == 1 and len(smtp.messages) == 1
    raw = smtp.messages[0]["raw"]
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii() and b"=?utf-8?" in head.lower()  # headers encoded, not raw UTF-8
    msg = smtp.parsed()[0]
    assert msg["Subject"] == "[AI 센터] 새 기사 · 포항시, 국가 AI 컴퓨팅센터 유치 소식 0"
    assert msg["From"].addresses[0].display_name == "AI 센터 모니터"
    assert smtp.messages[0]["to"] == ["desk@example.org", "policy@example.org"]
    msg_id = db.execute("SELECT msg_id FROM outbox").fetchone()[0]
    assert msg["Message-ID"] == f"<{msg_id}@ai-center-monitor>"
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for part in (plain, html):
        assert "포항시, 국가 AI 컴퓨팅센터 유치 소식 0" in part
        assert "포항시가 국가 AI 컴퓨팅센터 유치를 위해 신청서를 냈다 (0)" in part  # the matched snippet
        assert "https://x.kr/0" in part and "경북신문고" in part
    assert "2026-11-21 (토) 17:55 KST" in plain  # published 08:55 UTC, shown in Seoul time
    assert '<html lang="ko">' in html
    assert deliver(db, settings, clock).sent == 0 and len(smtp.messages) == 1  # never twice


def test_changed_article_mail_shows_the_diff_readably(tmp_path, smtp):
    settings = mail_settings(f"smtp://127.0.0.1:{smtp.port}")
    db = open_db(tmp_path / "m.db")
    clock = Clock()
    store(db, settings, 0, clock())
    deliver(db, settings, clock)
    clock.advance(600)
    res = store(db, settings, 0, clock(), body_extra="\n\n포항시는 내년 1월 최종 결과가 발표된다고 밝혔다.")
    assert res.status == "changed"
    deliver(db, settings, clock)
    assert len(smtp.messages) == 2
    msg = smtp.parsed()[1]
    assert msg["Subject"].startswith("[AI 센터] 기사 수정 · ")
    plain = msg.get_body(("plain",)).get_content()
    assert "+ 포항시는 내년 1월 최종 결과가 발표된다고 밝혔다." in plain
    assert "@@" not in plain and "+++" not in plain and "---" not in plain
    html = msg.get_body(("html",)).get_content()
    assert "+ 추가 포항시는 내년 1월 최종 결과가 발표된다고 밝혔다." in html and "#e6ffec" in html


def test_digest_mail_with_several_stories_across_two_topics(tmp_path, smtp):
    settings = mail_settings(f"smtp://127.0.0.1:{smtp.port}", 'mode = "digest"\nschedule = "daily 08:00"')
    db = open_db(tmp_path / "m.db")
    clock = Clock()  # 09:00 UTC = 18:00 in Seoul
    deliver(db, settings, clock)  # first look: the period starts now
    for n, topic in enumerate(["ai-center", "data-center", "ai-center"]):
        clock.advance(600)
        store(db, settings, n, clock(), topic=topic)
        deliver(db, settings, clock)
    assert smtp.messages == []  # held for the digest
    clock.t = datetime(2026, 11, 21, 23, 0, 30, tzinfo=UTC)  # 08:00:30 in Seoul the next day
    rep = deliver(db, settings, clock)
    assert rep.sent == 1 and len(smtp.messages) == 1
    msg = smtp.parsed()[0]
    assert msg["Subject"] == "[AI 센터] 새 기사 3건 · 포항시, 국가 AI 컴퓨팅센터 유치 소식 0 외 2건"
    plain = msg.get_body(("plain",)).get_content()
    body = plain[plain.index("■ ai-center") :]  # after the subject line, grouped by topic
    assert body.index("소식 0") < body.index("소식 2") < body.index("■ data-center") < body.index("소식 1")
    assert "[새 기사 2건]" in body and "[새 기사 1건]" in body
    html = msg.get_body(("html",)).get_content()
    assert all(f"유치 소식 {n}" in html for n in range(3))
    assert deliver(db, settings, clock).sent == 0


def test_starttls_with_a_self_signed_certificate_and_login(tmp_path, monkeypatch):
    cert = self_signed_cert(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))  # trust the test's own certificate
    server = MailServer(cert=cert, users={"monitor": "s3cret"})
    try:
        env = {"SMTP_USER": "monitor", "SMTP_PASSWORD": "s3cret"}
        extra = 'username = "${SMTP_USER}"\npassword = "${SMTP_PASSWORD}"'
        settings = mail_settings(f"smtp://127.0.0.1:{server.port}", extra, env)
        db = open_db(tmp_path / "m.db")
        store(db, settings, 0, Clock()())
        assert deliver(db, settings, Clock()).sent == 1
        assert server.messages[0]["tls"] and server.messages[0]["login"] == "monitor"
    finally:
        server.close()


def test_an_untrusted_certificate_fails_with_a_clear_reason(tmp_path):
    server = MailServer(cert=self_signed_cert(tmp_path))
    try:
        settings = mail_settings(f"smtp://127.0.0.1:{server.port}")
        db = open_db(tmp_path / "m.db")
        store(db, settings, 0, Clock()())
        deliver(db, settings, Clock())
        status, error = db.execute("SELECT status, last_error FROM outbox").fetchone()
        assert status == "failed" and "certificate" in error and server.messages == []
    finally:
        server.close()


def test_login_failure_is_a_permanent_error_with_a_clear_reason(tmp_path, monkeypatch):
    cert = self_signed_cert(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))
    server = MailServer(cert=cert, users={"monitor": "right"})
    try:
        settings = mail_settings(
            f"smtp://127.0.0.1:{server.port}", 'username = "monitor"\npassword = "wrong"'
        )
        db = open_db(tmp_path / "m.db")
        store(db, settings, 0, Clock()())
        rep = deliver(db, settings, Clock())
        assert rep.failed == 1 and server.messages == []
        status, attempts, error = db.execute("SELECT status, attempts, last_error FROM outbox").fetchone()
        assert status == "failed" and attempts == 1
        assert "SMTP login refused (535" in error and "username and password" in error
        assert "wrong" not in error
    finally:
        server.close()


def test_server_down_then_up_delivers_once(tmp_path):
    port = free_port()
    settings = mail_settings(f"smtp://127.0.0.1:{port}")
    db = open_db(tmp_path / "m.db")
    clock = Clock()
    store(db, settings, 0, clock())
    rep = deliver(db, settings, clock)
    assert rep.retrying == 1
    status, error = db.execute("SELECT status, last_error FROM outbox").fetchone()
    assert status == "pending" and "SMTP connection failed" in error
    server = MailServer(port=port)
    try:
        clock.advance(10)
        assert deliver(db, settings, clock).sent == 1
        clock.advance(3600)
        assert deliver(db, settings, clock).sent == 0
        assert len(server.messages) == 1
    finally:
        server.close()


def test_smtps_implicit_tls(tmp_path, monkeypatch):
    cert = self_signed_cert(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))
    server = MailServer(cert=cert, implicit_tls=True)
    try:
        settings = mail_settings(f"smtps://127.0.0.1:{server.port}")
        db = open_db(tmp_path / "m.db")
        store(db, settings, 0, Clock()())
        assert deliver(db, settings, Clock()).sent == 1
        assert server.messages[0]["tls"]
    finally:
        server.close()


@pytest.mark.parametrize(
    "extra,key",
    [
        ('from = "monitor@example.org"', "to"),
        ('to = ["a@example.org"]', "from"),
        ('from = "monitor@example.org"\nto = ["a@example.org"]\nusername = "u"', "password"),
    ],
)
def test_email_config_checks_what_it_needs(extra, key):
    from monitor.errors import ConfigError

    text = f'[[webhooks]]\nname = "m"\nformat = "email"\nurl = "smtp://127.0.0.1:25"\n{extra}\n'
    with pytest.raises(ConfigError, match=rf"webhooks\[0\]\.{key}"):
        parse_settings(text, environ={})
    with pytest.raises(ConfigError, match=r"webhooks\[0\]\.url"):
        parse_settings(text.replace("smtp://", "https://"), environ={})
