"""TOML routine and session files → model objects, with errors that name the file, key and fix; ids are
found among the built-ins and in the user's library (``library``)."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from voice_coach.errors import RoutineError, UsageError
from voice_coach.routine.language import read_language, read_lexicon, read_phrases
from voice_coach.routine.library import builtin_ids, default_library, known_ids, library_files
from voice_coach.routine.model import SESSION_VARIABLES, Routine, Session, SessionItem
from voice_coach.routine.problems import Problems
from voice_coach.routine.progression import check_moving, read_progression
from voice_coach.routine.routine_file import (
    REST_LIMIT_MS,
    ROUTINE_KEYS,
    build_routine,
    read_id,
    required_text,
)
from voice_coach.routine.table import Table, check_text, described
from voice_coach.routine.toml_file import parse_toml, read_toml
from voice_coach.routine.translations import SESSION_WORDS, read_translations

SESSION_REST_MS = 20_000
MAX_ROUTINES = 100
"""A session is a morning's programme; a longer list is a mistake (or a file made to be slow)."""
SESSION_KEYS = (
    "id", "title", "intro", "outro", "rest", "routines", "language", "phrases", "lexicon", "translations",
    "progression",
)  # fmt: skip
ITEM_KEYS = ("routine", "rest_after")


def is_session(document: dict[str, Any]) -> bool:
    """Whether a file is (or is meant to be) a session: it has ``routines``, or, with no key only a
    routine has, a key like it (``routine``, ``routnies``), so its typos get the session's suggestions."""
    if "routines" in document:
        return True
    if any(key in ROUTINE_KEYS and key not in SESSION_KEYS for key in document):
        return False
    return any(
        key.lower().startswith("routine") or difflib.get_close_matches(key.lower(), ["routines"], cutoff=0.7)
        for key in document
    )


def load_path(path: Path, library: Path | None = None) -> Routine | Session:
    """A routine or session from a file; sessions resolve their routines by id or relative path."""
    document = read_toml(path)
    if is_session(document):
        return build_session(document, str(path), path.parent, library)
    return build_routine(document, str(path))


def build_session(
    document: dict[str, Any], source: str, base: Path | None, library: Path | None = None
) -> Session:
    """A Session whose routines are resolved by id or by path relative to ``base``; ``RoutineError``
    with every problem of the file."""
    table = Table(document, source)
    problems = Problems()
    routine_only = [key for key in document if key in ROUTINE_KEYS and key not in SESSION_KEYS]
    allowed = ", ".join(SESSION_KEYS)
    problems.add([table.fail(key, f"a file with routines = [...] is a session; it may have {allowed}")
                  for key in routine_only])  # fmt: skip
    problems.add(table.unknown_keys([*SESSION_KEYS, *routine_only]))
    fields = problems.read(
        {
            "id": lambda: read_id(table),
            "title": lambda: required_text(table, "title"),
            "intro": lambda: table.text("intro", SESSION_VARIABLES),
            "outro": lambda: table.text("outro", SESSION_VARIABLES),
            "rest_ms": lambda: table.duration("rest", limit_ms=REST_LIMIT_MS, allow_zero=True),
            "language": lambda: read_language(table),
            "phrases": lambda: read_phrases(table),
            "lexicon": lambda: read_lexicon(table),
            "progression": lambda: read_progression(table),
        }
    )
    if table.has("routines") or not problems.found:  # a misspelt routines key has said enough
        fields |= problems.read({"items": lambda: read_items(table, base, library)})
    problems.check()
    check_moving(table, fields["progression"], [item.routine.id for item in fields["items"]])
    if fields["rest_ms"] is None:
        fields["rest_ms"] = SESSION_REST_MS
    session = Session(source=source, **fields)
    translations = read_translations(table, SESSION_WORDS, session_word_readers, session.language)
    return replace(
        session, translations=tuple((c, replace(session, language=c, **t)) for c, _, t in translations)
    )


def session_word_readers(table: Table) -> dict[str, Callable[[], Any]]:
    """Readers of a session's own words, in the file or a translation."""
    return {
        "title": lambda: required_text(table, "title"),
        "intro": lambda: table.text("intro", SESSION_VARIABLES),
        "outro": lambda: table.text("outro", SESSION_VARIABLES),
        "phrases": lambda: read_phrases(table),
        "lexicon": lambda: read_lexicon(table),
    }


def read_items(table: Table, base: Path | None, library: Path | None) -> tuple[SessionItem, ...]:
    """The session's ``routines``, each entry checked on its own (every bad entry is reported)."""
    value = table.get("routines")
    if value is None:
        raise table.fail(
            "routines", 'is missing; list the routines in order, e.g. routines = ["foam-roller"]'
        )
    if not isinstance(value, list):
        raise table.fail("routines", f"must be a list of routine ids or files, got {described(value)}")
    if not value:
        raise table.fail("routines", 'is an empty list; name at least one routine, e.g. ["foam-roller"]')
    if len(value) > MAX_ROUTINES:
        problem = f"lists {len(value)} routines; a session may list {MAX_ROUTINES} at most"
        raise table.fail("routines", problem)
    listing = Table({}, table.source, table.where("routines"))
    problems = Problems()
    items: dict[int, SessionItem] = {}
    first_index: dict[str, int] = {}  # routine id → where it was first listed: repeats found in one pass
    for index, raw in enumerate(value):
        read = problems.read({"item": functools.partial(read_item, listing, index, raw, base, library)})
        if "item" not in read:
            continue
        item = read["item"]
        earlier = first_index.setdefault(item.routine.id, index)
        if earlier != index:
            problem = f"repeats {item.routine.id!r} (also routines[{earlier}]); list each routine once"
            problems.add([listing.fail(index, problem)])
        items[index] = item
    problems.check()
    return tuple(items.values())


