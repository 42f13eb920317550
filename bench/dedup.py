"""Dedup cost as the store grows: insert + near-duplicate lookup per article at 10k, 100k, 1M articles.

    python -m bench.dedup [--sizes 10000,100000,1000000] [--db /tmp/bench-dedup.db] [--cache-mb 1024]

Synthetic bodies: sentences drawn from a small fixed Korean vocabulary. Two such articles share
more 5-grams than two real unrelated ones (mean estimated Jaccard 0.006 against 0.002 over the
Korean corpus's gold bodies), so chance LSH candidates are if anything over-counted.

At each size the script times 1,000 lookups cold (straight after the fill) and 1,000 after
warm_dedup_index(), then 1,000 fresh inserts through the real save_article (one BEGIN
IMMEDIATE transaction each, lookup included), and reports the database size per 1,000
articles. It also prints the reprint / different-story similarity distribution from
fixtures/reprints.json and the pairwise precision and recall of the rule. `--keep` reuses a
filled store (a 1M fill takes about 35 minutes here).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

from scrapers.models import Article
from storage.articles import _add_urls, _add_version, _save_matches, save_article
from storage.db import open_db, write_transaction
from storage.dedup import (
    STORY_THRESHOLD,
    body_hash,
    signature,
    similarity,
)
from storage.fetch_log import log_fetch
from storage.models import ArticleInput, MatchRecord, to_db_time
from storage.story_index import find_story, index_signature, warm_dedup_index

ROOT = Path(__file__).resolve().parents[1]
WORDS = (
    "포항 구미 대구 경북 울산 광주 시 도 정부 국가 인공지능 데이터센터 유치 추진 계획 발표 예산 사업 지역 기업 대학 연구 "
    "산업 단지 전력 공급 인프라 협력 회의 관계자 주민 설명회 투자 협약 공모 선정 기관 센터 건립 조성 확대 지원 교육 인재 "
    "반도체 전자 클라우드 통신 컴퓨팅 슈퍼컴퓨터 연산 자원 활용 수요 경쟁 최적지 강점 과제 방안 검토 추경 행사 축제"
).split()
MATCH = (MatchRecord("ai-center", ("AI",)),)


def body(rng: random.Random) -> str:
    paras = []
    for _ in range(rng.randint(5, 9)):
        sentences = [
            " ".join(rng.choices(WORDS, k=rng.randint(8, 14))) + "다." for _ in range(rng.randint(2, 4))
        ]
        paras.append(" ".join(sentences))
    return "\n\n".join(paras)


def bench_item(url: str, title: str, text: str) -> ArticleInput:
    """One matched article as the pipeline would hand it to storage."""
    return ArticleInput(url, url, "bench", Article(title=title, body=text), MATCH)


def bulk_fill(db, start: int, count: int, rng: random.Random) -> None:
    """Fill the store fast (one transaction per 1,000 articles) with the rows save_article writes, minus the lookup."""
    when = datetime(2026, 1, 1, tzinfo=UTC)
    now = to_db_time(when)
    for base in range(start, start + count, 1000):
        with write_transaction(db):
            for i in range(base, min(base + 1000, start + count)):
                b = body(rng)
                bhash = body_hash(b)
                item = bench_item(f"https://b.kr/{i}", f"제목 {i}", b)
                sid = db.execute(
                    "INSERT INTO stories(title, first_seen) VALUES (?, ?)", (f"제목 {i}", now)
                ).lastrowid
                aid = db.execute(
                    "INSERT INTO articles(canonical_url, url, source, title, body, content_hash, story_id, "
                    "first_seen, updated_at) VALUES (?, ?, 'bench', ?, ?, ?, ?, ?, ?)",
                    (item.canonical_url, item.url, item.article.title, b, bhash, sid, now, now),
                ).lastrowid
                index_signature(db, aid, signature(f"제목 {i}\n{b}"))
                _add_urls(db, aid, item.urls)
                _add_version(db, aid, 1, item.article, bhash, None, now)
                _save_matches(db, aid, item.matches)
                log_fetch(
                    db,
                    [item.canonical_url, item.url],
                    source="bench",
                    etag=None,
                    last_modified=None,
                    content_hash=bhash,
                    now=when,
                    article_id=aid,
                    matched=True,
                )


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
    ap.add_argument("--probe", type=int, default=1000, help="fresh inserts timed at each size")
    ap.add_argument(
        "--keep", action="store_true", help="reuse the database at --db, filling only what is missing"
    )
    ap.add_argument(
        "--cache-mb", type=int, default=1024, help="[storage] cache_mb (the default config has 16)"
    )
    a = ap.parse_args()
    quality()
    if not a.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(a.db + suffix).unlink(missing_ok=True)
    db = open_db(a.db, cache_mb=a.cache_mb)
    have = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    rng = random.Random(7 + have)  # a kept store gets new bodies, not copies of its own
    # Lookups are timed twice with fresh probes: cold, right after the fill (index pages read
    # from disk as probes hit them), then after warm_dedup_index(), as the daemon runs them.
    print(f"page cache {a.cache_mb} MB")
    print(
        f"{'stored':>9} {'lookup ms: cold':>16} {'warm':>6} {'warm-up s':>10} {'insert+lookup ms: mean':>23} "
        f"{'median':>7} {'p95':>7} {'db MB':>8} {'MB per 1k articles':>19}"
    )
    for size in (int(s) for s in a.sizes.split(",")):
        if size > have:
            bulk_fill(db, have, size - have, rng)
            have = size
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every size starts from an empty WAL
        lookup_ms = []
        for warm in (False, True):
            if warm:
                t0 = time.perf_counter()
                warm_dedup_index(db)
                warm_s = time.perf_counter() - t0
            probes = [signature(f"탐색\n{body(rng)}") for _ in range(a.probe)]
            t0 = time.perf_counter()
            for sig in probes:
                find_story(db, sig)
            lookup_ms.append((time.perf_counter() - t0) * 1000 / len(probes))
        times = []
        for k in range(a.probe):
            item = bench_item(f"https://probe.kr/{have}/{k}", f"탐색 {k}", body(rng))
            t0 = time.perf_counter()
            save_article(db, item, now=datetime(2026, 1, 2, tzinfo=UTC))
            times.append((time.perf_counter() - t0) * 1000)
        have += a.probe
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        mb = os.path.getsize(a.db) / 1e6
        times.sort()
        print(
            f"{size:>9} {lookup_ms[0]:>16.3f} {lookup_ms[1]:>6.3f} {warm_s:>10.1f} {sum(times) / len(times):>23.2f} {times[len(times) // 2]:>7.2f} "
            f"{times[int(0.95 * len(times))]:>7.2f} {mb:>8.1f} {mb * 1000 / have:>19.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
