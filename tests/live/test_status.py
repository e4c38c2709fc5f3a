"""The status line at every width from 40 columns: the routine's name gives way first; the step, its
countdown, the side and the time left always stay."""

from __future__ import annotations

import pytest

from voice_coach.live.status import format_status
from voice_coach.live.steps import Status

MASSAGE = Status("Serratus posterior inferior self-massage", "Hold", 1, 1, "right", 17, 30, 340)
TWIST = Status("Kneeling twist stretch", "Hold", 1, 3, "left", 17, 100, 70)
LONG_STEP = Status(
    "Self-massage",
    "Place the massager's point on the muscle of your right side, just below the ribs.",
    *(None, None, "right", None, 10, 20),
)
PAUSED_REST = Status(
    "Side-lying overhead stretch",
    "Rest. Next up: Kneeling twist stretch.",
    None,
    None,
    None,
    150,
    0,
    1800,
    True,
)


def test_a_wide_line_shows_everything() -> None:
    assert format_status(TWIST, 200) == (
        "Kneeling twist stretch (left) | set 1 of 3 | Hold 17s | [######----] 01:10 left"
    )
    assert format_status(PAUSED_REST, 200) == (
        "Paused | Side-lying overhead stretch | Rest. Next up: Kneeling twist stretch. 2:30 | "
        "[----------] 30:00 left"
    )


def test_the_issues_lines_keep_the_hold_and_its_countdown() -> None:
    """At 80 columns the massage line had lost "Hold 17s" to "Ho"; at 64, the twist's hold was gone."""
    assert format_status(MASSAGE, 79) == (
        "Serratus posterior inferior sel... (right) | Hold 17s | [#---------] 05:40 left"
    )
    assert format_status(TWIST, 63) == "Kneeling twist stretch (left) | 1/3 | Hold 17s | 01:10 left"


def test_the_routine_name_is_shortened_before_the_step() -> None:
    assert format_status(LONG_STEP, 79) == (
        "Self-massage (right) | Place the massager's point... | [###-------] 00:20 left"
    )
    named = Status("A rather long routine title for a massage", "Breathe out slowly.", *(None,) * 4, 10, 20)
    assert format_status(named, 60) == "A rather... | Breathe out slowly. | [###-------] 00:20 left"


def test_at_40_columns_the_side_set_step_countdown_and_time_left_remain() -> None:
    assert format_status(MASSAGE, 40) == "right | Hold 17s | 05:40 left"
    assert format_status(TWIST, 40) == "left | 1/3 | Hold 17s | 01:10 left"
    assert format_status(PAUSED_REST, 40) == "Paused | Rest. Next... 2:30 | 30:00 left"


@pytest.mark.parametrize("status", [MASSAGE, TWIST, LONG_STEP, PAUSED_REST])
def test_every_width_from_40_keeps_step_countdown_and_time_left(status: Status) -> None:
    countdown = {17: "17s", 150: "2:30", None: ""}[status.countdown]
    left = f"{status.remaining // 60:02d}:{status.remaining % 60:02d} left"
    for width in range(40, 160):
        line = format_status(status, width)
        assert len(line) <= width, (width, line)
        assert line.endswith(left), (width, line)
        assert status.step[:8] in line and countdown in line, (width, line)
        assert (status.side or "") in line and line.startswith("Paused") == status.paused, (width, line)


def test_below_40_columns_the_line_still_never_overflows() -> None:
    for status in (MASSAGE, TWIST, LONG_STEP, PAUSED_REST):
        assert all(len(format_status(status, width)) <= width for width in range(0, 40))


@pytest.mark.parametrize("status", [MASSAGE, TWIST, LONG_STEP, PAUSED_REST])
def test_below_40_columns_the_minimal_form_keeps_side_countdown_and_time_left(status: Status) -> None:
    countdown = {17: "17s", 150: "2:30", None: ""}[status.countdown]
    left = f"{status.remaining // 60:02d}:{status.remaining % 60:02d}"
    for width in range(19, 40):
        line = format_status(status, width)
        assert len(line) <= width, (width, line)
        assert (status.side or "") in line and countdown in line and left in line, (width, line)
    assert format_status(MASSAGE, 39) == "right | 17s | 05:40 left"
    assert format_status(PAUSED_REST, 30) == "Paused | 2:30 | 30:00 left"
    assert format_status(TWIST, 19) == "left 17s 01:10 left"
