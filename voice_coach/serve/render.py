"""Making one variant's export through the library: the one place the server renders, so a streamed start
can replace it later. An entry holds ``audio.mp3`` (ID3 chapters and tags), ``audio.vtt`` (everything said,
timed), ``audio.chapters.json`` (Podcasting 2.0 chapters), ``cover.png`` (its artwork) and ``about.json``
(what it is), ``audio.sets.json`` (its sets, see ``SETS``)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import voice_coach as vc
from voice_coach.serve.control import Control
from voice_coach.serve.variant import Variant

log = logging.getLogger(__name__)
AUDIO, CUES, CHAPTERS, ABOUT = "audio.mp3", "audio.vtt", "audio.chapters.json", "about.json"
SETS = "audio.sets.json"
"""Where each set of a hold begins and ends, its number and side, in no language (``set_marks``): the
page's "Set 2 of 3" in whatever language the routine is said."""
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
    once ``control()``."""

    def warn(message: str) -> None:
        log.warning("%s: %s", variant.entry.id, message)

    timeline = vc.compile(variant.entry.target, variant.choices, warn=warn)
    exported = vc.export(
        timeline,
        folder / AUDIO,
        variant.speech,
        cues=["vtt"],
        chapters_json=True,
        progress=_reporter(control),
        warn=warn,
    )
    (folder / COVER).write_bytes(vc.cover_art(timeline))
    marks = set_marks(vc.timeline_json(exported.session.schedule, "exact"))
    (folder / SETS).write_text(json.dumps({"sets": marks}), encoding="utf-8")
    made = datetime.now(UTC).isoformat(timespec="seconds")
    about = About(variant.entry.id, timeline.title, variant.label, variant.query, exported.length_ms, made)
    (folder / ABOUT).write_text(json.dumps(about.__dict__), encoding="utf-8")


def set_marks(timeline: dict[str, Any]) -> list[dict[str, Any]]:
    """Each hold of ``timeline`` (``vc.timeline_json``'s data) as a set: from its announcement ("Set 2 of
    3", in any language; else the hold's start) to the hold's end, in seconds, with its number, count,
    side (``left``, ``right`` or None) and routine."""
    marks: list[dict[str, Any]] = []
    announced: int | None = None
    for block in timeline["blocks"]:
        if block["type"] == "say" and block["role"] == "set":
            announced = block["start_ms"]
        elif block["type"] == "hold":
            start = block["start_ms"] if announced is None else announced
            end = block["start_ms"] + block["duration_ms"]
            numbers = {key: block[key] for key in ("set", "sets", "side", "routine")}
            marks.append({"startTime": start / 1000, "endTime": end / 1000, **numbers})
            announced = None
    return marks


def _reporter(control: Control) -> Callable[[str, int, int], None]:
    """The export's progress callback: stops the render once ``control()``, and reports to ``control``
    (the synthesis of new phrases is the first half when there is one)."""
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

    return progress
