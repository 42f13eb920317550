"""Issue 17: the bid board's pure parts (gazetteer, stages, claims, fold), its bench floor, the
seeds, the schema migration, and bid.stage_changed in every format and in digests."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bench.board import (
    FIXTURES,
    HELDOUT,
    HELDOUT2,
    HELDOUT3,
    HELDOUT4,
    HELDOUT5,
    HELDOUT6,
    HELDOUT7,
    HELDOUT8,
    HELDOUT9,
    HELDOUT10,
    HELDOUT11,
    HELDOUT12,
    HELDOUT13,
    HELDOUT14,
    HELDOUT15,
    HELDOUT16,
    load,
    score,
)
from monitor.board.anchors import anchored
from monitor.board.claims import _clauses, extract_claims, sentences
from monitor.board.fold import fold_board
from monitor.board.gazetteer import GOVERNMENTS
from monitor.board.mentions import find_mentions
from monitor.board.programs import DEFAULT_PROGRAMS
from monitor.board.stages import (
    _AIMED_PROGRAM,
    _ANNOUNCED,
    _COMPILED,
    _COMPILED_IN_CONTEXT,
    _CONDITIONAL,
    _LOST_PROGRAM,
    _OBJECT_SELECTION,
    _SIDED_WITH,
    _TO_NAMED,
    _TURNED_TO,
    _WON_PROGRAM,
    _WON_THE_NEXT,
)
from monitor.config import parse_settings
from monitor.digest import HeldAlert, assemble_digest
from monitor.formats import FORMATS
from monitor.formats import text as fmt_text
from storage.models import BoardChange, BoardRow, StoredClaim

from .conftest import shared_path

N, A = "국가 AI 컴퓨팅센터", "아시아·태평양 AI 센터"


def triples(text: str, published: date | None = date(2025, 6, 1)) -> set[tuple[str, str, str]]:
    return {(c.bidder, c.program, c.stage) for c in extract_claims(None, text, DEFAULT_PROGRAMS, published)}


def test_the_gazetteer_has_every_local_government():
    metros = [g for g in GOVERNMENTS if g.level == "metro"]
    locals_ = [g for g in GOVERNMENTS if g.level == "local" and g.autonomous]
    assert len(metros) == 17 and len(locals_) == 226
    # 제주's administrative cities are bidders in the news, marked as no government of their own
    assert {g.name for g in GOVERNMENTS if not g.autonomous} == {"제주시", "서귀포시"}
    assert len({g.name for g in GOVERNMENTS}) == len(GOVERNMENTS)  # display names are unique


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("포항시는 의향서를 냈다.", ["포항시"]),
        ("포항공대와 경북대는 참여한다.", []),  # organisations, not the cities
        ("경기 광주시는 신청했다.", ["경기 광주시"]),
        ("광주는 신청했다.", ["광주광역시"]),
        ("대구 중구는 건의했다.", ["대구 중구"]),
        ("중구는 건의했다.", []),  # a 중구 needs its city
        ("경북 포항시가 나섰다.", ["포항시"]),  # the province only locates the city
        ("서귀포시는 제주도와 함께 나섰다.", ["서귀포시", "제주특별자치도"]),
        ("제주시장은 말했다.", ["제주시"]),
        ("대구·경북은 함께 나섰다.", ["대구광역시", "경상북도"]),
    ],
)
def test_mentions_are_resolved_by_context(text, names):
    assert [m.gov.name for m in find_mentions(text, text)] == names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("포항시는 국가 AI 컴퓨팅센터에 최종 선정되길 기대하고 있다.", {("포항시", N, "추진")}),
        ("구미시는 국가 AI 컴퓨팅센터 선정을 목표로 전략을 세웠다.", {("구미시", N, "추진")}),
        ("구미시는 국가 AI 컴퓨팅센터에 선정되지 못했다.", {("구미시", N, "탈락")}),
        (
            "포항시는 국가 AI 컴퓨팅센터 유치를 놓고 광주와 치열한 경쟁을 벌이고 있다.",
            {("포항시", N, "추진")},
        ),
        (
            "포항시는 국가 AI 컴퓨팅센터 의향서를 제출했고, 구미시는 유치 추진위원회를 꾸렸다.",
            {("포항시", N, "신청"), ("구미시", N, "추진")},
        ),
        ("포항공대 연구진은 국가 AI 컴퓨팅센터 유치를 위한 자문에 참여했다.", set()),
        ("과기정통부는 국가 AI 컴퓨팅센터 선정 결과를 다음 달 발표할 예정이다.", set()),
        # pass 2: predicate morphology and clause structure
        ("광양시는 국가 AI 컴퓨팅센터에 최종 선정되지 않았다.", {("광양시", N, "탈락")}),
        ("해남이 국가 AI 컴퓨팅센터를 품으면서 개발이 탄력을 받았다.", {("해남군", N, "선정")}),
        ("세종시는 국가 AI 컴퓨팅센터 공모에 참여하지 않기로 최종 결정했다.", set()),
        (
            "포항공과대학교와 포항시는 국가 AI 컴퓨팅센터 유치를 위한 업무협약을 맺었다.",
            {("포항시", N, "추진")},
        ),
        (
            "최종 선정된 해남군과 달리 포항시는 국가 AI 컴퓨팅센터 유치를 이루지 못했다.",
            {("해남군", N, "선정"), ("포항시", N, "탈락")},
        ),
        ("정부는 국가 AI 컴퓨팅센터 입지로 전남 해남을 확정했다.", {("해남군", N, "선정")}),
        (
            "인천 중구와 동구는 아태 AI 센터 유치를 공동 건의했다.",
            {("인천 중구", A, "추진"), ("인천 동구", A, "추진")},
        ),
        # pass 3: the won bid as a bare verb needs the program as its object
        ("강릉시가 아태 AI 센터를 유치하게 됐다.", {("강릉시", A, "선정")}),
        ("포항시는 국가 AI 컴퓨팅센터 유치를 추진하며 올해 기업 30곳을 유치했다.", {("포항시", N, "추진")}),
        ("국가 AI 컴퓨팅센터를 유치하면 지역 경제에 도움이 될 것이라고 창원시는 밝혔다.", set()),
        # evaluators as the subject, the bidder visited; a shortlist naming its cities
        (
            "국가 AI 컴퓨팅센터 심사위원단은 25일 구미시를 찾아 부지를 점검했다.",
            {("구미시", N, "심사")},
        ),
        (
            "아태 AI 센터 최종 후보에 부산시와 포항시가 이름을 올렸다.",
            {("부산광역시", A, "심사"), ("포항시", A, "심사")},
        ),
        # deliberation, denied intent, postponement: no bid, or only a plan
        ("울산시는 국가 AI 컴퓨팅센터 공모 참여를 신중히 검토하고 있다.", set()),
        ("대전시는 국가 AI 컴퓨팅센터 유치 의사가 전혀 없다고 밝혔다.", set()),
        ("청주시는 국가 AI 컴퓨팅센터 신청서를 제출할 계획은 없다고 말했다.", set()),
        ("김해시는 국가 AI 컴퓨팅센터 신청서 접수를 한 달 뒤로 미뤘다.", {("김해시", N, "추진")}),
        # a document with words before its verb; a past stem + 고 ends the clause
        (
            "광주시는 국가 AI 컴퓨팅센터 사업계획서를 과기정통부에 이날 직접 냈다.",
            {("광주광역시", N, "신청")},
        ),
        (
            "국가 AI 컴퓨팅센터는 해남에 돌아갔고 광주는 쓴잔을 마셨다.",
            {("해남군", N, "선정"), ("광주광역시", N, "탈락")},
        ),
        # an adnominal loss ("쓴잔을 든 X와 달리") is said of the name it modifies
        (
            "국가 AI 컴퓨팅센터 유치에서 쓴잔을 든 광주와 달리 해남군은 착공 준비에 한창이다.",
            {("광주광역시", N, "탈락")},
        ),
        # pass 4: failure idioms, rounds passed, the program going to a city, works under way
        ("경산시는 국가 AI 컴퓨팅센터 예비 후보 명단에 끝내 들지 못했다.", {("경산시", N, "탈락")}),
        ("문경시의 아태 AI 센터 유치 구상은 결국 수포로 돌아갔다.", {("문경시", A, "탈락")}),
        ("영주시는 아태 AI 센터 2차 평가에서 미끄러졌다.", {("영주시", A, "탈락")}),
        ("칠곡군은 국가 AI 컴퓨팅센터 공모 참여를 결국 포기했다.", {("칠곡군", N, "탈락")}),
        ("아태 AI 센터를 울산에 내준 창원시는 후속 대책 마련에 나섰다.", {("창원시", A, "탈락")}),
        ("국가 AI 컴퓨팅센터를 놓친 김해시는 데이터센터 특구로 눈을 돌렸다.", {("김해시", N, "탈락")}),
        ("거제시는 국가 AI 컴퓨팅센터 서면평가 문턱을 넘어서지 못했다.", {("거제시", N, "탈락")}),
        ("통영시는 국가 AI 컴퓨팅센터 1차 관문을 통과했다.", {("통영시", N, "심사")}),
        ("아태 AI 센터 유치전이 목포시와 여수시로 좁혀졌다.", {("목포시", A, "심사"), ("여수시", A, "심사")}),
        (
            "국가 AI 컴퓨팅센터 서면평가를 통과한 곳은 춘천시, 강릉시 등이다.",
            {("춘천시", N, "심사"), ("강릉시", N, "심사")},
        ),
        ("평가단은 2일 오전 전주시가 마련한 후보 부지를 꼼꼼히 점검했다.", set()),  # no program
        ("아태 AI 센터가 대전으로 가면서 세종시는 아쉬움을 삼켰다.", {("대전광역시", A, "선정")}),
        ("포항시장은 국가 AI 컴퓨팅센터 유치를 위해 세종으로 갔다.", {("포항시", N, "추진")}),
        ("정부는 결국 원주시의 손을 들어 국가 AI 컴퓨팅센터 입지로 확정했다.", {("원주시", N, "선정")}),
        ("순천시가 아태 AI 센터 유치로 최종 결정되자 시민들이 환호했다.", {("순천시", A, "선정")}),
        ("목포시는 아태 AI 센터 부지 매입 절차에 들어갔다.", {("목포시", A, "후속")}),
        ("목포시는 아태 AI 센터 유치를 위한 협력체계 구축에 들어갔다.", {("목포시", A, "추진")}),
        ("목포 아태 AI 센터 준공식은 내년 3월로 계획돼 있다.", set()),
        ("충남 서북부권 시군은 국가 AI 컴퓨팅센터 유치에 한목소리를 냈다.", set()),
        ("대구시는 국가 AI 컴퓨팅센터 신청서 제출을 사흘 앞두고 있다.", {("대구광역시", N, "추진")}),
        ("김해시는 아태 AI 센터 유치전에서 승리했다.", {("김해시", A, "선정")}),
        ("밀양시의 국가 AI 컴퓨팅센터 유치는 전력 문제로 좌초됐다.", {("밀양시", N, "탈락")}),
        ("사천시는 국가 AI 컴퓨팅센터 최종 후보 3곳에 포함됐다.", {("사천시", N, "심사")}),
        ("사천시는 국가 AI 컴퓨팅센터 서면평가에서 끝내 제외됐다.", {("사천시", N, "탈락")}),
        # pass 5: losses as ranks, idioms, rounds that stopped a bid; withdrawal adverbs
        ("아태 AI 센터 결선에서 목포시는 간발의 차로 3위에 머물렀다.", {("목포시", A, "탈락")}),
        ("당진시의 국가 AI 컴퓨팅센터 유치는 사실상 물 건너갔다.", {("당진시", N, "탈락")}),
        ("서산시는 아태 AI 센터를 천안에 넘겨주게 됐다.", {("서산시", A, "탈락")}),
        ("영덕군은 국가 AI 컴퓨팅센터 2차 관문에서 주저앉았다.", {("영덕군", N, "탈락")}),
        ("울진군은 아태 AI 센터 공모 신청을 돌연 철회했다.", {("울진군", A, "탈락")}),
        ("평택시는 국가 AI 컴퓨팅센터 유치 경쟁에서 화성시에 패했다.", {("평택시", N, "탈락")}),
        # takers, copulas, gapped conjuncts, an active choice with a role
        (
            "아태 AI 센터는 울산이, 국가 AI 컴퓨팅센터는 춘천이 나란히 가져갔다.",
            {("울산광역시", A, "선정"), ("춘천시", N, "선정")},
        ),
        ("국가 AI 컴퓨팅센터 경쟁의 주인공은 끝내 원주시였다.", {("원주시", N, "선정")}),
        ("위원회는 여수시를 아태 AI 센터 최종 유치 도시로 뽑았다.", {("여수시", A, "선정")}),
        ("구미시가 아태 AI 센터를 차지할 수 있을지 주목된다.", set()),
        ("정부는 국가 AI 컴퓨팅센터 선정 방식을 결정했다.", set()),
        # shortlists entered or remained in, finalists facing off, the evaluators' marks
        ("안동시는 아태 AI 센터 최종 후보 명단에 들어 발표를 준비하고 있다.", {("안동시", A, "심사")}),
        ("최종 후보로 남은 삼척시는 국가 AI 컴퓨팅센터 면접 심사에 나선다.", {("삼척시", N, "심사")}),
        (
            "아태 AI 센터 심사단은 울산시의 전력 계획에 후한 점수를 줬다.",
            {("울산광역시", A, "심사")},
        ),
        # conditions said by the bidder, not by onlookers; the operator and works after a win
        ("군산시는 아태 AI 센터에 선정될 경우 새만금과 연계하겠다고 밝혔다.", {("군산시", A, "추진")}),
        ("전문가들은 군산이 아태 AI 센터에 선정되면 효과가 크다고 봤다.", set()),
        ("울산시는 아태 AI 센터를 운영할 재단을 공식 출범시켰다.", {("울산광역시", A, "후속")}),
        ("춘천시는 국가 AI 컴퓨팅센터 기반시설 공사를 발주했다.", {("춘천시", N, "후속")}),
        ("춘천시는 국가 AI 컴퓨팅센터 착공식을 내년 봄 열 예정이다.", set()),
        (
            "세종시는 국가 AI 컴퓨팅센터 유치 가능성을 따지는 연구용역을 발주했다.",
            {("세종특별자치시", N, "추진")},
        ),
        # a cue ending in a connective is done: what follows is the next predicate, not its plan
        ("포천시는 국가 AI 컴퓨팅센터 1차 평가를 통과해 결과 발표를 기다린다.", {("포천시", N, "심사")}),
        ("김제시는 국가 AI 컴퓨팅센터 공모에 신청하고 결과를 기다리고 있다.", {("김제시", N, "신청")}),
        # pass 7: a decision to bid named as a noun is 추진, its withdrawal a loss
        ("대전시는 국가 AI 컴퓨팅센터 공모 참여를 확정했다.", {("대전광역시", N, "추진")}),
        ("울산시는 아태 AI 센터 공모 참여를 백지화했다.", {("울산광역시", A, "탈락")}),
        # the program turned to, only when it is the program ("데이터센터 유치로" is not)
        ("원주시는 국가 AI 컴퓨팅센터에서 탈락한 뒤 반도체 유치로 눈을 돌렸다.", {("원주시", N, "탈락")}),
        # "만" among a set: the others missed the round
        (
            "1차 심사에 오른 부산시와 울산시 가운데 부산시만 아태 AI 센터 최종 후보에 올랐다.",
            {("부산광역시", A, "심사"), ("울산광역시", A, "심사"), ("울산광역시", A, "탈락")},
        ),
        # the member of a chosen consortium; a name joined to the subject is no object
        (
            "정부는 해남군이 주도한 컨소시엄을 국가 AI 컴퓨팅센터 우선협상대상자로 선정했다.",
            {("해남군", N, "선정")},
        ),
        (
            "대구시와 경북도는 아태 AI 센터 공동 유치를 위한 협약서를 채택했다.",
            {("대구광역시", A, "추진"), ("경상북도", A, "추진")},
        ),
        # a plan dated ahead states nothing; an onlooker's "와야 한다" is no bid
        ("해남군은 국가 AI 컴퓨팅센터 2단계 증설 공사를 내년 3월 시작한다.", set()),
        ('상공회의소는 "아태 AI 센터는 대구에 와야 한다"고 밝혔다.', set()),
        ('대구시 관계자는 "국가 AI 컴퓨팅센터 공모에 뛰어들지는 지침을 보고 판단하겠다"고 말했다.', set()),
    ],
)
def test_stage_traps(text, expected):
    assert triples(text) == expected


def test_anchors_are_required_strings():
    assert anchored(r"(?:최종\s?)?후보(?:지|군)?(?:로|에)\s?압축").anchors == (("압축",), ("후보",))
    assert anchored(r"(?:고배|쓴잔)(?:를|을)?").anchors == (("고배", "쓴잔"),)
    assert anchored(r"(?:를|\s)?(?:\S+\s){0,2}(?:따냈|품었)").anchors == (("따냈", "품었"),)
    assert anchored(r"(?:\S+\s)?[23]배").anchors == (("배",),)
    assert anchored(r"(?:x|\s)").anchors == ()  # a branch without a literal: always run
    # every required set gates the pattern, not only the longest: "유치" alone does not run it
    gate = anchored(r"유치(?:를|을)?\s?(?:철회|포기)")
    assert gate.anchors == (("유치",), ("철회", "포기"))
    assert list(gate.finditer("포항시는 유치를 추진했다")) == []


def test_anchored_cues_find_what_the_plain_patterns_find():
    clauses = [
        c
        for path in (
            None,
            HELDOUT,
            HELDOUT2,
            HELDOUT3,
            HELDOUT4,
            HELDOUT5,
            HELDOUT6,
            HELDOUT7,
            HELDOUT8,
            HELDOUT9,
            HELDOUT10,
            HELDOUT11,
            HELDOUT12,
            HELDOUT13,
            HELDOUT14,
            HELDOUT15,
            HELDOUT16,
        )
        for item in (load() if path is None else load(path))
        for sent in sentences(item.get("title"), item["text"])
        for _, c in _clauses(sent)
    ]
    patterns = [p for compiled in (_COMPILED, _COMPILED_IN_CONTEXT) for ps in compiled.values() for p in ps]
    patterns += [
        _OBJECT_SELECTION,
        _WON_PROGRAM,
        _LOST_PROGRAM,
        _TO_NAMED,
        _SIDED_WITH,
        _CONDITIONAL,
        _AIMED_PROGRAM,
        _TURNED_TO,
        _WON_THE_NEXT,
        _ANNOUNCED,
    ]
    for p in patterns:
        for clause in clauses:
            assert [m.span() for m in p.finditer(clause)] == [m.span() for m in p.pattern.finditer(clause)]


def test_a_recap_is_dated_by_its_own_words_and_the_publish_year():
    claims = extract_claims(
        None,
        "전남도는 지난해 12월 국가 AI 컴퓨팅센터 유치 추진단을 발족했다.",
        DEFAULT_PROGRAMS,
        date(2025, 1, 10),
    )
    assert [(c.stage, c.stated) for c in claims] == [("추진", "2024-12")]


# Floors a little below what bench.board measures (pass 6: every set tuned on, 1.0/1.0 but
# held-out 5 R 0.990; held-out 7 was P 0.946 R 0.875 and held-out 8, written by someone who never
# read the rules, P 0.866 R 0.866 (0.928 / 0.874 once its gold kept every stated stage) before
# pass 6 looked at them; all nine together P 1.000 R 0.998). Pass 7: held-out 9, written by
# someone who never read the rules, P 0.917 R 0.792 when measured once (0.898 / 0.789 on its gold
# brought to the convention), then tuned on: 1.000 / 1.000; all ten together P 1.000 R 0.999.
# Pass 8: held-out 10 (P 0.851 R 0.740 measured once; 0.842 / 0.750 on its gold brought to the
# convention) tuned on: P 0.992 R 0.969, every other set unchanged.
@pytest.mark.parametrize(
    ("path", "p_floor", "r_floor"),
    [
        (None, 0.97, 0.97),
        (HELDOUT, 0.95, 0.95),
        (HELDOUT2, 0.95, 0.95),
        (HELDOUT3, 0.95, 0.95),
        (HELDOUT4, 0.97, 0.97),
        (HELDOUT5, 0.97, 0.96),
        (HELDOUT6, 0.97, 0.97),
        (HELDOUT7, 0.97, 0.97),
        (HELDOUT8, 0.97, 0.97),  # written independently of the rules: P 0.866 R 0.866 when first measured
        (HELDOUT9, 0.97, 0.97),  # likewise, after pass 6: P 0.917 R 0.792 when first measured
        # likewise, after pass 7: P 0.851 R 0.740 once; pass 8: 0.992 / 0.969; pass 9 (h10-28 and
        # h10-35 given their stated 심사): 0.992 / 0.977
        (HELDOUT10, 0.97, 0.95),
        # likewise, after pass 8: P 0.907 R 0.778 once (0.917 / 0.792 on its gold brought to the
        # convention); pass 9 tuned on it: 1.000 / 0.960
        (HELDOUT11, 0.97, 0.94),
        # likewise, after pass 9: P 0.950 R 0.870 once; pass 11 tuned on it: 1.000 / 0.992
        (HELDOUT12, 0.98, 0.97),
        # likewise, after pass 11: P 0.900 R 0.760 once; pass 12 tuned on it: 0.944 / 0.877
        (HELDOUT13, 0.93, 0.86),
        # likewise, after pass 12: P 0.943 R 0.879 once; pass 13 tuned on it: 1.000 / 0.970
        (HELDOUT14, 0.98, 0.95),
        # likewise, after pass 13: P 0.989 R 0.797 once; with the English path (written without
        # reading it): 0.981 / 0.881
        (HELDOUT15, 0.95, 0.85),
        (HELDOUT16, 0.91, 0.77),  # likewise, after pass 14: P 0.943 R 0.804 once (not tuned on)
    ],
)
def test_claim_extraction_holds_its_bench_floor(path, p_floor, r_floor):
    items = load() if path is None else load(path)
    assert len(items) >= (80 if path is None else 20)
    s = score(items)
    assert s.precision >= p_floor and s.recall >= r_floor, (s.precision, s.recall, s.errors)
    stages = {g[2] for i in items for g in i["gold"]}
    if path is None:
        assert stages == {"추진", "신청", "심사", "선정", "탈락", "후속"}
        assert s.dates_right == s.dates_stated


def test_the_sets_together_hold_their_floor():
    sets = (FIXTURES, HELDOUT, HELDOUT2, HELDOUT3, HELDOUT4, HELDOUT5, HELDOUT6, HELDOUT7, HELDOUT8, HELDOUT9)
    s = score([i for p in sets for i in load(p)])
    assert s.precision >= 0.98 and s.recall >= 0.98, (s.precision, s.recall)  # all tuned on


def test_the_seeds_give_their_bids():
    first = shared_path("seeds", "000_6494d4297feb1a2d.txt").read_text("utf-8")
    second = shared_path("seeds", "004_3aee18f808fafb14.txt").read_text("utf-8")
    claims = extract_claims(None, first, DEFAULT_PROGRAMS, date(2025, 3, 27))  # its byline's date
    applied = [c for c in claims if (c.bidder, c.program, c.stage) == ("포항시", N, "신청")]
    assert applied and applied[0].stated == "2025-02" and "의향서" in applied[0].evidence
    assert ("포항시", A, "추진") in {
        (c.bidder, c.program, c.stage) for c in extract_claims(None, second, DEFAULT_PROGRAMS, None)
    }


def _claim(
    stage: str, article: int, reported: str, stated: str | None = None, outlet: str = "a"
) -> StoredClaim:
    return StoredClaim(
        N, "포항시", stage, f"문장 {article}", stated, article, f"http://x/{article}", None, outlet, reported
    )


def test_fold_takes_the_furthest_stage_since_its_first_report():
    rows = fold_board(
        [
            _claim("추진", 1, "2025-01-05"),
            _claim("신청", 3, "2025-03-01", outlet="b"),
            _claim("신청", 2, "2025-03-27", stated="2025-02"),
            _claim("추진", 4, "2025-04-01"),
        ],
        DEFAULT_PROGRAMS,
    )
    assert len(rows) == 1
    r = rows[0]
    assert (r.stage, r.since, r.article_id, r.articles, r.outlets, r.last_mention) == (
        "신청",
        "2025-02",
        2,
        4,
        2,
        "2025-04-01",
    )
    # 선정 and 탈락 share a rank: the later report decides
    assert (
        fold_board([_claim("탈락", 1, "2025-06-01"), _claim("선정", 2, "2025-06-20")], DEFAULT_PROGRAMS)[
            0
        ].stage
        == "선정"
    )


def test_the_deciding_claims_fold_to_the_rows_all_the_claims_fold_to(tmp_path):
    """Storage hands the fold only the earliest and latest claim of each pair and stage, with
    the pairs' counts from SQL: the rows must be those of folding every claim."""
    import random

    from storage.board import claims_for, deciding_claims, replace_claims
    from storage.db import open_db
    from storage.models import BidClaim

    db = open_db(tmp_path / "b.db")
    rng = random.Random(7)
    stages = ["추진", "신청", "심사", "선정", "탈락"]
    for a in range(1, 121):
        day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        db.execute(
            "INSERT INTO articles(id, canonical_url, url, source, published, body, site_name, content_hash, "
            "first_seen, updated_at) VALUES (?, ?, ?, 's', ?, 'b', ?, ?, '2025-01-01', '2025-01-01')",
            (
                a,
                f"http://x/{a}",
                f"http://x/{a}",
                day if a % 5 else None,
                rng.choice(["o1", "o2", None]),
                str(a),
            ),
        )
        claims = [
            BidClaim(N, bidder, stage, "e", rng.choice([None, None, f"2024-{rng.randint(1, 12):02d}"]))
            for bidder in rng.sample(["포항시", "구미시", "해남군"], rng.randint(1, 2))
            for stage in rng.sample(stages, rng.randint(1, 2))
        ]
        replace_claims(db, a, tuple(claims), datetime(2025, 1, 1, tzinfo=UTC))
    every = fold_board(claims_for(db), DEFAULT_PROGRAMS)
    assert {r.outlet for r in every} <= {"o1", "o2", "s"} and all(
        r.last_mention.startswith("2025") for r in every
    )
    pairs = {(N, b) for b in ("포항시", "구미시", "해남군")}
    deciding, counts = deciding_claims(db, pairs)
    assert len(deciding) < len(claims_for(db)) / 3
    assert fold_board(deciding, DEFAULT_PROGRAMS, counts) == every
    claims, pair_counts = deciding_claims(db, {(N, "구미시")})
    assert fold_board(claims, DEFAULT_PROGRAMS, pair_counts) == [r for r in every if r.bidder == "구미시"]


