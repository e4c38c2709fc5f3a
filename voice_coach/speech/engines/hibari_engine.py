"""The hibari engine (the default): a small neural voice (Apache-2.0) whose model ships inside its wheel.

hibari-tts's acoustic model is distilled from Kokoro-82M's ``af_heart`` voice; it runs about 100 times
faster than real time on one core and needs only numpy and onnxruntime. Three choices keep it offline and
repeatable:

- Only voices inside the installed package are offered. hibari downloads its other voices on first use;
  we never let it: the model file is passed to it by path, so its download code is never reached.
- The noise component is seeded (``seed=0``) and onnxruntime runs on one thread: with both fixed, the same
  text gives the same samples (a second thread changes the last bits of the float maths).
- ``--rate`` maps to hibari's ``speed`` (0.5 to 2.0), refused outside that range before any synthesis.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from voice_coach.audio.clip import Clip
from voice_coach.errors import SynthesisError, UsageError
from voice_coach.speech.engines.base import Engine, Rate, VoiceInfo, package_version, require_text

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

HIBARI_INSTALL = "pip install hibari-tts"
REINSTALL = f"reinstall it with: {HIBARI_INSTALL} --force-reinstall"
SEED = 0
THREADS = 1
"""One thread: on 2 cores two one-thread workers beat one two-thread worker, and results never vary."""
MIN_SPEED, MAX_SPEED = 0.5, 2.0


class HibariEngine(Engine):
    """Speech through hibari-tts with the voices its package carries (``heart``, American English)."""

    NAME: ClassVar[str] = "hibari"
    NATURAL_WPM: ClassVar[int] = 173
    """hibari's pace at speed 1.0, measured over 206 words of the built-in cues (pauses included): calm
    for following an exercise with eyes closed, yet not slow."""
    SAMPLE_RATE: ClassVar[int] = 24000
    LANGUAGES: ClassVar[tuple[str, ...]] = ("en",)
    PHONEMES: ClassVar[bool] = True
    """Its G2P reads misaki markup: ``[word](/phonemes/)``."""
    """Its bundled voice (``heart``) speaks American English only."""

    def __init__(self) -> None:
        self._voices = _bundled_voices()
        self._loaded: dict[str, Any] = {}

    @property
    def identity(self) -> str:
        return f"hibari-tts {package_version('hibari-tts')} seed={SEED} threads={THREADS}"

    @property
    def sample_rate(self) -> int:
        return self.SAMPLE_RATE

    def voices(self) -> list[VoiceInfo]:
        """The voices whose model is inside the installed package (never one to download)."""
        return [info for info, _ in self._voices.values()]

    def default_voice(self) -> str:
        """hibari's own default, ``heart``, when it is present (it ships in the wheel)."""
        return "heart" if "heart" in self._voices else next(iter(self._voices))

    def check_rate(self, rate: Rate) -> None:
        """Nothing if hibari can speak at ``rate``; ``UsageError`` saying the range otherwise."""
        speed = self._speed(rate)
        if not MIN_SPEED <= speed <= MAX_SPEED:
            low, high = round(MIN_SPEED * self.NATURAL_WPM), round(MAX_SPEED * self.NATURAL_WPM)
            raise UsageError(
                f"rate {rate} is outside what the hibari engine can speak: "
                f"{MIN_SPEED:g}x-{MAX_SPEED:g}x ({low}-{high} words per minute)"
            )

    def synthesize(self, text: str, voice: str, rate: Rate, volume: float) -> Clip:
        """``text`` spoken by hibari, every sentence at the chosen speed, the noise seeded."""
        import numpy as np

        require_text(text)
        self.check_rate(rate)
        tts = self._voice(self.resolve_voice(voice))
        try:
            audio: npt.NDArray[np.float32] = tts(text, speed=self._speed(rate), seed=SEED)
        except Exception as exc:
            raise SynthesisError(f"hibari failed on {text!r}: {exc}") from exc
        if not len(audio):
            raise SynthesisError(f"hibari produced no audio for {text!r}")
        scaled = np.clip(np.rint(audio * (32767 * volume)), -32768, 32767)
        return Clip(scaled.astype(np.int16), self.SAMPLE_RATE)

    def _speed(self, rate: Rate) -> float:
        return rate.speed(self.NATURAL_WPM)

    def _voice(self, voice: str) -> Any:
        """The loaded model of ``voice`` (loaded once: about 0.2 s, and 0.5 s more for the first phrase)."""
        if voice not in self._loaded:
            from hibari import Hibari

            _, model = self._voices[voice]
            self._loaded[voice] = Hibari(voice=voice, model=str(model), threads=THREADS)
        return self._loaded[voice]


def _bundled_voices() -> dict[str, tuple[VoiceInfo, Path]]:
    """Every voice whose model file is inside the hibari package; SynthesisError if hibari is missing.

    The package's registry (``assets/voices.json``) is read as a file: importing hibari would load numpy
    and scipy, which a warm export never needs.
    """
    spec = importlib.util.find_spec("hibari")
    if spec is None or not spec.submodule_search_locations:
        raise SynthesisError(f"the hibari engine needs hibari-tts; install it with: {HIBARI_INSTALL}")
    assets = Path(next(iter(spec.submodule_search_locations))) / "assets"
    try:
        registry = json.loads((assets / "voices.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SynthesisError(f"the hibari package is damaged ({exc}); {REINSTALL}") from exc
    found = {}
    for name, entry in registry.items():
        model = assets / str(entry.get("file", ""))
        if entry.get("bundled") and model.is_file():
            accent, gender = str(entry.get("accent", "")), str(entry.get("gender") or "") or None
            info = VoiceInfo(name, f"{name.capitalize()} ({accent} English)", str(entry["language"]), gender)
            found[name] = (info, model)
    if not found:
        raise SynthesisError(f"the hibari package has no voice model inside it; {REINSTALL}")
    return found
