"""Estimates against the real thing: ``list`` and ``show --estimate`` from an empty cache (the engine's
model) within 3 % of the exact length (real synthesis) for every built-in, and exact once the phrases are
cached; nothing is synthesized by an estimate."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

import voice_coach as vc
from voice_coach.cli.main import cli
from voice_coach.durations import clock

TOLERANCE = 0.03


def listed(runner: CliRunner) -> dict[str, str]:
    """``voice-coach list``: the length column by id."""
    result = runner.invoke(cli, ["list"])
    assert result.exit_code == 0, result.output
    return {line.split()[0]: line.split()[2] for line in result.stdout.splitlines()[1:]}


def cache_files() -> list[Path]:
    return sorted(Path(os.environ["VOICE_COACH_CACHE_DIR"]).rglob("*.wav"))


def test_list_estimates_every_builtin_within_3_percent_then_exactly(runner: CliRunner) -> None:
    """The default engine (hibari) at its natural pace, the cache empty, then warm."""
    cold = listed(runner)
    guesses = {routine_id: vc.estimate(vc.compile(routine_id)) for routine_id in vc.builtin_ids()}
    assert cache_files() == [], "an estimate synthesizes nothing"
    errors, exact = {}, {}
    for routine_id, guess in guesses.items():
        assert not guess.exact
        assert cold[routine_id] == "~" + clock(guess.schedule.ms(guess.schedule.total))
        spoken = vc.synthesize(guess.timeline)
        errors[routine_id] = guess.schedule.total / spoken.schedule.total - 1
        exact[routine_id] = clock(spoken.schedule.ms(spoken.schedule.total))
        warm = vc.estimate(guess.timeline)
        assert warm.exact and warm.timing.endswith(" phrases cached")
        assert warm.schedule == spoken.schedule
    assert all(abs(error) <= TOLERANCE for error in errors.values()), errors
    assert listed(runner) == exact


def test_an_estimate_reads_what_is_cached_and_models_the_rest(runner: CliRunner) -> None:
    """Half a cache: the cached phrases' real lengths, the model for the others."""
    timeline = vc.compile("kneeling-twist", hold="5s", sets=1, sides="left")
    speech = vc.Speech(engine="pyttsx3", rate="1.2x")
    spoken = vc.synthesize(timeline, speech)
    cached = vc.estimate(timeline, speech)
    assert cached.exact and cached.schedule == spoken.schedule
    entries = cache_files()
    entries[0].write_bytes(entries[0].read_bytes()[:100])  # damaged: shorter than its header says
    entries[1].unlink()
    partly = vc.estimate(timeline, speech)
    phrases = len(timeline.phrases())
    assert (
        partly.timing
        == f"estimated for pyttsx3 voice gmw/en at 1.2x: {phrases - 2} of {phrases} phrases cached"
    )
    assert not partly.exact and partly.schedule.rate == 22050
    assert abs(partly.schedule.total / spoken.schedule.total - 1) < TOLERANCE
    other_rate = vc.estimate(timeline, vc.Speech(engine="pyttsx3"))
    assert other_rate.speech.samples == {}
