"""Phrases → audio: each distinct phrase looked up in the cache, the missing ones synthesized in parallel.

Workers are separate processes (one per core, see ``worker``) that each re-create the engine from the
picklable ``EngineSettings`` and speak one phrase at a time. They are fresh interpreters, not
``multiprocessing`` children, so a user's script needs no ``if __name__ == "__main__":`` guard. A phrase
that takes longer than ``timeout`` seconds stops the run with a ``SynthesisError`` naming it, and the
workers are stopped: a hung engine cannot hang the program. Workers also end when this process does,
however it ends (see ``worker``).
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from voice_coach.audio.clip import Clip
from voice_coach.cpu import usable_cores
from voice_coach.errors import SynthesisError
from voice_coach.files import process_alive
from voice_coach.speech.engines import Engine, EngineSettings, get_engine
from voice_coach.speech.engines.base import require_text
from voice_coach.speech.lexicon import spoken
from voice_coach.speech.phrase_cache import PhraseCache, phrase_key
from voice_coach.speech.trim import TRIM_ID
from voice_coach.speech.worker_protocol import STOP_GRACE, Phrase, Reply, Start, decode, receive, send

__all__ = [
    "PHRASE_TIMEOUT", "STOP_GRACE", "Lookup", "Stopped", "SynthesisResult", "cache_key", "look_up",
    "synthesize_in_workers",
]  # fmt: skip

PHRASE_TIMEOUT = 60.0
"""Seconds a phrase may take, including a worker's start-up (loading a Piper model takes ~1 s).
Longer than the pyttsx3 engine's own child timeout, so that one fires first and cleans up its child."""

SCRATCH_PREFIX = "voice-coach-workers-"
"""The workers' temporary folder: ``voice-coach-workers-PID-...``, PID the run's process."""
_BOOT = (
    "import sys; sys.path[:] = sys.argv[2:]; "
    "from voice_coach.speech.worker import main; main(int(sys.argv[1]))"
)
"""A worker's program: the parent's import path (so that what it sends unpickles to the same classes),
then ``worker.main(parent pid)``."""


class Stopped(Exception):
    """A background synthesis was told to stop (see ``synthesize_in_workers``)."""


@dataclass(frozen=True)
class SynthesisResult:
    """Audio for every distinct phrase, and how many were synthesized now or found in the cache."""

    clips: Mapping[str, Clip]
    synthesized: int
    cached: int
    sample_rate: int
    settings: EngineSettings
    """The settings used, with the engine name and voice resolved (never None)."""

    def __getitem__(self, text: str) -> Clip:
        return self.clips[text]

    def length(self, text: str) -> int:
        """The length of phrase ``text`` in samples at ``sample_rate`` (what ``schedule`` asks for)."""
        return len(self.clips[text].samples)


@dataclass(frozen=True)
class Lookup:
    """What the cache holds of a set of phrases: the engine and settings resolved, every phrase's cache key
    (in the order given), and the clips found."""

    engine: Engine
    settings: EngineSettings
    keys: dict[str, str]
    found: dict[str, Clip]

    @property
    def missing(self) -> list[str]:
        """The phrases to synthesize, in the order given."""
        return [text for text in self.keys if text not in self.found]


def look_up(texts: Iterable[str], engine_spec: EngineSettings, cache: PhraseCache) -> Lookup:
    """Resolve the engine and voice (``SynthesisError`` for an unknown one or a bad rate) and find each
    distinct text of ``texts`` in ``cache``."""
    engine = get_engine(engine_spec.engine)
    engine.check_rate(engine_spec.rate)
    settings = replace(engine_spec, engine=engine.NAME, voice=engine.resolve_voice(engine_spec.voice))
    keys = {text: cache_key(engine, settings, text) for text in dict.fromkeys(texts)}
    for text in keys:
        require_text(text)
    found = {text: clip for text, key in keys.items() if (clip := cache.get(key)) is not None}
    return Lookup(engine, settings, keys, found)


