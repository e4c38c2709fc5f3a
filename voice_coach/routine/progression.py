"""A file's ``[progression]`` table: how a programme moves through the ranges the file records.

What a physiotherapist's home programme does, written down: lengthen the holds a step at a time up to
the range's max, then add a set up to its max; go up a step when the back has stayed calm (pain 3 or less
out of 10 in the last 2 rated sessions), step back after a flare (pain up by 2 or more since the rating
before). The table only says the sizes and the rules; the ranges are the routines' own (``hold = { min =
..., max = ... }``, ``sets = { ... }``), so a programme can never leave them.

    [progression]
    hold = "5s"                 # a step lengthens each hold by this much, up to its range's max
    sets = 1                    # then adds this many sets, up to the range's max
    routines = ["foam-roller"]  # in a session: the routines that move (default: all that have a range)
    up_pain = 3                 # go up after sessions rated this or less...
    up_sessions = 2             # ...this many in a row
    back_rise = 2               # step back when pain rises this much from one rating to the next
"""

from __future__ import annotations

from voice_coach.routine.model import PAIN_MAX, Progression
from voice_coach.routine.table import Table

PROGRESSION_KEYS = ("hold", "sets", "routines", "up_pain", "up_sessions", "back_rise")
STEP_LIMIT_MS = 60_000


def read_progression(table: Table) -> Progression | None:
    """The file's ``[progression]`` table, every value checked; None when the file has none."""
    sub = table.table("progression", PROGRESSION_KEYS)
    if sub is None:
        return None
    hold = sub.duration("hold", limit_ms=STEP_LIMIT_MS, allow_zero=True)
    sets = sub.count("sets", low=0, high=10)
    up_pain = sub.count("up_pain", low=0, high=PAIN_MAX)
    up_sessions = sub.count("up_sessions", low=1, high=20)
    back_rise = sub.count("back_rise", low=1, high=PAIN_MAX)
    defaults = Progression()
    return Progression(
        hold_step_ms=defaults.hold_step_ms if hold is None else hold,
        sets_step=defaults.sets_step if sets is None else sets,
        routines=sub.texts("routines", ()),
        up_pain=defaults.up_pain if up_pain is None else up_pain,
        up_sessions=defaults.up_sessions if up_sessions is None else up_sessions,
        back_rise=defaults.back_rise if back_rise is None else back_rise,
    )


def check_moving(table: Table, progression: Progression | None, ids: list[str]) -> None:
    """The ``routines`` a session's ``[progression]`` moves must be routines of the session."""
    if progression is None:
        return
    for index, routine_id in enumerate(progression.routines):
        if routine_id not in ids:
            raise table.fail_at(
                f"progression.routines[{index}]",
                f"{routine_id!r} is not a routine of this session; use one of {', '.join(ids)}",
            )
