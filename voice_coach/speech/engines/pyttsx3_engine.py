"""The pyttsx3 engine: the platform's own speech (espeak-ng on Linux, SAPI5 on Windows, NSSS on macOS).

Every utterance runs in a fresh child process. pyttsx3's espeak driver is not reliable for a second
``save_to_file`` in the same process (measured with pyttsx3 2.99: the rate of the previous utterance
leaks into the next, and files come out truncated or empty), while the first utterance of a process is
exact and repeatable. A child also keeps pyttsx3's "Audio saved to ..." prints off our stdout, and a
timeout on the child means a hung engine cannot hang the program.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, ClassVar

from voice_coach.audio.clip import Clip
from voice_coach.errors import SynthesisError
from voice_coach.speech.engines.base import (
    Engine,
    Rate,
    VoiceInfo,
    package_version,
    read_wav,
    require_text,
    signals_held,
)

ESPEAK_INSTALL = "sudo apt-get install espeak-ng"
ESPEAK_VOICES = {
    "de": ("gmw/de", "German"),
    "en": ("gmw/en-us", "English"),
    "es": ("roa/es", "Spanish"),
    "fr": ("roa/fr", "French"),
    "it": ("roa/it", "Italian"),
    "nl": ("gmw/nl", "Dutch"),
    "pt": ("roa/pt", "Portuguese"),
}
"""espeak-ng's voice for a language (its id, and the language's English name): the voice picked when the
chosen one does not speak a routine's language (``languages.voice_for``)."""

WRONG_RATE = 75
"""The exit status of a child whose espeak-ng did not speak at the rate asked for."""
ATTEMPTS = 3
"""Children run for one phrase before a wrong rate is an error (each fails about 1 time in 300)."""

# Runs in the child: one utterance, one runAndWait, then exit. Imports only pyttsx3. On Linux it dies with
# the worker that started it (the worker itself dies with voice-coach), so a killed export leaves nothing.
CHILD_SCRIPT = f"""
import json, os, sys
RETRY = {WRONG_RATE}
if sys.platform == "linux":
    import ctypes, signal
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        pass
if os.getppid() != int(sys.argv[1]):
    sys.exit(1)  # the worker that asked for this phrase is gone already
import pyttsx3
request = json.load(sys.stdin)
engine = pyttsx3.init()
engine.setProperty("voice", request["voice"])
engine.setProperty("rate", request["wpm"])
engine.setProperty("volume", request["volume"])
engine.save_to_file(request["text"], request["path"])
engine.runAndWait()
try:
    from pyttsx3.drivers import _espeak
except (ImportError, OSError):
    sys.exit(0)
# The espeak driver synthesizes on espeak-ng's own thread and runAndWait can return before the file is
# written (long phrases came out empty): wait for espeak-ng to finish.
_espeak.Synchronize()
# espeak-ng applies rate and volume on that thread too, and about 1 utterance in 300 is spoken at the
# driver's default rate (200 wpm) instead of the one asked for; the rate espeak-ng ended with tells.
used = [_espeak.dll.espeak_GetParameter(p, 1) for p in (_espeak.RATE, _espeak.VOLUME)]
if used != [request["wpm"], int(round(request["volume"] * 100, 2))]:  # as pyttsx3 sets it
    sys.exit(RETRY)
"""


