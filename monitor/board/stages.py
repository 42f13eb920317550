"""Stages of a bid and the predicates that state them, on raw (normalized) Korean strings.

A cue is a predicate such as "의향서를 제출했다" (신청) or "최종 선정됐다" (선정). What follows
it decides what it says: "선정되길 기대", "선정을 목표로", "선정될 수 있도록" are hope, not a
selection (the bidder is pursuing it: 추진); "선정되지 못했다" is a loss (탈락); "신청할 계획"
is a plan (추진). `find_cues` returns every cue in a clause with the stage it states, or None
for a cue that states nothing (a hoped-for follow-up, a denied application).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .anchors import anchored
from .cues import _ADV, COMPETITION, CUES, IN_CONTEXT, INTERNAL_CANDIDATE

STAGES = ("추진", "신청", "심사", "선정", "탈락", "후속")
DEFAULT_ORDER = ("추진", "신청", "심사", "선정/탈락", "후속")

# A follow-up predicate whose object is the bid itself ("유치를 위한 업무협약", "공동 유치 협약"):
# an agreement to pursue the bid, so it states 추진, not a follow-up of a selection.
_FOR_THE_BID = re.compile(
    r"유치(?:를|에)?\s?(?:위한|위해|협력|지원|관련|공조)?\s?(?:\S+\s)?$"
    # the goal named further back ("유치를 목표로 한국전기연구원, 경남테크노파크와 업무협약을")
    r"|유치(?:를|을)\s?(?:목표로|겨냥해|겨냥한|위해|위한)\s(?:\S+\s){0,4}?$"
)
# An active selection ("정부는 ... 해남을 확정했다", "전남도 컨소시엄을 선정했다"): the chosen
# bidder is the object; the subject is the one choosing. claims.py attaches it to objects only.
# "공모 참여를 확정했다"; "자문위원 20명을 선정하고": people chosen, not a place
_NOT_A_PLACE = r"(?<!참여|참가|도전|신청|응모|출전)(?<!명)"
_OBJECT_SELECTION = anchored(
    _NOT_A_PLACE + r"(?:을|를|\S)\s?" + _ADV + r"(?:선정|확정|낙점)(?:했|한|하고|하며|하면서|하자)"
    r"|" + _NOT_A_PLACE + r"(?:을|를)\s?" + _ADV + r"(?:결정|지정|선택|채택)(?:했|한|하고|하며|하면서|하자)"
    # "입지로 무안군을 택하면서": the place named before the chosen one
    r"|(?:을|를)\s?" + _ADV + r"(?:택했|택한|택하고|택하며|택하면서|택하자|뽑았|뽑은|뽑고|뽑으며|뽑으면서)"
    r"|(?:을|를)\s(?:\S*[^\s을를]\s){0,5}?\S*(?:지|도시|입지|대상|기관)(?:로|으로)\s?"
    + _ADV
    + r"(?:뽑았|뽑은|뽑고|택했|택한|선택했|선택한|지정했|지정한|결정했|결정한|정했|정한|발표했|발표한|발표하며|"
    r"의결했|의결한|의결하고)"
)
# "입지로 해남군을 발표했다": a selection announced, only with the place named before its object
_ANNOUNCED = anchored(r"(?:을|를)\s?" + _ADV + r"발표(?:했|한|하고|하며|하면서|하자)")
_PLACE_BEFORE = re.compile(r"(?:입지|도시|대상지|부지|지자체|설립지|건립지)(?:로|으로)\s(?:\S+\s){0,3}?\S+$")
# The program itself won, stated with the bare verb in the realis ("아태 AI 센터를 유치하면서",
# "...를 유치한 포항시", "...를 가져가면서"): a selection, but only with the program as its object,
# since 기업/투자를 유치했다 and 절반을 차지했다 are everyday news. claims.py checks that the program ends right before the particle.
# The program lost, as the object of 놓치다 ("국가 AI 컴퓨팅센터를 놓친 포항시"): only with the
# program as its object, since a chance or a deadline is missed in everyday news too.
_LOST_PROGRAM = anchored(r"(?:을|를|\s)\s?" + _ADV + r"(?:놓쳤|놓친|놓치고|놓치며|놓치면서)")
# The program went to a city ("아태 AI 센터가 포항으로 간", "...는 광주에 돌아갔다"), or the
# government sided with one ("청주시의 손을 들어줬다"): said of the name right before the cue.
_TO_NAMED = anchored(
    r"(?:으로|로|에|에게)\s?"
    + _ADV
    + r"(?:갔|간(?=\s)|가게\s?(?:됐|되면서|된)|가면서|가자|넘어갔|넘어간|돌아갔|돌아간|돌아가면서|낙착)"
)
# A condition on the selection ("나주시는 ... 선정될 경우 ... 효과를 내다봤다"): the bid pursued,
# but only said by the bidder as the topic; "정치권은 포항이 ... 확정되면" is someone's forecast.
_CONDITIONAL = anchored(
    r"(?:선정|유치|확정)(?:될\s?경우|된다면|되면(?!서)|될\s?시|되는\s?대로|에\s?성공하면|에\s?성공할\s?경우)"
)
# The program aimed at as the object ("이번에는 아태 AI 센터에 도전한다", "...센터를 노린다"): 추진,
# only with the program right before the particle (a record or a market is aimed at too).
_AIMED_PROGRAM = anchored(
    r"(?:에|에도|을|를)\s?" + _ADV + r"(?:재\s?)?(?:도전|노리|노려|노린|노렸|넘보|넘본|겨냥|정조준)"
)
# Turning to the program after another ("아태 AI 센터로 눈을 돌렸다", "...센터 유치로 방향을 틀었다"):
# only with the program before it, since a city also turns to a data center or a special zone.
_TURNED_TO = anchored(
    r"(?:\s?유치)?(?:\s?쪽)?(?:로|으로)\s?(?:\S+\s)?(?:눈을\s?돌|방향을\s?틀|방향을\s?돌|선회|시선을\s?돌|과녁을\s?옮)"
)
# The program as the head of an adnominal win ("경주시가 유치한 아태 AI 센터의 임시 사무국이",
# "해남군이 따낸 국가 AI 컴퓨팅센터는"): the name right before it won the program right after it.
_WON_THE_NEXT = anchored(
    r"(?:이|가)\s"
    + _ADV
    + r"(?:유치한|유치해\s?낸|유치해낸|따낸|품은|가져간|차지한|거머쥔|확정한|확정\s?지은)\s"
)
# Hope in a cue's words or right after it ("선정되기를 희망", "유치되길 바라는"): someone hopes;
# claims.py keeps it only when the bidder is the one hoping.
_HOPING = re.compile(r"되길|되기를|하길|하기를|기대|희망|바라|바란|기원|염원|와야|들어서야|돼야|되어야|해야")
_SIDED_WITH = anchored(r"의\s?손을\s?들어(?:줬|준|주며|주면서|주자|주었|줘)")
_WON_PROGRAM = anchored(
    r"(?:을|를)\s?"
    # where it comes to ("...센터를 원주에 꼭 가져오겠다": a will, read as 추진 after the cue)
    + r"(?:\S+에\s)?"
    + _ADV
    + r"(?:유치(?:했|한(?=\s)|하면서|해\s?(?:냈|낸|내면서)|함에\s?따라|하게\s?(?:됐|되면서|된))"
    r"|가져갔|가져간|가져가며|가져가면서|가져왔|가져온(?=\s)|가져오|차지했|차지한|차지하며|차지하면서)"
)

# A syllable closed by ㄹ: the future adnominal ("마칠 계획", "받을 예정")
_L_FINAL = "".join(chr(0xAC00 + i * 28 + 8) for i in range(19 * 21))
# After a cue: the predicate is hope, a plan, a condition or a goal, not a fact. A condition is
# "-면" but not "-면서" (while: a fact, "품으면서"); "-기로 했다" is a decision still to be carried out.
_MODAL = re.compile(
    r"^(?:\S{0,3})?\s?(?:"
    r"기대|목표|위해|위한|위하여|수\s?있도록|수\s?있게|도록|면(?!서)|다면|으면(?!서)|경우|예정|전망|계획|방침|"
    r"노력|총력|기원|희망|바라|바란|바람|앞두|앞둔|앞에|것으로\s?(?:보|예상|전망|기대)|할\s?것|될\s?것|"
    r"겠|려고|려는|하려|되려|가능성|여부|을\s?지|를\s?위|에\s?대비|을\s?목표|를\s?목표|을\s?기대|를\s?기대|"
    r"을\s?앞|를\s?앞|시\s|시에|하기|되기|기로|할|될|하길|되길|되기를|하기를|받을|받기|을\s?위|을\s?두고|에\s?대한|"
    r"결과|발표를|여부를|기준|절차|요건|일정|방식|공고|대상|심사|준비|을\s?미|를\s?미|을\s?연기|를\s?연기|"
    # a further verb in the future adnominal, then the plan ("신청을 마칠 계획이라고");
    # confidence is a hope ("1차 평가 통과를 자신하고 있다")
    rf"\S{{0,2}}[{_L_FINAL}]\s(?:계획|예정|방침)|자신(?:하|한|했|감)|장담|낙관|확신|"
    # a will in the next verb ("착공에 힘쓰겠다", "실사 대비에 총력을 기울이겠다")
    r"\S{0,4}겠)"
)
# "검토 중", "참여하는 방안을 저울질", "참여 여부를": not even a decision to bid
# "참여를 적극 검토", "신청을 놓고 막판까지 고심": deliberating over it, with an adverb inside
_CONSIDER = re.compile(
    r"^(?:[할될낼갈]?지(?:는|를|도|\s?여부|\s?말지)(?!\s?(?:않|못)))"
    r"|^\S{0,4}\s?(?:여부|(?:(?:방안|가능성|문제|쪽)(?:을|를|도|에)?\s?(?:\S+\s){0,2})?"
    r"(?:(?:놓고|두고)\s(?:\S+\s){0,2}?)?"
    r"(?:(?:적극|적극적으로|신중히|신중하게|긍정적으로|내부적으로|심각하게|깊이|막판까지)\s)?"
    r"(?:검토|고려|저울질|타진|고민|고심|논의|장고|숙고|득실을\s?따|손익을\s?따|주판알|셈법))"
)
# "참여할 계획이 없다", "유치 의사는 없다": an intention denied states no bid at all
_NO_INTENT = re.compile(
    r"^\S{0,3}\s?(?:(?:계획|생각|의사|의향|방침|예정|뜻|여력)(?:이|은|도|가|는)?\s?)?(?:전혀\s|아직\s)?없"
)
# "의향서 제출을 다음 달로 미뤘다": postponed; "제출을 사흘 앞두고": the cue itself is still
# ahead (its object, not "통과해 발표 평가를 앞두고", where the next round is): both a plan
_POSTPONED = re.compile(
    r"^\S{0,3}\s?(?:\S+\s){0,3}?(?:미뤘|미루|미룬|연기|늦추|늦췄)|^(?:을|를)\s(?:\S+\s)?앞(?:두|둔)"
)
# "서면 평가에서 탈락했다": the evaluation names where the bid was lost, the loss is the news
_LOST_THERE = re.compile(r"^\S{0,3}\s?(?:\S+\s)?(?:탈락|고배|밀려|밀린|떨어|낙방)")
# "개소식은 2027년 봄으로 예정돼 있다", "착공식을 내년 3월 열 예정이다": a follow-up named as a
# noun, then planned further on; a past stem between ("열었으며 준공은 ... 예정") ends that reading
_PAST = "".join(chr(0xAC00 + i * 28 + 20) for i in range(19 * 21))  # syllables ending in ㅆ
_PLANNED_LATER = re.compile(
    r"^(?:은|는|이|가|도)\s(?:\S+\s){0,3}?\S*?(?:예정|계획|목표|전망|예상)"
    rf"|^(?:을|를)\s(?:[^\s{_PAST}]+\s){{0,3}}?[^\s{_PAST}]*?(?:예정|계획)"
)
# the same, for a cue that took the object particle itself ("착공식을")
_PLANNED_OBJECT = re.compile(rf"^\s(?:[^\s{_PAST}]+\s){{0,3}}?[^\s{_PAST}]*?(?:예정|계획)")
_NEGATED = re.compile(
    r"^(?:\S{0,3})?\s?(?:지\s?못|지\s?않|못했|못한|못하|않았|않은|않기로|안\s?돼|안\s?되|안\s?했)"
)
# the outcome told as what the bidder was notified of ("떨어졌다는 통보를", "못했다는 결과를")
_REPORTED_FACT = re.compile(r"^\S{0,3}다는\s(?:결과|통보|통지|연락|소식)")
# "뛰어들 경우", "나설 경우에는": a supposition after a pursuit cue
_SUPPOSED = re.compile(r"^\S{0,1}\s?경우")
# "신청한다." at the sentence's end: the plain present, a plan
_PLAIN_PRESENT = re.compile(r"^한다(?:\.|$)")
# A decision carried out: "신청을 철회하기로 했다" is a withdrawal already.
_DECIDED = re.compile(r"^\S{0,2}기로\s?(?:했|결정|한|하고)")
# A province's own pick of one candidate before the national call ("도 단일 후보지로 포항을
# 낙점하면서", "도내 후보지 공모에 응모했다"): the province pursues the bid (추진); the cities
# that applied to it have not applied to the program.
_INTERNAL = re.compile(INTERNAL_CANDIDATE + r"\s?(?:공모)?(?:에|로|으로|를|을)?\s?(?:\S+\s){0,2}?\S*$")
_COMPETITION = re.compile(COMPETITION)
# What a round's words name when a loss follows ("서면평가 통과 명단에서 빠졌다", "후보지 압축
# 과정에서 제외됐다"): the list or the process it was left out of, not a round reached
_LEFT_OUT_OF = re.compile(r"\s?\S{0,4}?(?:명단|과정|대상|단계)\S{0,2}에서\s")
# Words before a 선정 cue that make it a shortlist: "후보지로 선정" is 심사.
_SHORTLIST_BEFORE = re.compile(
    r"(?:예비\s?후보|후보지|후보\s?도시|후보군|[23]배수)"
    r"(?:\s?(?:\d+|두|세|네|다섯)\s?(?:곳|개\s?\S+?)(?:\s?(?:가운데|중)\s?(?:하나|한\s?곳))?)?"
    r"(?:로|에|으로)?\s?(?:최종\s?)?$"
)


@dataclass(frozen=True, slots=True)
class Cue:
    """One predicate in a clause: where it is and the stage it states (None: states nothing)."""

    start: int
    end: int
    stage: str | None
    raw: str  # the stage its words name before hope and negation are read
    object_only: bool = False  # an active selection: it is said of its object, not its subject
    program_object: bool = False  # states something only with the program as its object
    named_before: bool = False  # said of the name right before it ("포항으로 간", "청주시의 손을")
    program_subject: bool = False  # only with the program as the clause's subject ("센터가 ...")
    topic_only: bool = False  # said only of a bidder as the topic ("나주시는"), not "포항이"
    hope: bool = False  # 추진 read from a hope ("선정되기를 희망"): whose hope is asked in claims.py
    program_after: bool = False  # only with the program right after it ("경주시가 유치한 아태 AI 센터")
    # an idiom (cues.IN_CONTEXT): it states its stage only with the competition in its sentence
    # (claims.py checks, with `in_competition`)
    in_context: bool = False


_COMPILED = {stage: tuple(anchored(p) for p in pats) for stage, pats in CUES.items()}
_COMPILED_IN_CONTEXT = {stage: tuple(anchored(p) for p in pats) for stage, pats in IN_CONTEXT.items()}
# the same, flat, with whether the cue needs the competition beside it: find_cues runs ~120 of
# them on every clause, so their gates (a.gates, the most selective first) are checked inline
# there rather than through a call per pattern
_FLAT: tuple[tuple[str, tuple[str | re.Pattern[str], ...], re.Pattern[str], bool], ...] = tuple(
    (stage, a.gates, a.pattern, in_context)
    for compiled, in_context in ((_COMPILED, False), (_COMPILED_IN_CONTEXT, True))
    for stage, pats in compiled.items()
    for a in pats
)


def in_competition(text: str, start: int, end: int) -> bool:
    """A competition word in `text` outside the cue's own words ("공모에서 고배를 마셨다")."""
    return any(m.end() <= start or m.start() >= end for m in _COMPETITION.finditer(text))


