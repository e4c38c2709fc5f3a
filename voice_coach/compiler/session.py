"""What a session's framing needs besides its routines' own words: which routines run, what they hold and
need (for its intro and equipment line), and the language and phrases it is said in (pure)."""

from __future__ import annotations

import difflib
import itertools
from dataclasses import replace
from typing import TypeVar

from voice_coach.compiler.choices import Selection
from voice_coach.compiler.phrases import Phrases
from voice_coach.errors import UsageError, literal
from voice_coach.routine.language import DEFAULT_LANGUAGE, available, language_pack
from voice_coach.routine.model import Reading, Routine, Session, SessionItem

RoutineOrSession = TypeVar("RoutineOrSession", Routine, Session)


def run_language(target: Routine | Session, chosen: str | None, preferred: str | None = None) -> str:
    """The run's language: ``chosen`` (``--language``), else ``preferred`` (the config file's) when the
    file is written in it, else the file's own."""
    if chosen is not None:
        return chosen
    return preferred if preferred in languages(target) else written_in(target)


def languages(file: Routine | Session) -> tuple[str, ...]:
    """The languages a file is written in: its own (English when it names none), then its translations'.
    A session without words of its own to say (no intro, no outro) speaks any its routines all speak."""
    own = (written_in(file), *(code for code, _ in file.translations))
    if isinstance(file, Routine) or file.intro or file.outro:
        return own
    shared = set.intersection(*(set(languages(item.routine)) for item in file.items))
    return tuple(code for code in available() if code in shared)


def written_in(file: Routine | Session) -> str:
    """The language of a file's own words: the one it names; for a session that names none, the one all
    its routines are written in; else English."""
    if file.language is not None or isinstance(file, Routine):
        return file.language or DEFAULT_LANGUAGE
    named = {written_in(item.routine) for item in file.items}
    return next(iter(named)) if len(named) == 1 else DEFAULT_LANGUAGE


def in_language(target: Routine | Session, language: str) -> Routine | Session:
    """``target`` with every word in ``language`` (its translation), never a mix; ``UsageError`` naming
    the languages it has when it, or any routine of it, has no text in ``language``."""
    files = [target] + ([i.routine for i in target.items] if isinstance(target, Session) else [])
    for file in files:
        if language not in languages(file):
            name = language_pack(language).name
            has = ", ".join(f"{code} ({language_pack(code).name})" for code in languages(file))
            raise UsageError(
                f"{{language}}: {literal(f'{file.id!r} has no {name} text; it is written in: {has}')}",
                options=("language",),
            )
    if isinstance(target, Routine):
        return translated(target, language)
    items = tuple(replace(item, routine=translated(item.routine, language)) for item in target.items)
    return replace(translated(target, language), items=items)


def translated(file: RoutineOrSession, language: str) -> RoutineOrSession:
    """The file's own version in ``language`` (itself when written in it; a session without words of its
    own keeps its own)."""
    return next((version for code, version in file.translations if code == language), file)


def lexicon(target: Routine | Session, words: Phrases) -> tuple[Reading, ...]:
    """How the run's words are read: the language's built-in lexicon, then the session's and each
    routine's own entries (a later entry for the same word wins)."""
    files = [target] + ([i.routine for i in target.items] if isinstance(target, Session) else [])
    entries = {word.lower(): (word, say, phonemes) for word, say, phonemes in words.pack.lexicon}
    for file in files:
        entries |= {word.lower(): (word, say, phonemes) for word, say, phonemes in file.lexicon}
    return tuple(entries.values())


def file_words(words: Phrases, file: Routine | Session) -> Phrases:
    """``words`` with the file's own ``[phrases]`` on top, when they are written in the run's language:
    a German routine's phrases are not said in English."""
    if file.phrases and written_in(file) == words.language:
        return words.overridden(file.phrases)
    return words


def select_items(session: Session, selection: Selection) -> list[SessionItem]:
    """The session's routines after ``--only``/``--skip``, checking every id named exists."""
    ids = [item.routine.id for item in session.items]
    named = [("only", i) for i in selection.only] + [("skip", i) for i in selection.skip]
    named += [("set", i) for i in selection.per_routine]
    for option, routine_id in named:
        if routine_id not in ids:
            close = difflib.get_close_matches(routine_id, ids, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            detail = f"{session.id!r} has no routine {routine_id!r}; {hint}its routines are: {', '.join(ids)}"
            subject = f"{{{option}}}" + ("" if option == "set" else f" {literal(routine_id)}")
            raise UsageError(f"{subject}: {literal(detail)}", options=(option,))
    items = [i for i in session.items if not selection.only or i.routine.id in selection.only]
    items = [i for i in items if i.routine.id not in selection.skip]
    if not items:
        raise UsageError(
            "{only}/{skip} left no routine to run; see the routines with 'voice-coach show'",
            options=("only", "skip"),
        )
    return items


def session_values(routines: list[Routine], words: Phrases) -> dict[str, str]:
    """``{routines}``: what the session holds ("find the muscle, self-massage, and 5 stretches");
    ``{count}``: how many routines ("1 routine", "7 routines")."""
    parts: list[str] = []
    for _, run in itertools.groupby(routines, key=lambda r: r.kind):
        group = list(run)
        if len(group) >= 3:
            parts.append(f"{len(group)} {words.plural(group[0].kind_word)}")
        else:
            parts += [words.mid_sentence(r.title) for r in group]
    return {"routines": words.spoken_list(parts), "count": words.counted(len(routines), "routine")}


def session_equipment(routines: list[Routine], words: Phrases) -> tuple[str, ...]:
    """Everything the routines need, once each, in order of first need; a choice one of whose options is
    already on the list ("a yoga mat or a bed" beside "a yoga mat") is left out."""
    items = list(dict.fromkeys(item for routine in routines for item in routine.equipment))
    return tuple(
        item
        for item in items
        if len(words.alternatives(item)) == 1 or not set(words.alternatives(item)) & set(items)
    )
