"""A scheduled timeline as the script a person reads (``show``), or as JSON (``show --json``)."""

from __future__ import annotations

from typing import Any

from voice_coach.compiler.schedule import Schedule, Slot, Speech
from voice_coach.compiler.timeline import Chapter, Hold, Pause, Rest, Say, Tone
from voice_coach.durations import clock, format_duration
from voice_coach.printed import printed


def script_lines(plan: Schedule, timing: str) -> list[str]:
    """Every block with its start time in mm:ss, then the total length (not the dropped cues: see
    ``plan.dropped``), in the timeline's language (``timing`` too should be in it)."""
    lines = [f"{plan.timeline.title} ({plan.timeline.id})", ""]
    for index, slot in enumerate(plan.slots):
        if _said_by_next(plan.slots, index):
            continue
        lines.append(f"{clock(plan.ms(slot.start))}  {_slot_line(plan, slot)}")
        if isinstance(slot.block, Hold | Rest):
            lines += [f'         {clock(plan.ms(s.start))}  "{s.text}"' for s in slot.speech]
    total = clock(plan.ms(plan.total))
    lines += ["", printed(plan.timeline.language, "Total {length} ({timing})", length=total, timing=timing)]
    return lines  # dropped cues are warnings, which the caller reports (``show``: on stderr)


def _said_by_next(slots: tuple[Slot, ...], index: int) -> bool:
    """Whether the slot is a routine's mark followed at once by its first side's mark ("== Self-massage,
    right side =="), which says it all: only that one is printed (the exported chapters are the sides')."""
    block, following = slots[index].block, slots[index + 1].block if index + 1 < len(slots) else None
    return (
        isinstance(block, Chapter)
        and isinstance(following, Chapter)
        and slots[index + 1].start == slots[index].start
        and following.routine_id == block.routine_id
        and following.side is not None
    )


_MARKS = {
    "start": "(start chime)",
    "end": "(end chime)",
    "close": "(close chime)",
    "pause": "(pause {length})",
    "lead-in": "(lead-in {length})",
    "settle": "(settle {length})",
    "tail": "(tail {length})",
}
"""How the script marks a chime (by kind) and a pause (by role); a pause of another role is a pause."""


def _slot_line(plan: Schedule, slot: Slot) -> str:
    block, language = slot.block, plan.timeline.language
    if isinstance(block, Chapter):
        return f"== {block.title} =="
    if isinstance(block, Say):
        return f'"{block.text}"'
    length = format_duration(plan.ms(slot.length))
    if isinstance(block, Hold):
        where = [printed(language, "set {set} of {sets}", set=block.set, sets=block.sets)]
        where = where if block.sets > 1 else []
        where += [printed(language, block.side)] if block.side else []
        return printed(language, "HOLD {length}", length=length) + (f" ({', '.join(where)})" if where else "")
    if isinstance(block, Rest):
        return printed(language, "REST {length}", length=length)
    mark = _MARKS[block.kind] if isinstance(block, Tone) else _MARKS.get(block.role, _MARKS["pause"])
    return printed(language, mark, length=length)


def timeline_json(plan: Schedule, timing: str) -> dict[str, Any]:
    """The scheduled timeline as plain JSON data; the README documents every field."""
    return {
        "id": plan.timeline.id,
        "title": plan.timeline.title,
        "timing": timing,
        "total_ms": plan.ms(plan.total),
        "rate": plan.rate,
        "total_samples": plan.total,
        "chapters": [
            {
                "title": c.title,
                "routine": c.routine_id,
                "side": c.side,
                "start_ms": plan.ms(c.start),
                "end_ms": plan.ms(c.end),
            }
            for c in plan.chapters()
        ],
        "blocks": [_block_json(plan, slot) for slot in plan.slots],
        "dropped": [{"text": d.text, "block": d.block_index, "reason": d.reason} for d in plan.dropped],
    }


def _block_json(plan: Schedule, slot: Slot) -> dict[str, Any]:
    block = slot.block
    data: dict[str, Any] = {
        "type": type(block).__name__.lower(),
        "start_ms": plan.ms(slot.start),
        "duration_ms": plan.ms(slot.length),
    }
    if isinstance(block, Say):
        data |= {"text": block.text, "role": block.role}
    elif isinstance(block, Chapter):
        data |= {"title": block.title, "routine": block.routine_id, "side": block.side}
    elif isinstance(block, Hold):
        data |= {
            "routine": block.routine_id,
            "set": block.set,
            "sets": block.sets,
            "side": block.side,
        }
    elif isinstance(block, Rest | Pause):
        data |= {"role": block.role}
    elif isinstance(block, Tone):
        data |= {"kind": block.kind}
    if isinstance(block, Hold | Rest):
        data["cues"] = [_speech_json(plan, s) for s in slot.speech]
    return data


def _speech_json(plan: Schedule, speech: Speech) -> dict[str, Any]:
    return {
        "text": speech.text,
        "role": speech.role,
        "start_ms": plan.ms(speech.start),
        "duration_ms": plan.ms(speech.length),
    }
