"""`monitor run` as a real subprocess: crawls on an interval, delivers, stops cleanly, refuses a twin."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from storage.db import open_db

from .conftest import ROOT, demo_config


def start(config, *extra):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "run", "--config", str(config), "--tick", "0.5", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_daemon_crawls_delivers_and_stops_on_sigterm(site, receiver, tmp_path):
    config = demo_config(site, tmp_path, receiver)
    proc = start(config, "--log-format", "json")
    try:
        assert wait_for(lambda: len(receiver.delivered()) >= 3), (
            proc.stderr.read() if proc.poll() is not None else ""
        )
        # A second daemon on the same database refuses to start.
        twin = subprocess.run(
            [sys.executable, "-m", "monitor.cli", "run", "--config", str(config)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert twin.returncode == 1 and "refusing to start a second daemon" in twin.stdout + twin.stderr
        # Let it poll again (the 2 s interval), then stop it mid-work.
        before = site.hits["/gb/rss/allArticle.xml"]
        assert wait_for(lambda: site.hits["/gb/rss/allArticle.xml"] > before, timeout=15)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
        assert code == 0 and time.monotonic() - t0 < 10
    finally:
        if proc.poll() is None:
            proc.kill()
    err = proc.stderr.read()
    assert '"message": "crawled gbsinmungo' in err  # one JSON line per source crawl, with counts
    db = open_db(tmp_path / "monitor.db")
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 5
    assert db.execute("SELECT COUNT(*) FROM outbox WHERE status = 'sent'").fetchone()[0] == 3
    assert len(receiver.delivered()) == 3  # nothing twice
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_failing_source_backs_off_and_others_still_run(site, receiver, tmp_path):
    extra = f"""
[[sources]]
name = "broken"
kind = "feed"
url = "{site.base}/fault/status?code=500"
interval = "1s"
"""
    config = demo_config(site, tmp_path, receiver, extra=extra)
    proc = start(config)
    try:
        assert wait_for(lambda: len(receiver.delivered()) >= 3)
        time.sleep(4)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    db = open_db(tmp_path / "monitor.db")
    row = db.execute(
        "SELECT health, consecutive_failures, next_due FROM sources WHERE name = 'broken'"
    ).fetchone()
    assert row[0] == "failing" and row[1] >= 1
    # Backing off: far fewer polls of the broken source than its 1 s interval would give.
    assert site.hits["/fault/status?code=500"] <= 2 * 3  # at most two crawls (retries=1 each)
