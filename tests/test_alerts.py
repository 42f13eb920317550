"""Webhook alerts with a real receiver on 127.0.0.1 and an injected clock."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook

from monitor.alerts import alert_planner, deliver_due, deliver_with_grace, make_client
from monitor.config import parse_settings
from monitor.formats import FORMATS
from monitor.formats.json import sign
from scrapers.models import Article
from storage.articles import save_article
from storage.db import open_db
from storage.models import ArticleInput, MatchRecord

from .conftest import ROOT, SECRET

MATCH = (
    MatchRecord(
        "ai-center",
        ("국가 AI 컴퓨팅센터",),
        {"국가 AI 컴퓨팅센터": "포항이 국가 AI 컴퓨팅센터를…"},
    ),
)


class Clock:
    def __init__(self):
        self.t = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += timedelta(seconds=seconds)


def settings_for(url: str, fmt: str = "json", extra: str = ""):
    secret = f'secret = "{SECRET}"' if fmt == "json" else ""
    return parse_settings(
        textwrap.dedent(
            f"""
            [alerts]
            allow_private_networks = true
            [[topics]]
            name = "ai-center"
            any = ["국가 AI 컴퓨팅센터"]
            [[webhooks]]
            name = "hook"
            url = "{url}"
            format = "{fmt}"
            timeout = 1
            {secret}
            {extra}
            """
        )
    )


STORIES = json.loads((ROOT / "fixtures" / "articles.json").read_text("utf-8"))


def store(db, settings, n: int, clock: Clock, body_extra: str = ""):
    """A separately written story per n (so each is its own story and gets its own alert)."""
    art = Article(
        title=f"포항 국가 AI 컴퓨팅센터 소식 {n}",
        body="\n\n".join(STORIES[n]["paragraphs"]) + body_extra,
        site_name="경북신문고",
    )
    item = ArticleInput(f"https://x.kr/{n}", f"https://x.kr/{n}", "src", art, MATCH)
    return save_article(db, item, now=clock(), plan=alert_planner(settings))


async def deliver(db, settings, clock):
    async with make_client(allow_private_networks=True) as client:
        return await deliver_due(db, settings, client, clock)


def test_signature_is_over_the_exact_bytes_and_verifies_with_standardwebhooks():
    # The spec's known-answer vector.
    assert sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        b'{"test": 2432232314}',
    ) == ("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")


def test_receiver_down_for_an_hour_then_every_alert_arrives_once(tmp_path, receiver):
    settings = settings_for(receiver.url)
    db = open_db(tmp_path / "a.db")
    clock = Clock()
    for n in range(3):
        store(db, settings, n, clock)
    receiver.script = [503] * 3 + [
        (429, {"Retry-After": "30"})
    ] * 3  # down: every first and second attempt fails
    for _ in range(3):
        asyncio.run(deliver(db, settings, clock))
        clock.advance(600)
    clock.advance(3600)
    asyncio.run(deliver(db, settings, clock))
    ok = receiver.delivered()
    assert len(ok) == 3 and len({r["headers"]["webhook-id"] for r in ok}) == 3
    ids_by_msg: dict[str, set] = {}
    for r in receiver.requests:
        ids_by_msg.setdefault(json.loads(r["body"])["data"]["article"]["url"], set()).add(
            r["headers"]["webhook-id"]
        )
    assert all(len(ids) == 1 for ids in ids_by_msg.values())  # the same webhook-id on every attempt
    wh = Webhook(SECRET)
    for r in ok:  # the injected clock is hours off real time, so check the signature, not the age
        ts = datetime.fromtimestamp(int(r["headers"]["webhook-timestamp"]), UTC)
        assert (
            wh.sign(r["headers"]["webhook-id"], ts, r["body"].decode()) == r["headers"]["webhook-signature"]
        )
    asyncio.run(deliver(db, settings, clock))
    assert len(receiver.requests) == 9  # nothing is sent again after success


def test_500_then_200_within_the_crawl_grace(tmp_path, receiver):
    settings = settings_for(receiver.url)
    db = open_db(tmp_path / "a.db")
    store(db, settings, 1, Clock())
    receiver.script = [500]

    async def go():
        async with make_client(allow_private_networks=True) as client:
            return await deliver_with_grace(db, settings, client, lambda: datetime.now(UTC), grace=8)

    rep = asyncio.run(go())
    assert rep.sent == 1 and [r["answer"] for r in receiver.requests] == [500, 200]


@pytest.mark.parametrize(
    "status,expected", [(400, "failed"), (404, "failed"), (301, "pending"), (408, "pending")]
)
def test_4xx_gives_up_3xx_and_408_retry(tmp_path, receiver, status, expected):
    settings = settings_for(receiver.url)
    db = open_db(tmp_path / "a.db")
    clock = Clock()
    store(db, settings, 1, clock)
    receiver.script = [(status, {"Location": "http://127.0.0.1:9/"})] if status == 301 else [status]
    asyncio.run(deliver(db, settings, clock))
    row = db.execute("SELECT status, last_error FROM outbox").fetchone()
    assert row[0] == expected and str(status) in row[1]


def test_410_disables_the_endpoint(tmp_path, receiver):
    settings = settings_for(receiver.url)
    db = open_db(tmp_path / "a.db")
    clock = Clock()
    store(db, settings, 1, clock)
    store(db, settings, 2, clock)
    receiver.script = [410]
    asyncio.run(deliver(db, settings, clock))
    assert {r[0] for r in db.execute("SELECT status FROM outbox")} == {"failed"}
    assert len(receiver.requests) == 1
    store(db, settings, 3, clock)  # a disabled endpoint gets no new rows
    assert db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 2


def test_hanging_receiver_times_out_and_late_answer_repeats_the_same_id(tmp_path, receiver):
    settings = settings_for(receiver.url)
    db = open_db(tmp_path / "a.db")
    clock = Clock()
    store(db, settings, 1, clock)
    receiver.script = ["hang"]  # processes, then answers after the 1 s timeout
    asyncio.run(deliver(db, settings, clock))
    assert db.execute("SELECT status FROM outbox").fetchone()[0] == "pending"
    clock.advance(10)
    asyncio.run(deliver(db, settings, clock))
    ids = [r["headers"]["webhook-id"] for r in receiver.requests]
    assert len(ids) == 2 and ids[0] == ids[1]
    assert db.execute("SELECT status FROM outbox").fetchone()[0] == "sent"


def test_one_alert_per_story_and_change_alerts(tmp_path, receiver):
    settings = settings_for(receiver.url)
    db = open_db(tmp_path / "a.db")
    clock = Clock()
    first = store(db, settings, 1, clock)
    art = Article(
        title="포항 국가 AI 컴퓨팅센터 소식 1",
        body="[다른신문] " + db.execute("SELECT body FROM articles").fetchone()[0],
    )
    save_article(
        db,
        ArticleInput("https://other.kr/1", "https://other.kr/1", "s2", art, MATCH),
        now=clock(),
        plan=alert_planner(settings),
    )
    assert (
        db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 1
    )  # the reprint joined the story silently
    changed = Article(
        title=art.title,
        body=db.execute("SELECT body FROM articles WHERE id = ?", (first.article_id,)).fetchone()[0]
        + " 추가된 문단.",
    )
    r = save_article(
        db,
        ArticleInput("https://x.kr/1", "https://x.kr/1", "src", changed, MATCH),
        now=clock(),
        plan=alert_planner(settings),
    )
    assert r.status == "changed"
    events = [e for (e,) in db.execute("SELECT event FROM outbox ORDER BY id")]
    assert events == ["article.new", "article.changed"]


def test_announce_joins_is_a_per_webhook_option(tmp_path, receiver):
    settings = settings_for(receiver.url, extra="announce_joins = true")
    db = open_db(tmp_path / "a.db")
    clock = Clock()
    store(db, settings, 1, clock)
    art = Article(title="재전송", body="[다른신문] " + db.execute("SELECT body FROM articles").fetchone()[0])
    save_article(
        db,
        ArticleInput("https://other.kr/1", "https://other.kr/1", "s2", art, MATCH),
        now=clock(),
        plan=alert_planner(settings),
    )
    assert [e for (e,) in db.execute("SELECT event FROM outbox ORDER BY id")] == [
        "article.new",
        "story.joined",
    ]


@pytest.mark.parametrize("fmt", ["slack", "discord"])
def test_slack_and_discord_formats(tmp_path, receiver, fmt):
    settings = settings_for(receiver.url, fmt)
    db = open_db(tmp_path / "a.db")
    clock = Clock()
    store(db, settings, 1, clock)
    asyncio.run(deliver(db, settings, clock))
    body = json.loads(receiver.requests[0]["body"])
    text = json.dumps(body, ensure_ascii=False)
    assert "포항 국가 AI 컴퓨팅센터 소식 1" in text and "https://x.kr/1" in text and "경북신문고" in text
    assert ("blocks" in body) if fmt == "slack" else ("embeds" in body)


def test_template_syntax_is_delivered_literally():
    payload = {
        "type": "article.new",
        "data": {
            "article": {
                "title": "{{7*7}} <script>x</script>",
                "url": "u",
                "outlet": "o",
                "published": None,
                "excerpt": "",
            },
            "topic": "t",
            "matches": {"terms": [], "snippets": {"t": "{{7*7}}"}},
        },
    }
    for fmt in ("json", "slack", "discord"):
        body = FORMATS[fmt].render(payload, datetime(2026, 1, 1, tzinfo=UTC)).decode()
        assert "{{7*7}}" in body and "49" not in body


def test_kill_9_between_write_and_delivery_still_delivers_once(tmp_path, receiver):
    db_path = tmp_path / "k.db"
    cfg = tmp_path / "k.toml"
    cfg.write_text(
        f'[storage]\npath = "{db_path}"\n[alerts]\nallow_private_networks = true\n[[topics]]\nname = "ai-center"\nany = ["국가 AI 컴퓨팅센터"]\n'
        f'[[webhooks]]\nname = "hook"\nurl = "{receiver.url}"\nformat = "json"\nsecret = "{SECRET}"\n',
        "utf-8",
    )
    script = f"""