def cache_key(engine: Engine, settings: EngineSettings, text: str) -> str:
    """The cache key of ``text`` spoken by ``engine`` with ``settings`` (the voice resolved), trimmed as
    ``trim`` trims it: keyed on the text the engine is given, the lexicon applied."""
    return phrase_key(
        f"{engine.identity} {TRIM_ID}",
        settings.voice or "",
        str(settings.rate),
        settings.volume,
        engine.sample_rate,
        spoken(text, settings.lexicon, engine.PHONEMES),
    )


def synthesize_in_workers(
    settings: EngineSettings,
    texts: list[str],
    store: Callable[[str, Clip], None],
    workers: int | None,
    timeout: float,
    stop: threading.Event,
) -> None:
    """Synthesize ``texts`` in worker processes, passing each clip to ``store`` as it arrives, in the
    order given as far as the workers allow (each takes the next phrase when it is free).

    Runs in a background thread (``supply``), which signals never reach: once ``stop`` is set, the workers
    are stopped and ``Stopped`` raised."""
    count = max(1, min(workers or usable_cores(), len(texts)))
    pool = _Pool(f"the {settings.engine} engine", timeout, stop)
    try:
        pool.start(count, Start(settings, max(1, usable_cores() // count)))
        waiting = deque(enumerate(texts))
        for worker in pool.workers:
            worker.ask(Phrase(*waiting.popleft()))
        while pool.busy():
            worker, text, clip = pool.next_clip()
            store(text, clip)
            if waiting:
                worker.ask(Phrase(*waiting.popleft()))
            else:
                worker.close_input()  # done: it exits now, freeing its memory while the others finish
    except BaseException:
        pool.stop(now=True)
        raise
    pool.stop(now=False)


@dataclass(eq=False)
class _Worker:
    """One worker process, and the phrase it was asked for (None while it has none)."""

    process: subprocess.Popen[bytes]
    requests: IO[bytes]
    stderr: IO[bytes]
    """A temporary file: an engine's messages stay off the user's terminal, and explain a crash."""
    asked: Phrase | None = None
    since: float = 0.0

    def ask(self, phrase: Phrase) -> None:
        """Have the worker speak ``phrase``; its deadline starts now.

        SynthesisError at once if the request cannot be written (the worker died: a broken pipe): waiting
        for its reply, or for the end of its output, could last until the phrase's timeout, or for ever if
        something else holds its output open; and a request cut short would leave it waiting for the rest.
        """
        self.asked, self.since = phrase, time.monotonic()
        try:
            send(self.requests, phrase)
        except (OSError, ValueError) as error:
            why = getattr(error, "strerror", None) or str(error)
            raise SynthesisError(
                f"a speech worker process died before it could synthesize {phrase.text!r} (writing to it "
                f"failed: {why})"
            ) from self.death()

    def close_input(self) -> None:
        """Tell the worker to stop (once idle); see ``worker``."""
        with contextlib.suppress(OSError):
            self.requests.close()

    def death(self) -> ChildProcessError:
        """How the worker ended, and the end of what it wrote to stderr: the cause behind the user's error."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(STOP_GRACE)
        code = self.process.returncode
        how = "still running" if code is None else f"killed by signal {-code}" if code < 0 else f"exit {code}"
        self.stderr.seek(0)
        said = self.stderr.read().decode(errors="replace").strip()[-2000:]
        return ChildProcessError(f"speech worker {self.process.pid}: {how}; its stderr: {said or '(empty)'}")


class _Pool:
    """The worker processes, and the replies their reader threads pass on (None: a worker's output ended)."""

    def __init__(self, engine: str, timeout: float, stop: threading.Event) -> None:
        self.engine, self.timeout, self.stop_asked = engine, timeout, stop
        self.workers: list[_Worker] = []
        self.replies: queue.Queue[tuple[_Worker, bytes | None]] = queue.Queue()
        self.scratch: str | None = None
        """The workers' temporary folder (their ``TMPDIR``): an engine's files in it go with it in
        ``stop``, even those of a worker killed while it cleaned up after itself."""

    def start(self, count: int, start: Start) -> None:
        """Start ``count`` workers and send each ``start``."""
        _reap_scratch()
        try:
            self.scratch = tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-")
        except OSError as error:  # a full or read-only temporary folder
            folder = tempfile.gettempdir()
            raise SynthesisError(
                f"cannot make the speech workers' folder in {folder}: {error.strerror or error}"
            ) from error
        env = {**os.environ, "TMPDIR": self.scratch}
        for _ in range(count):
            stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
            args = [sys.executable, "-c", _BOOT, str(os.getpid()), *map(str, sys.path)]
            try:
                process = subprocess.Popen(
                    args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=env
                )
            except OSError as exc:
                stderr.close()
                raise SynthesisError(f"cannot start a speech worker process: {exc}") from exc
            assert process.stdin is not None and process.stdout is not None
            worker = _Worker(process, process.stdin, stderr)
            self.workers.append(worker)
            threading.Thread(target=self._read, args=(worker, process.stdout), daemon=True).start()
            with contextlib.suppress(OSError):
                send(worker.requests, start)

    def _read(self, worker: _Worker, replies: IO[bytes]) -> None:
        """A thread per worker: pass on its replies, then None when its output ends (it exited)."""
        with replies:
            while (reply := receive(replies)) is not None:
                self.replies.put((worker, reply))
        self.replies.put((worker, None))

    def busy(self) -> bool:
        """Whether a worker has a phrase under way."""
        return any(worker.asked is not None for worker in self.workers)

    def next_clip(self) -> tuple[_Worker, str, Clip]:
        """The next phrase a worker finishes, and its clip.

        SynthesisError if a phrase fails, exceeds the timeout, or its worker dies.
        """
        while True:
            oldest = min((w for w in self.workers if w.asked is not None), key=lambda w: w.since)
            left = max(0.0, oldest.since + self.timeout - time.monotonic())
            if self.stop_asked.is_set():
                raise Stopped
            try:
                worker, data = self.replies.get(timeout=min(left, 0.05))
            except queue.Empty:
                if left > 0.05:
                    continue
                assert oldest.asked is not None
                text = oldest.asked.text
                raise SynthesisError(
                    f"{self.engine} did not finish {text!r} within {self.timeout:g} s"
                ) from None
            phrase, worker.asked = worker.asked, None
            if phrase is not None:  # else the end of a worker told to stop
                return worker, phrase.text, _clip(worker, phrase, data)

    def stop(self, *, now: bool) -> None:
        """End every worker and wait for it.

        Idle workers exit when their input ends. With ``now``, busy ones are asked to stop too (SIGTERM:
        each abandons its phrase, so the engine's temporary files and child processes are cleaned up).
        A worker still there after ``STOP_GRACE`` seconds is killed: an engine stuck in C code never
        sees the request.
        """
        for worker in self.workers:
            worker.close_input()
            if now:
                worker.process.terminate()
        deadline = time.monotonic() + STOP_GRACE
        for worker in self.workers:
            try:
                worker.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
            worker.stderr.close()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


def _reap_scratch() -> None:
    """Remove the workers' folders of runs that were killed outright: SIGKILL leaves the process (and its
    workers, which the kernel kills with it) no clean-up to run. A folder is named by its run's process,
    and only those of processes that are gone are removed."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
        owner = folder.name.removeprefix(SCRATCH_PREFIX).split("-")[0]
        if owner.isdigit() and not process_alive(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)


def _clip(worker: _Worker, phrase: Phrase, data: bytes | None) -> Clip:
    """The clip in a worker's reply to ``phrase``; SynthesisError if it is an error or the worker died."""
    if data is None:
        raise SynthesisError(f"a speech worker process died while synthesizing {phrase.text!r}") from (
            worker.death()
        )
    reply = decode(data, Reply)
    if reply.error is not None:
        raise reply.error
    if reply.id != phrase.id or reply.clip is None:
        raise SynthesisError(f"a speech worker answered {phrase.text!r} with phrase {reply.id}'s reply")
    return reply.clip
