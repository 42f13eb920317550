"""A pattern's anchors: strings one of which every match contains, read from the parsed regex.

Stage cues are ~70 patterns, most opening with optional words, so the regex engine tries each
at every position of every clause. `str.__contains__` is far cheaper: a pattern runs only on a
clause holding one of its anchors ("후보", "협약", "고배|쓴잔|쓴맛"), which finds the same matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# the parser re.compile itself uses (CPython 3.11+, private); tests/test_board.py checks on every
# fixture clause that anchored patterns find exactly what the plain ones do
from re import _constants as _c
from re import _parser


@dataclass(frozen=True, slots=True)
class Anchored:
    pattern: re.Pattern[str]
    anchors: tuple[str, ...]  # empty: no required string found, the pattern always runs

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self.anchors and not any(a in text for a in self.anchors):
            return iter(())
        return self.pattern.finditer(text)


def anchored(pattern: str) -> Anchored:
    need = _need(_parser.parse(pattern))
    return Anchored(re.compile(pattern), tuple(sorted(need)) if need else ())


def _need(items) -> frozenset[str] | None:
    """Strings one of which every match of this parsed sequence contains: a run of literals, a
    group, an alternation (one string from each branch) or a repeat done at least once; of
    those found, the set whose shortest string is longest. None: nothing is required."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            candidates.append(frozenset({"".join(run)}))
            run = []
        sub = None
        if op is _c.SUBPATTERN:
            sub = _need(av[3])
        elif op is _c.BRANCH:
            branches = [_need(b) for b in av[1]]
            sub = frozenset().union(*branches) if all(branches) else None
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            sub = _need(av[2])
        if sub:
            candidates.append(sub)
    if run:
        candidates.append(frozenset({"".join(run)}))
    return max(candidates, key=lambda c: min(map(len, c)), default=None)
