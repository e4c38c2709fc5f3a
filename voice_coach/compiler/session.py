"""What a session's framing needs besides its routines' own words: which routines run, what they hold and
need (for its intro and equipment line), and the language and phrases it is said in (pure)."""

from __future__ import annotations

import difflib
import itertools

from voice_coach.compiler.choices import Selection
from voice_coach.compiler.phrases import Phrases
from voice_coach.errors import UsageError, literal
from voice_coach.routine.language import DEFAULT_LANGUAGE
from voice_coach.routine.model import Routine, Session, SessionItem


def run_language(target: Routine | Session, chosen: str | None) -> str:
    """The run's language: ``chosen`` (``--language``), else the file's own; a session that names none
    speaks the language all its routines name, else English."""
    if chosen is not None:
        return chosen
    if target.language is not None or isinstance(target, Routine):
        return target.language or DEFAULT_LANGUAGE
    named = {item.routine.language for item in target.items}
    return (next(iter(named)) or DEFAULT_LANGUAGE) if len(named) == 1 else DEFAULT_LANGUAGE


def file_words(words: Phrases, file: Routine | Session) -> Phrases:
    """``words`` with the file's own ``[phrases]`` on top, when they are written in the run's language
    (the file names no language, or the run's): a German routine's phrases are not said in English."""
    if file.phrases and file.language in (None, words.language):
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
    for kind, run in itertools.groupby(routines, key=lambda r: r.kind):
        group = list(run)
        if len(group) >= 3:
            parts.append(f"{len(group)} {words.plural(kind)}")
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
