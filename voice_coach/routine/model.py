"""Immutable routine and session models: what a routine or session file says."""

from __future__ import annotations

from dataclasses import dataclass

SIDES = ("left", "right")
"""The sides a routine can be done on."""
VARIABLES = ("set", "sets", "side", "other", "hold", "next")
"""Placeholders cue text may use, e.g. ``"Lie on your {other} side"``."""
SIDE_VARIABLES = ("side", "other")
"""Variables that need the routine to have sides."""
SESSION_VARIABLES = ("routines", "count")
"""Placeholders a session's intro and outro may use: what the run holds after ``--only``/``--skip``."""


Reading = tuple[str, str, str]
"""A lexicon entry: (word, respelling, phonemes); either may be "" (the word is then read as written by
engines that need the missing one)."""


@dataclass(frozen=True)
class Range:
    """A default value and the range the source recommends (``min``/``max`` may be unknown)."""

    default: int
    min: int | None = None
    max: int | None = None

    def contains(self, value: int) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


PAIN_MAX = 10
"""The top of the 0-10 numeric rating scale (NRS) of pain."""


@dataclass(frozen=True)
class Progression:
    """The sizes of a step and the rules to go up or back (``routine.progression`` reads it)."""

    hold_step_ms: int = 5_000
    sets_step: int = 1
    routines: tuple[str, ...] = ()
    """The routines of a session that move; empty: every routine that has a hold or sets range."""
    up_pain: int = 3
    up_sessions: int = 2
    back_rise: int = 2


@dataclass(frozen=True)
class Step:
    """One instruction to say, then ``pause_ms`` of silence to do it."""

    text: str
    pause_ms: int = 0
    once: bool = False
    """Said before the first side only (``once = true``): "Lie on your back." is not said again to a
    listener who already lies there."""


@dataclass(frozen=True)
class Routine:
    """One stretch, massage or guided sequence, as written in its TOML file."""

    id: str
    title: str
    kind: str
    source: str
    equipment: tuple[str, ...] = ()
    intro: str | None = None
    notes: tuple[str, ...] = ()
    setup: tuple[Step, ...] = ()
    reentry: tuple[Step, ...] = ()
    release: Step | None = None
    during: tuple[str, ...] = ()
    hold: Range | None = None
    sets: Range = Range(1)
    rest_ms: int = 0
    sides: tuple[str, ...] = ()
    switch: str | None = None
    """Said when the sides change, before the setup steps again; None: the compiler's own announcement."""
    language: str | None = None
    """The language pack its framing phrases come from (``language = "de"``); None: not said (English)."""
    phrases: tuple[tuple[str, str], ...] = ()
    """The file's own ``[phrases]``: (pack key, text) pairs that replace the pack's."""
    progression: Progression | None = None
    """The file's ``[progression]`` table, if any."""
    lexicon: tuple[Reading, ...] = ()
    """The file's own ``[lexicon]``: how the engine should read some words, for synthesis only."""
    translations: tuple[tuple[str, Routine], ...] = ()
    """The same routine in other languages (``[translations.de]``): (code, routine), each with this one's
    numbers and sides and its own words."""
    spoken_kind: str | None = None
    """A translation's word for its kind ("Dehnung"); ``kind`` stays the file's own ("stretch"), which
    the run's choices go by (``--massage``)."""

    @property
    def kind_word(self) -> str:
        """The kind as said: "5 stretches", "Dehnung 2 von 5"."""
        return self.spoken_kind or self.kind

    @property
    def hold_ms(self) -> int | None:
        return self.hold.default if self.hold else None


@dataclass(frozen=True)
class SessionItem:
    """A routine in a session, with the session's own settings for it."""

    routine: Routine
    rest_after_ms: int | None = None


@dataclass(frozen=True)
class Session:
    """Routines in order, with rests between them and an optional intro and outro."""

    id: str
    title: str
    source: str
    items: tuple[SessionItem, ...]
    rest_ms: int = 20_000
    intro: str | None = None
    outro: str | None = None
    language: str | None = None
    """The language of the session's framing phrases; None: the one its routines share, else English."""
    phrases: tuple[tuple[str, str], ...] = ()
    """The file's own ``[phrases]``, applied to the whole session."""
    progression: Progression | None = None
    """The file's ``[progression]`` table, if any."""
    lexicon: tuple[Reading, ...] = ()
    """The file's own ``[lexicon]``, applied to the whole session."""
    translations: tuple[tuple[str, Session], ...] = ()
    """The session's own words (title, intro, outro) in other languages."""


def other_side(side: str) -> str:
    """``left`` for ``right`` and ``right`` for ``left``."""
    return SIDES[1 - SIDES.index(side)]
