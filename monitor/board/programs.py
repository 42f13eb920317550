"""Programs: what the cities compete for, each a name and its aliases, matched the way topic
terms are (monitor/topics.py: spacing, middle dots, particles, AI = 인공지능)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from ..topics import normalize, term_pattern
from .stages import DEFAULT_ORDER, stage_ranks

Span = TypeVar("Span", bound=tuple)


@dataclass(frozen=True)
class Program:
    name: str
    aliases: tuple[str, ...] = ()
    stages: tuple[str, ...] = DEFAULT_ORDER  # ordered; "선정/탈락" share a rank
    _patterns: tuple[re.Pattern[str], ...] = field(default=(), compare=False, repr=False)
    _ranks: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        # longest first, so "국가 AI 컴퓨팅센터" is found before its tail "AI 컴퓨팅센터"
        terms = sorted({self.name, *self.aliases}, key=lambda t: -len(normalize(t)))
        object.__setattr__(self, "_patterns", tuple(term_pattern(t) for t in terms))
        object.__setattr__(self, "_ranks", stage_ranks(self.stages))

    @property
    def ranks(self) -> dict[str, int]:
        """Each tracked stage's rank (a stage not listed is not tracked for this program)."""
        return self._ranks

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the program is named in normalized text, overlaps removed."""
        return without_overlaps((m.start(), m.end()) for p in self._patterns for m in p.finditer(text))


def without_overlaps(spans: Iterable[Span]) -> list[Span]:
    """`spans` ((start, end, ...) tuples) in order, dropping each that starts inside the one
    kept before it."""
    out: list[Span] = []
    for span in sorted(spans):
        if out and span[0] < out[-1][1]:
            continue
        out.append(span)
    return out


DEFAULT_PROGRAMS: tuple[Program, ...] = (
    Program(
        "국가 AI 컴퓨팅센터",
        ("국가AI컴퓨팅센터", "AI 컴퓨팅센터", "National AI Computing Center"),
    ),
    Program(
        "아시아·태평양 AI 센터",
        ("아태 AI 센터", "APEC AI 센터", "Asia-Pacific AI Center"),
    ),
)
