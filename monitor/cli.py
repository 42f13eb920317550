"""`monitor`: a thin command line over the library. Each command loads settings, opens the
database, calls one library function and renders the result. Exit codes: 0 ok, 1 the work
failed (every source failed, nothing found), 2 bad usage or configuration."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from scrapers.cassette import Cassette
from scrapers.errors import MonitorError

from .config import Settings, default_config_text, load_settings, settings_as_dict
from .errors import ConfigError
from .logs import setup_logging

log = logging.getLogger("monitor")


def _settings(args) -> Settings:
    settings = load_settings(args.config)
    if getattr(args, "db", None):
        settings = settings.with_db(args.db)
    return settings


def _db(args, *, write: bool = False):
    from .runner import open_store

    return open_store(_settings(args), read_only=not write)


def _print_rows(rows: list[dict], as_json: bool, columns: list[str]) -> None:
    if as_json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False, default=str))
        return
    if not rows:
        print("(none)")
        return
    widths = {c: min(60, max(len(c), *(len(str(r.get(c, ""))) for r in rows))) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for r in rows:
        print(
            "  ".join(
                str(r.get(c, "") if r.get(c) is not None else "")[: widths[c]].ljust(widths[c])
                for c in columns
            )
        )


# --- commands -------------------------------------------------------------------------------


def cmd_extract(args) -> int:
    from scrapers.extract import extract_article

    target = args.target
    if target.startswith(("http://", "https://")):
        from scrapers.fetch import Fetcher

        settings = _settings(args)

        async def get():
            async with Fetcher(settings.fetch.client_settings()) as f:
                return await f.fetch(target)

        fetched = asyncio.run(get())
        article = extract_article(
            fetched.content, url=args.url or fetched.url, content_type=fetched.content_type
        )
    else:
        try:
            data = Path(target).read_bytes()
        except OSError as exc:
            raise MonitorError(f"cannot read {target}: {exc.strerror or exc}") from exc
        article = extract_article(data, url=args.url, profile=args.profile)
    if args.json:
        print(json.dumps(article.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(article.title or "(no title)")
        meta = [
            x for x in (article.byline, article.published.isoformat() if article.published else None) if x
        ]
        if meta:
            print(" · ".join(meta))
        print(f"[{article.extractor}] {article.canonical_url or ''}".rstrip())
        print()
        print(article.body)
    return 0 if article.body else 1


def cmd_crawl(args) -> int:
    from .runner import print_summary, run_crawl

    settings = _settings(args)
    replay = Cassette(args.replay) if args.replay else None
    if replay is not None and not len(replay):
        raise ConfigError(f"--replay {args.replay}: no cassette there (index.json missing or empty)")
    record = Cassette(args.record) if args.record else None
    report = asyncio.run(
        run_crawl(
            settings,
            only=args.source or None,
            replay=replay,
            record=record,
            progress=not args.quiet and sys.stderr.isatty(),
        )
    )
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        print_summary(report)
    return 1 if report.all_failed else 0


def cmd_rematch(args) -> int:
    from datetime import timedelta

    from .clock import utcnow
    from .config_schema import duration
    from .rematch import rematch
    from .runner import deliver_queued, open_store

    settings = _settings(args)
    try:
        since = utcnow() - timedelta(seconds=duration(args.since)) if args.since else None
    except ValueError as exc:
        raise ConfigError(f"--since {args.since!r}: {exc}") from None
    db = open_store(settings)
    try:
        report = rematch(db, settings, now=utcnow(), since=since, topic=args.topic, alerts=not args.no_alerts)
        sent = asyncio.run(deliver_queued(db, settings)) if report.alerts_queued else 0
    finally:
        db.conn.close()
    out = {**report.to_dict(), "alerts_sent": sent}
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(
            f"re-matched {report.stored_checked} stored and {report.kept_checked} kept articles: "
            f"{report.newly_matched} newly matched ({report.new_articles} newly stored), "
            f"{report.alerts_queued} alerts queued, {sent} sent"
        )
    return 0


def cmd_run(args) -> int:
    from .scheduler import run_daemon

    settings = _settings(args)
    if args.web:
        from .web.server import check_bind

        check_bind(settings, args.web)  # refused before anything starts
    replay = Cassette(args.replay) if args.replay else None
    return run_daemon(settings, replay=replay, tick=args.tick, web=args.web)


def cmd_serve(args) -> int:
    from .web.server import run_server

    settings = _settings(args)
    return run_server(settings, args.bind or settings.web.bind)


def cmd_search(args) -> int:
    from storage.articles import search_articles

    rows = search_articles(_db(args), " ".join(args.query), limit=args.limit)
    _print_rows(rows, args.json, ["id", "published", "source", "title", "url"])
    return 0


def cmd_articles(args) -> int:
    from storage.articles import list_articles

    rows = list_articles(_db(args), topic=args.topic, limit=args.limit)
    _print_rows(rows, args.json, ["id", "published", "source", "version", "story_id", "title", "url"])
    return 0


def cmd_stories(args) -> int:
    from storage.articles import list_stories

    rows = list_stories(_db(args))
    if args.json:
        _print_rows(rows, True, [])
    else:
        for s in rows:
            print(f"#{s['id']} {s['title']}  (first seen {s['first_seen']}, {len(s['urls'])} article(s))")
            for url in s["urls"]:
                print(f"    {url}")
    return 0


def cmd_board(args) -> int:
    """The bid board: per program, each bidder's stage, since when, and the evidence."""
    from storage.board import board_objects

    rows = board_objects(_db(args), program=args.program)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return 0
    for program, group in itertools.groupby(rows, key=lambda r: r["program"]):
        print(program)
        for r in group:
            print(
                f"  {r['bidder']:<12} {r['stage']:<4} {r['since']:<10}  {r['articles']}건 {r['outlets']}곳  {r['url']}"
            )
            print(f"      {r['evidence'][:100]}")
    if not rows:
        print("no bids on the board yet")
    return 0