def test_programs_config_defaults_and_is_editable():
    assert parse_settings("", environ={}).programs == DEFAULT_PROGRAMS
    text = Path(__file__).resolve().parents[1].joinpath("monitor", "default.toml").read_text("utf-8")
    assert parse_settings(text, environ={}).programs == DEFAULT_PROGRAMS
    own = parse_settings('[[programs]]\nname = "AI 데이터센터"\nstages = ["추진", "선정/탈락"]\n', environ={})
    assert own.programs[0].ranks == {"추진": 1, "선정": 2, "탈락": 2}
    with pytest.raises(Exception, match="stage"):
        parse_settings('[[programs]]\nname = "X 센터"\nstages = ["추진", "당선"]\n', environ={})


def _change() -> BoardChange:
    row = BoardRow(
        N,
        "포항시",
        "신청",
        "2025-02",
        "포항시는 의향서를 제출했다.",
        7,
        "https://n.example/7",
        "제목",
        "뉴스스텝",
        1,
        1,
        "2025-03-27",
    )
    return BoardChange(N, "포항시", "추진", "신청", row)


def test_bid_stage_changed_renders_in_every_format():
    from monitor.alerts import bid_payload_data

    payload = {"type": "bid.stage_changed", "data": bid_payload_data(_change())}
    now = datetime(2025, 3, 27, tzinfo=UTC)
    for name, fmt in FORMATS.items():
        if name == "email":
            from monitor.formats.email import html

            body = html(payload, "Asia/Seoul")
        else:
            body = fmt.render(payload, now).decode("utf-8")
        assert "포항시" in body and "신청" in body, name
    assert (
        fmt_text.subject(payload, "Asia/Seoul")
        == "[AI 센터] 유치 단계 변경 · 포항시 · 국가 AI 컴퓨팅센터: 추진 → 신청"
    )
    data = json.loads(FORMATS["json"].render(payload, now))["data"]["bid"]
    assert (data["bidder"], data["program"], data["from"], data["to"]) == ("포항시", N, "추진", "신청")


