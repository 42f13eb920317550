"""Korean-aware topic matching: every rule, and the sidebar case of the first seed."""

from __future__ import annotations

import pytest

from monitor.config import load_settings
from monitor.topics import Topic, match_topic, match_topics, normalize
from scrapers.extract import extract_article

from .conftest import FIXTURES

AI = Topic("ai", any=("국가 AI 컴퓨팅센터", "아시아·태평양 AI 센터", "National AI Computing Center", "AI"))


def terms(text: str, topic: Topic = AI) -> list[str]:
    m = match_topic(topic, None, text)
    return m.terms if m else []


@pytest.mark.parametrize(
    "text",
    [
        "국가AI컴퓨팅센터",
        "국가 AI 컴퓨팅 센터",
        "국가 AI 컴퓨팅센터를 유치",
        "국가 인공지능 컴퓨팅센터가",
        "국가 인공지능(AI) 컴퓨팅센터에",
        "국가 ＡＩ 컴퓨팅센터",
    ],
)
def test_spacing_particles_fullwidth_and_ai_synonym(text):
    assert "국가 AI 컴퓨팅센터" in terms(text)


@pytest.mark.parametrize("dot", ["·", "ㆍ", "・", "‧", "•", "∙", "", " "])
def test_middle_dot_variants(dot):
    assert "아시아·태평양 AI 센터" in terms(f"포항이 아시아{dot}태평양 AI 센터 유치에 나섰다")


def test_latin_case_insensitive_on_word_boundaries():
    assert "National AI Computing Center" in terms("the national ai computing center bid")
    assert terms("He SAID the MAIL was late") == []
    assert terms("AI는 미래다") == ["AI"]
    assert terms("OpenAI said") == []


def test_all_and_none_rules():
    t = Topic("pohang", any=("AI 데이터센터",), all=("포항",), none=("부고",))
    assert match_topic(t, None, "포항 AI 데이터센터 착공") is not None
    assert match_topic(t, None, "울산 AI 데이터센터 착공") is None
    assert match_topic(t, None, "포항 AI 데이터센터 관계자 부고") is None


def test_snippet_and_counts():
    m = match_topic(
        AI, "제목", "앞 문장입니다. 포항이 국가 AI 컴퓨팅센터를 유치한다. 뒤 문장. 국가AI컴퓨팅센터 두 번째."
    )
    hit = next(h for h in m.hits if h.term == "국가 AI 컴퓨팅센터")
    assert hit.count == 2 and "국가 AI 컴퓨팅센터를" in hit.snippet


def test_normalize_folds_dots_and_width():
    assert normalize("아시아ㆍ태평양　ＡＩ") == "아시아·태평양 AI"


def test_sidebar_only_mention_never_matches():
    topics = load_settings(None, cwd=FIXTURES).topics  # the built-in default topic
    for stem in ("ndsoft_festival_topic_sidebar", "generic_kr_festival_topic_sidebar"):
        page = (FIXTURES / "pages" / f"{stem}.html").read_bytes()
        assert "국가 AI 컴퓨팅센터" in page.decode("utf-8")  # the sidebar does mention it
        art = extract_article(page)
        assert match_topics(topics, art.title, art.body) == []
    art = extract_article((FIXTURES / "pages" / "ndsoft_pohang_apec.html").read_bytes())
    assert [m.topic for m in match_topics(topics, art.title, art.body)] == ["ai-center"]


def test_first_seed_sidebar_headlines_are_not_body(tmp_path):
    from .conftest import shared_path

    seed = shared_path("seeds", "000_6494d4297feb1a2d.txt").read_text("utf-8")
    story, sidebar = seed.split("뉴스댓글 >")
    assert "최신뉴스" in sidebar
    t = Topic("x", any=("벌초 봉사",))  # a sidebar headline's words
    assert match_topic(t, None, sidebar) is not None and match_topic(t, None, story) is None
