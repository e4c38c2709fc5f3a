"""The steps a file's ``[progression]`` allows: a ladder inside the ranges its routines record (pure).

First every moving hold grows by the file's step up to its range's max, then every moving routine gains
sets up to its max, so one kind of change happens at a time and the whole session changes it together.
Step 1 is the file's defaults; no step ever leaves a range (a value without a known max does not move).
Which step a run uses is the face's choice (``live.progression`` works it out from the history).
"""

from __future__ import annotations

from dataclasses import dataclass

from voice_coach.compiler.choices import Overrides, RunChoices, Selection, is_massage
from voice_coach.errors import ChoiceError, literal
from voice_coach.routine.model import Progression, Range, Routine, Session

NO_PROGRESSION = Progression(hold_step_ms=0, sets_step=0)


@dataclass(frozen=True)
class Ladder:
    """The steps a file allows: how many hold increments and set increments each moving routine has."""

    progression: Progression
    routines: tuple[Routine, ...]
    hold_steps: int
    sets_steps: int

    @property
    def steps(self) -> int:
        return 1 + self.hold_steps + self.sets_steps

    def overrides(self, step: int) -> dict[str, Overrides]:
        """Each moving routine's hold and sets at ``step`` (1-based), always inside its ranges."""
        k = step - 1
        chosen: dict[str, Overrides] = {}
        for routine in self.routines:
            hold = _rung(routine.hold, self.progression.hold_step_ms, min(k, self.hold_steps))
            sets = _rung(routine.sets, self.progression.sets_step, max(0, k - self.hold_steps))
            chosen[routine.id] = Overrides(hold_ms=hold, sets=sets)
        return chosen


def ladder(target: Routine | Session) -> Ladder:
    """The steps of ``target``'s ``[progression]`` over the ranges of its routines (one step when the file
    has no ``[progression]``)."""
    progression = target.progression or NO_PROGRESSION
    routines = (target,) if isinstance(target, Routine) else tuple(i.routine for i in target.items)
    moving = tuple(r for r in routines if not progression.routines or r.id in progression.routines)
    if target.progression is None:
        moving = ()
    holds = [_increments(r.hold, progression.hold_step_ms) for r in moving]
    sets = [_increments(r.sets, progression.sets_step) for r in moving]
    return Ladder(progression, moving, max(holds, default=0), max(sets, default=0))


def check_step(target: Routine | Session, step: int) -> Ladder:
    """``target``'s ladder if ``step`` is one of its steps; ``ChoiceError`` naming ``step`` otherwise."""
    rungs = ladder(target)
    if target.progression is None:
        problem = f"{target.id} has no [progression] table; add one to its file, or choose no step"
    elif not 1 <= step <= rungs.steps:
        problem = f"{step} is outside {target.id}'s steps; choose 1 to {rungs.steps}"
    else:
        return rungs
    raise ChoiceError(f"{{step}}: {literal(problem)}", name="step", problem=problem, given=str(step))


def step_selection(target: Routine | Session, choices: RunChoices) -> Selection:
    """The run's selection with the hold and sets of ``choices.step`` under the person's own values: a
    ``hold``/``sets`` (a massage's ``massage``) given for the run, or for one routine (``--set
    ID.hold=...``), wins over the step's."""
    if choices.step is None:
        return choices.selection
    per_routine = dict(choices.selection.per_routine)
    rungs = check_step(target, choices.step)
    mine = choices.overrides
    for routine in rungs.routines:
        values = rungs.overrides(choices.step)[routine.id]
        hold = mine.massage_ms if is_massage(routine) else mine.hold_ms
        step = Overrides(
            hold_ms=None if hold is not None else values.hold_ms,
            sets=None if mine.sets is not None else values.sets,
        )
        per_routine[routine.id] = step.merged(per_routine.get(routine.id, Overrides()))
    return Selection(choices.selection.only, choices.selection.skip, per_routine)


def _increments(values: Range | None, step: int) -> int:
    """How many steps of ``step`` fit from the default up to the max (the last one stops at the max)."""
    if values is None or values.max is None or step <= 0 or values.max <= values.default:
        return 0
    return -(-(values.max - values.default) // step)


def _rung(values: Range | None, step: int, k: int) -> int | None:
    """The value ``k`` steps up from the default, never above the max; None when there is no range."""
    if values is None:
        return None
    if values.max is None or step <= 0:
        return values.default
    return min(values.default + k * step, max(values.max, values.default))