def read_item(listing: Table, index: int, raw: Any, base: Path | None, library: Path | None) -> SessionItem:
    """One entry of ``routines``: an id or path, or ``{ routine = "...", rest_after = "30s" }``."""
    if isinstance(raw, str):
        ref = check_text(raw, listing, index, ())
        return SessionItem(resolve_routine(ref, listing.item(index), base, library))
    if not isinstance(raw, dict):
        raise listing.fail(index, f"must be a routine id, a .toml path or a table, got {described(raw)}")
    sub = Table(raw, listing.source, listing.where(index))
    sub.check_keys(ITEM_KEYS)
    ref = sub.text("routine", (), required=True) or ""
    rest = sub.duration("rest_after", limit_ms=REST_LIMIT_MS, allow_zero=True)
    return SessionItem(resolve_routine(ref, sub, base, library), rest)


def resolve_routine(ref: str, where: Table, base: Path | None, library: Path | None) -> Routine:
    """The routine a session names: a file relative to the session, else an id (yours or a built-in).
    A session named here is refused before it is built: a session that lists itself is not followed."""
    context = f"{where.source}: {where.path}: "
    if ref.endswith(".toml") or "/" in ref:
        path = Path(ref) if base is None else base / ref
        try:
            document = read_toml(path)
            if not is_session(document):
                return build_routine(document, str(path))
        except RoutineError as error:
            raise RoutineError(f"{context}{error}") from None
    else:
        document, source = id_document(ref, library, context)
        if not is_session(document):
            return build_routine(document, source)
    raise RoutineError(f"{context}{ref!r} is a session; a session lists routines only")


def id_document(ref: str, library: Path | None, context: str) -> tuple[dict[str, Any], str]:
    """The parsed file of id ``ref`` (the user's ``library``, else a built-in) and its source name."""
    mine = library_files(library)
    if ref in mine:
        return read_toml(mine[ref]), str(mine[ref])
    if ref not in builtin_ids():
        raise unknown_id(ref, library, context)
    return builtin_document(ref), f"built-in:{ref}"


def builtin_document(ref: str) -> dict[str, Any]:
    """The parsed built-in file of id ``ref``."""
    file = resources.files("voice_coach.routine") / "builtin" / f"{ref}.toml"
    return parse_toml(file.read_bytes(), f"built-in:{ref}")


def load_builtin(ref: str) -> Routine | Session:
    """The built-in routine or session ``ref`` (an id ``builtin_ids`` lists)."""
    source = f"built-in:{ref}"
    document = builtin_document(ref)
    if is_session(document):
        return build_session(document, source, None)
    return build_routine(document, source)


def load_id(ref: str, library: Path | None = None, context: str = "") -> Routine | Session:
    """A routine or session by id: a file of the user's ``library`` (default: the user's data folder),
    else a built-in; ``context`` prefixes the message of an unknown id."""
    mine = library_files(library)
    if ref in mine:
        return load_path(mine[ref], library)
    if ref not in builtin_ids():
        raise unknown_id(ref, library, context)
    return load_builtin(ref)


def unknown_id(ref: str, library: Path | None, context: str) -> RoutineError | UsageError:
    """The error for an id that is neither a built-in nor in the library, with the closest one."""
    ids = known_ids(library)
    close = difflib.get_close_matches(ref, list(ids), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    folder = library if library is not None else default_library()
    mine = f", nor one of yours in {folder}" if "yours" in ids.values() else ""
    problem = f"no built-in routine or session {ref!r}{mine}; {hint}"
    if context:
        named = "ids" if mine else "built-ins"
        return RoutineError(f"{context}{problem}{named}: {', '.join(ids)}, or give a path ending in .toml")
    return UsageError(f"{problem}run 'voice-coach list', or give a path to a .toml file")


def load_target(ref: str, library: Path | None = None) -> Routine | Session:
    """What ``voice-coach show ID|FILE`` means: a path (``*.toml``, with a ``/`` or a dot, or an existing
    file), else an id of the user's ``library`` (default: the user's data folder) or a built-in; a folder
    named like an id (``spi/`` from ``export --split``) does not hide it. Ids have no dots, so
    ``neck.tml`` is a mistyped file name, reported as "no such file"."""
    path = Path(ref)
    if ref.endswith(".toml") or "/" in ref or "." in ref or path.is_file():
        return load_path(path, library)
    return load_id(ref, library)
