"""The text-to-speech engine interface shared by every engine, and the settings that choose one."""

from __future__ import annotations

import re
import signal
import wave
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import ClassVar

from voice_coach.audio.clip import Clip
from voice_coach.audio.dsp import resample
from voice_coach.audio.wav import read_wav_frames
from voice_coach.errors import SynthesisError, UnknownVoiceError, UsageError

MIN_WPM, MAX_WPM = 80, 450
MIN_FACTOR, MAX_FACTOR = 0.5, 2.5


@dataclass(frozen=True)
class Rate:
    """A speaking rate: absolute words per minute (``wpm``), or a ``factor`` of the engine's natural pace."""

    wpm: int | None = None
    factor: float = 1.0

    def words_per_minute(self, natural_wpm: int) -> int:
        """The rate in words per minute for an engine whose natural pace is ``natural_wpm``."""
        return self.wpm if self.wpm is not None else round(natural_wpm * self.factor)

    def speed(self, natural_wpm: int) -> float:
        """The rate as a factor of a natural pace of ``natural_wpm``: a factor as it is (0.5x is 0.5, not
        a rounded words-per-minute figure divided back), words per minute divided by the pace."""
        return self.factor if self.wpm is None else self.wpm / natural_wpm

    def __str__(self) -> str:
        return str(self.wpm) if self.wpm is not None else f"{self.factor:g}x"


def parse_rate(text: str | int | Rate) -> Rate:
    """A ``Rate`` from ``"170"`` (words per minute) or ``"1.2x"`` (a factor of the natural pace)."""
    if isinstance(text, Rate):
        return text
    value = str(text).strip().lower()
    if match := re.fullmatch(r"(\d+(?:\.\d+)?)\s*x", value):
        factor = float(match.group(1))
        if not MIN_FACTOR <= factor <= MAX_FACTOR:
            raise UsageError(f"rate factor {value} is outside {MIN_FACTOR:g}x-{MAX_FACTOR:g}x")
        return Rate(factor=factor)
    if re.fullmatch(r"\d+", value):
        wpm = int(value)
        if not MIN_WPM <= wpm <= MAX_WPM:
            raise UsageError(f"rate {wpm} is outside {MIN_WPM}-{MAX_WPM} words per minute")
        return Rate(wpm=wpm)
    raise UsageError(f"rate {text!r} is neither words per minute (like 170) nor a factor (like 1.2x)")


@dataclass(frozen=True)
class EngineSettings:
    """Which engine speaks and how: picklable, so worker processes can re-create the engine."""

    engine: str | None = None
    voice: str | None = None
    rate: Rate = field(default_factory=Rate)
    volume: float = 1.0
    lexicon: tuple[tuple[str, str, str], ...] = ()
    """How some words are read (``speech.lexicon``): the run's, from its timeline."""

    def __post_init__(self) -> None:
        if not 0.0 < self.volume <= 1.0:
            raise UsageError(f"volume {self.volume:g} is outside 0-1")


@dataclass(frozen=True)
class VoiceInfo:
    """One voice an engine offers; ``id`` is what ``--voice`` accepts."""

    id: str
    name: str
    language: str
    gender: str | None = None


