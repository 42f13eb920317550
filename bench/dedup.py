"""Dedup cost as the store grows: insert + near-duplicate lookup per article at 10k, 100k, 1M articles.

    python -m bench.dedup [--sizes 10000,100000,1000000] [--db /tmp/bench-dedup.db]

Synthetic bodies: sentences drawn from a fixed Korean vocabulary, so unrelated articles share
vocabulary like real news does. At each size the script times 200 fresh inserts through the
real save_article (one BEGIN IMMEDIATE transaction each, LSH lookup included), then reports the
database size per 1,000 articles. It also prints the reprint / different-story similarity
distribution from fixtures/reprints.json and the pairwise precision and recall of the rule.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from itertools import combinations
from pathlib import Path

from scrapers.models import Article
from storage.articles import ArticleInput, find_story, insert_bands, save_article
from storage.db import open_db, write_transaction
from storage.dedup import (
    STORY_THRESHOLD,
    body_hash,
    pack_signature,
    signature,
    similarity,
)

ROOT = Path(__file__).resolve().parents[1]
WORDS = (
    "포항 구미 대구 경북 울산 광주 시 도 정부 국가 인공지능 데이터센터 유치 추진 계획 발표 예산 사업 지역 기업 대학 연구 "
    "산업 단지 전력 공급 인프라 협력 회의 관계자 주민 설명회 투자 협약 공모 선정 기관 센터 건립 조성 확대 지원 교육 인재 "
    "반도체 전자 클라우드 통신 컴퓨팅 슈퍼컴퓨터 연산 자원 활용 수요 경쟁 최적지 강점 과제 방안 검토 추경 행사 축제"
).split()
MATCH = ({"topic": "ai-center", "terms": ["AI"], "snippets": {}},)


# Unrelated news shares common words but few long phrases: a vocabulary of common words plus
# 5,000 generated two-to-three-syllable words keeps synthetic articles as distinct as real ones.
_SYL = [chr(0xAC00 + i) for i in range(0, 11172, 7)]
_RARE = ["".join(random.Random(k).choices(_SYL, k=2 + k % 2)) for k in range(5000)]


def body(rng: random.Random) -> str:
    paras = []
    for _ in range(rng.randint(5, 9)):
        sentences = [
            " ".join(rng.choices(WORDS, k=rng.randint(8, 14))) + "다." for _ in range(rng.randint(2, 4))
        ]
        paras.append(" ".join(sentences))
    return "\n\n".join(paras)


def bulk_fill(db, start: int, count: int, rng: random.Random) -> None:
    """Fill the store fast (one transaction per 1,000 rows) with rows shaped exactly like save_article's."""
    now = "2026-01-01T00:00:00.000000Z"
    for base in range(start, start + count, 1000):
        with write_transaction(db):
            for i in range(base, min(base + 1000, start + count)):
                b = body(rng)
                sig = signature(f"제목 {i}\n{b}")
                sid = db.execute(
                    "INSERT INTO stories(title, first_seen) VALUES (?, ?)", (f"제목 {i}", now)
                ).lastrowid
                aid = db.execute(
                    "INSERT INTO articles(canonical_url, url, source, title, body, content_hash, signature, story_id, "
                    "first_seen, updated_at) VALUES (?, ?, 'bench', ?, ?, ?, ?, ?, ?, ?)",
                    (
                        f"https://b.kr/{i}",
                        f"https://b.kr/{i}",
                        f"제목 {i}",
                        b,
                        body_hash(b),
                        pack_signature(sig),
                        sid,
                        now,
                        now,
                    ),
                ).lastrowid
                insert_bands(db, aid, sid, sig)


def quality() -> None:
    data = json.loads((ROOT / "fixtures" / "reprints.json").read_text("utf-8"))
    sig = lambda v: signature(v["title"] + "\n" + v["body"])  # noqa: E731
    same = [
        similarity(sig(x), sig(y)) for s in data["reprint_sets"] for x, y in combinations(s["versions"], 2)
    ]
    diff = [similarity(sig(p["a"]), sig(p["b"])) for p in data["different_pairs"]]
    tp = sum(s >= STORY_THRESHOLD for s in same)
    fp = sum(d >= STORY_THRESHOLD for d in diff)
    print(
        f"fixtures: {len(same)} reprint pairs (similarity {min(same):.2f}-{max(same):.2f}), {len(diff)} different-story "
        f"pairs (max {max(diff):.2f}); threshold {STORY_THRESHOLD}: pairwise precision {tp / max(1, tp + fp):.2f}, "
        f"recall {tp / len(same):.2f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--db", default="/tmp/bench-dedup.db")
    ap.add_argument("--probe", type=int, default=200)
    a = ap.parse_args()
    quality()
    for suffix in ("", "-wal", "-shm"):
        Path(a.db + suffix).unlink(missing_ok=True)
    db = open_db(a.db)
    rng = random.Random(7)
    have = 0
    print(
        f"{'stored':>9} {'LSH lookup ms':>14} {'insert+lookup ms/article':>25} {'p95 ms':>8} {'db MB':>8} "
        f"{'KB per 1k articles':>19}"
    )
    for size in (int(s) for s in a.sizes.split(",")):
        bulk_fill(db, have, size - have, rng)
        have = size
        probes = [signature(f"탐색\n{body(rng)}") for _ in range(a.probe)]
        t0 = time.perf_counter()
        for sig in probes:
            find_story(db, sig)
        lookup_ms = (time.perf_counter() - t0) * 1000 / len(probes)
        times = []
        for k in range(a.probe):
            b = body(rng)
            item = ArticleInput(
                f"https://probe.kr/{size}/{k}",
                f"https://probe.kr/{size}/{k}",
                "bench",
                Article(title=f"탐색 {k}", body=b),
                MATCH,
            )
            t0 = time.perf_counter()
            save_article(db, item, now="2026-01-02T00:00:00.000000Z")
            times.append((time.perf_counter() - t0) * 1000)
        have += a.probe
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        mb = os.path.getsize(a.db) / 1e6
        times.sort()
        print(
            f"{size:>9} {lookup_ms:>14.3f} {sum(times) / len(times):>25.2f} {times[int(0.95 * len(times))]:>8.2f} "
            f"{mb:>8.1f} {mb * 1e3 / have * 1000:>19.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