def cmd_status(args) -> int:
    from .status import source_status

    status = source_status(_db(args), _settings(args))
    if args.json:
        print(json.dumps(status, ensure_ascii=False, indent=1))
        return 0
    _print_rows(
        status["sources"],
        False,
        ["name", "health", "health_reason", "last_success", "last_error", "consecutive_failures", "next_due"],
    )
    a = status["alerts"]
    print(
        f"\nalerts: {a.get('pending', 0)} pending, {a.get('failed', 0)} failed, {a.get('sent', 0)} sent, "
        f"{a.get('held', 0)} held for digests"
    )
    return 0


def cmd_alerts(args) -> int:
    from storage.outbox import list_deliveries, retry_delivery

    from .clock import utcnow

    if args.action == "retry":
        if args.id is None:
            raise ConfigError("monitor alerts retry ID: give the delivery id (see `monitor alerts`)")
        settings = _settings(args)
        if args.webhook_name:
            settings.webhook(args.webhook_name)  # a configured name, or a clear error
        outcome = retry_delivery(_db(args, write=True), args.id, utcnow(), webhook=args.webhook_name or None)
        if outcome == "missing":
            print(f"no delivery with id {args.id}", file=sys.stderr)
            return 1
        if outcome == "already_sent":
            print(f"delivery {args.id} was sent already; nothing to do", file=sys.stderr)
            return 1
        target = f" for webhook {args.webhook_name}" if args.webhook_name else ""
        print(f"delivery {args.id} queued again{target} (same webhook-id)")
        return 0
    if args.action == "test":
        from .runner import send_test

        if not args.webhook:
            raise ConfigError("monitor alerts test NAME|URL: give a webhook name or a URL")
        ok, message = asyncio.run(
            send_test(_settings(args), args.webhook, fmt=args.format, to=args.to or [], sender=args.sender)
        )
        print(message)
        return 0 if ok else 1
    if args.action == "preview":
        return _preview(args)
    rows = [
        {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(d).items() if k != "payload"}
        for d in list_deliveries(_db(args))
    ]
    _print_rows(
        rows, args.json, ["id", "event", "webhook", "status", "attempts", "last_error", "article_url"]
    )
    return 0


