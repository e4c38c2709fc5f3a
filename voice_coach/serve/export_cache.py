"""Exports made on demand, kept in a content-addressed cache beside the phrase cache.

An entry is a folder named by the variant's key, holding the audio, its cue sheet, its chapters and a note of
what it is. It is made in a temporary folder and renamed into place whole, so no reader ever sees half of one
(a stopped server leaves no temporary folder behind either). Requests for a variant being made wait for that
one render; at most ``workers`` renders run at once; the oldest entries go when the cache is over its size.

Renders wait in a queue by priority: what a person asked for (a tap on Play) goes before the renders the
feed starts in the background (every routine's default export), and a background render someone then asks
for moves up; without that, a tap could wait behind a dozen feed renders.
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
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import voice_coach as vc
from voice_coach.serve.variant import Variant

STAGING_PREFIX = ".tmp-"
"""A render's folder while it is made (the prefix of every temporary file of voice-coach); one left by a
crash is removed at start."""

log = logging.getLogger(__name__)
Cancelled = Callable[[], bool]
Render = Callable[[Variant, Path, Cancelled], None]
"""Writes a variant's files into an empty folder; stops early (any exception) once ``cancelled()``."""
DEFAULT_MAX_BYTES = 1 << 30


def exports_folder(phrase_cache: Path) -> Path:
    """The export cache beside the phrase cache: ``exports`` next to ``phrases``, else ``NAME-exports``."""
    if phrase_cache.name == "phrases":
        return phrase_cache.with_name("exports")
    return phrase_cache.with_name(f"{phrase_cache.name}-exports")


URGENT, BACKGROUND = 0, 1
"""Queue priorities: a person waits for it; nobody does yet."""


@dataclass
class _Job:
    variant: Variant
    future: Future[Path] = field(default_factory=Future)
    """Running once a render thread took it (``Future.running``)."""


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

    def get(self, variant: Variant, *, background: bool = False) -> Future[Path]:
        """The entry of ``variant``: at once when it is kept, else when its one render is done. A
        ``background`` render waits behind every one a person asked for."""
        key = variant.key
        priority = BACKGROUND if background else URGENT
        with self._lock:
            if (found := self.entry(key)) is not None:
                done: Future[Path] = Future()
                done.set_result(found)
                return done
            if self._closing.is_set():
                raise RuntimeError("the export cache is closed")
            if (job := self._jobs.get(key)) is None or job.future.cancelled():
                job = self._jobs[key] = _Job(variant)
            elif job.future.running() or background:
                return job.future
            heapq.heappush(self._queue, (priority, next(self._arrival), key))
            if len(self._threads) < self._workers:
                thread = threading.Thread(target=self._work, name="render", daemon=True)
                self._threads.append(thread)
                thread.start()
            self._work_ready.notify()
        return job.future

    async def wait(self, variant: Variant) -> Path:
        """``get`` for a coroutine."""
        return await asyncio.wrap_future(self.get(variant))

    def recent(self, count: int) -> list[Path]:
        """The ``count`` entries used last, newest first."""
        return sorted(self._entries(), key=_used, reverse=True)[:count]

    def close(self) -> None:
        """Stop: renders under way end early, queued ones never start; no temporary folder is left."""
        with self._lock:
            self._closing.set()
            queued = [job for job in self._jobs.values() if not job.future.running()]
            self._work_ready.notify_all()
        for job in queued:
            job.future.cancel()
        for thread in self._threads:
            thread.join()
        for stray in self.folder.glob(f"{STAGING_PREFIX}*"):
            shutil.rmtree(stray, ignore_errors=True)

    def _work(self) -> None:
        """A render thread: the most urgent queued job, until the cache closes."""
        while (job := self._next_job()) is not None:
            try:
                made = self._make(job.variant)
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
                _, _, key = heapq.heappop(self._queue)
                job = self._jobs.get(key)
                if job is None or job.future.running():
                    continue  # the older copy of a job that moved up
                if not job.future.set_running_or_notify_cancel():
                    del self._jobs[key]  # everyone who waited for it gave up before it started
                    continue
                return job
            return None

    def _done(self, job: _Job) -> None:
        """Forget a finished job first, so a failed one is tried again by the next request."""
        with self._lock:
            self._jobs.pop(job.variant.key, None)

    def _make(self, variant: Variant) -> Path:
        target = self.folder / variant.key
        self.folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=self.folder, prefix=STAGING_PREFIX))
        try:
            self.render(variant, staging, self._closing.is_set)
            staging.rename(target)
        except OSError:
            if not target.is_dir():  # another server made it meanwhile: theirs is as good
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self._evict(keep=target)
        return target

    def _entries(self) -> list[Path]:
        try:
            return [p for p in self.folder.iterdir() if p.is_dir() and not p.name.startswith(STAGING_PREFIX)]
        except OSError:
            return []

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
