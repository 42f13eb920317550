"""Extraction benchmark: every dev corpus, ours vs the anchors, quality and speed in one table.

    python -m bench.extraction [--shared PATH] [--corpus NAME ...] [--limit N] [--repeat 3]
                               [--no-anchors] [--fresh-anchors] [--worst N] [--json]

Corpora (under SHARED/corpora; each is skipped with a message when absent):
  article-benchmark-dev  91 pages, hand-marked articleBody: the benchmark's macro shingle F1
  korean-news            19 Korean pages with gold title/published/body: per-page F1 averaged
                         (the gold's own script), ours with profiles and with the generic extractor alone
  wcxb-dev-articles      709 pages: macro shingle F1, title, publish date (to the day), snippets
  readability-testpages  130 pages, truth = Readability.js output: real and synthetic pages apart
Anchors: trafilatura (fast=True, include_comments=False) and resiliparse
(extract_plain_text(main_content=True)), plus the bare selectolax parse as the speed floor.
Speed: HTML already decoded in memory, extractors interleaved page by page (alternating order);
ms/page = sum over pages of the median of --repeat timings. Anchor outputs and timings are cached
in bench/.cache/ (gitignored) so iterating on ours does not re-run them; --fresh-anchors re-times.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from bench.scoring import (
    body_scores,
    korean_scores,
    page_f1,
    same_published,
    same_title,
    shingle_prf,
    snippet_counts,
    snippet_f1,
)
from scrapers.charset import decode_bytes
from scrapers.extract import extract_article

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared"
CACHE = ROOT / "bench" / ".cache" / "anchors.json"
CORPORA = ("article-benchmark-dev", "korean-news", "wcxb-dev-articles", "readability-testpages")


@dataclass
class Page:
    id: str
    html: str
    url: str | None
    body: str
    raw: bytes | None = None  # Korean pages go to ours as the bytes a fetch would give
    title: str | None = None
    published: str | None = None
    group: str = ""
    withs: list[str] = field(default_factory=list)
    withouts: list[str] = field(default_factory=list)


Result = tuple[str, str | None, object]  # body, title, published
Extractor = Callable[[Page], Result]


def _gz(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8", "replace")


def load_corpus(name: str, path: Path) -> list[Page]:
    if name == "korean-news":
        pages = []
        for e in json.loads((path / "manifest.json").read_text("utf-8")):
            gold = json.loads((path / e["gold"]).read_text("utf-8"))
            raw = (path / e["file"]).read_bytes()
            pages.append(
                Page(
                    Path(e["file"]).stem,
                    decode_bytes(raw)[0],
                    e.get("url"),
                    gold["body"],
                    raw=raw,
                    title=gold.get("title"),
                    published=gold.get("published"),
                )
            )
        return pages
    truth = json.loads((path / "ground-truth.json").read_text("utf-8"))
    extra = {}
    if (path / "expected-metadata.json").exists():
        extra = json.loads((path / "expected-metadata.json").read_text("utf-8"))
    pages = []
    for pid in sorted(truth):
        t, meta = truth[pid], extra.get(pid, {})
        synthetic = str(t.get("synthetic", "")).lower() == "true"
        pages.append(
            Page(
                pid,
                _gz(path / "html" / f"{pid}.html.gz"),
                t.get("url") if t.get("url") not in (None, "None") else None,
                t.get("articleBody") or "",
                title=t.get("title") or meta.get("title"),
                published=t.get("publish_date") or meta.get("publishedTime"),
                group=("synthetic" if synthetic else "real") if "synthetic" in t else "",
                withs=list(t.get("with") or []),
                withouts=list(t.get("without") or []),
            )
        )
    return pages


def _ours(profile: str | None) -> Extractor:
    def run(page: Page) -> Result:
        art = extract_article(page.raw if page.raw is not None else page.html, url=page.url, profile=profile)
        return art.body, art.title, art.published

    return run


@functools.cache
def anchors() -> dict[str, tuple[str, Extractor]]:
    """name -> (version, extractor) for the anchors that are installed."""
    found: dict[str, tuple[str, Extractor]] = {}
    try:
        import trafilatura

        found["trafilatura fast"] = (
            metadata.version("trafilatura"),
            lambda p: (trafilatura.extract(p.html, fast=True, include_comments=False) or "", None, None),
        )
    except ImportError:
        print("trafilatura not installed: pip install -e '.[bench]'", file=sys.stderr)
    try:
        from resiliparse.extract.html2text import extract_plain_text

        found["resiliparse"] = (
            metadata.version("resiliparse"),
            lambda p: (extract_plain_text(p.html, main_content=True) or "", None, None),
        )
    except ImportError:
        print("resiliparse not installed: pip install -e '.[bench]'", file=sys.stderr)
    return found


def _parse_only(page: Page) -> Result:
    LexborHTMLParser(page.html)
    return "", None, None


def run_timed(pages: list[Page], runners: dict[str, Extractor], repeat: int) -> dict[str, dict]:
    """Outputs of the first repetition and the median time of each page, runners interleaved."""
    outs = {n: [("", None, None)] * len(pages) for n in runners}
    times = {n: [[] for _ in pages] for n in runners}
    names = list(runners)
    for rep in range(repeat):
        for k, page in enumerate(pages):
            for name in names if (rep + k) % 2 == 0 else reversed(names):
                t0 = time.perf_counter()
                try:
                    out = runners[name](page)
                except Exception as exc:  # a crash scores as an empty page, and is reported
                    print(f"  {name} raised on {page.id}: {type(exc).__name__}: {exc}", file=sys.stderr)
                    out = ("", None, None)
                times[name][k].append(time.perf_counter() - t0)
                if rep == 0:
                    outs[name][k] = out
    return {n: {"outputs": outs[n], "ms": [1000 * statistics.median(t) for t in times[n]]} for n in runners}


def _row(corpus: str, label: str, pages: list[Page], outs: list[Result], ms: list[float]) -> dict:
    korean = corpus == "korean-news"
    truths, preds = [p.body for p in pages], [o[0] for o in outs]
    row: dict = {"corpus": corpus, "extractor": label, "pages": len(pages)}
    row["ms_per_page"] = sum(ms) / len(ms) if ms else 0.0
    if label == "selectolax parse":
        return row
    row.update(korean_scores(truths, preds) if korean else body_scores(truths, preds))
    row["empty"] = sum(1 for b in preds if not b.strip())
    if any(o[1] is not None for o in outs) or label.startswith("ours"):
        titled = [(p, o) for p, o in zip(pages, outs, strict=True) if p.title]
        if titled:
            row["title"] = sum(same_title(p.title, o[1]) for p, o in titled) / len(titled)
        dated = [(p, o) for p, o in zip(pages, outs, strict=True) if p.published]
        if dated:
            row["date"] = sum(same_published(p.published, o[2]) for p, o in dated) / len(dated)
            row["dated_pages"] = len(dated)
    if any(p.withs or p.withouts for p in pages):
        row["snippet_f1"] = snippet_f1(
            [snippet_counts(p.withs, p.withouts, o[0]) for p, o in zip(pages, outs, strict=True)]
        )
    return row


def bench_corpus(name: str, pages: list[Page], a: argparse.Namespace, cache: dict) -> tuple[list[dict], dict]:
    runners: dict[str, Extractor] = {"ours": _ours(None)}
    if name == "korean-news":
        runners["ours generic-only"] = _ours("generic")
    runners["selectolax parse"] = _parse_only
    cached: dict[str, dict] = {}
    if not a.no_anchors:
        for label, (version, fn) in anchors().items():
            key = f"{name}/{label}/{version}"
            entry = cache.get(key, {})
            if not a.fresh_anchors and all(p.id in entry for p in pages):
                cached[label] = {
                    "outputs": [(entry[p.id][0], None, None) for p in pages],
                    "ms": [entry[p.id][1] for p in pages],
                }
            else:
                runners[label] = fn
    results = run_timed(pages, runners, a.repeat)
    for label, version_fn in (anchors() if not a.no_anchors else {}).items():
        if label in results:
            key = f"{name}/{label}/{version_fn[0]}"
            entry = cache.setdefault(key, {})
            for p, out, ms in zip(pages, results[label]["outputs"], results[label]["ms"], strict=True):
                entry[p.id] = [out[0], ms]
    results.update(cached)
    order = [n for n in ("ours", "ours generic-only", "trafilatura fast", "resiliparse", "selectolax parse")]
    groups = sorted({p.group for p in pages})
    rows = []
    for group in groups:
        idx = [k for k, p in enumerate(pages) if p.group == group]
        sub = [pages[k] for k in idx]
        label_corpus = f"{name} {group}".strip()
        for label in order:
            if label in results:
                r = results[label]
                rows.append(
                    _row(name, label, sub, [r["outputs"][k] for k in idx], [r["ms"][k] for k in idx])
                    | {"corpus": label_corpus}
                )
    ours = results["ours"]["outputs"]
    scored = [
        (shingle_prf(p.body, o[0])[2] if name == "korean-news" else page_f1(p.body, o[0]), p)
        for p, o in zip(pages, ours, strict=True)
    ]
    worst = [(f, p.id, p.url) for f, p in sorted(scored, key=lambda x: x[0])[: a.worst]]
    # A digest of each page's whole output: a speed change must leave every one of them as it was.
    digests = {p.id: _digest(o) for p, o in zip(pages, ours, strict=True)}
    return rows, {"worst": worst, "page_f1": {p.id: f for f, p in scored}, "digest": digests}


def _digest(out: Result) -> str:
    body, title, published = out
    return hashlib.sha1(f"{body}\x00{title}\x00{published}".encode()).hexdigest()[:16]


def _fmt(v: object, spec: str) -> str:
    return format(v, spec) if isinstance(v, float) else "-"


def print_table(rows: list[dict]) -> None:
    cw = max(len(r["corpus"]) for r in rows)
    print(
        f"{'corpus':<{cw}}  {'extractor':<17} {'pages':>5} {'F1':>6} {'prec':>6} {'recall':>6} "
        f"{'title':>6} {'date':>6} {'snipF1':>6} {'empty':>5} {'ms/page':>8}"
    )
    for r in rows:
        print(
            f"{r['corpus']:<{cw}}  {r['extractor']:<17} {r['pages']:>5} {_fmt(r.get('f1'), '6.3f'):>6} "
            f"{_fmt(r.get('precision'), '6.3f'):>6} {_fmt(r.get('recall'), '6.3f'):>6} "
            f"{_fmt(r.get('title'), '6.1%'):>6} {_fmt(r.get('date'), '6.1%'):>6} "
            f"{_fmt(r.get('snippet_f1'), '6.3f'):>6} {r.get('empty', '-'):>5} {r['ms_per_page']:>8.2f}"
        )


def speed_summary(rows: list[dict]) -> list[str]:
    """Overall ms/page of each extractor over every page benched (weighted by pages)."""
    totals: dict[str, list[float]] = {}
    for r in rows:
        if r["extractor"] == "ours generic-only":
            continue
        t = totals.setdefault(r["extractor"], [0.0, 0])
        t[0] += r["ms_per_page"] * r["pages"]
        t[1] += r["pages"]
    ms = {k: v[0] / v[1] for k, v in totals.items() if v[1]}
    lines = [", ".join(f"{k} {v:.2f}" for k, v in ms.items()) + " ms/page over all pages"]
    for anchor in ("trafilatura fast", "resiliparse"):
        if anchor in ms and "ours" in ms:
            lines.append(f"ours is {ms[anchor] / ms['ours']:.2f}x {anchor}'s pages/s")
    if "selectolax parse" in ms and "ours" in ms:
        # Same run, same machine load: the ratio to the bare parse is the stable speed measure.
        lines.append(f"ours / parse = {ms['ours'] / ms['selectolax parse']:.2f} (parse is the floor)")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--corpus", action="append", choices=CORPORA, help="only this corpus (repeatable)")
    ap.add_argument("--limit", type=int, help="only the first N pages of each corpus")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-anchors", action="store_true", help="ours and the parse floor only")
    ap.add_argument("--fresh-anchors", action="store_true", help="re-run anchors instead of the cache")
    ap.add_argument("--worst", type=int, default=0, help="list the N lowest-F1 pages of ours per corpus")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--save", metavar="LABEL", help="keep ours' per-page F1 in bench/.cache/LABEL.json")
    ap.add_argument("--compare", metavar="LABEL", help="list the pages that moved most since --save LABEL")
    a = ap.parse_args(argv)
    cache = json.loads(CACHE.read_text("utf-8")) if CACHE.exists() else {}
    rows, notes = [], {}
    for name in a.corpus or CORPORA:
        path = a.shared / "corpora" / name
        if not path.exists():
            print(
                f"skipping {name}: {path} not found (the shared corpora sit beside the repo)", file=sys.stderr
            )
            continue
        pages = load_corpus(name, path)[: a.limit] if a.limit else load_corpus(name, path)
        got, notes[name] = bench_corpus(name, pages, a, cache)
        rows.extend(got)
    if not a.no_anchors:
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        CACHE.write_text(json.dumps(cache, ensure_ascii=False), "utf-8")
    if a.json:
        print(json.dumps({"rows": rows, "notes": notes}, ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print("no corpus found: nothing to report")
        return 0
    print_table(rows)
    for line in speed_summary(rows):
        print(line)
    for name, note in notes.items():
        for f, pid, url in note["worst"]:
            print(f"  worst {name} {pid} F1 {f:.3f} {url or ''}")
    per_page = {name: note["page_f1"] for name, note in notes.items()}
    digests = {name: note["digest"] for name, note in notes.items()}
    if a.save:
        (CACHE.parent / f"{a.save}.json").write_text(json.dumps(per_page), "utf-8")
        (CACHE.parent / f"{a.save}.out.json").write_text(json.dumps(digests), "utf-8")
    if a.compare:
        before = json.loads((CACHE.parent / f"{a.compare}.json").read_text("utf-8"))
        moves = [
            (f - before[c][pid], c, pid, before[c][pid], f)
            for c, pages in per_page.items()
            if c in before
            for pid, f in pages.items()
            if pid in before[c] and abs(f - before[c][pid]) > 0.02
        ]
        for d, c, pid, f0, f1 in sorted(moves)[:15] + sorted(moves)[-8:]:
            print(f"  moved {d:+.3f} {c} {pid} {f0:.3f} -> {f1:.3f}")
        print(f"  {sum(1 for m in moves if m[0] < 0)} pages down, {sum(1 for m in moves if m[0] > 0)} up")
        out_path = CACHE.parent / f"{a.compare}.out.json"
        if out_path.exists():
            old = json.loads(out_path.read_text("utf-8"))
            changed = [
                (c, pid)
                for c, d in digests.items()
                if c in old
                for pid, h in d.items()
                if old[c].get(pid) != h
            ]
            for c, pid in changed[:20]:
                print(f"  output changed: {c} {pid}")
            print(f"  {len(changed)} pages with any output change (body, title or date)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
