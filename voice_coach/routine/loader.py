"""TOML routine and session files → model objects, with errors that name the file, key and fix."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from voice_coach.errors import RoutineError, UsageError
from voice_coach.routine.language import read_language, read_phrases, side_names
from voice_coach.routine.model import (
    SESSION_VARIABLES,
    SIDE_VARIABLES,
    Routine,
    Session,
    SessionItem,
    Step,
)
from voice_coach.routine.table import Table, check_text, described
from voice_coach.routine.toml_file import (
    parse_toml as parse_toml,  # re-exported: config.py and tests read files through here
)
from voice_coach.routine.toml_file import read_toml as read_toml

HOLD_LIMIT_MS = 60 * 60_000
REST_LIMIT_MS = 30 * 60_000
PAUSE_LIMIT_MS = 10 * 60_000
SESSION_REST_MS = 20_000
MAX_SETS = 50
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
ONCE_VARIABLES = ("sets", "hold", "next")
"""Variables of text said once per routine (intro, notes), before any side or set begins."""
ROUTINE_KEYS = (
    "id", "title", "kind", "equipment", "intro", "notes", "setup", "reentry", "release",
    "during", "hold", "sets", "rest", "sides", "switch", "language", "phrases",
)  # fmt: skip
HOLD_ONLY_KEYS = ("during", "release", "reentry", "rest")
SESSION_KEYS = ("id", "title", "intro", "outro", "rest", "routines", "language", "phrases")
ITEM_KEYS = ("routine", "rest_after")
STEP_KEYS = ("say", "pause")


def is_session(document: dict[str, Any]) -> bool:
    return "routines" in document


def load_path(path: Path) -> Routine | Session:
    """A routine or session from a file; sessions resolve their routines by id or relative path."""
    document = read_toml(path)
    if is_session(document):
        return build_session(document, str(path), path.parent)
    return build_routine(document, str(path))


def build_routine(document: dict[str, Any], source: str) -> Routine:
    """A Routine from a parsed document, validating every field."""
    table = Table(document, source)
    table.check_keys(ROUTINE_KEYS)
    language = read_language(table)
    routine = Routine(
        id=read_id(table),
        title=_required_text(table, "title"),
        kind=_required_text(table, "kind"),
        source=source,
        equipment=table.texts("equipment", ()),
        intro=table.text("intro", ONCE_VARIABLES),
        notes=table.texts("notes", ONCE_VARIABLES),
        setup=read_steps(table, "setup", required=True),
        reentry=read_steps(table, "reentry"),
        release=read_step(table, "release"),
        during=table.texts("during"),
        hold=table.duration_range("hold", limit_ms=HOLD_LIMIT_MS),
        sets=table.count_range("sets", low=1, high=MAX_SETS),
        rest_ms=table.duration("rest", limit_ms=REST_LIMIT_MS, allow_zero=True) or 0,
        sides=read_sides(table, language),
        switch=table.text("switch"),
        language=language,
        phrases=read_phrases(table),
    )
    check_routine(table, routine)
    return routine


def check_routine(table: Table, routine: Routine) -> None:
    """Rules across fields: what only makes sense with a hold, and variables with nothing to fill them."""
    if routine.hold is None:
        for key in (*HOLD_ONLY_KEYS, "sets"):
            if table.has(key) and (key != "sets" or routine.sets.default > 1):
                raise table.fail(key, f'needs a hold; add e.g. hold = "30s", or remove {key}')
    for where, text in cue_texts(routine):
        for name in SIDE_VARIABLES:
            if "{" + name + "}" in text and not routine.sides:
                raise table.fail_at(
                    where, f'says {{{name}}}, but the routine has no sides; add sides = ["left", "right"]'
                )
        if "{hold}" in text and routine.hold is None:
            raise table.fail_at(where, 'says {hold}, but the routine has no hold; add e.g. hold = "30s"')


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


def read_id(table: Table) -> str:
    value = _required_text(table, "id")
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
    return Step(text, sub.duration("pause", limit_ms=PAUSE_LIMIT_MS, allow_zero=True) or 0)


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


def build_session(document: dict[str, Any], source: str, base: Path | None) -> Session:
    """A Session whose routines are resolved by built-in id or by path relative to ``base``."""
    table = Table(document, source)
    for key in document:
        if key in ROUTINE_KEYS and key not in SESSION_KEYS:
            raise table.fail(
                key, f"a file with routines = [...] is a session; it may have {', '.join(SESSION_KEYS)}"
            )
    table.check_keys(SESSION_KEYS)
    session_id = read_id(table)
    title = _required_text(table, "title")
    intro, outro = table.text("intro", SESSION_VARIABLES), table.text("outro", SESSION_VARIABLES)
    rest = table.duration("rest", limit_ms=REST_LIMIT_MS, allow_zero=True)
    language, phrases = read_language(table), read_phrases(table)
    items = read_items(table, base)
    rest_ms = SESSION_REST_MS if rest is None else rest
    return Session(session_id, title, source, items, rest_ms, intro, outro, language, phrases)


def read_items(table: Table, base: Path | None) -> tuple[SessionItem, ...]:
    value = table.get("routines")
    if not isinstance(value, list):
        raise table.fail("routines", f"must be a list of routine ids or files, got {described(value)}")
    if not value:
        raise table.fail("routines", 'is an empty list; name at least one routine, e.g. ["foam-roller"]')
    listing = Table({}, table.source, table.where("routines"))
    items: list[SessionItem] = []
    for index, raw in enumerate(value):
        item = read_item(listing, index, raw, base)
        earlier = [i for i, seen in enumerate(items) if seen.routine.id == item.routine.id]
        if earlier:
            raise listing.fail(
                index, f"repeats {item.routine.id!r} (also routines[{earlier[0]}]); list each routine once"
            )
        items.append(item)
    return tuple(items)


def read_item(listing: Table, index: int, raw: Any, base: Path | None) -> SessionItem:
    """One entry of ``routines``: an id or path, or ``{ routine = "...", rest_after = "30s" }``."""
    if isinstance(raw, str):
        return SessionItem(resolve_routine(check_text(raw, listing, index, ()), listing.item(index), base))
    if not isinstance(raw, dict):
        raise listing.fail(index, f"must be a routine id, a .toml path or a table, got {described(raw)}")
    sub = Table(raw, listing.source, listing.where(index))
    sub.check_keys(ITEM_KEYS)
    ref = sub.text("routine", (), required=True) or ""
    rest = sub.duration("rest_after", limit_ms=REST_LIMIT_MS, allow_zero=True)
    return SessionItem(resolve_routine(ref, sub, base), rest)


def resolve_routine(ref: str, where: Table, base: Path | None) -> Routine:
    """The routine a session names: a file relative to the session, else a built-in id."""
    if ref.endswith(".toml") or "/" in ref:
        path = Path(ref) if base is None else base / ref
        try:
            document = read_toml(path)
            if not is_session(document):
                return build_routine(document, str(path))
        except RoutineError as error:
            raise RoutineError(f"{where.source}: {where.path}: {error}") from None
        raise RoutineError(
            f"{where.source}: {where.path}: {ref!r} is a session; a session lists routines only"
        )
    target = load_builtin(ref, f"{where.source}: {where.path}: ")
    if isinstance(target, Session):
        raise RoutineError(
            f"{where.source}: {where.path}: {ref!r} is a session; a session lists routines only"
        )
    return target


def builtin_ids() -> list[str]:
    """Ids of the routines and sessions shipped with voice-coach, sorted."""
    folder = resources.files("voice_coach.routine") / "builtin"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def load_builtin(ref: str, context: str = "") -> Routine | Session:
    """A built-in routine or session by id (``context`` prefixes the message of an unknown id)."""
    ids = builtin_ids()
    if ref not in ids:
        close = difflib.get_close_matches(ref, ids, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        problem = f"no built-in routine or session {ref!r}; {hint}"
        if context:
            raise RoutineError(
                f"{context}{problem}built-ins: {', '.join(ids)}, or give a path ending in .toml"
            )
        raise UsageError(f"{problem}run 'voice-coach list', or give a path to a .toml file")
    file = resources.files("voice_coach.routine") / "builtin" / f"{ref}.toml"
    source = f"built-in:{ref}"
    document = parse_toml(file.read_bytes(), source)
    if is_session(document):
        return build_session(document, source, None)
    return build_routine(document, source)


def load_target(ref: str) -> Routine | Session:
    """What ``voice-coach show ID|FILE`` means: a path (``*.toml``, with a ``/``, or an existing file),
    else a built-in id; a folder named like an id (``spi/`` from ``export --split``) does not hide it."""
    path = Path(ref)
    if ref.endswith(".toml") or "/" in ref or path.is_file():
        return load_path(path)
    return load_builtin(ref)


def _required_text(table: Table, key: str) -> str:
    value = table.text(key, (), required=True)
    assert value is not None
    return value
