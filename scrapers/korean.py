"""Korean-page knowledge for the generic extractor (the generic core stays language-neutral).

Korean outlets without a profile print a deck (부제: one to four short lines under the headline,
often bulleted with '-' or '·') as the first lines of the story container. Prose sentences end in
'다.' (or '.'), deck lines do not: leading short lines that are not sentences, followed by a
sentence, are the deck and go to `Article.subtitle`.
"""

from __future__ import annotations

import re

_BULLET = re.compile(r"^\s*[-–—·•ㆍ]\s*")
# A photo caption ("▲ ... 포항시 제공", "사진=...") sits where a deck would: never a deck.
_CAPTION = re.compile(r"^\s*[▲△▶]|(?:제공|사진|촬영)\s*[)\]]?$|^\s*[\[(]?사진")
_SENTENCE_END = re.compile(r"[다요죠함음임][.!?]?[\"'”’)]*$|[.!?][\"'”’)]*$")
# "(서울=연합뉴스) 홍길동 기자 =" opens a lede, never a deck.
_LEDE_CREDIT = re.compile(r"^\s*[\[(【]\s*[가-힣]{1,6}\s*=")
_MAX_DECK_LINES = 4
_MAX_DECK_CHARS = 90


def _is_deck_line(text: str) -> bool:
    if len(text) > _MAX_DECK_CHARS or len(text) < 6 or _LEDE_CREDIT.match(text) or _CAPTION.search(text):
        return False
    return bool(_BULLET.match(text)) or not _SENTENCE_END.search(text)


def split_deck(paras: list[str]) -> tuple[str | None, list[str]]:
    """(deck, body): the leading deck lines of a Korean story, if the lines after them are prose."""
    k = 0
    while k < min(len(paras), _MAX_DECK_LINES) and _is_deck_line(paras[k]):
        k += 1
    if k == 0 or k >= len(paras):
        return None, paras
    first = paras[k]
    # The deck is followed by the lede: a long sentence (a subhead would be followed by more prose
    # too, but a subhead never comes first).
    if len(first) < 30 or not _SENTENCE_END.search(first):
        return None, paras
    deck = "\n".join(_BULLET.sub("", p).strip() for p in paras[:k])
    return deck, paras[k:]