def _read(stage: str, clause: str, start: int, end: int) -> str | None:
    after = clause[end : end + 16]
    if _CONSIDER.match(after) or _NO_INTENT.match(after):
        return None
    if stage in ("탈락", "선정", "심사") and _REPORTED_FACT.match(after):
        return stage  # "넘지 못했다는 결과를 통보받았다": the result reported, a fact
    if stage == "후속" and after.startswith("까지"):
        return None  # "착공까지 빈틈없이 준비하겠다": a goal ahead, not the works
    if stage == "탈락":
        # "탈락하지 않도록", "탈락할 경우": a fear, not a loss; "포기하기로 했다": a loss
        if _DECIDED.match(after):
            return "탈락"
        return None if _MODAL.match(after) or _NEGATED.match(after) else "탈락"
    if _NEGATED.match(after):
        return "탈락" if stage == "선정" else None
    if stage == "추진" and _SUPPOSED.match(after):
        return None  # "화성시까지 유치전에 뛰어들 경우": a supposition, no one has joined
    if stage == "신청" and _PLAIN_PRESENT.match(("한" if clause[end - 1 : end] == "한" else "") + after):
        return "추진"  # "충남도는 이달 말 공모에 신청한다": the plain present of news is a plan
    if not _connected(clause, start, end) and (_MODAL.match(after) or _POSTPONED.match(after)):
        # hoped-for or planned: the bidder is pursuing it, nothing more
        return "추진" if stage in ("선정", "신청", "추진") else ("신청" if stage == "심사" else None)
    if stage in ("선정", "신청") and _INTERNAL.search(clause, max(0, start - 30), start):
        return "추진" if stage == "선정" else None
    if stage == "선정" and _SHORTLIST_BEFORE.search(clause[max(0, start - 24) : start]):
        return "심사"
    if stage == "심사" and _LOST_THERE.match(after) and clause[start:end].endswith("에서"):
        # the evaluation is where the bid was lost ("최종 심사에서 떨어졌다"), but "최종 후보에
        # 올랐던 포항시는 고배를" got through one round before losing the next
        return None
    if stage == "후속" and (
        _PLANNED_LATER.match(clause[end : end + 30])
        or (clause[end - 1] in "을를" and _PLANNED_OBJECT.match(clause[end : end + 30]))
    ):
        return None
    if stage == "후속" and _FOR_THE_BID.search(clause[max(0, start - 40) : start]):
        return "추진"
    return stage


