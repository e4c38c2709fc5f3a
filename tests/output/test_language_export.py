"""A German routine exported to WAV end to end: German framing phrases, spoken by espeak-ng's German voice
(the real pyttsx3 engine), the voice chosen by ``voice_for`` from the timeline's language."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

import voice_coach as vc
from voice_coach.compiler.timeline import Say
from voice_coach.speech.engines import Rate, get_engine, voice_for
from voice_coach.speech.trim import trim_silence

pytestmark = pytest.mark.slow

NACKEN = Path(__file__).resolve().parent.parent / "compiler" / "german" / "nacken.toml"


def wav_ms(path: Path) -> int:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() * 1000 // wav.getframerate()


def test_a_german_routine_exports_with_german_phrases_and_a_german_voice(tmp_path: Path) -> None:
    timeline = vc.compile(vc.load(NACKEN))
    assert timeline.language == "de"
    engine, voice, note = voice_for(timeline.language, "hibari", None)
    assert (engine, voice) == ("pyttsx3", "gmw/de") and note
    speech = vc.Speech(engine=engine, voice=voice, cache_dir=tmp_path / "cache")
    result = vc.export(timeline, tmp_path / "nacken.wav", speech, loudness=None)
    assert (result.session.speech.settings.engine, result.session.speech.settings.voice) == (
        "pyttsx3",
        "gmw/de",
    )
    assert abs(wav_ms(tmp_path / "nacken.wav") - result.length_ms) <= 1
    said = [b.text for b in timeline.blocks if isinstance(b, Say)]
    assert said[:2] == ["Nackendehnung.", "Was du brauchst: ein Stuhl."]
    assert "Wir beginnen mit der rechten Seite." in said
    # What was spoken is espeak-ng's German voice saying the German phrase (its silence trimmed).
    german = trim_silence(get_engine("pyttsx3").synthesize("Drei, zwei, eins.", "gmw/de", Rate(), 1.0))
    assert (result.session.speech["Drei, zwei, eins."].samples == german.samples).all()


def test_the_api_picks_the_german_voice_by_itself(tmp_path: Path) -> None:
    """With no engine named, the default (hibari, English only) gives way to espeak-ng's German voice, and
    the note says so."""
    notes: list[str] = []
    timeline = vc.compile(vc.load(NACKEN))
    result = vc.export(
        timeline, tmp_path / "nacken.wav", vc.Speech(cache_dir=tmp_path / "cache"), warn=notes.append
    )
    assert (result.session.speech.settings.engine, result.session.speech.settings.voice) == (
        "pyttsx3",
        "gmw/de",
    )
    assert "hibari speaks English only: using espeak-ng's German voice (pyttsx3, gmw/de)" in notes
