"""Pure deduplication and change detection: fingerprints, MinHash signatures, LSH bands, diffs.

Three levels:
1. one article per canonical URL (the key of the articles table);
2. the same normalised text under another URL is the same article (content hash);
3. a near-duplicate (a press release or wire story reprinted with small edits) joins a story.

Level 3 uses MinHash with one-permutation hashing (Li, Owen & Zhang 2012): every character
5-gram of the normalised text is hashed once, the hash picks one of 128 bins and the bin keeps
its minimum, so a signature costs one pass over the text. 42 bands of 3 rows give candidates
(a pair with Jaccard 0.48 becomes a candidate with probability 0.99, one with 0.05 with 0.005);
a candidate joins the story only when its estimated similarity passes STORY_THRESHOLD, estimated
from 128-byte sketches (the low byte of each bin). A lookup is one indexed query on 42 band keys
plus at most 20 sketch comparisons, whatever the store's size; it stays as fast at 1M articles
as at 10k while the index (~0.75 MB per 1,000 articles) stays in memory (the OS's file cache,
read through mmap up to SQLite's 2 GiB mmap ceiling, about 200k articles; beyond it through
SQLite's own cache, `[storage] cache_mb`).
"""

from __future__ import annotations

import difflib
import hashlib
import operator
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass

SHINGLE = 5
BINS = 128
BANDS = 42
ROWS = 3
EMPTY = 0xFFFFFFFF
# Chosen from fixtures/reprints.json (bench/dedup.py prints the distribution): reprint pairs
# score 0.49-0.96, separately written stories on the same topic at most 0.04.
STORY_THRESHOLD = 0.30

_NOISE_LINES = re.compile(
    r"^(?:.*(?:조회수?|조회|views?)\s*[:：]?\s*[\d,]+.*|.*(?:수정|업데이트|updated)\s*[:：]?\s*\d{4}[.\-/]\s*\d{1,2}[.\-/]\s*\d{1,2}.*"
    r"|(?:광고|AD|Advertisement|전체기사 본문배너)\s*)$",
    re.I,
)
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def material_text(title: str | None, body: str) -> str:
    """The text that counts for change detection: view counters, edit stamps and ad labels removed."""
    lines = [
        ln
        for ln in f"{title or ''}\n{body}".splitlines()
        if ln.strip() and not _NOISE_LINES.match(ln.strip())
    ]
    return "\n".join(lines)


def fingerprint_text(text: str) -> str:
    """Lower-case, NFKC, letters and digits only: equal for texts that differ in spacing or punctuation."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).lower())


def content_hash(title: str | None, body: str) -> str:
    return hashlib.sha256(fingerprint_text(material_text(title, body)).encode("utf-8")).hexdigest()


def body_hash(body: str) -> str:
    """Hash of the body alone: the same story under another URL may carry a different headline."""
    return hashlib.sha256(fingerprint_text(material_text(None, body)).encode("utf-8")).hexdigest()


def signature(text: str) -> tuple[int, ...]:
    """One-permutation MinHash of the character 5-grams of the fingerprint text."""
    fp = fingerprint_text(text)
    mins = [EMPTY] * BINS
    if not fp:
        return tuple(mins)
    if len(fp) < SHINGLE:
        fp = fp.ljust(SHINGLE, "_")
    crc = zlib.crc32
    for i in range(len(fp) - SHINGLE + 1):
        h = crc(fp[i : i + SHINGLE].encode("utf-8"))
        h = (h * 0x9E3779B1) & 0xFFFFFFFF  # spread crc32's low bits before binning
        b = h & (BINS - 1)
        v = h >> 7
        if v < mins[b]:
            mins[b] = v
    # Densify: an empty bin borrows from the next non-empty one (rotation), so short texts still band.
    if EMPTY in mins and any(m != EMPTY for m in mins):
        for b in range(BINS):
            if mins[b] == EMPTY:
                step = 1
                while mins[(b + step) % BINS] == EMPTY:
                    step += 1
                mins[b] = mins[(b + step) % BINS] ^ (step * 0x5BD1E995 & 0x1FFFFFF)
    return tuple(mins)


def sketch(sig: tuple[int, ...]) -> bytes:
    """The low byte of every bin: what the store keeps to verify candidates (b-bit MinHash, b = 8).

    128 bytes instead of 512 keep the verification table small enough to stay cached next
    to the band index; two unrelated bins agree by chance once in 256, which similarity()
    corrects for (Li & König 2010).
    """
    return bytes(v & 0xFF for v in sig)


_CHANCE = 1 / 256


def similarity(a: tuple[int, ...] | bytes, b: tuple[int, ...] | bytes) -> float:
    """Estimated Jaccard similarity of two shingle sets, from their signatures or sketches."""
    a = a if isinstance(a, bytes) else sketch(a)
    b = b if isinstance(b, bytes) else sketch(b)
    if len(a) != len(b):
        raise ValueError("signatures of different lengths")
    equal = sum(map(operator.eq, a, b)) / BINS
    return max(0.0, (equal - _CHANCE) / (1 - _CHANCE))


def band_keys(sig: tuple[int, ...]) -> list[int]:
    """One key per band that fits SQLite's 4-byte integer: the band number in the top bits, a
    26-bit mix of its three rows below.

    The rows are MinHash values, uniform already, so shifting and XOR-ing them is as good a key
    as a cryptographic hash and four times cheaper. At 1M articles a probe's 42 keys meet ~0.6
    unrelated entries by key collision, fewer than chance band matches bring; candidate ranking
    and verification absorb both.
    """
    return [
        (band << 26 | ((sig[i] ^ (sig[i + 1] << 9) ^ (sig[i + 2] << 17)) & 0x3FFFFFF)) - 0x80000000
        for band, i in zip(range(BANDS), range(0, BANDS * ROWS, ROWS), strict=True)
    ]


# Version 4 stored full signatures (read by the version 5 migration).
def pack_signature(sig: tuple[int, ...]) -> bytes:
    return struct.pack(f"{BINS}I", *sig)


def unpack_signature(blob: bytes) -> tuple[int, ...]:
    return struct.unpack(f"{BINS}I", blob)


@dataclass(frozen=True, slots=True)
class Change:
    material: bool
    diff: str


def detect_change(old_title: str | None, old_body: str, new_title: str | None, new_body: str) -> Change:
    """Did the article change materially? Whitespace, counters, edit stamps and ads do not count."""
    if content_hash(old_title, old_body) == content_hash(new_title, new_body):
        return Change(False, "")
    old = [f"# {old_title or ''}", *[p for p in old_body.split("\n\n") if p.strip()]]
    new = [f"# {new_title or ''}", *[p for p in new_body.split("\n\n") if p.strip()]]
    diff = "\n".join(difflib.unified_diff(old, new, "before", "after", lineterm="", n=1))
    return Change(True, diff)
