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
from voice_coach.printed import Wording, printed, printed_count
from voice_coach.routine.model import Progression, Routine, Session


@dataclass(frozen=True)
class Move:
    """Where a programme stands after a rating: the step (1-based) and why, in words."""

    step: int
    why: Wording

    @property
    def reason(self) -> str:
        """Why, in English."""
        return str(self.why)


@dataclass(frozen=True)
class Today:
    """The step a run uses, out of how many, why, and what it changes per routine id."""

    step: int
    steps: int
    why: Wording
    overrides: dict[str, Overrides] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """Why, in English."""
        return str(self.why)

    def summary(self, language: str = "en") -> str:
        """What ``show`` prints, e.g. ``hold 25 s, 3 sets (step 2 of 5): pain 3 or less in your last 2
        sessions``, in ``language``."""
        what = self.settings(language)
        where = printed(language, "(step {step} of {steps}): {reason}", step=self.step, steps=self.steps,
                        reason=self.why.said_in(language))  # fmt: skip
        return f"{what + ' ' if what else ''}{where}"

    def settings(self, language: str = "en") -> str:
        """What the step sets, e.g. ``hold 25 s, 3 sets`` (empty when it sets nothing), in ``language``."""
        first = next(iter(self.overrides.values()), None)
        values = []
        if first is not None and first.hold_ms is not None:
            values.append(printed(language, "hold {length}", length=_length(first.hold_ms)))
        if first is not None and first.sets is not None:
            values.append(printed_count(language, first.sets, "{count} set", "{count} sets"))
        return ", ".join(values)


def replay(progression: Progression, steps: int, pains: Sequence[int | None]) -> list[Move]:
    """Where the programme stands after each rating of ``pains`` (oldest first; None: not rated)."""
    step, calm, previous = 1, 0, None
    moves: list[Move] = []
    for pain in pains:
        if pain is None:
            moves.append(Move(step, moves[-1].why if moves else _NOT_YET))
            continue
        if previous is not None and pain - previous >= progression.back_rise:
            back = (
                "pain rose from {previous} to {pain} in your last session, so a step back"
                if step > 1
                else "pain rose from {previous} to {pain} in your last session, so you stay at the first step"
            )
            step, calm = max(1, step - 1), 0
            reason = Wording.of(back, previous=previous, pain=pain)
        elif pain <= progression.up_pain:
            calm += 1
            reason = _calm_reason(progression, calm)
            if calm >= progression.up_sessions:
                calm = 0
                reason = _up_reason(progression) if step < steps else _TOP
                step = min(steps, step + 1)
        else:
            calm = 0
            up = progression.up_pain
            reason = Wording.of(
                "pain {pain} in your last session; up when it is {up} or less", pain=pain, up=up
            )
        previous = pain
        moves.append(Move(step, reason))
    return moves


def today(target: Routine | Session, pains: Sequence[int | None], step: int | None = None) -> Today:
    """The step of the next run of ``target`` after the rated sessions ``pains`` (oldest first), or the
    ``step`` the person chose (``UsageError`` naming ``step`` when outside the file's steps)."""
    if step is not None:
        rungs = check_step(target, step)
        return Today(step, rungs.steps, Wording.of("the step you chose"), rungs.overrides(step))
    rungs = ladder(target)
    moves = replay(rungs.progression, rungs.steps, pains)
    now = moves[-1] if moves else Move(1, _NOT_YET)
    return Today(now.step, rungs.steps, now.why, rungs.overrides(now.step))


def steps_played(target: Routine | Session, pains: Sequence[int | None]) -> list[int]:
    """The step each of the sessions ``pains`` was played at (the step before its own rating)."""
    rungs = ladder(target)
    moves = replay(rungs.progression, rungs.steps, pains)
    return [1, *(move.step for move in moves)][: len(pains)]


def with_step(choices: RunChoices, chosen: Today) -> RunChoices:
    """``choices`` at the step ``chosen`` (the compiler puts its hold and sets under the person's own)."""
    return replace(choices, step=chosen.step)


_NOT_YET = Wording.of("no rated sessions yet, so the first step")
_TOP = Wording.of("the top step: the file's ranges are reached")


def _up_reason(progression: Progression) -> Wording:
    if progression.up_sessions == 1:
        return Wording.of("pain {up} or less in your last session", up=progression.up_pain)
    count = progression.up_sessions
    return Wording.of("pain {up} or less in your last {count} sessions", up=progression.up_pain, count=count)


def _no_move(progression: Progression, pain: int) -> Wording:
    up = progression.up_pain
    return Wording.of("pain {pain} in your last session; up when it is {up} or less", pain=pain, up=up)


def _calm_reason(progression: Progression, calm: int) -> Wording:
    left = progression.up_sessions - calm
    if left == 1:
        return Wording.of("one more session with pain {up} or less to go up", up=progression.up_pain)
    up = progression.up_pain
    return Wording.of("{count} more sessions with pain {up} or less to go up", count=left, up=up)


def _length(ms: int) -> str:
    """``25 s`` for a hold under a minute, else the compact form (``2m30s``)."""
    return f"{ms // 1000} s" if ms < 60_000 and ms % 1000 == 0 else format_duration(ms)
