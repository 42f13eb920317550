"""Folding claims into the board, pure: per (program, bidder) the furthest stage reported,
since its first report, with the sentence that first stated it as evidence."""

from __future__ import annotations

from collections import defaultdict

from storage.models import BoardRow, PairCounts, StoredClaim

from .programs import Program


def fold_board(
    claims: list[StoredClaim],
    programs: tuple[Program, ...],
    counts: dict[tuple[str, str], PairCounts] | None = None,
) -> list[BoardRow]:
    """One row per (program, bidder). The current stage is the highest-ranked one claimed
    (선정 and 탈락 share a rank: the later report wins); `since` is the earliest date of that
    stage: the date the text states, else the article's. A program no longer configured, or a
    stage it does not track, is left out. `counts`: the pairs' article and outlet counts when
    `claims` are only the deciding ones (storage's `deciding_claims`); else counted here."""
    ranks = {p.name: p.ranks for p in programs}
    groups: dict[tuple[str, str], list[StoredClaim]] = defaultdict(list)
    for c in claims:
        if c.program in ranks and c.stage in ranks[c.program]:
            groups[(c.program, c.bidder)].append(c)
    rows = []
    for (program, bidder), group in groups.items():
        rank = ranks[program]
        top = max(rank[c.stage] for c in group)
        at_top = [c for c in group if rank[c.stage] == top]
        # a tie of rank (선정 vs 탈락): the stage of the latest report
        stage = max(at_top, key=lambda c: (c.reported, c.article_id)).stage
        of_stage = [c for c in at_top if c.stage == stage]
        first = min(of_stage, key=lambda c: (c.stated or c.reported, c.article_id))
        said = (counts or {}).get((program, bidder)) or PairCounts(
            len({c.article_id for c in group}), len({c.outlet for c in group}), max(c.reported for c in group)
        )
        rows.append(
            BoardRow(
                program=program,
                bidder=bidder,
                stage=stage,
                since=first.stated or first.reported,
                evidence=first.evidence,
                article_id=first.article_id,
                url=first.url,
                title=first.title,
                outlet=first.outlet,
                articles=said.articles,
                outlets=said.outlets,
                last_mention=said.last_mention,
            )
        )
    return sorted(rows, key=lambda r: (r.program, r.bidder))


def board_folder(programs: tuple[Program, ...]):
    """`fold_board` bound to the programs, as storage takes it."""

    def fold(claims: list[StoredClaim], counts: dict[tuple[str, str], PairCounts]) -> list[BoardRow]:
        return fold_board(claims, programs, counts)

    return fold
