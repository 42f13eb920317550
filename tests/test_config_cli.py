"""Configuration errors name the key and line; the CLI maps them to exit 2; small CLI checks."""

from __future__ import annotations

import json

import pytest

from monitor.cli import main
from monitor.config import ConfigError, load_settings, parse_settings
from storage.db import open_db

from .conftest import FIXTURES, SECRET


def test_builtin_default_has_sources_and_the_ai_center_topic(tmp_path):
    s = load_settings(None, cwd=tmp_path)
    assert s.origin == "built-in default"
    assert len(s.sources) >= 6 and {src.kind for src in s.sources} >= {"feed", "listing", "naver"}
    assert s.topics[0].name == "ai-center" and len(s.topics[0].any) >= 20


@pytest.mark.parametrize(
    "text,needle",
    [
        ('[fetch]\nper_host_delay = "fast"\n', ":2: fetch.per_host_delay: must be int/float"),
        (
            '[[sources]]\nname = "a"\nkind = "rss"\nurl = "https://x"\n',
            ":3: sources[0].kind: 'rss' is not one of",
        ),
        (
            '[[sources]]\nname = "a"\nkind = "feed"\nurl = "https://x"\ninterval = "soon"\n',
            ":5: sources[0].interval",
        ),
        ('[[sources]]\nname = "a"\nkind = "feed"\nurl = "x"\n', ":4: sources[0].url"),
        ('[storage]\npaht = "x"\n', ":2: storage.paht: unknown key"),
        ("[storage]\ncache_mb = 1\n", "storage.cache_mb: must be at least 2"),
        (
            '[[webhooks]]\nname = "h"\nurl = "https://h"\nformat = "json"\n',
            "webhooks[0].secret: a json webhook needs",
        ),
        (
            '[[webhooks]]\nname = "h"\nurl = "https://h"\nsecret = "${NOPE_NOT_SET}"\n',
            "NOPE_NOT_SET is not set",
        ),
        ("[fetch\n", "invalid TOML"),
    ],
)
def test_wrong_config_gets_one_clear_error(text, needle):
    with pytest.raises(ConfigError) as err:
        parse_settings(text, origin="bad.toml", environ={})
    assert needle in str(err.value)


def test_storage_cache_size_reaches_the_database(tmp_path):
    settings = parse_settings(
        f'[storage]\npath = "{tmp_path / "m.db"}"\ncache_mb = 300\n', origin="t.toml", environ={}
    )
    assert settings.storage.cache_mb == 300
    db = open_db(settings.storage.path, cache_mb=settings.storage.cache_mb)
    assert db.execute("PRAGMA cache_size").fetchone()[0] == -300 * 1024


def test_bad_config_exits_2_before_anything_runs(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[fetch]\ntimeout = "x"\n')
    assert main(["crawl", "--config", str(bad)]) == 2
    assert "fetch.timeout" in capsys.readouterr().err
    assert not (tmp_path / "monitor.db").exists()


def test_config_show_masks_secrets_and_init_writes_a_starter(tmp_path, capsys, monkeypatch):
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[[webhooks]]\nname = "h"\nurl = "https://h.example"\nsecret = "${S}"\n'
        '[[webhooks]]\nname = "s"\nurl = "https://hooks.slack.example/services/T0/B0/XYZSECRET"\nformat = "slack"\n'
    )
    monkeypatch.setenv("S", SECRET)
    assert main(["config", "show", "--config", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert SECRET not in out and "whsec_…" in out
    assert "XYZSECRET" not in out and "https://hooks.slack.example/…" in out
    target = tmp_path / "new.toml"
    assert main(["config", "init", str(target)]) == 0
    assert load_settings(target).topics[0].name == "ai-center"


def test_extract_command_json(capsys):
    page = FIXTURES / "pages" / "ndsoft_pohang_apec.html"
    assert main(["extract", str(page), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (
        data["title"].startswith("포항시")
        and data["byline"] == "김도윤 기자"
        and data["extractor"] == "ndsoft"
    )
    assert data["published"] == "2025-11-17T10:20:00+09:00"


def test_extract_missing_file_is_a_clear_error(capsys):
    assert main(["extract", "/no/such/file.html"]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_alerts_retry_unknown_id(tmp_path, capsys):
    assert main(["alerts", "retry", "999", "--db", str(tmp_path / "x.db")]) == 1
