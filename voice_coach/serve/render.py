"""Making one variant's export through the library: the one place the server renders, so a streamed start
can replace it later. An entry holds ``audio.mp3`` (ID3 chapters and tags), ``audio.vtt`` (everything said,
timed), ``chapters.json`` (Podcasting 2.0 chapters) and ``about.json`` (what it is)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import voice_coach as vc
from voice_coach.serve.export_cache import Cancelled
from voice_coach.serve.variant import Variant

log = logging.getLogger(__name__)
AUDIO, CUES, CHAPTERS, ABOUT = "audio.mp3", "audio.vtt", "chapters.json", "about.json"
CHAPTERS_VERSION = "1.2.0"
"""The Podcasting 2.0 JSON chapters format version written."""


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


def render_variant(variant: Variant, folder: Path, cancelled: Cancelled) -> None:
    """Export ``variant`` into ``folder``; ``VoiceCoachError`` if the library cannot, ``RenderCancelled``
    once ``cancelled()``."""

    def progress(stage: str, done: int, total: int) -> None:
        if cancelled():
            raise RenderCancelled

    timeline = vc.compile(variant.entry.target, variant.options)
    exported = vc.export(
        timeline,
        folder / AUDIO,
        variant.speech,
        cues=["vtt"],
        progress=progress,
        warn=lambda message: log.warning("%s: %s", variant.entry.id, message),
    )
    plan = exported.session.schedule
    marks = [(c.title, plan.ms(c.start), plan.ms(c.end)) for c in plan.chapters()]
    (folder / CHAPTERS).write_text(json.dumps(chapters_json(marks), indent=1), encoding="utf-8")
    made = datetime.now(UTC).isoformat(timespec="seconds")
    about = About(variant.entry.id, timeline.title, variant.label, variant.query, exported.length_ms, made)
    (folder / ABOUT).write_text(json.dumps(about.__dict__), encoding="utf-8")


def chapters_json(marks: list[tuple[str, int, int]]) -> dict[str, Any]:
    """Podcasting 2.0 chapters (``application/json+chapters``) from (title, start ms, end ms) marks."""
    chapters = [
        {"startTime": start / 1000, "endTime": end / 1000, "title": title} for title, start, end in marks
    ]
    return {"version": CHAPTERS_VERSION, "chapters": chapters}