class Pyttsx3Engine(Engine):
    """Speech through pyttsx3; each phrase is synthesized in its own short-lived process."""

    NAME: ClassVar[str] = "pyttsx3"
    NATURAL_WPM: ClassVar[int] = 175
    """espeak-ng's own default pace: calm enough to follow while moving."""
    LANGUAGES: ClassVar[tuple[str, ...]] = tuple(ESPEAK_VOICES)
    """The languages voice-coach knows an espeak-ng voice for (espeak-ng itself speaks over a hundred)."""

    @classmethod
    def voice_language(cls, voice: str | None) -> str | None:
        """The language of an espeak-ng voice from its id (``gmw/de``, ``de``, ``gmw/en-us``) or name
        (``German``, ``English (America)``); the default voice is espeak-ng's British English."""
        if voice is None:
            return "en"
        wanted = voice.strip().lower()
        code = wanted.rsplit("/", 1)[-1].split("-")[0]
        if code in ESPEAK_VOICES or "/" in wanted or (len(code) <= 3 and code.isalpha()):
            return code
        named = {name.lower(): code for code, (_, name) in ESPEAK_VOICES.items()}
        return named.get(wanted.split(" ")[0])

    def __init__(self, timeout: float = 30.0) -> None:
        self._backend = _backend()
        self._timeout = timeout
        self._voices: list[VoiceInfo] | None = None

    @property
    def identity(self) -> str:
        return f"pyttsx3 {package_version('pyttsx3')} {self._backend}"

    @property
    def sample_rate(self) -> int:
        return 22050

    def voices(self) -> list[VoiceInfo]:
        """The voices pyttsx3 reports for this platform (espeak-ng's voices on Linux)."""
        if self._voices is None:
            self._voices = [_voice_info(v) for v in _property("voices")]
        return self._voices

    def default_voice(self) -> str:
        """The voice pyttsx3 starts with on this platform."""
        current = _property("voice")
        return str(current) if current else self.voices()[0].id

    def synthesize(self, text: str, voice: str, rate: Rate, volume: float) -> Clip:
        """``text`` spoken in a child process, read back from the WAV file it writes."""
        require_text(text)
        request = {
            "text": text,
            "voice": self.resolve_voice(voice),
            "wpm": rate.words_per_minute(self.NATURAL_WPM),
            "volume": volume,
        }
        # A stop request (SIGTERM, see speech.worker) may come at any moment: it waits while the folder
        # is made and removed, so it can never be left half made or half removed.
        with signals_held():
            folder = Path(tempfile.mkdtemp(prefix="voice-coach-"))
        try:
            path = folder / "phrase.wav"
            self._run_child({**request, "path": str(path)})
            if not path.exists():
                raise SynthesisError(f"pyttsx3 wrote no audio for {text!r}")
            return read_wav(path, self.sample_rate)
        finally:
            with signals_held():
                shutil.rmtree(folder, ignore_errors=True)

    def _run_child(self, request: dict[str, Any]) -> None:
        """Nothing once a child has written ``request["path"]`` at the rate asked for; SynthesisError if
        it failed or hung. A child whose espeak-ng spoke at another rate is run again (``WRONG_RATE``)."""
        for _ in range(ATTEMPTS):
            done = self._child(request)
            if done.returncode != WRONG_RATE:
                break
        if done.returncode == WRONG_RATE:
            raise SynthesisError(
                f"pyttsx3 spoke {request['text']!r} at the wrong rate {ATTEMPTS} times; "
                "espeak-ng may be broken: try another engine with --engine hibari"
            )
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise SynthesisError(f"pyttsx3 failed on {request['text']!r}: {reason}")

    def _child(self, request: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        """One child process speaking ``request``; SynthesisError if it hung."""
        try:
            return subprocess.run(
                [sys.executable, "-c", CHILD_SCRIPT, str(os.getpid())],
                input=json.dumps(request),
                capture_output=True,
                text=True,
                timeout=self._timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise SynthesisError(
                f"pyttsx3 did not finish {request['text']!r} within {self._timeout:g} s"
            ) from exc


def _backend() -> str:
    """The speech backend pyttsx3 drives here, with its version; SynthesisError if it is missing."""
    try:
        import pyttsx3  # noqa: F401
    except ImportError as exc:
        raise SynthesisError("pyttsx3 is not installed; install it with: pip install pyttsx3") from exc
    if sys.platform == "win32":
        return "sapi5"
    if sys.platform == "darwin":
        return "nsss"
    try:
        from pyttsx3.drivers import _espeak
    except (ImportError, OSError, RuntimeError) as exc:
        raise SynthesisError(
            f"the espeak-ng speech library is missing; install it with: {ESPEAK_INSTALL}"
        ) from exc
    with _IN_PROCESS:
        found = _espeak.Info(None)
    return f"espeak-ng {found.decode() if found else 'unknown'}"


_IN_PROCESS = threading.Lock()
"""Held around every call into pyttsx3 in this process (its voice list). espeak-ng's library is not
thread-safe: a server making a German and a Spanish export at once asked for the voices from two threads,
and espeak-ng aborted the whole process ("double free or corruption"). Synthesis itself runs in child
processes."""
_ENGINE: list[Any] = []
"""pyttsx3's engine object of this process, kept: pyttsx3 holds it weakly, and each new one starts
espeak-ng again."""


def _property(name: str) -> Any:
    """pyttsx3's property ``name`` (``voices``, ``voice``), asked of one engine, one thread at a time."""
    with _IN_PROCESS:
        if not _ENGINE:
            import pyttsx3

            try:
                _ENGINE.append(pyttsx3.init())
            except Exception as exc:
                raise SynthesisError(f"pyttsx3 could not start: {exc}") from exc
            atexit.register(_ENGINE.clear)  # let it go while the modules its clean-up needs are there
        return _ENGINE[0].getProperty(name)


def _voice_info(voice: Any) -> VoiceInfo:
    """Our description of one pyttsx3 voice object."""
    languages = [
        lang.decode(errors="ignore") if isinstance(lang, bytes) else str(lang)
        for lang in (voice.languages or [])
    ]
    gender = str(voice.gender).lower() if voice.gender else None
    return VoiceInfo(str(voice.id), str(voice.name), languages[0] if languages else "", gender)
