"""Quality floors on the shared dev corpora (skipped when ../shared is absent): a regression fails CI.

Ours only, no anchors, one pass: a few seconds. Each floor sits a little below what
`python -m bench.extraction` measured (bench/results/); the anchors' figures are in the comments.
"""

from __future__ import annotations

import argparse

import pytest

from bench.extraction import bench_corpus, load_corpus

from .conftest import shared_path

# corpus row -> (body F1 floor, title floor or None, published floor or None, empty pages allowed)
FLOORS = {
    "article-benchmark-dev": (0.965, None, None, 0),  # ours 0.976, trafilatura fast 0.969
    "korean-news": (0.97, 0.95, 0.90, 0),  # ours 0.998, trafilatura fast 0.653
    "wcxb-dev-articles": (0.90, 0.78, 0.60, 3),  # ours 0.910, trafilatura fast 0.918
    "readability-testpages real": (0.89, None, None, 0),  # ours 0.899, trafilatura fast 0.947
    "readability-testpages synthetic": (0.87, None, None, 4),  # ours 0.884, trafilatura fast 0.887
}
ARGS = argparse.Namespace(no_anchors=True, fresh_anchors=False, repeat=1, worst=0)


@pytest.mark.parametrize(
    "corpus", ["article-benchmark-dev", "korean-news", "wcxb-dev-articles", "readability-testpages"]
)
def test_corpus_meets_its_floors(corpus):
    path = shared_path("corpora", corpus)
    rows, _ = bench_corpus(corpus, load_corpus(corpus, path), ARGS, {})
    for row in rows:
        if row["extractor"] not in ("ours", "ours generic-only"):
            continue
        f1, title, date, empties = FLOORS[row["corpus"]]
        label = f"{row['corpus']} / {row['extractor']}"
        assert row["f1"] >= f1, label
        assert row["empty"] <= empties, label
        if title is not None:
            assert row["title"] >= title, label
        if date is not None:
            assert row["date"] >= date, label
