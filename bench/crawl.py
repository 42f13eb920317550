"""End-to-end crawl speed against the raw httpx ceiling, measured in the same run.

    python -m bench.crawl [--workers 0,auto] [--repeat 3] [--keep DIR] [--profile DIR]

The site (`bench/crawl_site.py`): 20 loopback hosts (127.0.0.2-21), one 100-item feed each,
2,000 real-size Korean pages (a sentence of their own each, one in four on topic), served by
nginx when installed, else by Python servers. Each round runs:
1. the raw ceiling: one `httpx.AsyncClient`, one task per host fetching its 100 pages in turn;
2. `monitor crawl` as a subprocess per `--workers` value: `per_host_concurrency = 1`,
   `per_host_delay = 0`, a fresh database, the default topics;
3. the raw ceiling again.
Printed per run: pages/s, the ratio to the mean of the two ceilings around it, CPU per article
(the process and its pool workers), connections opened and requests (from nginx's log), and
the peak RSS of the whole process tree (sampled every 10 ms; pool workers included).
`--profile DIR` runs each `monitor crawl` under `py-spy record --subprocesses` and writes its
collapsed stacks there (py-spy slows the crawl and is counted in its CPU and memory: read the
profile's shares, not the figures printed beside it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .crawl_site import Server, Site, build_site
from .procs import TreeSampler

RAW_AGENT = "bench-raw-httpx"


async def _raw(site: Site) -> float:
    import httpx

    async with httpx.AsyncClient(headers={"User-Agent": RAW_AGENT}) as client:

        async def host(h: int) -> int:
            n = 0
            for url in site.page_urls(h):
                r = await client.get(url)
                n += len(r.content) > 0
            return n

        t0 = time.perf_counter()
        got = sum(await asyncio.gather(*(host(h) for h in range(len(site.hosts)))))
        wall = time.perf_counter() - t0
    assert got == site.pages, got
    return got / wall


def raw_ceiling(site: Site) -> float:
    return asyncio.run(_raw(site))


def write_config(site: Site, folder: Path, workers: str | None) -> Path:
    lines = [
        "[storage]",
        f'path = "{folder / "crawl.db"}"',
        "[fetch]",
        "per_host_delay = 0",
        "per_host_concurrency = 1",
        "allow_private_networks = true",
    ]
    if workers is not None:
        lines.append(f"workers = {workers if workers.isdigit() else repr(workers).replace(chr(39), chr(34))}")
    for h in range(len(site.hosts)):
        lines += ["[[sources]]", f'name = "host{h:02d}"', 'kind = "feed"', f'url = "{site.feed_url(h)}"']
    lines += [
        "[[topics]]",
        'name = "ai-center"',
        'any = ["국가 AI 컴퓨팅센터", "아시아·태평양 AI 센터", "AI 데이터센터"]',
    ]
    path = folder / "monitor.toml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def run_monitor(site: Site, server: Server, workers: str | None, profile: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        config = write_config(site, Path(tmp), workers)
        monitor = Path(sys.executable).with_name("monitor")
        command = [str(monitor), "--config", str(config), "-q", "crawl", "--json"]
        if profile is not None:
            profile.mkdir(parents=True, exist_ok=True)
            stacks = profile / f"crawl-workers-{workers}-{time.strftime('%H%M%S')}.txt"
            command = [
                "py-spy",
                "record",
                "--subprocesses",
                "--format",
                "raw",
                "-r",
                "250",
                "-o",
                str(stacks),
                "--",
                *command,
            ]
        server.reset_log()
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        sampler = TreeSampler(proc.pid)
        out_thread_data: dict = {}

        def drain() -> None:
            out_thread_data["out"] = proc.stdout.read()
            out_thread_data["err"] = proc.stderr.read()

        reader = threading.Thread(target=drain)
        reader.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        reader.join()
        sampler.stop()
        children = sum(c for pid, c in sampler.cpu.items() if pid != proc.pid)
        import json

        try:
            out = out_thread_data["out"]
            # (py-spy, when profiling, prints its own lines around the report)
            report = json.loads(out[out.find(b"{") : out.rfind(b"}") + 1] if profile else out)
        except ValueError as exc:
            raise SystemExit(f"monitor crawl failed: {out_thread_data['err'].decode()[-2000:]}") from exc
        totals = report["totals"]
        conns, requests = server.connections("ai-center-monitor")
    # wait4 counts the crawler and the children it waited for; the pool's workers (children of
    # the fork server) are added from the samples.
    cpu = usage.ru_utime + usage.ru_stime + children
    processed = totals["fetched"]
    return {
        "workers": workers if workers is not None else "(default)",
        "wall": wall,
        "rate": processed / wall,
        "cpu_ms": 1000 * cpu / max(1, processed),
        "cpu": cpu,
        "peak_mib": sampler.peak_pss / 2**20,
        "peak_rss_mib": sampler.peak_rss / 2**20,
        "conns": conns,
        "requests": requests,
        "totals": totals,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", default="0,auto", help="comma-separated [fetch] workers values ('-': none)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="build the site here (default: a temp dir)")
    ap.add_argument("--profile", type=Path, help="write py-spy collapsed stacks of each crawl here")
    args = ap.parse_args(argv)
    if args.profile is not None and shutil.which("py-spy") is None:
        raise SystemExit("--profile needs py-spy on PATH: pip install py-spy")
    variants = [None if w == "-" else w for w in args.workers.split(",")]
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-site-"))
    site = build_site(root)
    with Server(site) as server:
        print(
            f"site: {site.pages} pages ({site.on_topic} on topic), {len(site.hosts)} hosts, server {server.name}"
        )
        print(f"machine: {os.cpu_count()} cores (shared: figures are noisy)")
        results: dict[str, list[dict]] = {str(v): [] for v in variants}
        raw_all = []
        for round_ in range(args.repeat):
            server.reset_log()
            before = raw_ceiling(site)
            raw_conns = server.connections(RAW_AGENT)
            runs = [run_monitor(site, server, v, args.profile) for v in variants]
            after = raw_ceiling(site)
            ceiling = (before + after) / 2
            raw_all += [before, after]
            print(
                f"round {round_ + 1}: raw httpx {before:.0f} / {after:.0f} pages/s "
                f"(connections {raw_conns[0]} for {raw_conns[1]} requests)"
            )
            for r in runs:
                r["ratio"] = r["rate"] / ceiling
                t = r["totals"]
                results[str(None if r["workers"] == "(default)" else r["workers"])].append(r)
                per_k = 1000 * r["conns"] / max(1, r["requests"])
                print(
                    f"  workers={r['workers']:>9}: {r['rate']:6.0f} articles/s  ratio {r['ratio']:.2f}  "
                    f"wall {r['wall']:.2f}s  CPU {r['cpu']:.2f}s = {r['cpu_ms']:.2f} ms/article  "
                    f"connections {r['conns']} for {r['requests']} requests ({per_k:.0f}/1000)  "
                    f"peak PSS {r['peak_mib']:.0f} MiB (RSS sum {r['peak_rss_mib']:.0f})  "
                    f"[fetched {t['fetched']} matched {t['matched']} stories {t['new_stories']} errors {t['errors']}]"
                )
        print("\nmedians (range) over", args.repeat, "rounds:")
        print(
            f"  raw httpx: {statistics.median(raw_all):.0f} pages/s ({min(raw_all):.0f}-{max(raw_all):.0f})"
        )
        for rs in results.values():

            def span(key: str, fmt: str, rs=rs) -> str:
                vals = [r[key] for r in rs]
                return f"{statistics.median(vals):{fmt}} ({min(vals):{fmt}}-{max(vals):{fmt}})"

            print(
                f"  workers={rs[0]['workers']}: {span('rate', '.0f')} articles/s, ratio {span('ratio', '.2f')}, "
                f"{span('cpu_ms', '.2f')} ms CPU/article, peak PSS {span('peak_mib', '.0f')} MiB, "
                f"connections {span('conns', '.0f')}"
            )


if __name__ == "__main__":
    main()
