"""The player's state machine on its own: transitions of a ``Playback`` value against maps of steps, with
no device, thread or clock (times are plain numbers)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_player import RATE, phrase_length, sample_timeline

import voice_coach as vc
from voice_coach.compiler.schedule import Schedule, schedule
from voice_coach.compiler.timeline import Chapter, Hold
from voice_coach.live.commands import CommandQueue
from voice_coach.live.outcome import Outcome, stopped_at
from voice_coach.live.playback import Jump, Playback, command, cut, finished_buffer, land, started, starting
from voice_coach.live.resume import StartAt
from voice_coach.live.steps import StepMap, build_step_map

WHOLE = schedule(sample_timeline(), phrase_length, RATE)


def placed(slots: int) -> StepMap:
    """The map of steps when only the first ``slots`` slots are placed (the rest still being spoken)."""
    part = Schedule(WHOLE.timeline, RATE, WHOLE.slots[:slots], ())
    return build_step_map(part, part.total)


def mark(routine: str, side: str | None = None) -> int:
    """The index of the slot of routine ``routine``'s chapter mark (of ``side``)."""
    return next(
        i
        for i, s in enumerate(WHOLE.slots)
        if isinstance(s.block, Chapter) and (s.block.routine_id, s.block.side) == (routine, side)
    )


FULL = build_step_map(WHOLE)
B = WHOLE.slots[mark("b")].start


def playing_at(position: int) -> Playback:
    """Sounding the step that holds ``position``, started so that ``position`` is reached at time 10."""
    step = FULL.steps[FULL.step_index(position)]
    state = replace(starting(RATE), cursor=step.start)
    return started(state, step.end, 10.0 - (position - step.start) / RATE)


def test_next_chapter_not_placed_yet_waits_and_lands_on_its_first_sample() -> None:
    before_b = placed(mark("b"))  # everything up to, not including, massage B's mark
    playing = playing_at(2 * RATE)
    reached = playing.position(10.0)
    assert abs(reached - 2 * RATE) <= 1
    state = command(playing, "next-chapter", before_b, 10.0)
    assert state.sounding is None and state.cursor == reached and state.heard[-1][1] == reached
    assert state.jump == Jump("chapter", reached)
    assert land(state, before_b, finished=False) == state, "not placed: nothing to land on yet"
    landed = land(state, placed(mark("b") + 2), finished=False)
    assert (landed.cursor, landed.jump) == (B, None)


def test_pressed_twice_before_landing_goes_one_chapter_further() -> None:
    state = command(playing_at(2 * RATE), "next-chapter", placed(3), 10.0)
    state = command(state, "next-chapter", placed(3), 10.5)
    assert land(state, FULL, finished=True).cursor == WHOLE.slots[mark("b", "right")].start


def test_next_chapter_in_the_last_one_ends_where_the_session_ends() -> None:
    state = command(playing_at(WHOLE.total - RATE), "next-chapter", FULL, 10.0)
    assert land(state, FULL, finished=True).cursor == WHOLE.total


def test_next_step_waits_for_the_next_step_to_be_placed() -> None:
    second = FULL.starts[1]
    state = command(playing_at(10), "next", placed(1), 10.0)
    assert land(state, placed(1), finished=False).jump is not None
    assert land(state, FULL, finished=True).cursor == second


def test_a_resume_point_waits_for_its_step_and_becomes_the_start() -> None:
    step = FULL.step_index(B) + 2
    state = starting(RATE, StartAt("b", step))
    assert land(state, placed(4), finished=False).jump is not None
    landed = land(state, FULL, finished=True)
    assert (landed.cursor, landed.start) == (FULL.steps[step].start, FULL.steps[step].start)
    gone = land(starting(RATE, StartAt("b", 10_000)), FULL, finished=True)
    assert gone.cursor == B, "a step that no longer exists: the routine's start"


def test_back_chapter_restarts_it_and_twice_within_two_seconds_the_one_before() -> None:
    right = WHOLE.slots[mark("b", "right")].start
    once = command(playing_at(right + 3 * RATE), "back-chapter", FULL, 10.0)
    assert once.cursor == right
    twice = command(started(once, right + RATE, 10.0), "back-chapter", FULL, 11.5)
    assert twice.cursor == B
    slowly = command(started(once, right + RATE, 10.0), "back-chapter", FULL, 12.5)
    assert slowly.cursor == right


def test_pause_in_a_phrase_resumes_from_its_start_and_moving_while_paused_stays_paused() -> None:
    phrase = WHOLE.speech()[1]
    paused = command(playing_at(phrase.start + 100), "pause", FULL, 10.0)
    assert (paused.paused, paused.cursor, paused.sounding) == (True, phrase.start, None)
    assert command(paused, "pause", FULL, 11.0) == paused
    moved = command(paused, "back", FULL, 12.0)
    assert moved.paused and command(moved, "continue", FULL, 13.0).paused is False


def test_heard_and_skipped_come_from_the_spans_the_device_played() -> None:
    state = finished_buffer(started(starting(RATE), RATE, 0.0))
    state = command(started(state, 2 * RATE, 1.0), "next-chapter", FULL, 1.5)
    state = land(state, FULL, finished=True)
    outcome = cut(started(state, B + RATE, 2.0), 2.25).outcome(2.25)
    assert outcome.heard == ((0, RATE), (RATE, RATE + RATE // 2), (B, B + RATE // 4))
    assert outcome.skipped_ms == (B - RATE - RATE // 2) * 1000 // RATE
    assert outcome.ended == "interrupted"


def test_a_command_queue_hands_over_commands_in_order_and_refuses_others() -> None:
    remote = CommandQueue()
    remote.put("next-chapter")
    remote.put("quit")
    assert [remote.poll(), remote.poll(), remote.poll()] == ["next-chapter", "quit", None]
    with pytest.raises(ValueError, match="'skip' is not a player command"):
        remote.put("skip")  # type: ignore[arg-type]


def test_a_stopped_session_says_where_it_stopped_not_what_a_minutes_rounding_makes_of_it() -> None:
    """The issue's case: Ctrl-C at 01:13 of kneeling-twist printed "1 min, 1 stretch"."""
    plan = vc.estimate(vc.compile("kneeling-twist")).schedule
    hold = next(s for s in plan.slots if isinstance(s.block, Hold) and s.block.set == 2)
    outcome = Outcome("interrupted", hold.start + plan.rate, ((0, hold.start + plan.rate),), plan.rate)
    at, total = plan.ms(outcome.position) // 1000, plan.ms(plan.total) // 1000
    expected = f"Stopped at {at // 60:02d}:{at % 60:02d} of {total // 60:02d}:{total % 60:02d}"
    assert stopped_at(plan, outcome, plan.ms(plan.total)) == f"{expected} (right side, set 2 of 3)."
    assert stopped_at(plan, outcome, 339_000, estimated=True).endswith(
        " of about 05:39 (right side, set 2 of 3)."
    )
    spi = vc.estimate(vc.compile("spi")).schedule
    early = Outcome("quit", spi.rate * 75, (), spi.rate)
    assert stopped_at(spi, early, 1_738_000) == "Stopped at 01:15 of 28:58 (Self-massage, right side)."
