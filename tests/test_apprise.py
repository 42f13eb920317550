"""Apprise against a real receiver on 127.0.0.1 (its json:// scheme), and `alerts test` for every format."""

from __future__ import annotations

import asyncio
import json

import pytest

from monitor.cli import main
from monitor.config import parse_settings
from monitor.digest_outbox import plan_due_digests
from storage.db import open_db

from .smtp_server import MailServer
from .test_alerts import Clock, deliver
from .test_email import store

TOPIC = '[[topics]]\nname = "ai-center"\nany = ["국가 AI 컴퓨팅센터"]\n'


def apprise_settings(receiver, environ):
    url = f"json://${{HOOK_USER}}:${{HOOK_TOKEN}}@127.0.0.1:{receiver.port}/hook"
    return parse_settings(
        TOPIC + f'[[webhooks]]\nname = "phones"\nformat = "apprise"\nurl = "{url}"\ntimeout = 2\n',
        environ=environ,
    )


ENV = {"HOOK_USER": "bot", "HOOK_TOKEN": "TOKEN123SECRET"}


def test_apprise_retries_on_5xx_and_never_sends_twice(tmp_path, receiver):
    settings = apprise_settings(receiver, ENV)
    db = open_db(tmp_path / "a.db")
    clock = Clock()
    store(db, settings, 0, clock())
    receiver.script = [503, 502]
    for _ in range(4):
        plan_due_digests(db, settings, clock())
        asyncio.run(deliver(db, settings, clock))
        clock.advance(400)
    assert [r["answer"] for r in receiver.requests] == [503, 502, 200]
    body = json.loads(receiver.requests[-1]["body"])
    assert body["title"] == "[AI 센터] 새 기사 · 포항시, 국가 AI 컴퓨팅센터 유치 소식 0"
    assert (
        "포항시가 국가 AI 컴퓨팅센터 유치를 위해" in body["message"] and "https://x.kr/0" in body["message"]
    )
    status, attempts = db.execute("SELECT status, attempts FROM outbox").fetchone()
    assert status == "sent" and attempts == 3


def test_apprise_secrets_are_masked_in_errors_and_config_show(tmp_path, receiver, capsys, monkeypatch):
    settings = apprise_settings(receiver, ENV)
    db = open_db(tmp_path / "a.db")
    store(db, settings, 0, Clock()())
    receiver.script = [500]
    asyncio.run(deliver(db, settings, Clock()))
    error = db.execute("SELECT last_error FROM outbox").fetchone()[0]
    assert error.startswith("Apprise:") and "TOKEN123SECRET" not in error
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        TOPIC
        + '[[webhooks]]\nname = "phones"\nformat = "apprise"\nurl = "tgram://${TG_TOKEN}/${TG_CHAT}"\n'
        + '[[webhooks]]\nname = "m"\nformat = "email"\nurl = "smtp://smtp.example.org:587"\nfrom = "a@example.org"\n'
        + 'to = ["b@example.org"]\nusername = "a@example.org"\npassword = "${SMTP_PASSWORD}"\n',
        "utf-8",
    )
    monkeypatch.setenv("TG_TOKEN", "123456789:AAHsecretTOKENvalue")
    monkeypatch.setenv("TG_CHAT", "987654")
    monkeypatch.setenv("SMTP_PASSWORD", "mail-pass-1")
    assert main(["config", "show", "--config", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert "AAHsecretTOKENvalue" not in out and "987654" not in out and "mail-pass-1" not in out
    assert '"tgram://…"' in out and '"from": "a@example.org"' in out


def test_a_bad_apprise_url_is_a_config_error():
    from monitor.errors import ConfigError

    with pytest.raises(ConfigError, match=r"webhooks\[0\]\.url: not an Apprise URL"):
        parse_settings('[[webhooks]]\nname = "p"\nformat = "apprise"\nurl = "nosuch://x"\n', environ={})


def test_alerts_test_works_for_every_format_with_a_fresh_id(tmp_path, receiver, capsys):
    smtp = MailServer()
    try:
        cfg = tmp_path / "t.toml"
        cfg.write_text(
            "[alerts]\nallow_private_networks = true\n"
            + TOPIC
            + f'[[webhooks]]\nname = "mail"\nformat = "email"\nurl = "smtp://127.0.0.1:{smtp.port}"\n'
            + 'from = "m@example.org"\nto = ["d@example.org"]\nmode = "digest"\nschedule = "hourly"\n'
            + f'[[webhooks]]\nname = "slack"\nformat = "slack"\nurl = "{receiver.url}"\n'
            + f'[[webhooks]]\nname = "phones"\nformat = "apprise"\nurl = "json://127.0.0.1:{receiver.port}/a"\n',
            "utf-8",
        )
        for target in ("mail", "mail", "slack", "phones"):
            assert main(["alerts", "test", target, "--config", str(cfg)]) == 0, capsys.readouterr()
        assert main(["alerts", "test", f"{receiver.url}", "--config", str(cfg)]) == 0  # json, unsigned
        assert main(["alerts", "test", f"json://127.0.0.1:{receiver.port}/b", "--config", str(cfg)]) == 0
        url = f"smtp://127.0.0.1:{smtp.port}"
        assert main(["alerts", "test", url, "--to", "x@example.org", "--from", "m@example.org"]) == 0
        out = capsys.readouterr().out
        ids = [line.rsplit("(", 1)[1].rstrip(")") for line in out.splitlines() if "delivered" in line]
        assert len(ids) == 7 and len(set(ids)) == 7
        mails = smtp.parsed()
        assert len(mails) == 3 and len({m["Message-ID"] for m in mails}) == 3
        assert mails[0]["Subject"].startswith(
            "[AI 센터] 새 기사 1건 · [테스트]"
        )  # a digest notifier's layout
        assert len(receiver.requests) == 4
        assert (
            main(["alerts", "test", "smtp://127.0.0.1:1", "--config", str(cfg)]) == 2
        )  # no --to: clear error
    finally:
        smtp.close()
