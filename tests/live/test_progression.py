"""The programme over weeks: today's step as a pure function of the file and the rated history.

Golden histories: ``golden/progression.json`` beside this file holds, for each synthetic history of the
built-in ``spi`` (dated sessions, some unrated, some days skipped), the step and reason after every
session, and the hold and sets of one moving routine at that step. Regenerate it with
``UPDATE_GOLDEN=1 pytest tests/live/test_progression.py`` and review the diff before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import voice_coach as vc
from voice_coach.compiler.progression import ladder
from voice_coach.compiler.timeline import Hold
from voice_coach.errors import RoutineError, UsageError
from voice_coach.live.progression import replay, steps_played, today
from voice_coach.routine.model import Session

GOLDEN = Path(__file__).parent / "golden" / "progression.json"
HISTORIES: dict[str, list[tuple[str, int | None]]] = {
    "up": [("2026-03-02", 3), ("2026-03-04", 2), ("2026-03-06", 2), ("2026-03-09", 1)],
    "hold": [("2026-03-02", 3), ("2026-03-04", 4), ("2026-03-06", 3), ("2026-03-08", 5), ("2026-03-10", 4)],
    "step back": [("2026-03-02", 2), ("2026-03-03", 1), ("2026-03-05", 1), ("2026-03-07", 1),
                  ("2026-03-09", 3), ("2026-03-11", 2)],
    "flare at the first step": [("2026-03-02", 1), ("2026-03-04", 6), ("2026-03-06", 3)],
    "caps": [(f"2026-03-{day:02d}", 0) for day in range(1, 25)],
    "skipped days and ratings": [("2026-03-02", 2), ("2026-03-03", None), ("2026-03-17", 3),
                                 ("2026-04-20", None), ("2026-04-21", 2), ("2026-05-30", 2)],
}  # fmt: skip


def golden_moves(session: Session) -> dict[str, Any]:
    rungs = ladder(session)
    result: dict[str, Any] = {"steps": rungs.steps, "histories": {}}
    for name, history in HISTORIES.items():
        pains = [pain for _, pain in history]
        moves = replay(rungs.progression, rungs.steps, pains)
        result["histories"][name] = [
            {"date": date, "pain": pain, "step": move.step, "reason": move.reason,
             "side-lying-overhead": _values(rungs.overrides(move.step)["side-lying-overhead"])}
            for (date, pain), move in zip(history, moves, strict=True)
        ]  # fmt: skip
    return result


def _values(overrides: Any) -> str:
    return f"hold {overrides.hold_ms // 1000} s, {overrides.sets} sets"


def test_golden_progression_of_spi() -> None:
    session = vc.load("spi")
    assert isinstance(session, Session)
    actual = golden_moves(session)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(actual, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert json.loads(GOLDEN.read_text(encoding="utf-8")) == actual


def test_spi_climbs_the_articles_ranges_holds_first_then_sets() -> None:
    session = vc.load("spi")
    rungs = ladder(session)
    assert rungs.steps == 5
    side_lying = [rungs.overrides(step)["side-lying-overhead"] for step in range(1, 6)]
    assert [(o.hold_ms, o.sets) for o in side_lying] == [
        (20_000, 3), (25_000, 3), (30_000, 3), (30_000, 4), (30_000, 5)
    ]  # fmt: skip
    twist = [rungs.overrides(step)["kneeling-twist"] for step in range(1, 6)]
    assert [(o.hold_ms, o.sets) for o in twist] == [(30_000, 3)] * 3 + [(30_000, 4), (30_000, 5)]
    assert "spi-massage" not in rungs.overrides(5)  # "as tolerated": the massage does not move


def test_show_says_why() -> None:
    chosen = today(vc.load("spi"), [3, 2])
    assert chosen.summary() == "hold 25 s, 3 sets (step 2 of 5): pain 3 or less in your last 2 sessions"


def test_up_needs_the_sessions_in_a_row() -> None:
    session = vc.load("spi")
    assert today(session, [2, 5, 3]).step == 1  # 5 broke the run of calm sessions (and was a flare)
    assert today(session, [2, 4, 2, 3]).step == 2


def test_steps_played_are_the_steps_before_each_rating() -> None:
    assert steps_played(vc.load("spi"), [3, 2, 1, 1, 6]) == [1, 1, 2, 2, 3]


def test_a_chosen_step_outside_the_files_steps_is_refused() -> None:
    session = vc.load("spi")
    assert today(session, [], step=4).overrides["foam-roller"].sets == 4
    with pytest.raises(UsageError, match="step: 6 is outside spi's steps; choose 1 to 5"):
        today(session, [], step=6)
    with pytest.raises(UsageError, match=r"step: spi-massage has no \[progression\] table"):
        today(vc.load("spi-massage"), [], step=1)


def test_a_file_without_progression_stays_at_its_defaults() -> None:
    chosen = today(vc.load("foam-roller"), [0, 0, 0, 0])
    assert (chosen.step, chosen.steps, chosen.overrides) == (1, 1, {})


def test_a_routine_files_own_progression_moves_it(tmp_path: Path) -> None:
    path = tmp_path / "neck.toml"
    path.write_text(
        'id = "neck"\ntitle = "Neck"\nkind = "stretch"\nsetup = ["Tilt."]\n'
        'hold = { default = "20s", min = "20s", max = "45s" }\nsets = { default = 2, max = 3 }\n'
        '[progression]\nhold = "10s"\nup_sessions = 1\n',
        encoding="utf-8",
    )
    routine = vc.load(path)
    # 20 → 30 → 40 → 45 (the last step stops at the max), then 3 sets
    holds = [today(routine, [0] * n).overrides["neck"] for n in range(6)]
    assert [(o.hold_ms, o.sets) for o in holds] == [
        (20_000, 2), (30_000, 2), (40_000, 2), (45_000, 2), (45_000, 3), (45_000, 3)
    ]  # fmt: skip


def test_a_bad_progression_table_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "neck.toml"
    base = 'id = "neck"\ntitle = "Neck"\nkind = "stretch"\nsetup = ["Tilt."]\nhold = "20s"\n'
    path.write_text(base + "[progression]\nup_pain = 11\n", encoding="utf-8")
    with pytest.raises(RoutineError, match=r"progression\.up_pain: must be from 0 to 10, got 11"):
        vc.load(path)
    path.write_text(base + "[progression]\nup_pian = 2\n", encoding="utf-8")
    with pytest.raises(RoutineError, match="up_pian"):
        vc.load(path)


def test_a_session_progression_names_only_its_routines(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        'id = "mine"\ntitle = "Mine"\nroutines = ["foam-roller"]\n[progression]\nroutines = ["foam-rolle"]\n',
        encoding="utf-8",
    )
    with pytest.raises(RoutineError, match=r"progression\.routines\[0\]: 'foam-rolle' is not a routine of"):
        vc.load(path)


@given(st.lists(st.one_of(st.none(), st.integers(0, 10)), max_size=40))
def test_never_outside_the_files_ranges(pains: list[int | None]) -> None:
    session = SPI
    chosen = today(session, pains)
    assert 1 <= chosen.step <= chosen.steps
    for item in session.items:
        values = chosen.overrides.get(item.routine.id)
        if values is None:
            continue
        hold, sets = item.routine.hold, item.routine.sets
        assert hold is not None and values.hold_ms is not None and hold.contains(values.hold_ms)
        assert values.sets is not None and sets.contains(values.sets)
    assert today(session, pains) == chosen  # deterministic


SPI = vc.load("spi")


def holds(timeline: vc.Timeline, routine_id: str) -> list[tuple[int, int]]:
    """(hold ms, sets) of each hold of ``routine_id`` in ``timeline``."""
    return [(b.ms, b.sets) for b in timeline.blocks if isinstance(b, Hold) and b.routine_id == routine_id]


def test_the_compiler_plays_a_step_under_the_persons_own_values() -> None:
    at_two = holds(vc.compile("spi", step=2), "side-lying-overhead")
    assert set(at_two) == {(25_000, 3)}
    assert set(holds(vc.compile("spi", step=4), "kneeling-twist")) == {(30_000, 4)}
    assert set(holds(vc.compile("spi", step=4, hold="15s"), "side-lying-overhead")) == {(15_000, 4)}
    mine = vc.compile("spi", step=4, per_routine={"foam-roller": {"sets": 3}})
    assert set(holds(mine, "foam-roller")) == {(30_000, 3)} and set(holds(mine, "kneeling-twist")) == {
        (30_000, 4)
    }
    assert holds(vc.compile("spi"), "side-lying-overhead") == holds(
        vc.compile("spi", step=1), "side-lying-overhead"
    )


@pytest.mark.parametrize(
    ("target", "step", "message"),
    [
        ("spi", 6, "step: 6 is outside spi's steps; choose 1 to 5"),
        ("spi", 0, "step: step must be a whole number from 1, got 0"),
        (
            "foam-roller",
            1,
            "step: foam-roller has no [progression] table; add one to its file, or choose no step",
        ),
    ],
)
def test_a_step_the_file_does_not_have_is_refused(target: str, step: int, message: str) -> None:
    with pytest.raises(vc.ChoiceError) as caught:
        vc.compile(target, step=step)
    assert str(caught.value) == message and caught.value.exit_code == 2
