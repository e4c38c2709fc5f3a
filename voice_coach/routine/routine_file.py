"""A routine file's document → ``Routine``: every field checked, errors naming the file, key path and fix.

Fields are read independently, so one run reports every problem of the file (``problems``); the rules
across fields (what needs a hold, which variables need sides) are checked once the fields themselves are
right.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from voice_coach.routine.language import read_language, read_lexicon, read_phrases, side_names
from voice_coach.routine.model import SIDE_VARIABLES, Routine, Step
from voice_coach.routine.problems import Problems
from voice_coach.routine.progression import read_progression
from voice_coach.routine.table import Table, check_text, described
from voice_coach.routine.translations import ROUTINE_WORDS, check_forms, read_translations

HOLD_LIMIT_MS = 60 * 60_000
REST_LIMIT_MS = 30 * 60_000
PAUSE_LIMIT_MS = 10 * 60_000
MAX_SETS = 50
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
ONCE_VARIABLES = ("sets", "hold", "next")
"""Variables of text said once per routine (intro, notes), before any side or set begins."""
ROUTINE_KEYS = (
    "id", "title", "kind", "equipment", "intro", "notes", "setup", "reentry", "release",
    "during", "hold", "sets", "rest", "sides", "switch", "language", "phrases", "lexicon", "translations",
    "progression",
)  # fmt: skip
HOLD_ONLY_KEYS = ("during", "release", "reentry", "rest")
STEP_KEYS = ("say", "pause", "once")


def build_routine(document: dict[str, Any], source: str) -> Routine:
    """A Routine from a parsed document, validating every field; ``RoutineError`` with every problem."""
    table = Table(document, source)
    problems = Problems()
    problems.add(table.unknown_keys(ROUTINE_KEYS))
    language = problems.read({"language": lambda: read_language(table)})
    readers: dict[str, Callable[[], Any]] = {
        "id": lambda: read_id(table),
        **word_readers(table),
        "hold": lambda: table.duration_range("hold", limit_ms=HOLD_LIMIT_MS),
        "sets": lambda: table.count_range("sets", low=1, high=MAX_SETS),
        "rest_ms": lambda: table.duration("rest", limit_ms=REST_LIMIT_MS, allow_zero=True) or 0,
        "progression": lambda: read_progression(table),
    }
    for key in table.typos(ROUTINE_KEYS) - set(document):  # "titel": the typo, not the missing title
        readers.pop(key, None)
    fields = problems.read(readers)
    if "language" in language:  # the side names a file may use are its language's
        fields |= problems.read({"sides": lambda: read_sides(table, language["language"])})
    problems.check()
    routine = Routine(source=source, language=language["language"], **fields)
    check_routine(table, routine)
    translations = []
    for code, sub, texts in read_translations(table, ROUTINE_WORDS, word_readers, routine.language):
        words = {**texts, "kind": routine.kind, "spoken_kind": texts["kind"]}  # the kind's id stays
        translated = replace(routine, language=code, **words)
        check_routine(sub, translated)
        translations.append((code, translated))
    return replace(routine, translations=tuple(translations))


def word_readers(table: Table) -> dict[str, Callable[[], Any]]:
    """Readers of a routine's words: the file's own, or a translation's (``[translations.de]``)."""
    return {
        "title": lambda: required_text(table, "title"),
        "kind": lambda: required_text(table, "kind"),
        "equipment": lambda: table.texts("equipment", ()),
        "intro": lambda: table.text("intro", ONCE_VARIABLES),
        "notes": lambda: table.texts("notes", ONCE_VARIABLES),
        "setup": lambda: read_steps(table, "setup", required=True),
        "reentry": lambda: read_steps(table, "reentry"),
        "release": lambda: read_step(table, "release"),
        "during": lambda: table.texts("during"),
        "switch": lambda: table.text("switch"),
        "phrases": lambda: read_phrases(table),
        "lexicon": lambda: read_lexicon(table),
    }


def check_routine(table: Table, routine: Routine) -> None:
    """Rules across fields: what only makes sense with a hold, and variables with nothing to fill them."""
    if routine.hold is None:
        for key in (*HOLD_ONLY_KEYS, "sets"):
            if table.has(key) and (key != "sets" or routine.sets.default > 1):
                raise table.fail(key, f'needs a hold; add e.g. hold = "30s", or remove {key}')
    for where, text in cue_texts(routine):
        for name in SIDE_VARIABLES:
            if ("{" + name + "}" in text or "{" + name + ":" in text) and not routine.sides:
                raise table.fail_at(
                    where, f'says {{{name}}}, but the routine has no sides; add sides = ["left", "right"]'
                )
        if "{hold}" in text and routine.hold is None:
            raise table.fail_at(where, 'says {hold}, but the routine has no hold; add e.g. hold = "30s"')
    check_forms(table, routine)


