"""Web reader page times at 10k and 100k stored articles, over real HTTP.

    python -m bench.web [--sizes 10000,100000] [--db /tmp/bench-web.db] [--runs 20]

The store is filled with direct inserts (the rows the pipeline writes, minus the dedup
index, which the reader never reads): stories of 1 to 5 outlets out of 12, two topics with
snippets, 3 % of articles edited once (a second version), one alert per story. Bodies are
bench.dedup's synthetic Korean sentences, so common search words match nearly every article,
the worst case for search. Then `monitor serve` runs in its own process and every page is
fetched `--runs` times after a warm-up; the table shows median, p95 and max in ms.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from storage.db import open_db, write_transaction
from storage.dedup import body_hash
from storage.models import to_db_time

from .dedup import body

OUTLETS = [f"outlet{i:02d}" for i in range(12)]
SNIPPET = "…경북 포항시가 국가 AI 컴퓨팅센터 유치에 나선다고 밝혔다…"


def fill(db, start: int, count: int, rng: random.Random) -> None:
    """Add `count` articles (ids from start) in stories of 1-5 outlets, newest last."""
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    done = 0
    with write_transaction(db):
        for name in OUTLETS:
            db.execute(
                "INSERT OR IGNORE INTO sources(name, kind, url, health) VALUES (?, 'feed', ?, 'ok')",
                (name, f"https://{name}.kr/rss"),
            )
    while done < count:
        with write_transaction(db):
            for _ in range(200):
                if done >= count:
                    break
                i = start + done
                when = to_db_time(t0 + timedelta(minutes=i))
                title = f"AI 컴퓨팅센터 유치전 {i}"
                sid = db.execute(
                    "INSERT INTO stories(title, first_seen) VALUES (?, ?)", (title, when)
                ).lastrowid
                for outlet in rng.sample(OUTLETS, min(rng.randint(1, 5), count - done)):
                    b = body(rng)
                    url = f"https://{outlet}.kr/news/{i}"
                    aid = db.execute(
                        "INSERT INTO articles(canonical_url, url, source, site_name, title, byline, published, body, "
                        "content_hash, story_id, first_seen, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            url,
                            url,
                            outlet,
                            outlet,
                            title,
                            "홍길동 기자",
                            when,
                            b,
                            body_hash(b),
                            sid,
                            when,
                            when,
                        ),
                    ).lastrowid
                    db.execute("INSERT INTO article_urls(url, article_id) VALUES (?, ?)", (url, aid))
                    db.execute(
                        "INSERT INTO article_versions(article_id, version, title, body, content_hash, created_at) "
                        "VALUES (?, 1, ?, ?, ?, ?)",
                        (aid, title, b, body_hash(b), when),
                    )
                    for topic in ("ai-center", "datacenter") if rng.random() < 0.3 else ("ai-center",):
                        db.execute(
                            "INSERT INTO topic_matches(article_id, topic, terms, snippets) VALUES (?, ?, ?, ?)",
                            (
                                aid,
                                topic,
                                '["AI 컴퓨팅센터"]',
                                json.dumps({"AI 컴퓨팅센터": SNIPPET}, ensure_ascii=False),
                            ),
                        )
                    if rng.random() < 0.03:  # an edit: a second version, the article row updated
                        b2 = b.replace("다.", "다고 밝혔다.", 1)
                        db.execute(
                            "INSERT INTO article_versions(article_id, version, title, body, content_hash, diff, "
                            "created_at) VALUES (?, 2, ?, ?, ?, '', ?)",
                            (aid, title, b2, body_hash(b2), when),
                        )
                        db.execute("UPDATE articles SET body = ?, version = 2 WHERE id = ?", (b2, aid))
                    done += 1
                db.execute(
                    "INSERT INTO outbox(msg_id, dedup_key, webhook, event, story_id, topic, payload, status, "
                    "attempts, next_attempt_at, created_at) VALUES (?, ?, 'ops', 'article.new', ?, 'ai-center', "
                    "'{}', 'sent', 1, ?, ?)",
                    (f"msg_{sid}", f"k{sid}", sid, when, when),
                )


def pages(db) -> list[tuple[str, str]]:
    newest = db.execute("SELECT MAX(id) FROM stories").fetchone()[0]
    edited = db.execute(
        "SELECT a.story_id FROM article_versions v JOIN articles a ON a.id = v.article_id WHERE v.version = 2 "
        "ORDER BY a.story_id DESC LIMIT 1"
    ).fetchone()[0]
    big = db.execute(
        "SELECT story_id FROM articles GROUP BY story_id HAVING COUNT(*) = 5 ORDER BY story_id DESC LIMIT 1"
    ).fetchone()[0]
    middle = db.execute("SELECT first_seen FROM stories WHERE id = ?", (newest // 2,)).fetchone()[0][:10]
    return [
        ("stories", "/"),
        ("stories, topic", "/?topic=datacenter"),
        ("stories, outlet", "/?outlet=outlet07"),
        ("stories, one day", f"/?since={middle}&until={middle}"),
        ("stories, deep page", f"/?before={newest // 2}"),
        ("story, 5 outlets", f"/stories/{big}"),
        ("story, with an edit", f"/stories/{edited}"),
        ("search, common word", "/search?q=컴퓨팅"),
        ("search, two words", "/search?q=슈퍼컴퓨터+유치"),
        ("search, rare", "/search?q=유치전+777"),
        ("sources", "/sources"),
        ("alerts", "/alerts"),
        ("feed, topic", "/feeds/ai-center.atom"),
        ("feed, search", "/feeds/search.atom?q=컴퓨팅"),
        ("api stories", "/api/stories"),
        ("api story", f"/api/stories/{big}"),
        ("api search", "/api/search?q=컴퓨팅"),
    ]


def measure(db_path: Path, db, runs: int) -> list[tuple[str, float, float, float]]:
    config = db_path.with_suffix(".toml")
    config.write_text(
        f'[storage]\npath = "{db_path}"\n[[topics]]\nname = "ai-center"\nany = ["AI 컴퓨팅센터"]\n'
        '[[topics]]\nname = "datacenter"\nany = ["데이터센터"]\n',
        "utf-8",
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "monitor.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--config",
            str(config),
            "-q",
        ]
    )
    base = f"http://127.0.0.1:{port}"
    out = []
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    client.get("/static/style.css")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            for name, path in pages(db):
                for _ in range(3):
                    assert client.get(path).status_code == 200, path
                times = []
                for _ in range(runs):
                    t = time.perf_counter()
                    r = client.get(path)
                    times.append((time.perf_counter() - t) * 1000)
                    assert r.status_code == 200, path
                times.sort()
                out.append((name, statistics.median(times), times[int(len(times) * 0.95) - 1], times[-1]))
    finally:
        proc.terminate()
        proc.wait(10)
    return out


def _cell(row: tuple[str, float, float, float]) -> str:
    _, med, p95, top = row
    return f"{med:.1f} / {p95:.1f} / {top:.1f}".rjust(34)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--db", default="/tmp/bench-web.db")
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    path = Path(args.db)
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    db = open_db(path)
    rng = random.Random(16)
    have = 0
    results = {}
    for size in (int(s) for s in args.sizes.split(",")):
        t = time.perf_counter()
        fill(db, have, size - have, rng)
        have = size
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        print(f"filled {size:,} articles in {time.perf_counter() - t:.0f} s", flush=True)
        results[size] = measure(path, db, args.runs)
    sizes = list(results)
    print(f"\n{'page':<22}" + "".join(f"{f'{s:,}: median / p95 / max ms':>34}" for s in sizes))
    for i, (name, *_) in enumerate(results[sizes[0]]):
        cells = "".join(_cell(results[s][i]) for s in sizes)
        print(f"{name:<22}{cells}")
    worst = {s: max(r[2] for r in results[s]) for s in sizes}
    print("\nslowest p95: " + ", ".join(f"{worst[s]:.1f} ms at {s:,}" for s in sizes))


if __name__ == "__main__":
    main()