def test_a_digest_has_a_board_changes_section():
    from monitor.alerts import bid_payload_data

    held = [
        HeldAlert(
            "bid.stage_changed", N, None, {"type": "bid.stage_changed", "data": bid_payload_data(_change())}
        )
    ]
    digest = assemble_digest(
        held,
        {},
        webhook="w",
        schedule="daily 08:00",
        timezone="Asia/Seoul",
        since=None,
        until=datetime(2025, 3, 28, tzinfo=UTC),
        include_joins=False,
    )
    assert digest["data"]["counts"]["board"] == 1 and digest["data"]["board"][0]["bidder"] == "포항시"
    title, body = fmt_text.markdown(digest, "Asia/Seoul")
    assert "유치 단계 변경 1건" in title and "## 유치 현황 변경" in body and "추진 → 신청" in body
    assert "유치 현황 변경" in fmt_text.plain(digest, "Asia/Seoul")


def _file_at_version(path, version: int):
    """A database file as schema `version` left it (an older program's), still open."""
    import sqlite3

    import sqlite_utils

    from storage.db import MIGRATIONS

    conn = sqlite3.connect(path)
    for v in range(1, version + 1):
        for stmt in MIGRATIONS[v]:
            if isinstance(stmt, str):
                conn.execute(stmt)
            else:
                stmt(sqlite_utils.Database(conn))
    conn.execute(f"PRAGMA user_version = {version}")
    return conn


