from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SHARED = Path(os.environ.get("MONITOR_SHARED", ROOT.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with a clear message when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: the shared corpora live beside the repository (set MONITOR_SHARED)")
    return path


SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="


@pytest.fixture
def site(tmp_path):
    from .servers import SiteServer

    server = SiteServer(tmp_path / "site")
    yield server
    server.close()


@pytest.fixture
def receiver():
    from .servers import Receiver

    r = Receiver()
    yield r
    r.close()


def demo_config(site, tmp_path: Path, receiver=None, *, extra: str = "", hook_extra: str = "") -> Path:
    """A config file pointing at the local demo site (and receiver), politeness off."""
    hook = ""
    if receiver is not None:
        hook = f"""
[[webhooks]]
name = "test"
url = "{receiver.url}"
format = "json"
secret = "{SECRET}"
{hook_extra}
"""
    text = f"""
[storage]
path = "{tmp_path / "monitor.db"}"

[fetch]
per_host_delay = 0
per_host_concurrency = 4
timeout = 5
retries = 1
allow_private_networks = true
recheck_after = 0

[alerts]
grace = 3
allow_private_networks = true

[[sources]]
name = "gbsinmungo"
kind = "feed"
url = "{site.base}/gb/rss/allArticle.xml"
interval = "2s"

[[sources]]
name = "onnews"
kind = "listing"
url = "{site.base}/on/news/list.php?sec=1"
interval = "2s"

[[sources]]
name = "samplehani"
kind = "sitemap"
url = "{site.base}/hn/sitemap.xml"
interval = "2s"

[[topics]]
name = "ai-center"
any = ["국가 AI 컴퓨팅센터", "아시아·태평양 AI 센터", "AI 데이터센터"]
{hook}
{extra}
"""
    path = tmp_path / "monitor.toml"
    path.write_text(text, "utf-8")
    return path
