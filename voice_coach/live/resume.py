"""Where a live session starts: at the top, at a routine of a session (``--from``), or at the step where
the last unfinished session stopped (``--resume``).

A start is resolved against the schedule as far as it is placed: the samples of a step are known once
every phrase before it is, so the player waits for that much and no more. History
records the step's index and its routine's id, not a time: a step index survives another ``--hold``, and
when the steps no longer match (other ``--sets``), the routine it was in is still the right place to go on.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from voice_coach.compiler.schedule import Schedule
from voice_coach.compiler.timeline import Chapter, Timeline
from voice_coach.errors import UsageError, literal
from voice_coach.live.history import HistoryEntry, last_unfinished
from voice_coach.live.outcome import Outcome
from voice_coach.live.steps import StepMap, build_step_map


@dataclass(frozen=True)
class StartAt:
    """A place to start: a routine's first chapter (``routine``), or ``step`` of routine ``routine``."""

    routine: str
    step: int | None = None

    def resolve(self, plan: StepMap, finished: bool) -> int | None:
        """The sample to start at, or None while ``plan`` (placed so far; all of it when ``finished``)
        does not reach it yet."""
        if self.step is not None and 0 <= self.step < len(plan.steps):
            start = plan.steps[self.step].start
            if _routine_among(plan.marks, start) == self.routine:
                return start
        elif self.step is not None and self.step >= 0 and not finished:
            return None  # the step is not placed yet
        starts = [start for start, routine in plan.marks if routine == self.routine]
        if starts:
            return starts[0]
        return 0 if finished else None


def check_from(timeline: Timeline, routine_id: str) -> StartAt:
    """``--from ROUTINE``: the start of that routine of ``timeline``; ``UsageError`` listing its routines."""
    ids = timeline.routine_ids
    if routine_id not in ids:
        listed = ", ".join(ids) or "none"
        raise UsageError(
            f"{{from}} {literal(routine_id)}: {literal(timeline.id)} has no such routine; "
            f"its routines: {literal(listed)}",
            options=("from",),
        )
    return StartAt(routine_id)


def routine_at(schedule: Schedule, position: int) -> str:
    """The id of the routine playing at ``position`` (the first routine's before its first chapter)."""
    return _routine_among(_chapters(schedule), position)


def _routine_among(chapters: Sequence[tuple[int, str]], position: int) -> str:
    """The routine of the last of ``chapters`` (start, routine id) at or before ``position``."""
    if not chapters:
        return ""
    index = bisect.bisect_right([start for start, _ in chapters], position) - 1
    return chapters[max(index, 0)][1]


def _chapters(schedule: Schedule) -> list[tuple[int, str]]:
    """(start, routine id) of every chapter mark, in time order."""
    return [(slot.start, slot.block.routine_id) for slot in schedule.slots if isinstance(slot.block, Chapter)]


def session_entry(
    schedule: Schedule,
    outcome: Outcome,
    settings: dict[str, Any],
    total_ms: int | None = None,
    total_estimated: bool = False,
) -> HistoryEntry:
    """The history entry of a played session: how long it played and ended, what was skipped and where it
    stopped (the step and its routine, for ``--resume``). ``total_ms``: the whole session's length
    (default: ``schedule``'s, which is the whole one when it was all placed)."""
    plan = build_step_map(schedule)
    timeline = schedule.timeline
    return HistoryEntry.now(
        timeline.id,
        timeline.title,
        outcome.heard_ms,
        settings,
        ended=outcome.ended,
        total_ms=schedule.ms(schedule.total) if total_ms is None else total_ms,
        skipped_ms=outcome.skipped_ms,
        stopped_ms=schedule.ms(outcome.position),
        stopped_step=plan.step_index(outcome.position),
        stopped_routine=routine_at(schedule, outcome.position),
        total_estimated=total_estimated,
    )


def resume_point(timeline: Timeline, entries: list[HistoryEntry]) -> StartAt | None:
    """``--resume``: where the last unfinished session of ``timeline`` stopped, or None if there is none
    (or a finished one came after it)."""
    last = last_unfinished(timeline.id, entries)
    if last is None:
        return None
    return StartAt(last.stopped_routine, last.stopped_step)
