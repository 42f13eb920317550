"""Topic matching speed: microseconds per article for the built-in 30-term topic over realistic bodies.

python -m bench.topics [--rounds 200]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from monitor.config import load_settings
from monitor.topics import match_topics

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=200)
    a = ap.parse_args()
    topics = load_settings(None, cwd=ROOT / "bench").topics  # the built-in default
    terms = sum(len(t.any) + len(t.all) + len(t.none) for t in topics)
    arts = json.loads((ROOT / "fixtures" / "articles.json").read_text("utf-8"))
    bodies = [(x["title"], "\n\n".join(x["paragraphs"]) * 3) for x in arts]  # ~1.5-2.5 KB of Korean each
    avg_chars = sum(len(b) for _, b in bodies) / len(bodies)
    matched = sum(bool(match_topics(topics, t, b)) for t, b in bodies)
    t0 = time.perf_counter()
    for _ in range(a.rounds):
        for title, body in bodies:
            match_topics(topics, title, body)
    per = (time.perf_counter() - t0) / (a.rounds * len(bodies)) * 1e6
    print(
        f"{terms} terms, {len(bodies)} bodies of ~{avg_chars:.0f} chars ({matched} match): {per:.0f} µs per article"
    )


if __name__ == "__main__":
    main()
