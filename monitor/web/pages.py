"""The reader's pages, feeds and JSON: each handler reads through `app.state.reader` (off the
event loop) with a function of `storage.queries` / `storage.articles`, then renders."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from storage.board import board_objects
from storage.outbox import list_deliveries, outbox_counts
from storage.queries import (
    StoryFilter,
    article_texts,
    outlet_names,
    search_page,
    stories_by_id,
    story_detail,
    story_summaries,
)

from ..runner import samples_dir
from ..status import source_status
from .feeds import render_atom
from .text import diff_rows, highlight, kst_day, paragraphs, query_patterns, snippet

PAGE = 20  # stories per page
SEARCH_PAGE = 30
FEED_ENTRIES = 50
API_MAX = 100


def _render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    env = request.app.state.env
    page = env.get_template(name).render(path=request.url.path, **context)
    return HTMLResponse(page, status_code=status)


def _int(request: Request, name: str, *, low: int = 1, high: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if not raw.isdigit() or int(raw) < low or (high is not None and int(raw) > high):
        limit = f"{low}..{high}" if high else f"{low} or more"
        raise HTTPException(400, f"{name} must be a whole number ({limit}), got {raw!r}")
    return int(raw)


def _day(request: Request, name: str, *, end: bool = False):
    raw = request.query_params.get(name) or None
    day = kst_day(raw, end=end)
    if raw and day is None:
        raise HTTPException(400, f"{name} must be a date YYYY-MM-DD, got {raw!r}")
    return day


def _story_filter(request: Request) -> tuple[StoryFilter, dict[str, str]]:
    q = request.query_params
    where = StoryFilter(
        topic=q.get("topic") or None,
        outlet=q.get("outlet") or None,
        since=_day(request, "since"),
        until=_day(request, "until", end=True),
        before=_int(request, "before"),
        after=_int(request, "after", low=0),
    )
    echo = {k: q.get(k, "") for k in ("topic", "outlet", "since", "until")}
    return where, echo


async def _page_of_stories(request: Request, limit: int) -> tuple[list[dict], dict, bool, bool]:
    """A page of stories, plus whether older and newer pages exist (one extra row read each way)."""
    where, echo = _story_filter(request)
    reader = request.app.state.reader
    rows = await reader(story_summaries, where, limit + 1)
    backwards = where.after is not None and where.before is None
    more = len(rows) > limit
    rows = rows[1:] if more and backwards else rows[:limit]
    has_older = more if not backwards else bool(rows)
    has_newer = (where.before is not None) or (backwards and more)
    return rows, echo, has_older, has_newer


# --- pages ----------------------------------------------------------------------------------


async def stories(request: Request) -> Response:
    rows, echo, has_older, has_newer = await _page_of_stories(request, PAGE)
    outlets = await request.app.state.reader(outlet_names)
    return _render(
        request,
        "stories.html",
        stories=rows,
        filters=echo,
        topics=[t.name for t in request.app.state.settings.topics],
        outlets=outlets,
        older={**echo, "before": rows[-1]["id"]} if has_older and rows else None,
        newer={**echo, "after": rows[0]["id"]} if has_newer and rows else None,
    )


def _term_patterns(request: Request, matches: list[dict]) -> list[re.Pattern[str]]:
    """The configured topic's own pattern per matched term (spacing, dots, particles, AI=인공지능)."""
    topics = {t.name: t for t in request.app.state.settings.topics}
    out = []
    for m in matches:
        topic = topics.get(m["topic"])
        for term in m["terms"]:
            try:
                out.append(topic.pattern(term) if topic else re.compile(re.escape(term), re.IGNORECASE))
            except KeyError:  # the term was removed from the topic since: match it literally
                out.append(re.compile(re.escape(term), re.IGNORECASE))
    return out


