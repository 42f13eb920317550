"""A minimal English page around a body, for the generic extractor's layout tests."""

from __future__ import annotations


def page(body: str) -> str:
    return f"<html lang=en><head><title>Story</title></head><body>{body}</body></html>"
