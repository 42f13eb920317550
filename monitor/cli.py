"""`monitor`: the parser and the exit codes of a thin command line (the commands are in
`commands.py`). Exit codes: 0 ok, 1 the work failed (every source failed, nothing found,
a damaged database), 2 bad usage or configuration, 130 interrupted."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys

from scrapers.errors import MonitorError
from storage.db import is_corruption

from .commands import (
    cmd_alerts,
    cmd_articles,
    cmd_backup,
    cmd_board,
    cmd_config,
    cmd_crawl,
    cmd_diff,
    cmd_extract,
    cmd_rematch,
    cmd_run,
    cmd_search,
    cmd_serve,
    cmd_show,
    cmd_sources,
    cmd_status,
    cmd_stories,
)
from .errors import ConfigError, damaged_database_message
from .logs import setup_logging

# --- parser -----------------------------------------------------------------------------------

EXAMPLES = {
    "crawl": "monitor crawl --config fixtures/demo.toml --replay fixtures/replay/demo --db demo.db",
    "run": "monitor run --config /etc/ai-center-monitor/monitor.toml --log-format json",
    "rematch": "monitor rematch --since 7d --topic ai-center",
    "serve": "monitor serve --bind 127.0.0.1:8080 --db demo.db",
    "extract": "monitor extract page.html --url https://www.kyongbuk.co.kr/news/articleView.html?idxno=1",
    "search": "monitor search 컴퓨팅센터 --db demo.db",
    "articles": "monitor articles --topic ai-center --db demo.db",
    "stories": "monitor stories --db demo.db",
    "show": "monitor show 3 --db demo.db",
    "diff": "monitor diff 3 --db demo.db",
    "status": "monitor status --config /etc/ai-center-monitor/monitor.toml",
    "alerts": "monitor alerts test ops   |   monitor alerts retry 12 --webhook ops",
    "backup": "monitor backup /var/backups/monitor-$(date +%F).db",
    "config": "monitor config init ./monitor.toml",
    "sources": "monitor sources add https://www.kyongbuk.co.kr/",
}

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
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_parser = sub.add_parser

    def command(name: str, help: str, **kwargs) -> argparse.ArgumentParser:
        example = EXAMPLES.get(name, "")
        return add_parser(
            name,
            parents=[common],
            help=help,
            description=help[0].upper() + help[1:] + ".",
            epilog=(f"example:\n  {example}\n\n" if example else "") + EXIT_CODES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
            **kwargs,
        )

    s = command("crawl", "one pass over all sources")
    s.add_argument("--source", action="append", help="only this source (repeatable)")
    s.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    s.add_argument(
        "--replay", metavar="DIR", help="serve every response from a recorded cassette (no network)"
    )
    s.add_argument("--record", metavar="DIR", help="save every response as a cassette")
    s.add_argument(
        "--deliver",
        action="store_true",
        help="with --replay: also post the alerts (a replay sends none by default)",
    )
    s.set_defaults(func=cmd_crawl)

    s = command("run", "the long-running service")
    s.add_argument("--replay", metavar="DIR", help=argparse.SUPPRESS)
    s.add_argument("--tick", type=float, default=None, help=argparse.SUPPRESS)
    s.add_argument("--web", metavar="HOST:PORT", help="also serve the web reader on this loop")
    s.set_defaults(func=cmd_run)

    s = command("rematch", "apply the current topics to stored and kept articles")
    s.add_argument("--since", metavar="DURATION", help="only articles first seen this long ago or later (7d)")
    s.add_argument("--topic", help="only this topic")
    s.add_argument("--no-alerts", action="store_true", help="store new matches without alerting")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_rematch)
    s = command("serve", "the web reader (read-only)")
    s.add_argument("--bind", metavar="HOST:PORT", help="default: [web] bind (127.0.0.1:8080)")
    s.set_defaults(func=cmd_serve)

    s = command("extract", "extract one article from a file or URL")
    s.add_argument("target", metavar="FILE_OR_URL")
    s.add_argument("--url", help="the page's URL (for profile detection and canonical URLs)")
    s.add_argument("--profile", help="force an extraction profile")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_extract)

    s = command("search", "full-text search over stored articles")
    s.add_argument("query", nargs="+")
    s.add_argument("--limit", type=int, default=50)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_search)

    s = command("articles", "stored articles, newest first")
    s.add_argument("--topic")
    s.add_argument("--limit", type=int)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_articles)

    s = command("stories", "stories and the outlets in them")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_stories)

    s = command("show", "one stored article: metadata and where it came from, topics, story, text, versions")
    s.add_argument("ref", metavar="ID|URL")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_show)

    s = command("diff", "what changed between two versions of an article (default: the last edit)")
    s.add_argument("ref", metavar="ID|URL")
    s.add_argument("versions", metavar="V", type=int, nargs="*", help="two version numbers, e.g. 1 3")
    s.set_defaults(func=cmd_diff)

    s = command("board", "the bid board: who bids for which program, at what stage")
    s.add_argument("--program")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_board)

    s = command("status", "source health and alert queue")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_status)

    s = command(
        "alerts",
        "alert deliveries: list, retry ID, test NAME|URL, preview NAME (the next digest)",
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

    s = command("sources", "list the configured sources, or add / remove / enable / disable one")
    s.add_argument(
        "action", nargs="?", choices=("list", "add", "remove", "enable", "disable"), default="list"
    )
    s.add_argument(
        "target", nargs="?", metavar="URL|NAME", help="add: a feed, sitemap, listing or homepage URL"
    )
    s.add_argument(
        "--kind", choices=("feed", "listing", "sitemap", "site"), help="add: this kind, no probing"
    )
    s.add_argument("--name", help="add: the source's name (default: from the host)")
    s.add_argument("--interval", default="15m", help="add: how often to poll (default 15m)")
    s.add_argument("--dry-run", action="store_true", help="add: show what would be added, change nothing")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_sources)

    s = command("backup", "a consistent copy of the database, safe while running")
    s.add_argument("path", metavar="PATH", help="the new file to write")
    s.set_defaults(func=cmd_backup)

    s = command("config", "show the effective configuration or write a starter file")
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
    # One-shot commands print their own result (a crawl's summary names every failure once);
    # only the service logs at INFO by default.
    service = args.command in ("run", "serve")
    setup_logging(
        args.log_format, verbose=args.verbose, quiet=args.quiet or not service, errors_only=not service
    )
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"monitor: configuration error: {exc}", file=sys.stderr)
        return 2
    except MonitorError as exc:
        print(f"monitor: {exc}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:  # a damaged file met by a read command
        print(
            f"monitor: {damaged_database_message(exc) if is_corruption(exc) else f'database error: {exc}'}",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `monitor crawl --json | head`: the reader left. Point stdout at /dev/null so the
        # interpreter's final flush does not raise again, and exit quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