def test_schema_8_migrates_a_version_7_file(tmp_path):
    from storage.db import SCHEMA_VERSION, open_db

    path = tmp_path / "old.db"
    conn = _file_at_version(path, 7)
    conn.commit()
    conn.close()
    db = open_db(path)
    assert SCHEMA_VERSION >= 8 and db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert {"bid_claims", "bid_board"} <= set(db.table_names())


def test_schema_10_copies_each_claims_report_date_and_outlet(tmp_path):
    from storage.db import open_db

    path = tmp_path / "old.db"
    conn = _file_at_version(path, 9)
    conn.execute(
        "INSERT INTO articles(id, canonical_url, url, source, published, body, site_name, content_hash, first_seen, "
        "updated_at) VALUES (1, 'u', 'u', 'feed', '2025-02-03T09:00:00+09:00', 'b', NULL, 'h', '2025-02-04', 'x')"
    )
    conn.execute(
        "INSERT INTO bid_claims(article_id, program, bidder, stage, evidence, created_at) "
        "VALUES (1, 'N', '포항시', '신청', 'e', 'x')"
    )
    conn.commit()
    conn.close()
    db = open_db(path)
    assert db.execute("SELECT reported, outlet FROM bid_claims").fetchall() == [("2025-02-03", "feed")]


