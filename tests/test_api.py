"""The public library API, used as the README's "Use from Python" shows: a plain script without a main
guard, real synthesis, a real MP3; play through an injected sink and clock (no sound card here)."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from audio_cli_helpers import probe
from fakes import FakeClock, RecordingSink

import voice_coach as vc
from voice_coach.compiler.estimate import estimate_ms
from voice_coach.compiler.schedule import SAY_GAP_MS
from voice_coach.compiler.timeline import Hold, Say
from voice_coach.speech import lengths

SCRIPT = """\
import voice_coach as vc
session = vc.load("kneeling-twist")
timeline = vc.compile(session, hold="5s", sets=1, countdown="minimal")
result = vc.export(timeline, "twist.mp3", cues=["lrc"])
print(result.length_ms, len(result.paths))
"""


def test_the_readme_script_runs_as_a_plain_script_and_writes_an_mp3(tmp_path: Path) -> None:
    """No ``if __name__ == "__main__"`` guard: synthesis workers must not re-run the user's script."""
    (tmp_path / "script.py").write_text(SCRIPT, "utf-8")
    done = subprocess.run(
        [sys.executable, "script.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    length_ms, paths = (int(v) for v in done.stdout.split())
    assert paths == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["script.py", "twist.lrc", "twist.mp3"]
    info = probe(tmp_path / "twist.mp3", "-show_format", "-show_chapters")
    assert info["format"]["format_name"] == "mp3"
    assert (
        abs(float(info["format"]["duration"]) - float(info["format"]["start_time"]) - length_ms / 1000) < 0.03
    )
    assert info["chapters"][0]["tags"]["title"].startswith("Kneeling twist stretch")


def test_compile_takes_the_clis_values_and_names_a_bad_one() -> None:
    timeline = vc.compile("kneeling-twist", hold="20s", sets=4, sides="left")
    holds = [b for b in timeline.blocks if isinstance(b, Hold)]
    assert [(b.ms, b.side, b.set) for b in holds] == [(20_000, "left", n) for n in range(1, 5)]
    with pytest.raises(vc.UsageError) as caught:
        vc.compile("kneeling-twist", hold="0s")
    assert str(caught.value) == "hold: must be longer than zero (got '0s'); use e.g. 30s"
    assert caught.value.worded(lambda name: f"--{name}").startswith("--hold: must be longer")
    with pytest.raises(vc.UsageError, match=r"^sets: must be a whole number from 1 to 50$"):
        vc.compile("kneeling-twist", sets=0)
    with pytest.raises(vc.UsageError, match=r"^set spi-massage\.hold: "):
        vc.compile("spi", per_routine={"spi-massage": {"hold": "forever"}})


def test_load_names_the_file_and_fix(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\n', "utf-8")
    with pytest.raises(vc.RoutineError, match=r"bad\.toml"):
        vc.load(bad)
    with pytest.raises(vc.UsageError, match="no built-in routine or session 'no-such-routine'"):
        vc.load("no-such-routine")


def test_estimate_and_synthesize_schedule_the_same_blocks() -> None:
    timeline = vc.compile("kneeling-twist", hold="5s", sets=1)
    speech = vc.Speech(engine="pyttsx3")
    guessed = vc.estimate(timeline, speech)
    spoken = vc.synthesize(timeline, speech)
    count = len(timeline.phrases())
    assert guessed.timing == f"estimated for pyttsx3 voice gmw/en at 1x: 0 of {count} phrases cached"
    assert spoken.timing.startswith("exact, pyttsx3 voice ")
    assert [type(s.block) for s in guessed.schedule.slots] == [type(s.block) for s in spoken.schedule.slots]
    assert spoken.schedule.rate == spoken.speech.sample_rate == guessed.schedule.rate
    again = vc.estimate(timeline, speech)
    assert again.exact and again.schedule == spoken.schedule
    assert again.timing == f"estimated for pyttsx3 voice gmw/en at 1x: {count} of {count} phrases cached"


def test_an_engine_that_is_not_installed_is_estimated_by_its_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str | None = None) -> None:
        raise vc.SynthesisError("the Piper engine needs piper-tts; install it with: ...")

    monkeypatch.setattr(lengths, "get_engine", missing)
    timeline = vc.compile("kneeling-twist", hold="5s", sets=1)
    guessed = vc.estimate(timeline, vc.Speech(engine="piper", rate="1.5x"))
    assert guessed.timing == f"estimated for piper at 1.5x: 0 of {len(timeline.phrases())} phrases cached"
    assert guessed.schedule.rate == 1000
    say = next(s for s in guessed.schedule.slots if isinstance(s.block, Say))
    assert isinstance(say.block, Say)
    assert say.length == estimate_ms(say.block.text, "piper", 1.5) + SAY_GAP_MS


def test_play_speaks_the_session_into_the_sink_it_is_given() -> None:
    clock = FakeClock()
    sink = RecordingSink(clock)
    timeline = vc.compile("kneeling-twist", hold="5s", sets=1, sides="left", lead_in=0)
    spoken = vc.synthesize(timeline, vc.Speech(engine="pyttsx3"))
    played = vc.play(spoken, sink=sink, clock=clock)
    assert played.outcome.ended == "finished"
    assert played.schedule == spoken.schedule
    assert sum(len(r.samples) for r in sink.records) == spoken.schedule.total
    assert clock.now() >= spoken.schedule.total / spoken.schedule.rate


def test_play_starts_before_synthesis_ends_and_plays_what_a_finished_synthesis_gives(tmp_path: Path) -> None:
    """Cold cache: the first buffer reaches the device while phrases are still missing from the cache
    (the rest are spoken as it plays), and everything played equals the mix of the finished synthesis."""
    clock = FakeClock()
    cache = tmp_path / "cache"
    speech = vc.Speech(engine="pyttsx3", cache_dir=cache)
    timeline = vc.compile("kneeling-twist", hold="7s", sets=2, lead_in=0)
    cached_at_first_buffer: list[int] = []

    class Watching(RecordingSink):
        def start(self, samples: Any, rate: int) -> Any:
            if not cached_at_first_buffer:
                cached_at_first_buffer.append(len(list(cache.rglob("*.wav"))))
            return super().start(samples, rate)

    sink = Watching(clock)
    played = vc.play(timeline, speech, sink=sink, clock=clock)
    assert played.outcome.ended == "finished"
    assert cached_at_first_buffer[0] < len(timeline.phrases())
    finished = vc.synthesize(timeline, speech)
    assert finished.speech.synthesized == 0 and played.schedule == finished.schedule
    heard = np.concatenate([record.samples for record in sink.records])
    np.testing.assert_array_equal(heard, vc.api.mixed(finished, None, -16.0).clip().samples)


def test_an_unwritable_cache_is_a_python_warning(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", "utf-8")
    timeline = vc.compile("kneeling-twist", hold="5s", sets=1, sides="left")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        vc.synthesize(timeline, vc.Speech(engine="pyttsx3", cache_dir=blocker / "cache"))
    assert any(issubclass(w.category, vc.VoiceCoachWarning) for w in seen)


def test_the_public_names_are_documented() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    section = readme.split("## Use from Python", 1)[1].split("\n## ", 1)[0]
    calls = ("load", "compile", "estimate", "synthesize", "export", "play")
    missing = [name for name in calls if f"vc.{name}(" not in section]
    assert missing == []
    assert all(hasattr(vc, name) for name in vc.__all__)


def test_cover_art_is_the_titles_png_the_same_every_time() -> None:
    timeline = vc.compile("kneeling-twist")
    art = vc.cover_art(timeline)
    assert art.startswith(b"\x89PNG\r\n\x1a\n") and art[16:24] == (600).to_bytes(4, "big") * 2
    assert art == vc.cover_art(vc.compile("kneeling-twist", hold="20s"))
    assert art != vc.cover_art(vc.compile("kneeling-overhead"))


ALSA_OUTPUTS = "pcm.!default { type null }\npcm.coachleft { type null }\n"
"""Two null outputs for the devices example: no sound card here."""


def readme_examples() -> list[str]:
    """The "Use from Python" examples that make no sound (the first, which plays, is ``SCRIPT`` above)."""
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    section = readme.split("## Use from Python", 1)[1].split("\n## ", 1)[0]
    blocks = [block.split("```", 1)[0] for block in section.split("```python\n")[1:]]
    return [
        block for block in blocks if not any("vc.play(" in line.split("#")[0] for line in block.splitlines())
    ]


@pytest.mark.parametrize("example", readme_examples(), ids=lambda block: block.splitlines()[2][:30])
def test_the_readmes_examples_run(tmp_path: Path, example: str) -> None:
    (tmp_path / "asound.conf").write_text(ALSA_OUTPUTS, "utf-8")
    env = {**os.environ, "ALSA_CONFIG_PATH": str(tmp_path / "asound.conf"),
           "VOICE_COACH_DATA_DIR": str(tmp_path / "data")}  # fmt: skip
    (tmp_path / "example.py").write_text(example, "utf-8")
    done = subprocess.run([sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, check=False, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() and "Traceback" not in done.stderr


def test_the_readme_shows_every_group_of_calls() -> None:
    examples = "\n".join(readme_examples())
    groups = ("vc.catalog(", "vc.new_routine(", "vc.voices(", "vc.say(", "vc.cache_info(", "vc.clear_cache(",
              "vc.history(", "vc.start_point(", "vc.devices(", "vc.server(", "vc.handout(", "vc.pack(",
              "vc.import_pack(")  # fmt: skip
    assert [call for call in groups if call not in examples] == []
    assert len(readme_examples()) == 5
