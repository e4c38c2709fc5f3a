"""A run's choices (hold, sets, rest, sides, which routines, countdown, lead-in, language): one value,
``RunChoices``, built by ``run_choices`` with one set of rules, and what the choices do to a routine.

The CLI's options, the server's form fields and ``vc.compile(**kw)`` all build it through
``run_choices``, so a value is accepted or refused by the same rule, with the same words, wherever it
comes from. Errors (``ChoiceError``) name the value (``{hold}``); each face words it its own way
(``--hold``, a form field). A routine's file is never changed: ``apply_overrides`` makes a new model.
To add a choice: a field of ``RunChoices``, its rule in ``RULES``, its name in ``Given``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypedDict, Unpack

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
MASSAGE_KIND = "massage"
"""The kind of routine whose hold is a massage's length: ``massage`` sets it, ``hold`` does not."""
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
        raise ValueError(f"must be a whole number from 1 to {MAX_SETS}")
    return int(text)


def sides_choice(value: object) -> str:
    """One of ``SIDE_CHOICES``; ValueError otherwise."""
    if value not in SIDE_CHOICES:
        raise ValueError(f"must be one of {', '.join(SIDE_CHOICES)}")
    return str(value)


def countdown_choice(value: object) -> Countdown:
    """One of ``COUNTDOWNS``; ValueError otherwise."""
    if value not in COUNTDOWNS:
        raise ValueError(f"must be one of {', '.join(COUNTDOWNS)}")
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
    "massage": hold_ms,
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
    massage_ms: int | None = None
    """A massage's length (``--massage 3m``): the hold of every routine of kind ``massage``, which
    ``hold_ms`` leaves alone."""

    def merged(self, other: Overrides) -> Overrides:
        """These overrides with ``other``'s set values taking precedence."""
        return Overrides(
            hold_ms=other.hold_ms if other.hold_ms is not None else self.hold_ms,
            sets=other.sets if other.sets is not None else self.sets,
            rest_ms=other.rest_ms if other.rest_ms is not None else self.rest_ms,
            sides=other.sides if other.sides is not None else self.sides,
            massage_ms=other.massage_ms if other.massage_ms is not None else self.massage_ms,
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
    """The language to say it in (a pack's code), which the file must be written in; None: the file's own
    (or ``preferred_language``)."""
    preferred_language: str | None = None
    """The config file's ``language``: used when the file is written in it, else the file's own."""
    step: int | None = None
    """The step of the file's ``[progression]`` (``compiler.progression``); None: the file's defaults."""


class Given(TypedDict, total=False):
    """The run's choices as people give them, by name (``vc.compile(target, hold="20s")``); absent or
    None: the default. ``hold`` is every stretch's hold, ``massage`` every massage's length (``"3m"``);
    ``per_routine`` changes single routines of a session (``{"spi-massage": {"hold": "3m"}}``);
    ``language`` (``"de"``) chooses among the languages the file is written in, ``preferred_language``
    (the config file's) is used where the file is written in it; ``step`` is a step of the file's
    ``[progression]``."""

    hold: Duration | None
    sets: int | str | None
    rest: Duration | None
    sides: str | None
    massage: Duration | None
    only: Iterable[str]
    skip: Iterable[str]
    per_routine: Mapping[str, Mapping[str, object]] | None
    countdown: str | None
    lead_in: Duration | None
    language: str | None
    preferred_language: str | None
    step: int | str | None


def run_choices(**given: Unpack[Given]) -> RunChoices:
    """The run's choices from the values people give (``Given``); ``ChoiceError`` naming the value that
    is wrong."""
    overrides = Overrides()
    for name in SET_FIELDS:
        if (value := given.get(name)) is not None:
            overrides = overrides.merged(_checked(name, field_override, name, value))
    if (massage := given.get("massage")) is not None:
        overrides = replace(overrides, massage_ms=_checked("massage", RULES["massage"], massage))
    chosen: dict[str, Overrides] = {}
    for routine_id, fields in (given.get("per_routine") or {}).items():
        for field_name, raw in fields.items():
            spelt, what = f"{routine_id}.{field_name}={raw}", f"{routine_id}.{field_name}"
            one = _checked("set", field_override, field_name, raw, what=what, given=spelt)
            chosen[routine_id] = chosen.get(routine_id, Overrides()).merged(one)
    countdown, lead_in, language = given.get("countdown"), given.get("lead_in"), given.get("language")
    preferred = given.get("preferred_language")
    return RunChoices(
        overrides,
        Selection(tuple(given.get("only", ())), tuple(given.get("skip", ())), chosen),
        _checked("countdown", RULES["countdown"], "standard" if countdown is None else countdown),
        _checked("lead_in", RULES["lead_in"], "1s" if lead_in is None else lead_in),
        None if language is None else _checked("language", RULES["language"], language),
        None if preferred is None else _checked("language", RULES["language"], preferred),
        None if (step := given.get("step")) is None else _checked("step", RULES["step"], step),
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
    """Global overrides, then this routine's own ``--set ID.FIELD=VALUE`` on top. A massage takes its length
    from ``massage``, not ``hold``, and keeps its sets (the article: 2-3 minutes a side, once).

    In a session, a global ``--sides`` changes only the routines that have sides: ``--sides left`` means
    "my left side", not "do the foam roller on the left". A routine's own ``--set`` always applies, and so
    does a global value when the routine is the whole target.
    """
    general = choices.overrides
    if not routine.sides and not single:
        general = replace(general, sides=None)
    if is_massage(routine):  # --hold and --sets are a stretch's; a massage's length is --massage
        general = replace(general, hold_ms=general.massage_ms, sets=None)
    general = replace(general, massage_ms=None)
    return general.merged(choices.selection.per_routine.get(routine.id, Overrides()))


def is_massage(routine: Routine) -> bool:
    """Whether ``routine``'s hold is a massage (its kind, in its own file, is ``massage``)."""
    return routine.kind.lower() == MASSAGE_KIND


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
    return any("{" + name + end in text for text in texts for name in SIDE_VARIABLES for end in "}:")