def test_a_subject_does_not_leak_across_a_bound_noun_connective_and_others_hope_is_nothing():
    def triples(text: str) -> set[tuple[str, str]]:
        return {(c.bidder, c.stage) for c in extract_claims(None, text, DEFAULT_PROGRAMS, date(2025, 3, 1))}

    assert triples("화성시가 국가 AI 컴퓨팅센터 의향서를 제출한 데 이어 평택시도 유치추진단을 꾸렸다.") == {
        ("화성시", "신청"),
        ("평택시", "추진"),
    }
    assert triples("지역 상공계는 국가 AI 컴퓨팅센터에 포항이 선정되기를 희망한다고 밝혔다.") == set()
    assert triples("포항시는 국가 AI 컴퓨팅센터에 선정되기를 기대하고 있다.") == {("포항시", "추진")}
    assert triples(
        "경쟁한 구미시와 비교해 전력 여건이 앞선 밀양시가 국가 AI 컴퓨팅센터 사업지로 뽑혔다."
    ) == {("밀양시", "선정")}
    quote = '"국가 AI 컴퓨팅센터 유치 신청서를 오늘 냈습니다." 박형준 부산시장은 이같이 밝혔다.'
    assert triples(quote) == {("부산광역시", "신청")}


def test_pass_9_a_dropped_subject_a_subordinate_winner_and_dates_said_once():
    def got(text: str, title: str | None = None) -> set[tuple]:
        claims = extract_claims(title, text, DEFAULT_PROGRAMS, date(2025, 10, 30))
        return {(c.bidder, c.program, c.stage, c.stated) for c in claims}

    # a sentence naming no one and no subject of its own goes on about the last one's topic
    assert got(
        "김천시는 지난 2월 아태 AI 센터 유치 의향서를 냈다. 5월에는 현장 실사를 받았지만 최종 발표에서 선정되지 못했다."
    ) == {("김천시", A, "신청", "2025-02"), ("김천시", A, "심사", "2025-05"), ("김천시", A, "탈락", None)}
    assert got("김천시는 아태 AI 센터 유치 의향서를 냈다. 정부는 다음 달 현장 실사를 벌인다.") == {
        ("김천시", A, "신청", None)
    }
    # a winner as the subject of "-면서" leaves the main clause to the topic; the result's day
    assert got(
        "충주시는 국가 AI 컴퓨팅센터 최종 3곳에 남았지만, 29일 발표된 결과에서 전남도가 최종 승자가 되면서 고개를 숙였다."
    ) == {
        ("충주시", N, "심사", None),
        ("충주시", N, "탈락", "2025-10-29"),
        ("전라남도", N, "선정", "2025-10-29"),
    }
    # a site named with its city is the rival a bid lost to; the effort paid off is a selection
    assert got("창원시는 아태 AI 센터 입지 평가에서 김해 진영 부지에 밀렸다.") == {
        ("창원시", A, "탈락", None)
    }
    assert got("나주시의 국가 AI 컴퓨팅센터 유치 노력이 마침내 결실을 맺었다.") == {
        ("나주시", N, "선정", None)
    }
    # an evaluation held somewhere, dated once, then who took part
    assert got(
        "아태 AI 센터 발표평가가 12일 부산에서 진행됐다. 1차 평가를 통과한 경주시와 울산시가 차례로 발표자로 나섰다."
    ) == {("경주시", A, "심사", "2025-10-12"), ("울산광역시", A, "심사", "2025-10-12")}
    # a will is no fact; the site a company proposes is no bidder; "시는" may be a metro city
    assert got('목포시장은 "아태 AI 센터 착공에 힘쓰겠다"고 말했다.') == set()
    assert got("운영사는 경북 구미를 국가 AI 컴퓨팅센터 입지로 제안했다.") == set()
    assert got("대전시가 아태 AI 센터 유치에 나섰다. 시는 최근 유치 신청서를 정부에 냈다.") == {
        ("대전광역시", A, "추진", None),
        ("대전광역시", A, "신청", None),
    }
    # a headline's bare noun; dates by the statement and across a chain of connectives
    assert got("시는 새만금 부지를 강점으로 내세웠다.", "익산시, 국가 AI 컴퓨팅센터 유치 신청") == {
        ("익산시", N, "신청", None)
    }
    assert got("강릉시는 국가 AI 컴퓨팅센터 유치를 포기하기로 했다고 21일 밝혔다.") == {
        ("강릉시", N, "탈락", "2025-10-21")
    }
    assert got("충남도와 당진시는 26일 항만 부지를 앞세워 국가 AI 컴퓨팅센터 공모에 공동 응모했다.") == {
        ("충청남도", N, "신청", "2025-10-26"),
        ("당진시", N, "신청", "2025-10-26"),
    }


