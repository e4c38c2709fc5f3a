"""A variant: one routine with the settings a request chose, checked by the library's own rules (so a form
field gets the message a flag gets), and the key that names its export in the cache."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

import voice_coach as vc

FIELDS = ("hold", "sets", "rest", "sides", "countdown", "rate", "massage")
"""The settings a page offers, with the CLI's names (``--hold`` ... ``--massage``)."""
KEY_FORMAT = 3
"""Bumped when an export's files change shape, so old cache entries are not served."""
MAX_VALUE = 32
"""Longer than any valid value: a longer one is refused before any parsing."""


class SettingError(Exception):
    """A setting a request chose is invalid; the message names the form field as the CLI names the flag."""


@dataclass(frozen=True)
class Defaults:
    """What a setting is when a request does not choose it: the server's own choices (its config file)."""

    speech: vc.Speech = field(default_factory=vc.Speech)
    countdown: str = "standard"
    lead_in: str = "1s"


@dataclass(frozen=True)
class Variant:
    """A routine (``entry``) and the settings chosen for it, normalized (``20`` and ``20s`` are one)."""

    entry: vc.CatalogEntry
    chosen: tuple[tuple[str, str], ...]
    choices: vc.RunChoices
    speech: vc.Speech

    @property
    def query(self) -> str:
        """The settings as a URL query (empty for the routine's defaults)."""
        return urlencode(self.chosen)

    @property
    def label(self) -> str:
        """The settings in words: ``hold 20s, sets 4`` or ``default settings``."""
        return ", ".join(f"{name} {value}" for name, value in self.chosen) or "default settings"

    @property
    def key(self) -> str:
        """The export's content address: the routine's file, every setting and the voice (64 hex digits)."""
        speech = self.speech
        fields = [
            KEY_FORMAT,
            vc.__version__,
            self.entry.id,
            self.entry.digest,
            list(self.chosen),
            self.choices.countdown,
            self.choices.lead_in_ms,
            self.choices.step,
            speech.engine,
            speech.voice,
            speech.rate,
        ]
        return hashlib.sha256(json.dumps(fields).encode("utf-8")).hexdigest()


def parse_variant(entry: vc.CatalogEntry, query: Mapping[str, str], defaults: Defaults) -> Variant:
    """The variant of ``entry`` that ``query`` chooses (fields left empty keep the defaults; ``step`` pins a
    step of the file's progression, which is otherwise the history's: the same export, so not part of the
    query); ``SettingError`` with the library's message, the option named by its form field."""
    raw = {name: query.get(name, "").strip() for name in (*FIELDS, "step")}
    if too_long := [name for name, value in raw.items() if len(value) > MAX_VALUE]:
        raise SettingError(f"{too_long[0]}: too long")
    chosen = {name: value for name, value in raw.items() if value and name != "step"}
    try:
        choices = vc.run_choices(
            hold=chosen.get("hold"),
            sets=chosen.get("sets"),
            rest=chosen.get("rest"),
            sides=chosen.get("sides"),
            massage=chosen.get("massage"),
            countdown=chosen.get("countdown", defaults.countdown),
            lead_in=defaults.lead_in,
            step=raw["step"] or None,  # a step pinned (the feed's Today episode); else the history's
        )
        choices, _ = vc.apply_progression(entry.target, choices)  # today's step, as play and export use
        vc.compile(
            entry.target, choices, warn=_quiet
        )  # the whole run's checks (the length limit), not at Play
        rate = chosen.get("rate")
        speech = defaults.speech
        if rate is not None:
            speech = vc.Speech(
                speech.engine, speech.voice, str(vc.Speech(rate=rate).settings().rate), speech.cache_dir
            )
    except vc.UsageError as error:
        raise SettingError(error.worded(lambda name: name)) from None
    normalized = _normalized(choices, chosen, speech)
    return Variant(entry, _without_defaults(normalized, entry, defaults), choices, speech)


def _normalized(
    choices: vc.RunChoices, chosen: Mapping[str, str], speech: vc.Speech
) -> tuple[tuple[str, str], ...]:
    """The chosen settings in a canonical spelling, in ``FIELDS`` order."""
    overrides = choices.overrides
    values = {
        "hold": None if overrides.hold_ms is None else vc.format_duration(overrides.hold_ms),
        "sets": None if overrides.sets is None else str(overrides.sets),
        "rest": None if overrides.rest_ms is None else vc.format_duration(overrides.rest_ms),
        "sides": overrides.sides,
        "countdown": choices.countdown if "countdown" in chosen else None,
        "rate": speech.rate if "rate" in chosen else None,
        "massage": None if overrides.massage_ms is None else vc.format_duration(overrides.massage_ms),
    }
    return tuple((name, value) for name, value in values.items() if value is not None)


def _without_defaults(
    chosen: tuple[tuple[str, str], ...], entry: vc.CatalogEntry, defaults: Defaults
) -> tuple[tuple[str, str], ...]:
    """``chosen`` without the settings that change nothing (the routine's own sets, hold and rest, the
    server's countdown), so choosing a default makes the same export and feed episode as leaving it."""
    same = {"countdown": defaults.countdown}
    routine = entry.target
    if isinstance(routine, vc.Routine):
        same |= {"sets": str(routine.sets.default), "rest": vc.format_duration(routine.rest_ms)}
        if routine.hold is not None:
            same["hold"] = same["massage"] = vc.format_duration(routine.hold.default)
    return tuple((name, value) for name, value in chosen if same.get(name) != value)


def _quiet(message: str) -> None:
    """A value outside the range a routine recommends is the person's choice: checked on every keystroke,
    it is not logged (the export says it once)."""
