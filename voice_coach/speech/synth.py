"""Phrases → audio: each distinct phrase looked up in the cache, the missing ones synthesized in parallel.

Workers are separate processes (one per core) that each re-create the engine from the picklable
``EngineSettings``. A phrase that takes longer than ``timeout`` seconds stops the run with a
``SynthesisError`` naming it, and the workers are stopped: a hung engine cannot hang the program.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from types import FrameType

from voice_coach import interrupts
from voice_coach.audio.clip import Clip
from voice_coach.cpu import usable_cores
from voice_coach.errors import SynthesisError
from voice_coach.speech.engines import Engine, EngineSettings, get_engine
from voice_coach.speech.engines.base import require_text
from voice_coach.speech.phrase_cache import PhraseCache, phrase_key

STOP_GRACE = 2.0
"""Seconds a worker that is asked to stop may take to clean up before it is killed."""
PHRASE_TIMEOUT = 60.0
"""Seconds a phrase may take, including a worker's start-up (loading a Piper model takes ~1 s).
Longer than the pyttsx3 engine's own child timeout, so that one fires first and cleans up its child."""

Progress = Callable[[int, int], None]


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


def synthesize_phrases(
    texts: Iterable[str],
    engine_spec: EngineSettings,
    cache: PhraseCache,
    progress: Progress | None = None,
    workers: int | None = None,
    timeout: float = PHRASE_TIMEOUT,
) -> SynthesisResult:
    """Audio for each distinct text, from the cache or synthesized (then cached).

    ``progress(done, total)`` counts distinct phrases: it is called once after the cache lookup and
    again after each phrase synthesized. Raises ``SynthesisError`` for a missing engine, an unknown
    voice or a phrase that fails or exceeds ``timeout`` seconds.
    """
    engine = get_engine(engine_spec.engine)
    settings = replace(engine_spec, engine=engine.NAME, voice=engine.resolve_voice(engine_spec.voice))
    keys = {text: _key(engine, settings, text) for text in dict.fromkeys(texts)}
    for text in keys:
        require_text(text)
    clips: dict[str, Clip] = {}
    for text, key in keys.items():
        if (clip := cache.get(key)) is not None:
            clips[text] = clip
    cached, total = len(clips), len(keys)
    if progress is not None:
        progress(cached, total)

    def store(text: str, clip: Clip) -> None:
        clips[text] = clip
        cache.put(keys[text], clip)
        if progress is not None:
            progress(len(clips), total)

    missing = [text for text in keys if text not in clips]
    if missing:
        _synthesize_in_workers(settings, missing, store, workers, timeout)
    return SynthesisResult(clips, len(missing), cached, engine.sample_rate, settings)


def _key(engine: Engine, settings: EngineSettings, text: str) -> str:
    """The cache key of ``text`` spoken by ``engine`` with ``settings``."""
    return phrase_key(
        engine.identity,
        settings.voice or "",
        str(settings.rate),
        settings.volume,
        engine.sample_rate,
        text,
    )


def _synthesize_in_workers(
    settings: EngineSettings,
    texts: list[str],
    store: Callable[[str, Clip], None],
    workers: int | None,
    timeout: float,
) -> None:
    """Synthesize ``texts`` in worker processes, passing each clip to ``store`` as it arrives."""
    count = max(1, min(workers or usable_cores(), len(texts)))
    pool = ProcessPoolExecutor(
        max_workers=count,
        # spawn, not fork: a forked child would inherit engine state (espeak, onnxruntime threads).
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(settings, max(1, usable_cores() // count)),
    )
    try:
        pending = {pool.submit(_synthesize_one, text): text for text in texts}
        while pending:
            done, _ = wait(pending, timeout=timeout, return_when=FIRST_COMPLETED)
            if not done:
                raise SynthesisError(
                    f"the {settings.engine} engine did not finish {_stuck(pending)!r} within {timeout:g} s"
                )
            for future in done:
                text = pending.pop(future)
                store(text, _result(future, text))
            interrupts.check()  # a Ctrl-C that Python had to drop still stops the synthesis
    except BaseException:
        _kill_workers(pool)
        raise
    pool.shutdown(wait=True)


def _result(future: Future[Clip], text: str) -> Clip:
    """The clip a worker returned for ``text``; SynthesisError if the worker died instead."""
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise SynthesisError(f"a speech worker process died while synthesizing {text!r}") from exc


def _stuck(pending: dict[Future[Clip], str]) -> str:
    """The phrase that has been running longest (the first running one in submission order)."""
    running = [text for future, text in pending.items() if future.running()]
    return (running or list(pending.values()))[0]


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the pool now: a hung engine never returns, so a plain shutdown would wait forever.

    Each worker is first asked to stop (SIGTERM: it abandons its phrase, so the engine's temporary files
    and child processes are cleaned up) and killed if it has not within ``STOP_GRACE`` seconds (an
    engine stuck inside C code never sees the request).
    """
    # No public way before Python 3.14; the executor keeps its processes in ``_processes``.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError):
            process.terminate()
    deadline = time.monotonic() + STOP_GRACE
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    kill = getattr(pool, "kill_workers", None)  # Python 3.14+
    if kill is not None:
        kill()
    for process in processes:
        if process.is_alive():
            process.kill()
    # With every worker dead, waiting only joins the executor's manager thread, which reaps them.
    pool.shutdown(wait=True, cancel_futures=True)


_worker_engine: tuple[Engine, EngineSettings] | None = None
_worker_busy = False
_worker_stopping = False


class _StopRequested(BaseException):
    """Raised in a worker by SIGTERM while it synthesizes: unwinds the engine's clean-up, then exits."""


def _stop_worker(signum: int, frame: FrameType | None) -> None:
    """A worker's SIGTERM handler: abandon the phrase under way (cleaning up), or exit at once if idle.

    If Python drops the exception (it came inside a weakref callback, see ``interrupts``), the phrase
    runs to its end and the worker exits then.
    """
    global _worker_stopping
    if not _worker_busy:
        os._exit(0)
    _worker_stopping = True
    raise _StopRequested


def _start_worker(settings: EngineSettings, threads: int) -> None:
    """Re-create the engine once in each worker process, sharing the cores with the other workers."""
    global _worker_engine
    # Ctrl-C reaches the whole process group: the parent handles it and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)
    interrupts.silence_dropped(lambda error: isinstance(error, _StopRequested))
    engine = get_engine(settings.engine)
    engine.use_threads(threads)
    _worker_engine = (engine, settings)


def _synthesize_one(text: str) -> Clip:
    """In a worker: ``text`` spoken by this worker's engine."""
    if _worker_engine is None:
        raise SynthesisError("speech worker started without an engine")
    global _worker_busy
    engine, settings = _worker_engine
    _worker_busy = True
    try:
        return engine.synthesize(text, settings.voice or "", settings.rate, settings.volume)
    except _StopRequested:
        # The engine's own clean-up (temporary files, its child process) ran on the way here.
        os._exit(0)
    except SynthesisError:
        raise
    except Exception as exc:
        raise SynthesisError(f"the {engine.NAME} engine failed on {text!r}: {exc}") from exc
    finally:
        _worker_busy = False
        if _worker_stopping:
            os._exit(0)
