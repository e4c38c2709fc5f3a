"""Routine or session + overrides → Timeline (pure and deterministic: same input, same blocks)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from typing import Literal

from voice_coach.compiler.timeline import Block, Chapter, Cue, Hold, Pause, Rest, Say, Timeline, Tone
from voice_coach.durations import spoken_duration
from voice_coach.errors import UsageError, literal
from voice_coach.routine.model import (
    Overrides,
    Routine,
    Selection,
    Session,
    SessionItem,
    Step,
    apply_overrides,
)

Countdown = Literal["none", "minimal", "standard", "verbose"]
COUNTDOWNS: tuple[Countdown, ...] = ("none", "minimal", "standard", "verbose")
ROUTINE_OUTRO = "That is the end of the routine. Well done."
# Cue priorities: when two cues collide, the higher one is kept (schedule.py drops the other).
FINAL, TEN_LEFT, MINUTE_LEFT, HALFWAY, PROMPT = 5, 4, 3, 2, 1


@dataclass(frozen=True)
class CompileOptions:
    """Everything a user can change about one run, besides the files themselves."""

    overrides: Overrides = field(default_factory=Overrides)
    selection: Selection = field(default_factory=Selection)
    countdown: Countdown = "standard"
    lead_in_ms: int = 1000


def compile_target(target: Routine | Session, options: CompileOptions) -> Timeline:
    """The timeline of a routine (as a session of one) or of a session, with overrides applied."""
    if isinstance(target, Routine):
        session = Session(target.id, target.title, target.source, (SessionItem(target),), outro=ROUTINE_OUTRO)
    else:
        session = target
    items = select_items(session, options.selection)
    blocks: list[Block] = []
    if options.lead_in_ms:
        blocks.append(Pause(options.lead_in_ms, "lead-in"))
    if session.intro:
        blocks += [Chapter("Introduction", session.id), Say(session.intro, "intro")]
    for index, item in enumerate(items):
        overrides = personal_overrides(item.routine, options, single=isinstance(target, Routine))
        routine = apply_overrides(item.routine, overrides)
        upcoming = items[index + 1].routine.title if index + 1 < len(items) else None
        blocks += routine_blocks(routine, upcoming, options.countdown)
        if upcoming is not None:
            rest = item.rest_after_ms if item.rest_after_ms is not None else session.rest_ms
            blocks += rest_blocks(rest, f"Next up: {upcoming}.", "between")
    if session.outro:
        blocks.append(Say(session.outro, "outro"))
    ids = tuple(item.routine.id for item in items)
    kinds = tuple(item.routine.kind for item in items)
    return Timeline(session.id, session.title, tuple(blocks), routine_ids=ids, routine_kinds=kinds)


def personal_overrides(routine: Routine, options: CompileOptions, *, single: bool = False) -> Overrides:
    """Global overrides, then this routine's own ``--set ID.FIELD=VALUE`` on top.

    In a session, a global ``--sides`` changes only the routines that have sides: ``--sides left`` means
    "my left side", not "do the foam roller on the left". A routine's own ``--set`` always applies, and so
    does a global value when the routine is the whole target.
    """
    general = options.overrides
    if not routine.sides and not single:
        general = replace(general, sides=None)
    return general.merged(options.selection.per_routine.get(routine.id, Overrides()))


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


def routine_blocks(routine: Routine, upcoming: str | None, countdown: Countdown) -> list[Block]:
    """One routine: chapter, title, equipment, intro and notes, then every side and set."""
    blocks: list[Block] = [Chapter(routine.title, routine.id), Say(routine.title + ".", "title")]
    if routine.equipment:
        blocks.append(Say(f"You will need {spoken_list(routine.equipment)}.", "equipment"))
    values = variables(routine, None, upcoming)
    blocks += [Say(fill(text, values, 1), role) for text, role in _preamble(routine)]
    for side_index, side in enumerate(routine.sides or (None,)):
        values = variables(routine, side, upcoming)
        if side is not None:
            blocks.append(Chapter(f"{routine.title}, {side} side", routine.id, side))
            blocks.append(side_say(routine, side, side_index, values))
        for number in range(1, routine.sets.default + 1 if routine.hold else 2):
            blocks += set_blocks(routine, side, number, values, countdown)
    return blocks


def side_say(routine: Routine, side: str, side_index: int, values: dict[str, str]) -> Say:
    """ "Start with the right side.", the routine's switch cue, or "Left side only." for one side."""
    if side_index:
        return Say(fill(routine.switch, values, 1), "switch")
    if len(routine.sides) == 1:
        return Say(f"{side.capitalize()} side only.", "side")
    return Say(f"Start with the {side} side.", "side")