def cue_texts(routine: Routine) -> Iterator[tuple[str, str]]:
    """(key path, text) of every phrase a routine's file may fill with variables."""
    yield from ((f"setup[{i}]", step.text) for i, step in enumerate(routine.setup))
    yield from ((f"reentry[{i}]", step.text) for i, step in enumerate(routine.reentry))
    if routine.release:
        yield "release", routine.release.text
    yield from ((f"during[{i}]", text) for i, text in enumerate(routine.during))
    if routine.intro:
        yield "intro", routine.intro
    yield from ((f"notes[{i}]", text) for i, text in enumerate(routine.notes))


def id_from_name(name: str) -> str:
    """The id a new routine named ``name`` gets: its letters without accents, lowercase, words joined by
    ``-`` (``Nacken Übung``: ``nacken-ubung``), or ``my-routine`` if nothing is left."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:64].strip("-") or "my-routine"


def title_from_name(name: str) -> str:
    """The title a new routine named ``name`` gets: its own words and letters (``Nacken Übung``,
    ``my-stretch``: ``My stretch``), without braces, which a title may not have."""
    words = " ".join(re.sub(r"[-_{}\s]+", " ", name).split())[:100]
    return words[:1].upper() + words[1:] if words else "My routine"


def read_id(table: Table) -> str:
    value = required_text(table, "id")
    if not ID_PATTERN.fullmatch(value):
        raise table.fail(
            "id", f"{value!r} is not a valid id; use 1 to 64 lowercase letters, digits and -, e.g. my-stretch"
        )
    return value


def read_steps(table: Table, key: str, *, required: bool = False) -> tuple[Step, ...]:
    """Steps from a string, a list of strings, or tables ``{ say = "...", pause = "5s" }``."""
    value = table.get(key)
    if value is None:
        if required:
            raise table.fail(key, f'is missing; a routine needs at least one step, e.g. {key} = ["Kneel."]')
        return ()
    if isinstance(value, str | dict):
        return (_step(value, table, key),)
    if not isinstance(value, list):
        raise table.fail(
            key, f'must be a list of steps: strings or {{ say = "..." }}, got {described(value)}'
        )
    if not value:
        fix = f'a routine needs at least one step, e.g. {key} = ["Kneel."]'
        raise table.fail(key, "is an empty list; " + (fix if required else "add a step, or remove the key"))
    items = Table({}, table.source, table.where(key))
    return tuple(_step(item, items, i) for i, item in enumerate(value))


def read_step(table: Table, key: str) -> Step | None:
    """One step: a string or ``{ say = "...", pause = "2s" }``."""
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, list):
        raise table.fail(key, 'must be one step: a string or { say = "...", pause = "2s" }, got a list')
    return _step(value, table, key)


def _step(value: Any, table: Table, key: str | int) -> Step:
    if isinstance(value, str):
        return Step(check_text(value, table, key))
    if not isinstance(value, dict):
        raise table.fail(key, f'must be a string or {{ say = "...", pause = "2s" }}, got {described(value)}')
    sub = Table(value, table.source, table.where(key))
    sub.check_keys(STEP_KEYS)
    text = sub.text("say", required=True) or ""
    once = sub.get("once")
    if once is not None and not isinstance(once, bool):
        raise sub.fail("once", f"must be true or false, got {described(once)}")
    return Step(text, sub.duration("pause", limit_ms=PAUSE_LIMIT_MS, allow_zero=True) or 0, bool(once))


def read_sides(table: Table, language: str | None) -> tuple[str, ...]:
    """``sides`` as ``left``/``right``; a file may also use its language's words (``links``, ``rechts``)."""
    names = side_names(language)
    written = table.texts("sides", ())
    for i, side in enumerate(written):
        if side not in names:
            where = f"sides[{i}]" if isinstance(table.get("sides"), list) else "sides"
            raise table.fail_at(where, f"{side!r} is not a side; allowed: {', '.join(names)}")
    sides = tuple(names[side] for side in written)
    if len(set(sides)) != len(sides):
        raise table.fail("sides", 'names a side twice; use ["left", "right"], ["right", "left"] or one side')
    return sides


def required_text(table: Table, key: str) -> str:
    """The text at ``key``, which must be there (no variables)."""
    value = table.text(key, (), required=True)
    assert value is not None
    return value
