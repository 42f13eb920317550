"""The bid board's claim extraction against hand-labelled Korean sentences and short articles.

    python -m bench.board [--errors] [--json]

`fixtures/board/claims.jsonl`: one item a line, {"id", "published", "title"?, "text", "gold":
[[bidder, program, stage, date?], ...]}; program "N" is 국가 AI 컴퓨팅센터, "A" 아시아·태평양 AI
센터. Scored on (bidder, program, stage) triples, micro-averaged; dates where the gold states
one (exact "YYYY-MM" or "YYYY-MM-DD"). The seeds in ../shared/seeds are checked when present.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from monitor.board.claims import extract_claims
from monitor.board.programs import DEFAULT_PROGRAMS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "board" / "claims.jsonl"
# written after the rules were tuned on FIXTURES, and not tuned on: the honest figure
HELDOUT = FIXTURES.with_name("claims_heldout.jsonl")
# written before the second round of rule changes and measured untouched first (issue 17, pass 2)
HELDOUT2 = FIXTURES.with_name("claims_heldout2.jsonl")
# written after pass 2's rule changes were done, measured once, not tuned on
HELDOUT3 = FIXTURES.with_name("claims_heldout3.jsonl")
# written before pass 3's rule changes, measured untouched first and again only at its end
HELDOUT4 = FIXTURES.with_name("claims_heldout4.jsonl")
# written before pass 4's rule changes (held-out 4 was seen by then), measured untouched first
HELDOUT5 = FIXTURES.with_name("claims_heldout5.jsonl")
# written after pass 4's rule changes were done (held-out 5's misses had been seen once), measured once
HELDOUT6 = FIXTURES.with_name("claims_heldout6.jsonl")
# written before pass 5's rule changes (held-out 6's misses had been seen), measured untouched first;
# pass 6 tuned on its leftovers (P 0.946 R 0.875 before)
HELDOUT7 = FIXTURES.with_name("claims_heldout7.jsonl")
# written by someone who never read the rules or the other sets, measured once (P 0.866 R 0.866);
# its writer was told to label only the furthest stage of a sentence, against the convention
# (every stage stated, 추진 dropped under a further one): h8-34, h8-64, h8-72 and h8-83 were
# given their earlier stated stage (pass 6), and pass 6 tuned on it
HELDOUT8 = FIXTURES.with_name("claims_heldout8.jsonl")
# written by another who never read the rules or the sets, after pass 6; measured once (P 0.917
# R 0.792), then tuned on in pass 7. Its writer left a stage undated where the text dates it by the
# statement ("신설했다고 26일 밝혔다", "9일 ... 발표했다", "이달 초 서면평가를 받았다"), against
# the convention; pass 7 gave h9-03, -15, -35, -51, -66, -68 and -70 those dates, and dropped
# h9-80's partner ("서귀포시는 제주도와 함께 ... 냈으나": 제주도 is a partner, not a bidder, by the
# convention "B는 A와 함께"; it scored only while 서귀포시 was not in the gazetteer)
HELDOUT9 = FIXTURES.with_name("claims_heldout9.jsonl")
# written by another who never read the rules or the sets, during pass 7; measured once after it
# (P 0.851 R 0.740), then tuned on in pass 8. Its writer counted partners as bidders, against the
# convention ("B는 A와 함께" is a partner, as h9-80; the other party of an agreement is not its
# subject, as d25 "해남군은 ... 전남도와 실시협약을 체결했다"): pass 8 dropped h10-11's 춘천시 신청
# ("강원특별자치도는 ... 춘천시와 함께 ... 의향서를 냈다"), h10-40's 해남군 후속 ("전라남도는 ...
# 해남군, 삼성SDS 컨소시엄과 ... 실시협약을 체결했다") and h10-54's 부산광역시 신청 ("해운대구가 ...
# 부산시와 함께 ... 신청서를 낸"); P 0.842 R 0.750 before pass 8 on the gold so corrected.
# Pass 8 had also dropped 심사 under a 선정 in the same sentence, as this writer labelled h10-28 and
# h10-35; the convention keeps every stated stage but 추진 (held-out 11 labels both: h11-37 "5월 현장
# 실사를 거쳐 ... 낙점됐다"), so pass 9 removed that drop and gave h10-28 ("높은 점수를 받았다"며
# ... 확정했다) and h10-35 ("마지막 관문을 넘어 센터를 거머쥐었다") their stated 심사 (130 triples)
HELDOUT10 = FIXTURES.with_name("claims_heldout10.jsonl")
# written by another who never read the rules or the sets, during pass 8; measured once after it
# (2026-12-02): P 0.907 R 0.778 (98 tp, 10 fp, 28 fn), dates 36/44; then tuned on in pass 9. Its
# writer was told to write "광주시" for the Gyeonggi city: h11-15's gold takes the gazetteer's
# canonical "경기 광주시" (a naming fix). One label against the convention (a stage comes from a
# predicate joining a bidder and a program named in the clause, the two sentences before or the
# title): h11-41 ("서면평가를 통과한 전북도는 ... 최종 선정되길 기대하고 있다") names no program
# at all, so its 전북특별자치도 심사 was dropped (125 triples). Pass 8's rules on the gold so
# corrected: P 0.917 R 0.792 (99 tp, 9 fp, 26 fn), dates 36/44; after pass 9: P 1.000 R 0.960
HELDOUT11 = FIXTURES.with_name("claims_heldout11.jsonl")
# written by another who never read the rules or the sets, during pass 9; measured once after it
# (2026-12-02): P 0.950 R 0.870 (114 tp, 6 fp, 17 fn), dates 51/58; then tuned on in pass 11
# (sites of a province's bid, members of a body, plans next month, the rounds behind a choice, the
# finalists listed, a spokesperson, "두 사업 모두"): P 1.000 R 0.992 (130 tp, 0 fp, 1 fn), dates
# 58/60 (optimistic). No gold label was changed: none contradicts the convention. Pass 11 cost
# held-out 10 one triple: h10-43 ("공사를 다음 달 착공한다고 3일 밝혔다") was labelled 후속, but a
# plan is not the stage ("다음 달" is now read as a future date): its gold was then brought to the
# convention (no claim)
HELDOUT12 = FIXTURES.with_name("claims_heldout12.jsonl")
# written by another who never read the rules or the sets, during pass 11 (columns, editorials,
# interviews, council reports, unrelated contests); measured once after it (2026-12-02): P 0.900
# R 0.760 (117 tp, 13 fp, 37 fn), dates 63/77; then tuned on in pass 12 (gapped topics and
# settings, outcomes notified, the intake or pursuit given up, round walls, 군은, "또" as another
# matter, the results day, a lone "가" subject carried): P 0.944 R 0.877 (135 tp, 8 fp, 19 fn),
# dates 74/84 (optimistic). No gold label was changed
HELDOUT13 = FIXTURES.with_name("claims_heldout13.jsonl")
# written by another who never read the rules or the sets, during pass 12 (wire briefs, features,
# columns, interviews, council reports); measured once after it (2026-12-02): P 0.943 R 0.879
# (116 tp, 7 fp, 16 fn), dates 65/78; then tuned on in pass 13 (a will to bid, two programs joined
# as the object, the committee's first meeting, a site pitched as the candidate, the plain present
# as a plan, a supposition, help given to another's bid, a filing's site told after it, the day of
# the sentence before or of the announcement after): P 1.000 R 0.970 (128 tp, 0 fp, 4 fn), dates
# 83/86 (optimistic). No gold label was changed: none contradicts the convention
HELDOUT14 = FIXTURES.with_name("claims_heldout14.jsonl")
# written by another who never read the rules or the sets, during pass 13 (city-hall releases, council
# and budget news, criticism, 10 English sentences of Korean outlets); measured once after it
# (2026-12-02): P 0.989 R 0.797 (94 tp, 1 fp, 24 fn), dates 44/45. All 13 English triples were
# missed (the rules read Korean only); the Korean items alone: R 0.895 (94 of 105). Then the English
# path (monitor/board/english.py) was written by someone who never opened this file (they saw its
# totals once, at the end): P 0.981 R 0.881 (104 tp, 2 fp, 14 fn), dates 50/52; not tuned on since
HELDOUT15 = FIXTURES.with_name("claims_heldout15.jsonl")
# written by another who never read the rules or the sets, after pass 14 (the English path; 11
# English items); measured once (2026-12-02): P 0.943 R 0.804 (115 tp, 7 fp, 28 fn), dates 88/95;
# its English items: 17 of 19 triples, no false one. Not tuned on: the honest figure for pass 14
HELDOUT16 = FIXTURES.with_name("claims_heldout16.jsonl")
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
PROGRAM_CODES = {"N": "국가 AI 컴퓨팅센터", "A": "아시아·태평양 AI 센터"}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    dates_right: int = 0
    dates_stated: int = 0
    by_stage: dict[str, Counter] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, stage: str, kind: str) -> None:
        self.by_stage.setdefault(stage, Counter())[kind] += 1


def load(path: Path = FIXTURES) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def score(items: list[dict]) -> Score:
    s = Score()
    for item in items:
        published = date.fromisoformat(item["published"]) if item.get("published") else None
        claims = extract_claims(item.get("title"), item["text"], DEFAULT_PROGRAMS, published)
        got = {(c.bidder, c.program, c.stage): c for c in claims}
        gold = {(g[0], PROGRAM_CODES[g[1]], g[2]): (g[3] if len(g) > 3 else None) for g in item["gold"]}
        for triple in got.keys() & gold.keys():
            s.tp += 1
            s.add(triple[2], "tp")
            if gold[triple]:
                s.dates_stated += 1
                if got[triple].stated == gold[triple]:
                    s.dates_right += 1
                else:
                    s.errors.append(f"{item['id']}: date {got[triple].stated} != {gold[triple]} {triple}")
        for triple in got.keys() - gold.keys():
            s.fp += 1
            s.add(triple[2], "fp")
            s.errors.append(f"{item['id']}: FP {triple}")
        for triple in gold.keys() - got.keys():
            s.fn += 1
            s.add(triple[2], "fn")
            s.errors.append(f"{item['id']}: FN {triple}")
    return s


def seed_claims() -> dict[str, list[tuple[str, str, str, str | None]]] | None:
    """The seeds' claims (publish dates from their bylines), or None when the seeds are absent."""
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not files:
        return None
    out = {}
    for f in files:
        text = f.read_text("utf-8")
        published = _byline_date(text)
        out[f.name] = [
            (c.bidder, c.program, c.stage, c.stated)
            for c in extract_claims(None, text, DEFAULT_PROGRAMS, published)
        ]
    return out


