"""Atom feeds of stories (per topic, per saved search), written with feedgen.

Entry ids are tag URIs of the story id: the same story has the same id in every feed and in
every render, so feed readers never show it twice. `updated` comes from the data (the
newest story's first_seen), never from the clock, so two renders of unchanged data are equal.
"""

from __future__ import annotations

from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from .text import parse_time

ID_BASE = "tag:ai-center-monitor,2026"
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def story_entry_id(story_id: int) -> str:
    return f"{ID_BASE}:story:{story_id}"


def render_atom(
    *, feed_id: str, title: str, self_url: str, base_url: str, stories: list[dict], lang: str
) -> bytes:
    """An Atom document with one entry per story summary (newest first)."""
    fg = FeedGenerator()
    fg.id(f"{ID_BASE}:{feed_id}")
    fg.title(title)
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=base_url, rel="alternate", type="text/html")
    fg.language(lang)
    fg.generator("ai-center-monitor")
    times = [parse_time(s["first_seen"]) or EPOCH for s in stories]
    fg.updated(max(times, default=EPOCH))
    # feedgen writes entries in reverse order of adding: add the oldest first.
    for story, seen in reversed(list(zip(stories, times, strict=True))):
        fe = fg.add_entry()
        fe.id(story_entry_id(story["id"]))
        fe.title(story["title"] or f"#{story['id']}")
        fe.link(href=f"{base_url}stories/{story['id']}", rel="alternate", type="text/html")
        fe.published(seen)
        fe.updated(seen)
        fe.author(name=", ".join(story["outlets"]) or "ai-center-monitor")
        for topic in story.get("topics", []):
            fe.category(term=topic)
        summary = story.get("snippet") or ""
        outlets = ", ".join(story["outlets"])
        fe.summary(f"{summary}\n\n{outlets}".strip(), type="text")
    return fg.atom_str(pretty=True)
