"""Making one variant's export through the library: the one place the server renders, so a streamed start
can replace it later. An entry holds ``audio.mp3`` (ID3 chapters and tags), ``audio.vtt`` (everything said,
timed), ``audio.chapters.json`` (Podcasting 2.0 chapters), ``cover.png`` (its artwork) and ``about.json``
(what it is)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import voice_coach as vc
from voice_coach.serve.control import Control
from voice_coach.serve.variant import Variant

log = logging.getLogger(__name__)
AUDIO, CUES, CHAPTERS, ABOUT = "audio.mp3", "audio.vtt", "audio.chapters.json", "about.json"
COVER = "cover.png"
"""The artwork embedded in ``AUDIO``, beside it for the page's lock-screen controls (Android's media
notification shows PNG, not the page's SVG icon)."""
"""``CUES`` and ``CHAPTERS`` are what ``vc.export`` writes beside ``AUDIO`` with ``cues=["vtt"]`` and
``chapters_json=True``."""


class RenderCancelled(Exception):
    """The server is stopping: the render ends and its files are dropped."""


@dataclass(frozen=True)
class About:
    """What an entry is, as ``about.json`` keeps it (for the feed's recent episodes)."""

    routine_id: str
    title: str
    label: str
    query: str
    length_ms: int
    made: str

    @classmethod
    def read(cls, entry: Path) -> About | None:
        """The entry's note, or None when it cannot be read."""
        try:
            return cls(**json.loads((entry / ABOUT).read_text("utf-8")))
        except (OSError, ValueError, TypeError):
            return None


def render_variant(variant: Variant, folder: Path, control: Control) -> None:
    """Export ``variant`` into ``folder``; ``VoiceCoachError`` if the library cannot, ``RenderCancelled``
    once ``control()``. Progress: the synthesis of new phrases is the first half when there is one."""
    synthesized = False

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal synthesized
        if control():
            raise RenderCancelled
        fraction = done / total if total else 0.0
        if stage == "synthesize":
            synthesized = True
            control.report(fraction / 2)
        else:
            control.report(0.5 + fraction / 2 if synthesized else fraction)
            control.encoded = stage == "encode" and done >= total > 0

    timeline = vc.compile(variant.entry.target, variant.choices)
    exported = vc.export(
        timeline,
        folder / AUDIO,
        variant.speech,
        cues=["vtt"],
        chapters_json=True,
        progress=progress,
        warn=lambda message: log.warning("%s: %s", variant.entry.id, message),
    )
    (folder / COVER).write_bytes(vc.cover_art(timeline))
    made = datetime.now(UTC).isoformat(timespec="seconds")
    about = About(variant.entry.id, timeline.title, variant.label, variant.query, exported.length_ms, made)
    (folder / ABOUT).write_text(json.dumps(about.__dict__), encoding="utf-8")