def _preamble(routine: Routine) -> list[tuple[str, str]]:
    intro = [(routine.intro, "intro")] if routine.intro else []
    return intro + [(note, "note") for note in routine.notes]


def set_blocks(
    routine: Routine, side: str | None, number: int, values: dict[str, str], countdown: Countdown
) -> list[Block]:
    """One set: announcement, steps, chimed hold, release, and the rest before the next set."""
    sets = routine.sets.default
    blocks: list[Block] = []
    if sets > 1:
        text = "Last set." if number == sets else f"Set {number} of {sets}."
        blocks.append(Say(text, "set"))
    steps = routine.reentry if number > 1 and routine.reentry else routine.setup
    blocks += step_blocks(steps, values, number, "step")
    if routine.hold is None:
        return blocks
    hold = routine.hold.default
    cues = hold_cues(hold, tuple(fill(text, values, number) for text in routine.during), countdown)
    blocks += [Tone("start"), Hold(hold, cues, routine.id, number, sets, side), Tone("end")]
    if routine.release:
        blocks += step_blocks((routine.release,), values, number, "release")
    if number < sets:
        blocks += rest_blocks(routine.rest_ms, None, "rest")
    return blocks


def step_blocks(steps: tuple[Step, ...], values: dict[str, str], number: int, role: str) -> list[Block]:
    blocks: list[Block] = []
    for step in steps:
        blocks.append(Say(fill(step.text, values, number), role))
        if step.pause_ms:
            blocks.append(Pause(step.pause_ms))
    return blocks


def rest_blocks(ms: int, preview: str | None, role: str) -> list[Block]:
    """A rest with a "next up" preview at its start and "get ready" before its end."""
    if ms <= 0:
        return [Say(preview, "next")] if preview else []
    cues = [Cue("Get ready.", "end", 1000, FINAL, "ready")]
    cues.append(Cue(preview or "Rest.", "start", 0, TEN_LEFT, "next" if preview else "rest"))
    return [Rest(ms, tuple(cues), role)]


def hold_cues(hold_ms: int, during: tuple[str, ...], countdown: Countdown) -> tuple[Cue, ...]:
    """Countdown cues anchored to the hold's end, and breathing prompts spread through it."""
    cues = [
        Cue(text, "start", (i + 1) * hold_ms // (len(during) + 1), PROMPT, "prompt")
        for i, text in enumerate(during)
    ]
    if countdown == "none":
        return tuple(cues)
    cues.append(Cue("Three, two, one.", "end", 0, FINAL, "countdown"))
    if countdown == "minimal":
        return tuple(cues)
    if hold_ms >= 20_000:
        cues.append(Cue("Ten seconds left.", "end", 10_000, TEN_LEFT, "countdown"))
    if hold_ms >= 90_000:
        cues.append(Cue("One minute left.", "end", 60_000, MINUTE_LEFT, "countdown"))
    if hold_ms >= 30_000 and not during:
        cues.append(Cue("Halfway.", "end", hold_ms // 2, HALFWAY, "countdown"))
    if countdown == "verbose":
        said = {cue.offset_ms for cue in cues if cue.anchor == "end"}
        step = 10_000 if hold_ms <= 60_000 else 30_000
        marks = [m for m in range(step * 2, hold_ms - 5_000, step) if m not in said]
        cues += [
            Cue(f"{spoken_duration(m)} left.".capitalize(), "end", m, PROMPT, "countdown") for m in marks
        ]
    return tuple(cues)


def variables(routine: Routine, side: str | None, upcoming: str | None) -> dict[str, str]:
    """Values for ``{sets}``, ``{side}``, ``{hold}`` and ``{next}`` (``{set}`` is filled per set)."""
    hold = spoken_duration(routine.hold.default) if routine.hold else ""
    return {
        "sets": str(routine.sets.default),
        "side": side or "",
        "hold": hold,
        "next": upcoming or "the end of the session",
    }


def fill(text: str, values: dict[str, str], number: int) -> str:
    """Cue text with its variables filled in (validated by the loader, so every name is known)."""
    return " ".join(text.format(set=number, **values).split())


def spoken_list(items: tuple[str, ...]) -> str:
    """``a, b and c`` as a voice would say a list."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
