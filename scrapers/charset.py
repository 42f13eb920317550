"""Bytes to text for web pages, Korean pages first.

Order: byte-order mark, HTTP charset, <meta> charset, then detection. A declared
charset is only trusted when the bytes agree with it: pages that say euc-kr over
UTF-8 bytes, or UTF-8 over CP949 bytes, are common among Korean outlets. The
WHATWG web maps the label "euc-kr" (and ks_c_5601-*) to windows-949, a superset
that Python calls cp949; Python's own euc_kr codec rejects syllables such as 똠.
"""

from __future__ import annotations

import codecs
import re

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_KOREAN_LABELS = {
    "euc-kr",
    "euc_kr",
    "euckr",
    "ks_c_5601-1987",
    "ks_c_5601",
    "ks_c_5601-1989",
    "ksc5601",
    "ksc_5601",
    "korean",
    "csksc56011987",
    "iso-ir-149",
    "windows-949",
    "x-windows-949",
    "cp949",
    "ms949",
    "uhc",
}
# Only <meta> tags count: a script tag with charset="UTF-8" before the real meta is a known trap.
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.-]+)", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.-]+)", re.I)
_UNRELIABLE = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "windows-1252", "cp1252"}


def normalize_charset(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _KOREAN_LABELS:
        return "cp949"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "cp949" if name == "euc_kr" else name


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return m.group(1) if m else None


def charset_from_meta(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:8192])
    return m.group(1).decode("ascii", "ignore") if m else None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError as exc:
        # A body cut at the size cap may end inside a multi-byte character.
        return exc.reason.startswith("unexpected end") or exc.start >= len(data) - 3
    except LookupError:
        return False


def _is_ascii(data: bytes) -> bool:
    return data.isascii()


def detect_encoding(data: bytes) -> str:
    """Best guess for undeclared bytes: UTF-8, then CP949, then charset-normalizer."""
    if _is_ascii(data) or _decodes(data, "utf-8"):
        return "utf-8"
    if _decodes(data, "cp949"):
        return "cp949"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    return normalize_charset(best.encoding) if best and best.encoding else "utf-8"


def choose_encoding(data: bytes, content_type: str | None = None) -> str:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    for label in (charset_from_content_type(content_type), charset_from_meta(data)):
        declared = normalize_charset(label)
        if declared is None or declared in _UNRELIABLE:
            continue
        if declared != "utf-8" and not _is_ascii(data) and _decodes(data, "utf-8"):
            # Random legacy multi-byte text almost never forms valid UTF-8: the label is stale.
            return "utf-8"
        if _decodes(data, declared):
            return declared
    return detect_encoding(data)


def decode_bytes(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode page bytes; returns (text, codec name). Never raises on bad bytes."""
    encoding = choose_encoding(data, content_type)
    text = data.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding
