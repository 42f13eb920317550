"""Page work off the event loop: extraction, topic matching and the dedup signature of a page.

`[fetch] workers` processes do it (`"auto"`: one per core; 0: in the event loop's process, as
before). They get the raw bytes and give back frozen values; every database write stays with
the one writer on the event loop, so the transactions, their order and the kill -9 guarantees
are those of the in-process path.

A page costs at most itself: a worker has one page at a time, so a worker that dies (a crash in
a C parser, an OOM kill) died of that page, and a page whose work runs past `deadline` seconds
is an error at once, its worker killed (a process cannot be interrupted any other way); either
way the page is recorded as an error and a new worker takes the pages after.

Workers start from a fork server that has imported this module (and so the parsers) once:
forking the crawler itself would copy its threads and its open SQLite connection.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import struct
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection

from scrapers.errors import ExtractionError
from scrapers.extract import extract_article
from scrapers.models import Article, Hints
from storage.dedup import body_hash, signature
from storage.models import BidClaim

from .board.claims import article_claims
from .board.programs import Program
from .topics import Topic, TopicMatch, match_topics

log = logging.getLogger(__name__)

DEADLINE = 30.0  # seconds of work for one page before its worker is killed
# Pages fetched and waiting for a worker, per worker, before new fetches wait: without it a
# daemon with hundreds of sources holds thousands of fetched pages in memory when the CPU is
# the bottleneck.
BACKLOG_PER_WORKER = 8


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
    body_hash: str | None = None  # of a page with a body (the fetch log keeps it for every page)


@dataclass(frozen=True)
class PageFailure:
    """An extraction error, as a value: our exceptions take keyword arguments, which pickle drops."""

    message: str


def process_page(job: PageJob) -> PageResult:
    """Pure: the article on a page, the topics it matches, its bid-board claims, and its MinHash
    and body hash when it is kept (the writer's only CPU work left is SQLite's)."""
    article = extract_article(
        job.content, url=job.url, content_type=job.content_type, profile=job.profile, hints=job.hints
    )
    matches = tuple(match_topics(job.topics, article.title, article.body))
    has_body = bool(article.body.strip())
    keep = (matches or job.keep_unmatched) and has_body
    sig = signature(f"{article.title or ''}\n{article.body}") if keep else None
    claims = article_claims(job.programs, article) if has_body else ()
    return PageResult(article, matches, sig, claims, body_hash(article.body) if has_body else None)


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
    """Run page jobs in worker processes (or in-process when `workers` is 0).

    Each worker has its own socket and one page at a time, fed and read by the event loop itself
    (no executor threads contending with it for the GIL): a worker that dies or hangs had
    exactly that page in flight, so the page is the error and the worker is replaced.
    """

    def __init__(self, workers: int, *, deadline: float = DEADLINE, task: Task = run_job):
        self.workers, self.deadline, self._task = workers, deadline, task
        self.crashes = 0  # workers replaced after they died or hung on a page
        self._ctx = multiprocessing.get_context("forkserver") if workers else None
        if self._ctx is not None:
            self._ctx.set_forkserver_preload([__name__, task.__module__])
        self._all: set[_Worker] = set()  # idle or busy
        self._idle: list[_Worker] = [self._start() for _ in range(workers)]
        self._waiting: deque[asyncio.Future[_Worker]] = deque()
        self._room: deque[asyncio.Future[None]] = deque()  # fetches waiting for the backlog to shrink
        self._closed = False

    def _start(self) -> _Worker:
        assert self._ctx is not None
        ours, theirs = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(target=_serve, args=(theirs, self._task), daemon=True, name="page-worker")
        proc.start()
        theirs.close()
        worker = _Worker(proc, _socket_of(ours))
        self._all.add(worker)
        return worker

    async def room(self) -> None:
        """Wait (before fetching a page) while the pages fetched and not yet handed to a worker
        are `BACKLOG_PER_WORKER` per worker."""
        while self.workers and len(self._waiting) >= BACKLOG_PER_WORKER * self.workers:
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._room.append(fut)
            await fut

    async def process(self, job: PageJob) -> PageResult:
        """The page's result; ExtractionError when there is no article, or its worker died or hung."""
        if not self.workers:
            return _unwrap(self._task(job))
        if self._closed:
            raise ExtractionError("the page pool is closed")
        worker = await self._acquire()
        try:
            data = pickle.dumps(job, pickle.HIGHEST_PROTOCOL)  # only now: a waiting copy costs memory
            try:
                await asyncio.wait_for(worker.send(data), self.deadline)
            except OSError:  # it died while idle (an OOM kill): not this page's doing
                worker = self._replace(worker)
                await asyncio.wait_for(worker.send(data), self.deadline)
            reply = await asyncio.wait_for(worker.receive(), self.deadline)
        except TimeoutError:
            worker = self._replace(worker)
            raise ExtractionError(f"page work ran past its {self.deadline:g}s deadline") from None
        except (EOFError, OSError):
            worker = self._replace(worker)
            raise ExtractionError("page work killed its worker process") from None
        except BaseException:  # cancelled mid-page: its reply would reach the next page
            worker = self._replace(worker, crashed=False)
            raise
        finally:
            self._release(worker)
        try:
            outcome = pickle.loads(reply)
        except Exception as exc:  # an exception whose class cannot be rebuilt from its pickle
            raise ExtractionError(f"page work failed with an unreadable error: {exc}") from None
        if isinstance(outcome, BaseException):
            raise outcome  # a bug in the page work: the pipeline records it against this page
        return _unwrap(outcome)

    async def _acquire(self) -> _Worker:
        if self._idle:
            return self._idle.pop()
        waiter: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():  # handed a worker, then cancelled
                self._release(waiter.result())
            elif waiter in self._waiting:
                self._waiting.remove(waiter)
                self._wake_room()
            raise

    def _wake_room(self) -> None:
        """The backlog shrank: every fetch waiting for room looks again (a fetch woken alone may
        never come to a worker, a 304 or a failed fetch, and would strand the others)."""
        while self._room:
            fut = self._room.popleft()
            if not fut.done():
                fut.set_result(None)

    def _release(self, worker: _Worker) -> None:
        if self._closed:
            worker.stop(kill=True)
            return
        self._wake_room()
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():  # a waiter cancelled meanwhile is skipped
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    def _replace(self, worker: _Worker, *, crashed: bool = True) -> _Worker:
        if self._closed:  # no new worker for a pool being closed
            worker.stop(kill=True)
            return worker
        if crashed:
            self.crashes += 1
            log.warning("page worker died or hung: starting another")
        worker.stop(kill=True)
        self._all.discard(worker)
        return self._start()

    def close(self) -> None:
        """Stop the workers: idle ones read the end of their socket and exit, busy ones are
        killed (their pages end as errors if a loop still awaits them); waiters are cancelled."""
        self._closed = True
        idle = {id(w) for w in self._idle}
        for worker in self._all:
            worker.stop(kill=id(worker) not in idle)
        for fut in (*self._waiting, *self._room):
            fut.cancel()
        self._all, self._idle = set(), []
        self._waiting.clear()
        self._room.clear()

    def __enter__(self) -> PagePool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass(eq=False)
