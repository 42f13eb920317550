"""Issue 14: a command line a new user can trust, driven as a subprocess where it is about the process."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.config import load_settings
from monitor.pipeline import CrawlReport, crawl_source
from monitor.tables import print_summary
from scrapers.fetch import Fetcher
from storage.db import StorageError, open_db

from .conftest import ROOT, SECRET, demo_config

DEMO = [
    "--config",
    str(ROOT / "fixtures" / "demo.toml"),
    "--replay",
    str(ROOT / "fixtures" / "replay" / "demo"),
]


def cli(
    *argv: str, cwd: Path = ROOT, env: dict | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "monitor.cli", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    done = cli("crawl", *DEMO, "--db", str(db))
    assert done.returncode == 0, done.stderr
    return db


def test_options_work_before_and_after_the_command(demo_db, tmp_path):
    after = cli("stories", "--json", "--db", str(demo_db))
    before = cli("--db", str(demo_db), "stories", "--json")
    assert before.returncode == after.returncode == 0
    assert before.stdout == after.stdout and len(before.stdout.splitlines()) == 3
    cfg = tmp_path / "my.toml"
    cfg.write_text('[storage]\npath = "x.db"\n')
    shown = cli("--config", str(cfg), "config", "show")
    assert json.loads(shown.stdout)["origin"] == str(cfg)


def test_a_partly_damaged_database_stops_the_crawl_with_one_line(tmp_path):
    db = tmp_path / "bad.db"
    assert cli("crawl", *DEMO, "--db", str(db)).returncode == 0
    pages = db.stat().st_size // 4096
    with db.open("r+b") as f:  # overwrite one page in the middle of the file
        f.seek((pages // 2) * 4096)
        f.write(os.urandom(4096))
    done = cli("crawl", *DEMO, "--db", str(db))
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert done.returncode == 1 and len(lines) == 1 and "damaged" in lines[0], done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(os.urandom(8192))
    done = cli("status", "--db", str(garbage))
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1


def test_read_commands_need_no_secrets_and_never_create_a_database(tmp_path, demo_db):
    cfg = tmp_path / "secret.toml"
    cfg.write_text(
        f'[storage]\npath = "{demo_db}"\n[[topics]]\nname = "ai-center"\nany = ["AI"]\n'
        '[[webhooks]]\nname = "ops"\nurl = "https://hooks.example.org/x"\nsecret = "${MONITOR_TEST_UNSET}"\n'
    )
    for command in (["status"], ["stories"], ["articles"], ["search", "컴퓨팅센터"], ["config", "show"]):
        done = cli(*command, "--config", str(cfg))
        assert done.returncode == 0, (command, done.stderr)
    assert cli("crawl", "--config", str(cfg)).returncode == 2  # a command that sends needs them
    empty = tmp_path / "empty"
    empty.mkdir()
    done = cli("stories", cwd=empty)
    assert done.returncode == 1 and "no database" in done.stderr and not (empty / "monitor.db").exists()


def test_sqlite_utils_and_datasette_find_the_full_text_index(demo_db):
    sqlite_utils = Path(sys.executable).with_name("sqlite-utils")
    done = subprocess.run(
        [str(sqlite_utils), "search", str(demo_db), "articles", "컴퓨팅센터", "-c", "title"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "국가 AI 컴퓨팅센터" in done.stdout
    from datasette.app import Datasette

    async def search() -> dict:
        ds = Datasette([str(demo_db)])
        response = await ds.client.get(f"/{demo_db.stem}/articles.json?_search=컴퓨팅센터&_shape=array")
        return {"status": response.status_code, "rows": response.json()}

    result = asyncio.run(search())
    assert result["status"] == 200 and result["rows"] and all("컴퓨팅" in r["body"] for r in result["rows"])


def test_tables_keep_whole_urls_and_line_up_with_hangul(demo_db):
    out = cli("articles", "--db", str(demo_db)).stdout
    assert "articleView.html?idxno=51001" in out and "view.php?idx=7101" in out
    lines = [ln for ln in out.splitlines() if "http" in ln]
    from rich.cells import cell_len

    starts = {cell_len(ln[: ln.index("http")]) for ln in lines}
    assert len(starts) == 1, "the URL column starts at the same screen column on every row"
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d KST", out)  # times in the configured zone


def test_show_and_diff_an_edited_article(site, tmp_path, capsys):
    config = demo_config(site, tmp_path)
    assert main(["crawl", "--config", str(config), "--quiet"]) == 0
    site.edit("/gb/news/articleView.html?idxno=51001", "유치에 나선다", "유치에 본격적으로 나선다")
    assert main(["crawl", "--config", str(config), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "changed articles (1):" in out
    url = f"{site.base}/gb/news/articleView.html?idxno=51001"
    assert main(["show", url, "--config", str(config)]) == 0
    shown = capsys.readouterr().out
    assert "title from" in shown and "ai-center" in shown and "v2" in shown and "경북온뉴스" in shown
    assert main(["diff", url, "--config", str(config)]) == 0
    diff = capsys.readouterr().out
    assert "version 1 -> 2" in diff and re.search(r"^- .*유치에 나선다", diff, re.M)
    assert re.search(r"^\+ .*유치에 본격적으로 나선다", diff, re.M)
    assert main(["show", "99999", "--config", str(config)]) == 1


def test_broken_pipe_version_and_help():
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "crawl", *DEMO, "--db", "/tmp/monitor-pipe-test.db", "--json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.readline()
    proc.stdout.close()  # `| head -1`
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert cli("--version").stdout.startswith("monitor ")
    helped = cli("crawl", "--help").stdout
    assert "example:" in helped and "exit status:" in helped and "--deliver" in helped


def test_config_init_into_a_new_folder_and_over_an_existing_file(tmp_path):
    target = tmp_path / "etc" / "ai-center" / "monitor.toml"
    assert cli("config", "init", str(target)).returncode == 0 and target.exists()
    again = cli("config", "init", str(target))
    assert again.returncode == 2 and "exists" in again.stderr
    extra = cli("config", "show", "extra")
    assert extra.returncode == 2 and "no argument" in extra.stderr


def test_an_unresolvable_host_is_named_once_as_the_cause(site, tmp_path, capsys):
    settings = load_settings(demo_config(site, tmp_path))
    source = settings.sources[0]
    source = type(source)(**{**source.__dict__, "url": "http://outlet.example.invalid/rss/allArticle.xml"})

    async def no_dns(host: str, port: int) -> list[str]:
        raise OSError(f"[Errno -2] Name or service not known: {host}")

    async def go():
        fetch_settings = settings.fetch.client_settings()
        async with Fetcher(fetch_settings, resolver=no_dns) as fetcher:
            return await crawl_source(
                source,
                settings=settings,
                fetcher=fetcher,
                db=open_db(tmp_path / "d.db"),
                now=lambda: datetime.now(UTC),
            )

    report = asyncio.run(go())
    assert report.failed and report.error.startswith("cannot resolve outlet.example.invalid"), report.error
    print_summary(CrawlReport([report]))
    out = capsys.readouterr().out
    assert out.count("cannot resolve") == 1 and "robots" not in out


def test_ctrl_c_during_a_crawl_says_interrupted_with_a_partial_summary(site, tmp_path):
    extra = f'[[sources]]\nname = "slow"\nkind = "feed"\nurl = "{site.base}/fault/slow?delay=20"\n'
    config = demo_config(site, tmp_path, extra=extra)
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "crawl", "--config", str(config)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    # Interrupt once a quick source has finished (its success is stored) and the slow one waits.
    db_path = tmp_path / "monitor.db"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            done = (
                open_db(db_path, read_only=True)
                .execute(
                    "SELECT COUNT(*) FROM sources WHERE name = 'gbsinmungo' AND last_success IS NOT NULL"
                )
                .fetchone()[0]
            )
        except StorageError:
            done = 0
        if done and site.hits.get("/fault/slow?delay=20"):
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert "gbsinmungo" in err  # the partial summary names what finished


def test_replay_posts_no_alerts_unless_asked(tmp_path, receiver):
    cfg = tmp_path / "r.toml"
    text = (ROOT / "fixtures" / "demo.toml").read_text("utf-8")
    text += (
        f'\n[alerts]\nallow_private_networks = true\ngrace = 2\n[[webhooks]]\nname = "r"\nurl = "{receiver.url}"\n'
        f'secret = "{SECRET}"\n'
    )
    cfg.write_text(text, "utf-8")
    replay = str(ROOT / "fixtures" / "replay" / "demo")
    assert (
        cli("crawl", "--config", str(cfg), "--replay", replay, "--db", str(tmp_path / "a.db")).returncode == 0
    )
    assert receiver.requests == []
    done = cli("crawl", "--config", str(cfg), "--replay", replay, "--db", str(tmp_path / "b.db"), "--deliver")
    assert done.returncode == 0 and len(receiver.delivered()) == 3


def test_stories_list_outlets_and_local_times(demo_db):
    out = cli("stories", "--db", str(demo_db)).stdout
    assert "경북신문고" in out and "경북온뉴스" in out and "KST" in out


def test_sources_add_by_homepage_keeps_comments_and_can_be_undone(site, tmp_path):
    home = (
        '<html><head><title>경북 새소식</title><link rel="alternate" type="application/rss+xml" '
        f'href="{site.base}/gb/rss/allArticle.xml"></head><body><a href="/gb/news/list.html">목록</a></body></html>'
    )
    site.add("/index.html", home.encode(), "text/html; charset=utf-8")
    cfg = tmp_path / "monitor.toml"
    cfg.write_text(
        "# my own notes\n[fetch]\nallow_private_networks = true\nper_host_delay = 0\n\n"
        '[[topics]]\nname = "ai-center"  # keep this comment\nany = ["AI 컴퓨팅센터"]\n',
        "utf-8",
    )
    done = cli("sources", "add", f"{site.base}/index.html", "--config", str(cfg))
    assert done.returncode == 0, done.stderr
    assert "announced by the homepage" in done.stdout and "best: feed" in done.stdout
    assert "포항시" in done.stdout  # a sample article's extracted title
    text = cfg.read_text("utf-8")
    assert "# my own notes" in text and "# keep this comment" in text
    settings = load_settings(cfg)
    (added,) = settings.sources
    assert added.kind == "feed" and added.url == f"{site.base}/gb/rss/allArticle.xml"
    assert cli("sources", "disable", added.name, "--config", str(cfg)).returncode == 0
    assert load_settings(cfg).sources[0].enabled is False
    listed = cli("sources", "list", "--json", "--config", str(cfg))
    assert json.loads(listed.stdout.splitlines()[0])["enabled"] is False
    assert cli("sources", "remove", added.name, "--config", str(cfg)).returncode == 0
    assert load_settings(cfg).sources == () and "# keep this comment" in cfg.read_text("utf-8")
    assert cli("sources", "remove", "nope", "--config", str(cfg)).returncode == 2


def test_the_readme_offline_demo_runs_as_written(tmp_path):
    readme = (ROOT / "README.md").read_text("utf-8")
    block = (
        readme.split("offline on the demo site shipped in `fixtures/`", 1)[1]
        .split("```bash", 1)[1]
        .split("```", 1)[0]
    )
    commands = [ln.strip() for ln in block.strip().splitlines() if ln.strip()]
    assert commands and all(c.startswith("monitor ") for c in commands)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures")  # relative paths resolve as in a clone
    for command in commands:
        done = subprocess.run(
            command, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env
        )
        assert done.returncode == 0, (command, done.stderr)
        assert done.stdout.strip(), command
    assert (tmp_path / "demo.db").exists()