class Engine(ABC):
    """A text-to-speech engine: lists voices and turns text into a mono 16-bit ``Clip``.

    Constructors check that what the engine needs is installed and raise ``SynthesisError`` naming the
    missing piece and the command that installs it. Heavy imports happen inside methods.
    """

    NAME: ClassVar[str]
    NATURAL_WPM: ClassVar[int]
    """The engine's pace at factor 1.0x, in words per minute."""
    LANGUAGES: ClassVar[tuple[str, ...]] = ()
    PHONEMES: ClassVar[bool] = False
    """Whether it reads phonemes written ``[word](/phonemes/)`` (misaki's alphabet): a lexicon entry's
    phonemes are given to it instead of the respelling (``speech.lexicon``)."""
    """The languages its voices speak (ISO 639-1 codes: ``en``, ``de``), known without starting it."""

    @classmethod
    def voice_language(cls, voice: str | None) -> str | None:
        """The language voice ``voice`` speaks (None: the default voice), known without starting the
        engine; None when it cannot tell. An engine of one language speaks it with every voice."""
        return cls.LANGUAGES[0] if len(cls.LANGUAGES) == 1 else None

    @property
    @abstractmethod
    def identity(self) -> str:
        """A string naming the engine, its version and its model: part of every cache key."""

    @property
    @abstractmethod
    def sample_rate(self) -> int:
        """Samples per second of every clip this engine returns."""

    @abstractmethod
    def voices(self) -> list[VoiceInfo]:
        """The voices this engine can speak with."""

    @abstractmethod
    def default_voice(self) -> str:
        """The id of the voice used when none is chosen."""

    @abstractmethod
    def synthesize(self, text: str, voice: str, rate: Rate, volume: float) -> Clip:
        """``text`` spoken by voice ``voice`` (an id from ``voices()``) at ``rate`` and ``volume`` (0-1)."""

    def check_rate(self, rate: Rate) -> None:
        """Nothing if this engine can speak at ``rate``; ``UsageError`` saying its range otherwise.

        Called before any synthesis, so a rate the engine cannot follow fails at once."""
        return None  # the general limits of ``parse_rate`` suit engines without narrower ones

    def use_threads(self, count: int) -> None:
        """Nothing; a hint that this engine should use at most ``count`` CPU threads.

        Synthesis runs one engine per core; an engine with its own thread pool honours this.
        """
        return None  # engines without a thread pool of their own have nothing to limit

    def resolve_voice(self, voice: str | None) -> str:
        """The id of the voice named ``voice`` (id, short id or name, any case); default when None."""
        if voice is None:
            return self.default_voice()
        wanted = voice.strip().lower()
        for info in self.voices():
            names = {info.id.lower(), info.id.rsplit("/", 1)[-1].lower(), info.name.lower()}
            if wanted in names:
                return info.id
        raise UnknownVoiceError(
            f"the {self.NAME} engine has no voice {voice!r}; "
            f"see the voices it has with: voice-coach voices --engine {self.NAME}"
        )


@cache
def package_version(name: str) -> str:
    """The installed version of the distribution ``name``, read once per process (every phrase's cache
    key names the engine's version, and reading package metadata takes over a millisecond)."""
    from importlib.metadata import version  # 15 ms to import: only when a phrase's key is needed

    return version(name)


@contextmanager
def signals_held() -> Iterator[None]:
    """Delay SIGTERM, SIGINT and SIGHUP (in this thread) until the block is done, so their handler's
    exception cannot cut a clean-up in half; they are delivered as the block ends."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks, and no SIGTERM handler either
        yield
        return
    held = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def require_text(text: str) -> None:
    """Nothing if ``text`` has something to say; otherwise a ``SynthesisError``."""
    if not text.strip():
        raise SynthesisError("cannot synthesize an empty phrase")


def read_wav(path: Path, rate: int) -> Clip:
    """The clip in the 16-bit PCM WAV file at ``path``, mixed to mono and resampled to ``rate``.

    A WAV at another rate goes through the mixer's own polyphase resampler (``dsp.resample``, so it is
    ``dsp.resampled_length`` samples long): one resampler for every phrase, with an anti-alias filter.
    espeak-ng writes 22050 Hz, the pyttsx3 engine's rate, so on Linux nothing is resampled here. The
    filter can ring a little past full scale near a clipped peak: such samples are clipped, not wrapped.
    """
    import numpy as np

    try:
        frames, source_rate = read_wav_frames(path)
    except (OSError, EOFError, wave.Error) as exc:
        raise SynthesisError(f"the engine wrote no readable audio ({exc})") from exc
    except ValueError as exc:
        raise SynthesisError(f"the engine wrote {exc}") from exc
    samples = frames.mean(axis=1)
    if source_rate != rate:
        samples = resample(samples.astype(np.float32), source_rate, rate)
    return Clip(np.clip(np.round(samples), -32768, 32767).astype(np.int16), rate)
