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


def _imports(path) -> set[str]:
    """Modules a file imports at run time (imports under `if TYPE_CHECKING:` are for types only)."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            return
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the module's package
                pkg = path.relative_to(ROOT).with_suffix("").parts[: -node.level]
                base = ".".join([*pkg, base] if base else pkg)
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text("utf-8")))
    return names


def test_no_import_circle_between_modules():
    modules = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
        for pkg in ("scrapers", "storage", "monitor")
        for p in (ROOT / pkg).rglob("*.py")
    }
    graph = {m: {n for n in _imports(p) if n in modules and n != m} for m, p in modules.items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == goal or (nxt not in seen and (seen.add(nxt) or reaches(nxt, goal, seen))):
                return True
        return False

    # Importing a package runs its __init__, which imports its submodules: that edge is not a circle.
    circles = sorted(
        f"{m} <-> {n}"
        for m in graph
        for n in graph[m]
        if not n.startswith(m + ".") and not m.startswith(n + ".") and reaches(n, m, set())
    )
    assert circles == []


def test_alert_planning_runs_no_sql():
    names = _imports(ROOT / "monitor" / "alerts.py")
    assert not {n for n in names if n.startswith(("sqlite_utils", "sqlite3", "storage.db"))}


def test_httpx_is_owned_by_the_fetcher_and_the_alert_sender():
    users = sorted(
        str(p.relative_to(ROOT))
        for pkg in ("scrapers", "storage", "monitor")
        for p in (ROOT / pkg).rglob("*.py")
        if "import httpx" in p.read_text("utf-8")
    )
    assert users == ["monitor/alerts.py", "scrapers/fetch.py"]
