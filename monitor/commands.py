"""The commands behind `monitor`: each loads settings, opens the database, calls one library
function and renders the result (`cli.py` holds the parser and the exit codes)."""

from __future__ import annotations

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

log = logging.getLogger("monitor")

# Commands that send (or may send) alerts need the secrets; the others read the config without
# them, so a user without the service's environment can still run `monitor status`.
SENDING = {"crawl", "run", "rematch"}


def _settings(args) -> Settings:
    """The command's settings, read once (a command asks for them in several places)."""
    if getattr(args, "settings", None) is None:
        sends = args.command in SENDING or (args.command == "alerts" and args.action == "test")
        settings = load_settings(args.config, resolve_secrets=sends)
        args.settings = settings.with_db(args.db) if getattr(args, "db", None) else settings
    return args.settings


def _db(args, *, write: bool = False):
    from .runner import open_store

    return open_store(_settings(args), read_only=not write)


def _zone(args) -> str:
    return _settings(args).alerts.timezone


def _print_rows(args, rows: list[dict], columns: list[str], times: tuple[str, ...] = ()) -> None:
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False, default=str))
        return
    from .tables import print_table

    print_table(rows, columns, zone=_zone(args), times=times)


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
    from .pipeline import CrawlReport, SourceReport
    from .runner import run_crawl
    from .tables import print_summary

    settings = _settings(args)
    replay = Cassette(args.replay) if args.replay else None
    if replay is not None and not len(replay):
        raise ConfigError(f"--replay {args.replay}: no cassette there (index.json missing or empty)")
    record = Cassette(args.record) if args.record else None
    progress = not args.quiet and sys.stderr.isatty()
    finished: list[SourceReport] = []
    try:
        report = asyncio.run(
            run_crawl(
                settings,
                only=args.source or None,
                replay=replay,
                record=record,
                progress=progress,
                # A replay is a rehearsal: it posts to real receivers only when asked to.
                deliver=replay is None or args.deliver,
                finished=finished,
            )
        )
    except KeyboardInterrupt:
        if progress:
            sys.stderr.write("\n")
        print(f"interrupted: {len(finished)} source(s) finished", file=sys.stderr)
        print_summary(CrawlReport(finished), out=sys.stderr)
        return 130
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
    _print_rows(args, rows, ["id", "published", "source", "title", "url"], times=("published",))
    return 0


def cmd_articles(args) -> int:
    from storage.articles import list_articles

    rows = list_articles(_db(args), topic=args.topic, limit=args.limit)
    columns = ["id", "published", "source", "version", "story_id", "title", "url"]
    _print_rows(args, rows, columns, times=("published",))
    return 0


def cmd_stories(args) -> int:
    from storage.articles import list_stories

    rows = list_stories(_db(args))
    if args.json:
        _print_rows(args, rows, [])
    else:
        from .tables import print_stories

        print_stories(rows, zone=_zone(args))
    return 0


def _article(args, db) -> tuple[dict, dict]:
    """The article named by ID or URL (as given or normalised) and its story."""
    from scrapers.urls import link_key
    from storage.queries import find_article, story_detail

    ref = args.ref.strip()
    found = find_article(db, ref)
    if found is None and not ref.isdigit():
        try:
            found = find_article(db, link_key(ref))
        except ValueError:
            found = None
    if found is None:
        raise NotFound(f"no stored article {ref!r} (see `monitor articles` for ids)")
    story = story_detail(db, found[1])
    assert story is not None
    return next(a for a in story["articles"] if a["id"] == found[0]), story


class NotFound(MonitorError):
    pass


def cmd_show(args) -> int:
    article, story = _article(args, _db(args))
    if args.json:
        print(
            json.dumps(
                {"article": article, "story": {k: v for k, v in story.items() if k != "articles"}},
                ensure_ascii=False,
                indent=1,
                default=str,
            )
        )
        return 0
    from .tables import print_article

    print_article(article, story, zone=_zone(args))
    return 0


def cmd_diff(args) -> int:
    article, _ = _article(args, _db(args))
    versions = {v["version"]: v for v in article["versions"]}
    if len(versions) < 2 and not args.versions:
        print(f"article {article['id']} has one version: nothing changed since it was first stored")
        return 0
    wanted = args.versions or [sorted(versions)[-2], sorted(versions)[-1]]
    if len(wanted) != 2 or any(v not in versions for v in wanted):
        raise ConfigError(f"monitor diff ID [V1 V2]: versions are {', '.join(map(str, sorted(versions)))}")
    from .tables import print_diff

    print_diff(versions[wanted[0]], versions[wanted[1]])
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
    columns = [
        "name",
        "health",
        "health_reason",
        "last_success",
        "consecutive_failures",
        "next_due",
        "last_error",
    ]
    _print_rows(args, status["sources"], columns, times=("last_success", "next_due"))
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
    columns = ["id", "event", "webhook", "status", "attempts", "next_attempt_at", "last_error", "article_url"]
    _print_rows(args, rows, columns, times=("next_attempt_at",))
    return 0


def cmd_sources(args) -> int:
    from . import source_edit

    if args.action == "list":
        settings = _settings(args)
        rows = [
            {
                "name": s.name,
                "kind": s.kind,
                "enabled": s.enabled,
                "interval": f"{s.interval / 60:g}m",
                "url": s.url or f"query: {s.query}",
            }
            for s in settings.sources
        ]
        _print_rows(args, rows, ["name", "kind", "enabled", "interval", "url"])
        return 0
    if not args.target:
        raise ConfigError(
            f"monitor sources {args.action}: give a {'URL' if args.action == 'add' else 'source name'}"
        )
    path = source_edit.config_path(args.config)
    if args.action == "remove":
        source_edit.remove_source(path, args.target)
        print(f"removed {args.target} from {path}")
    elif args.action in ("enable", "disable"):
        source_edit.set_enabled(path, args.target, args.action == "enable")
        print(f"{args.action}d {args.target} in {path}")
    else:
        return _add_source(args, path)
    return 0


def _add_source(args, path: Path) -> int:
    from scrapers.fetch import Fetcher

    from . import source_edit
    from .site_finder import find_sources

    url = args.target
    kind = args.kind
    if kind in (None, "site"):
        settings = _settings(args)

        async def probe():
            async with Fetcher(settings.fetch.client_settings()) as fetcher:
                return await find_sources(fetcher, url)

        findings = asyncio.run(probe())
        for c in findings.candidates:
            state = c.problem or f"{c.links} article link(s)"
            print(f"  {c.kind:<8} {c.url}  ({c.how}): {state}")
        best = findings.best
        if best is None:
            print(f"no feed, sitemap or article listing found at {url}", file=sys.stderr)
            return 1
        print(f"\nbest: {best.kind} {best.url}")
        for link, title in best.sample:
            print(f"    {title or '(no title)'}\n      {link}")
        kind, url = best.kind, best.url
    if args.dry_run:
        return 0
    name = source_edit.add_source(path, kind=kind, url=url, name=args.name, interval=args.interval)
    print(f"added source {name} ({kind} {url}) to {path}")
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
            raise ConfigError(f"{target} exists; use --force to overwrite")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(default_config_text(), "utf-8")
        except OSError as exc:
            raise MonitorError(f"cannot write {target}: {exc.strerror or exc}") from None
        print(f"wrote {target}")
        return 0
    if args.path:
        raise ConfigError(f"monitor config show takes no argument (got {args.path!r}); use --config PATH")
    print(json.dumps(settings_as_dict(_settings(args)), ensure_ascii=False, indent=1))
    return 0
