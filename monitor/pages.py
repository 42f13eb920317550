"""Page work off the event loop: extraction, topic matching and the dedup signature of a page.

`[fetch] workers` processes do it (`"auto"`: one per core; 0: in the event loop's process, as
before). They get the raw bytes and give back frozen values; every database write stays with
the one writer on the event loop, so the transactions, their order and the kill -9 guarantees
are those of the in-process path.

A page costs at most itself: a worker that dies on a page (a crash in a C parser, an OOM kill)
breaks the whole `ProcessPoolExecutor`, so every page then in flight is retried alone in a
one-process quarantine pool, where a second death can only be that page's; a page whose work
runs past `deadline` seconds is an error at once, and its worker is killed (a process cannot be
interrupted any other way). The broken pool is replaced by a new one for the pages after.

Workers start from a fork server that has imported this module (and so the parsers) once:
forking the crawler itself would copy its threads and its open SQLite connection.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from scrapers.errors import ExtractionError
from scrapers.extract import extract_article
from scrapers.models import Article, Hints
from storage.dedup import signature
from storage.models import BidClaim

from .board.claims import article_claims
from .board.programs import Program
from .topics import Topic, TopicMatch, match_topics

log = logging.getLogger(__name__)

DEADLINE = 30.0  # seconds of work for one page before its worker is killed


@dataclass(frozen=True)
class PageJob:
    content: bytes
    url: str
    content_type: str | None
    profile: str | None
    hints: Hints | None
    topics: tuple[Topic, ...]
    keep_unmatched: bool = False  # an unmatched article is stored too, so it needs a signature
    programs: tuple[Program, ...] = ()  # the bid board's programs, for the article's claims


@dataclass(frozen=True)
class PageResult:
    article: Article
    matches: tuple[TopicMatch, ...]
    signature: tuple[int, ...] | None  # None where nothing will be stored with it
    claims: tuple[BidClaim, ...] = ()


@dataclass(frozen=True)
class PageFailure:
    """An extraction error, as a value: our exceptions take keyword arguments, which pickle drops."""

    message: str


def process_page(job: PageJob) -> PageResult:
    """Pure: the article on a page, the topics it matches, its bid-board claims, and its MinHash
    when it is kept."""
    article = extract_article(
        job.content, url=job.url, content_type=job.content_type, profile=job.profile, hints=job.hints
    )
    matches = tuple(match_topics(job.topics, article.title, article.body))
    keep = (matches or job.keep_unmatched) and article.body.strip()
    sig = signature(f"{article.title or ''}\n{article.body}") if keep else None
    claims = article_claims(job.programs, article) if article.body.strip() else ()
    return PageResult(article, matches, sig, claims)


def run_job(job: PageJob) -> PageResult | PageFailure:
    """What a worker runs (module level, so a worker can import it)."""
    try:
        return process_page(job)
    except ExtractionError as exc:
        return PageFailure(str(exc))


Task = Callable[[PageJob], "PageResult | PageFailure"]


def worker_count(setting: int | str) -> int:
    """`[fetch] workers`: "auto" is the cores this process may use."""
    if setting == "auto":
        try:
            return len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover - not Linux
            return os.cpu_count() or 1
    return int(setting)


class PagePool:
    """Run page jobs in worker processes (or in-process when `workers` is 0)."""

    def __init__(self, workers: int, *, deadline: float = DEADLINE, task: Task = run_job):
        self.workers, self.deadline, self._task = workers, deadline, task
        self.crashes = 0  # pools replaced after a worker died or hung
        self._ctx = multiprocessing.get_context("forkserver") if workers else None
        if self._ctx is not None:
            self._ctx.set_forkserver_preload([__name__, task.__module__])
        self._pool: ProcessPoolExecutor | None = self._new(workers) if workers else None
        self._quarantine: ProcessPoolExecutor | None = None
        self._alone = asyncio.Lock()

    def _new(self, n: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=n, mp_context=self._ctx)

    async def process(self, job: PageJob) -> PageResult:
        """The page's result; ExtractionError when there is no article, or its worker died or hung."""
        if self._pool is None:
            return _unwrap(self._task(job))
        pool = self._pool
        try:
            return _unwrap(await self._run(pool, job))
        except TimeoutError:
            self._replace(pool)
            raise ExtractionError(f"page work ran past its {self.deadline:g}s deadline") from None
        except BrokenProcessPool:
            self._replace(pool)
        # A worker died with this page in flight: this page, or another one, killed it.
        async with self._alone:
            if self._quarantine is None:
                self._quarantine = self._new(1)
            alone = self._quarantine
            try:
                return _unwrap(await self._run(alone, job))
            except (TimeoutError, BrokenProcessPool) as exc:
                _kill(alone)
                self._quarantine = None
                why = (
                    "ran past its deadline" if isinstance(exc, TimeoutError) else "killed its worker process"
                )
                raise ExtractionError(f"page work {why}") from None

    async def _run(self, pool: Executor, job: PageJob) -> PageResult | PageFailure:
        future = pool.submit(self._task, job)
        return await asyncio.wait_for(asyncio.wrap_future(future), self.deadline)

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """Kill a broken or hung pool and start another (once, however many pages saw it break)."""
        if self._pool is not broken:
            return
        self.crashes += 1
        log.warning("page worker died or hung: restarting the pool of %d", self.workers)
        _kill(broken)
        self._pool = self._new(self.workers)

    def close(self) -> None:
        for pool in (self._pool, self._quarantine):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._quarantine = None

    def __enter__(self) -> PagePool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _unwrap(outcome: PageResult | PageFailure) -> PageResult:
    if isinstance(outcome, PageFailure):
        raise ExtractionError(outcome.message)
    return outcome


def _kill(pool: ProcessPoolExecutor) -> None:
    # A hung worker never returns, and shutdown() would wait for it; Python 3.14 has
    # kill_workers(), before that the processes are only reachable as `_processes`.
    kill = getattr(pool, "kill_workers", None)
    if kill is not None:
        kill()
    else:
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.kill()
    pool.shutdown(wait=False, cancel_futures=True)
