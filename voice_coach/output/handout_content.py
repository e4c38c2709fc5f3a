"""What a printed handout says, read off the compiled timeline: one source for the voice and the paper.

Each step is printed as the voice says it (the timeline's own ``Say`` text, sides filled in), and the hold,
sets, sides and rest are the run's (overrides applied), so a therapist's sheet can never disagree with
the recording it comes with. Pure: no files, no PDF; ``handout_pdf`` lays it out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from voice_coach.compiler.phrases import Phrases
from voice_coach.compiler.timeline import Block, Chapter, Hold, Rest, Say, Timeline
from voice_coach.output.handout_words import HandoutWords, handout_words


@dataclass(frozen=True)
class HandoutRoutine:
    """One routine as printed: its title, what it needs, the settings, the steps and what to watch for."""

    routine_id: str
    title: str
    intro: str | None
    """The routine's own intro, as said (a session's intro is not a routine's)."""
    equipment: tuple[str, ...]
    settings: tuple[tuple[str, str], ...]
    """(label, value) pairs in the run's language: hold, sets, sides, rest; only those the routine has."""
    steps: tuple[str, ...]
    while_holding: tuple[str, ...]
    switch: str | None
    """What the voice says when the sides change ("Now the left side."), for a two-sided routine."""
    cautions: tuple[str, ...]
    progression: str | None = None


@dataclass(frozen=True)
class Handout:
    """A whole handout: the session's title, its routines in order, the link the QR code holds."""

    title: str
    language: str
    words: HandoutWords
    routines: tuple[HandoutRoutine, ...]
    url: str | None = None
    tracking_rows: int = 10


def handout_content(
    timeline: Timeline, *, url: str | None = None, progression: Mapping[str, str] | None = None
) -> Handout:
    """The handout of ``timeline``: every routine in its order with its steps as said.

    ``progression`` maps a routine id to its progression plan in one sentence ("Add 5 seconds a week, up to
    30 seconds."), printed under its settings; routines without one print none.
    """
    words = handout_words(timeline.language)
    phrases = Phrases.of(timeline.language)
    equipment = dict(zip(timeline.routine_ids, timeline.routine_equipment, strict=False))
    routines = tuple(
        routine_part(span, equipment.get(routine_id, ()), words, phrases)
        for routine_id, span in routine_spans(timeline.blocks)
    )
    plans = progression or {}
    routines = tuple(_with_plan(r, plans.get(r.routine_id)) for r in routines)
    return Handout(timeline.title, timeline.language, words, routines, url)


def _with_plan(routine: HandoutRoutine, plan: str | None) -> HandoutRoutine:
    if plan is None:
        return routine
    return HandoutRoutine(**{**routine.__dict__, "progression": plan})


def routine_spans(blocks: tuple[Block, ...]) -> list[tuple[str, list[Block]]]:
    """The blocks of each routine, from its first chapter mark to the next routine's (the session's intro
    and outro fall into the first and last: their roles keep them out of the steps)."""
    spans: list[tuple[str, list[Block]]] = []
    for block in blocks:
        if isinstance(block, Chapter) and (not spans or spans[-1][0] != block.routine_id):
            spans.append((block.routine_id, [block]))
        elif spans:
            spans[-1][1].append(block)
    return spans


def routine_part(
    span: list[Block], equipment: tuple[str, ...], words: HandoutWords, phrases: Phrases
) -> HandoutRoutine:
    """One routine's printed part from its blocks: the first side's first set is the one printed."""
    marks = [b for b in span if isinstance(b, Chapter)]
    holds = [b for b in span if isinstance(b, Hold)]
    sides = tuple(m.side for m in marks if m.side is not None)
    first = holds[0] if holds else None
    return HandoutRoutine(
        routine_id=marks[0].routine_id,
        title=marks[0].title,
        intro=routine_intro(span),
        equipment=equipment,
        settings=settings(first, sides, _set_rest(span), words, phrases),
        steps=first_steps(span),
        while_holding=tuple(c.text for c in sorted(first.cues, key=_offset) if c.role == "prompt")
        if first
        else (),
        switch=next((b.text for b in span if isinstance(b, Say) and b.role == "switch"), None),
        cautions=tuple(b.text for b in span if isinstance(b, Say) and b.role == "note"),
    )


def routine_intro(span: list[Block]) -> str | None:
    """The routine's intro: an intro said after its title, "Next up" or equipment (a session's intro opens
    the session, before any of them)."""
    introduced = False
    for block in span:
        if isinstance(block, Say) and block.role in ("title", "next", "equipment"):
            introduced = True
        elif isinstance(block, Say) and block.role == "intro" and introduced:
            return block.text
    return None


def _offset(cue: object) -> int:
    return int(getattr(cue, "offset_ms", 0))


def _set_rest(span: list[Block]) -> int | None:
    return next((b.ms for b in span if isinstance(b, Rest) and b.role == "rest"), None)


def first_steps(span: list[Block]) -> tuple[str, ...]:
    """The steps of the first set of the first side, then its release, as the voice says them."""
    steps: list[str] = []
    held = False
    for block in span:
        if isinstance(block, Chapter) and block.side is not None and steps:
            break  # the second side starts: its steps are the first's, mirrored
        if isinstance(block, Hold):
            held = True
        elif isinstance(block, Say) and block.role == "step" and not held:
            steps.append(block.text)
        elif isinstance(block, Say) and block.role == "release" and held:
            steps.append(block.text)
            break
        elif isinstance(block, Rest | Say) and held:
            break
    return tuple(steps)


def settings(
    hold: Hold | None, sides: tuple[str, ...], rest_ms: int | None, words: HandoutWords, phrases: Phrases
) -> tuple[tuple[str, str], ...]:
    """The run's hold, sets, sides and rest, worded in the run's language."""
    rows: list[tuple[str, str]] = []
    if hold is not None:
        rows.append((words.hold, phrases.duration(hold.ms)))
        per = words.per_side if sides else ""
        rows.append((words.sets, f"{hold.sets}{per}"))
    if sides:
        rows.append((words.sides, words.then.join(str(phrases.side(side)) for side in sides)))
    if hold is not None and hold.sets > 1:
        rows.append((words.rest, phrases.duration(rest_ms) if rest_ms else words.no_rest))
    return tuple(rows)
