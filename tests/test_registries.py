"""Source kinds and alert formats are registries; what a kind or format declares is what config checks."""

from __future__ import annotations

import dataclasses

import pytest

from monitor.config import FetchConfig, SourceConfig, StorageConfig, parse_settings
from monitor.errors import ConfigError
from monitor.formats import FORMATS
from monitor.formats import register as register_format
from monitor.sources import SOURCE_KINDS
from monitor.sources import register as register_kind

from .conftest import ROOT, SECRET


def test_a_duplicate_source_kind_fails():
    with pytest.raises(ValueError, match="registered twice"):
        register_kind(SOURCE_KINDS["feed"])


def test_a_duplicate_alert_format_fails():
    with pytest.raises(ValueError, match="registered twice"):
        register_format(FORMATS["json"])


def test_registries_hold_the_documented_names():
    assert set(SOURCE_KINDS) == {"feed", "listing", "sitemap", "naver"}
    assert set(FORMATS) == {"json", "slack", "discord", "email", "apprise"}


@pytest.mark.parametrize("kind", sorted(SOURCE_KINDS))
def test_each_declared_key_of_a_kind_is_required_by_config(kind):
    complete = {"url": "https://example.org/feed.xml", "query": "AI 컴퓨팅센터"}
    required = SOURCE_KINDS[kind].required
    assert required and all(k in {f.name for f in dataclasses.fields(SourceConfig)} for k in required)
    for missing in required:
        keys = "".join(f'{k} = "{v}"\n' for k, v in complete.items() if k in required and k != missing)
        text = f'[[sources]]\nname = "s"\nkind = "{kind}"\n{keys}'
        with pytest.raises(ConfigError, match=rf"sources\[0\]\.{missing}"):
            parse_settings(text, environ={})
    # With every declared key present the source is accepted.
    keys = "".join(f'{k} = "{v}"\n' for k, v in complete.items() if k in required)
    assert (
        parse_settings(f'[[sources]]\nname = "s"\nkind = "{kind}"\n{keys}', environ={}).sources[0].kind
        == kind
    )


def test_a_format_checks_what_it_needs():
    base = '[[webhooks]]\nname = "h"\nurl = "{url}"\nformat = "{fmt}"\n{extra}'
    with pytest.raises(ConfigError, match=r"webhooks\[0\]\.secret"):
        parse_settings(base.format(url="https://h.example", fmt="json", extra=""), environ={})
    with pytest.raises(ConfigError, match=r"webhooks\[0\]\.url"):
        parse_settings(base.format(url="ftp://h.example", fmt="slack", extra=""), environ={})
    ok = parse_settings(
        base.format(url="https://h.example", fmt="json", extra=f'secret = "{SECRET}"\n'), environ={}
    )
    assert ok.webhooks[0].secret == SECRET


def test_every_table_key_has_its_line_in_default_toml():
    """A key is one dataclass field plus its line in default.toml: the two cannot drift apart."""
    text = (ROOT / "monitor" / "default.toml").read_text("utf-8")
    for table, cls in (("storage", StorageConfig), ("fetch", FetchConfig)):
        section = text.split(f"[{table}]", 1)[1].split("\n[", 1)[0]
        for f in dataclasses.fields(cls):
            assert f"{f.name} =" in section, f"[{table}] {f.name} is not in default.toml"


def test_defaults_in_code_and_default_toml_agree():
    built_in = parse_settings((ROOT / "monitor" / "default.toml").read_text("utf-8"), environ={})
    empty = parse_settings("", environ={})
    for table in ("storage", "fetch", "alerts"):
        assert getattr(built_in, table) == getattr(empty, table), table
    assert {s.interval for s in built_in.sources} >= {SourceConfig(name="x").interval}
