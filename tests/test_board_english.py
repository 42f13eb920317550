"""The bid board's English path (monitor/board/english.py): sentences with no Hangul from Korean
outlets' English editions, read as the Korean path's BidClaim values."""

from __future__ import annotations

from datetime import date

import pytest

from monitor.board.claims import extract_claims
from monitor.board.english import find_mentions, romanize
from monitor.board.programs import DEFAULT_PROGRAMS

N, A = "국가 AI 컴퓨팅센터", "아시아·태평양 AI 센터"
PUB = date(2025, 6, 5)  # a Thursday

# official English spellings of cities, counties and districts (city halls' own romanization)
OFFICIAL = {
    "포항": "Pohang",
    "구미": "Gumi",
    "경주": "Gyeongju",
    "안동": "Andong",
    "창원": "Changwon",
    "김해": "Gimhae",
    "수원": "Suwon",
    "용인": "Yongin",
    "나주": "Naju",
    "해남": "Haenam",
    "영암": "Yeongam",
    "무안": "Muan",
    "순천": "Suncheon",
    "여수": "Yeosu",
    "군산": "Gunsan",
    "익산": "Iksan",
    "청주": "Cheongju",
    "천안": "Cheonan",
    "춘천": "Chuncheon",
    "원주": "Wonju",
    "강릉": "Gangneung",
    "울주": "Ulju",
    "광양": "Gwangyang",
    "신안": "Sinan",
    "칠곡": "Chilgok",
    "울릉": "Ulleung",
    "밀양": "Miryang",
    "철원": "Cheorwon",
    "창녕": "Changnyeong",
    "의령": "Uiryeong",
    "평택": "Pyeongtaek",
    "의정부": "Uijeongbu",
    "정읍": "Jeongeup",
    "진안": "Jinan",
    "합천": "Hapcheon",
    "계룡": "Gyeryong",
    "구례": "Gurye",
    "영월": "Yeongwol",
    "횡성": "Hoengseong",
    "종로": "Jongno",
    "해운대": "Haeundae",
    "유성": "Yuseong",
    "새만금": "Saemangeum",
    "신라": "Silla",
    "백마": "Baengma",
}


@pytest.mark.parametrize(("hangul", "official"), OFFICIAL.items())
def test_romanization_gives_the_official_spelling(hangul, official):
    assert romanize(hangul) == official


def claims(text: str, published: date | None = PUB, title: str | None = None):
    return {
        (c.bidder, c.program, c.stage, c.stated)
        for c in extract_claims(title, text, DEFAULT_PROGRAMS, published)
    }