# the program named, then a sentence whose idiom is about something else
_BID = "포항시는 국가 AI 컴퓨팅센터 유치를 추진하고 있다. "
_BID_G = "거제시는 아태 AI 센터 유치에 나섰다. "


@pytest.mark.parametrize(
    "text",
    [
        # the review's probes: an idiom with no competition in its sentence states no stage
        _BID + '포항시 관계자가 웃으며 "오늘은 날씨가 좋다"고 말했다.',
        _BID + "포항시장은 행사 준비 소홀에 대해 시민들에게 고개를 숙였다.",
        _BID + "포항시는 도민체육대회에서 경주시에 밀렸다.",
        _BID + "포항시는 민원 서류가 반려됐다고 밝혔다.",
        _BID + "포항시의 기업 유치 노력이 결실을 맺었다.",
        # the same kind, other words and cities
        _BID_G + "거제시는 올해 전국체전에서 고배를 마셨다.",
        _BID_G + "거제시의 관광객 유치 성과를 거뒀다는 평이다.",
        _BID_G + "거제시가 활짝 웃었다.",
        _BID_G + "거제시는 프로축구 리그에서 2위에 그쳤다.",
        _BID_G + "거제시장은 추경 예산 심의에서 시의회에 뒤졌다.",
        _BID_G + "거제시는 조선업 불황으로 빈손이 됐다.",
    ],
)
def test_an_idiom_states_a_stage_only_in_the_competition(text):
    assert triples(text) - {("포항시", N, "추진"), ("거제시", A, "추진")} == set()


@pytest.mark.parametrize(
    "text, expected",
    [
        # the intended readings: the competition named in the sentence
        (_BID + "포항시는 유치전에서 경주시에 밀렸다.", ("포항시", N, "탈락")),
        (_BID + "포항시는 국가 AI 컴퓨팅센터 공모에서 고배를 마셨다.", ("포항시", N, "탈락")),
        (_BID + "포항시의 유치 신청서가 반려됐다.", ("포항시", N, "탈락")),
        (_BID_G + "거제시는 아태 AI 센터 평가에서 고개를 숙였다.", ("거제시", A, "탈락")),
        (_BID_G + "거제시의 유치 노력이 결실을 맺었다.", ("거제시", A, "선정")),
        # the call's result told the sentence before ("해남을 낙점했다. 충북은 고배를 마셨다")
        (
            "정부는 국가 AI 컴퓨팅센터 입지로 해남군을 최종 낙점했다. 막판까지 경합한 청주시는 쓴잔을 들었다.",
            ("청주시", N, "탈락"),
        ),
    ],
)
def test_an_idiom_still_states_its_stage_in_the_competition(text, expected):
    assert expected in triples(text)


def test_shared_vocabulary_has_one_home():
    # mentions.py reads the site a bidder pitched with cues.py's words, 앞세웠/내세웠 included
    from monitor.board import claims, cues, mentions, stages

    assert mentions._PITCHED.pattern.endswith(cues.PITCHED)
    assert claims._SITE_PROPOSED.pattern == cues.SITE_PROPOSED
    assert stages._INTERNAL.pattern.startswith(cues.INTERNAL_CANDIDATE)
    assert [m.gov.name for m in find_mentions("강원도는 춘천을 앞세웠다.")] == ["강원특별자치도"]


