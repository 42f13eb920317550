"""Digests: pure scheduling, and one digest per slot across a daemon restart (injected clock)."""

from __future__ import annotations

import asyncio
import json
import textwrap
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from monitor.alerts import deliver_due, make_client
from monitor.cli import main
from monitor.config import load_settings, parse_settings
from monitor.digest import digest_due, last_slot, next_slot, parse_schedule
from monitor.digest_outbox import plan_due_digests
from storage.db import open_db

from .test_email import store

SEOUL = ZoneInfo("Asia/Seoul")


def kst(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SEOUL)


def test_schedules_in_the_configured_zone():
    daily, hourly, weekly = (parse_schedule(s) for s in ("daily 08:00", "hourly", "weekly mon 08:30"))
    assert last_slot(daily, "Asia/Seoul", kst(21, 7, 59)) == kst(20, 8)
    assert last_slot(daily, "Asia/Seoul", kst(21, 8)) == kst(21, 8)
    assert next_slot(daily, "Asia/Seoul", kst(21, 8)) == kst(22, 8)
    assert last_slot(hourly, "Asia/Seoul", kst(21, 7, 59)) == kst(21, 7)
    assert last_slot(weekly, "Asia/Seoul", kst(21, 12)) == kst(16, 8, 30)  # the 21st is a Saturday
    assert next_slot(weekly, "Asia/Seoul", kst(21, 12)) == kst(23, 8, 30)
    # 08:00 in Seoul is 23:00 UTC the day before.
    assert last_slot(daily, "Asia/Seoul", datetime(2026, 11, 20, 23, 0, tzinfo=UTC)) == kst(21, 8)
    assert not digest_due(daily, "Asia/Seoul", kst(21, 7, 59), kst(20, 8)).due
    assert digest_due(daily, "Asia/Seoul", kst(23, 9), kst(20, 8)).slot == kst(23, 8)  # missed days: one
    assert digest_due(daily, "Asia/Seoul", kst(21, 9), None).first_run


@pytest.mark.parametrize("bad", ["daily", "daily 25:00", "weekly xyz 08:00", "every morning", "08:00"])
def test_a_bad_schedule_is_a_clear_config_error(bad):
    from monitor.errors import ConfigError

    text = f'[[webhooks]]\nname = "h"\nurl = "https://h.example"\nformat = "slack"\nmode = "digest"\nschedule = "{bad}"\n'
    with pytest.raises(ConfigError, match=r"webhooks\[0\]\.schedule"):
        parse_settings(text, environ={})


def test_digest_needs_a_schedule_and_a_known_zone():
    from monitor.errors import ConfigError

    base = '[[webhooks]]\nname = "h"\nurl = "https://h.example"\nformat = "slack"\n'
    with pytest.raises(ConfigError, match=r"webhooks\[0\]\.schedule"):
        parse_settings(base + 'mode = "digest"\n', environ={})
    with pytest.raises(ConfigError, match=r"alerts\.timezone"):
        parse_settings('[alerts]\ntimezone = "Mars/Olympus"\n', environ={})
    with pytest.raises(ConfigError, match=r"webhooks\[0\]\.mode"):
        parse_settings(base + 'mode = "weekly"\n', environ={})


def write_config(tmp_path, receiver, extra: str = "") -> object:
    cfg = tmp_path / "d.toml"
    cfg.write_text(
        textwrap.dedent(
            f"""
            [storage]
            path = "{tmp_path / "d.db"}"
            [alerts]
            allow_private_networks = true
            [[topics]]
            name = "ai-center"
            any = ["국가 AI 컴퓨팅센터"]
            [[topics]]
            name = "data-center"
            any = ["AI 데이터센터"]
            [[webhooks]]
            name = "morning"
            url = "{receiver.url}"
            format = "slack"
            mode = "digest"
            schedule = "daily 08:00"
            {extra}
            """
        ),
        "utf-8",
    )
    return cfg


class Daemon:
    """What the daemon's delivery job does every few seconds, at an injected time."""

    def __init__(self, cfg):
        self.settings = load_settings(cfg)
        self.db = open_db(self.settings.storage.path)

    def tick(self, now: datetime) -> None:
        plan_due_digests(self.db, self.settings, now)

        async def go():
            async with make_client(allow_private_networks=True) as client:
                await deliver_due(self.db, self.settings, client, lambda: now)

        asyncio.run(go())

    def stop(self) -> None:
        self.db.conn.close()


def titles(request: dict) -> list[str]:
    return [t for t in ("소식 0", "소식 1", "소식 2", "소식 3") if t in request["body"].decode()]


def test_daemon_down_over_the_digest_time_sends_it_once_when_back(tmp_path, receiver):
    cfg = write_config(tmp_path, receiver)
    daemon = Daemon(cfg)
    daemon.tick(kst(21, 7))  # first start: the period begins
    store(daemon.db, daemon.settings, 0, kst(21, 7, 10))
    daemon.tick(kst(21, 7, 10))
    store(daemon.db, daemon.settings, 1, kst(21, 7, 40), topic="data-center")
    daemon.tick(kst(21, 7, 45))
    assert receiver.requests == []
    daemon.stop()  # down from 07:50 to 08:30, over the 08:00 digest
    daemon = Daemon(cfg)
    daemon.tick(kst(21, 8, 30))
    assert len(receiver.requests) == 1 and titles(receiver.requests[0]) == ["소식 0", "소식 1"]
    for minute in (31, 35, 59):
        daemon.tick(kst(21, 8, minute))
    store(daemon.db, daemon.settings, 2, kst(21, 9))
    for t in (kst(21, 9, 1), kst(21, 23), kst(22, 7, 59)):
        daemon.tick(t)
    assert len(receiver.requests) == 1
    daemon.tick(kst(22, 8))
    assert len(receiver.requests) == 2 and titles(receiver.requests[1]) == ["소식 2"]
    rows = dict(daemon.db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall())
    assert rows == {"digested": 3, "sent": 2}
    # Every alert is in exactly one digest, and the digests were sent once each.
    carried = daemon.db.execute("SELECT COUNT(DISTINCT digest_id) FROM outbox WHERE status = 'digested'")
    assert carried.fetchone()[0] == 2
    daemon.tick(kst(23, 8))  # nothing new: an empty digest is not sent
    assert len(receiver.requests) == 2


def test_a_digest_is_retried_under_one_id_and_empty_ones_sent_when_asked(tmp_path, receiver):
    cfg = write_config(tmp_path, receiver, "send_empty = true")
    daemon = Daemon(cfg)
    daemon.tick(kst(21, 7))
    store(daemon.db, daemon.settings, 0, kst(21, 7, 10))
    receiver.script = [503]
    daemon.tick(kst(21, 8))
    daemon.tick(kst(21, 8, 1))
    assert [r["answer"] for r in receiver.requests] == [503, 200]
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]
    daemon.tick(kst(22, 8))
    assert len(receiver.requests) == 3 and "새 기사 없음" in receiver.requests[2]["body"].decode()


def test_preview_prints_the_next_digest_without_sending(tmp_path, receiver, capsys):
    cfg = write_config(tmp_path, receiver)
    daemon = Daemon(cfg)
    daemon.tick(datetime.now(UTC) - timedelta(minutes=5))
    store(daemon.db, daemon.settings, 0, datetime.now(UTC))
    daemon.stop()
    assert main(["alerts", "preview", "morning", "--config", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert "next digest for morning (daily 08:00)" in out and "소식 0" in out and "■ ai-center" in out
    assert main(["alerts", "preview", "morning", "--config", str(cfg), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["data"]["counts"]["new"] == 1
    assert receiver.requests == []