def cmd_backup(args) -> int:
    from storage.db import backup_db

    size = backup_db(_db(args), args.path)
    print(f"wrote {args.path} ({size / 1e6:.1f} MB)")
    return 0


def _preview(args) -> int:
    from .clock import utcnow
    from .digest_outbox import preview_digest
    from .formats.text import plain

    if not args.target:
        raise ConfigError("monitor alerts preview NAME: give the name of a digest notifier")
    settings = _settings(args)
    hook = settings.webhook(args.target)
    if hook.mode != "digest":
        raise ConfigError(
            f'{hook.name} sends each alert as it happens (mode = "instant"): nothing to preview'
        )
    payload, due = preview_digest(_db(args), hook, utcnow())
    if args.json:
        print(json.dumps({"due": due.isoformat(), **payload}, ensure_ascii=False, indent=1))
        return 0
    from .digest import is_empty, local_time

    tz = hook.timezone or settings.alerts.timezone
    when = local_time(due.isoformat(), tz)
    sent = "sent" if not is_empty(payload) or hook.send_empty else "not sent (empty; send_empty = false)"
    print(f"# next digest for {hook.name} ({hook.schedule}): due {when}, would be {sent}\n")
    print(plain(payload, tz))
    return 0


def cmd_config(args) -> int:
    if args.action == "init":
        target = Path(args.path or "monitor.toml")
        if target.exists() and not args.force:
            print(f"{target} exists; use --force to overwrite", file=sys.stderr)
            return 1
        target.write_text(default_config_text(), "utf-8")
        print(f"wrote {target}")
        return 0
    print(json.dumps(settings_as_dict(_settings(args)), ensure_ascii=False, indent=1))
    return 0


# --- parser -----------------------------------------------------------------------------------

EXIT_CODES = """exit status:
  0  the work ran (a crawl with some failed sources still exits 0 and lists them)
  1  the work failed (every source failed, nothing found, a delivery failed, a database problem)
  2  bad usage or configuration (one line names the file, line and key)
  130  interrupted (Ctrl-C)"""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ai-center-monitor")
    except PackageNotFoundError:
        return "unknown"