def _versions(article: dict) -> list[dict]:
    """Each edit as the diff from the version before it, newest first."""
    v = article["versions"]
    return [
        {
            "version": new["version"],
            "created_at": new["created_at"],
            "rows": diff_rows(old["title"], old["body"], new["title"], new["body"]),
        }
        for old, new in reversed(list(itertools.pairwise(v)))
    ]


async def story(request: Request) -> Response:
    detail = await request.app.state.reader(story_detail, request.path_params["story_id"])
    if detail is None:
        raise HTTPException(404)
    mode = "inline" if request.query_params.get("diff") == "inline" else "side"
    articles = []
    for i, a in enumerate(detail["articles"]):
        patterns = _term_patterns(request, a["matches"])
        articles.append(
            {
                **a,
                "terms": sorted({t for m in a["matches"] for t in m["terms"]}),
                # The first article is read in full; the others carry the same story, collapsed.
                "paragraphs": [highlight(p, patterns) for p in paragraphs(a["body"])],
                "title_segments": highlight(a["title"] or "", patterns),
                "edits": _versions(a),
                "first": i == 0,
            }
        )
    return _render(request, "story.html", story=detail, articles=articles, mode=mode)


async def search(request: Request) -> Response:
    query = (request.query_params.get("q") or "").strip()
    page = _int(request, "page") or 1
    hits: list[dict] = []
    more = False
    if query:
        reader = request.app.state.reader
        found = await reader(search_page, query, SEARCH_PAGE + 1, (page - 1) * SEARCH_PAGE)
        more = len(found) > SEARCH_PAGE
        hits = found[:SEARCH_PAGE]
        texts = await reader(article_texts, [h["id"] for h in hits])
        patterns = query_patterns(query)
        for h in hits:
            title, body = texts.get(h["id"], (h["title"], ""))
            h["title_segments"] = highlight(title or "", patterns)
            h["snippet"] = snippet(body, patterns)
    return _render(request, "search.html", query=query, hits=hits, page=page, more=more)


EMPTY_SOURCE = dict.fromkeys(
    ("health_reason", "last_success", "last_error", "last_error_at", "next_due", "sample_page")
) | {"consecutive_failures": 0}


def _source_rows(settings, status: dict) -> list[dict]:
    """Stored health, plus configured sources that never ran and disabled ones (skipped)."""
    rows = {r["name"]: dict(r) for r in status["sources"]}
    for s in settings.sources:
        row = rows.setdefault(s.name, {**EMPTY_SOURCE, "name": s.name, "configured": True, "health": "never"})
        if not s.enabled:
            row.update(health="skipped", health_reason="disabled")
    for row in rows.values():
        if not row.get("configured"):
            row.setdefault("health_reason", None)
            row["health_reason"] = row["health_reason"] or "not_configured"
    return sorted(rows.values(), key=lambda r: (r["health"] == "ok", r["name"]))


async def sources(request: Request) -> Response:
    settings = request.app.state.settings
    status = await request.app.state.reader(source_status, settings)
    return _render(request, "sources.html", sources=_source_rows(settings, status), alerts=status["alerts"])


async def board(request: Request) -> Response:
    """The bid board: one table per configured program, each cell linking to its evidence."""
    rows = await request.app.state.reader(board_objects, None)
    names = [p.name for p in request.app.state.settings.programs]
    names += sorted({r["program"] for r in rows} - set(names))
    tables = [(name, [r for r in rows if r["program"] == name]) for name in names]
    return _render(request, "board.html", tables=tables)


async def api_board(request: Request) -> Response:
    """The objects `monitor board --json` prints, in one JSON array (`?program=` filters)."""
    return JSONResponse(await request.app.state.reader(board_objects, request.query_params.get("program")))


async def sample(request: Request) -> Response:
    """The kept copy of a failing page, as text (never rendered: it is the outlet's HTML)."""
    settings = request.app.state.settings
    status = await request.app.state.reader(source_status, settings)
    row = next((r for r in status["sources"] if r["name"] == request.path_params["name"]), None)
    if row is None or not row.get("sample_page"):
        raise HTTPException(404)
    path = Path(row["sample_page"]).resolve()
    if not path.is_file() or not path.is_relative_to(samples_dir(settings)):
        raise HTTPException(404)
    return PlainTextResponse(path.read_bytes().decode("utf-8", "replace"))


