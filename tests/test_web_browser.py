"""A real browser on the reader: headless Chromium (Debian's package) driven by Playwright.

Loads the stories page, opens a story, opens its diff, runs a Korean search; asserts on what
is visible and writes a screenshot of each page to docs/screenshots/ (shown in the README).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import load_settings

from .conftest import ROOT
from .webutil import APEC_TITLE, HN_TITLE, crawl_demo, serve

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "docs" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="no /usr/bin/chromium: `apt-get install -y chromium` (.ci/run installs it) to run the browser test",
)


@pytest.fixture
def reader(tmp_path):
    # Crawled before the browser starts: Playwright's sync API keeps an event loop in this thread.
    config, site = crawl_demo(tmp_path)
    served = serve(load_settings(config))
    yield served
    served.close()
    site.close()


@pytest.fixture
def browser(reader):
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]' (playwright)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.mark.slow
def test_a_reader_follows_a_story_its_edit_and_a_korean_search(reader, browser):
    served = reader
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="ko-KR")
    page.goto(served.base + "/")
    stories = page.locator("li.story h2")
    assert stories.count() == 3
    assert APEC_TITLE in stories.all_inner_texts()
    assert page.get_by_text("3개 매체").first.is_visible()
    page.screenshot(path=SHOTS / "stories.png", full_page=True)

    page.get_by_role("link", name=HN_TITLE).click()
    page.wait_for_url("**/stories/*")
    assert page.locator("h1").inner_text() == HN_TITLE
    assert page.locator(".lead mark").first.inner_text() == "국가 AI 컴퓨팅센터"
    diff = page.locator("details.versions")
    assert not diff.locator("ins").first.is_visible()  # collapsed until opened
    page.screenshot(path=SHOTS / "story.png", full_page=True)

    diff.locator("summary").click()
    added = diff.locator("ins").first
    assert added.is_visible() and "지난주" in added.inner_text()
    assert "이전" in diff.locator("th").first.inner_text()  # side by side: before | after
    diff.scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "diff.png", full_page=True)

    page.fill("header input[name=q]", "데이터허브")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    hit = page.locator("li.hit").first
    assert APEC_TITLE in hit.locator("h2").inner_text()
    assert hit.locator("mark").first.inner_text() == "데이터허브"
    assert "초광역데이터허브를" in hit.inner_text()
    page.screenshot(path=SHOTS / "search.png", full_page=True)
