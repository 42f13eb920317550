"""Readable text for people (mail, messengers): a Korean subject, and Markdown or plain text
for one alert or one digest. Pure: payload and time zone in, strings out."""

from __future__ import annotations

from ..digest import local_time, readable_diff
from .base import bid_move, snippet

SUBJECT_PREFIX = "[AI 센터]"
EVENT_KO = {
    "article.new": "새 기사",
    "article.changed": "기사 수정",
    "story.joined": "추가 보도",
    "bid.stage_changed": "유치 단계 변경",
    "test": "테스트",
}
BUCKETS = (("new", "새 기사"), ("changed", "수정된 기사"), ("joined", "추가 보도"))
TITLE_CHARS = 40
DIFF_LINES = 40  # a long rewrite is cut here, with a link to the article for the rest


def shorten(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def title_of(article: dict) -> str:
    return article.get("title") or article.get("url") or "(제목 없음)"


def subject(payload: dict, tz: str) -> str:
    """`[AI 센터] 새 기사 3건 · 포항시, 국가 AI 컴퓨팅센터 …` for a digest, `[AI 센터] 새 기사 · 제목`
    for one alert."""
    data = payload["data"]
    if payload["type"] != "digest":
        label = EVENT_KO.get(payload["type"], payload["type"])
        if data.get("bid"):
            return f"{SUBJECT_PREFIX} {label} · {bid_move(data['bid'])}"
        return f"{SUBJECT_PREFIX} {label} · {shorten(title_of(data['article']), TITLE_CHARS * 2)}"
    counts = data["counts"]
    parts = [
        f"{label} {counts[b]}건"
        for b, label in (("new", "새 기사"), ("changed", "수정"), ("joined", "추가 보도"))
        if counts[b]
    ]
    if counts.get("board"):
        parts.append(f"유치 단계 변경 {counts['board']}건")
    if not parts:
        until = local_time(data["until"], tz) or ""
        return f"{SUBJECT_PREFIX} 새 기사 없음 · {until}"
    first = next((item for group in data["topics"] for b, _ in BUCKETS for item in group[b]), None)
    rest = sum(counts.values()) - 1
    head = bid_move(data["board"][0]) if first is None else title_of(first["article"])
    tail = shorten(head, TITLE_CHARS) + (f" 외 {rest}건" if rest else "")
    return f"{SUBJECT_PREFIX} {' · '.join(parts)} · {tail}"


def item_snippet(item: dict) -> str:
    return shorten(snippet({"matches": item["matches"], "article": item["article"]}), 200)


def _outlets(item: dict) -> list[dict]:
    return item.get("outlets") or [
        {"outlet": item["article"].get("outlet"), "url": item["article"].get("url")}
    ]


def diff_text(diff: str | None, *, limit: int = DIFF_LINES) -> list[str]:
    """The diff as `+ added` / `- removed` lines (context indented), cut after `limit` lines."""
    marks = {"added": "+ ", "removed": "- ", "context": "  ", "gap": "  "}
    lines = [marks[d.kind] + d.text for d in readable_diff(diff)]
    return [*lines[:limit], f"  … ({len(lines) - limit}줄 더)"] if len(lines) > limit else lines


def when_line(article: dict, tz: str) -> str:
    published = local_time(article.get("published"), tz)
    return f"{article.get('outlet') or ''}" + (f" · {published}" if published else "")


def markdown(payload: dict, tz: str) -> tuple[str, str]:
    """(title, body) in Markdown for services that render it (Telegram, Teams, ntfy, ...)."""
    data = payload["data"]
    if payload["type"] != "digest":
        art = data["article"]
        lines = [f"**{bid_move(data['bid'])}**", ""] if data.get("bid") else []
        lines += [
            f"**[{title_of(art)}]({art.get('url')})**",
            when_line(art, tz),
            "",
            item_snippet(_single(data)),
        ]
        if payload["type"] == "article.changed" and data.get("diff"):
            lines += ["", "```", *diff_text(data["diff"], limit=15), "```"]
        return subject(payload, tz), "\n".join(lines).strip()
    lines: list[str] = [period_line(data, tz)]
    for group in data["topics"]:
        lines += ["", f"## {group['topic'] or '(주제 없음)'}"]
        for bucket, label in BUCKETS:
            if not group[bucket]:
                continue
            lines.append(f"**{label}**")
            for item in group[bucket]:
                art = item["article"]
                outlets = ", ".join(f"[{o['outlet']}]({o['url']})" for o in _outlets(item))
                lines.append(f"- [{title_of(art)}]({art.get('url')}) · {outlets}")
    if data.get("board"):
        lines += ["", "## 유치 현황 변경"]
        lines += [
            f"- {bid_move(b)} · [{b['since']}]({b['url']}): {shorten(b['evidence'], 120)}"
            for b in data["board"]
        ]
    if len(lines) == 1:
        lines.append("\n이번 기간에 새 기사가 없습니다.")
    return subject(payload, tz), "\n".join(lines)


def plain(payload: dict, tz: str) -> str:
    """The text/plain part of a mail: every story with title, outlets, time, snippet and links."""
    data = payload["data"]
    if payload["type"] != "digest":
        head = [bid_move(data["bid"]), ""] if data.get("bid") else []
        return "\n".join(head + _plain_item(_single(data), tz, payload["type"] == "article.changed")) + "\n"
    out = [subject(payload, tz), period_line(data, tz), ""]
    for group in data["topics"]:
        out += [f"■ {group['topic'] or '(주제 없음)'}", ""]
        for bucket, label in BUCKETS:
            for n, item in enumerate(group[bucket], 1):
                if n == 1:
                    out += [f"[{label} {len(group[bucket])}건]", ""]
                out += [f"{n}. " + _plain_item(item, tz, bucket == "changed")[0]]
                out += ["   " + ln if ln else "" for ln in _plain_item(item, tz, bucket == "changed")[1:]]
    if data.get("board"):
        out += [f"■ 유치 현황 변경 {len(data['board'])}건", ""]
        for n, b in enumerate(data["board"], 1):
            out += [
                f"{n}. {bid_move(b)} ({b['since']})",
                f"   {shorten(b['evidence'], 200)}",
                f"   {b['url']}",
                "",
            ]
    if not data["topics"] and not data.get("board"):
        out.append("이번 기간에 새 기사가 없습니다.")
    return "\n".join(out).rstrip() + "\n"


def _single(data: dict) -> dict:
    return {
        "article": data["article"],
        "matches": data.get("matches", {"terms": [], "snippets": {}}),
        "diff": data.get("diff"),
        "outlets": [{"outlet": data["article"].get("outlet"), "url": data["article"].get("url")}],
    }


def _plain_item(item: dict, tz: str, changed: bool) -> list[str]:
    art = item["article"]
    lines = [title_of(art), when_line(art, tz), item_snippet(item)]
    if changed and item.get("diff"):
        lines += ["", "바뀐 부분 (+ 추가, - 삭제):", *diff_text(item["diff"])]
    lines += [f"{o['outlet']}: {o['url']}" for o in _outlets(item)]
    return [*lines, ""]


def period_line(data: dict, tz: str) -> str:
    since = local_time(data.get("since"), tz)
    until = local_time(data["until"], tz)
    return f"{since} ~ {until}" if since else f"~ {until}"
