"""TOML routine and session files → model objects, with errors that name the file, key and fix."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import RoutineError, UsageError
from .fields import Table, type_name
from .model import DEFAULT_SWITCH, SIDES, Range, Routine, Session, SessionItem, Step

MAX_FILE_BYTES = 256 * 1024
"""A routine is a page of text; anything bigger is refused before it is read."""
HOLD_LIMIT_MS = 60 * 60_000
REST_LIMIT_MS = 30 * 60_000
PAUSE_LIMIT_MS = 10 * 60_000
MAX_SETS = 50
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")

ROUTINE_KEYS = (
    "id", "title", "kind", "equipment", "intro", "notes", "setup", "reentry", "release",
    "during", "hold", "sets", "rest", "sides", "switch",
)  # fmt: skip
SESSION_KEYS = ("id", "title", "intro", "outro", "rest", "routines")
ITEM_KEYS = ("routine", "rest_after")


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed document at ``path``, or a RoutineError saying why it cannot be read."""
    if path.is_dir():
        raise RoutineError(f"{path}: is a directory; give a routine file (*.toml)")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise RoutineError(f"{path}: is {size} bytes; a routine file must be under 256 KB")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RoutineError(f"{path}: no such file") from None
    except OSError as error:
        raise RoutineError(f"{path}: cannot be read ({error.strerror})") from None
    return parse_toml(raw, str(path))


