"""Extraction benchmark: quality and speed, ours vs trafilatura vs a bare selectolax parse, one run.

    python -m bench.extraction [--shared PATH] [--repeat 3]

Korean real pages: mean body F1 (per-page shingle F1), title exact, published to the minute.
English benchmark half: the benchmark's F1 for ours and trafilatura (fast=True, its fastest
configuration here). Speed: the same pages, interleaved page by page in one process, HTML
already decoded; ms/page is the median over repetitions.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from bench.scoring import body_scores, shingle_prf
from scrapers.charset import decode_bytes
from scrapers.extract import extract_article
from scrapers.generic import extract_generic

DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def korean(corpus: Path) -> dict:
    manifest = json.loads((corpus / "manifest.json").read_text("utf-8"))
    f1s, generic_f1s, titles, pubs, bad_chars = [], [], [], [], 0
    for e in manifest:
        gold = json.loads((corpus / e["gold"]).read_text("utf-8"))
        page = (corpus / e["file"]).read_bytes()
        art = extract_article(page, url=e.get("url"))
        f1s.append(shingle_prf(gold["body"], art.body)[2])
        # The generic extractor alone, as a page on an unknown CMS would get it.
        text = decode_bytes(page)[0]
        generic_body = "\n\n".join(extract_generic(text, keep_captions=True).paragraphs)
        generic_f1s.append(shingle_prf(gold["body"], generic_body)[2])
        titles.append(" ".join((art.title or "").split()) == " ".join(gold["title"].split()))
        bad_chars += art.body.count("\ufffd")
        if gold.get("published"):
            want = datetime.fromisoformat(gold["published"])
            pubs.append(art.published is not None and abs((art.published - want).total_seconds()) < 60)
    return {
        "replacement_chars": bad_chars,
        "pages": len(manifest),
        "body_f1": statistics.mean(f1s),
        "generic_only_body_f1": statistics.mean(generic_f1s),
        "title_exact": sum(titles) / len(titles),
        "published_exact": sum(pubs) / len(pubs),
    }


def _trafilatura():
    try:
        import trafilatura
    except ImportError:
        return None
    return lambda html, url: trafilatura.extract(html, fast=True, include_comments=False) or ""


def english(corpus: Path, repeat: int) -> dict:
    truth = json.loads((corpus / "ground-truth.json").read_text("utf-8"))
    ids = sorted(truth)
    pages = [gzip.decompress((corpus / "html" / f"{i}.html.gz").read_bytes()).decode("utf-8") for i in ids]
    urls = [truth[i].get("url") for i in ids]
    golds = [truth[i]["articleBody"] for i in ids]
    runners = {
        "ours (extract_article)": lambda h, u: extract_article(h, url=u).body,
        "selectolax parse only": lambda h, u: (LexborHTMLParser(h), "")[1],
    }
    traf = _trafilatura()
    if traf:
        runners["trafilatura fast=True"] = traf
    outputs = {name: [""] * len(pages) for name in runners}
    totals = {name: [] for name in runners}
    for rep in range(repeat):
        spent = dict.fromkeys(runners, 0.0)
        for k, (html, url) in enumerate(zip(pages, urls, strict=True)):
            order = list(runners) if (rep + k) % 2 == 0 else list(reversed(runners))
            for name in order:
                t0 = time.perf_counter()
                out = runners[name](html, url)
                spent[name] += time.perf_counter() - t0
                if rep == 0:
                    outputs[name][k] = out
        for name in runners:
            totals[name].append(spent[name])
    result = {"pages": len(pages), "extractors": {}}
    for name in runners:
        ms = 1000 * statistics.median(totals[name]) / len(pages)
        entry = {"ms_per_page": ms, "pages_per_s": 1000 / ms if ms else 0}
        if name != "selectolax parse only":
            entry.update(body_scores(golds, outputs[name]))
        result["extractors"][name] = entry
    if traf:
        ours = result["extractors"]["ours (extract_article)"]["ms_per_page"]
        result["speed_ratio_vs_trafilatura"] = (
            result["extractors"]["trafilatura fast=True"]["ms_per_page"] / ours
        )
    return result


def fixtures_speed(repeat: int) -> dict:
    pages = [
        p.read_bytes()
        for p in sorted((Path(__file__).resolve().parents[1] / "fixtures" / "pages").glob("*.html"))
    ]
    texts = [decode_bytes(p)[0] for p in pages]
    t0 = time.perf_counter()
    for _ in range(repeat):
        for t in texts:
            extract_article(t)
    return {"pages": len(texts), "ms_per_page": 1000 * (time.perf_counter() - t0) / (repeat * len(texts))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    report: dict = {"fixtures": fixtures_speed(a.repeat)}
    kn, en = a.shared / "corpora" / "korean-news", a.shared / "corpora" / "article-benchmark-dev"
    if kn.exists():
        report["korean"] = korean(kn)
    else:
        print(f"skipping Korean corpus: {kn} not found", file=sys.stderr)
    if en.exists():
        report["english"] = english(en, a.repeat)
    else:
        print(f"skipping English benchmark: {en} not found", file=sys.stderr)
    if a.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"fixtures: {report['fixtures']['pages']} pages, {report['fixtures']['ms_per_page']:.2f} ms/page")
    if "korean" in report:
        k = report["korean"]
        print(
            f"korean-news ({k['pages']} pages): body F1 {k['body_f1']:.3f}  title exact {k['title_exact']:.0%}  "
            f"published exact {k['published_exact']:.0%}; generic extractor alone: body F1 "
            f"{k['generic_only_body_f1']:.3f}"
        )
    if "english" in report:
        e = report["english"]
        print(f"article-benchmark-dev ({e['pages']} pages):")
        print(f"  {'extractor':<24} {'F1':>6} {'prec':>6} {'recall':>6} {'ms/page':>8} {'pages/s':>8}")
        for name, r in e["extractors"].items():
            q = (
                f"{r['f1']:>6.3f} {r['precision']:>6.3f} {r['recall']:>6.3f}"
                if "f1" in r
                else f"{'-':>6} {'-':>6} {'-':>6}"
            )
            print(f"  {name:<24} {q} {r['ms_per_page']:>8.2f} {r['pages_per_s']:>8.0f}")
        if "speed_ratio_vs_trafilatura" in e:
            print(f"  ours is {e['speed_ratio_vs_trafilatura']:.2f}x trafilatura's pages/s")
        else:
            print("  trafilatura not installed: pip install -e '.[bench]'")
    return 0


if __name__ == "__main__":
    sys.exit(main())
