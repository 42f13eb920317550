"""Claims: (bidder, program, stage) statements read from an article, pure.

A sentence (or its clause) that names a program and a bidder and holds a stage predicate is a
claim. Clauses are cut at connectives ("제출했고, ...", "..., 반면"), so two cities in one
sentence each get their own predicate; a clause with a predicate but no city inherits the city
of the clause before (Korean drops repeated subjects). "시는"/"도는" at a clause's start mean the
article's main city or province. A program not named in the sentence is taken from the two
sentences before (or the title) when exactly one program is named there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

from storage.models import BidClaim

from ..topics import normalize
from .cues import BODY, PITCHED, SITE_PROPOSED
from .dates import date_spans, resolve
from .english import HANGUL, english_claims
from .gazetteer import BY_NAME
from .mentions import Mention, find_mentions, main_bidders
from .programs import Program
from .stages import Cue, find_cues, in_competition

_SENTENCE = re.compile(r"(?<=[.!?])[\"'”’)]*\s+|\n+")
# a connective ending a clause: "...제출했고, 구미시는", "...하며 ..." (the clause ends after it)
# (any past stem + 고: "포항에 돌아갔고 부산은 ...", "냈고", "밝혔고")
_PAST = "".join(chr(0xAC00 + i * 28 + 20) for i in range(19 * 21))  # syllables ending in ㅆ
# the end of an adnominal predicate ("선정된", "실패한", "제출한", "오른", "마신"): an embedded
# clause; the adnominal ending is a syllable closed by ㄴ
_N_FINAL = "".join(chr(0xAC00 + i * 28 + 4) for i in range(19 * 21))
# an adnominal predicate and a bound noun make a connective too ("신청서를 낸 가운데 인천시도",
# "의향서를 제출한 데 이어 평택시도", "발표를 마친 뒤"): the clause ends after it
_CLAUSE = re.compile(
    r"(?:[고며]|지만|으나|는데|반면|한편|면서|하자|되자|대신)(,\s*)"
    rf"|(?:[{_PAST}]고|하고|되고|이고|으며|하며|되며|이며|지만|으나|반면|면서|하자|내자|되자|히자|서자|오자|르자|치자)(\s+)"
    rf"|[{_N_FINAL}](?:\s(?:가운데|뒤|뒤에|후|이후|직후|와중에)|\s?데\s?(?:이어서?|다가?|반해|비해))(,?\s+)"
    # any "-고"/"-며" right before a new subject ("의향서를 내고 경주시도", "꾸리며 시민들도")
    # (not the quotative "-다고"/"-라고": "공사를 마쳤다고 전남도가 1일 전했다" is one clause)
    r"|(?<=[가-힣])(?:(?<![다라])고|며)(\s+)(?=\S+(?:은|는|이|가|도)\s)"
    # a headline's parts ("포항, 아태 AI센터 유치 확정...경북 '겹경사'"): each its own clause
    r"|(?:\.{2,}|…)(\s*)"
)
# (and its spokesperson: "도 관계자는 “평가 과정에서 좋은 반응을 얻었다”고 말했다")
# ("군은", "군이": 군 ends in a consonant)
_ANAPHOR = re.compile(
    r"(?:^|(?<=[\s,]))(시|군|도)(?:는|가|도|와|의|에서|로서|\s관계자(?:는|가)|(?<=군)(?:은|이))\s"
)
_NOUN_THEN_DAY = re.compile(r"(?:이|가|은|는|을|를)\s?")
KST = ZoneInfo("Asia/Seoul")
# what joins a predicate to the day it was announced: "선정했다고 27일 발표했다", "냈다고 24일 밝혔다"
# (also "포기하기로 했다고 21일 밝혔다", "마쳤다고 전남도가 1일 전했다")
_REPORTED = re.compile(r"\S{0,3}(?:\s(?:있|중이|했))?(?:다고|라고)\s?(?:\S+(?:이|가|은|는)\s?)?")
# a decision taken on the day written between ("공동 유치에 나서기로 10일 합의했다")
_DECIDED = re.compile(r"(?:하|되)?기로\s?")
_DECIDED_ON = re.compile(r"\s?(?:합의|결정|의결|약속)(?:했|하고|하며|한)")
# the next sentence names who said a quote ("명현관 해남군수는 ... 이같이 밝혔다")
_ATTRIBUTED = re.compile(
    r"(?:이같이|이렇게|이와\s?같이)\s(?:\S+\s){0,2}?(?:밝혔|말했|강조했|전했|설명했|언급했|덧붙였)"
)
# the site-proposal cue ("X를 입지로 제안했다", "X를 후보지로 신청")
_SITE_PROPOSED = re.compile(SITE_PROPOSED)
# a clause of time or cause ending in a connective ("...가 되면서", "...가 제출하자")
_SUBORDINATE = re.compile(r"(?:면서|[하되내]자)\s*,?\s*$")
# a topic that is no bidder ("포항 지역 상공계는 ... 포항이 선정되기를 희망한다", "업계에서는"):
# time adverbials end in 는 too ("이번에는", "올해는")
_TOPIC_WORD = re.compile(r"(?<!\S)(\S+?)(?:은|는)(?=\s)")
_NOT_A_TOPIC = re.compile(
    r"(?:에|로|으로|에게|까지|부터|와|과|엔|이번|올해|내년|지난해|현재|당초|앞으로|이제|특히|우선|일단)$"
)
WINDOW = 2  # sentences back that can name the program of a sentence that does not


@dataclass(frozen=True, slots=True)
class _Sentence:
    text: str
    programs: tuple[tuple[int, int, str], ...]  # (start, end, program name)


def sentences(title: str | None, body: str) -> list[str]:
    """Title first, then the body's sentences (normalized)."""
    out = [normalize(title).strip()] if title else []
    out += [s.strip() for s in _SENTENCE.split(normalize_lines(body)) if s and s.strip()]
    return out


