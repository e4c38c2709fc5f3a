"""The timeline: the flat list of blocks a routine compiles to, shared by show, synth, mixer and export.

Blocks carry lengths in milliseconds where the routine fixes them (holds, rests, pauses, tones). Spoken
blocks have no length until a phrase is synthesized (or estimated); ``schedule.py`` then gives every block
an absolute start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Anchor = Literal["start", "end"]
ToneKind = Literal["start", "end", "close"]


@dataclass(frozen=True)
class Cue:
    """A phrase overlaid on the silence of a hold or rest.

    ``anchor="end"``: the cue *ends* ``offset_ms`` before the block ends (countdowns, "get ready").
    ``anchor="start"``: the cue *starts* ``offset_ms`` after the block starts ("rest", breathing prompts).
    When cues collide, higher ``priority`` wins; the other moves if it has a ``window_ms`` (it may start up
    to that much earlier or later) and a free place within it, and is dropped otherwise (see ``schedule.py``).
    """

    text: str
    anchor: Anchor
    offset_ms: int
    priority: int
    role: str
    window_ms: int = 0


@dataclass(frozen=True)
class Chapter:
    """A chapter mark (zero length): one per routine, or one per side of a sided routine.

    A sided routine starts with its own mark and its first side's together; the schedule keeps only the
    side's, so no chapter is empty.
    """

    title: str
    routine_id: str
    side: str | None = None


@dataclass(frozen=True)
class Say:
    """A spoken phrase; ``role`` says why it is there (title, step, set, switch, release, intro, outro...)."""

    text: str
    role: str


@dataclass(frozen=True)
class Pause:
    """Silence of a fixed length: time to get into position, or the lead-in before the first word."""

    ms: int
    role: str = "pause"


@dataclass(frozen=True)
class Tone:
    """A generated chime at the start or end of a hold, or closing the session."""

    kind: ToneKind
    ms: int = 350


@dataclass(frozen=True)
class Hold:
    """A timed hold of exactly ``ms``, with countdown and breathing cues overlaid on its silence."""

    ms: int
    cues: tuple[Cue, ...]
    routine_id: str
    set: int
    sets: int
    side: str | None = None


@dataclass(frozen=True)
class Rest:
    """A rest of exactly ``ms`` between sets ("rest") or routines ("between"), with "get ready" at its end."""

    ms: int
    cues: tuple[Cue, ...]
    role: str = "rest"


Block = Chapter | Say | Pause | Tone | Hold | Rest


@dataclass(frozen=True)
class Timeline:
    """What a routine or session compiles to: an id, a title and its blocks in order."""

    id: str
    title: str
    blocks: tuple[Block, ...]
    artist: str = "voice-coach"
    routine_ids: tuple[str, ...] = field(default=())
    routine_kinds: tuple[str, ...] = field(default=())
    """The kind (stretch, massage, ...) of each routine in ``routine_ids``, in the same order."""
    routine_equipment: tuple[tuple[str, ...], ...] = field(default=())
    """What each routine in ``routine_ids`` needs, as its file lists it (a printed handout shows it)."""
    language: str = "en"
    """The language it is said in (a language pack's code): the speech side picks a voice that speaks it
    (``speech.engines.voice_for``)."""
    lexicon: tuple[tuple[str, str, str], ...] = ()
    """How some of its words are read, for synthesis only: (word, respelling, phonemes); see
    ``speech.lexicon``."""

    warnings: tuple[str, ...] = ()
    """What the run's choices do against the routine files' advice ("hold 45 s is longer than 15-30 s
    for side-lying-overhead"), for the faces to show (``compiler.ranges``)."""

    def phrases(self) -> list[str]:
        """Every distinct text the timeline speaks, in order of first use."""
        seen: dict[str, None] = {}
        for block in self.blocks:
            if isinstance(block, Say):
                seen.setdefault(block.text, None)
            elif isinstance(block, Hold | Rest):
                for cue in block.cues:
                    seen.setdefault(cue.text, None)
        return list(seen)
