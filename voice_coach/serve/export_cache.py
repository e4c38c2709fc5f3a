"""Exports made on demand, kept in a content-addressed cache beside the phrase cache.

An entry is a folder named by the variant's key, holding the audio, its cue sheet, its chapters and a note of
what it is. It is made in a temporary folder and renamed into place whole, so no reader ever sees half of one
(a stopped server leaves no temporary folder behind either). Requests for a variant being made wait for that
one render; at most ``workers`` renders run at once; the oldest entries go when the cache is over its size.

Renders wait in a queue by priority: what a person asked for (a tap on Play) goes first, then the
pre-renders a page asks for while the settings are typed, then the renders the feed starts in the background
(every routine's default export); a render someone then asks for more urgently moves up. Without that, a tap
could wait behind a dozen feed renders or half-typed values. A pre-render the page no longer wants is
``withdraw``-n: dropped from the queue, or stopped when under way, unless a tap or the feed wants it too.

A background render never makes room for itself: one that does not fit is dropped (and not tried again
while the cache is as full), and the feed's asking does not count as use. So a cache smaller than every
default export lists the same episodes on every fetch instead of evicting one default for another, and the
variants a person played are never pushed out by the feed's own.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Collection
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import voice_coach as vc
from voice_coach.serve.control import Control
from voice_coach.serve.variant import Variant

STAGING_PREFIX = ".tmp-"
"""A render's folder while it is made (the prefix of every temporary file of voice-coach); one left by a
crash is removed at start."""

log = logging.getLogger(__name__)
Render = Callable[[Variant, Path, Control], None]
"""Writes a variant's files into an empty folder, reporting its progress; stops early (any exception) once
``control()``."""
DEFAULT_MAX_BYTES = 1 << 30


def exports_folder(phrase_cache: Path) -> Path:
    """The export cache beside the phrase cache: ``exports`` next to ``phrases``, else ``NAME-exports``."""
    if phrase_cache.name == "phrases":
        return phrase_cache.with_name("exports")
    return phrase_cache.with_name(f"{phrase_cache.name}-exports")


class NoRoom(Exception):
    """A background render does not fit in the cache without evicting what is there."""


class CacheClosed(RuntimeError):
    """The cache is closing (the server stops): nothing more is made, and nobody waits for it."""


PLAY, PREPARE, FEED = 0, 1, 2
"""Queue priorities: a person waits for it; a page expects a tap on it; the feed will list it."""


@dataclass
class _Job:
    variant: Variant
    priority: int
    """The most urgent priority it was asked with."""
    feed: bool = False
    """The feed asked for it too (a withdrawn pre-render is then only moved back)."""
    future: Future[Path] = field(default_factory=Future)
    """Running once a render thread took it (``Future.running``)."""
    stopped: threading.Event = field(default_factory=threading.Event)
    """Withdrawn while under way: the render ends early."""
    control: Control | None = None
    """The running render's control (its progress)."""


