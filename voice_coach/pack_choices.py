"""A run's choices written into a pack and read back: the values ``vc.compile`` takes (``{"hold": "25s"}``),
so the patient's copy compiles to the therapist's timeline, and the command line that plays it.

Reading goes through ``run_choices``, the one set of rules every face uses: a pack with a hostile or
mistyped choice is refused with the same message a flag would get.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from voice_coach.compiler.choices import Overrides, RunChoices, run_choices
from voice_coach.durations import format_duration
from voice_coach.errors import UsageError, literal

DEFAULTS = RunChoices()
OVERRIDES = (("hold", "hold_ms"), ("sets", "sets"), ("rest", "rest_ms"), ("sides", "sides"))


def choices_record(options: RunChoices) -> dict[str, Any]:
    """The choices that differ from the defaults, as ``vc.compile`` keyword values (JSON-ready)."""
    record: dict[str, Any] = _overrides_record(options.overrides)
    if options.selection.only:
        record["only"] = list(options.selection.only)
    if options.selection.skip:
        record["skip"] = list(options.selection.skip)
    if options.selection.per_routine:
        record["per_routine"] = {
            routine_id: _overrides_record(chosen)
            for routine_id, chosen in options.selection.per_routine.items()
        }
    if options.countdown != DEFAULTS.countdown:
        record["countdown"] = options.countdown
    if options.lead_in_ms != DEFAULTS.lead_in_ms:
        record["lead_in"] = format_duration(options.lead_in_ms)
    if options.language is not None:
        record["language"] = options.language
    if options.step is not None:
        record["step"] = options.step
    return record


def _overrides_record(overrides: Overrides) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for name, attribute in OVERRIDES:
        value = getattr(overrides, attribute)
        if value is not None:
            record[name] = format_duration(value) if attribute.endswith("_ms") else value
    return record


def options_from_record(record: object, where: str) -> RunChoices:
    """The ``RunChoices`` a pack's choices stand for; ``UsageError`` naming ``where`` if invalid."""
    allowed = (
        "hold",
        "sets",
        "rest",
        "sides",
        "only",
        "skip",
        "per_routine",
        "countdown",
        "lead_in",
        "language",
        "step",
    )
    if not isinstance(record, Mapping) or any(key not in allowed for key in record):
        raise UsageError(f"{where}: its choices are not a table of {', '.join(allowed)}")
    try:
        return run_choices(**dict(record))
    except UsageError as error:
        raise UsageError(f"{where}: {literal(str(error))}") from None
    except (TypeError, AttributeError):
        raise UsageError(f"{where}: its choices have values of the wrong kind") from None


def command_line(verb: str, target_id: str, record: Mapping[str, Any]) -> str:
    """``voice-coach play spi --hold 25s --sets 4``: the command that runs ``target_id`` with ``record``."""
    words = ["voice-coach", verb, target_id]
    for name in ("hold", "sets", "rest", "sides", "countdown", "lead_in", "language", "step"):
        if name in record:
            words += [f"--{name.replace('_', '-')}", str(record[name])]
    for routine_id, fields in record.get("per_routine", {}).items():
        words += [w for field, value in fields.items() for w in ("--set", f"{routine_id}.{field}={value}")]
    words += [w for routine_id in record.get("only", ()) for w in ("--only", routine_id)]
    words += [w for routine_id in record.get("skip", ()) for w in ("--skip", routine_id)]
    return shlex.join(words)
