"""Routine or session + overrides → Timeline (pure and deterministic: same input, same blocks).

What a session sounds like, and why: a chapter mark starts each routine (at 0 for the first, lead-in
included); the session's intro names what it holds, then the equipment all of it needs. Each later routine
opens with "Next up: TITLE.", its equipment, intro and notes, so the rest that follows is the time to fetch
what it needs and "Get ready." leads into its first step; its title is not said again. Sides are
announced, never commanded: the setup steps follow the announcement. Every phrase added here is said in
the run's language, from ``phrases``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from voice_coach.compiler.choices import RunChoices, apply_overrides, personal_overrides
from voice_coach.compiler.cues import Countdown, hold_cues, rest_cues, settle_ms
from voice_coach.compiler.phrases import Phrases
from voice_coach.compiler.progression import step_selection
from voice_coach.compiler.ranges import range_warnings
from voice_coach.compiler.session import (
    file_words,
    in_language,
    lexicon,
    run_language,
    select_items,
    session_equipment,
    session_values,
)
from voice_coach.compiler.timeline import Block, Chapter, Hold, Pause, Rest, Say, Timeline, Tone
from voice_coach.compiler.wayfinding import between_rest, closing, fetch_rest, introduction, with_time_to_go
from voice_coach.routine.model import Routine, Session, SessionItem, Step, other_side


def compile_target(target: Routine | Session, choices: RunChoices) -> Timeline:
    """The timeline of a routine (as a session of one) or of a session, with overrides applied."""
    single = isinstance(target, Routine)
    stepped = replace(choices, selection=step_selection(target, choices))
    language = run_language(target, choices.language, choices.preferred_language)
    target = in_language(target, language)
    words = file_words(Phrases.of(language), target)
    session = target if isinstance(target, Session) else as_session(target, words)
    items = select_items(session, choices.selection)
    routines = [
        apply_overrides(i.routine, personal_overrides(i.routine, stepped, single=single)) for i in items
    ]
    warnings = range_warnings([i.routine for i in items], routines)
    blocks: list[Block] = chapters(routines[0], file_words(words, routines[0]))
    if choices.lead_in_ms:
        blocks.append(Pause(choices.lead_in_ms, "lead-in"))
    tail: list[Block] = []
    if session.outro:
        tail.append(Say(fill(session.outro, session_values(routines, words)), "outro"))
    tail += closing()
    parts = session_blocks(session, items, routines, choices.countdown, words)
    for part in with_time_to_go(parts, tail, words):
        blocks += part
    ids = tuple(r.id for r in routines)
    kinds = tuple(r.kind for r in routines)
    equipment = tuple(r.equipment for r in routines)
    return Timeline(
        session.id,
        session.title,
        tuple(blocks + tail),
        routine_ids=ids,
        routine_kinds=kinds,
        routine_equipment=equipment,
        language=language,
        lexicon=lexicon(target, words),
        warnings=warnings,
    )


def session_blocks(
    session: Session, items: list[SessionItem], routines: list[Routine], countdown: Countdown, words: Phrases
) -> list[list[Block]]:
    """The opening, then each routine (a list of blocks each, the opening in the first): the first
    introduced by its title, the others by "Next up" (or their number: "Stretch 2 of 5")."""
    opening = session_opening(session, routines, words)
    parts: list[list[Block]] = []
    for index, routine in enumerate(routines):
        upcoming = routines[index + 1].title if index + 1 < len(routines) else None
        own = file_words(words, routine)
        if index:
            rest = items[index - 1].rest_after_ms
            rest_ms = session.rest_ms if rest is None else rest
            intro = introduction(routine, routines, False, own)
            blocks = chapters(routine, own) + preview(routine, intro, upcoming, rest_ms, own)
        else:
            blocks = list(opening) + first_words(routine, routines, opening, own)
            blocks += preamble(routine, upcoming, own)
            if routine.equipment:
                blocks.append(fetch_rest(own))
        parts.append(blocks + routine_blocks(routine, upcoming, countdown, own))
    return parts


def as_session(routine: Routine, words: Phrases) -> Session:
    """A routine compiled alone: a session of one, with the routine outro."""
    return Session(
        routine.id,
        routine.title,
        routine.source,
        (SessionItem(routine),),
        outro=words.say("routine_outro"),
        language=routine.language,
    )


def chapters(routine: Routine, words: Phrases) -> list[Block]:
    """The marks a routine starts with: its own, and its first side's (the schedule keeps the side's)."""
    marks: list[Block] = [Chapter(routine.title, routine.id)]
    if routine.sides:
        marks.append(side_chapter(routine, routine.sides[0], words))
    return marks


def side_chapter(routine: Routine, side: str, words: Phrases) -> Chapter:
    return Chapter(words.say("side_chapter", title=routine.title, side=words.side(side)), routine.id, side)


def session_opening(session: Session, routines: list[Routine], words: Phrases) -> list[Say]:
    """The session's intro (its variables filled) and, for more than one routine, all the equipment."""
    said = [Say(fill(session.intro, session_values(routines, words)), "intro")] if session.intro else []
    items = session_equipment(routines, words)
    if len(routines) > 1 and items:
        said.append(Say(words.say("session_equipment", items=words.spoken_list(items)), "equipment"))
    return said


def first_words(routine: Routine, routines: list[Routine], opening: list[Say], words: Phrases) -> list[Block]:
    """The first routine's title and equipment, unless the session's opening just said them."""
    before = opening[-1].text.lower() if opening else ""
    blocks: list[Block] = []
    if routine.title.lower() not in before:
        blocks.append(introduction(routine, routines, True, words))
    if routine.equipment and not any(say.role == "equipment" for say in opening):
        blocks.append(equipment_say(routine, words))
    return blocks