def _common_options(suppress: bool) -> argparse.ArgumentParser:
    """The options every command takes, before or after its name. After the name they default
    to SUPPRESS, so a value given before the name is not overwritten by the subcommand's default."""
    common = argparse.ArgumentParser(add_help=False)
    default = argparse.SUPPRESS if suppress else None

    def add(*flags: str, **kwargs) -> None:
        if suppress:
            kwargs["default"] = argparse.SUPPRESS
        common.add_argument(*flags, **kwargs)

    add("--config", default=default, help="TOML file (default: ./monitor.toml, else the built-in default)")
    add("--db", default=default, help="database path (overrides [storage] path)")
    add("--log-format", choices=("text", "json"), default="text", help="log lines as text or JSON")
    add("-v", "--verbose", action="store_true", help="debug logging")
    add("-q", "--quiet", action="store_true", help="no progress bar, warnings only")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common_options(suppress=True)
    p = argparse.ArgumentParser(
        prog="monitor",
        description="News monitor for AI-center bids.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_common_options(suppress=False)],
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("crawl", parents=[common], help="one pass over all sources")
    s.add_argument("--source", action="append", help="only this source (repeatable)")
    s.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    s.add_argument(
        "--replay", metavar="DIR", help="serve every response from a recorded cassette (no network)"
    )
    s.add_argument("--record", metavar="DIR", help="save every response as a cassette")
    s.set_defaults(func=cmd_crawl)

    s = sub.add_parser("run", parents=[common], help="the long-running service")
    s.add_argument("--replay", metavar="DIR", help=argparse.SUPPRESS)
    s.add_argument("--tick", type=float, default=None, help=argparse.SUPPRESS)
    s.add_argument("--web", metavar="HOST:PORT", help="also serve the web reader on this loop")
    s.set_defaults(func=cmd_run)

    s = sub.add_parser(
        "rematch", parents=[common], help="apply the current topics to stored and kept articles"
    )
    s.add_argument("--since", metavar="DURATION", help="only articles first seen this long ago or later (7d)")
    s.add_argument("--topic", help="only this topic")
    s.add_argument("--no-alerts", action="store_true", help="store new matches without alerting")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_rematch)
    s = sub.add_parser("serve", parents=[common], help="the web reader (read-only)")
    s.add_argument("--bind", metavar="HOST:PORT", help="default: [web] bind (127.0.0.1:8080)")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("extract", parents=[common], help="extract one article from a file or URL")
    s.add_argument("target", metavar="FILE_OR_URL")
    s.add_argument("--url", help="the page's URL (for profile detection and canonical URLs)")
    s.add_argument("--profile", help="force an extraction profile")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_extract)

    s = sub.add_parser("search", parents=[common], help="full-text search over stored articles")
    s.add_argument("query", nargs="+")
    s.add_argument("--limit", type=int, default=50)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_search)

    s = sub.add_parser("articles", parents=[common], help="stored articles, newest first")
    s.add_argument("--topic")
    s.add_argument("--limit", type=int)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_articles)

    s = sub.add_parser("stories", parents=[common], help="stories and the outlets in them")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_stories)

    s = sub.add_parser(
        "board", parents=[common], help="the bid board: who bids for which program, at what stage"
    )
    s.add_argument("--program")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_board)

    s = sub.add_parser("status", parents=[common], help="source health and alert queue")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_status)

    s = sub.add_parser(
        "alerts",
        parents=[common],
        help="alert deliveries: list, retry ID, test NAME|URL, preview NAME (the next digest)",
    )
    s.add_argument("action", nargs="?", choices=("list", "retry", "test", "preview"), default="list")
    s.add_argument("target", nargs="?")
    s.add_argument(
        "--webhook",
        dest="webhook_name",
        metavar="NAME",
        help="retry: send to this configured webhook instead (e.g. after renaming it)",
    )
    s.add_argument("--format", help="test URL: the format (default: from the URL's scheme)")
    s.add_argument("--to", action="append", help="test smtp(s)://URL: a recipient (repeatable)")
    s.add_argument("--from", dest="sender", help="test smtp(s)://URL: the sender address")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_alerts)

    s = sub.add_parser(
        "backup", parents=[common], help="a consistent copy of the database, safe while running"
    )
    s.add_argument("path", metavar="PATH", help="the new file to write")
    s.set_defaults(func=cmd_backup)

    s = sub.add_parser(
        "config", parents=[common], help="show the effective configuration or write a starter file"
    )
    s.add_argument("action", choices=("show", "init"))
    s.add_argument("path", nargs="?")
    s.add_argument("--force", action="store_true")
    s.set_defaults(func=cmd_config)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "alerts":
        args.id = (
            int(args.target) if args.action == "retry" and args.target and args.target.isdigit() else None
        )
        args.webhook = args.target if args.action == "test" else None
        if args.action == "retry" and args.target and not args.target.isdigit():
            parser.error(f"alerts retry: {args.target!r} is not a delivery id")
    # One-shot commands print their own result; only the service logs at INFO by default.
    setup_logging(
        args.log_format, verbose=args.verbose, quiet=args.quiet or args.command not in ("run", "serve")
    )
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"monitor: configuration error: {exc}", file=sys.stderr)
        return 2
    except MonitorError as exc:
        print(f"monitor: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
