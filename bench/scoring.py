"""The article-extraction benchmark's body metric (re-implemented from its description).

Text -> \\w+ tokens -> 4-token shingles; per page TP/FP/FN over shingle multisets, normalised
by TP+FP+FN; precision and recall averaged over pages; F1 is the harmonic mean of the averages.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter

_WORD = re.compile(r"\w+")


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


def _page_counts(truth: str, pred: str) -> tuple[float, float, float]:
    t, p = shingles(truth), shingles(pred)
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (tp, fp, fn)


def body_scores(truths: list[str], preds: list[str]) -> dict[str, float]:
    """Benchmark-style macro precision/recall and the F1 of the two averages."""
    counts = [_page_counts(t, p) for t, p in zip(truths, preds, strict=True)]

    def prec(c):
        tp, fp, fn = c
        return 1.0 if fp == 0 and fn == 0 else (0.0 if tp == 0 and fp == 0 else tp / (tp + fp))

    def rec(c):
        tp, fp, fn = c
        return 1.0 if fp == 0 and fn == 0 else (0.0 if tp == 0 and fn == 0 else tp / (tp + fn))

    ps = [prec(c) for c in counts if c[0] + c[1] > 0]
    rs = [rec(c) for c in counts if c[0] + c[2] > 0]
    p = statistics.mean(ps) if ps else 0.0
    r = statistics.mean(rs) if rs else 0.0
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r}