def test_pass_11_sites_members_plans_and_rounds_behind_a_choice():
    def got(text: str, title: str | None = None) -> set[tuple]:
        claims = extract_claims(title, text, DEFAULT_PROGRAMS, date(2025, 10, 30))
        return {(c.bidder, c.program, c.stage, c.stated) for c in claims}

    # a county named bare as the site of its province's bid: the province's claim, with its day
    assert got(
        "국가 AI 컴퓨팅센터 착공식이 5일 구미 산동 부지에서 열렸다. 경북도는 2028년 완공을 목표로 공사에 들어갔다고 밝혔다."
    ) == {("경상북도", N, "후속", "2025-10-05")}
    assert got("국가 AI 컴퓨팅센터 착공식이 5일 구미 산동 부지에서 열렸다.") == {
        ("구미시", N, "후속", "2025-10-05")
    }
    assert got("경북도와 구미시, LG CNS 컨소시엄은 국가 AI 컴퓨팅센터 제안서를 냈다.") == {
        ("경상북도", N, "신청", None),
        ("구미시", N, "신청", None),
    }
    # the day before the article; a plan next month or in a half of next year is no stage yet
    assert got("정부는 전날 구미시를 국가 AI 컴퓨팅센터 입지로 확정했다고 발표했다.") == {
        ("구미시", N, "선정", "2025-10-29")
    }
    assert got("김해시는 다음 달 아태 AI 센터 유치 의향서를 내고 전담 조직도 보강하기로 했다.") == {
        ("김해시", A, "추진", None)
    }
    assert got(
        "김해시는 아태 AI 센터 유치에 성공했다. 시는 내년 상반기 운영 협약을 체결하고 2027년 문을 연다."
    ) == {("김해시", A, "선정", None)}
    # the round as the setting of the loss dates both; a filing between still blocks
    assert got("청주시는 지난달 서면평가에서 탈락해 국가 AI 컴퓨팅센터 유치가 무산됐다.") >= {
        ("청주시", N, "탈락", "2025-09")
    }
    assert ("김천시", A, "심사", None) in got(
        "김천시는 지난 4월 아태 AI 센터 의향서를 제출한 데다 현장 실사를 받았다."
    )
    # a decision taken on the day written between
    assert got("구미시와 김천시는 아태 AI 센터 공동 유치에 나서기로 14일 합의했다.") == {
        ("구미시", A, "추진", "2025-10-14"),
        ("김천시", A, "추진", "2025-10-14"),
    }
    assert got("구미시와 김천시는 아태 AI 센터 공동 유치에 나서기로 했다.") == {
        ("구미시", A, "추진", None),
        ("김천시", A, "추진", None),
    }
    # vying over the bid, joining the race as a noun; a rival compared in passing is none
    assert got("충북에서는 청주시와 충주시가 국가 AI 컴퓨팅센터 유치를 놓고 격돌했다.") == {
        ("청주시", N, "추진", None),
        ("충주시", N, "추진", None),
    }
    assert got("전북에서는 군산시에 이어 익산시도 아태 AI 센터 유치전 합류를 공식화했다.") >= {
        ("익산시", A, "추진", None)
    }
    assert got(
        "국가 AI 컴퓨팅센터 유치를 두고 경쟁한 청주시와 비교해 전력에서 앞선 구미시가 최종 선정됐다."
    ) == {("구미시", N, "선정", None)}
    # a member of the subject's body is no bidder; the member of a chosen consortium is
    assert got(
        "시는 유치 전략을 발표하고, 경남도와 지역 대학이 참여하는 유치위원회를 꾸리기로 했다.",
        "김해시, 아태 AI 센터 유치 도전",
    ) == {("김해시", A, "추진", None)}
    assert ("전라남도", N, "선정", None) in got(
        "과기정통부는 국가 AI 컴퓨팅센터 사업자로 전남도가 참여한 컨소시엄을 뽑았다."
    )
    # the bid filed, as the proposal that passed a round; a filing withdrawn was made
    assert got("구미시와 경상북도가 공동 제안한 국가 AI 컴퓨팅센터 유치안이 서면평가를 통과했다.") == {
        ("구미시", N, "신청", None),
        ("경상북도", N, "신청", None),
        ("구미시", N, "심사", None),
        ("경상북도", N, "심사", None),
    }
    assert got("충청북도는 국가 AI 컴퓨팅센터 공모에 제출했던 신청서를 철회했다.") == {
        ("충청북도", N, "신청", None),
        ("충청북도", N, "탈락", None),
    }
    assert got("충청북도는 국가 AI 컴퓨팅센터 공모 신청을 철회했다.") == {("충청북도", N, "탈락", None)}
    # the rounds behind a choice, the finalists listed; a race won is no round
    assert got("김해시는 두 차례 심사 끝에 아태 AI 센터 입지로 최종 선정됐다.") == {
        ("김해시", A, "심사", None),
        ("김해시", A, "선정", None),
    }
    assert got("김해시는 치열한 경쟁 끝에 아태 AI 센터 입지로 최종 선정됐다.") == {
        ("김해시", A, "선정", None)
    }
    assert got(
        "아태 AI 센터 발표가 다가왔다. 울산과 경남, 부산 등 최종 후보지들은 막판 홍보에 힘을 쏟고 있다."
    ) >= {
        ("울산광역시", A, "심사", None),
        ("경상남도", A, "심사", None),
        ("부산광역시", A, "심사", None),
    }
    # the bidder's spokesperson tells of a round; a spokesperson's vow is of what comes next
    assert ("경상남도", A, "심사", None) in got(
        "아태 AI 센터 발표를 앞두고 경남도는 기대감을 보이고 있다. 도 관계자는 “평가에서 좋은 반응을 얻었다”고 말했다."
    )
    assert got(
        "경남도의 아태 AI 센터 유치가 무산됐다. 도 관계자는 “다른 국가 사업 유치에 나서겠다”고 말했다."
    ) == {("경상남도", A, "탈락", None)}
    # "두 사업 모두": every program the sentences before name
    assert got(
        "광주시는 국가 AI 컴퓨팅센터와 아태 AI 센터에 모두 도전했다. 하지만 광주시는 두 사업 모두에서 고배를 마셨다."
    ) >= {("광주광역시", N, "탈락", None), ("광주광역시", A, "탈락", None)}
    assert got(
        "광주시는 아태 AI 센터 유치에 나섰다. 그러나 광주시는 공모 결과 두 사업 모두에서 고배를 마셨다."
    ) == {
        ("광주광역시", A, "추진", None),
        ("광주광역시", A, "탈락", None),
    }
    # an agreement signed "에"; works sped up
    assert got(
        "김해시는 3일 아태 AI 센터 운영에 관한 양해각서에 서명했다. 지난달 센터 유치를 확정한 지 한 달 만이다."
    ) == {
        ("김해시", A, "후속", "2025-10-03"),
        ("김해시", A, "선정", "2025-09"),
    }
    assert ("경상북도", N, "후속", None) in got("경북도는 국가 AI 컴퓨팅센터 공사에 속도를 내고 있다.")


def test_pass_12_gapping_notified_outcomes_withdrawals_and_idioms():
    def got(text: str, title: str | None = None) -> set[tuple]:
        claims = extract_claims(title, text, DEFAULT_PROGRAMS, date(2025, 10, 30))
        return {(c.bidder, c.program, c.stage, c.stated) for c in claims}

    # topics each with its own object share one verb; a single topic with a plain subject does not
    assert got("국가 AI 컴퓨팅센터를 두고 대구는 물류망을, 강원은 냉각수를 앞세웠다.") >= {
        ("대구광역시", N, "추진", None),
        ("강원특별자치도", N, "추진", None),
    }
    assert ("대구광역시", N, "추진", None) not in got(
        "대구는 강원이 국가 AI 컴퓨팅센터 유치에 나섰다고 전했다."
    )
    # the program as the setting of a gapped conjunct
    assert got(
        "국가 AI 컴퓨팅센터에서는 충청북도가, 아태 AI 센터에서는 인천광역시가 최종 관문에서 좌절했다."
    ) == {
        ("충청북도", N, "탈락", None),
        ("인천광역시", A, "탈락", None),
    }
    # the outcome the bidder was notified of: a fact, dated on the notice
    assert got("충청북도는 국가 AI 컴퓨팅센터 현장평가를 넘지 못했다는 통보를 28일 받았다.") == {
        ("충청북도", N, "탈락", "2025-10-28")
    }
    assert all(
        st != "탈락"
        for _, _, st, _ in got(
            "충청북도는 국가 AI 컴퓨팅센터 서면평가에서 떨어질 경우 재도전하겠다고 밝혔다."
        )
    )
    # the pursuit or the intake itself given up is a withdrawal
    assert ("김해시", A, "탈락", None) in got("김해시는 아태 AI 센터 유치 추진을 멈추기로 했다.")
    assert ("울산광역시", A, "탈락", None) in got("울산광역시는 고민 끝에 아태 AI 센터 접수를 포기했다.")
    assert ("울산광역시", A, "탈락", None) not in got("울산광역시는 아태 AI 센터 접수를 마쳤다.")
    # the competition's idioms: the wall of a round, the winners' smile denied
    assert ("전북특별자치도", A, "탈락", None) in got(
        "전북특별자치도는 아태 AI 센터 발표평가의 벽에 막혀 고개를 숙였다."
    )
    assert ("천안시", N, "탈락", None) in got("천안시는 국가 AI 컴퓨팅센터 유치전에서는 웃지 못했다.")
    # a goal ahead ("준공까지") is no works
    assert all(
        st != "후속"
        for _, _, st, _ in got("해남군은 국가 AI 컴퓨팅센터 준공까지 차질 없이 준비하겠다고 했다.")
    )
    # 군은: the county's anaphor
    assert ("해남군", N, "선정", None) in got(
        "해남군은 가을 축제를 연다. 군은 국가 AI 컴퓨팅센터 유치 확정을 기념해 음악회를 연다."
    )
    # a copula naming the site with words between
    assert ("김천시", A, "선정", None) in got("아태 AI 센터 입지는 교통망을 앞세운 김천시로 정해졌다.")
    # another matter after "또": an unrelated award takes no program from the clause after it
    assert all(
        st != "선정"
        for _, _, st, _ in got(
            "목포시가 관광 평가에서 우수 도시로 뽑혔고, 시는 또 국가 AI 컴퓨팅센터 토론회를 지원한다."
        )
    )
    # the announcement as the setting of a loss ("같은 날 발표에서 ... 고배")
    assert ("강원특별자치도", N, "탈락", None) in {
        (b, p, st, None)
        for b, p, st, _ in got(
            "정부는 국가 AI 컴퓨팅센터 입지로 구미를 선정했다. 같은 날 발표에서 강원특별자치도는 고배를 마셨다."
        )
    }
    assert got("같은 날 발표에서 강원특별자치도는 고배를 마셨다.") == set()
    # the results day with several words between; a notified or filed day after a lone "가" subject
    assert ("경상남도", A, "탈락", "2025-10-15") in got(
        "정부가 15일 발표한 아태 AI 센터 2차 발표평가 결과 경상남도는 탈락했다."
    )
    assert ("제주특별자치도", N, "신청", "2025-10-20") in got(
        "제주특별자치도가 국가 AI 컴퓨팅센터 공모에 응모했다. 20일 오후 온라인으로 서류를 올렸다."
    )


