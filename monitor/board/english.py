"""The English path: claims read from sentences with no Hangul (Korea Herald, Korea JoongAng
Daily, Yonhap English), as the same BidClaim values the Korean path gives.

Bidders: the 17 metropolitan/provincial governments by a hand table of their usual English forms,
the cities, counties and districts of the gazetteer by Revised Romanization (`romanize`, checked
against official spellings in the tests): "Pohang", "Pohang City", "Haenam County", "Ulju County".
A name shared by two governments needs its province ("Goseong County, Gangwon Province"); bare
"Gwangju" is the metropolitan city, "Gwangju, Gyeonggi Province" the Gyeonggi city. A name inside
an organisation ("Pohang University of Science and Technology", "Gwangju Institute of ...") is
not the government.

A clause's bidders are its subjects: the names before the predicate, not after a preposition
("lost to Haenam", "with Gyeongbuk" are rivals and partners), plus the object of an active
selection ("the ministry picked Haenam") and the losers of "selected over X". A hope, plan or
future ("hopes to be selected", "plans to apply", "will submit") is 추진 at most, said of the
one hoping; a negated selection ("was not selected") is 탈락; a conditional or a "not yet" is
nothing. Dates ("on Feb. 20", "in March", "last month", "on Tuesday") resolve against the
publish date as dates.resolve does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from storage.models import BidClaim

from .gazetteer import BY_NAME, GOVERNMENTS, Gov
from .programs import Program, without_overlaps

HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")

# --- Revised Romanization of place names -------------------------------------------------------

_INITIAL = "g kk n d tt r m b pp s ss - j jj ch k t p h".split()
_MEDIAL = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()
# final consonant (0 = none) -> its sound class: ㄱ-like k, ㄴ, ㄷ-like t, ㄹ, ㅁ, ㅂ-like p, ㅇ
_FINAL = ["", *"k k k n n n t l k m l l l p l m p p t t ng t t k t p t".split()]
# the consonant a final becomes when the next syllable starts with ㅇ (linking: 철원 Cheorwon)
_LINKED = {"k": "g", "n": "n", "t": "d", "l": "r", "m": "m", "p": "b", "ng": "ng"}


def romanize(word: str) -> str:
    """Revised Romanization of a Hangul place name, with the sound changes official spellings
    show (강릉 Gangneung, 울릉 Ulleung, 철원 Cheorwon, 밀양 Miryang, 신안 Sinan), capitalized."""
    sylls = [ord(c) - 0xAC00 for c in word if 0 <= ord(c) - 0xAC00 < 11172]
    out: list[str] = []
    for i, s in enumerate(sylls):
        ini, med, fin = s // 588, (s % 588) // 28, s % 28
        onset = _INITIAL[ini]
        if i > 0:
            prev = _FINAL[sylls[i - 1] % 28]
            if onset == "-" and prev and prev != "ng":
                out[-1] = out[-1][: -len(prev)]  # the final moves to this syllable
                onset = _LINKED[prev]
            elif onset == "r":
                if prev in ("l", "n"):
                    onset = "l"
                    if prev == "n":
                        out[-1] = out[-1][:-1] + "l"  # 신라 Silla
                elif prev:
                    onset = "n"  # 강릉 Gangneung
                    if prev in ("k", "p"):
                        out[-1] = out[-1][:-1] + ("ng" if prev == "k" else "m")
            elif onset in ("n", "m") and prev in ("k", "p", "t"):
                out[-1] = out[-1][:-1] + {"k": "ng", "p": "m", "t": "n"}[prev]
            elif onset == "n" and prev == "l":
                onset = "l"
        elif onset == "r":
            onset = "r"
        out.append(("" if onset == "-" else onset) + _MEDIAL[med] + _FINAL[fin])
    return "".join(out).capitalize()


# --- Bidders ---------------------------------------------------------------------------------

# the 17 metropolitan/provincial governments: their English forms (regex, longest first inside)
_P = r"(?:\s+(?:Special\s+Self-Governing\s+)?(?:Province|State|provincial\s+government|Provincial\s+Government))"
_M = r"(?:\s+(?:Metropolitan\s+(?:City|Government)|Special\s+(?:Self-Governing\s+)?City|City|city\s+government|"
_M += r"metropolitan\s+(?:city|government)|Metropolitan))"
METRO_EN: dict[str, str] = {
    "서울특별시": r"Seoul" + _M + "?",
    "부산광역시": r"Busan" + _M + "?",
    "대구광역시": r"Daegu" + _M + "?",
    "인천광역시": r"Incheon" + _M + "?",
    "광주광역시": r"Gwangju" + _M + "?",
    "대전광역시": r"Daejeon" + _M + "?",
    "울산광역시": r"Ulsan" + _M + "?",
    "세종특별자치시": r"Sejong" + _M + "?",
    "경기도": r"Gyeonggi(?:-do)?" + _P + "?",
    "강원특별자치도": r"Gangwon(?:-do)?" + _P + "?",
    "충청북도": r"(?:North\s+Chungcheong" + _P + "?|Chungcheongbuk-do|Chungbuk" + _P + "?)",
    "충청남도": r"(?:South\s+Chungcheong" + _P + "?|Chungcheongnam-do|Chungnam" + _P + "?)",
    "전북특별자치도": r"(?:North\s+Jeolla" + _P + "?|Jeollabuk-do|Jeonbuk" + _P + "?)",
    "전라남도": r"(?:South\s+Jeolla" + _P + "?|Jeollanam-do|Jeonnam" + _P + "?)",
    "경상북도": r"(?:North\s+Gyeongsang" + _P + "?|Gyeongsangbuk-do|Gyeongbuk" + _P + "?)",
    "경상남도": r"(?:South\s+Gyeongsang" + _P + "?|Gyeongsangnam-do|Gyeongnam" + _P + "?)",
    "제주특별자치도": r"Jeju(?:-do)?(?:" + _P[3:-1] + r"|\s+Island)?",
}
# official spellings that Revised Romanization of the name does not give
_SPELLING = {"서귀포": "Seogwipo"}
_KIND = {
    "시": r"(?:\s+(?:Special\s+)?City|-si|\s+city(?:\s+government)?)",
    "군": r"(?:\s+County|-gun|\s+county)",
}
_DISTRICT = r"(?:\s+District|-gu|\s+district)"


def _local_forms() -> dict[str, list[Gov]]:
    """Romanized stem -> the local governments it may mean (more than one: needs its province)."""
    out: dict[str, list[Gov]] = {}
    for g in GOVERNMENTS:
        if g.level == "local":
            stem = g.full[:-1]
            out.setdefault(_SPELLING.get(stem, romanize(stem)), []).append(g)
    return out


LOCAL_EN: dict[str, list[Gov]] = _local_forms()
_METRO_RE = {name: re.compile(pat) for name, pat in METRO_EN.items()}
_ANY_METRO = "|".join(f"(?P<m{i}>{p})" for i, p in enumerate(METRO_EN.values()))
_METRO_NAMES = list(METRO_EN)
# a local name: the stem, then its kind ("City", "County", "-gun", "District") if written
_LOCAL = "|".join(sorted(map(re.escape, LOCAL_EN), key=len, reverse=True))
_NAME = re.compile(
    rf"(?<![A-Za-z-])(?:(?:the\s+)?City\s+of\s+)?(?:{_ANY_METRO}|(?P<local>{_LOCAL})(?P<kind>{_KIND['시']}|{_KIND['군']}|{_DISTRICT})?)"
    r"(?![A-Za-z])"
)
# what follows a name inside an organisation: "Pohang University of Science and Technology",
# "Gwangju Institute of Science and Technology", "Busan Chamber of Commerce", "Ulsan City Council"
_ORG_AFTER = re.compile(
    r"(?:\s+[A-Z][\w.&-]*){0,4}?\s+(?:National\s+)?(?:University|Institute|College|School|Hospital|Chamber|"
    r"Techno\s?[Pp]ark|Port|Airport|Station|Bank|Office\s+of\s+Education|FC|Broadcasting|Foundation|"
    r"Corporation|Corp|Agency|Authority|Museum|Council|Assembly|Court|Police|Ilbo|Daily|Times|Steel)\b"
)
_ORG_BEFORE = re.compile(r"\b(?:University|Institute|Bank|Port|College)\s+of\s+$")
# a province written after its city as a locator: "Pohang, North Gyeongsang Province," / "in"
_LOCATOR = re.compile(
    r"(?:,\s*|\s+in\s+)(?:(?:a|the)\s+(?:[\w-]+\s+){0,2}?(?:city|county|town)\s+in\s+)?(?:the\s+)?$"
)


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    gov: Gov


def find_mentions(text: str) -> list[Mention]:
    """The local governments a sentence names, organisations and locators left out."""
    raw: list[tuple[int, int, list[Gov], bool]] = []  # (start, end, candidates, is metro)
    for m in _NAME.finditer(text):
        if _ORG_AFTER.match(text, m.end()) or _ORG_BEFORE.search(text, 0, m.start()):
            continue
        if m.group("local"):
            govs = LOCAL_EN[m.group("local")]
            kind = (m.group("kind") or "").strip().lower()
            if kind:  # "County" keeps the counties, "City" the cities, "District" the 구
                want = (
                    "군"
                    if "county" in kind or kind == "-gun"
                    else "구"
                    if "district" in kind or kind == "-gu"
                    else "시"
                )
                govs = [g for g in govs if g.full.endswith(want)]
            elif any(g.full.endswith("구") for g in govs):
                govs = [g for g in govs if not g.full.endswith("구")]  # a bare name is no district
            if govs:
                raw.append((m.start(), m.end(), govs, False))
        else:
            i = next(int(k[1:]) for k, v in m.groupdict().items() if v and k.startswith("m"))
            raw.append((m.start(), m.end(), [BY_NAME[_METRO_NAMES[i]]], True))
    for j, (start, end, govs, _) in enumerate(raw):
        # "Gwangju, Gyeonggi Province" (or "Gyeonggi's Gwangju"): the Gyeonggi city, not the metro
        if govs[0].name == "광주광역시":
            after = raw[j + 1] if j + 1 < len(raw) else None
            before = raw[j - 1] if j else None
            if (after and after[2][0].name == "경기도" and _LOCATOR.fullmatch(text, end, after[0])) or (
                before
                and before[2][0].name == "경기도"
                and re.fullmatch(r"(?:'s|’s)?\s+", text[before[1] : start])
            ):
                raw[j] = (start, end, [BY_NAME["경기 광주시"]], False)
    out: list[Mention] = []
    for j, (start, end, govs, metro) in enumerate(raw):
        prev = raw[j - 1] if j else None
        nxt = raw[j + 1] if j + 1 < len(raw) else None
        if (
            metro
            and prev
            and not prev[3]
            and _LOCATOR.fullmatch(text, prev[1], start)
            and any(g.parent == govs[0].name for g in prev[2])
        ):
            continue  # "Pohang, North Gyeongsang Province": the city's locator
        if (
            metro
            and nxt
            and not nxt[3]
            and re.fullmatch(r"(?:'s|’s)?\s+", text[end : nxt[0]])
            and any(g.parent == govs[0].name for g in nxt[2])
        ):
            continue  # "South Jeolla Province's Haenam County"
        if not metro and len(govs) > 1:
            # the province after ("Gwangju, Gyeonggi Province") or before it picks one
            near = [r for r in (nxt, prev) if r and r[3]]
            locs = [
                r[2][0].name
                for r in near
                if _LOCATOR.fullmatch(text, end, r[0]) or re.fullmatch(r"(?:'s|’s)?\s+", text[r[1] : start])
            ]
            govs = [g for g in govs if g.parent in locs]
            if len(govs) != 1:
                continue
        out.append(Mention(start, end, govs[0]))
    return out


# --- Stages ----------------------------------------------------------------------------------

_AUX = r"(?:(?:has|have|had)\s+(?:also\s+)?been|was|were|is|are|been|got|gets|be|being)"
_ADV = r"(?:\s+(?:officially|formally|finally|eventually|ultimately|also|successfully|already|recently|jointly|once\s+again|again))*"
_ADJ = r"(?:[\w-]+\s+){0,4}?"
_NOT_FINALIST = r"(?!\s+(?:as\s+)?(?:a\s+|one\s+of\s+(?:the\s+)?|among\s+(?:the\s+)?)?(?:\w+\s+)?(?:finalists?|candidates?|short-?list))"
# (stage, pattern, flag): flag "object" = an active selection said of the names after it, "from" = of
# the names after "from", "hope" = a hope/aim of its subject, "agreement" = 후속 only after a selection
_CUES: list[tuple[str, str, str]] = [
    (
        "추진",
        r"\b(?:aims?|aiming|aimed|hopes?|hoping|hoped|seeks?|seeking|sought|wants?|wanted|strives?|striving|"
        r"is\s+eager|is\s+determined|is\s+looking|are\s+looking)\s+to\s+(?:win|attract|host|land|secure|bring|lure|"
        r"be\s+selected|be\s+chosen|be\s+picked|become)\b",
        "hope",
    ),
    ("심사", r"\bshort-?listed\b", ""),
    ("심사", r"\b(?:made|make|makes|on|named\s+to|added\s+to|included\s+in)\s+the\s+short-?list\b", ""),
    (
        "심사",
        r"\b(?:named|selected|chosen|picked)\s+(?:as\s+)?(?:a\s+|one\s+of\s+(?:the\s+)?)?(?:\w+\s+)?finalists?\b",
        "",
    ),
    ("심사", r"\bamong\s+the\s+(?:\w+\s+){0,2}(?:finalists|final\s+candidates)\b", ""),
    (
        "심사",
        r"\b(?:is|are|was|were|remains?|remained)\s+(?:still\s+|currently\s+)?under\s+(?:review|evaluation|"
        r"consideration|screening)\b",
        "",
    ),
    (
        "심사",
        r"\b(?:passed|cleared|advanced\s+past|made\s+it\s+through|survived|got\s+through)\s+(?:the\s+)?"
        r"(?:[\w-]+\s+){0,2}(?:round|stage|screening|evaluation|review)\b",
        "",
    ),
    ("심사", r"\b(?:advanced|moved\s+on|progressed)\s+to\s+the\s+(?:[\w-]+\s+)?(?:round|stage)\b", ""),
    (
        "심사",
        r"\b(?:underwent|hosted|received|had|went\s+through|completed|faced)\s+(?:a\s+|an\s+|the\s+|its\s+)?"
        r"(?:[\w-]+\s+){0,2}?(?:(?:site|on-site|field)\s+(?:inspection|visit|evaluation|survey)|evaluation|"
        r"screening|interview|presentation\s+evaluation)s?\b",
        "",
    ),
    (
        "심사",
        r"\b(?:gave|made|delivered|held|completed)\s+(?:a|an|its|their|the)\s+(?:[\w-]+\s+){0,2}?presentations?\b",
        "",
    ),
    ("선정", _AUX + _ADV + r"\s+(?:selected|chosen|picked|named|designated|tapped)\b" + _NOT_FINALIST, ""),
    (
        "선정",
        r"\b(?:won|wins|win|landed|lands|land|secured|secures|clinched|snagged|bagged|captured)\s+(?:the|its|their|a)\s+"
        r"(?:[\w-]+\s+){0,5}?(?:bid|contest|competition|race|right\s+to\s+host|project|cent(?:er|re)|hub)\b",
        "",
    ),
    ("선정", r"\b(?:emerged\s+as|was|were)\s+the\s+(?:\w+\s+)?winners?\b", ""),
    ("선정", r"\b(?:selected|chose|picked|named|designated|tapped)\b" + _NOT_FINALIST, "object"),
    (
        "탈락",
        r"\b(?:lost|loses|lose)\s+(?:out\b|to\b|(?:the|its|their|a)\s+(?:[\w-]+\s+){0,3}?(?:bid|race|contest|"
        r"competition|battle)\b)",
        "",
    ),
    (
        "탈락",
        r"\bfailed\s+to\s+(?:win|secure|land|attract|make|pass|advance|clear|get|be\s+selected|be\s+chosen|host|bring)\b",
        "",
    ),
    (
        "탈락",
        r"\b(?:was|were|has\s+been|have\s+been|had\s+been|got)\s+(?:eliminated|knocked\s+out|dropped|rejected|"
        r"disqualified|ruled\s+out|excluded|passed\s+over|edged\s+out)\b",
        "",
    ),
    (
        "탈락",
        r"\b(?:dropped|withdrew|withdrawn|abandoned|scrapped|gave\s+up|pulled)\s+(?:out\s+of\s+)?(?:its|their|the)?\s*"
        r"(?:[\w-]+\s+){0,2}?(?:bid|application|plan|candidacy|race|contest|campaign)\b",
        "",
    ),
    ("탈락", r"\b(?:withdrew|pulled\s+out|dropped\s+out|bowed\s+out)\s+(?:of|from)\b", ""),
    ("탈락", r"\b(?:missed\s+out|fell\s+short|came\s+up\s+short)\b", ""),
    (
        "탈락",
        r"\b(?:was|were|is|are|has|have|had)(?:\s+not|n't)\s+(?:been\s+)?(?:selected|chosen|picked|named|shortlisted)\b"
        r"(?!\s+yet)",
        "",
    ),
    (
        "신청",
        r"\b(?:submitted|submits|submit|filed|files|file|lodged|turned\s+in|sent\s+in|sent|handed\s+in)\s+"
        r"(?:a\s+|an\s+|its\s+|their\s+|the\s+)?(?:[\w-]+\s+){0,3}?(?:applications?|letters?\s+of\s+intent|LOIs?|bids?|"
        r"proposals?|bid\s+documents?|paperwork)\b",
        "",
    ),
    ("신청", r"\b(?:applied|applies|apply)\b", ""),
    (
        "신청",
        r"\b(?:entered|enters|enter)\s+(?:the|a)\s+(?:[\w-]+\s+){0,2}(?:contest|competition|open\s+call|call)\b",
        "",
    ),
    (
        "신청",
        r"\breceived\s+(?:\w+\s+){0,2}(?:applications|bids|letters\s+of\s+intent|proposals)\s+from\b",
        "from",
    ),
    ("추진", r"\bbid(?:s|ding)?\s+(?:for|to\s+(?:host|attract|win|bring|land))\b", ""),
    (
        "추진",
        r"\b(?:launched|launches|launch|began|begun|started|kicked\s+off|stepped\s+up|ramped\s+up|intensified|"
        r"mounted)\s+(?:a|an|its|their|the)\s+"
        + _ADJ
        + r"(?:bid|campaign|drive|push|efforts?|race|bidding)\b",
        "",
    ),
    (
        "추진",
        r"\b(?:push(?:ed|es|ing)?|vying|competing|campaigning|racing|lobbying|vie[ds]?|compete[ds]?|lobbied)\s+"
        r"(?:hard\s+)?(?:for|to\s+(?:host|attract|win|land|bring))\b",
        "",
    ),
    (
        "추진",
        r"\b(?:formed|forms|set\s+up|sets\s+up|launched|organized|organised|created|established)\s+(?:a|an|its|the)\s+"
        + _ADJ
        + r"(?:task\s+force|committee|TF|team|consortium|alliance)\b",
        "",
    ),
    (
        "추진",
        r"\b(?:vowed|vows|pledged|pledges|promised)\s+to\s+(?:win|attract|bring|host|land|secure|lure)\b",
        "",
    ),
    ("추진", r"\b(?:joined|joins|entered)\s+the\s+(?:[\w-]+\s+){0,2}?(?:race|fray|bidding(?:\s+war)?)\b", ""),
    (
        "추진",
        r"\b(?:preparing|prepared|prepares|drafting|drafted|drawing\s+up|drew\s+up)\s+(?:a|an|its|their)\s+"
        r"(?:[\w-]+\s+){0,2}?(?:bid|application|proposal)\b",
        "",
    ),
    ("추진", r"\b(?:woo|woos|wooing|wooed|courting|courted)\b", ""),
    (
        "후속",
        r"\b(?:signed|signs|inked|inks|concluded)\s+(?:a\s+|an\s+|the\s+|its\s+)?(?:[\w-]+\s+){0,4}?(?:agreements?|"
        r"MOUs?|memorandums?|contracts?|deals?|pacts?)\b",
        "agreement",
    ),
    ("후속", r"\b(?:broke|breaks|breaking)\s+ground\b", ""),
    (
        "후속",
        r"\b(?:held|holds|hosted)\s+(?:a|an|the|its)\s+(?:[\w-]+\s+){0,3}?(?:groundbreaking|opening|inauguration|"
        r"completion)\s+ceremony\b",
        "",
    ),
    (
        "후속",
        r"\b(?:began|begun|started|starts|begins|kicked\s+off|commenced)\s+(?:the\s+)?(?:construction|building|"
        r"works?|operations?)\b",
        "",
    ),
    (
        "후속",
        r"\b(?:opened|inaugurated)\s+(?:the|its)\s+(?:[\w-]+\s+){0,5}?(?:cent(?:er|re)|hub|facility)\b",
        "",
    ),
]
_COMPILED = [(stage, re.compile(p, re.IGNORECASE), flag) for stage, p, flag in _CUES]


@dataclass(frozen=True, slots=True)
class Cue:
    start: int
    end: int
    stage: str
    flag: str


def find_cues(text: str) -> list[Cue]:
    """Every stage predicate, overlaps resolved to the one starting first (then the longer)."""
    found = sorted(
        (Cue(m.start(), m.end(), stage, flag) for stage, p, flag in _COMPILED for m in p.finditer(text)),
        key=lambda c: (c.start, -c.end),
    )
    out: list[Cue] = []
    for c in found:
        if out and c.start < out[-1].end:
            continue
        out.append(c)
    return out


# a modal or an infinitive right before the cue: a plan or a future ("will submit", "plans to apply")
_FUTURE = re.compile(
    r"\b(?:will|would|shall|could|may|might|can|should|must|to|'ll)\s+(?:(?:also|soon|then|likely|officially|formally|"
    r"jointly|again|eventually|finally)\s+)*$",
    re.IGNORECASE,
)
# a speculation of others, not a plan of the bidder: "is expected to be selected"
_SPECULATION = re.compile(
    r"\b(?:expected|likely|tipped|poised|forecast|predicted|projected|rumored|rumoured|favored|favoured)\s+to\s+$",
    re.I,
)
_HOPE_WORD = re.compile(
    r"\b(?:hope[sd]?|hoping|wish(?:es|ed)?|want(?:s|ed)?|urge[sd]?|call(?:s|ed)?\s+for|expects?)\b", re.I
)
_NEGATED = re.compile(
    r"(?:\b(?:not|never)|n't)\s+(?:(?:yet|been|be|officially|formally|also)\s+)*$|\byet\s+to\s+(?:be\s+)?$",
    re.I,
)
_NOT_YET = re.compile(r"\byet\b", re.I)
_CONDITIONAL = re.compile(r"\b(?:if|unless|whether|once|should\s+it|in\s+case)\b", re.I)
_NEITHER = re.compile(r"\bneither\b", re.I)
# what a name after a preposition is: a rival, partner, site or recipient, not the subject
_BLOCKED = re.compile(
    r"\b(?:in|to|from|with|over|than|against|near|of|for|by|at|beat|beating|behind|like|unlike|besides|"
    r"outpacing|surpassing)\s+(?:the\s+)?(?:(?:[\w-]+\s+){0,2}?(?:cities|rivals?|counties|provinces|regions)\s+)?$",
    re.I,
)
_JOIN = re.compile(
    r"(?:'s|’s)?(?:\s*,\s*(?:and\s+|or\s+|nor\s+)?|\s+(?:and|or|nor|as\s+well\s+as|&)\s+)(?:the\s+)?"
)
_LOSERS = re.compile(r"\b(?:over|beating|edging\s+out|ahead\s+of|outpacing|besting)\s+", re.I)
_PRONOUN = re.compile(
    r"\b(?:[Ii]t|[Tt]hey|[Bb]oth|[Tt]he\s+(?:city|county|province|provincial\s+government|city\s+government|"
    r"county\s+government|municipality|municipal\s+government|local\s+government|two\s+cities|two\s+regions))\b"
)
# clause cuts: ", while", ", but", "; ", ", and" ... (kept only where each side has a cue)
_CUT = re.compile(
    r"\s*;\s*|,?\s+(?:while|whereas|but|although|though|and\s+then)\s+|,\s+(?:and|but|as|after|before)\s+"
)


def _clauses(text: str) -> list[tuple[int, str]]:
    pieces, pos = [], 0
    for m in _CUT.finditer(text):
        pieces.append((pos, text[pos : m.start()]))
        pos = m.end()
    pieces.append((pos, text[pos:]))
    out: list[tuple[int, str]] = []
    for off, piece in pieces:  # a piece with no cue is joined back to the one before
        if out and not (find_cues(piece) and find_cues(out[-1][1])):
            prev_off, _ = out[-1]
            out[-1] = (prev_off, text[prev_off : off + len(piece)])
        else:
            out.append((off, piece))
    return out


def _group_before(clause: str, mentions: list[Mention], at: int) -> list[Mention]:
    """The subjects before `at`: the last name not after a preposition, and those joined to it."""
    cands = [m for m in mentions if m.end <= at and not _BLOCKED.search(clause, 0, m.start)]
    if not cands:
        return []
    group = [cands[-1]]
    for m in reversed(cands[:-1]):
        if not _JOIN.fullmatch(clause, m.end, group[0].start):
            break
        group.insert(0, m)
    return group


def _group_after(clause: str, mentions: list[Mention], at: int, limit: int) -> list[Mention]:
    """The names right after `at` (an object, or those after "from"/"over"), joined to each other."""
    group: list[Mention] = []
    for m in mentions:
        if m.start < at or m.start >= limit:
            continue
        if group and not _JOIN.fullmatch(clause, group[-1].end, m.start):
            break
        if not group and not re.fullmatch(
            r"\s*(?:the\s+)?(?:(?:[\w-]+\s+){0,3}?(?:cities|city|county|counties|province)\s+(?:of\s+)?)?",
            clause[at : m.start],
        ):
            break
        group.append(m)
    return group


# --- Dates -----------------------------------------------------------------------------------

_MONTHS = {
    m[:3].lower(): i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)
}
_MONTH = r"(?P<month>Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?:,?\s+(?P<year>20\d\d))?"
    rf"|(?P<day2>[12]\d|3[01]|0?[1-9])\s+{_MONTH.replace('month', 'month2')}(?:,?\s+(?P<year2>20\d\d))?"
    rf"|(?P<rel>last|this|next|earlier\s+this|late\s+last|early\s+last|later\s+this)\s+(?P<unit>month|year|week)"
    rf"|(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|(?P<yesterday>yesterday)"
    rf"|(?:in|since|by|until|last|early|late|mid-?)\s+{_MONTH.replace('month', 'month3')}(?:,?\s+(?P<year3>20\d\d)|\s+(?P<ly>last|next)\s+year)?)"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateSpan:
    start: int
    end: int
    value: str | None  # "YYYY-MM" or "YYYY-MM-DD", None when a plan or not knowable


def date_spans(text: str, published: date | None) -> list[DateSpan]:
    out = []
    for m in _DATE.finditer(text):
        out.append(DateSpan(m.start(), m.end(), _resolve(m, published)))
    return out


def _resolve(m: re.Match[str], pub: date | None) -> str | None:
    g = m.groupdict()
    if pub is None:
        year = g["year"] or g["year2"] or g["year3"]
        month = g["month"] or g["month2"] or g["month3"]
        day = g["day"] or g["day2"]
        if year and month:
            return f"{int(year):04d}-{_MONTHS[month[:3].lower()]:02d}" + (f"-{int(day):02d}" if day else "")
        return None
    if g["yesterday"]:
        return (pub - timedelta(days=1)).isoformat()
    if g["weekday"]:  # "on Tuesday": the last such day up to the publish date
        back = (pub.weekday() - _WEEKDAYS.index(g["weekday"].lower())) % 7
        return (pub - timedelta(days=back)).isoformat()
    if g["rel"]:
        rel, unit = g["rel"].lower(), g["unit"].lower()
        if unit != "month" or rel == "next":
            return None  # "next month" is a plan; "last year" gives no month
        if "last" in rel:
            y, mo = (pub.year, pub.month - 1) if pub.month > 1 else (pub.year - 1, 12)
            return f"{y:04d}-{mo:02d}"
        return f"{pub.year:04d}-{pub.month:02d}"
    month_name = g["month"] or g["month2"] or g["month3"]
    month = _MONTHS[month_name[:3].lower()]
    day = int(g["day"] or g["day2"] or 0) or None
    explicit = g["year"] or g["year2"] or g["year3"]
    if g["ly"] and g["ly"].lower() == "next":
        return None
    if explicit:
        year = int(explicit)
    elif g["ly"]:
        year = pub.year - 1
    else:
        year = pub.year - 1 if month > pub.month else pub.year  # a recap, as dates.resolve
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


# --- Programs --------------------------------------------------------------------------------

# English names of the default programs beyond their aliases ("the national AI computing centre")
EXTRA = {
    "국가 AI 컴퓨팅센터": re.compile(
        r"\b(?:national\s+)?(?:AI|artificial\s+intelligence)\s+(?:computing|supercomputing)\s+(?:cent(?:er|re)|hub)\b",
        re.I,
    ),
    "아시아·태평양 AI 센터": re.compile(
        r"\b(?:Asia[-\s]Pacific|APEC)\s+(?:AI|artificial\s+intelligence)\s+(?:cent(?:er|re)|hub)\b", re.I
    ),
}


def _program_spans(text: str, programs: tuple[Program, ...]) -> list[tuple[int, int, str]]:
    found = []
    for p in programs:
        spans = p.spans(text)
        if p.name in EXTRA:
            spans = spans + [(m.start(), m.end()) for m in EXTRA[p.name].finditer(text)]
        found += [(s, e, p.name) for s, e in spans]
    return without_overlaps(found)


# --- Claims ----------------------------------------------------------------------------------

# an abbreviation ending a piece the sentence splitter cut ("on Feb." | "20, Pohang ...")
_ABBREV = re.compile(
    r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|Gov|Rep|Sen|No|St|Co|Corp|Inc|Ltd|vs|Prof)|\b[A-Z])\.$"
)


def join_abbreviations(texts: list[str]) -> list[str]:
    """Re-join English sentences cut after an abbreviation ("Feb." + "20, ...")."""
    out: list[str] = []
    for t in texts:
        if out and not HANGUL.search(t) and not HANGUL.search(out[-1]) and _ABBREV.search(out[-1]):
            out[-1] = out[-1] + " " + t
        else:
            out.append(t)
    return out


def english_claims(
    texts: list[str], programs: tuple[Program, ...], published: datetime | date | None, window: int = 2
) -> list[BidClaim]:
    """The claims of the sentences with no Hangul among `texts` (title first, then the body)."""
    pub = published.date() if isinstance(published, datetime) else published
    texts = join_abbreviations(texts)
    spans = [_program_spans(t, programs) for t in texts]  # Korean sentences too: the window
    ranks = {p.name: p.ranks for p in programs}
    out: dict[tuple[str, str, str], BidClaim] = {}
    last: list[Mention] = []  # the last clause's bidders, for "the city", "it"
    for i, text in enumerate(texts):
        if HANGUL.search(text):
            last = []
            continue
        near = {p for s in spans[max(0, i - window) : i] for _, _, p in s} | (
            {p for _, _, p in spans[0]} if i else set()
        )
        fallback = next(iter(near)) if len(near) == 1 else None
        if not spans[i] and fallback is None:
            last = []
            continue
        dates = date_spans(text, pub)
        here: dict[tuple[str, str, str], BidClaim] = {}
        for off, clause in _clauses(text):
            mentions = find_mentions(clause)
            cues = find_cues(clause)
            for k, cue in enumerate(cues):
                stage = cue.stage
                before = clause[: cue.start]
                if _CONDITIONAL.search(before) or text.rstrip().endswith("?"):
                    continue
                if _NEGATED.search(before) and stage != "탈락":
                    if stage in ("선정", "심사") and not _NOT_YET.search(before[-20:]):
                        stage = "탈락"  # "was not selected", "did not win"
                    else:
                        continue  # "has not applied yet", "did not submit"
                future = bool(_FUTURE.search(before)) or cue.flag == "hope"
                if _SPECULATION.search(before):
                    continue
                limit = cues[k + 1].start if k + 1 < len(cues) else len(clause)
                if cue.flag in ("object", "from"):
                    bidders = _group_after(clause, mentions, cue.end, limit)
                    if cue.flag == "object" and not bidders:
                        continue
                else:
                    bidders = _group_before(clause, mentions, cue.start)
                    if not bidders and not mentions and _PRONOUN.search(before):
                        bidders = last
                    if not bidders:
                        bidders = [
                            m
                            for m in _group_after(clause, mentions, cue.end, limit)
                            if re.search(r"\bby\s+$", clause[cue.end : m.start])
                        ]
                if future:
                    if stage in ("탈락", "후속"):
                        continue
                    # a hope is its subject's: "Residents hope Pohang will be selected" is nothing
                    bidders = [b for b in bidders if not _HOPE_WORD.search(clause, 0, b.start)]
                    stage = "추진"
                if bidders and _NEITHER.search(clause, 0, bidders[0].end) and stage == "선정":
                    stage = "탈락"
                program = _program_for(cue.start + off, cue.end + off, off, spans[i], fallback)
                if program is None:
                    continue
                if cue.flag == "agreement" and not (
                    any(
                        k2[0] == b.gov.name and k2[1] == program and k2[2] == "선정"
                        for k2 in out
                        for b in bidders
                    )
                    or re.search(
                        r"\bafter\s+(?:winning|being\s+(?:selected|chosen)|its\s+selection)", text, re.I
                    )
                ):
                    stage = "추진"  # an agreement while still bidding is a step of the bid
                stated = (
                    None if future else _date_for(dates, off + cue.start, off + cue.end, off, off + limit)
                )
                losers: list[Mention] = []
                if stage == "선정":
                    lm = _LOSERS.search(clause, cue.end, limit)
                    if lm:
                        losers = _group_after(clause, mentions, lm.end(), limit)
                for bidder_list, st in ((bidders, stage), (losers, "탈락")):
                    if st not in ranks[program]:
                        continue
                    for b in bidder_list:
                        key = (b.gov.name, program, st)
                        if key not in here or (stated and not here[key].stated):
                            here[key] = BidClaim(program, b.gov.name, st, text[:500], stated)
                if bidders:
                    last = bidders
        # 추진 adds nothing where the sentence states a further stage of the same bid
        further = {(b, p) for b, p, st in here if st != "추진"}
        for key, claim in here.items():
            if key[2] == "추진" and (key[0], key[1]) in further:
                continue
            if key not in out or (claim.stated and not out[key].stated):
                out[key] = claim
    return list(out.values())


def _program_for(start: int, end: int, clause_start: int, spans, fallback: str | None) -> str | None:
    """The program named nearest before the cue in its clause, else after it, else before the
    clause, else the one the sentences before name."""
    before = [p for p in spans if p[1] <= start]
    if before and before[-1][0] >= clause_start:
        return before[-1][2]
    after = [p for p in spans if p[0] >= start]
    if after:
        return after[0][2]
    return before[-1][2] if before else fallback


def _date_for(dates: list[DateSpan], start: int, end: int, clause_start: int, limit: int) -> str | None:
    """The date after the cue before the next cue ("submitted ... on Feb. 20"), else the last one
    before it in its clause ("On Feb. 20, Pohang submitted", "said Tuesday it had applied")."""
    after = [d for d in dates if end <= d.start < limit]
    if after:
        return after[0].value
    before = [d for d in dates if clause_start <= d.start and d.end <= start]
    return before[-1].value if before else None