def _byline_date(text: str) -> date | None:
    import re

    m = re.search(r"(20\d\d)-(\d\d)-(\d\d)", text)
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def report(name: str, items: list[dict], s: Score) -> None:
    gold_n = sum(len(i["gold"]) for i in items)
    print(f"\n{name}: {len(items)} items, {gold_n} gold triples")
    print(f"{'stage':<6} {'P':>6} {'R':>6}  tp fp fn")
    for stage in ("추진", "신청", "심사", "선정", "탈락", "후속"):
        c = s.by_stage.get(stage, Counter())
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        print(f"{stage:<6} {p:6.3f} {r:6.3f}  {c['tp']:>2} {c['fp']:>2} {c['fn']:>2}")
    f1 = 2 * s.precision * s.recall / (s.precision + s.recall) if s.precision + s.recall else 0.0
    print(f"{'all':<6} {s.precision:6.3f} {s.recall:6.3f}  {s.tp:>2} {s.fp:>2} {s.fn:>2}   F1 {f1:.3f}")
    print(f"stated dates right: {s.dates_right}/{s.dates_stated}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list every miss")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    sets = {
        "dev": load(FIXTURES),
        "held-out": load(HELDOUT),
        "held-out 2": load(HELDOUT2),
        "held-out 3": load(HELDOUT3),
        "held-out 4": load(HELDOUT4),
        "held-out 5": load(HELDOUT5),
        "held-out 6": load(HELDOUT6),
        "held-out 7": load(HELDOUT7),
        "held-out 8": load(HELDOUT8),
        "held-out 9": load(HELDOUT9),
        "held-out 10": load(HELDOUT10),
        "held-out 11": load(HELDOUT11),
        "held-out 12": load(HELDOUT12),
        "held-out 13": load(HELDOUT13),
        "held-out 14": load(HELDOUT14),
        "held-out 15": load(HELDOUT15),
        "held-out 16": load(HELDOUT16),
    }
    if args.json:
        out = {}
        for name, items in sets.items():
            sc = score(items)
            out[name] = {
                "items": len(items),
                "precision": round(sc.precision, 3),
                "recall": round(sc.recall, 3),
                "dates": f"{sc.dates_right}/{sc.dates_stated}",
            }
        print(json.dumps(out))
        return
    for name, items in sets.items():
        s = score(items)
        report(name, items, s)
        if args.errors:
            print("\n".join(s.errors))
    seeds = seed_claims()
    if seeds is None:
        print(f"seeds: {SEEDS} absent, skipped")
    else:
        for name, claims in seeds.items():
            print(
                f"seed {name}: "
                + "; ".join(f"({b}, {p}, {st}{', ' + d if d else ''})" for b, p, st, d in claims)
            )


if __name__ == "__main__":
    main()