def parse_toml(raw: bytes, source: str) -> dict[str, Any]:
    """The parsed document, or a RoutineError with line and column for syntax errors."""
    if b"\0" in raw:
        raise RoutineError(f"{source}: is a binary file, not a TOML routine")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise RoutineError(f"{source}: line {line}: not UTF-8 text; save the file as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RoutineError(f"{source}: invalid TOML: {error}") from None


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
    routine = Routine(
        id=read_id(table),
        title=_required_text(table, "title"),
        kind=_required_text(table, "kind"),
        source=source,
        equipment=table.texts("equipment"),
        intro=table.text("intro"),
        notes=table.texts("notes"),
        setup=read_steps(table, "setup"),
        reentry=read_steps(table, "reentry"),
        release=_first(read_steps(table, "release")),
        during=table.texts("during"),
        hold=read_range(table, "hold"),
        sets=read_sets(table),
        rest_ms=table.duration("rest", limit_ms=REST_LIMIT_MS, allow_zero=True) or 0,
        sides=read_sides(table),
        switch=table.text("switch") or DEFAULT_SWITCH,
    )
    table.finish(ROUTINE_KEYS)
    if not routine.setup:
        raise table.fail("setup", "is missing; a routine needs at least one step to say")
    if routine.hold is None and (routine.during or routine.sets.default > 1):
        key = "during" if routine.during else "sets"
        raise table.fail(key, 'needs a hold; add e.g. hold = "30s"')
    return routine


def read_id(table: Table) -> str:
    value = table.text("id", required=True, variables=False)
    assert value is not None
    if not ID_PATTERN.fullmatch(value):
        raise table.fail("id", f"{value!r} is not a valid id; use lowercase letters, digits and -")
    return value


def read_steps(table: Table, key: str) -> tuple[Step, ...]:
    """Steps from a string, a list of strings, or tables ``{ say = "...", pause = "5s" }``."""
    value = table.get(key)
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    steps = []
    for i, item in enumerate(items):
        where = Table({key: items}, table.source, table.path).where(key) + f"[{i}]"
        if isinstance(item, dict):
            sub = Table(item, table.source, where)
            text = sub.text("say", required=True) or ""
            pause = sub.duration("pause", limit_ms=PAUSE_LIMIT_MS, allow_zero=True) or 0
            sub.finish(("say", "pause"))
            steps.append(Step(text, pause))
        elif isinstance(item, str):
            steps.append(Step(Table({"x": item}, table.source, "").text("x") or ""))
        else:
            raise RoutineError(f"{table.source}: {where}: must be a string or a table, got {type_name(item)}")
    if not steps:
        raise table.fail(key, "is an empty list; add a step or remove the key")
    return tuple(steps)


def read_range(table: Table, key: str) -> Range | None:
    """A hold: ``"30s"`` or ``{ default = "20s", min = "15s", max = "30s" }``."""
    if not table.has(key):
        return None
    sub = table.table(key) if isinstance(table.data[key], dict) else None
    if sub is None:
        value = table.duration(key, limit_ms=HOLD_LIMIT_MS)
        assert value is not None
        return Range(value)
    default = sub.duration("default", limit_ms=HOLD_LIMIT_MS)
    if default is None:
        raise sub.fail("default", 'is missing; the range needs a default, e.g. default = "30s"')
    low = sub.duration("min", limit_ms=HOLD_LIMIT_MS)
    high = sub.duration("max", limit_ms=HOLD_LIMIT_MS)
    sub.finish(("default", "min", "max"))
    return checked_range(sub, Range(default, low, high))


def read_sets(table: Table) -> Range:
    """Sets: ``3`` or ``{ default = 3, min = 3, max = 5 }``."""
    if isinstance(table.data.get("sets"), dict):
        sub = table.table("sets")
        assert sub is not None
        default = sub.count("default", low=1, high=MAX_SETS)
        if default is None:
            raise sub.fail("default", "is missing; the range needs a default, e.g. default = 3")
        low = sub.count("min", low=1, high=MAX_SETS)
        high = sub.count("max", low=1, high=MAX_SETS)
        sub.finish(("default", "min", "max"))
        return checked_range(sub, Range(default, low, high))
    return Range(table.count("sets", low=1, high=MAX_SETS) or 1)


def checked_range(table: Table, value: Range) -> Range:
    if value.min is not None and value.max is not None and value.min > value.max:
        raise table.fail("min", "is greater than max")
    if not value.contains(value.default):
        raise table.fail("default", "lies outside min..max; pick a default inside the range")
    return value


def read_sides(table: Table) -> tuple[str, ...]:
    sides = table.texts("sides")
    for i, side in enumerate(sides):
        if side not in SIDES:
            raise table.fail("sides", f"[{i}] {side!r} is not a side; allowed: left, right")
    if len(set(sides)) != len(sides):
        raise table.fail("sides", 'names a side twice; use ["left", "right"] or one side')
    return sides


def build_session(document: dict[str, Any], source: str, base: Path | None) -> Session:
    """A Session whose routines are resolved by built-in id or by path relative to ``base``."""
    table = Table(document, source)
    session_id = read_id(table)
    items = [read_item(table, i, item, base) for i, item in enumerate(_items(table))]
    session = Session(
        id=session_id,
        title=_required_text(table, "title"),
        source=source,
        items=tuple(items),
        rest_ms=table.duration("rest", limit_ms=REST_LIMIT_MS, allow_zero=True) or 0,
        intro=table.text("intro"),
        outro=table.text("outro"),
    )
    table.finish(SESSION_KEYS)
    ids = [item.routine.id for item in items]
    for routine_id in ids:
        if ids.count(routine_id) > 1:
            raise table.fail("routines", f"lists {routine_id!r} twice; each routine once")
    return session


def _items(table: Table) -> list[Any]:
    value = table.get("routines")
    if not isinstance(value, list) or not value:
        raise table.fail("routines", "must be a non-empty list of routine ids or files")
    return value


def read_item(table: Table, index: int, item: Any, base: Path | None) -> SessionItem:
    where = table.where("routines") + f"[{index}]"
    if isinstance(item, str):
        return SessionItem(resolve_routine(item, table.source, where, base))
    if not isinstance(item, dict):
        raise RoutineError(f"{table.source}: {where}: must be a routine id or a table, got {type_name(item)}")
    sub = Table(item, table.source, where)
    ref = sub.text("routine", required=True, variables=False) or ""
    rest = sub.duration("rest_after", limit_ms=REST_LIMIT_MS, allow_zero=True)
    sub.finish(ITEM_KEYS)
    return SessionItem(resolve_routine(ref, table.source, where, base), rest)


def resolve_routine(ref: str, source: str, where: str, base: Path | None) -> Routine:
    """The routine a session names: a file relative to the session, else a built-in id."""
    if ref.endswith(".toml") or "/" in ref:
        path = Path(ref) if base is None else base / ref
        target = load_path(path)
    else:
        try:
            target = load_builtin(ref)
        except UsageError:
            raise RoutineError(
                f"{source}: {where}: no routine {ref!r}; built-ins: "
                f"{', '.join(builtin_ids())}, or give a path ending in .toml"
            ) from None
    if isinstance(target, Session):
        raise RoutineError(f"{source}: {where}: {ref!r} is a session; a session lists routines only")
    return target


def builtin_ids() -> list[str]:
    """Ids of the routines and sessions shipped with voice-coach, sorted."""
    folder = resources.files("voice_coach") / "routines"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def load_builtin(ref: str) -> Routine | Session:
    """A built-in routine or session by id."""
    if ref not in builtin_ids():
        raise UsageError(
            f"no built-in routine or session {ref!r}; run 'voice-coach list', or give a path to a .toml file"
        )
    file = resources.files("voice_coach") / "routines" / f"{ref}.toml"
    source = f"built-in:{ref}"
    document = parse_toml(file.read_bytes(), source)
    if is_session(document):
        return build_session(document, source, None)
    return build_routine(document, source)


def load_target(ref: str) -> Routine | Session:
    """What ``voice-coach show ID|FILE`` means: an existing file path, else a built-in id."""
    path = Path(ref)
    if ref.endswith(".toml") or path.exists() or "/" in ref:
        return load_path(path)
    return load_builtin(ref)


def _required_text(table: Table, key: str) -> str:
    value = table.text(key, required=True, variables=False)
    assert value is not None
    return value


def _first(steps: tuple[Step, ...]) -> Step | None:
    return steps[0] if steps else None