import os, signal
from monitor.config import load_settings
from monitor.alerts import alert_planner
from monitor.clock import utcnow
from scrapers.models import Article
from storage.articles import save_article
from storage.db import open_db
from storage.models import ArticleInput, MatchRecord
s = load_settings({str(cfg)!r})
db = open_db(s.storage.path)
art = Article(title="포항 국가 AI 컴퓨팅센터", body="포항이 국가 AI 컴퓨팅센터를 유치한다. " * 20)
m = (MatchRecord("ai-center", ("x",)),)
save_article(db, ArticleInput("https://x.kr/k", "https://x.kr/k", "s", art, m), now=utcnow(), plan=alert_planner(s))
os.kill(os.getpid(), signal.SIGKILL)  # dies after the commit, before any delivery
"""
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert receiver.requests == []
    from monitor.config import load_settings

    settings = load_settings(cfg)
    db = open_db(db_path)
    asyncio.run(deliver(db, settings, lambda: datetime.now(UTC)))
    asyncio.run(deliver(db, settings, lambda: datetime.now(UTC)))
    assert len(receiver.requests) == 1
    assert os.path.exists(db_path)


def test_a_hanging_receiver_costs_one_timeout_per_pass(tmp_path, receiver):
    import time as _time

    settings = settings_for(receiver.url)
    db = open_db(tmp_path / "a.db")
    clock = Clock()
    for n in range(4):
        store(db, settings, n, clock)
    receiver.script = ["hang"] * 4
    t0 = _time.monotonic()
    rep = asyncio.run(deliver(db, settings, clock))
    assert _time.monotonic() - t0 < 2.5  # one 1 s timeout, not four
    assert rep.retrying == 4 and len(receiver.requests) == 1
    assert [a for (a,) in db.execute("SELECT attempts FROM outbox ORDER BY id")] == [1, 0, 0, 0]
