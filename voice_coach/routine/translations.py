"""A file's words in other languages (``[translations.<code>]``), and the checks of its side words.

A routine file is written in one language (``language``, English when it names none) and may carry the
same routine in others: a ``[translations.de]`` table gives every text of the file again (title, kind,
equipment, steps...), with its own ``[phrases]`` and ``[lexicon]`` if it wants them. The numbers, sides and
pauses stay the file's, so every language times the routine alike. The compiler picks the run's language
(``compiler.session.in_language``) and never mixes two.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from voice_coach.routine.language import (
    DEFAULT_LANGUAGE,
    check_language,
    check_side_forms,
    language_pack,
    missing_form_advice,
)
from voice_coach.routine.model import Routine, Session
from voice_coach.routine.problems import Problems
from voice_coach.routine.table import Table, described

ROUTINE_WORDS = (
    "title",
    "kind",
    "equipment",
    "intro",
    "notes",
    "setup",
    "reentry",
    "release",
    "during",
    "switch",
)
"""A routine's texts: a translation gives each one the file has."""
SESSION_WORDS = ("title", "intro", "outro")
OWN_KEYS = ("phrases", "lexicon")
"""What a translation may add of its own."""
Readers = Callable[[Table], dict[str, Callable[[], Any]]]


def read_translations(
    table: Table, words: tuple[str, ...], readers: Readers, own: str | None
) -> Iterator[tuple[str, Table, dict[str, Any]]]:
    """(code, its table, its fields) for each ``[translations.<code>]`` of the file; every text the file
    has must be there (a half-translated routine would be said in two languages)."""
    value = table.get("translations")
    if value is None:
        return
    if not isinstance(value, dict):
        raise table.fail(
            "translations", f"must be a table of languages, such as [translations.de], got {described(value)}"
        )
    for code, texts in value.items():
        where = table.where("translations") + f".{code}"
        try:
            check_language(code)
        except ValueError as error:
            raise table.fail_at(f"translations.{code}", str(error)) from None
        if code == (own or DEFAULT_LANGUAGE):
            raise table.fail_at(
                f"translations.{code}", "is the file's own language; its words are the file's"
            )
        if not isinstance(texts, dict):
            raise table.fail_at(f"translations.{code}", f"must be a table of texts, got {described(texts)}")
        sub = Table(texts, table.source, where)
        sub.check_keys((*words, *OWN_KEYS))
        missing = [key for key in words if table.has(key) and not sub.has(key)]
        if missing:
            raise sub.fail(
                missing[0], f"is missing; a translation gives every text of the file ({', '.join(missing)})"
            )
        problems = Problems()
        fields = problems.read(readers(sub))
        problems.check()
        yield code, sub, fields


def routine_cue_texts(routine: Routine) -> Iterator[tuple[str, str]]:
    """(key path, text) of every phrase of a routine that may name a side."""
    steps = [("setup", s) for s in routine.setup] + [("reentry", s) for s in routine.reentry]
    counters: dict[str, int] = {}
    for key, step in steps:
        index = counters[key] = counters.get(key, -1) + 1
        yield f"{key}[{index}]", step.text
    if routine.release:
        yield "release", routine.release.text
    yield from ((f"during[{i}]", text) for i, text in enumerate(routine.during))
    if routine.switch:
        yield "switch", routine.switch


def check_forms(table: Table, routine: Routine) -> None:
    """Every ``{side:FORM}`` names a form of the routine's language (``RoutineError`` otherwise)."""
    pack = language_pack(routine.language or DEFAULT_LANGUAGE)
    for where, text in routine_cue_texts(routine):
        check_side_forms(table.fail_at, where, text, pack)


def language_advice(target: Routine | Session) -> list[str]:
    """Warnings for a file that loads but will be said wrongly: a ``{side}`` without the form its language
    needs ("den {side} Arm" says "den links Arm"), in the file or any of its translations."""
    routines = [target] if isinstance(target, Routine) else [i.routine for i in target.items]
    advice: list[str] = []
    for routine in routines:
        for version in (routine, *(t for _, t in routine.translations)):
            code = version.language or DEFAULT_LANGUAGE
            prefix = "" if version is routine else f"translations.{code}."
            for where, text in routine_cue_texts(version):
                advice += [
                    f"{routine.source}: {prefix}{line}"
                    for line in missing_form_advice(where, text, language_pack(code))
                ]
    return list(dict.fromkeys(advice))
