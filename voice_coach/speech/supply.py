"""Phrases handed out as they become available, so a session can start before its last phrase is spoken.

Cached phrases are there at once; the others are synthesized in the order the session first needs them,
by the usual worker processes, driven from a background thread. ``clip(text)`` waits for one phrase only:
the mixer asks for phrases in time order, so playing and encoding begin after the first phrase, not the
last. The waiting happens in the caller's thread with a short timeout, so Ctrl-C is never held up (nor a
caller's own stop: ``on_wait`` is called at each of those timeouts, and what it raises ends the wait), and
``close`` (always called, by the ``with`` block) stops the workers of an abandoned run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from types import TracebackType

from voice_coach import interrupts
from voice_coach.audio.clip import Clip
from voice_coach.progress import Progress
from voice_coach.speech.engines import EngineSettings
from voice_coach.speech.phrase_cache import PhraseCache
from voice_coach.speech.synth import (
    PHRASE_TIMEOUT,
    Stopped,
    SynthesisResult,
    look_up,
    synthesize_in_workers,
)

_WAIT = 0.05
"""Seconds between checks for a Ctrl-C while waiting for a phrase."""


class PhraseSupply:
    """Every distinct phrase of ``texts``: from ``cache``, or synthesized (and cached) in the background.

    Use as a context manager. ``SynthesisError`` (an unknown engine or voice, a bad rate) is raised at
    once; a phrase that fails later is raised by ``clip`` (for any phrase still missing) and ``result``.
    """

    def __init__(
        self,
        texts: Iterable[str],
        settings: EngineSettings,
        cache: PhraseCache,
        *,
        workers: int | None = None,
        timeout: float = PHRASE_TIMEOUT,
    ) -> None:
        self._lookup = look_up(texts, settings, cache)
        self._cache = cache
        self._clips: dict[str, Clip] = dict(self._lookup.found)
        self._ready = threading.Condition()
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.on_wait: Callable[[], None] = _nothing
        """Called every ``_WAIT`` seconds while ``clip`` or ``result`` waits (an export reports its
        progress there, so a server's render can be stopped while the first phrases are made)."""
        missing = self._lookup.missing
        if missing:
            self._thread = threading.Thread(
                target=self._synthesize, args=(missing, workers, timeout), name="synthesis", daemon=True
            )
            self._thread.start()

    @property
    def sample_rate(self) -> int:
        """The engine's own sample rate: every clip has it."""
        return self._lookup.engine.sample_rate

    @property
    def settings(self) -> EngineSettings:
        """The settings in use, the engine name and voice resolved."""
        return self._lookup.settings

    def progress(self) -> tuple[int, int]:
        """(phrases ready, distinct phrases)."""
        with self._ready:
            return len(self._clips), len(self._lookup.keys)

    def done(self) -> bool:
        """Whether every phrase is ready (or synthesis has failed)."""
        with self._ready:
            return self._error is not None or len(self._clips) == len(self._lookup.keys)

    def ready(self, text: str) -> bool:
        """Whether ``text`` can be had without waiting (or its synthesis has failed: ``clip`` says how)."""
        with self._ready:
            return text in self._clips or self._error is not None

    def clip(self, text: str) -> Clip:
        """The audio of ``text``, once it is ready; the synthesis error if it never will be."""
        with self._ready:
            while text not in self._clips:
                if self._error is not None:
                    raise self._error
                if text not in self._lookup.keys:
                    raise KeyError(text)
                self._ready.wait(_WAIT)
                interrupts.check()
                self.on_wait()
            return self._clips[text]

    def result(self, progress: Progress | None = None) -> SynthesisResult:
        """Every phrase, once all are ready; ``progress("synthesize", done, total)`` once for what the
        cache held, then once per phrase as each arrives."""
        done, total = self.progress()
        if progress is not None:
            progress("synthesize", done, total)
        while done < total:
            arrived = self._more_than(done)
            if progress is not None:
                for count in range(done + 1, arrived + 1):
                    progress("synthesize", count, total)
            done = arrived
        lookup = self._lookup
        found = len(lookup.found)
        return SynthesisResult(
            dict(self._clips), len(lookup.keys) - found, found, lookup.engine.sample_rate, lookup.settings
        )

    def _more_than(self, count: int) -> int:
        """How many phrases are ready, once more than ``count`` are; the synthesis error if none will be."""
        with self._ready:
            while len(self._clips) <= count:
                if self._error is not None:
                    raise self._error
                self._ready.wait(_WAIT)
                interrupts.check()
                self.on_wait()
            return len(self._clips)

    def close(self) -> None:
        """Stop the synthesis if it is still running, and wait for its workers to end."""
        self._stop.set()
        if self._thread is not None:
            while self._thread.is_alive():
                self._thread.join(_WAIT)

    def __enter__(self) -> PhraseSupply:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _synthesize(self, missing: list[str], workers: int | None, timeout: float) -> None:
        try:
            synthesize_in_workers(self._lookup.settings, missing, self._store, workers, timeout, self._stop)
        except Stopped:
            pass
        except BaseException as error:  # handed to the thread that waits for a phrase
            with self._ready:
                self._error = error
                self._ready.notify_all()

    def _store(self, text: str, clip: Clip) -> None:
        self._cache.put(self._lookup.keys[text], clip)
        with self._ready:
            self._clips[text] = clip
            self._ready.notify_all()


def _nothing() -> None:
    return None


def synthesize_phrases(
    texts: Iterable[str],
    settings: EngineSettings,
    cache: PhraseCache,
    progress: Progress | None = None,
    workers: int | None = None,
    timeout: float = PHRASE_TIMEOUT,
) -> SynthesisResult:
    """Audio for each distinct text, from the cache or synthesized (then cached), all of it before
    returning. ``progress("synthesize", done, total)`` counts distinct phrases: once after the cache
    lookup, then after each phrase synthesized. ``SynthesisError`` for a missing engine, an unknown voice
    or a phrase that fails or exceeds ``timeout`` seconds."""
    with PhraseSupply(texts, settings, cache, workers=workers, timeout=timeout) as supply:
        return supply.result(progress)


class SpokenPhrases:
    """Phrases already spoken (a ``SynthesisResult``), handed out as a ``PhraseSupply`` hands them, so
    whatever mixes a session takes either."""

    def __init__(self, spoken: SynthesisResult) -> None:
        self.spoken = spoken

    def progress(self) -> tuple[int, int]:
        """(phrases ready, distinct phrases): all of them."""
        return len(self.spoken.clips), len(self.spoken.clips)

    def done(self) -> bool:
        return True

    def ready(self, text: str) -> bool:
        return True

    def clip(self, text: str) -> Clip:
        """The audio of ``text``; KeyError for a phrase that was never spoken."""
        return self.spoken.clips[text]

    def result(self, progress: Progress | None = None) -> SynthesisResult:
        return self.spoken

    def __enter__(self) -> SpokenPhrases:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        return None
