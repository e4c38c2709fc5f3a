"""A run's choices (hold, sets, rest, sides, which routines, countdown, lead-in, language): one value,
``RunChoices``, built by ``run_choices`` with one set of rules, and what the choices do to a routine.

The CLI's options, the server's form fields and ``vc.compile(**kw)`` all build it through
``run_choices``, so a value is accepted or refused by the same rule, with the same words, wherever it
comes from. Errors (``ChoiceError``) name the value (``{hold}``); each face words it its own way
(``--hold``, a form field). A routine's file is never changed: ``apply_overrides`` makes a new model.
To add a choice: a field of ``RunChoices``, its rule in ``RULES``, its keyword in ``run_choices``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from voice_coach.compiler.cues import COUNTDOWNS, Countdown
from voice_coach.durations import checked_duration
from voice_coach.errors import ChoiceError, literal
from voice_coach.routine.language import check_language
from voice_coach.routine.model import SIDE_VARIABLES, SIDES, Routine
from voice_coach.routine.routine_file import HOLD_LIMIT_MS, MAX_SETS, REST_LIMIT_MS

SIDE_CHOICES = ("left", "right", "both", "none")
"""What ``sides`` accepts."""
LEAD_IN_LIMIT_MS = 10_000
"""Silence before the first word: enough for any Bluetooth headset to wake."""
SET_FIELDS = ("hold", "sets", "rest", "sides")
"""What one routine of a session can change (``--set ID.FIELD=VALUE``)."""
Duration = str | int
"""A duration as people give it: ``"20s"``, ``"1m30s"``, or seconds as a number."""


def hold_ms(value: object) -> int:
    """A hold length (``20s``, ``1m``, or seconds as a number) in ms; ValueError saying what is allowed."""
    return checked_duration(value, HOLD_LIMIT_MS, False)


def rest_ms(value: object) -> int:
    """A rest length in ms (0 allowed); ValueError saying what is allowed."""
    return checked_duration(value, REST_LIMIT_MS, True)


def lead_in_ms(value: object) -> int:
    """The lead-in silence in ms (0 allowed, at most ``LEAD_IN_LIMIT_MS``)."""
    return checked_duration(value, LEAD_IN_LIMIT_MS, True)


def sets_count(value: object) -> int:
    """Sets per side, a whole number from 1 to ``MAX_SETS``; ValueError otherwise."""
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= MAX_SETS:
        raise ValueError(f"sets must be a whole number from 1 to {MAX_SETS}")
    return int(text)


def sides_choice(value: object) -> str:
    """One of ``SIDE_CHOICES``; ValueError otherwise."""
    if value not in SIDE_CHOICES:
        raise ValueError(f"sides must be one of {', '.join(SIDE_CHOICES)}")
    return str(value)


def countdown_choice(value: object) -> Countdown:
    """One of ``COUNTDOWNS``; ValueError otherwise."""
    if value not in COUNTDOWNS:
        raise ValueError(f"countdown must be one of {', '.join(COUNTDOWNS)}")
    return value


def step_number(value: object) -> int:
    """A step of a ``[progression]``, a whole number from 1 (the file's own range is checked when it is
    compiled); ValueError otherwise."""
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) < 1:
        raise ValueError(f"step must be a whole number from 1, got {text}")
    return int(text)


RULES: dict[str, Callable[[object], Any]] = {
    "hold": hold_ms,
    "sets": sets_count,
    "rest": rest_ms,
    "sides": sides_choice,
    "countdown": countdown_choice,
    "lead_in": lead_in_ms,
    "language": check_language,
    "step": step_number,
}
"""Each choice's rule: the value as given → the value the compiler uses; ValueError saying what is allowed."""


@dataclass(frozen=True)
class Overrides:
    """Values a user sets for a run; ``None`` keeps the routine's own."""

    hold_ms: int | None = None
    sets: int | None = None
    rest_ms: int | None = None
    sides: str | None = None

    def merged(self, other: Overrides) -> Overrides:
        """These overrides with ``other``'s set values taking precedence."""
        return Overrides(
            hold_ms=other.hold_ms if other.hold_ms is not None else self.hold_ms,
            sets=other.sets if other.sets is not None else self.sets,
            rest_ms=other.rest_ms if other.rest_ms is not None else self.rest_ms,
            sides=other.sides if other.sides is not None else self.sides,
        )


@dataclass(frozen=True)
class Selection:
    """Which routines of a session to keep, and per-routine overrides (``--set ID.FIELD=VALUE``)."""

    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    per_routine: dict[str, Overrides] = field(default_factory=dict)


@dataclass(frozen=True)
class RunChoices:
    """Everything a user can change about one run, besides the files themselves (``run_choices`` builds
    it from the values people give)."""

    overrides: Overrides = field(default_factory=Overrides)
    selection: Selection = field(default_factory=Selection)
    countdown: Countdown = "standard"
    lead_in_ms: int = 1000
    language: str | None = None
    """The language of the framing phrases (a pack's code); None: the file's own, else English."""
    step: int | None = None
    """The step of the file's ``[progression]`` (``compiler.progression``); None: the file's defaults."""


