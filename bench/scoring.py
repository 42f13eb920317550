"""Scoring for the extraction benchmark (re-implemented from the corpora's descriptions).

Body: text -> \\w+ tokens -> 4-token shingles. The public benchmark's form (`body_scores`): per
page TP/FP/FN over shingle multisets normalised by TP+FP+FN, precision and recall averaged over
pages, F1 the harmonic mean of the averages. The Korean gold's form (`shingle_prf`): per-page F1,
averaged by the caller. Snippets: WCXB's must-have / must-not-have strings (trafilatura's method).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from datetime import date, datetime

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


def shingles(text: str | None, n: int = 4) -> Counter:
    toks = _WORD.findall(text or "")
    if not toks:
        return Counter()
    if len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def shingle_prf(truth: str | None, pred: str | None) -> tuple[float, float, float]:
    """Per-page precision, recall, F1 (the Korean gold script's per-page form)."""
    t, p = shingles(truth), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    prec = tp / (tp + fp) if tp + fp else (1.0 if not t else 0.0)
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


def page_counts(truth: str, pred: str) -> tuple[float, float, float]:
    t, p = shingles(truth), shingles(pred)
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (tp, fp, fn)


def _prec(c: tuple[float, float, float]) -> float:
    tp, fp, fn = c
    return 1.0 if fp == 0 and fn == 0 else (0.0 if tp == 0 and fp == 0 else tp / (tp + fp))


def _rec(c: tuple[float, float, float]) -> float:
    tp, fp, fn = c
    return 1.0 if fp == 0 and fn == 0 else (0.0 if tp == 0 and fn == 0 else tp / (tp + fn))


def page_f1(truth: str, pred: str) -> float:
    c = page_counts(truth, pred)
    p, r = _prec(c), _rec(c)
    return 2 * p * r / (p + r) if p + r else 0.0


def body_scores(truths: list[str], preds: list[str]) -> dict[str, float]:
    """Benchmark-style macro precision/recall and the F1 of the two averages."""
    counts = [page_counts(t, p) for t, p in zip(truths, preds, strict=True)]
    ps = [_prec(c) for c in counts if c[0] + c[1] > 0]
    rs = [_rec(c) for c in counts if c[0] + c[2] > 0]
    p = statistics.mean(ps) if ps else 0.0
    r = statistics.mean(rs) if rs else 0.0
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r}


def korean_scores(truths: list[str], preds: list[str]) -> dict[str, float]:
    """The Korean gold's form: precision, recall and F1 averaged page by page."""
    rows = [shingle_prf(t, p) for t, p in zip(truths, preds, strict=True)]
    return {k: statistics.mean(r[i] for r in rows) for i, k in enumerate(("precision", "recall", "f1"))}


def fold(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def same_title(truth: str | None, got: str | None) -> bool:
    return fold(truth) == fold(got)


def same_published(truth: str | None, got: datetime | None) -> bool:
    """To the minute when truth has a time, to the day (in the page's own zone) when only a date,
    to the month or year when truth gives no more."""
    if not truth or got is None:
        return False
    if len(truth) < 10:  # a month or a year only ("2003-11"): right when it falls in it
        return got.date().isoformat().startswith(truth)
    if len(truth) == 10:
        return got.date() == date.fromisoformat(truth)
    want = datetime.fromisoformat(truth.replace("Z", "+00:00"))
    if want.tzinfo is None or got.tzinfo is None:
        return got.replace(tzinfo=None, second=0) == want.replace(tzinfo=None, second=0)
    return abs((got - want).total_seconds()) < 60


def snippet_counts(withs: list[str], withouts: list[str], pred: str) -> tuple[int, int, int, int]:
    """(must-have found, must-not-have found, must-have missed, must-not-have absent) for one page."""
    text = fold(pred)
    found = sum(1 for w in withs if fold(w) in text)
    leaked = sum(1 for w in withouts if fold(w) in text)
    return found, leaked, len(withs) - found, len(withouts) - leaked


def snippet_f1(counts: list[tuple[int, int, int, int]]) -> float:
    tp = sum(c[0] for c in counts)
    fp = sum(c[1] for c in counts)
    fn = sum(c[2] for c in counts)
    return 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn else 0.0
