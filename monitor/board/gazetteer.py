"""Korean local governments (17 metropolitan/provincial, 226 cities, counties and districts, and
제주's two administrative cities),
written from the public list of 지방자치단체 as of 2024 (군위군 in 대구 since 2023-07), and how
the press writes them: full names (포항시, 경상북도), short forms (포항, 경북, 경북도).

A short form is only trusted where a word ends: "포항공대", "경북대", "광주과학기술원" are
organisations, not the city bidding, so a name must be followed by a particle chain and then a
non-Hangul character (or one of a few suffixes such as 시청). Short forms that are everyday
words (예산 "budget", 양산 "mass production", 고령 "elderly", 음성 "voice" ...) are not used:
those governments need their full name.
"""

from __future__ import annotations

from dataclasses import dataclass

# (full name, short forms, the short form used as a prefix when a child name is ambiguous)
METROS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("서울특별시", ("서울시", "서울")),
    ("부산광역시", ("부산시", "부산")),
    ("대구광역시", ("대구시", "대구")),
    ("인천광역시", ("인천시", "인천")),
    ("광주광역시", ("광주시", "광주")),
    ("대전광역시", ("대전시", "대전")),
    ("울산광역시", ("울산시", "울산")),
    ("세종특별자치시", ("세종시", "세종")),
    ("경기도", ("경기",)),
    ("강원특별자치도", ("강원도", "강원")),
    ("충청북도", ("충북도", "충북")),
    ("충청남도", ("충남도", "충남")),
    ("전북특별자치도", ("전라북도", "전북도", "전북")),
    ("전라남도", ("전남도", "전남")),
    ("경상북도", ("경북도", "경북")),
    ("경상남도", ("경남도", "경남")),
    ("제주특별자치도", ("제주도", "제주")),
)
PREFIX = {
    "서울특별시": "서울",
    "부산광역시": "부산",
    "대구광역시": "대구",
    "인천광역시": "인천",
    "광주광역시": "광주",
    "대전광역시": "대전",
    "울산광역시": "울산",
    "세종특별자치시": "세종",
    "경기도": "경기",
    "강원특별자치도": "강원",
    "충청북도": "충북",
    "충청남도": "충남",
    "전북특별자치도": "전북",
    "전라남도": "전남",
    "경상북도": "경북",
    "경상남도": "경남",
    "제주특별자치도": "제주",
}
CHILDREN: dict[str, str] = {
    "서울특별시": "종로구 중구 용산구 성동구 광진구 동대문구 중랑구 성북구 강북구 도봉구 노원구 은평구 "
    "서대문구 마포구 양천구 강서구 구로구 금천구 영등포구 동작구 관악구 서초구 강남구 송파구 강동구",
    "부산광역시": "중구 서구 동구 영도구 부산진구 동래구 남구 북구 해운대구 사하구 금정구 강서구 연제구 "
    "수영구 사상구 기장군",
    "대구광역시": "중구 동구 서구 남구 북구 수성구 달서구 달성군 군위군",
    "인천광역시": "중구 동구 미추홀구 연수구 남동구 부평구 계양구 서구 강화군 옹진군",
    "광주광역시": "동구 서구 남구 북구 광산구",
    "대전광역시": "동구 중구 서구 유성구 대덕구",
    "울산광역시": "중구 남구 동구 북구 울주군",
    "경기도": "수원시 성남시 의정부시 안양시 부천시 광명시 평택시 동두천시 안산시 고양시 과천시 구리시 "
    "남양주시 오산시 시흥시 군포시 의왕시 하남시 용인시 파주시 이천시 안성시 김포시 화성시 광주시 양주시 "
    "포천시 여주시 연천군 가평군 양평군",
    "강원특별자치도": "춘천시 원주시 강릉시 동해시 태백시 속초시 삼척시 홍천군 횡성군 영월군 평창군 정선군 "
    "철원군 화천군 양구군 인제군 고성군 양양군",
    "충청북도": "청주시 충주시 제천시 보은군 옥천군 영동군 증평군 진천군 괴산군 음성군 단양군",
    "충청남도": "천안시 공주시 보령시 아산시 서산시 논산시 계룡시 당진시 금산군 부여군 서천군 청양군 "
    "홍성군 예산군 태안군",
    "전북특별자치도": "전주시 군산시 익산시 정읍시 남원시 김제시 완주군 진안군 무주군 장수군 임실군 순창군 "
    "고창군 부안군",
    "전라남도": "목포시 여수시 순천시 나주시 광양시 담양군 곡성군 구례군 고흥군 보성군 화순군 장흥군 강진군 "
    "해남군 영암군 무안군 함평군 영광군 장성군 완도군 진도군 신안군",
    "경상북도": "포항시 경주시 김천시 안동시 구미시 영주시 영천시 상주시 문경시 경산시 의성군 청송군 영양군 "
    "영덕군 청도군 고령군 성주군 칠곡군 예천군 봉화군 울진군 울릉군",
    "경상남도": "창원시 진주시 통영시 사천시 김해시 밀양시 거제시 양산시 의령군 함안군 창녕군 고성군 남해군 "
    "하동군 산청군 함양군 거창군 합천군",
}
# 제주특별자치도's two administrative cities (행정시) are not autonomous governments, but the press
# names them as bidders ("서귀포시는 제주도와 함께 의향서를 냈다"), so the board shows them too.
# 제주 stays the province's short form.
ADMINISTRATIVE: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "제주특별자치도": (("제주시", ()), ("서귀포시", ("서귀포",))),
}
# Short forms that are ordinary words in news text (or a metro's name): full name only.
NO_SHORT_FORM = frozenset(
    "예산 양산 고령 음성 부여 영광 장성 진도 영양 상주 구리 오산 장수 강진 보은 정선 동해 거창 함양 완주 "
    "성주 고성 인제 남해 영동 광주 금산 보성".split()
)
# The 특례시 (cities of over a million, since 2022; 화성 since 2025) are written with the title
# as one word ("창원특례시는"): a form of the city.
SPECIAL_CITIES = frozenset("수원시 고양시 용인시 창원시 화성시".split())


