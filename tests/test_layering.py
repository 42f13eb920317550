"""The import direction holds: monitor -> storage, scrapers; storage -> scrapers' models/errors only."""

from __future__ import annotations

import ast

import pytest

from .conftest import ROOT

RULES = {
    "scrapers": {"monitor", "storage"},  # scrapers knows nothing of the application or the database
    "storage": {"monitor", "httpx", "selectolax", "scrapers.fetch", "scrapers.extract", "scrapers.discovery"},
}


@pytest.mark.parametrize("package", sorted(RULES))
def test_imports_run_one_way(package):
    bad = []
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if any(name == f or name.startswith(f + ".") for f in RULES[package]):
                    bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert bad == []


def test_httpx_is_owned_by_the_fetcher_and_the_alert_sender():
    users = sorted(
        str(p.relative_to(ROOT))
        for pkg in ("scrapers", "storage", "monitor")
        for p in (ROOT / pkg).rglob("*.py")
        if "import httpx" in p.read_text("utf-8")
    )
    assert users == ["monitor/alerts.py", "scrapers/fetch.py"]
