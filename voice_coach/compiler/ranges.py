"""Warnings for a run whose choices leave what a routine's file recommends (pure).

A file records the ranges its source gives (``hold = { default = "20s", min = "15s", max = "30s" }``,
``sets = { ..., min = 3, max = 5 }``); a run may go outside them (the user decides), but is told once per
value, naming the range and every routine it leaves: ``hold 45 s is longer than 15-30 s for
side-lying-overhead and standing-overhead``. A massage too short for its prompts is told too: each prompt
needs its share of the hold (``CUE_SPACING_MS``), and so does the countdown at its end.
"""

from __future__ import annotations

from voice_coach.compiler.choices import is_massage
from voice_coach.compiler.cues import CUE_SPACING_MS
from voice_coach.durations import format_duration
from voice_coach.routine.model import Range, Routine
from voice_coach.wording import spoken_list

DASH = "\u2013"
"""Between a range's ends, as the source writes them: 15\u201330 s."""


def range_warnings(files: list[Routine], run: list[Routine]) -> tuple[str, ...]:
    """One warning per value of the run outside its file's range (``files`` and ``run``: the same
    routines, before and after the run's choices), then one per massage too short for its prompts."""
    found: dict[str, list[str]] = {}
    for file, done in zip(files, run, strict=True):
        checks: list[tuple[str, Range | None, Range | None, bool]] = [
            ("massage" if is_massage(file) else "hold", file.hold, done.hold, True),
            ("sets", file.sets if file.hold else None, done.sets, False),
        ]
        for name, recorded, chosen, timed in checks:
            if recorded is None or chosen is None or chosen.default == recorded.default:
                continue
            problem = outside(name, chosen.default, recorded, timed)
            if problem:
                found.setdefault(problem, []).append(file.id)
    warnings = [f"{problem} for {spoken_list(ids)}" for problem, ids in found.items()]
    return tuple(warnings + [w for r in run if (w := too_short(r))])


def outside(name: str, value: int, recorded: Range, timed: bool) -> str | None:
    """``hold 45 s is longer than 15-30 s``, or None when ``value`` lies inside ``recorded``."""
    if recorded.contains(value) or (recorded.min is None and recorded.max is None):
        return None
    show = said if timed else str
    span = span_of(recorded, show)
    above = recorded.max is not None and value > recorded.max
    if timed:
        return f"{name} {show(value)} is {'longer' if above else 'shorter'} than {span}"
    return f"{name} {value} is {'more' if above else 'fewer'} than {span}"


def too_short(routine: Routine) -> str | None:
    """A warning when a massage's prompts cannot all be said in its length: each needs a share."""
    if routine.hold is None or not routine.during or not is_massage(routine):
        return None
    needed = (len(routine.during) + 2) * CUE_SPACING_MS
    if routine.hold.default >= needed:
        return None
    return (
        f"massage {said(routine.hold.default)} is too short for the {len(routine.during)} prompts of "
        f"{routine.id}; some will not be said (give it at least {said(needed)})"
    )


def span_of(recorded: Range, show: object) -> str:
    """``15-30 s``, ``2-3 min``, ``at least 3``, ``at most 30 s``."""
    assert callable(show)
    low, high = recorded.min, recorded.max
    if low is not None and high is not None:
        if show is said:
            for unit, size in (("min", 60_000), ("s", 1000)):
                if low % size == 0 and high % size == 0 and (unit == "s" or low >= 60_000):
                    return f"{low // size}{DASH}{high // size} {unit}"
        return f"{show(low)}{DASH}{show(high)}"
    return f"at least {show(low)}" if low is not None else f"at most {show(high)}"


def said(ms: int) -> str:
    """A length as a warning writes it: ``45 s``, ``3 min``, ``2m30s``."""
    if ms % 60_000 == 0:
        return f"{ms // 60_000} min"
    if ms < 60_000 and ms % 1000 == 0:
        return f"{ms // 1000} s"
    return format_duration(ms)
