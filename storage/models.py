"""The records that cross the storage boundary, and the one stored form of time.

The application hands storage these frozen values and gets them back; nothing above storage
sees a row dict or a time string. Times go in as aware `datetime`s and are stored as UTC ISO
8601 strings of one fixed width, so they sort as text.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from scrapers.models import Article, DiscoveredLink

# The longest value stored for each article field, in characters. A hostile page (a 1 MB
# <title>) is cut here, once, so every reader and alert format sees bounded values.
FIELD_CAPS = {
    "title": 500,
    "subtitle": 1000,
    "byline": 200,
    "site_name": 200,
    "canonical_url": 2000,
    "body": 500_000,
}
SNIPPET_CAP = 300  # each matched snippet


def capped_article(article: Article) -> Article:
    """The article with every field within FIELD_CAPS (unchanged when it already is)."""
    changes = {
        name: value[:cap]
        for name, cap in FIELD_CAPS.items()
        if isinstance(value := getattr(article, name, None), str) and len(value) > cap
    }
    return dataclasses.replace(article, **changes) if changes else article


SaveStatus = Literal["new", "alias", "changed", "unchanged", "seen"]
# held: waiting for its notifier's next digest; digested: carried by the digest row digest_id.
OutboxStatus = Literal["pending", "sent", "failed", "held", "digested"]


def to_db_time(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """One topic an article matched, as stored: the terms found and a snippet around each."""

    topic: str
    terms: tuple[str, ...]
    snippets: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BidClaim:
    """One sentence's statement that a bidder reached a stage of a program (the bid board)."""

    program: str
    bidder: str
    stage: str
    evidence: str  # the sentence
    stated: str | None = None  # "YYYY-MM" or "YYYY-MM-DD" when the text dates the stage itself


@dataclass(frozen=True, slots=True)
class StoredClaim:
    """A stored claim with what the board needs of its article."""

    program: str
    bidder: str
    stage: str
    evidence: str
    stated: str | None
    article_id: int
    url: str
    title: str | None
    outlet: str
    reported: str  # "YYYY-MM-DD": the article's publish date, else when it was first seen


@dataclass(frozen=True, slots=True)
class PairCounts:
    """How much is said of one (program, bidder): articles and outlets with a claim, and the
    latest report date."""

    articles: int
    outlets: int
    last_mention: str


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One bidder's bid for one program: its current stage and since when, with evidence."""

    program: str
    bidder: str
    stage: str
    since: str  # "YYYY-MM" or "YYYY-MM-DD": the first report (or stated date) of this stage
    evidence: str
    article_id: int
    url: str
    title: str | None
    outlet: str
    articles: int
    outlets: int
    last_mention: str


@dataclass(frozen=True, slots=True)
class BoardChange:
    """A bidder moved to another stage of a program (from None: its first appearance)."""

    program: str
    bidder: str
    from_stage: str | None
    to_stage: str
    row: BoardRow


@dataclass(frozen=True)
class ArticleInput:
    """One extracted article as the pipeline hands it to storage."""

    canonical_url: str
    url: str
    source: str
    article: Article
    matches: tuple[MatchRecord, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    aliases: tuple[str, ...] = ()
    claims: tuple[BidClaim, ...] = ()  # the bid board's claims, written in the same transaction
    # The MinHash of title + body (`dedup.signature`), when the pipeline computed it off the
    # event loop; None: storage computes it. Dropped when a field cap changes the text.
    signature: tuple[int, ...] | None = None
    body_hash: str | None = None  # `dedup.body_hash` of the body, likewise (None: storage computes it)

    @property
    def urls(self) -> list[str]:
        """Every URL that led to this article, canonical first, without repeats."""
        return list(dict.fromkeys([self.canonical_url, self.url, *self.aliases]))

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(m.topic for m in self.matches)

    def match(self, topic: str) -> MatchRecord:
        return next((m for m in self.matches if m.topic == topic), MatchRecord(topic, ()))


@dataclass(frozen=True, kw_only=True)
class SaveResult:
    status: SaveStatus
    article_id: int | None = None
    story_id: int | None = None
    new_story: bool = False
    version: int = 1
    diff: str | None = None
    topics: tuple[str, ...] = ()
    story_new_topics: tuple[str, ...] = ()  # topics this story matches for the first time
    joined_story: bool = False  # a further outlet joined an existing story


@dataclass(frozen=True, slots=True)
class AlertFacts:
    """What storage knows, inside the article's transaction, that alert planning needs."""

    disabled_webhooks: frozenset[str] = frozenset()
    article_alerted: bool = False  # an alert for this article or its story's announcement was queued
    board_changes: tuple[BoardChange, ...] = ()  # the bid board rows this save moved


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One planned delivery: written with its article, sent at least once under `msg_id`."""

    msg_id: str
    dedup_key: str  # one row per key: the same event is never queued twice
    webhook: str
    event: str
    topic: str | None
    payload: dict
    status: OutboxStatus = "pending"  # "held" for a notifier that sends digests


@dataclass(frozen=True, slots=True)
class Delivery:
    """An outbox row as read back for delivery or listing."""

    id: int
    msg_id: str
    webhook: str
    event: str
    topic: str | None
    payload: dict
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None = None
    sent_at: datetime | None = None
    article_url: str | None = None
    story_id: int | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DigestState:
    """The last digest planned for a notifier: its schedule slot and when it was cut."""

    last_slot: datetime
    last_cut: datetime


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """What was seen at one URL: status, validators, and whether it became a (matched) article."""

    url: str
    status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    checked_at: datetime | None = None
    article_id: int | None = None
    matched: bool = False
    error_kind: str | None = None
    first_seen: datetime | None = None
    listed_at: datetime | None = None
    hint_updated: datetime | None = None  # what the source last said of the link's edit time


@dataclass(frozen=True, kw_only=True)
class SourceState:
    """A source's health as stored between crawls (the `sources` table)."""

    name: str
    kind: str | None = None
    url: str | None = None
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_kind: str | None = None
    last_error_at: datetime | None = None
    consecutive_failures: int = 0
    health: str = "ok"
    health_reason: str | None = None
    next_due: datetime | None = None
    last_new_link_at: datetime | None = None
    runs: int = 0
    avg_body_chars: float | None = None
    dated_share: float | None = None
    quality_failures: int = 0
    sample_page: str | None = None


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """A feed, listing, sitemap (or child) or API answer as last fetched: its validators and links."""

    url: str
    source: str | None
    etag: str | None
    last_modified: str | None
    checked_at: datetime
    changed_at: datetime  # the last 200
    bytes: int = 0
    links: tuple[DiscoveredLink, ...] = ()
    children: tuple[str, ...] = ()  # a sitemap index's child sitemaps


@dataclass(frozen=True, slots=True)
class RobotsRecord:
    """A robots.txt as fetched: status (200, or the 4xx that means allow-all) and body."""

    origin: str
    status: int
    body: bytes
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class KeptArticle:
    """An unmatched article kept for re-matching (title and body stored compressed)."""

    url: str
    canonical_url: str
    source: str | None
    article: Article
    seen_at: datetime


@dataclass(frozen=True, slots=True)
class RecheckRow:
    """A stored link's recheck facts, for `monitor show` and `monitor status`."""

    url: str
    source: str | None
    article_id: int | None
    title_source: str | None
    first_seen: datetime | None
    checked_at: datetime | None
    listed_at: datetime | None
    hint_updated: datetime | None
