"""Give every timeline block an absolute start, in samples, once phrase lengths are known (pure).

The same function serves ``show`` (with estimated or cached lengths, at 1000 "samples" per second, i.e.
milliseconds) and the mixer (real lengths at the engine's sample rate), so both report the same times.

The collision rule for overlaid cues, stated once: cues are placed in order of priority (then time); a cue
that would start before its block starts, end after its block ends, or come closer than ``CUE_GAP_MS`` to a
cue already placed, does not go there. A cue anchored to the block's end (a countdown, "get ready") is then
dropped, never moved: its time is its meaning. A cue with a window (a breathing prompt) moves to the free
place nearest its own within the window, and is dropped only if there is none. Dropped cues are reported so
the CLI can warn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from voice_coach.compiler.timeline import Block, Chapter, Cue, Hold, Pause, Rest, Say, Timeline, Tone

SAY_GAP_MS = 300
"""Silence after every spoken block, so consecutive phrases do not run together."""
CUE_GAP_MS = 250
"""Least silence between two overlaid cues."""


@dataclass(frozen=True)
class Speech:
    """One phrase placed in time: a ``Say`` block or an overlaid cue."""

    text: str
    start: int
    length: int
    role: str

    @property
    def end(self) -> int:
        return self.start + self.length


@dataclass(frozen=True)
class Slot:
    """A block with its absolute start and length, and the speech placed inside it."""

    block: Block
    start: int
    length: int
    speech: tuple[Speech, ...]

    @property
    def end(self) -> int:
        return self.start + self.length


@dataclass(frozen=True)
class ChapterSpan:
    """A chapter with its start and end (end = next chapter's start, or the end of the session)."""

    title: str
    routine_id: str
    side: str | None
    start: int
    end: int


@dataclass(frozen=True)
class DroppedCue:
    """A cue that did not fit where it belongs, and why."""

    text: str
    block_index: int
    reason: str


@dataclass(frozen=True)
class Schedule:
    """A timeline placed in time at ``rate`` samples per second."""

    timeline: Timeline
    rate: int
    slots: tuple[Slot, ...]
    dropped: tuple[DroppedCue, ...]

    @property
    def total(self) -> int:
        return self.slots[-1].end if self.slots else 0

    def speech(self) -> list[Speech]:
        """Everything said, in time order."""
        return sorted((s for slot in self.slots for s in slot.speech), key=lambda s: s.start)

    def chapters(self) -> list[ChapterSpan]:
        """Chapter marks with exact start and end times, in order."""
        marks = [s for s in self.slots if isinstance(s.block, Chapter)]
        spans = []
        for i, slot in enumerate(marks):
            assert isinstance(slot.block, Chapter)
            end = marks[i + 1].start if i + 1 < len(marks) else self.total
            spans.append(
                ChapterSpan(slot.block.title, slot.block.routine_id, slot.block.side, slot.start, end)
            )
        # A routine chapter immediately followed by its first side chapter would be empty: keep the side.
        # (The compiler puts the first mark before the lead-in, so the first chapter starts at 0.)
        return [c for c in spans if c.end > c.start or c is spans[-1]]

    def ms(self, samples: int) -> int:
        """Samples at this schedule's rate, as milliseconds."""
        return samples * 1000 // self.rate


def schedule(timeline: Timeline, phrase_length: Callable[[str], int], rate: int) -> Schedule:
    """Place ``timeline`` in time; ``phrase_length(text)`` gives a phrase's length in samples at ``rate``."""
    dropped: list[DroppedCue] = []
    slots = tuple(unfold(timeline, phrase_length, rate, dropped))
    return Schedule(timeline, rate, slots, tuple(dropped))


def unfold(
    timeline: Timeline, phrase_length: Callable[[str], int], rate: int, dropped: list[DroppedCue]
) -> Iterator[Slot]:
    """The slots of ``schedule``, one at a time, in time order; cues that do not fit go to ``dropped``.

    A slot's place needs only the lengths of the phrases before it and in it, and ``phrase_length`` is
    asked in that order: a caller whose phrases are still being synthesized can place (and play) the
    start of a session before the end is spoken.
    """

    def samples(ms: int) -> int:
        return ms * rate // 1000

    position = 0
    for index, block in enumerate(timeline.blocks):
        speech: tuple[Speech, ...] = ()
        if isinstance(block, Say):
            spoken = phrase_length(block.text)
            length = spoken + samples(SAY_GAP_MS)
            speech = (Speech(block.text, position, spoken, block.role),)
        elif isinstance(block, Hold | Rest):
            length = samples(block.ms)
            placed, lost = place_cues(block.cues, position, length, phrase_length, samples)
            speech = placed
            dropped.extend(DroppedCue(cue.text, index, why) for cue, why in lost)
        elif isinstance(block, Pause | Tone):
            length = samples(block.ms)
        else:
            length = 0
        yield Slot(block, position, length, speech)
        position += length


def place_cues(
    cues: tuple[Cue, ...],
    start: int,
    length: int,
    phrase_length: Callable[[str], int],
    samples: Callable[[int], int],
) -> tuple[tuple[Speech, ...], list[tuple[Cue, str]]]:
    """Cues placed inside ``[start, start + length)`` by the module's collision rule."""
    gap = samples(CUE_GAP_MS)
    placed: list[Speech] = []
    lost: list[tuple[Cue, str]] = []
    for cue in sorted(cues, key=lambda c: (-c.priority, c.anchor, c.offset_ms)):
        spoken = phrase_length(cue.text)
        if cue.anchor == "start":
            wanted = start + samples(cue.offset_ms)
        else:
            wanted = start + length - samples(cue.offset_ms) - spoken
        window = (wanted - samples(cue.window_ms), wanted + samples(cue.window_ms))
        low, high = max(start, window[0]), min(start + length - spoken, window[1])
        free = [t for t in _candidates(wanted, spoken, placed, gap) if low <= t <= high]
        free = [t for t in free if not any(t < p.end + gap and p.start < t + spoken + gap for p in placed)]
        if free:
            placed.append(Speech(cue.text, min(free, key=lambda t: (abs(t - wanted), t)), spoken, cue.role))
        elif low > high or not start <= wanted <= start + length - spoken:
            lost.append((cue, "does not fit in the block"))
        else:
            lost.append((cue, "would overlap another cue"))
    return tuple(sorted(placed, key=lambda s: s.start)), lost


def _candidates(wanted: int, spoken: int, placed: list[Speech], gap: int) -> list[int]:
    """Where a cue could start: its own place, or just after or just before a cue already placed."""
    return [wanted, *(p.end + gap for p in placed), *(p.start - gap - spoken for p in placed)]