def test_pass_13_wills_joined_programs_days_carried_helpers_and_pitches():
    def got(text: str, title: str | None = None) -> set[tuple]:
        return {
            (c.bidder, c.program, c.stage, c.stated)
            for c in extract_claims(title, text, DEFAULT_PROGRAMS, date(2025, 8, 20))
        }

    def triples(text: str, title: str | None = None) -> set[tuple]:
        return {t[:3] for t in got(text, title)}

    # a will to bid in the call, past the program-object reading; a supposition is no bid
    assert ("전주시", A, "추진") in triples("전주시는 아태 AI 센터 공모에 꼭 도전하겠다고 말했다.")
    assert (
        triples("원주시와 춘천시까지 국가 AI 컴퓨팅센터 유치전에 뛰어들 경우 경쟁이 치열해질 전망이다.")
        == set()
    )
    # two programs joined as the object ("X와 Y 두 공모에"), and one program alone
    assert {("창원시", N, "추진"), ("창원시", A, "추진")} <= triples(
        "창원시는 국가 AI 컴퓨팅센터와 아태 AI 센터 두 공모에 모두 도전하겠다고 밝혔다."
    )
    assert ("창원시", N, "추진") not in triples("창원시는 아태 AI 센터 공모에 도전하겠다고 밝혔다.")
    # the committee's first meeting; its quoted name before the ceremony; a site pitched as the candidate
    assert ("목포시", N, "추진", "2025-08-12") in got(
        "목포시는 12일 국가 AI 컴퓨팅센터 유치 TF 첫 회의를 열었다."
    )
    assert ("김해시", A, "추진", "2025-08-11") in got(
        "김해시는 11일 ‘아태 AI 센터 유치 시민 추진단’ 발대식을 열었다."
    )
    assert ("경상남도", N, "추진") in triples(
        "경상남도는 국가 AI 컴퓨팅센터 공모에 사천 부지를 후보지로 내세우기로 했다."
    )
    assert triples("사천시는 항공 축제에 드론쇼를 내세우기로 했다.") == set()
    # the papers filed in the connective "내"; the preferred bidder "정했다"
    assert ("천안시", N, "신청") in triples("천안시가 국가 AI 컴퓨팅센터 신청서를 내 관심을 모았다.")
    assert ("대전광역시", A, "선정", "2025-08-19") in got(
        "정부는 19일 평가 결과를 종합해 대전시를 아태 AI 센터 우선협상대상자로 정했다고 밝혔다."
    )
    # the plain present of news is a plan: pursued, not filed
    assert triples("충청남도는 다음 주 국가 AI 컴퓨팅센터 공모에 신청한다.") == {("충청남도", N, "추진")}
    assert ("충청남도", N, "신청") in triples("충청남도는 국가 AI 컴퓨팅센터 공모에 신청했다.")
    # "같은 날"/"이날": the day of the sentence before; a sentence without one keeps none
    assert ("제천시", N, "신청", "2025-08-05") in got(
        "충청북도는 5일 국가 AI 컴퓨팅센터 신청서를 냈다. 같은 날 제천시도 따로 신청서를 냈다."
    )
    assert ("제천시", N, "신청", None) in got(
        "충청북도는 5일 국가 AI 컴퓨팅센터 신청서를 냈다. 제천시도 따로 신청서를 냈다."
    )
    # the next sentence dates the outcomes it reports ("이같이 발표했다", "결과 발표 직후")
    assert {("전주시", A, "탈락", "2025-08-14"), ("청주시", A, "선정", "2025-08-14")} <= got(
        "아태 AI 센터 공모에서 청주시가 최종 선정됐고 전주시는 고배를 마셨다. 과기정통부는 14일 이같이 발표했다."
    )
    assert ("청주시", A, "선정", None) in got(
        "아태 AI 센터 공모에서 청주시가 최종 선정됐다. 시는 14일 축하 행사를 열었다."
    )
    # help given to another's bid: the helper is no bidder, the owner pursues
    assert triples(
        "순천시는 국가 AI 컴퓨팅센터가 전남에 오길 바라며 전남도의 유치 활동을 적극 돕겠다고 했다."
    ) == {("전라남도", N, "추진")}
    assert triples(
        "전남도는 국가 AI 컴퓨팅센터 신청서를 냈다. 광양시는 지원단을 꾸려 도의 신청을 측면 지원하기로 했다."
    ) == {("전라남도", N, "신청")}
    # the filing's site told after it: no pursuit of its own
    assert triples("경상북도는 국가 AI 컴퓨팅센터 신청서를 냈다. 후보지로는 구미 국가산단을 내세웠다.") == {
        ("경상북도", N, "신청")
    }


@pytest.mark.parametrize(
    "text",
    [
        # a company's own AI data center breaking ground
        "네이버는 12일 춘천에서 AI 데이터센터 착공식을 열었다. 회사는 국가 AI 컴퓨팅센터와는 무관하다고 했다.",
        # a sports event a city won
        "부산광역시가 2030 아시아 수영선수권대회 유치에 성공했다. 국가 AI 컴퓨팅센터 얘기는 나오지 않았다.",
        # a civic group demanding the province bid
        "지역 시민단체는 국가 AI 컴퓨팅센터 공모에 도가 나서야 한다며 성명을 냈다.",
        # a university's own AI center selected by a ministry
        "KAIST가 교육부의 AI 융합센터 사업에 선정됐다. 아태 AI 센터 공모와는 별개다.",
        # a supposition of who might join
        "업계는 울산시가 아태 AI 센터 유치전에 뛰어들 경우 판도가 바뀔 것으로 본다.",
    ],
)
def test_pass_13_negative_probes_yield_no_claim(text):
    assert extract_claims(None, text, DEFAULT_PROGRAMS, date(2025, 8, 20)) == ()