class _Worker:
    """A worker process and the pool's end of its socket, non-blocking: a job of a few hundred
    kilobytes does not fit the socket's buffer, and a blocking write would stop the event loop
    until the worker had read it."""

    proc: multiprocessing.process.BaseProcess
    sock: socket.socket

    async def send(self, data: bytes) -> None:
        # the framing of multiprocessing's Connection, which the worker reads with
        await asyncio.get_running_loop().sock_sendall(self.sock, _HEADER.pack(len(data)) + data)

    async def receive(self) -> bytes:
        """One message (EOFError when the worker died)."""
        (size,) = _HEADER.unpack(await self._exactly(_HEADER.size))
        return await self._exactly(size)

    async def _exactly(self, size: int) -> bytes:
        loop = asyncio.get_running_loop()
        buf = bytearray(size)
        view, got = memoryview(buf), 0
        while got < size:
            n = await loop.sock_recv_into(self.sock, view[got:])
            if not n:
                raise EOFError("the worker closed its end")
            got += n
        return bytes(buf)

    def stop(self, *, kill: bool) -> None:
        if kill:
            self.proc.kill()
        self.sock.close()  # an idle worker reads the end of its socket and exits
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()


_HEADER = struct.Struct("!i")  # multiprocessing.connection's length prefix (messages < 2 GiB)


def _socket_of(conn: Connection) -> socket.socket:
    sock = socket.socket(fileno=os.dup(conn.fileno()))
    conn.close()
    sock.setblocking(False)
    return sock


def _serve(conn: Connection, task: Task) -> None:
    """A worker's life: a job in, its outcome out, until the pool closes the socket."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawler's to handle
    while True:
        try:
            job = pickle.loads(conn.recv_bytes())
        except EOFError:
            return
        try:
            outcome: object = task(job)
        except Exception as exc:
            outcome = exc
        try:
            data = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an exception that cannot travel: its text does
            data = pickle.dumps(RuntimeError(f"{type(outcome).__name__}: {exc}"))
        conn.send_bytes(data)


def _unwrap(outcome: PageResult | PageFailure) -> PageResult:
    if isinstance(outcome, PageFailure):
        raise ExtractionError(outcome.message)
    return outcome
