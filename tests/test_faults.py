"""Faults a hostile site, receiver or operator can cause, each on 127.0.0.1 with real files.

One test per row of the Reliability table's second half: one bad item, one slow or huge
receiver, two processes on a new file, a database deleted under the daemon, a truncated gzip
body, a 1 MB title, a cassette pointing outside itself, read-only files, a renamed webhook.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.alerts import alert_planner, deliver_due, make_client
from monitor.cli import main
from monitor.config import load_settings, parse_settings
from monitor.formats import FORMATS
from monitor.runner import run_crawl
from monitor.status import source_status
from scrapers.cassette import Cassette
from scrapers.errors import FetchError
from scrapers.fetch import Fetcher, FetchSettings
from scrapers.models import Article
from storage.articles import save_article
from storage.db import StorageError, open_db
from storage.models import FIELD_CAPS, ArticleInput, MatchRecord

from .conftest import ROOT, SECRET, demo_config

MATCH = (MatchRecord("ai-center", ("국가 AI 컴퓨팅센터",), {"국가 AI 컴퓨팅센터": "…"}),)
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def _feed(site, items: list[tuple[str, str]]) -> str:
    """An RSS feed served by the test site at /x/rss.xml; returns its URL."""
    entries = "".join(f"<item><title>{t}</title><link>{link}</link></item>" for t, link in items)
    xml = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>{entries}</channel></rss>'
    path = site.root / "x" / "rss.xml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(xml, "utf-8")
    site.types["/x/rss.xml"] = "application/rss+xml; charset=utf-8"
    return f"{site.base}/x/rss.xml"


def _feed_config(site, tmp_path, url: str, extra: str = "") -> Path:
    cfg = tmp_path / "f.toml"
    cfg.write_text(
        f'[storage]\npath = "{tmp_path / "f.db"}"\nkeep_unmatched = true\n'
        "[fetch]\nper_host_delay = 0\nallow_private_networks = true\ntimeout = 5\nretries = 0\n"
        f'[[sources]]\nname = "x"\nkind = "feed"\nurl = "{url}"\n'
        '[[topics]]\nname = "ai-center"\nany = ["국가 AI 컴퓨팅센터"]\n' + extra,
        "utf-8",
    )
    return cfg


def test_malformed_links_and_a_lone_surrogate_cost_one_item_not_the_source(site, tmp_path):
    good = f"{site.base}/gb/news/articleView.html?idxno=51001"
    url = _feed(
        site,
        [
            ("broken bracket", "http://[::1/x"),
            ("huge port", "http://127.0.0.1:99999/a"),
            ("surrogate &#xD800; title", f"{site.base}/gb/news/articleView.html?idxno=51003"),
            ("good", good),
        ],
    )
    settings = load_settings(_feed_config(site, tmp_path, url))
    report = asyncio.run(run_crawl(settings)).sources[0]
    assert not report.failed, report.error
    assert report.errors == 2 and all("malformed link" in s for s in report.error_samples[:2])
    assert report.new_articles == 2  # the good item and the one with the surrogate in its title
    status = source_status(open_db(settings.storage.path, read_only=True), settings)["sources"][0]
    assert status["health"] == "ok" and "malformed link" in status["last_error"]


def _two_hooks(a: str, b: str, timeout: float = 1.0):
    return parse_settings(
        f"""