def preview(routine: Routine, intro: Say, upcoming: str | None, rest_ms: int, words: Phrases) -> list[Block]:
    """ "Next up: TITLE.", its equipment, intro and notes, then the rest between routines, announced: time
    to fetch what it needs, so that "Get ready." leads straight into the first step."""
    blocks: list[Block] = [intro]
    if routine.equipment:
        blocks.append(equipment_say(routine, words))
    blocks += preamble(routine, upcoming, words)
    if rest_ms > 0:
        blocks.append(between_rest(routine, rest_ms, words))
    elif routine.equipment:
        blocks.append(fetch_rest(words))
    return blocks


def equipment_say(routine: Routine, words: Phrases) -> Say:
    return Say(words.say("equipment", items=words.spoken_list(routine.equipment)), "equipment")


def preamble(routine: Routine, upcoming: str | None, words: Phrases) -> list[Block]:
    """The routine's intro and notes, said once before any side or set."""
    values = variables(routine, None, upcoming, words)
    texts = [(routine.intro, "intro")] if routine.intro else []
    return [
        Say(fill(text, values, set=1), role) for text, role in texts + [(n, "note") for n in routine.notes]
    ]


def routine_blocks(
    routine: Routine, upcoming: str | None, countdown: Countdown, words: Phrases
) -> list[Block]:
    """One routine after its opening words: every side and set."""
    blocks: list[Block] = []
    for side_index, side in enumerate(routine.sides or (None,)):
        values = variables(routine, side, upcoming, words)
        if side is not None:
            if side_index:
                blocks.append(side_chapter(routine, side, words))
            blocks.append(side_say(routine, side_index, values, words))
        for number in range(1, routine.sets.default + 1 if routine.hold else 2):
            blocks += set_blocks(routine, side, number, values, (countdown, words), first=not side_index)
    return blocks


def side_say(routine: Routine, side_index: int, values: dict[str, object], words: Phrases) -> Say:
    """ "Start with the right side.", the switch announcement, or "Left side only." for one side."""
    if side_index:
        return Say(fill(routine.switch or words.texts["switch"], values, set=1), "switch")
    if len(routine.sides) == 1:
        return Say(words.say("one_side", side=values["side"]), "side")
    return Say(words.say("start_side", side=values["side"]), "side")


def set_blocks(
    routine: Routine,
    side: str | None,
    number: int,
    values: dict[str, object],
    how: tuple[Countdown, Phrases],
    *,
    first: bool = True,
) -> list[Block]:
    """One set: announcement, steps, chimed hold, release, and the rest before the next set. The step
    before the hold's chime is followed by time to make the moves it describes (``settle_ms``); a step
    marked ``once`` is said on the first side only."""
    (countdown, words), sets = how, routine.sets.default
    blocks: list[Block] = []
    if sets > 1:
        last = number == sets
        blocks.append(Say(words.say("last_set" if last else "set_number", set=number, sets=sets), "set"))
    steps = routine.reentry if number > 1 and routine.reentry else routine.setup
    blocks += step_blocks(tuple(s for s in steps if first or not s.once), values, number, "step")
    if routine.hold is None:
        return blocks
    blocks = settled(blocks)
    hold = routine.hold.default
    during = tuple(fill(text, values, set=number) for text in routine.during)
    cues = hold_cues(hold, during, countdown, words)
    blocks += [Tone("start"), Hold(hold, cues, routine.id, number, sets, side), Tone("end")]
    if routine.release:
        blocks += step_blocks((routine.release,), values, number, "release")
    if number < sets and routine.rest_ms > 0:
        blocks.append(Rest(routine.rest_ms, rest_cues(words.say("rest"), words), "rest"))
    return blocks


def settled(blocks: list[Block]) -> list[Block]:
    """``blocks`` ending in a pause long enough to make the moves the last step describes."""
    if blocks and isinstance(blocks[-1], Pause):
        last_say, pause = blocks[-2], blocks[-1]
        if isinstance(last_say, Say) and pause.ms < settle_ms(last_say.text):
            return [*blocks[:-1], Pause(settle_ms(last_say.text), "settle")]
        return blocks
    if blocks and isinstance(blocks[-1], Say):
        return [*blocks, Pause(settle_ms(blocks[-1].text), "settle")]
    return blocks


def step_blocks(steps: tuple[Step, ...], values: dict[str, object], number: int, role: str) -> list[Block]:
    blocks: list[Block] = []
    for step in steps:
        blocks.append(Say(fill(step.text, values, set=number), role))
        if step.pause_ms:
            blocks.append(Pause(step.pause_ms))
    return blocks


def variables(routine: Routine, side: str | None, upcoming: str | None, words: Phrases) -> dict[str, object]:
    """Values for ``{sets}``, ``{side}``, ``{other}``, ``{hold}`` and ``{next}`` (``{set}`` is per set),
    in the run's language."""
    return {
        "sets": words.counted(routine.sets.default, "set"),
        "side": words.side(side) if side else "",
        "other": words.side(other_side(side)) if side else "",
        "hold": words.duration(routine.hold.default) if routine.hold else "",
        "next": upcoming or words.say("end_of_session"),
    }


def fill(text: str, values: Mapping[str, object], **more: object) -> str:
    """Cue text with its variables filled in (validated by the loader, so every name is known)."""
    return " ".join(text.format(**values, **more).split())
