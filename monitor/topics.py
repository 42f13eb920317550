"""Korean-aware topic matching: pure functions over an article's title and body.

A term matches however Korean news prints it:
- Unicode NFKC, so full-width letters and compatibility jamo fold;
- middle-dot variants (· ㆍ ・ ‧ • ∙ and none) are one: "아시아·태평양" = "아시아 태평양" = "아시아태평양";
- spaces inside a term are optional: "AI컴퓨팅센터" = "AI 컴퓨팅 센터";
- particles after a term do not stop it: "컴퓨팅센터를", "센터가";
- "AI" and "인공지능" (and "인공지능(AI)") are interchangeable inside a term;
- Latin letters match case-insensitively and only on word boundaries: "AI" never matches "SAID".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from storage.models import MatchRecord

# ㆍ (U+318D) becomes the jungseong U+119E under NFKC, so both forms are listed.
_DOTS = "·ㆍ\u119e・‧•∙⋅᛫･"
_DOT_RE = re.compile(f"[{_DOTS}]")
_GAP = rf"[\s{_DOTS}]*"  # optional spaces and dots between the pieces of a term
_AI = r"(?:인공\s*지능\s*\(\s*AI\s*\)|AI\s*\(\s*인공\s*지능\s*\)|인공\s*지능|AI)"
_PIECE = re.compile(r"[A-Za-z0-9]+|[^\sA-Za-z0-9]")
SNIPPET_RADIUS = 40


def normalize(text: str) -> str:
    """NFKC, one middle dot, one space: the form both terms and texts are matched in."""
    text = unicodedata.normalize("NFKC", _DOT_RE.sub("·", text or ""))
    text = _DOT_RE.sub("·", text)
    return re.sub(r"\s+", " ", text)


def term_pattern(term: str) -> re.Pattern[str]:
    """Compile one term into a regex that tolerates spacing, dots, particles and AI/인공지능."""
    norm = normalize(term).strip()
    norm = re.sub(r"인공\s*지능", "AI", norm)
    pieces = [p for p in _PIECE.findall(norm) if p != "·"]
    if not pieces:
        raise ValueError(f"empty topic term {term!r}")
    parts = [_AI if p.upper() == "AI" else re.escape(p) for p in pieces]
    body = _GAP.join(parts)
    starts_latin = bool(re.match(r"[A-Za-z0-9]", pieces[0]))
    ends_latin = bool(re.match(r"[A-Za-z0-9]", pieces[-1][-1]))
    head = r"(?<![A-Za-z0-9])" if starts_latin else ""
    tail = r"(?![A-Za-z0-9])" if ends_latin else ""
    return re.compile(head + body + tail, re.IGNORECASE)


def term_anchor(term: str) -> str:
    """A piece every match of the term contains: its first Hangul syllable or Latin word (not 'AI')."""
    norm = re.sub(r"인공\s*지능", "AI", normalize(term))
    for piece in _PIECE.findall(norm):
        if piece == "·" or piece.upper() == "AI":
            continue
        if re.match(r"[A-Za-z0-9]", piece) or "\uac00" <= piece <= "\ud7a3":
            return piece.lower()
    return ""


@dataclass(frozen=True, slots=True)
class TermHit:
    term: str
    snippet: str
    count: int


@dataclass(frozen=True, slots=True)
class TopicMatch:
    topic: str
    hits: tuple[TermHit, ...]

    @property
    def terms(self) -> list[str]:
        return [h.term for h in self.hits]

    def record(self) -> MatchRecord:
        """The match as storage keeps it."""
        return MatchRecord(self.topic, tuple(self.terms), {h.term: h.snippet for h in self.hits})


@dataclass(frozen=True)
class Topic:
    """`any`: at least one must appear; `all`: every one must appear; `none`: none may appear."""

    name: str
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    _compiled: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)
    _anchors: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.any and not self.all:
            raise ValueError(f"topic {self.name!r} needs at least one term in 'any' or 'all'")
        for term in (*self.any, *self.all, *self.none):
            self._compiled[term] = term_pattern(term)

    def pattern(self, term: str) -> re.Pattern[str]:
        return self._compiled[term]

    def may_contain(self, term: str, folded: str) -> bool:
        """Cheap prefilter: a character or word every match of `term` must contain."""
        anchor = self._anchors.get(term)
        if anchor is None:
            anchor = self._anchors[term] = term_anchor(term)
        return anchor == "" or anchor in folded


def _snippet(text: str, start: int, end: int) -> str:
    lo, hi = max(0, start - SNIPPET_RADIUS), min(len(text), end + SNIPPET_RADIUS)
    return ("…" if lo else "") + text[lo:hi].strip() + ("…" if hi < len(text) else "")


def _hit(topic: Topic, term: str, text: str, folded: str) -> TermHit | None:
    if not topic.may_contain(term, folded):
        return None
    found = list(topic.pattern(term).finditer(text))
    if not found:
        return None
    return TermHit(term, _snippet(text, found[0].start(), found[0].end()), len(found))


def match_topic(topic: Topic, title: str | None, body: str) -> TopicMatch | None:
    """Match one topic against the extracted title and body only (never the page around them)."""
    text = normalize(f"{title or ''}\n{body}")
    folded = text.lower()
    if any(_hit(topic, t, text, folded) for t in topic.none):
        return None
    required = [_hit(topic, t, text, folded) for t in topic.all]
    if any(h is None for h in required):
        return None
    optional = [h for h in (_hit(topic, t, text, folded) for t in topic.any) if h is not None]
    if topic.any and not optional:
        return None
    return TopicMatch(topic.name, tuple(h for h in (*required, *optional) if h is not None))


def match_topics(topics: list[Topic] | tuple[Topic, ...], title: str | None, body: str) -> list[TopicMatch]:
    return [m for m in (match_topic(t, title, body) for t in topics) if m is not None]