class ExportCache:
    """Finished exports by variant key, and the renders queued or under way."""

    def __init__(
        self, folder: Path, render: Render, *, max_bytes: int = DEFAULT_MAX_BYTES, workers: int | None = None
    ) -> None:
        self.folder, self.render, self.max_bytes = folder, render, max_bytes
        self._workers = workers or vc.usable_cores()
        self._threads: list[threading.Thread] = []
        self._jobs: dict[str, _Job] = {}
        self._queue: list[tuple[int, int, str]] = []
        """(priority, arrival, key): a key may be in it twice once moved up; the later copy is skipped."""
        self._arrival = itertools.count()
        self._lock = threading.Lock()
        self._work_ready = threading.Condition(self._lock)
        self._closing = threading.Event()
        self._needs: dict[str, int] = {}
        """The size of each background render that did not fit, by key."""
        self._on_close: set[Callable[[], None]] = set()
        """What to call when the cache begins to close: wakes every ``wait``."""

    def entry(self, key: str, *, touch: bool = True) -> Path | None:
        """The finished entry with this key (marked as just used when ``touch``), or None."""
        path = self.folder / key
        try:
            if touch:
                os.utime(path)
            elif not path.is_dir():
                return None
        except OSError:
            return None
        return path

    def get(self, variant: Variant, *, background: bool = False, prepare: bool = False) -> Future[Path]:
        """The entry of ``variant``: at once when it is kept, else when its one render is done. A
        ``prepare`` render (a page expects a tap) waits behind those a person waits for, a ``background``
        one (the feed's) behind both."""
        key = variant.key
        priority = FEED if background else PREPARE if prepare else PLAY
        with self._lock:
            if (found := self.entry(key, touch=not background)) is not None:
                return _settled(found)
            if self._closing.is_set():
                raise CacheClosed("the export cache is closed")
            if background and self._needs.get(key, 0) + self._total() > self.max_bytes:
                return _settled(NoRoom(key))
            job = self._jobs.get(key)
            if job is None or job.future.cancelled() or job.stopped.is_set():
                job = self._jobs[key] = _Job(variant, priority)
            elif job.future.running() or priority >= job.priority:
                job.feed |= background
                return job.future
            job.feed |= background
            self._enqueue(job, priority)
        return job.future

    def control(self, key: str) -> Control | None:
        """The control of the render of ``key`` under way, or None."""
        with self._lock:
            job = self._jobs.get(key)
        return job.control if job is not None else None

    def progress(self, key: str) -> float | None:
        """How far the export with this key is made: 1 when kept, 0 while queued, None when nobody asked."""
        if self.entry(key, touch=False) is not None:
            return 1.0
        with self._lock:
            job = self._jobs.get(key)
        if job is None or job.future.done():
            return None
        return job.control.done if job.control is not None else 0.0

    def withdraw(self, key: str) -> None:
        """The page that asked to prepare ``key`` moved on: drop its render (stop it when under way),
        unless a person or the feed wants it too."""
        with self._lock:
            job = self._jobs.get(key)
            if job is None or job.priority != PREPARE:
                return
            if job.feed and not job.future.running():
                self._enqueue(job, FEED)
            elif job.feed:
                job.priority = FEED
            elif job.future.running():
                job.stopped.set()
            elif job.future.cancel():
                del self._jobs[key]

    def _enqueue(self, job: _Job, priority: int) -> None:
        """Queue ``job`` at ``priority`` (a copy queued before at another priority is skipped)."""
        job.priority = priority
        heapq.heappush(self._queue, (priority, next(self._arrival), job.variant.key))
        if len(self._threads) < self._workers:
            thread = threading.Thread(target=self._work, name="render", daemon=True)
            self._threads.append(thread)
            thread.start()
        self._work_ready.notify()

    async def wait(self, asked: Future[Path]) -> Path:
        """The entry ``get`` promised, for a coroutine; ``CacheClosed`` as soon as the cache begins to close,
        without waiting for a render under way to wind down (so a stopping server ends its requests at
        once)."""
        loop = asyncio.get_running_loop()
        closing: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            loop.call_soon_threadsafe(_settle, closing)

        made: asyncio.Future[Path] = asyncio.wrap_future(asked)
        with self._lock:
            self._on_close.add(wake)
        try:
            await asyncio.wait([made, closing], return_when=asyncio.FIRST_COMPLETED)  # type: ignore[type-var]
        finally:
            with self._lock:
                self._on_close.discard(wake)
            closing.cancel()
        if made.done() and not made.cancelled():
            return made.result()
        made.cancel()  # detached from the render, which may finish after the event loop is gone
        raise CacheClosed("the export cache is closed")

    def recent(self, count: int, skip: Collection[str] = ()) -> list[Path]:
        """The ``count`` entries used last, newest first, but those whose key is in ``skip``."""
        entries = [entry for entry in self._entries() if entry.name not in skip]
        return sorted(entries, key=_used, reverse=True)[:count]

    def stop(self) -> None:
        """Begin closing, without waiting: renders under way are told to end, queued ones never start,
        and every ``wait`` raises ``CacheClosed`` at once."""
        with self._lock:
            self._closing.set()
            queued = [job for job in self._jobs.values() if not job.future.running()]
            waiting = list(self._on_close)
            self._work_ready.notify_all()
        for job in queued:
            job.future.cancel()
        for wake in waiting:
            wake()

    def close(self) -> None:
        """Stop, and wait for the renders under way to end; no temporary folder is left."""
        self.stop()
        for thread in self._threads:
            thread.join()
        for stray in self.folder.glob(f"{STAGING_PREFIX}*"):
            shutil.rmtree(stray, ignore_errors=True)

    def _work(self) -> None:
        """A render thread: the most urgent queued job, until the cache closes."""
        while (job := self._next_job()) is not None:
            try:
                made = self._make(job)
            except BaseException as error:  # the waiting request reports it; the server goes on
                self._done(job)
                job.future.set_exception(error)
            else:
                self._done(job)
                job.future.set_result(made)

    def _next_job(self) -> _Job | None:
        with self._lock:
            while not self._closing.is_set():
                if not self._queue:
                    self._work_ready.wait()
                    continue
                priority, _, key = heapq.heappop(self._queue)
                job = self._jobs.get(key)
                if job is None or job.future.running() or priority != job.priority:
                    continue  # the copy of a job that moved up or back
                if not job.future.set_running_or_notify_cancel():
                    del self._jobs[key]  # everyone who waited for it gave up before it started
                    continue
                return job
            return None

    def _done(self, job: _Job) -> None:
        """Forget a finished job first, so a failed one is tried again by the next request."""
        with self._lock:
            if self._jobs.get(job.variant.key) is job:  # not a new one for a render that was stopped
                del self._jobs[job.variant.key]

    def _make(self, job: _Job) -> Path:
        variant = job.variant
        target = self.folder / variant.key
        self.folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=self.folder, prefix=STAGING_PREFIX))
        try:
            job.control = Control(lambda: self._closing.is_set() or job.stopped.is_set(), staging)
            self.render(variant, staging, job.control)
            staging.rename(target)
        except OSError:
            if not target.is_dir():  # another server made it meanwhile: theirs is as good
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        if job.priority == FEED and self._total() > self.max_bytes:
            with self._lock:
                self._needs[variant.key] = _size(target)
            shutil.rmtree(target, ignore_errors=True)
            raise NoRoom(variant.key)
        self._evict(keep=target)
        return target

    def _entries(self) -> list[Path]:
        try:
            return [p for p in self.folder.iterdir() if p.is_dir() and not p.name.startswith(STAGING_PREFIX)]
        except OSError:
            return []

    def _total(self) -> int:
        return sum(_size(entry) for entry in self._entries())

    def _evict(self, keep: Path) -> None:
        """Remove the entries used longest ago until the cache fits (never ``keep``, the newest)."""
        entries = sorted(self._entries(), key=_used)
        sizes = {entry: _size(entry) for entry in entries}
        total = sum(sizes.values())
        for entry in entries:
            if total <= self.max_bytes:
                break
            if entry != keep:
                shutil.rmtree(entry, ignore_errors=True)
                total -= sizes[entry]
                log.info("export cache: removed %s", entry.name)


def _settled(outcome: Path | Exception) -> Future[Path]:
    """A future already done: with the entry, or failed."""
    done: Future[Path] = Future()
    if isinstance(outcome, Exception):
        done.set_exception(outcome)
    else:
        done.set_result(outcome)
    return done


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _used(entry: Path) -> float:
    try:
        return entry.stat().st_mtime
    except OSError:
        return 0.0


def _size(entry: Path) -> int:
    try:
        return sum(f.stat().st_size for f in entry.iterdir())
    except OSError:
        return 0
