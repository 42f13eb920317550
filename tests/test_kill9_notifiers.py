"""kill -9 at random points with an email notifier and a digest notifier: nothing lost, nothing twice.

A writer process stores articles, plans digests and delivers, under an injected clock (20
minutes per article, hourly digests), and is killed with SIGKILL at random moments. After
every cycle the database is intact; at the end every article's mail arrived (under its own
Message-ID) and every article is in exactly one delivered digest.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from monitor.alerts import deliver_due, make_client
from monitor.config import load_settings
from monitor.digest_outbox import plan_due_digests
from storage.db import open_db

from .conftest import ROOT, SECRET
from .smtp_server import MailServer

BASE = datetime(2026, 11, 21, 0, 0, tzinfo=UTC)
WRITER = """
import asyncio, hashlib, sys
from datetime import UTC, datetime, timedelta
from monitor.alerts import alert_planner, deliver_due, make_client
from monitor.config import load_settings
from monitor.digest_outbox import plan_due_digests
from scrapers.models import Article
from storage.articles import save_article
from storage.db import open_db
from storage.models import ArticleInput, MatchRecord
s = load_settings(sys.argv[1])
db = open_db(s.storage.path)
base = datetime(2026, 11, 21, 0, 0, tzinfo=UTC)
m = (MatchRecord("ai-center", ("국가 AI 컴퓨팅센터",)),)
async def main(i):
    async with make_client(allow_private_networks=True) as client:
        while True:
            now = base + timedelta(minutes=20 * i)
            # Words of its own in every article, so no two are near-duplicates (one story each).
            own = " ".join(hashlib.sha1(f"{i}-{k}".encode()).hexdigest()[:10] for k in range(120))
            body = f"기사 {i}: 포항이 국가 AI 컴퓨팅센터를 유치한다. " * 5 + own
            art = Article(title=f"국가 AI 컴퓨팅센터 기사 {i}", body=body, site_name="경북신문고")
            save_article(db, ArticleInput(f"https://k.kr/{i}", f"https://k.kr/{i}", "s", art, m), now=now,
                         plan=alert_planner(s))
            print(i, flush=True)
            plan_due_digests(db, s, now)
            await deliver_due(db, s, client, lambda: now)
            i += 1
asyncio.run(main(int(sys.argv[2])))
"""


@pytest.mark.slow
def test_kill_9_with_an_email_and_a_digest_notifier_loses_nothing_sends_nothing_twice(tmp_path, receiver):
    smtp = MailServer()
    cfg = tmp_path / "k.toml"
    cfg.write_text(
        f'[storage]\npath = "{tmp_path / "k.db"}"\n[[topics]]\nname = "ai-center"\nany = ["국가 AI 컴퓨팅센터"]\n'
        f'[[webhooks]]\nname = "mail"\nformat = "email"\nurl = "smtp://127.0.0.1:{smtp.port}"\n'
        'from = "m@example.org"\nto = ["d@example.org"]\n'
        f'[[webhooks]]\nname = "digest"\nformat = "json"\nurl = "{receiver.url}"\nsecret = "{SECRET}"\n'
        'mode = "digest"\nschedule = "hourly"\n',
        "utf-8",
    )
    rng = random.Random(7)
    acknowledged: set[int] = set()
    next_start = 0
    try:
        for _cycle in range(12):
            proc = subprocess.Popen(
                [sys.executable, "-c", WRITER, str(cfg), str(next_start)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            time.sleep(rng.uniform(0.8, 1.6))
            proc.send_signal(signal.SIGKILL)
            out, err = proc.communicate()
            acknowledged.update(int(x) for x in out.split())
            db = open_db(tmp_path / "k.db")
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", err
            stored = {int(u.rsplit("/", 1)[1]) for (u,) in db.execute("SELECT canonical_url FROM articles")}
            assert acknowledged <= stored
            next_start = max(stored, default=-1) + 1
            db.conn.close()
        # Back up once more, long after the last article: everything left is planned and sent.
        settings = load_settings(cfg)
        db = open_db(settings.storage.path)
        later = BASE + timedelta(minutes=20 * next_start, hours=2)
        plan_due_digests(db, settings, later)

        async def final():
            async with make_client(allow_private_networks=True) as client:
                for _ in range(3):
                    await deliver_due(db, settings, client, lambda: later)

        asyncio.run(final())
        stored = {int(u.rsplit("/", 1)[1]) for (u,) in db.execute("SELECT canonical_url FROM articles")}
        assert len(stored) >= 30, "the writer should have stored a good number of articles"
        # Email: one row per article, every one received, under its own Message-ID.
        mail_ids = {
            r[0] for r in db.execute("SELECT msg_id FROM outbox WHERE webhook = 'mail' AND status = 'sent'")
        }
        assert db.execute("SELECT COUNT(*) FROM outbox WHERE webhook = 'mail'").fetchone()[0] == len(stored)
        received = [m["Message-ID"].strip("<>").split("@")[0] for m in smtp.parsed()]
        unsent = list(
            db.execute(
                "SELECT id, status, attempts, last_error, next_attempt_at FROM outbox WHERE webhook = 'mail' AND status != 'sent'"
            )
        )
        assert set(received) == mail_ids and len(mail_ids) == len(stored), unsent
        # A kill between the server's 250 and our mark_sent resends under the same Message-ID
        # (at least once); at most one such repeat per kill.
        assert len(received) - len(set(received)) <= 12
        # Digests: every held alert is in exactly one digest, every digest delivered.
        assert (
            db.execute("SELECT COUNT(*) FROM outbox WHERE webhook = 'digest' AND status = 'held'").fetchone()[
                0
            ]
            == 0
        )
        digests = {
            r[0]: json.loads(r[1])
            for r in db.execute(
                "SELECT msg_id, payload FROM outbox WHERE event = 'digest' AND status = 'sent'"
            )
        }
        assert (
            db.execute("SELECT COUNT(*) FROM outbox WHERE event = 'digest' AND status != 'sent'").fetchone()[
                0
            ]
            == 0
        )
        got = {}
        for r in receiver.requests:
            # A writer killed mid-request leaves a cut body the sender never saw answered.
            if r["answer"] == 200 and len(r["body"]) == int(r["headers"]["Content-Length"]) and r["body"]:
                got[r["headers"]["webhook-id"]] = json.loads(r["body"])
        assert set(got) == set(digests)
        urls = [
            item["article"]["url"]
            for body in got.values()
            for group in body["data"]["topics"]
            for item in group["new"]
        ]
        assert sorted(urls) == sorted(f"https://k.kr/{i}" for i in stored)  # each story once, none lost
        print(
            f"{len(stored)} articles, {len(digests)} digests, {len(received) - len(set(received))} mail repeats"
        )
    finally:
        smtp.close()
