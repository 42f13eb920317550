"""A pattern's anchors: strings one of which every match contains, read from the parsed regex.

Stage cues are ~90 patterns, most opening with optional words, so the regex engine tries each
at every position of every clause. `str.__contains__` is far cheaper: a pattern runs only on a
clause holding one of each of its anchor sets ("유치" and one of "철회|포기|접었", "후보" and
"압축"), which finds the same matches. Every set is checked, not only the longest: "유치" is in
almost every clause about a bid, the verb after it rarely.
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
    # every match holds one string of each set, the most selective (longest) set first;
    # empty: no required string found, the pattern always runs
    anchors: tuple[tuple[str, ...], ...]
    # the same sets as checks: a lone string is `in`, several one alternation searched in C (a
    # generator of `in` tests per set was most of the claim time)
    gates: tuple[str | re.Pattern[str], ...] = ()

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        for gate in self.gates:
            if (gate not in text) if isinstance(gate, str) else (gate.search(text) is None):
                return iter(())
        return self.pattern.finditer(text)


def anchored(pattern: str) -> Anchored:
    needs = sorted(_needs(_parser.parse(pattern)), key=lambda c: (-min(map(len, c)), sorted(c)))
    anchors = tuple(tuple(sorted(c)) for c in needs)
    gates = tuple(
        need[0]
        if len(need) == 1
        else re.compile("|".join(map(re.escape, sorted(need, key=len, reverse=True))))
        for need in anchors
    )
    return Anchored(re.compile(pattern), anchors, gates)


def _need(items) -> frozenset[str] | None:
    """Of the sets `_needs` finds, the one whose shortest string is longest (None: none)."""
    return max(_needs(items), key=lambda c: min(map(len, c)), default=None)


def _needs(items) -> list[frozenset[str]]:
    """Sets of strings one of which every match of this parsed sequence contains: a run of
    literals, a group, an alternation (one string from each branch) or a repeat done at least
    once, each in turn along the sequence."""
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
    return candidates