CASES = [
    # 신청, with the date the brief's example gives
    (
        "Pohang submitted its letter of intent for the National AI Computing Center on Feb. 20.",
        {("포항시", N, "신청", "2025-02-20")},
    ),
    (
        "Haenam County filed an application for the national AI computing center on March 3, 2025.",
        {("해남군", N, "신청", "2025-03-03")},
    ),
    (
        "Ulju County entered the contest for the Asia-Pacific AI Center last month.",
        {("울주군", A, "신청", "2025-05")},
    ),
    # two cities in one sentence, each its own stage
    (
        "Gumi applied for the National AI Computing Center in April, while Andong pushed for the "
        "Asia-Pacific AI Center.",
        {("구미시", N, "신청", "2025-04"), ("안동시", A, "추진", None)},
    ),
    (
        "Suncheon and Yeosu jointly submitted a proposal for the National AI Computing Center.",
        {("순천시", N, "신청", None), ("여수시", N, "신청", None)},
    ),
    # 추진
    (
        "Gangneung launched a campaign to bring the National AI Computing Center to the East Sea coast.",
        {("강릉시", N, "추진", None)},
    ),
    (
        "North Chungcheong Province formed a task force for the National AI Computing Center bid.",
        {("충청북도", N, "추진", None)},
    ),
    (
        "Daegu vowed to win the Asia-Pacific AI Center, citing its data infrastructure.",
        {("대구광역시", A, "추진", None)},
    ),
    # a plan or a hope is 추진 at most, said of the one hoping
    ("Wonju plans to apply for the National AI Computing Center next month.", {("원주시", N, "추진", None)}),
    ("Cheonan hopes to be selected for the National AI Computing Center.", {("천안시", N, "추진", None)}),
    ("Busan aims to win the Asia-Pacific AI Center.", {("부산광역시", A, "추진", None)}),
    ("Local business groups hope Gimhae will be selected for the National AI Computing Center.", set()),
    ("Iksan is expected to be chosen for the National AI Computing Center.", set()),
    # 심사
    (
        "South Jeolla Province was shortlisted for the National AI Computing Center on May 12.",
        {("전라남도", N, "심사", "2025-05-12")},
    ),
    (
        "Gunsan passed the first round of evaluation for the National AI Computing Center.",
        {("군산시", N, "심사", None)},
    ),
    # 선정, the winner over the losers
    (
        "Haenam County was selected over Pohang and Gumi to host the National AI Computing Center.",
        {("해남군", N, "선정", None), ("포항시", N, "탈락", None), ("구미시", N, "탈락", None)},
    ),
    (
        "The science ministry picked Gyeongju as the preferred bidder for the Asia-Pacific AI Center on Tuesday.",
        {("경주시", A, "선정", "2025-06-03")},
    ),
    # 탈락 and negation
    ("Changwon was not selected for the National AI Computing Center.", {("창원시", N, "탈락", None)}),
    (
        "Ulsan failed to win the Asia-Pacific AI Center, losing to Gyeongju.",
        {("울산광역시", A, "탈락", None)},
    ),
    (
        "Yongin withdrew its bid for the National AI Computing Center in January.",
        {("용인시", N, "탈락", "2025-01")},
    ),
    ("Naju has not yet been selected for the National AI Computing Center.", set()),
    ("Chuncheon did not apply for the National AI Computing Center.", set()),
    # 후속
    (
        "After winning, Haenam County signed an agreement with Samsung SDS for the National AI Computing Center.",
        {("해남군", N, "후속", None)},
    ),
    (
        "Haenam County broke ground on the National AI Computing Center on June 2.",
        {("해남군", N, "후속", "2025-06-02")},
    ),
    # the two Gwangju
    ("Gwangju applied for the National AI Computing Center.", {("광주광역시", N, "신청", None)}),
    (
        "Gwangju, Gyeonggi Province, applied for the National AI Computing Center.",
        {("경기 광주시", N, "신청", None)},
    ),
    # organisations are not the city
    (
        "Pohang University of Science and Technology submitted a proposal for the National AI Computing Center.",
        set(),
    ),
    (
        "Gwangju Institute of Science and Technology backed the bid for the National AI Computing Center.",
        set(),
    ),
    ("POSTECH and Kyungpook National University applied for the National AI Computing Center.", set()),
    # a locator is not a second bidder; a partner is not a bidder
    (
        "Yeongam, a county in South Jeolla Province, applied for the National AI Computing Center.",
        {("영암군", N, "신청", None)},
    ),
    (
        "Muan applied for the National AI Computing Center together with South Jeolla Province.",
        {("무안군", N, "신청", None)},
    ),
    # an ambiguous name with no province is dropped
    ("Goseong County applied for the National AI Computing Center.", set()),
    # no program, no claim; a conditional is nothing
    ("Pohang submitted an application for a battery cluster.", set()),
    ("If Cheongju is selected for the National AI Computing Center, it will invest more.", set()),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_board_english_sentences(text, expected):
    assert claims(text) == expected


def test_board_english_the_city_carries_and_the_program_comes_from_before():
    text = (
        "Pohang is pushing for the National AI Computing Center. "
        "The city submitted its application on Feb. 20, officials said."
    )
    assert claims(text) == {("포항시", N, "추진", None), ("포항시", N, "신청", "2025-02-20")}


def test_board_english_mixed_article_keeps_the_korean_claims():
    text = (
        "포항시는 국가 AI 컴퓨팅센터 유치 의향서를 제출했다고 20일 밝혔다. Gumi also applied for the center."
    )
    got = claims(text, date(2025, 2, 21))
    assert ("포항시", N, "신청", "2025-02-20") in got
    assert ("구미시", N, "신청", None) in got


def test_board_english_mentions_skip_organisations_and_locators():
    names = [
        m.gov.name for m in find_mentions("Daegu Gyeongbuk Institute of Science and Technology and Andong")
    ]
    assert names == ["안동시"]
    names = [
        m.gov.name for m in find_mentions("Goseong County, Gangwon Province, and Goseong in South Gyeongsang")
    ]
    assert names == ["강원 고성군", "경남 고성군"]
