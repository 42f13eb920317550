"""Every fixture page against its expectation, and every profile against at least one fixture."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from scrapers.extract import extract_article
from scrapers.models import Hints
from scrapers.profiles import REGISTRY

from .conftest import FIXTURES

PAGES = sorted((FIXTURES / "pages").glob("*.html"))


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def test_fixture_set_is_broad_enough():
    assert len(PAGES) >= 12
    layouts = {p.name.split("_")[0] for p in PAGES}
    assert len(layouts) >= 5, layouts


def _expected(page) -> dict:
    return json.loads((page.parent / f"{page.stem}.expected.json").read_text("utf-8"))


def _hints(expected: dict) -> Hints | None:
    h = expected.get("hints")
    if not h:
        return None
    return Hints(
        title=h.get("title"), published=datetime.fromisoformat(h["published"]) if h.get("published") else None
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_fixture_page(page):
    expected = _expected(page)
    # Extracted WITH the page's URL, as the pipeline does; the extractor is part of the expectation,
    # so a profile page that silently falls back to generic fails here.
    article = extract_article(page.read_bytes(), url=expected["url"], hints=_hints(expected))
    assert article.extractor == expected["extractor"]
    assert article.title == expected["title"]
    assert article.byline == expected["byline"]
    assert article.published == (
        datetime.fromisoformat(expected["published"]) if expected["published"] else None
    )
    assert article.published is None or article.published.tzinfo is not None
    got = [_norm(p) for p in article.body.split("\n\n")]
    want = [_norm(p) for p in expected["body"].split("\n\n")]
    assert got == want
    assert "\ufffd" not in article.body
    if "subtitle" in expected:  # the deck, kept apart from the body
        assert article.subtitle == expected["subtitle"]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_profile_has_a_fixture_that_uses_it(name):
    used = {extract_article(p.read_bytes(), url=_expected(p)["url"]).extractor for p in PAGES}
    assert name in used, f"profile {name} has no fixture page under fixtures/pages/"


def test_sidebar_headlines_never_reach_the_body():
    for stem in ("ndsoft_festival_topic_sidebar", "generic_kr_festival_topic_sidebar"):
        article = extract_article((FIXTURES / "pages" / f"{stem}.html").read_bytes())
        assert "컴퓨팅센터" not in article.body and "AI 센터" not in article.body
        assert "불빛축제" in article.body


def test_redesigned_page_falls_back_to_generic_and_says_so():
    page = (FIXTURES / "pages" / "ndsoft_pohang_apec.html").read_text("utf-8")
    redesigned = page.replace('id="article-view-content-div"', 'id="story-body-2026"').replace(
        "article-veiw-body", "story-wrap"
    )
    article = extract_article(
        redesigned, url="https://www.gbsinmungo.example/news/articleView.html?idxno=41001"
    )
    assert article.extractor == "generic(fallback:ndsoft)"
    assert "아시아·태평양 AI 센터 유치에 나선다" in article.body
    assert "최신뉴스" not in article.body


def test_forced_unknown_profile_is_a_clear_error():
    from scrapers.errors import ExtractionError

    with pytest.raises(ExtractionError, match="unknown extraction profile"):
        extract_article("<html></html>", profile="nope")


def test_empty_and_garbage_pages_give_empty_bodies_not_crashes():
    for html in ("", "<html><body></body></html>", "<<<>>>", b"\x00\xff\xfe garbage", "<p>짧다</p>"):
        article = extract_article(html)
        assert isinstance(article.body, str)


def test_template_syntax_and_script_text_stay_literal():
    html = (
        "<html><body><article><h1>제목입니다 충분히 길게</h1><div class='article_body'>"
        + "<p>{{7*7}} 은 계산되지 않고 그대로 남아야 하는 본문 문장입니다. 이 문장은 충분히 길다.</p>" * 3
        + "<script>alert(1)</script><p>&lt;script&gt;alert(2)&lt;/script&gt; 역시 글자 그대로 남아야 합니다. 충분히 길게 씁니다.</p>"
        + "</div></article></body></html>"
    )
    body = extract_article(html).body
    assert "{{7*7}}" in body and "49" not in body
    assert "<script>alert(2)</script>" in body
    assert "alert(1)" not in body


def test_a_node_matched_by_two_selectors_is_removed_once():
    # Lexbor lists such a node once per matching selector; removing it twice would touch freed memory.
    from selectolax.lexbor import LexborHTMLParser

    from scrapers.html import remove_all

    tree = LexborHTMLParser(
        '<body><nav aria-hidden="true"><script>1</script><a>menu</a></nav>'
        '<p class="caption photo_caption">사진 설명</p><p>본문입니다.</p></body>'
    )
    removed = remove_all(tree.body, "script, nav, [aria-hidden=true], .caption, [class*=caption]")
    assert removed == 3  # the script inside the nav, the nav, the caption
    assert tree.body.text(deep=True) == "본문입니다."


def test_hints_fill_gaps_but_never_override_a_clear_page_value():
    page = FIXTURES / "pages" / "generic_kr_table_layout_hints.html"
    expected = _expected(page)
    bare = extract_article(page.read_bytes(), url=expected["url"])
    assert bare.published is None  # the page prints no time: only the feed knows it
    assert bare.title != "동해신문 :: 지역의 내일을 여는 신문"  # never the slogan <title>
    clear = FIXTURES / "pages" / "generic_en_pohang.html"
    wrong = Hints(title="Some other headline from a stale feed", published=datetime(2020, 1, 1))
    article = extract_article(clear.read_bytes(), url=_expected(clear)["url"], hints=wrong)
    assert article.title == _expected(clear)["title"]
    assert article.published == datetime.fromisoformat(_expected(clear)["published"])


def test_confidence_is_high_for_clean_pages_and_zero_for_empty_ones():
    for page in PAGES:
        article = extract_article(page.read_bytes(), url=_expected(page)["url"])
        assert 0.4 <= article.confidence <= 1.0, (page.stem, article.confidence)
    assert extract_article("<html><body></body></html>").confidence == 0.0