def run_choices(
    *,
    hold: Duration | None = None,
    sets: int | str | None = None,
    rest: Duration | None = None,
    sides: str | None = None,
    only: Iterable[str] = (),
    skip: Iterable[str] = (),
    per_routine: Mapping[str, Mapping[str, object]] | None = None,
    countdown: str | None = None,
    lead_in: Duration | None = None,
    language: str | None = None,
    step: int | str | None = None,
) -> RunChoices:
    """The run's choices from the values people give (None: the default); ``ChoiceError`` naming the
    value that is wrong.

    ``per_routine`` changes single routines of a session: ``{"spi-massage": {"hold": "3m"}}``.
    ``language`` (``"de"``) says the framing phrases in another language than the file's own.
    """
    general: dict[str, object] = {"hold": hold, "sets": sets, "rest": rest, "sides": sides}
    overrides = Overrides()
    for name, value in general.items():
        if value is not None:
            overrides = overrides.merged(_checked(name, field_override, name, value))
    chosen: dict[str, Overrides] = {}
    for routine_id, fields in (per_routine or {}).items():
        for field_name, raw in fields.items():
            given, what = f"{routine_id}.{field_name}={raw}", f"{routine_id}.{field_name}"
            one = _checked("set", field_override, field_name, raw, what=what, given=given)
            chosen[routine_id] = chosen.get(routine_id, Overrides()).merged(one)
    return RunChoices(
        overrides,
        Selection(tuple(only), tuple(skip), chosen),
        _checked("countdown", RULES["countdown"], "standard" if countdown is None else countdown),
        _checked("lead_in", RULES["lead_in"], "1s" if lead_in is None else lead_in),
        None if language is None else _checked("language", RULES["language"], language),
        None if step is None else _checked("step", RULES["step"], step),
    )


def field_override(name: str, value: object) -> Overrides:
    """Overrides that change only ``name`` (one of ``SET_FIELDS``) to ``value``; ValueError if invalid."""
    if name not in SET_FIELDS:
        raise ValueError(f"unknown field {name!r}; allowed: {', '.join(SET_FIELDS)}")
    key = {"hold": "hold_ms", "rest": "rest_ms"}.get(name, name)
    return Overrides(**{key: RULES[name](value)})


def _checked(name: str, parse: Callable[..., Any], *args: Any, what: str = "", given: str = "") -> Any:
    """``parse(*args)``, its ValueError turned into a ``ChoiceError`` that names the choice ``name``."""
    try:
        return parse(*args)
    except ValueError as error:
        subject = f"{{{name}}}" + (f" {literal(what)}" if what else "")
        raise ChoiceError(
            f"{subject}: {literal(str(error))}", name=name, problem=str(error), given=given or str(args[-1])
        ) from None


def personal_overrides(routine: Routine, choices: RunChoices, *, single: bool = False) -> Overrides:
    """Global overrides, then this routine's own ``--set ID.FIELD=VALUE`` on top.

    In a session, a global ``--sides`` changes only the routines that have sides: ``--sides left`` means
    "my left side", not "do the foam roller on the left". A routine's own ``--set`` always applies, and so
    does a global value when the routine is the whole target.
    """
    general = choices.overrides
    if not routine.sides and not single:
        general = replace(general, sides=None)
    return general.merged(choices.selection.per_routine.get(routine.id, Overrides()))


def apply_overrides(routine: Routine, overrides: Overrides) -> Routine:
    """A new routine with ``overrides`` applied; the routine's file is never touched."""
    hold, sets = routine.hold, routine.sets
    if hold is not None:
        if overrides.hold_ms is not None:
            hold = replace(hold, default=overrides.hold_ms)
        if overrides.sets is not None:
            sets = replace(sets, default=overrides.sets)
    return replace(
        routine,
        hold=hold,
        sets=sets,
        rest_ms=routine.rest_ms if overrides.rest_ms is None else overrides.rest_ms,
        sides=routine.sides if overrides.sides is None else resolve_sides(routine, overrides.sides),
    )


def resolve_sides(routine: Routine, choice: str) -> tuple[str, ...]:
    """Sides for ``sides`` = ``left|right|both|none``; ``both`` keeps a routine's own order.

    ``none`` drops the side switch. A routine whose steps name the side ("twist to the {side}") cannot do
    without one, so it keeps its first side only.
    """
    current = routine.sides
    if choice == "none":
        return current[:1] if names_side(routine) else ()
    if choice == "both":
        return current if len(current) == 2 else SIDES
    return (choice,)


def names_side(routine: Routine) -> bool:
    """Whether any step or prompt of the routine says ``{side}`` or ``{other}``."""
    steps = (*routine.setup, *routine.reentry, *((routine.release,) if routine.release else ()))
    texts = (*(s.text for s in steps), *routine.during)
    return any("{" + name + "}" in text for text in texts for name in SIDE_VARIABLES)
