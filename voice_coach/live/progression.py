"""Today's step of a programme: a pure function of the file (its ranges and ``[progression]``) and the
pain ratings of its past sessions.

The steps are the file's ladder (``compiler.progression``); step 1 is the file's defaults. Replaying
the ratings, oldest first, moves along the ladder: up after ``up_sessions`` ratings in a row of
``up_pain`` or less, back one after a flare (a rating ``back_rise`` or more above the one before).
Unrated sessions and days without a session change nothing. Nothing here reads a clock or a file, so the
same history always gives the same step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from voice_coach.compiler.choices import Overrides, RunChoices
from voice_coach.compiler.progression import check_step, ladder
from voice_coach.durations import format_duration
from voice_coach.routine.model import Progression, Routine, Session
from voice_coach.wording import plural


@dataclass(frozen=True)
class Move:
    """Where a programme stands after a rating: the step (1-based) and why, in words."""

    step: int
    reason: str


@dataclass(frozen=True)
class Today:
    """The step a run uses, out of how many, why, and what it changes per routine id."""

    step: int
    steps: int
    reason: str
    overrides: dict[str, Overrides] = field(default_factory=dict)

    def summary(self) -> str:
        """What ``show`` prints, e.g. ``hold 25 s, 3 sets (step 2 of 5): pain 3 or less in your last 2
        sessions``."""
        what = self.settings()
        return f"{what + ' ' if what else ''}(step {self.step} of {self.steps}): {self.reason}"

    def settings(self) -> str:
        """What the step sets, e.g. ``hold 25 s, 3 sets`` (empty when it sets nothing)."""
        first = next(iter(self.overrides.values()), None)
        values = []
        if first is not None and first.hold_ms is not None:
            values.append(f"hold {_length(first.hold_ms)}")
        if first is not None and first.sets is not None:
            values.append(plural(first.sets, "set"))
        return ", ".join(values)


def replay(progression: Progression, steps: int, pains: Sequence[int | None]) -> list[Move]:
    """Where the programme stands after each rating of ``pains`` (oldest first; None: not rated)."""
    step, calm, previous = 1, 0, None
    moves: list[Move] = []
    for pain in pains:
        if pain is None:
            moves.append(Move(step, moves[-1].reason if moves else _NOT_YET))
            continue
        if previous is not None and pain - previous >= progression.back_rise:
            back = "a step back" if step > 1 else "you stay at the first step"
            step, calm = max(1, step - 1), 0
            reason = f"pain rose from {previous} to {pain} in your last session, so {back}"
        elif pain <= progression.up_pain:
            calm += 1
            reason = _calm_reason(progression, calm)
            if calm >= progression.up_sessions:
                calm = 0
                reason = _up_reason(progression) if step < steps else _TOP
                step = min(steps, step + 1)
        else:
            calm = 0
            reason = f"pain {pain} in your last session; up when it is {progression.up_pain} or less"
        previous = pain
        moves.append(Move(step, reason))
    return moves


def today(target: Routine | Session, pains: Sequence[int | None], step: int | None = None) -> Today:
    """The step of the next run of ``target`` after the rated sessions ``pains`` (oldest first), or the
    ``step`` the person chose (``UsageError`` naming ``step`` when outside the file's steps)."""
    if step is not None:
        rungs = check_step(target, step)
        return Today(step, rungs.steps, "the step you chose", rungs.overrides(step))
    rungs = ladder(target)
    moves = replay(rungs.progression, rungs.steps, pains)
    now = moves[-1] if moves else Move(1, _NOT_YET)
    return Today(now.step, rungs.steps, now.reason, rungs.overrides(now.step))


def steps_played(target: Routine | Session, pains: Sequence[int | None]) -> list[int]:
    """The step each of the sessions ``pains`` was played at (the step before its own rating)."""
    rungs = ladder(target)
    moves = replay(rungs.progression, rungs.steps, pains)
    return [1, *(move.step for move in moves)][: len(pains)]


def with_step(choices: RunChoices, chosen: Today) -> RunChoices:
    """``choices`` at the step ``chosen`` (the compiler puts its hold and sets under the person's own)."""
    return replace(choices, step=chosen.step)


_NOT_YET = "no rated sessions yet, so the first step"
_TOP = "the top step: the file's ranges are reached"


def _up_reason(progression: Progression) -> str:
    sessions = "session" if progression.up_sessions == 1 else f"{progression.up_sessions} sessions"
    return f"pain {progression.up_pain} or less in your last {sessions}"


def _calm_reason(progression: Progression, calm: int) -> str:
    left = progression.up_sessions - calm
    more = "one more session" if left == 1 else f"{left} more sessions"
    return f"{more} with pain {progression.up_pain} or less to go up"


def _length(ms: int) -> str:
    """``25 s`` for a hold under a minute, else the compact form (``2m30s``)."""
    return f"{ms // 1000} s" if ms < 60_000 and ms % 1000 == 0 else format_duration(ms)
