"""Where a live session starts: at the top, at a routine of a session (``--from``), or at the step where
the last unfinished session stopped (``--resume``).

A start is resolved against the synthesized schedule, because only then are the samples known. History
records the step's index and its routine's id, not a time: a step index survives another ``--hold``, and
when the steps no longer match (other ``--sets``), the routine it was in is still the right place to go on.
"""

from __future__ import annotations

import bisect
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

    def position(self, schedule: Schedule, plan: StepMap) -> int:
        """The sample to start at: the step if it still lies in the routine, else the routine's start."""
        if self.step is not None and 0 <= self.step < len(plan.steps):
            start = plan.steps[self.step].start
            if routine_at(schedule, start) == self.routine:
                return start
        starts = [start for start, routine in _chapters(schedule) if routine == self.routine]
        return starts[0] if starts else 0


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
    chapters = _chapters(schedule)
    if not chapters:
        return ""
    index = bisect.bisect_right([start for start, _ in chapters], position) - 1
    return chapters[max(index, 0)][1]


def _chapters(schedule: Schedule) -> list[tuple[int, str]]:
    """(start, routine id) of every chapter mark, in time order."""
    return [(slot.start, slot.block.routine_id) for slot in schedule.slots if isinstance(slot.block, Chapter)]


def session_entry(schedule: Schedule, outcome: Outcome, settings: dict[str, Any]) -> HistoryEntry:
    """The history entry of a played session: how long it played and ended, what was skipped and where it
    stopped (the step and its routine, for ``--resume``)."""
    plan = build_step_map(schedule)
    timeline = schedule.timeline
    return HistoryEntry.now(
        timeline.id,
        timeline.title,
        outcome.heard_ms,
        settings,
        ended=outcome.ended,
        total_ms=schedule.ms(schedule.total),
        skipped_ms=outcome.skipped_ms,
        stopped_ms=schedule.ms(outcome.position),
        stopped_step=plan.step_index(outcome.position),
        stopped_routine=routine_at(schedule, outcome.position),
    )


def resume_point(timeline: Timeline, entries: list[HistoryEntry]) -> StartAt | None:
    """``--resume``: where the last unfinished session of ``timeline`` stopped, or None if there is none
    (or a finished one came after it)."""
    last = last_unfinished(timeline.id, entries)
    if last is None:
        return None
    return StartAt(last.stopped_routine, last.stopped_step)
