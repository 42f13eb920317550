"""Bidder mentions: where a sentence names a local government, resolved to one of them.

A name counts only where its word ends (a particle chain, then a non-Hangul character, or a
suffix such as 시청, 시장): "포항공대", "경북대", "광주과학기술원" are organisations. A province
right before one of its cities is a locator ("경북 포항시" is 포항시, "경기 광주시" is the
Gyeonggi city). An ambiguous name takes its province from a locator, from the article (a
"경기 광주" elsewhere in it), else from its default (광주 = 광주광역시); a 중구 with no city known
is dropped. A name followed by "와 경쟁", "를 제치고", "에 밀려" is a rival mentioned, not a bid, and so is one compared ("구미시와 비교해", "포항에 비해").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .cues import PITCHED
from .gazetteer import BY_NAME, FORMS, PREFIX, Gov

_PARTICLES = (
    "으로서|으로는|에서는|에서도|에서|에게|까지|부터|보다|처럼|으로|이나|이라|이며|이다|과의|와의|"
    "이었다|였다|이었고|였고|이었던|였던|"  # a copula naming it ("최후 승자는 고창군이었다")
    "은|는|이|가|을|를|의|에|와|과|도|만|로|나|랑|며|등|측|내"
)
_SUFFIX = "청|시장|군수|구청장|도지사|지사|시의회|도의회|군의회|구의회|의회|민|장"
_TAIL = re.compile(rf"(?:(?:{_SUFFIX})?(?:{_PARTICLES}){{0,3}})(?![가-힣])")
_NAMES = re.compile("(?<![가-힣])(" + "|".join(sorted(map(re.escape, FORMS), key=len, reverse=True)) + ")")
_RIVAL = re.compile(
    r"^(?:시|도|군)?(?:와|과|을|를|에|에게|보다|등과|등을)\s?(?:\S+\s){0,2}?"
    r"(?:경쟁|접전|격전|맞붙|각축|경합|겨루|겨뤄|제치|제친|밀려|밀린|앞서|뒤처|뒤진|뒤져|뒤졌|달리|다른|내준|내줬|내주|내줘|넘겨|빼앗|뺏|"
    r"비교|비해|비하면|견주|견줘|견준|대조|대비해|대비하면|밀렸)"
    # lost to a site named with its city ("해남 솔라시도에 밀렸다", "포항 영일만에 밀려")
    r"|^(?:시|도|군)?\s[가-힣]{2,6}?(?:에|에게)\s?(?:밀려|밀린|밀렸)"
)
# "전남 동부권", "경북 북부권": a province naming a part of itself, not the province bidding
_REGION = re.compile(r"\s(?:[동서남북중]{1,2}부?\s?(?:권|권역|지역|지방)|권역)")
_ALSO = re.compile(r"\s(?:역시|또한|마저|조차)\s")
# "경북에서 가장 먼저", "전남에서 처음으로": the region a first happened in, not a bidder
_WITHIN = re.compile(r"에서\s(?:가장|처음|최초|유일|첫|제일|맨\s?먼저)")
# "발표평가가 15일 서울에서 진행됐다": where an event was held; claims.py keeps such a name only
# for a follow-up ("준공식이 해남 솔라시도에서 열렸다": the center's own site)
_VENUE = re.compile(
    r"(?:\s[가-힣]+)?에서\s(?:\S+\s)?(?:열린|열렸|열리|진행됐|진행된|진행되|개최됐|개최된|개최되|치러진|치러졌)"
)
# "강원, 춘천 앞세워 ... 의향서 제출", "창원을 앞세워": the site a bidder pitches, not a bidder
_PITCHED = re.compile(r"\s?" + PITCHED)
_METRO_OF = {short: full for full, short in PREFIX.items()}
# Fused regional names the press writes as one word: both governments are meant.
_FUSED = {
    "대구경북": ("대구광역시", "경상북도"),
    "광주전남": ("광주광역시", "전라남도"),
    "부울경": ("부산광역시", "울산광역시", "경상남도"),
}
_FUSED_RE = re.compile("(?<![가-힣])(" + "|".join(_FUSED) + ")")


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    gov: Gov
    rival: bool  # named as a competitor ("광주와 경쟁"), not as a bidder
    tail: str = ""  # what follows the name: suffix and particles ("는", "시장은", "와")

    @property
    def role(self) -> str:
        """ "subject" (은/는/이/가/도), "and" (와/과/및, a comma or dot), else "other"."""
        rest = re.sub(f"^(?:{_SUFFIX})", "", self.tail)
        if self.also:
            return "subject"
        if re.match(r"(?:은|는|이|가|도|에서는|으로서)$", rest):
            return "subject"
        if re.match(r"(?:와|과|및|랑)$", rest) or (rest == "" and self.comma):
            return "and"
        return "other"

    comma: bool = False  # followed by "," or "·": one of a list
    also: bool = False  # "강원도 역시", "경기도 또한": a subject marked by the adverb, no particle
    venue: bool = False  # where an event was held ("서울에서 진행됐다")

    @property
    def parent_known(self) -> bool:
        return self.gov.level == "local" and self.gov.parent is not None


def _explicit_parents(context: str) -> set[str]:
    """Provinces the article itself puts before an ambiguous name ("경기 광주", "경기도 광주시")."""
    found = set()
    for m in re.finditer(r"(?<![가-힣])(경기|경기도|강원|강원도|경남|경상남도)\s?(광주|고성)", context):
        found.add((m.group(1)[:2], m.group(2)))
    return {f"{p} {n}" for p, n in found}


def _resolve(form: str, locator: Gov | None, context: str) -> Gov | None:
    options = FORMS[form]
    if len(options) == 1:
        return options[0]
    if locator is not None:
        mine = [g for g in options if g.parent == locator.name]
        if mine:
            return mine[0]
    explicit = _explicit_parents(context)
    named = [g for g in options if g.level == "local" and any(g.name.startswith(e) for e in explicit)]
    if len(named) == 1:
        return named[0]
    metro = [g for g in options if g.level == "metro"]
    return metro[0] if metro else None  # 광주시 is the metro unless the article says 경기


def find_mentions(text: str, context: str = "") -> list[Mention]:
    """Local governments named in `text`, left to right; `context` (the whole article) settles
    ambiguous names."""
    raw: list[tuple[int, int, str]] = []
    for m in _NAMES.finditer(text):
        form = m.group(1)
        while _TAIL.match(text, m.start() + len(form)) is None:
            # "해남군수는": not 해남군 + 수는 but 해남 + 군수는; a shorter form at the same place
            form = next((form[:n] for n in range(len(form) - 1, 0, -1) if form[:n] in FORMS), "")
            if not form:
                break
        if form:
            raw.append((m.start(), m.start() + len(form), form))
    for m in _FUSED_RE.finditer(text):
        if _TAIL.match(text, m.end()):
            raw.append((m.start(), m.end(), m.group(1)))
    raw.sort()
    out: list[Mention] = []
    for start, end, form in raw:
        if form in _FUSED:
            tail = _TAIL.match(text, end).group(0)  # type: ignore[union-attr]
            out += [
                Mention(start, end, BY_NAME[n], bool(_RIVAL.match(text[end : end + 24])), tail)
                for n in _FUSED[form]
            ]
            continue
        prev = out[-1] if out else None
        locator = None
        if prev is not None and prev.gov.level == "metro" and text[prev.end : start].strip() == "":
            locator = prev.gov
        gov = _resolve(form, locator, context)
        if gov is not None and gov.level == "metro" and _REGION.match(text, end):
            continue
        if (
            locator is None
            and prev is not None
            and prev.parent_known
            and prev.role == "and"
            and len(FORMS[form]) > 1
            and text[prev.end + len(prev.tail) : start].strip(" ,·") == ""
        ):
            # "인천 중구와 동구": a district joined to one whose city is named shares that city
            gov = next((g for g in FORMS[form] if g.parent == prev.gov.parent), gov)
        if gov is None:
            continue
        if locator is not None and gov.parent == locator.name:
            out.pop()  # "경북 포항시": the province only locates the city
        tail_m = _TAIL.match(text, end)
        tail = tail_m.group(0) if tail_m else ""
        if (tail == "에서" and _WITHIN.match(text, end)) or (
            tail in ("", "을", "를") and _PITCHED.match(text, end + len(tail))
        ):
            continue
        rival = bool(_RIVAL.match(text[end : end + 24]))
        comma = text[end + len(tail) : end + len(tail) + 1] in (",", "·")
        also = not tail and _ALSO.match(text, end) is not None
        venue = tail in ("", "에서") and _VENUE.match(text, end) is not None
        out.append(Mention(start, end, gov, rival, tail, comma, also, venue))
    return out


def main_bidders(per_sentence: list[list[Mention]]) -> dict[str, str]:
    """The article's most-named city and province (what "시는" and "도는" refer to)."""
    counts: dict[str, Counter] = {"local": Counter(), "metro": Counter()}
    for i, mentions in enumerate(per_sentence):
        for m in mentions:
            if not m.rival:
                counts[m.gov.level][m.gov.name] += 2 if i == 0 else 1
    return {level: c.most_common(1)[0][0] for level, c in counts.items() if c}


__all__ = ["BY_NAME", "Mention", "find_mentions", "main_bidders"]
