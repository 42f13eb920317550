"""Article text from script payloads, for pages whose DOM has no article.

App shells (Next.js app router, Next.js pages router, Nuxt) serve a spinner and put the story
in a script; JSON-LD `articleBody` carries it on many other pages. Read without running any
script: the payload strings are JSON string literals, decoded with json.loads, and the prose
among them (long strings with spaces, or HTML fragments) is kept in order.
"""

from __future__ import annotations

import json
import re

from selectolax.lexbor import LexborHTMLParser

from .html import paragraphs
from .meta import json_ld_articles, json_ld_items

_NEXT_F = re.compile(r'self\.__next_f\.push\(\[\s*1\s*,\s*("(?:[^"\\]|\\.)*")\s*\]\)', re.S)
_JSON_STRING = re.compile(r'"((?:[^"\\]|\\.){80,})"', re.S)
_TAG = re.compile(r"<(?:p|br|div|h[2-6]|li)\b", re.I)
_MIN_CHARS = 200


def _prose(value: str) -> list[str]:
    """Paragraphs of one payload string: an HTML fragment is parsed, plain text split at newlines."""
    if _TAG.search(value):
        tree = LexborHTMLParser(value)
        return paragraphs(tree.body) if tree.body is not None else []
    if value.count(" ") < len(value) / 20 or value.startswith(("http", "/", "{", "[", "$")):
        return []  # identifiers, URLs, class lists, nested JSON: not prose
    return [p.strip() for p in value.split("\n") if p.strip()]


def _strings(blob: str) -> list[str]:
    out: list[str] = []
    for m in _JSON_STRING.finditer(blob):
        try:
            out.append(json.loads(f'"{m.group(1)}"'))
        except ValueError:
            continue
    return out


def _collect(strings: list[str]) -> list[str]:
    paras: list[str] = []
    seen: set[str] = set()
    for value in strings:
        for p in _prose(value):
            if len(p) >= 20 and p not in seen:
                seen.add(p)
                paras.append(p)
    return paras


def payload_paragraphs(
    tree: LexborHTMLParser | bytes, html: str, *, ld: list[dict] | None = None
) -> tuple[list[str], str | None]:
    """(paragraphs, payload kind) from the first payload that holds an article, else ([], None).

    `tree` may be the page's bytes: it is parsed only if the __NEXT_DATA__ script is needed
    (the caller's tree has lost its scripts to boilerplate removal by then). `ld` is the page's
    JSON-LD, read before that removal."""
    if ld is None:
        tree = LexborHTMLParser(tree) if isinstance(tree, bytes) else tree
        ld = json_ld_items(tree)
    for item in json_ld_articles(None, items=ld):
        body = item.get("articleBody")
        if isinstance(body, str) and len(body) >= _MIN_CHARS:
            return _collect([body]), "jsonld"
    if "self.__next_f.push" in html:
        # Each push is one JSON string literal; the flight stream is their concatenation.
        chunks = []
        for m in _NEXT_F.finditer(html):
            try:
                chunks.append(json.loads(m.group(1)))
            except ValueError:
                continue
        paras = _collect(_strings("".join(chunks)))
        if sum(map(len, paras)) >= _MIN_CHARS:
            return paras, "next_f"
    for marker, kind in (('id="__NEXT_DATA__"', "next_data"), ("__NUXT__", "nuxt")):
        if marker in html:
            if kind == "next_data" and isinstance(tree, bytes):
                tree = LexborHTMLParser(tree)
            node = tree.css_first("script#__NEXT_DATA__") if kind == "next_data" else None
            blob = node.text() if node is not None else html[html.index(marker) :]
            paras = _collect(_strings(blob))
            if sum(map(len, paras)) >= _MIN_CHARS:
                return paras, kind
    return [], None
