"""How a live session ended, and what it amounted to: the ``Outcome`` value and the summary line.

Kept apart from the player so the faces (the CLI's summary and history) read an outcome without knowing how
the player got there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from voice_coach.compiler.schedule import Schedule
from voice_coach.compiler.timeline import Hold
from voice_coach.durations import clock
from voice_coach.live.steps import build_step_map
from voice_coach.printed import printed, printed_count
from voice_coach.wording import plural

Ended = Literal["finished", "quit", "interrupted"]


@dataclass(frozen=True)
class Outcome:
    """How a live session ended: why, where (in samples), which spans of the schedule were heard, and where
    it started (``start``: 0, or a ``--resume`` or ``--from`` point)."""

    ended: Ended
    position: int
    heard: tuple[tuple[int, int], ...]
    rate: int
    start: int = 0

    @property
    def heard_ms(self) -> int:
        """Milliseconds of audio played (a span heard twice counts twice)."""
        return sum(end - start for start, end in self.heard) * 1000 // self.rate

    @property
    def skipped_ms(self) -> int:
        """Milliseconds between the start and where it stopped that were never heard (``n``, ``]``...).

        A pause repeats a cut phrase from its start, so pausing never leaves a gap; jumping forward does.
        """
        covered, reached = 0, self.start
        for start, end in sorted(self.heard):
            start, end = max(start, reached), min(end, self.position)
            if end > start:
                covered += end - start
                reached = end
        return max(0, self.position - self.start - covered) * 1000 // self.rate


def summarize(schedule: Schedule, played: Outcome | int, kinds: Mapping[str, str] | None = None) -> str:
    """One line on what was done, e.g. ``Serratus posterior inferior program: 24 min, 5 stretches, 2 massage
    sides``.

    ``played`` is an ``Outcome``, or a position meaning everything before it was heard. A hold counts as
    done when it was heard to its end. ``kinds`` maps routine ids to their kind ("stretch", "massage");
    unknown ids count as "routine". A routine held once per side counts its sides; others count once.
    """
    heard = ((0, played),) if isinstance(played, int) else played.heard
    heard_ms = sum(end - start for start, end in heard) * 1000 // schedule.rate
    done: dict[str, set[tuple[str, str | None]]] = {}
    for slot in schedule.slots:
        block = slot.block
        if isinstance(block, Hold) and any(start < slot.end <= end for start, end in heard):
            kind = (kinds or {}).get(block.routine_id, "routine")
            per_side = block.side is not None and block.sets == 1
            noun = f"{kind} side" if per_side else kind
            done.setdefault(noun, set()).add((block.routine_id, block.side if per_side else None))
    language = schedule.timeline.language
    counted = (_counted(language, len(keys), noun) for noun, keys in done.items())
    return f"{schedule.timeline.title}: {', '.join([_minutes(language, heard_ms), *counted])}"


_COUNTED = {
    noun: (f"{{count}} {noun}", f"{{count}} {plural(2, noun).removeprefix('2 ')}")
    for kind in ("stretch", "massage", "locate", "routine")
    for noun in (kind, f"{kind} side")
}
"""The counted nouns of the built-in kinds, as keys of ``printed``: "{count} stretch", "{count}
stretches"; a file's own kind is counted in English."""


def _counted(language: str, count: int, noun: str) -> str:
    one, many = _COUNTED.get(noun, (None, None))
    return plural(count, noun) if one is None or many is None else printed_count(language, count, one, many)


def _minutes(language: str, ms: int) -> str:
    if ms >= 60_000:
        return printed(language, "{count} min", count=round(ms / 60_000))
    return printed(language, "{count} s", count=ms // 1000)


def stopped_at(schedule: Schedule, outcome: Outcome, total_ms: int, estimated: bool = False) -> str:
    """Where a session stopped early, of how long, and in which part of it, e.g. ``Stopped at 01:13 of
    05:39 (right side, set 2 of 3).`` (the routine is named too when the session has several).

    ``schedule`` reaches at least the position (it may stop there); ``total_ms`` is the whole session's
    length, said to be ``about`` it when ``estimated``.
    """
    plan, language = build_step_map(schedule), schedule.timeline.language
    step = plan.steps[plan.step_index(outcome.position)]
    parts = [step.routine] if len(schedule.timeline.routine_ids) > 1 else []
    parts += [printed(language, _SIDES[step.side])] if step.side in _SIDES else []
    if step.set and step.sets and step.sets > 1:
        parts.append(printed(language, "set {set} of {sets}", set=step.set, sets=step.sets))
    where = f" ({', '.join(parts)})" if parts else ""
    total = printed(language, "about {length}", length=clock(total_ms)) if estimated else clock(total_ms)
    at = clock(schedule.ms(outcome.position))
    return printed(language, "Stopped at {at} of {total}{where}.", at=at, total=total, where=where)


_SIDES = {"left": "left side", "right": "right side"}