[alerts]
allow_private_networks = true
[[topics]]
name = "ai-center"
any = ["국가 AI 컴퓨팅센터"]
[[webhooks]]
name = "slow"
url = "{a}"
secret = "{SECRET}"
timeout = {timeout}
[[webhooks]]
name = "fast"
url = "{b}"
secret = "{SECRET}"
timeout = {timeout}
""",
        environ={},
    )


def _store(db, settings, n: int = 1):
    art = Article(
        title=f"포항 국가 AI 컴퓨팅센터 {n}", body=f"포항시가 국가 AI 컴퓨팅센터 {n}를 유치한다. " * 20
    )
    item = ArticleInput(f"https://x.kr/{n}", f"https://x.kr/{n}", "s", art, MATCH)
    return save_article(db, item, now=NOW, plan=alert_planner(settings))


def _deliver(db, settings, allow_private: bool = True, now=lambda: NOW):
    async def go():
        async with make_client(allow_private_networks=allow_private) as client:
            return await deliver_due(db, settings, client, now)

    return asyncio.run(go())


def test_a_dripping_receiver_is_cut_at_its_deadline_and_delays_no_other(tmp_path):
    from .servers import Receiver

    slow, fast = Receiver(), Receiver()
    try:
        settings = _two_hooks(slow.url, fast.url)
        db = open_db(tmp_path / "d.db")
        _store(db, settings)
        slow.script = ["drip"]
        t0 = time.monotonic()
        rep = _deliver(db, settings)
        took = time.monotonic() - t0
        assert took < 3, f"delivery took {took:.1f}s behind a 1 s deadline"  # the drip lasts 30 s
        assert rep.sent == 1 and rep.retrying == 1
        assert len(fast.requests) == 1 and len(slow.requests) == 1
        reason = db.execute("SELECT last_error FROM outbox WHERE webhook = 'slow'").fetchone()[0]
        assert "no complete answer within 1s" in reason
    finally:
        slow.close()
        fast.close()


@pytest.mark.parametrize("status", [200, 500])
def test_a_100_mb_answer_is_not_read(tmp_path, receiver, status):
    settings = _two_hooks(receiver.url, receiver.url.replace("/hook", "/other"), timeout=10)
    db = open_db(tmp_path / "b.db")
    _store(db, settings)
    receiver.script = [("big", status), 200]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rep = _deliver(db, settings)
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown < 30, f"RSS grew {grown:.0f} MiB"
    if status == 200:
        assert rep.sent == 2
    else:
        reason = db.execute("SELECT last_error FROM outbox WHERE status = 'pending'").fetchone()[0]
        assert reason.startswith("HTTP 500: eee") and len(reason) < 300


OPENER = """
import sys, time
from storage.db import StorageError, open_db
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))
db = open_db(sys.argv[1])
print(db.execute("PRAGMA user_version").fetchone()[0])
"""


def test_two_processes_opening_a_new_database_at_once_both_proceed(tmp_path):
    for attempt in range(20):
        path = tmp_path / f"new{attempt}.db"
        at = time.time() + 0.5
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", OPENER, str(path), str(at)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outs = [p.communicate(timeout=60) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outs
    db = open_db(tmp_path / "new0.db")
    assert db.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sources'").fetchone()[0] == 1


def _wait_for_articles(db_path: Path, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if open_db(db_path, read_only=True).execute("SELECT COUNT(*) FROM articles").fetchone()[0]:
                return True
        except StorageError:  # not there yet, or still being created by the daemon
            pass
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("victim", ["db", "wal"])
def test_daemon_stops_when_its_database_is_deleted(site, tmp_path, victim):
    config = demo_config(site, tmp_path)
    db_path = tmp_path / "monitor.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "run", "--config", str(config), "--tick", "0.2"],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _wait_for_articles(db_path, timeout=60), proc.stderr.read() if proc.poll() is not None else ""
        target = db_path if victim == "db" else Path(f"{db_path}-wal")
        assert target.exists()
        target.unlink()
        code = proc.wait(timeout=30)
        out = proc.stdout.read() + proc.stderr.read()
        assert code == 1 and "deleted or replaced" in out
        assert not db_path.exists() or victim == "wal"  # no new empty database was written
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()


def test_backup_is_a_consistent_copy_while_the_database_is_open(site, tmp_path, capsys):
    settings = load_settings(demo_config(site, tmp_path))
    asyncio.run(run_crawl(settings))
    writer = open_db(settings.storage.path)  # a writer holds the file open, WAL not checkpointed
    count = writer.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    target = tmp_path / "copy.db"
    assert main(["backup", str(target), "--config", str(tmp_path / "monitor.toml")]) == 0
    assert open_db(target, read_only=True).execute("SELECT COUNT(*) FROM articles").fetchone()[0] == count > 0
    assert main(["backup", str(target), "--config", str(tmp_path / "monitor.toml")]) == 1  # never overwrites


def test_a_gzip_body_cut_short_is_an_incomplete_fetch(site):
    async def go():
        async with Fetcher(FetchSettings(allow_private_networks=True, respect_robots=False, retries=0)) as f:
            await f.fetch(f"{site.base}/fault/gzipshort")

    with pytest.raises(FetchError) as err:
        asyncio.run(go())
    assert err.value.kind == "incomplete" and err.value.retryable


def test_a_1_mb_title_is_capped_in_storage_and_in_every_format(site, tmp_path, receiver):
    page = (
        "<html><head><title>"
        + "포항 국가 AI 컴퓨팅센터 " * 60000
        + "</title></head><body><article>"
        + "<p>포항시가 국가 AI 컴퓨팅센터 유치에 나섰다는 소식입니다.</p>" * 30
        + "</article></body></html>"
    )
    (site.root / "x").mkdir(exist_ok=True)
    (site.root / "x" / "big.html").write_text(page, "utf-8")
    url = _feed(site, [("t", f"{site.base}/x/big.html")])
    hook = f'[alerts]\nallow_private_networks = true\n[[webhooks]]\nname = "h"\nurl = "{receiver.url}"\nsecret = "{SECRET}"\n'
    settings = load_settings(_feed_config(site, tmp_path, url, hook))
    asyncio.run(run_crawl(settings))
    db = open_db(settings.storage.path)
    (title,) = db.execute("SELECT title FROM articles").fetchone()
    assert len(title) <= FIELD_CAPS["title"]
    stored = json.loads(db.execute("SELECT payload FROM outbox").fetchone()[0])
    huge = {
        "type": "article.new",
        "data": {
            "article": {
                "title": "제" * 600,
                "url": "https://x.kr/" + "a" * 1900,
                "outlet": "o" * 200,
                "published": None,
                "excerpt": "본" * 280,
            },
            "topic": "t",
            "matches": {"terms": ["x"], "snippets": {"x": "s" * 300}},
            "diff": None,
        },
    }
    for fmt in ("json", "slack", "discord"):
        for payload in (stored, huge):
            body = FORMATS[fmt].render(payload, NOW)
            assert len(body) < 16_000, (fmt, len(body))
    slack = json.loads(FORMATS["slack"].render(huge, NOW))
    assert all(len(b["text"]["text"]) <= 3000 for b in slack["blocks"] if "text" in b)
    discord = json.loads(FORMATS["discord"].render(huge, NOW))["embeds"][0]
    assert len(discord["title"]) <= 256 and len(discord["description"]) <= 4096


@pytest.mark.parametrize("name", ["/etc/hostname", "../../../../etc/hostname", "."])
def test_a_cassette_entry_outside_its_folder_is_refused(tmp_path, name):
    folder = tmp_path / "cassette"
    folder.mkdir()
    (folder / "index.json").write_text(
        json.dumps(
            {"https://x.kr/1": {"final_url": "https://x.kr/1", "status": 200, "headers": {}, "file": name}}
        )
    )
    with pytest.raises(FetchError, match="outside"):
        Cassette(folder).get("https://x.kr/1")


def _without_root_powers() -> list[str]:
    """A command prefix under which file permissions apply (root ignores them otherwise)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot make file permissions apply")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]


