"""The pronunciation lexicon: applied just before the engine gets a phrase, never to the written words."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import voice_coach as vc
from voice_coach.speech.engines import EngineSettings, get_engine
from voice_coach.speech.lexicon import spoken
from voice_coach.speech.phrase_cache import PhraseCache
from voice_coach.speech.supply import synthesize_phrases
from voice_coach.speech.synth import cache_key

SOUNDS = "s\u0259\u0279\u02c8At\u0259s"
"""Serratus in misaki's phonemes (stress mark and IPA letters escaped)."""
LEXICON = (("serratus", "ser-RAY-tus", SOUNDS), ("massager", "muh-SAH-zher", ""))


def test_words_are_replaced_whole_in_any_case() -> None:
    text = "Serratus and the massager; massagers, SERRATUS."
    assert (
        spoken(text, LEXICON, phonemes=False) == "ser-RAY-tus and the muh-SAH-zher; massagers, ser-RAY-tus."
    )
    assert spoken(text, LEXICON, phonemes=True) == (
        f"[Serratus](/{SOUNDS}/) and the muh-SAH-zher; massagers, [SERRATUS](/{SOUNDS}/)."
    ), "phonemes where the entry has them, else the respelling"
    assert spoken("No words of it.", LEXICON, phonemes=True) == "No words of it."


def test_the_built_in_lexicon_reaches_the_timeline_and_the_written_words_stay() -> None:
    timeline = vc.compile("spi-massage")
    assert {word for word, _, _ in timeline.lexicon} >= {"serratus", "massager", "posterior", "inferior"}
    assert any("massager" in text for text in timeline.phrases())
    assert not any("[" in text or "SAH" in text for text in timeline.phrases())
    assert not any("SAH" in line for line in vc.script_lines(vc.estimate(timeline).schedule, "spi-massage"))


def test_a_routine_files_lexicon_is_spoken_and_keyed_on_what_the_engine_is_given(tmp_path: Path) -> None:
    """The cache key is the spoken text's: a lexicon entry changes the audio and the key, not the cue."""
    routine = tmp_path / "r.toml"
    routine.write_text(
        'id = "r"\ntitle = "Bell"\nkind = "stretch"\nsetup = ["Ring the bell."]\nhold = "5s"\n'
        '[lexicon]\nbell = "banana"\n',
        "utf-8",
    )
    timeline = vc.compile(vc.load(routine))
    assert ("bell", "banana", "") in timeline.lexicon
    cache = PhraseCache(tmp_path / "cache")
    plain = EngineSettings(engine="pyttsx3")
    respelled = EngineSettings(engine="pyttsx3", lexicon=timeline.lexicon)
    with_lexicon = synthesize_phrases(["Ring the bell."], respelled, cache)["Ring the bell."]
    without = synthesize_phrases(["Ring the bell."], plain, cache)["Ring the bell."]
    banana = synthesize_phrases(["Ring the banana."], plain, cache)["Ring the banana."]
    np.testing.assert_array_equal(with_lexicon.samples, banana.samples)
    assert not np.array_equal(with_lexicon.samples, without.samples)
    engine = get_engine("pyttsx3")
    resolved = EngineSettings(engine="pyttsx3", voice=engine.resolve_voice(None))
    key = cache_key(
        engine, EngineSettings("pyttsx3", resolved.voice, lexicon=timeline.lexicon), "Ring the bell."
    )
    assert key == cache_key(engine, resolved, "Ring the banana.")


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('"two words" = "x"', r'lexicon\."two words": a lexicon entry is one word'),
        ("bell = [1, 2]", r"lexicon\.bell: must be a table"),
        ('bell = { sya = "x" }', r"lexicon\.bell\.sya: unknown key; did you mean 'say'\?"),
    ],
)
def test_a_bad_lexicon_entry_is_refused_naming_it(tmp_path: Path, entry: str, problem: str) -> None:
    routine = tmp_path / "r.toml"
    routine.write_text(
        f'id = "r"\ntitle = "R"\nkind = "stretch"\nsetup = ["Reach."]\n[lexicon]\n{entry}\n', "utf-8"
    )
    with pytest.raises(vc.RoutineError, match=problem):
        vc.load(routine)