async def alerts(request: Request) -> Response:
    wanted = request.query_params.get("status") or None
    if wanted not in (None, "pending", "sent", "failed"):
        raise HTTPException(400, f"status must be pending, sent or failed, got {wanted!r}")
    reader = request.app.state.reader
    rows = await reader(list_deliveries, 500)
    counts = await reader(outbox_counts)
    rows = [d for d in rows if wanted is None or d.status == wanted][:200]
    return _render(request, "alerts.html", deliveries=rows, counts=counts, wanted=wanted)


# --- feeds ----------------------------------------------------------------------------------


def _atom(request: Request, feed_id: str, title: str, rows: list[dict]) -> Response:
    body = render_atom(
        feed_id=feed_id,
        title=title,
        self_url=str(request.url),
        base_url=str(request.base_url),
        stories=rows,
        lang=request.app.state.settings.web.lang,
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")


async def topic_feed(request: Request) -> Response:
    topic = request.path_params["topic"]
    if topic not in {t.name for t in request.app.state.settings.topics}:
        raise HTTPException(404, f"no topic named {topic!r}")
    rows = await request.app.state.reader(story_summaries, StoryFilter(topic=topic), FEED_ENTRIES)
    site = request.app.state.env.globals["t"]["site"]
    return _atom(request, f"topic:{topic}", f"{site}: {topic}", rows)


def _stories_for_query(db, query: str) -> list[dict]:
    hits = search_page(db, query, limit=500)
    ids = sorted({h["story_id"] for h in hits if h["story_id"] is not None}, reverse=True)
    return stories_by_id(db, ids[:FEED_ENTRIES])


async def search_feed(request: Request) -> Response:
    query = (request.query_params.get("q") or "").strip()
    if not query:
        raise HTTPException(400, "q is required: /feeds/search.atom?q=WORDS")
    rows = await request.app.state.reader(_stories_for_query, query)
    site = request.app.state.env.globals["t"]["site"]
    return _atom(request, f"search:{query}", f"{site}: “{query}”", rows)


# --- JSON: the objects `monitor stories --json` / `monitor search --json` print ------------
# (search: the same rows, newest stored first rather than by publish date: see search_page)


async def api_stories(request: Request) -> Response:
    limit = _int(request, "limit", high=API_MAX) or PAGE
    rows, _, has_older, _ = await _page_of_stories(request, limit)
    headers = {}
    if has_older and rows:
        nxt = request.url.include_query_params(before=rows[-1]["id"]).remove_query_params("after")
        headers["link"] = f'<{nxt}>; rel="next"'
    return JSONResponse(rows, headers=headers)


async def api_story(request: Request) -> Response:
    detail = await request.app.state.reader(story_detail, request.path_params["story_id"])
    if detail is None:
        return JSONResponse({"error": "no such story"}, status_code=404)
    return JSONResponse(detail)


async def api_search(request: Request) -> Response:
    query = (request.query_params.get("q") or "").strip()
    if not query:
        return JSONResponse({"error": "q is required"}, status_code=400)
    limit = _int(request, "limit", high=500) or 50
    offset = _int(request, "offset", low=0) or 0
    return JSONResponse(await request.app.state.reader(search_page, query, limit, offset))


# --- errors ---------------------------------------------------------------------------------


async def not_found(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": "not found"}, status_code=404)
    return _render(request, "error.html", 404, message=None, code=404)


async def bad_request(request: Request, exc: Exception) -> Response:
    detail = getattr(exc, "detail", None) or "bad request"
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": detail}, status_code=400)
    return _render(request, "error.html", 400, message=detail, code=400)