# A cue ending in a connective ("평가를 통과해 결과 발표를", "명단에 들어 발표를 준비", "신청하고
# 결과를"): it is done, and the words after it are the next predicate, not its hope or plan.
_CONNECTIVE_AFTER = re.compile(r"(?:해|하고|하며|하여|해서|되어|되고|되며)\s")
_CONNECTIVE_END = re.compile(r"(?:[어아여쳐해고며]|들어|올라)$")


def _connected(clause: str, start: int, end: int) -> bool:
    return bool(
        _CONNECTIVE_AFTER.match(clause, end)
        or (clause[end : end + 1] == " " and _CONNECTIVE_END.search(clause[start:end]))
    )


def find_cues(clause: str) -> list[Cue]:
    """Every stage cue in one clause, left to right, overlaps resolved to the longest."""
    found: list[Cue] = []
    for stage, gates, pattern, in_context in _FLAT:
        for gate in gates:
            if (gate not in clause) if type(gate) is str else (gate.search(clause) is None):
                break
        else:
            for m in pattern.finditer(clause):
                a, b = m.start(), m.end()
                found.append(Cue(a, b, _read(stage, clause, a, b), stage, in_context=in_context))
    for m in _OBJECT_SELECTION.finditer(clause):
        stage = _read("선정", clause, m.start(), m.end())
        found.append(Cue(m.start(), m.end(), stage, "선정", object_only=stage == "선정"))
    for m in _ANNOUNCED.finditer(clause):
        if _PLACE_BEFORE.search(clause, max(0, m.start() - 40), m.start()):
            stage = _read("선정", clause, m.start(), m.end())
            found.append(Cue(m.start(), m.end(), stage, "선정", object_only=stage == "선정"))
    for m in _WON_PROGRAM.finditer(clause):
        stage = _read("선정", clause, m.start(), m.end())
        found.append(Cue(m.start(), m.end(), stage, "선정", program_object=True))
    for m in _LOST_PROGRAM.finditer(clause):
        stage = _read("탈락", clause, m.start(), m.end())
        found.append(Cue(m.start(), m.end(), stage, "탈락", program_object=True))
    for m in _AIMED_PROGRAM.finditer(clause):
        stage = _read("추진", clause, m.start(), m.end())
        found.append(Cue(m.start(), m.end(), stage, "추진", program_object=True))
    for m in _TURNED_TO.finditer(clause):
        found.append(Cue(m.start(), m.end(), "추진", "추진", program_object=True))
    for m in _WON_THE_NEXT.finditer(clause):
        found.append(Cue(m.start(), m.end(), "선정", "선정", named_before=True, program_after=True))
    for m in _CONDITIONAL.finditer(clause):
        found.append(Cue(m.start(), m.end(), "추진", "추진", topic_only=True))
    for pattern, program_subject in ((_TO_NAMED, True), (_SIDED_WITH, False)):
        for m in pattern.finditer(clause):
            stage = _read("선정", clause, m.start(), m.end())
            found.append(
                Cue(m.start(), m.end(), stage, "선정", named_before=True, program_subject=program_subject)
            )
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Cue] = []
    for cue in found:
        if kept and cue.start < kept[-1].end:
            # overlapping cues: the one stating the later stage of a loss/selection wins
            prev = kept[-1]
            if _priority(cue) > _priority(prev):
                kept[-1] = cue
            continue
        kept.append(cue)
    # "최종 심사에서 태안군이 ... 1위를 차지했다": the evaluation names where the outcome came
    for i, cue in enumerate(kept):
        outcome_later = any(c.stage in ("선정", "탈락") for c in kept[i + 1 :])
        if cue.raw == "심사" and clause[cue.start : cue.end].endswith("에서") and outcome_later:
            kept[i] = replace(cue, stage=None)
        lost_later = any(c.stage == "탈락" for c in kept[i + 1 :])
        if cue.raw == "심사" and lost_later and _LEFT_OUT_OF.match(clause, cue.end):
            kept[i] = replace(cue, stage=None)
    for i, cue in enumerate(kept):
        if cue.stage == "추진" and _HOPING.search(clause, cue.start, cue.end + 12):
            kept[i] = replace(cue, hope=True)
    return kept


def _priority(cue: Cue) -> int:
    # "선정되지 못" is both a 선정 and a 탈락 cue; negation and loss outrank the plain words.
    order = {"탈락": 6, "후속": 5, "선정": 4, "심사": 3, "신청": 2, "추진": 1}
    return order.get(cue.raw, 0) * 100 + (cue.end - cue.start)


def stage_ranks(order: tuple[str, ...] = DEFAULT_ORDER) -> dict[str, int]:
    """'선정/탈락' shares one rank: a bid ends one way or the other."""
    ranks: dict[str, int] = {}
    for i, entry in enumerate(order, 1):
        for name in entry.split("/"):
            name = name.strip()
            if name not in STAGES:
                raise ValueError(f"unknown stage {name!r} (known: {', '.join(STAGES)})")
            ranks[name] = i
    return ranks