@dataclass(frozen=True, slots=True)
class Gov:
    """One local government: its display name (unique), level, parent and written forms."""

    name: str  # unique display name: 포항시, 경상북도, 경기 광주시, 대구 중구
    full: str  # as written officially: 포항시, 광주시, 중구
    level: str  # "metro" (광역) | "local" (기초)
    parent: str | None  # a local government's metro/province
    shorts: tuple[str, ...] = ()
    autonomous: bool = True  # False: an administrative city (제주시, 서귀포시), no government of its own


def _build() -> tuple[Gov, ...]:
    govs = [Gov(full, full, "metro", None, shorts) for full, shorts in METROS]
    counts: dict[str, int] = {}
    for names in CHILDREN.values():
        for n in names.split():
            counts[n] = counts.get(n, 0) + 1
    for parent, names in CHILDREN.items():
        for n in names.split():
            # A name used by more than one government (중구, 고성군) or by a metro (광주시)
            # carries its province in the display name.
            clash = counts[n] > 1 or any(n in shorts for _, shorts in METROS)
            display = f"{PREFIX[parent]} {n}" if clash else n
            stem = n[:-1]
            shorts = ()
            if n[-1] in "시군" and len(stem) >= 2 and stem not in NO_SHORT_FORM:
                shorts = (stem,)
            if n in SPECIAL_CITIES:
                shorts += (stem + "특례시",)
            govs.append(Gov(display, n, "local", parent, shorts))
    for parent, cities in ADMINISTRATIVE.items():
        govs += [Gov(n, n, "local", parent, shorts, autonomous=False) for n, shorts in cities]
    return tuple(govs)


GOVERNMENTS: tuple[Gov, ...] = _build()
BY_NAME: dict[str, Gov] = {g.name: g for g in GOVERNMENTS}


def forms() -> dict[str, tuple[Gov, ...]]:
    """Every written form -> the governments it may mean (more than one: ambiguous)."""
    out: dict[str, list[Gov]] = {}
    for g in GOVERNMENTS:
        for form in dict.fromkeys((g.full, *g.shorts)):
            out.setdefault(form, []).append(g)
    return {k: tuple(v) for k, v in out.items()}


FORMS: dict[str, tuple[Gov, ...]] = forms()