def test_read_only_database_daemon_refuses_and_read_commands_work(site, tmp_path):
    config = demo_config(site, tmp_path)
    asyncio.run(run_crawl(load_settings(config)))
    for f in tmp_path.glob("monitor.db*"):
        f.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        cli = [*_without_root_powers(), sys.executable, "-m", "monitor.cli"]
        run = subprocess.run(
            [*cli, "run", "--config", str(config)], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        lines = [ln for ln in (run.stdout + run.stderr).splitlines() if ln.strip()]
        assert run.returncode == 1 and len(lines) == 1 and "lock file" in lines[0], lines
        for command in (["status"], ["stories", "--json"], ["articles", "--json"], ["search", "컴퓨팅센터"]):
            done = subprocess.run(
                [*cli, *command, "--config", str(config)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode == 0, (command, done.stderr)
        assert "readonly" not in done.stderr
    finally:
        tmp_path.chmod(0o755)


def test_a_renamed_webhook_can_take_over_its_pending_alerts(tmp_path, receiver, capsys):
    old = parse_settings(
        f'[alerts]\nallow_private_networks = true\n[[topics]]\nname = "ai-center"\nany = ["국가 AI 컴퓨팅센터"]\n'
        f'[[webhooks]]\nname = "old"\nurl = "{receiver.url}"\nsecret = "{SECRET}"\n',
        environ={},
    )
    db_path = tmp_path / "r.db"
    db = open_db(db_path)
    _store(db, old)
    cfg = tmp_path / "new.toml"
    cfg.write_text(
        f'[storage]\npath = "{db_path}"\n[alerts]\nallow_private_networks = true\n'
        f'[[topics]]\nname = "ai-center"\nany = ["국가 AI 컴퓨팅센터"]\n'
        f'[[webhooks]]\nname = "new"\nurl = "{receiver.url}"\nsecret = "{SECRET}"\n'
    )
    new = load_settings(cfg)
    rep = _deliver(db, new)
    assert rep.failed == 1 and receiver.requests == []  # documented: an unknown name fails the row
    (row_id, msg_id) = db.execute("SELECT id, msg_id FROM outbox").fetchone()
    assert main(["alerts", "retry", str(row_id), "--webhook", "new", "--config", str(cfg)]) == 0
    assert _deliver(db, new, now=lambda: datetime.now(UTC)).sent == 1
    assert receiver.requests[0]["headers"]["webhook-id"] == msg_id
    assert main(["alerts", "retry", str(row_id), "--config", str(cfg)]) == 1  # sent already: says so
    assert "sent already" in capsys.readouterr().err


def test_webhooks_to_private_addresses_are_refused_by_default(tmp_path, receiver):
    settings = parse_settings(
        f'[[topics]]\nname = "ai-center"\nany = ["국가 AI 컴퓨팅센터"]\n'
        f'[[webhooks]]\nname = "h"\nurl = "{receiver.url}"\nsecret = "{SECRET}"\n',
        environ={},
    )
    assert settings.alerts.allow_private_networks is False
    db = open_db(tmp_path / "p.db")
    _store(db, settings)
    rep = _deliver(db, settings, allow_private=settings.alerts.allow_private_networks)
    assert rep.failed == 1 and receiver.requests == []
    reason = db.execute("SELECT last_error FROM outbox").fetchone()[0]
    assert "loopback" in reason and "allow_private_networks" in reason


def test_a_damaged_database_stops_every_link_worker_of_the_crawl(tmp_path, monkeypatch):
    """The first link's save finds the file damaged: the crawl raises, and the other workers
    neither finish the links they hold nor take new ones (nothing more is written)."""
    from monitor import pipeline
    from scrapers.models import DiscoveredLink
    from storage.db import CorruptDatabase

    links = {f"https://x.kr/{k}": DiscoveredLink(f"https://x.kr/{k}") for k in range(30)}
    started: list[str] = []
    finished: list[str] = []

    async def discover(source, documents, settings):
        return pipeline.Discovered(dict(links), [])

    async def one_link(self, key, link, prior):
        started.append(key)
        if key.endswith("/0"):
            raise CorruptDatabase("database disk image is malformed")
        await asyncio.sleep(0.05)
        finished.append(key)

    monkeypatch.setattr(pipeline, "discover", discover)
    monkeypatch.setattr(pipeline.SourceCrawl, "one_link", one_link)
    settings = parse_settings('[[sources]]\nname = "s"\nkind = "feed"\nurl = "https://x.kr/rss"\n')
    db = open_db(tmp_path / "m.db")

    async def crawl() -> None:
        with pytest.raises(CorruptDatabase):
            await pipeline.crawl_source(
                settings.sources[0], settings=settings, fetcher=None, db=db, now=lambda: datetime.now(UTC)
            )
        await asyncio.sleep(0.2)  # long enough for any worker left running to take more links

    asyncio.run(crawl())
    assert len(started) == pipeline.LINK_CONCURRENCY and finished == []
