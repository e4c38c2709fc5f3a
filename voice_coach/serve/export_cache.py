"""Exports made on demand, kept in a content-addressed cache beside the phrase cache.

An entry is a folder named by the variant's key, holding the audio, its cue sheet, its chapters and a note of
what it is. It is made in a temporary folder and renamed into place whole, so no reader ever sees half of one
(a stopped server leaves no temporary folder behind either). Requests for a variant being made wait for that
one render; at most ``workers`` renders run at once; the oldest entries go when the cache is over its size.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from voice_coach.cpu import usable_cores
from voice_coach.files import TEMP_PREFIX
from voice_coach.serve.variant import Variant

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


class ExportCache:
    """Finished exports by variant key, and the renders under way."""

    def __init__(
        self, folder: Path, render: Render, *, max_bytes: int = DEFAULT_MAX_BYTES, workers: int | None = None
    ) -> None:
        self.folder, self.render, self.max_bytes = folder, render, max_bytes
        self._pool = ThreadPoolExecutor(max_workers=workers or usable_cores(), thread_name_prefix="render")
        self._running: dict[str, Future[Path]] = {}
        self._lock = threading.Lock()
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

    def get(self, variant: Variant) -> Future[Path]:
        """The entry of ``variant``: at once when it is kept, else when its one render is done."""
        key = variant.key
        with self._lock:
            if (found := self.entry(key)) is not None:
                done: Future[Path] = Future()
                done.set_result(found)
                return done
            if (running := self._running.get(key)) is not None:
                return running
            if self._closing.is_set():
                raise RuntimeError("the export cache is closed")
            running = self._running[key] = self._pool.submit(self._make, variant)
        running.add_done_callback(lambda finished: self._forget(key, finished))  # may run at once: unlocked
        return running

    async def wait(self, variant: Variant) -> Path:
        """``get`` for a coroutine."""
        return await asyncio.wrap_future(self.get(variant))

    def recent(self, count: int) -> list[Path]:
        """The ``count`` entries used last, newest first."""
        return sorted(self._entries(), key=_used, reverse=True)[:count]

    def close(self) -> None:
        """Stop: renders under way end early, queued ones never start; no temporary folder is left."""
        self._closing.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        for stray in self.folder.glob(f"{TEMP_PREFIX}*"):
            shutil.rmtree(stray, ignore_errors=True)

    def _make(self, variant: Variant) -> Path:
        target = self.folder / variant.key
        self.folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=self.folder, prefix=TEMP_PREFIX))
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

    def _forget(self, key: str, finished: Future[Path]) -> None:
        with self._lock:
            if self._running.get(key) is finished:
                del self._running[key]

    def _entries(self) -> list[Path]:
        try:
            return [p for p in self.folder.iterdir() if p.is_dir() and not p.name.startswith(TEMP_PREFIX)]
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
