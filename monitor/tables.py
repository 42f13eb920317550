"""What the CLI prints for people: tables that line up with Hangul, full URLs, local times.

rich measures East Asian wide characters, so Korean titles keep their columns; cells fold
instead of being cut, so a URL's `idxno=` is never lost. Times are shown in the configured
zone (`[alerts] timezone`, Asia/Seoul by default); `--json` output keeps ISO 8601.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import datetime
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .clock import in_zone
from .pipeline import CrawlReport
from .web.text import diff_rows

PIPE_WIDTH = 160  # columns when the output is not a terminal (a pipe, a file, a test)


def console(out: TextIO | None = None) -> Console:
    out = out or sys.stdout
    tty = hasattr(out, "isatty") and out.isatty()
    return Console(file=out, width=None if tty else PIPE_WIDTH, highlight=False, soft_wrap=False)


def local_time(value: str | datetime | None, zone: str) -> str:
    """A stored time (ISO text or datetime) in the configured zone, to the minute."""
    if not value:
        return ""
    dt = in_zone(value, zone)
    if dt is None:
        return str(value)
    return dt.strftime("%Y-%m-%d %H:%M %Z").rstrip()


def print_table(
    rows: list[dict], columns: list[str], *, zone: str, times: Iterable[str] = (), out: TextIO | None = None
) -> None:
    con = console(out)
    if not rows:
        con.print("(none)")
        return
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    timed = set(times)
    for c in columns:
        if c.endswith("url"):  # whole, on one line, so it can be copied (other columns wrap instead)
            width = max(len(str(r.get(c) or "")) for r in rows)
            table.add_column(c, no_wrap=True, min_width=max(len(c), width), overflow="ignore")
        else:
            table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(
            *(
                local_time(r.get(c), zone) if c in timed else ("" if r.get(c) is None else str(r.get(c)))
                for c in columns
            )
        )
    con.print(table)


SUMMARY_COLUMNS = [
    ("source", "source"),
    ("links_found", "links"),
    ("fetched", "fetched"),
    ("unchanged", "unchanged"),
    ("new_articles", "new"),
    ("matched", "matched"),
    ("new_stories", "stories"),
    ("changed", "changed"),
    ("errors", "errors"),
]


def print_summary(report: CrawlReport, out: TextIO | None = None) -> None:
    """The crawl's table, what failed or was skipped, then what is new: the part people read."""
    con = console(out)
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    for _, header in SUMMARY_COLUMNS:
        table.add_column(header, overflow="fold")
    for s in report.sources:
        d = s.to_dict()
        table.add_row(*(str(d[k]) for k, _ in SUMMARY_COLUMNS))
    con.print(table)
    failed = [s for s in report.sources if s.failed]
    for s in failed:
        con.print(Text(f"FAILED {s.source}: {s.error}"))
    for s in report.sources:
        if s.skipped:
            con.print(Text(f"skipped {s.source}: {s.error}"))
        for sample in s.error_samples[:2]:
            con.print(Text(f"  {s.source} error: {sample}"))
    new = [item for s in report.sources for item in s.new_story_items]
    changed = [item for s in report.sources for item in s.changed_articles]
    if new:
        con.print(Text(f"\nnew stories ({len(new)}):", style="bold"))
        for item in new:
            con.print(Text(f"  #{item['story_id']} {item['title'] or '(no title)'}\n      {item['url']}"))
    if changed:
        con.print(Text(f"\nchanged articles ({len(changed)}):", style="bold"))
        for item in changed:
            con.print(
                Text(f"  {item['title'] or '(no title)'} (version {item['version']})\n      {item['url']}")
            )
    con.print(
        Text(
            f"alerts: {report.alerts_sent} sent, {report.alerts_pending} pending, {report.alerts_failed} failed"
            + (
                f"; {len(failed)} of {sum(not s.skipped for s in report.sources)} sources failed"
                if failed
                else ""
            )
        )
    )


def print_stories(stories: list[dict], *, zone: str, out: TextIO | None = None) -> None:
    con = console(out)
    if not stories:
        con.print("(none)")
    for s in stories:
        outlets = ", ".join(s.get("outlets") or []) or "?"
        con.print(Text(f"#{s['id']} {s['title'] or '(no title)'}", style="bold"))
        con.print(
            Text(
                f"    first seen {local_time(s['first_seen'], zone)} · {len(s['urls'])} article(s): {outlets}"
            )
        )
        for url in s["urls"]:
            con.print(Text(f"    {url}"))


def print_article(article: dict, story: dict, *, zone: str, out: TextIO | None = None) -> None:
    """`monitor show`: metadata with where it came from, topics and terms, the story, the text, versions."""
    con = console(out)
    con.print(Text(article["title"] or "(no title)", style="bold"))
    facts = [
        ("id", article["id"]),
        ("url", article["url"]),
        ("outlet", article.get("outlet") or article.get("source")),
        ("source", article.get("source")),
        ("byline", article.get("byline")),
        ("published", local_time(article.get("published"), zone)),
        ("first seen", local_time(article.get("first_seen"), zone)),
        ("updated", local_time(article.get("updated_at"), zone)),
        ("title from", article.get("title_source") or "page"),
        ("extractor", article.get("extractor")),
        ("version", article.get("version")),
    ]
    for name, value in facts:
        if value not in (None, ""):
            con.print(Text(f"{name:>11}  {value}"))
    for m in article.get("matches", []):
        con.print(Text(f"{'topic':>11}  {m['topic']}: {', '.join(m['terms'])}"))
    others = [a for a in story["articles"] if a["id"] != article["id"]]
    con.print(
        Text(
            f"{'story':>11}  #{story['id']} {story.get('title') or ''} ({len(story['articles'])} article(s))"
        )
    )
    for other in others:
        con.print(
            Text(f"{'':>11}  {other.get('outlet') or other.get('source')}: {other['url']} (id {other['id']})")
        )
    con.print()
    con.print(Text(article["body"]))
    versions = article.get("versions", [])
    if len(versions) > 1:
        con.print()
        con.print(Text("versions:", style="bold"))
        for v in versions:
            con.print(Text(f"  v{v['version']}  {local_time(v['created_at'], zone)}"))
        con.print(Text(f"  (monitor diff {article['id']} shows what changed)"))


def print_diff(old: dict, new: dict, out: TextIO | None = None) -> None:
    """Two versions paragraph by paragraph: removed lines `-` (red), added `+` (green), words marked."""
    con = console(out)
    con.print(Text(f"version {old['version']} -> {new['version']}", style="bold"))
    for row in diff_rows(old["title"], old["body"], new["title"], new["body"]):
        if row.kind == "skip":
            con.print(Text(f"  … {row.skipped} unchanged paragraph(s)", style="dim"))
        elif row.kind == "equal":
            con.print(Text("  " + "".join(s.text for s in row.old)))
        else:
            for sign, segments, style in (("-", row.old, "red"), ("+", row.new, "green")):
                if not segments:
                    continue
                line = Text(f"{sign} ", style=style)
                for seg in segments:
                    line.append(seg.text, style=f"bold {style} underline" if seg.marked else style)
                con.print(line)
