"""serve renders today's step of a file's [progression], as play and export do: the variant carries the
step, and its export is keyed by it, so a rating that moves the step makes a new export."""

from __future__ import annotations

from pathlib import Path

import pytest

import voice_coach as vc
from voice_coach.serve.variant import Defaults, parse_variant


def test_the_variant_follows_the_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICE_COACH_DATA_DIR", str(tmp_path / "data"))
    entry = vc.Catalog(tmp_path / "none").find("spi")
    assert entry is not None
    before = parse_variant(entry, {}, Defaults())
    assert before.choices.step == 1
    vc.log_session("spi", 2, day="2026-03-02")
    vc.log_session("spi", 3, day="2026-03-04")
    after = parse_variant(entry, {}, Defaults())
    assert after.choices.step == 2 and after.key != before.key
    mine = parse_variant(entry, {"hold": "15s"}, Defaults())
    assert mine.choices.step == 2 and mine.choices.overrides.hold_ms == 15_000, "the person's hold wins"


def test_a_routine_without_progression_has_no_step(tmp_path: Path) -> None:
    entry = vc.Catalog(tmp_path / "none").find("kneeling-twist")
    assert entry is not None
    assert parse_variant(entry, {}, Defaults()).choices.step is None