def normalize_lines(text: str) -> str:
    return "\n".join(normalize(line) for line in (text or "").splitlines())


def _clauses(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for m in _CLAUSE.finditer(text):
        cut = next(m.start(g) for g in (1, 2, 3, 4, 5) if m.group(g) is not None)
        out.append((pos, text[pos:cut]))
        pos = m.end()
    out.append((pos, text[pos:]))
    return out


def _program_for(cue: Cue, offset: int, end: int, sent: _Sentence, fallback: str | None) -> str | None:
    """The program named nearest before the cue in its clause, else nearest after it (not past a
    contrast: "강릉시는 ... 특구에 선정됐지만, 최근 ... 컴퓨팅센터 유치설에는"), else nearest
    before the clause, else the window's."""
    at = offset + cue.start
    before = [p for p in sent.programs if p[1] <= at]
    if before and before[-1][0] >= offset:
        return before[-1][2]
    after = [p for p in sent.programs if p[0] >= at]
    if after and (after[0][1] <= end or not _CONTRAST.search(sent.text, at, after[0][0])):
        return after[0][2]
    return before[-1][2] if before else fallback


# a connective of contrast: what follows it is another matter ("..., 반면", "선정됐지만,")
# ("시는 또 ...": another matter, as "...로 뽑혀 대통령상을 받았고, 시는 또 ... 센터 유치전에")
_CONTRAST = re.compile(r"(?:지만|으나|반면|는데|대신)[,\s]|(?<=\s)(?:또|또한|아울러)\s")
# "두 사업 모두", "두 센터 모두", "양쪽 모두": every program the sentences before name
_BOTH = re.compile(r"(?:두|양)\s?(?:사업|센터|공모|곳)\s?(?:모두|다)|양쪽\s?모두")
# what follows a member of a body ("충북도와 지역 대학이 참여하는 유치협의회를", "도가 참여한 TF")
_MEMBER = re.compile(
    r"[^.,\"“”]{0,20}?\s(?:참여|참가|함께)(?:하는|한|할)\s(?:\S+\s)?\S*?(?:" + BODY + r"|컨소시엄|연합체?)"
)


def extract_claims(
    title: str | None,
    body: str,
    programs: tuple[Program, ...],
    published: datetime | date | None = None,
) -> tuple[BidClaim, ...]:
    """Every (bidder, program, stage) the article states, once each, with its evidence sentence
    and the stated date of the stage when the text gives one (a recap: "지난 2월 ... 제출한").
    Sentences with no Hangul are read by the English path (english.py) as well; its claims are
    added where the Korean path has not given the same triple."""
    texts = sentences(title, body)
    claims = _korean_claims(title, texts, programs, published)
    if all(HANGUL.search(t) for t in texts):
        return claims  # an all-Korean article: the English path has nothing to read
    out = {(c.bidder, c.program, c.stage): c for c in claims}
    for c in english_claims(texts, programs, published):
        out.setdefault((c.bidder, c.program, c.stage), c)
    return tuple(out.values())


def _korean_claims(
    title: str | None,
    texts: list[str],
    programs: tuple[Program, ...],
    published: datetime | date | None,
) -> tuple[BidClaim, ...]:
    """The Korean rules, over the article's sentences (title first)."""
    parsed = [
        _Sentence(t, tuple(sorted((s, e, p.name) for p in programs for s, e in p.spans(t)))) for t in texts
    ]
    if not any(s.programs for s in parsed):
        return ()  # no program named, so no claim: skip the gazetteer scan of every sentence
    named = [find_mentions(t, "\n".join(texts)) for t in texts]
    mains = main_bidders(named)
    context = "\n".join(texts)
    topic: list[Mention] = []  # the last sentence's topic ("포항시는 ..."), for one that drops it
    # (program, stage) -> the date of a stage stated with no bidder (or of a 선정), in the last
    # sentence / in this one: an undated claim of it in the next sentence takes that date
    event: dict[tuple[str, str], str] = {}
    held: dict[tuple[str, str], str] = {}
    ranks = {p.name: p.ranks for p in programs}
    out: dict[tuple[str, str, str], BidClaim] = {}
    agreements: set[tuple[str, str, str]] = set()  # 후속 read from an agreement alone
    bare: set[tuple[str, str, str]] = set()  # claims of a name written bare ("해남 솔라시도")
    own: set[str] = set()  # bidders of a claim named with a particle ("해남군은", "전남도가")
    outcome_before = False  # the sentence before stated a selection or a loss
    pitched: set[tuple[str, str, str]] = set()  # 추진 read from a pitch ("X를 내세웠다")
    last_day: str | None = None  # the day the last sentence's claims were dated with
    for i, sent in enumerate(parsed):
        window = {p[2] for s in parsed[max(0, i - WINDOW) : i] for p in s.programs}
        if parsed and i > 0:
            window |= {p[2] for p in parsed[0].programs}  # the title
        fallback = next(iter(window)) if len(window) == 1 else None
        if fallback is None and i > 0 and parsed[i - 1].programs and not sent.programs:
            # "... 고배를 든 포항시가 올해는 아태 AI 센터에 도전장을 냈다. 시는 ... 의향서를
            # 제출했다": of two programs before, the one the last sentence ends on goes on
            fallback = parsed[i - 1].programs[-1][2]
        both = not sent.programs and len(window) > 1 and _BOTH.search(sent.text) is not None
        if both:
            # "울산시는 두 사업 모두에서 빈손으로 돌아섰다": said of every program named before
            fallback = min(window)
        if not sent.programs and fallback is None:
            if named[i] or _ANAPHOR.search(sent.text):
                topic = []
            event = {}
            outcome_before = False
            continue
        clauses = [(offset, clause, find_cues(clause)) for offset, clause in _clauses(sent.text)]
        # An idiom (cues.IN_CONTEXT: "고배를 마셨다", "경주시에 밀렸다") is the bid's only in its
        # competition: the program or a competition word in its sentence (`in_competition`, per
        # cue), a round of the bid stated beside it ("최종 2배수까지 올랐던 경남은 ... 밀린"), or
        # the call's result told the sentence before ("해남을 낙점했다. 충북과 경북은 고배를 마셨다")
        stated_here = {c.stage for _, _, found in clauses for c in found if c.stage and not c.in_context}
        competing = bool(sent.programs) or both or bool(stated_here - {"추진"}) or outcome_before
        outcome_before = any(
            c.stage in ("선정", "탈락")
            and (not c.in_context or competing or in_competition(sent.text, offset + c.start, offset + c.end))
            for offset, _, found in clauses
            for c in found
        )
        dates = date_spans(sent.text)
        here: dict[tuple[str, str, str], BidClaim] = {}
        carried: list[Mention] = []
        if i + 1 < len(texts) and _ATTRIBUTED.search(texts[i + 1]) and not named[i]:
            carried = _speakers(texts[i + 1], context, mains)  # a quote, its speaker after it
        elif topic and not named[i] and not _ANAPHOR.search(sent.text) and not _own_subject(sent.text):
            # "포항시는 4월 의향서를 제출했다. 9월에는 발표 평가 무대에 섰지만 ...": a sentence
            # naming no one and no subject of its own goes on about the last sentence's topic
            carried = topic
        standing = topic
        if named[i] or _ANAPHOR.search(sent.text):
            topic = []
        for offset, clause, found in clauses:
            all_here = find_mentions(clause, context)
            # "충북도와 지역 대학이 참여하는 유치협의회를": a member of the subject's body, no bidder
            # (but the member of a chosen consortium is: "전남도가 참여한 컨소시엄을 뽑았다")
            members = [m for m in all_here if _MEMBER.match(clause, m.end + len(m.tail))]
            if any(c.object_only for c in found):
                members = []
            bidders = [m for m in all_here if not m.rival and m not in members]
            spokes: list[Mention] = []  # "도 관계자는": the bidder's spokesperson
            for a in _ANAPHOR.finditer(clause):
                main = _referent(mains, a.group(1))
                if main and all(b.gov.name != main for b in bidders):
                    bidders.append(Mention(a.start(), a.end(), BY_NAME[main], False, "는"))
                    if "관계자" in a.group(0):
                        spokes.append(bidders[-1])
            bidders.sort(key=lambda b: b.start)  # "도는 ... 포항·구미 등 도내 후보지를": the topic first
            bidders = _bidders_of_clause(bidders)
            cues = [c for c in found if c.stage is not None]
            if bidders:
                # the topic ("포항시는") scopes over the clauses after it; a "가" subject does not
                topics = [b for b in bidders if b.tail.endswith(("은", "는"))]
                if topics:
                    # "전남도와 해남군은 ... 낸 뒤 ... 거쳤다": the names joined to the topic are topics too
                    topics = [
                        b for b in bidders if b in topics or (b.role == "and" and b.start < topics[0].start)
                    ]
                standing = topics or standing
                topic = topics or topic
                # "전남도가 최종 승자가 되면서 고개를 숙였다": a "가" subject of a clause of time or
                # cause ("-면서", "-자") leaves the main clause to the standing topic
                carried = topics or (standing if standing and _SUBORDINATE.search(clause) else bidders)
            elif cues:
                bidders = carried
            for cue in cues:
                program = _program_for(cue, offset, offset + len(clause), sent, fallback)
                if program is None or cue.stage not in ranks[program]:
                    continue
                if cue.program_object and all(p[1] != offset + cue.start for p in sent.programs):
                    continue
                if cue.in_context and not (
                    competing or in_competition(sent.text, offset + cue.start, offset + cue.end)
                ):
                    continue  # an idiom ("경주시에 밀렸다", "고개를 숙였다") outside the competition
                if cue.program_subject and not _program_is_subject(sent, offset + cue.start):
                    continue
                if cue.program_after:
                    program = next((p[2] for p in sent.programs if p[0] == offset + cue.end), None)
                    if program is None or cue.stage not in ranks[program]:
                        continue
                stated = _stated_date(cue, offset, dates, sent.text, published)
                if cue.stage in ("후속", "신청") and _planned(cue, offset, dates, sent.text):
                    # "공사를 내년 3월 시작한다", "오는 5월 의향서를 낸다": a plan, not a fact
                    if cue.stage == "후속" or "추진" not in ranks[program]:
                        continue
                    cue = replace(cue, stage="추진")
                owner = _owner(cue, clause, all_here)
                joined = _joined(cue, clause, bidders, all_here)
                pairs = (
                    [(owner, program)]
                    if owner
                    else _gapped(sent, offset, bidders, cue)
                    or [(b, program) for b in _attached(cue, clause, bidders + joined, all_here)]
                )
                if cue.hope:
                    # a quote's hope is its speaker's: the topic before the quote is asked too
                    lead = sent.text[:offset] if clause.lstrip()[:1] in "\"“'‘" else ""
                    pairs = [
                        (b, p) for b, p in pairs if not _hoped_by_others(clause, b, all_here, lead, context)
                    ]
                if cue.stage != "후속":
                    pairs = [(b, p) for b, p in pairs if not b.venue]
                if cue.stage == "추진":
                    # a spokesperson's vow is of what comes next, often another bid ("시 관계자는
                    # “후속 국가 사업 유치에 다시 나서겠다”고"): only the rounds it tells of count
                    pairs = [(b, p) for b, p in pairs if b not in spokes]
                if cue.raw == "신청" and _SITE_PROPOSED.match(clause, cue.start):
                    # "컨소시엄은 전남 해남을 입지로 제안했다": the name before "입지로" is the site,
                    # the one proposing it is the subject
                    pairs = [(b, p) for b, p in pairs if b.tail not in ("을", "를")]
                pairs, lost = _only(pairs, clause, cue)
                if stated and (not pairs or cue.stage == "선정"):
                    # (a program is awarded once: the next sentence's undated 선정 of it is the same
                    # decision, "... 해남군 솔라시도를 확정했다고 29일 밝혔다. 전남도와 해남군은 ...
                    # 결실을 봤다")
                    held[(program, cue.stage)] = stated
                for (b, prog), stage in [(x, cue.stage) for x in pairs] + [(x, "탈락") for x in lost]:
                    if stage not in ranks[prog]:
                        continue
                    key = (b.gov.name, prog, stage)
                    if b.tail or b.also or (b.comma and not (title and i == 0)):
                        # (a headline's "해남, 국가AI컴퓨팅센터 품었다" names the place, as bare)
                        own.add(b.gov.name)
                    else:
                        bare.add(key)
                    if key not in here or (stated and not here[key].stated):
                        here[key] = BidClaim(prog, b.gov.name, stage, sent.text[:500], stated)
                    if stage == "추진" and _PITCH.search(clause, cue.start, cue.end):
                        pitched.add(key)
                    if stage == "후속" and _AGREEMENT.fullmatch(clause, cue.start, cue.end):
                        agreements.add(key)
        subjects = {m.gov.name: m for m in named[i] if m.role == "subject" and not m.rival}
        if not topic and len(subjects) == 1 and here:
            # "경주시가 ... 유치에 나섰다. 8일 ... 발대식을 열고": the lone "가" subject of a claim
            # is the topic of the next sentence that names no one
            topic = list(subjects.values())
        for key, claim in here.items():
            if not claim.stated and (key[1], key[2]) in event:
                # "발표평가가 15일 서울에서 진행됐다. 전북도와 경남도 등 ... 발표자로 나섰다": an event
                # dated with no one named, then who took part in it
                here[key] = replace(claim, stated=event[(key[1], key[2])])
        helped = _HELPS.search(sent.text)
        if helped:
            # "여수시는 ... 전남도의 유치 활동을 적극 돕겠다고", "익산시는 ... 도의 신청을 측면
            # 지원하기로 했다": the helper is no bidder; the owner's pursuit is stated, its filing recalled
            here = {}
            word = helped.group(1)
            owner = _referent(mains, word) if word in ("시", "군", "도") else None
            found_owner = find_mentions(word + "의", context) if owner is None else []
            owner = owner or (found_owner[0].gov.name if found_owner else None)
            named_before = [p[2] for p in sent.programs if p[1] <= helped.start(2)]
            program = named_before[-1] if named_before else fallback
            if owner and program and helped.group(2) != "신청" and "추진" in ranks[program]:
                here[(owner, program, "추진")] = BidClaim(program, owner, "추진", sent.text[:500], None)
        day = _carried_day(sent.text, texts[i + 1] if i + 1 < len(texts) else "", last_day, published)
        for key, claim in here.items():
            if not claim.stated and day and (key[2] != "추진" or _SAME_DAY.search(sent.text)):
                here[key] = replace(claim, stated=day)
        last_day = next((c.stated for c in here.values() if c.stated and len(c.stated) == 10), None)
        if _joined_programs(sent):
            both = True
            window = {p[2] for p in sent.programs}
        if both:
            for (b, prog, stage), claim in list(here.items()):
                for other in window - {prog}:
                    if stage in ranks[other]:
                        here.setdefault((b, other, stage), replace(claim, program=other))
        event, held = held, {}
        for key, claim in _subsumed(here, ranks).items():
            if key in pitched and any(
                b in (key[0], BY_NAME[key[0]].parent) and p == key[1] and st != "추진" for b, p, st in out
            ):
                # "전북도는 20일 ... 신청서를 제출했다. 후보지로는 군산 새만금을 내세웠다": the site
                # of the filing told before (or its county, the province's site), no pursuit of its own
                continue
            if key not in out or (claim.stated and not out[key].stated):
                out[key] = claim
    return tuple(_bidding_agreements(_sites(out, bare, own), agreements, ranks).values())


# help given to another's bid ("전남도의 유치 활동을 적극 돕겠다", "도의 신청을 측면 지원하기로")
_HELPS = re.compile(
    r"(?:^|\s)(\S+?)의\s(?:\S+\s)?(유치\s?활동|유치|신청|도전)(?:을|를)\s?(?:적극\s|측면\s|적극적으로\s)?"
    r"(?:돕|도와|도울|지원하|지원할|지원키로|뒷받침)"
)
# "도는 같은 날 ... 협약을 맺고", "시는 이날 ... 체결했다": the day of the sentence before
_SAME_DAY = re.compile(r"(?:같은\s?날|이날|당일)(?!\s?발표)")
# the next sentence dates the outcome it follows ("과기정통부는 9일 이같이 발표했다", "시는 19일
# 공모 결과 발표 직후 ... 입장을 냈다")
_ANNOUNCED_NEXT = re.compile(
    r"(?<![\d.])(\d{1,2})일\s(?:\S+\s){0,4}?(?:이같이\s?(?:발표|밝혔|전했|알렸)|(?:공모\s|심사\s|평가\s)?결과\s?발표)"
)


def _carried_day(text: str, following: str, last_day: str | None, published) -> str | None:
    """The day an undated claim of this sentence takes from the one before or after it."""
    if last_day and _SAME_DAY.search(text) and not date_spans(text):
        return last_day
    m = _ANNOUNCED_NEXT.search(following)
    if m and not any(d.day for d in date_spans(text)):
        spans = [d for d in date_spans(following) if d.start <= m.start() < d.end]
        return resolve(spans[0], published) if spans else None
    return None


def _joined_programs(sent: _Sentence) -> bool:
    """ "국가 AI 컴퓨팅센터와 아태 AI 센터 두 공모에": both programs, joined, are the object."""
    ps = sent.programs
    return any(
        a[2] != b[2]
        and sent.text[a[1] : b[0]].strip() in ("와", "과", "및")
        and _BOTH_AFTER.match(sent.text, b[1])
        for a, b in pairwise(ps)
    )


_BOTH_AFTER = re.compile(r"\s?(?:두|양)\s?(?:사업|센터|공모)")


def _sites(
    out: dict[tuple[str, str, str], BidClaim], bare: set[tuple[str, str, str]], own: set[str]
) -> dict[tuple[str, str, str], BidClaim]:
    """A county named only bare, as a place ("해남 솔라시도를 ... 부지로 확정했다", "착공식이 해남
    솔라시도에서 열렸다"), in an article whose province bids for the program by name ("전남도는"):
    the site of the province's bid, so its claims are the province's (the county's own date kept)."""
    for key in [k for k in out if k in bare and k[0] not in own]:
        county, program, stage = key
        province = BY_NAME[county].parent
        if (
            province is None
            or province not in own
            or not any(k[0] == province and k[1] == program for k in out)
        ):
            continue
        claim = out.pop(key)
        mine = out.get((province, program, stage))
        if mine is None:
            out[(province, program, stage)] = replace(claim, bidder=province)
        elif claim.stated and not mine.stated:
            out[(province, program, stage)] = replace(mine, stated=claim.stated)
    return out


def _own_subject(text: str) -> bool:
    """A subject or topic word before the sentence's first cue ("정부는", "결과가"), not a time
    ("9월에는", "이번에는"): the sentence is about someone it names, not the last one's topic."""
    cues = find_cues(text)
    upto = cues[0].start if cues else len(text)
    return any(not _NOT_A_TOPIC.search(m.group(1)) for m in _SUBJECT_WORD.finditer(text, 0, upto))


_SUBJECT_WORD = re.compile(r"(?<!\S)(\S+?)(?:은|는|이|가)(?=\s)")


# an agreement alone ("포스코와 전력 공급 협력 협약을 맺었다"), not works or a ceremony
_AGREEMENT = re.compile(r"(?:업무\s?)?(?:협약|MOU|양해각서)\S*\s?(?:\S+\s?)?(?:체결|맺|서명|교환)\S*")


def _bidding_agreements(out: dict, agreements: set, ranks) -> dict:
    """An agreement signed by a bidder the article shows still bidding (추진, 신청 or 심사, and no
    selection): a step of the bid ("유치에 뛰어들었다. 광양시는 ... 협약을 맺었다"), 추진."""
    for key in agreements:
        b, p, _ = key
        if key not in out or (b, p, "선정") in out or "추진" not in ranks[p]:
            continue
        if any((b, p, st) in out for st in ("추진", "신청", "심사")):
            claim = out.pop(key)
            if (b, p, "추진") not in out:
                out[(b, p, "추진")] = BidClaim(p, b, "추진", claim.evidence, claim.stated)
    return out


def _referent(mains: dict[str, str], word: str) -> str | None:
    """What "시는", "군은", "도는" refer to: the article's main city or province; "시" is a metro
    city (울산광역시) when the article names no city or county of its own."""
    if word == "도":
        return mains.get("metro")
    metro = mains.get("metro")
    if "local" not in mains and word == "시" and metro and metro.endswith("시"):
        return metro
    return mains.get("local")


def _speakers(text: str, context: str, mains: dict[str, str]) -> list[Mention]:
    """The bidders who speak in `text`: its subjects ("해남군수는", "시는")."""
    found = [m for m in find_mentions(text, context) if not m.rival and m.role == "subject"]
    for a in _ANAPHOR.finditer(text):
        main = _referent(mains, a.group(1))
        if main and a.group(0).rstrip().endswith(("는", "가")):
            found.append(Mention(a.start(), a.end(), BY_NAME[main], False, "는"))
    return found[:1]


def _hoped_by_others(
    clause: str, bidder: Mention, mentions: list[Mention], lead: str = "", context: str = ""
) -> bool:
    """A "가" subject whose selection someone else hopes for: a topic before it that names no
    bidder ("상공계는 ... 포항이 선정되기를 희망한다"), in the clause or, for a quote, before it
    (`lead`: "부산상공회의소는 8일 성명을 내고 "부산이 ... 선정되길 바란다"")."""
    if bidder.tail.endswith(("은", "는")):
        return False
    for text, upto, named in ((clause, bidder.start, mentions), (lead, len(lead), None)):
        for m in _TOPIC_WORD.finditer(text, 0, upto):
            if _NOT_A_TOPIC.search(m.group(1)) or _ANAPHOR.match(text, m.start()):
                continue
            if named is None:
                named = find_mentions(text, context)
            if not any(n.start < m.end() and m.start() < n.end + len(n.tail) for n in named):
                return True
    return False


# a nominal outcome ("전라남도의 국가 AI 컴퓨팅센터 유치 확정을 축하하는 자리에서 무안군수는"):
# the noun's owner won or lost it, not the clause's subject
_NOMINAL = re.compile(r"(?:확정|성공|선정|낙점|탈락|실패|무산)")
_NOMINAL_AFTER = re.compile(r"(?:을|를|이|가|은|는|의|에|\s?소식)\s?")


def _owner(cue: Cue, clause: str, mentions: list[Mention]) -> Mention | None:
    if cue.stage not in ("선정", "탈락") or not _NOMINAL_AFTER.match(clause, cue.end):
        return None
    if not _NOMINAL.fullmatch(clause, cue.end - 2, cue.end):
        return None
    before = [m for m in mentions if m.end <= cue.start]
    last = before[-1] if before else None
    if last is None or last.rival or last.tail != "의" or cue.start - last.end > 30:
        return None
    return last


def _joined(cue: Cue, clause: str, bidders: list[Mention], mentions: list[Mention]) -> list[Mention]:
    """Names joined to the subject after it that share the predicate, though "B는 A와 함께" is
    otherwise a partner (and the other party of an agreement, "해남군은 ... 전남도와 실시협약을",
    is not the subject): co-finalists ("전라남도가 ... 광주광역시, 전북특별자치도와 함께 최종 후보
    3곳에 올랐다") and a joint bid ("경상북도는 포항시와 공동으로 준비한 ... 유치가 확정되자")."""
    subject = next((b for b in bidders if b.role == "subject"), None)
    if subject is None:
        return []
    shortlist = cue.stage == "심사" and "후보" in clause[cue.start : cue.end]
    out, run = [], []
    for m in mentions:
        if m.start <= subject.start or m.end > cue.start or m.rival or m in bidders:
            continue
        if m.role != "and":
            run = []
            continue
        run.append(m)
        rest = clause[m.end + len(m.tail) : cue.start]
        if rest.startswith((" 공동", " 함께 공동")) or (shortlist and rest.startswith(" 함께")):
            out += run
            run = []
    return out


def _gapped(sent: _Sentence, offset: int, bidders: list[Mention], cue: Cue) -> list[tuple[Mention, str]]:
    """Conjuncts sharing one predicate, each with its own program ("국가 AI 컴퓨팅센터는 광양이,
    아태 AI 센터는 고창이 차지했다", "...센터에서는 경북이, ...센터에서는 부산이 멈춰 섰다"): each
    subject takes the program topic (or setting) right before it."""
    pairs = []
    for b in bidders:
        at = offset + b.start
        program = next(
            (p for s, e, p in sent.programs if re.fullmatch(r"(?:에서는|에선|[은는])\s*", sent.text[e:at])),
            None,
        )
        if program is not None and b.role == "subject" and b.end <= cue.start:
            pairs.append((b, program))
    return pairs if len({p for _, p in pairs}) > 1 else []


def _program_is_subject(sent: _Sentence, at: int) -> bool:
    """A program named before `at` as a subject or topic ("아태 AI 센터가", "...센터는")."""
    return any(e <= at and sent.text[e : e + 1] in ("은", "는", "이", "가") for _, e, _ in sent.programs)


def _bidders_of_clause(bidders: list[Mention]) -> list[Mention]:
    """With a subject named ("강원도는 춘천의 ...", "... 대구시에 전달"), other names are places
    and recipients, not bidders; a "와/과" name counts only before the subject ("A와 B는" is
    coordination, "B는 A와 함께" a partner)."""
    subjects = [i for i, b in enumerate(bidders) if b.role == "subject"]
    if not subjects:
        return bidders
    last = subjects[-1]
    return [b for i, b in enumerate(bidders) if b.role == "subject" or (b.role == "and" and i < last)]


_ADNOMINAL = re.compile(rf"[가-힣]{{0,3}}?[{_N_FINAL}]\s+(?:[가-힣]+\s+)?$")


def _attached(cue: Cue, clause: str, bidders: list[Mention], mentions: list[Mention]) -> list[Mention]:
    """The bidders a cue is said of. An embedded clause ("최종 선정된 해남군과 달리 ...",
    "유치에 실패한 포항시는") is said of the name it modifies, rival or not; an active selection
    ("... 해남을 확정했다") of its objects; with several subjects in the clause ("구미시는 포항시가
    의향서를 제출하자"), of the subject nearest before the cue, and the names joined to it."""
    if cue.named_before:
        before = [m for m in mentions if m.end <= cue.start and not clause[m.end : cue.start].strip()]
        return [m for m in before[-1:] if not m.rival]
    head = next((m for m in mentions if m.start >= cue.end), None)
    if head is not None and _ADNOMINAL.fullmatch(clause[max(cue.start, cue.end - 1) : head.start]):
        # "통과한 지자체는 포항시, 해남군, 구미시 등": the list the modified name opens
        group = [head]
        for m in mentions[mentions.index(head) + 1 :]:
            last = group[-1]
            if head.rival or last.role != "and" or clause[last.end + len(last.tail) : m.start].strip(" ,·"):
                break
            group.append(m)
        return group
    if cue.object_only:
        # "광주시와 전남도는 ... 건의문을 채택하고": a name joined to the subject is no object;
        # "전남도가 참여한 컨소시엄을 뽑았다": the member of the chosen consortium is
        before = [b for b in bidders if b.end <= cue.start]
        return [
            b
            for i, b in enumerate(before)
            if (b.role != "subject" and not (b.role == "and" and _joins_subject(before, i)))
            or _OWNER.match(clause, b.end + len(b.tail))
        ]
    if cue.topic_only:
        return [b for b in bidders if b.tail.endswith(("은", "는"))]
    subjects = [b for b in bidders if b.role == "subject" and b.end <= cue.start]
    if len(subjects) > 1 and all(
        _GAPPED_OBJECT.fullmatch(clause, a.end + len(a.tail), b.start) for a, b in pairwise(subjects)
    ):
        # "부산은 A를, 울산은 B를, 전남은 C를 내세운다": each topic with its own object shares the verb
        return subjects
    if len(subjects) > 1:
        nearest = subjects[-1]
        start = max((b.end for b in subjects[:-1]), default=0)
        return [b for b in bidders if b is nearest or (b.role == "and" and start <= b.start < nearest.start)]
    return bidders


# "전남도가 참여한 컨소시엄을", "포항시가 이끄는 연합을": the named member of a chosen bid
_OWNER = re.compile(
    r"\s(?:\S+\s)?(?:참여한|참여하는|주도한|주도하는|이끈|이끄는|꾸린|구성한)\s(?:\S+\s)?"
    r"(?:컨소시엄|컨소|연합체?|사업단|팀)(?:을|를)\s"
)


def _joins_subject(mentions: list[Mention], i: int) -> bool:
    """A "와/과" (or listed) name whose list ends in a subject ("광주시와 전남도는")."""
    for m in mentions[i + 1 :]:
        if m.role != "and":
            return m.role == "subject"
    return False


# the object of a gapped conjunct, then its comma ("부산은 해상풍력 연계 전력을, 울산은 ...")
_GAPPED_OBJECT = re.compile(r"\s(?:[^\s,]+\s){0,3}?[^\s,]+(?:을|를),\s*")
_AMONG = re.compile(r"(?:가운데|중에서|중)\s")


def _only(pairs: list[tuple[Mention, str]], clause: str, cue: Cue) -> tuple[list, list]:
    """ "순천시와 광양시 가운데 광양시만 서면평가를 통과했다": a round passed (or a selection) said of
    the name with 만 alone; the others of the set it was picked from missed it: (kept, lost)."""
    only = next((b for b, _ in pairs if b.tail.startswith("만") and b.end <= cue.start), None)
    if only is None:
        return pairs, []
    among = _AMONG.search(clause, 0, only.start)
    if among is None:
        return pairs, []
    kept = [(b, p) for b, p in pairs if b.gov == only.gov]
    lost = [(b, p) for b, p in pairs if b.gov != only.gov and b.end <= among.start()]
    return kept, (lost if cue.stage in ("심사", "선정") else [])


def article_claims(programs: tuple[Program, ...], article) -> tuple[BidClaim, ...]:
    """The claims of one extracted article (`scrapers.models.Article`), its publish date read
    in Korean time (a recap's year and month come from it)."""
    published = article.published
    if isinstance(published, datetime) and published.tzinfo is not None:
        published = published.astimezone(KST)
    return extract_claims(article.title, article.body, programs, published)


def _subsumed(claims: dict[tuple[str, str, str], BidClaim], ranks) -> dict:
    """A sentence saying a city applied (or lost) also says it pursued the bid: 추진 adds
    nothing there, so it is kept only where it is the furthest stage the sentence states."""
    further = {(b, p) for b, p, st in claims if st != "추진"}
    # every other stage stated stays: the rounds passed on the way to a selection ("높은 점수를
    # 받았다"며 ... 확정했다, "5월 현장 실사를 거쳐 ... 낙점됐다") are 심사 as well as 선정
    return {k: c for k, c in claims.items() if not (k[2] == "추진" and (k[0], k[1]) in further)}


def _planned(cue: Cue, offset: int, dates, text: str) -> bool:
    """A future date ("내년 3월", "오는 5일") inside the cue or just before it."""
    start, end = offset + cue.start, offset + cue.end
    return any(
        d.future
        and ((d.start >= start and d.end <= end) or (d.end <= start and start - d.end <= 20))
        and not find_cues(text[d.end : start])
        for d in dates
    )


def _stated_date(cue: Cue, offset: int, dates, text: str, published) -> str | None:
    """A date written just before the cue (or inside it) with no other cue between them, else
    the day the statement was made ("확정했다고 27일 발표했다")."""
    start, end = offset + cue.start, offset + cue.end
    best = None
    for d in dates:
        if (d.start >= start and d.end <= end) or (
            d.end <= start and start - d.end <= 60 and not _blocks(text[d.end : start])
        ):
            best = d
    if best is None and cue.stage in ("선정", "탈락"):
        # "29일 발표된 결과에서 전남도가 최종 승자가 되면서 고개를 숙였다": the result's day dates
        # every outcome the sentence states, past the winner's cue
        best = next((d for d in dates if d.day and d.end <= start and _RESULT_DAY.match(text, d.end)), None)
    if best is None:
        # "착공식이 7일 ... 열렸다", "협약식을 12일 가졌다": the event named as a noun, then its day
        best = next((d for d in dates if d.day and _NOUN_THEN_DAY.fullmatch(text[end : d.start])), None)
    if best is None and text[start:end].endswith("에서"):
        # "대면평가에서 부산시와 인천시가 20일 ... 발표했다": the round named as the setting, then its day
        best = next(
            (d for d in dates if d.day and 0 <= d.start - end <= 30 and not find_cues(text[end : d.start])),
            None,
        )
    if best is None:
        best = next((d for d in dates if d.day and _REPORTED.fullmatch(text[end : d.start])), None)
    if best is None:
        # "떨어졌다는 통보를 18일 받았다": the day the bidder was told of the outcome
        best = next(
            (
                d
                for d in dates
                if d.day and _NOTIFIED.fullmatch(text, end, d.start) and _TOLD.match(text, d.end)
            ),
            None,
        )
    if best is None:
        best = next(
            (
                d
                for d in dates
                if d.day and _DECIDED.fullmatch(text, end, d.start) and _DECIDED_ON.match(text, d.end)
            ),
            None,
        )
    if best is None:
        # "유치 전략 수립을 위해 ... 정책연구를 맡겼다고 19일 밝혔다": the statement's day, said of the
        # clause the cue is in, with no other cue before it
        best = next(
            (
                d
                for d in dates
                if d.day
                and _REPORTED_LATER.fullmatch(text, end, d.start)
                and _SAID.match(text, d.end)
                and not find_cues(text[end : d.start])
            ),
            None,
        )
    return resolve(best, published) if best else None


# "29일 발표된 결과에서", "29일 최종 발표에서": the day of a result
_RESULT_DAY = re.compile(
    r"\s?(?:발표된|발표한|나온|공개된)\s(?:\S+\s){0,5}?결과|\s?(?:최종\s)?(?:결과\s)?발표(?:에서|에)\s"
)
_NOTIFIED = re.compile(r"\S{0,3}다는\s(?:결과|통보|통지|연락|소식)(?:를|을)\s?")
_TOLD = re.compile(r"\s?(?:받았|받은|받고|받아|통보받|통보\s?받|전달받|들었)")
_REPORTED_LATER = re.compile(r"[^.\n\"“”]{0,50}?(?:다고|라고)\s?(?:\S+(?:이|가|은|는)\s?)?")
_SAID = re.compile(r"\s?(?:밝혔|밝힌|전했|전한|발표했|알렸|설명했|말했)")
# a cue in the connective form of a chain ("26일 새만금 부지를 앞세워 ... 공동 응모했다", "5월 현장
# 실사를 거쳐"): the date is the chain's, so it does not stand between a date and the cue after it
# a cue naming the round as the setting or the ground of the cue after it ("발표평가에서 탈락했다",
# "심사 결과를 토대로 포항시를 선정했다", "세 차례 평가 끝에 뽑혔다")
_SETTING = re.compile(r"(?:에서|끝에|토대로|바탕으로|따라)$")
_CHAINED = re.compile(r"(?:[어아여워쳐해]|하여|해서)$")


def _blocks(between: str) -> bool:
    """A cue between a date and the cue it would date, other than a link of a chain or the round
    named as the setting of the cue after it ("지난달 발표평가에서 탈락했다": the date is the round's
    and the loss's)."""
    return any(
        not (_CHAINED.search(between, c.start, c.end) and between[c.end : c.end + 1] == " ")
        and not _SETTING.search(between, c.start, c.end)
        and not _PITCH.search(between, c.start, c.end)
        for c in find_cues(between)
    )


# a pitch ("전력 자립을 앞세운 전라남도에 돌아갔다"): a description, no dated step of its own
_PITCH = re.compile(PITCHED)
