"""Paragraph-level boilerplate rules shared by every extractor.

The container holds the story, but Korean outlets also put copyright lines,
reporter sign-offs, related-article links and ad labels inside it. These rules
remove such paragraphs (or a sign-off glued to the last sentence) and nothing else.
"""

from __future__ import annotations

import re

from .meta import BYLINE_DATE, bylines_in

_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_NAME = r"[가-힣]{2,4}"
_NAMES = rf"{_NAME}(?:\s*[·,/]\s*{_NAME})*"
# The bureau printed before a regional reporter's name: "순천, 광양 홍길동 기자 name@...".
_PLACES = r"(?:[가-힣]{2,5}(?:\s*[,·]\s*[가-힣]{2,5})*\s+)?"
_ROLE = r"(?:선임기자|수석기자|전문기자|객원기자|인턴기자|기자|특파원|논설위원|위원|통신원)"

COPYRIGHT = re.compile(
    r"무단\s*전재|재\s*배포\s*금지|저작권자|저작권\s*[ⓒ©]|copyright\s*(?:ⓒ|©|\(c\))|[ⓒ©]\s*\S+\s*(?:&|all rights)|"
    r"all rights reserved|AI\s*학습\s*(?:및\s*)?활용\s*금지",
    re.I,
)
SIGNOFF = re.compile(
    rf"^[\[<(【]?\s*(?:[가-힣]{{2,6}}\s*=\s*)?(?:{_PLACES}{_NAMES}\s*{_ROLE}?\s*)?[\(<]?\s*{_EMAIL}\s*[\)>]?"
    rf"(?:\s*/\s*{_NAMES}\s*{_ROLE}?)?\s*[\]>)】]?$"
)
SIGNOFF_NO_MAIL = re.compile(rf"^[\[<(]?\s*(?:[가-힣]{{2,6}}\s*=\s*)?{_NAMES}\s*{_ROLE}\s*[\]>)]?$")
GLUED_SIGNOFF = re.compile(
    rf"(?<=[.!?\"'”’다])\s*[\[<(]?\s*(?:[가-힣]{{2,6}}\s*=\s*)?(?:{_NAMES}\s*{_ROLE}?\s*)?[\(<]?{_EMAIL}[\)>]?\s*[\]>)]?$"
)
RELATED = re.compile(
    r"^(?:[▶☞▷►]|\[?관련\s*기사|관련\s*뉴스|이\s*기사를\s*공유|기사\s*공유|추천\s*기사|함께\s*볼만한|"
    r"(?:당신이\s*)?관심\s*있을\s*만한|놓치면\s*안\s*될|많이\s*본\s*(?:기사|뉴스))"
)
AD_LINES = re.compile(
    r"^(?:전체기사\s*본문배너|본문\s*배너|광고|AD|Advertisement|ADVERTISEMENT|Sponsored|스폰서|"
    r"좋아요\s*\d*|싫어요\s*\d*|공유하기|기사\s*스크랩|프린트|인쇄|글자\s*크기.*|"
    r"Share(?: this)?(?: article| story)?|Read more|Read More|Continue reading.*|Sign up.*newsletter.*)$"
)
PROMO = re.compile(
    r"(?:구독하기|구독\s*신청|네이버에서 .{1,30}만나보세요|페이스북 페이지를 열었|기사보기\s*:|카톡으로 제보|더 보고 싶다면\?|페이스북에서 더 보기)"
)


AGENCIES = ("연합뉴스", "뉴시스", "뉴스1", "연합뉴스TV")
AGENCY_CREDIT = re.compile(r"(?<=[.!?\"'”’다])\s*(?:연합뉴스|뉴시스|뉴스1)$")


def agency_credit(paras: list[str]) -> str | None:
    """The wire agency when a story is credited to one ("(서울=연합뉴스)" lede or a closing credit)."""
    if not paras:
        return None
    m = re.match(r"^\s*[(\[]\s*[가-힣]{1,6}\s*=\s*(연합뉴스|뉴시스|뉴스1)\s*[)\]]", paras[0])
    if m:
        return m.group(1)
    last = paras[-1].strip()
    for agency in AGENCIES:
        if last == agency or (last.endswith(" " + agency) and AGENCY_CREDIT.search(last)):
            return agency
    return None


DATELINE = re.compile(
    r"^(?:(?:기사\s*)?입력|등록|수정|승인|기사\s*승인|송고|업데이트|작성|발행)\s*[:：]?\s*(?:19|20)\d\d[.\-/]"
)


# Every COPYRIGHT alternative holds one of these: testing them first skips a case-insensitive
# regex scan of most paragraphs (that scan was half the cost of paragraph cleanup).
_COPYRIGHT_HINTS = ("무단", "배포", "저작권", "copyright", "ⓒ", "©", "rights", "학습")


def _may_be_copyright(text: str) -> bool:
    low = text.lower()
    return any(hint in low for hint in _COPYRIGHT_HINTS)


def _ascii_boilerplate(text: str) -> bool:
    """is_boilerplate_paragraph for ASCII text, where only the rules that can match one run.

    DATELINE, BYLINE_DATE, SIGNOFF_NO_MAIL, RELATED and PROMO each need a Hangul word or a
    non-ASCII arrow; a SIGNOFF needs an e-mail address; a COPYRIGHT line in ASCII needs
    "copyright" or "rights". Most paragraphs of most pages are ASCII, and skipping seven regex
    tries each is a third of the cleanup's cost.
    """
    n = len(text)
    if n <= 200:
        low = text.lower()
        if ("copyright" in low or "rights" in low) and COPYRIGHT.search(text):
            return True
    if n <= 120 and "@" in text and SIGNOFF.match(text):
        return True
    return bool(n <= 60 and AD_LINES.match(text))


def is_boilerplate_paragraph(text: str) -> bool:
    if text.isascii():
        return _ascii_boilerplate(text)
    if len(text) <= 100 and (DATELINE.match(text) or BYLINE_DATE.match(text)):
        return True
    if len(text) <= 200 and _may_be_copyright(text) and COPYRIGHT.search(text):
        return True
    if len(text) <= 120 and (SIGNOFF.match(text) or SIGNOFF_NO_MAIL.match(text)):
        return True
    if len(text) <= 150 and (RELATED.match(text) or PROMO.search(text)):
        return True
    return bool(len(text) <= 60 and AD_LINES.match(text))


def clean_paragraphs(paras: list[str]) -> list[str]:
    """Drop boilerplate paragraphs and strip a sign-off glued to the end of the last one."""
    kept = [p for p in paras if not is_boilerplate_paragraph(p)]
    # Trailing agency credit ("연합뉴스" alone) and a sign-off glued onto the last sentence.
    while kept and kept[-1] in AGENCIES:
        kept.pop()
    if kept:
        last = GLUED_SIGNOFF.sub("", kept[-1]).rstrip()
        last = AGENCY_CREDIT.sub("", last).rstrip()
        if last:
            kept[-1] = last
        else:
            kept.pop()
    return kept


def signoff_byline(paras: list[str]) -> list[tuple[str, str]]:
    """Reporter names from the sign-off at the end of the raw body ("홍길동 기자 hong@...")."""
    for text in reversed(paras[-4:]):
        if len(text) <= 120 and (SIGNOFF.match(text) or SIGNOFF_NO_MAIL.match(text)):
            found = bylines_in(text)
            if found:
                return found
        m = GLUED_SIGNOFF.search(text)
        found = bylines_in(m.group(0)) if m else []
        if found:
            return found
    return []
