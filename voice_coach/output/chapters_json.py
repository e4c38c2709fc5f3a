"""Podcasting 2.0 chapters (``application/json+chapters``, version 1.2.0): a JSON file beside the audio
listing its chapters with start and end in seconds, which podcast apps show as a chapter list.

    {"version": "1.2.0", "title": "...", "author": "voice-coach",
     "chapters": [{"startTime": 0, "endTime": 41.5, "title": "Kneeling twist"}, ...]}
"""

from __future__ import annotations

import json
from pathlib import Path

from voice_coach.compiler.schedule import Schedule

VERSION = "1.2.0"
SUFFIX = ".chapters.json"
"""The file's name beside ``spi.mp3``: ``spi.chapters.json``."""


def chapters_file(audio: Path) -> Path:
    """Where the chapters of the audio file ``audio`` go."""
    return audio.with_suffix(SUFFIX)


def chapters_text(schedule: Schedule, title: str, artist: str) -> str:
    """The chapters file of ``schedule`` rendered as one audio file (times to the millisecond)."""
    chapters = [
        {
            "startTime": _seconds(schedule.ms(c.start)),
            "endTime": _seconds(schedule.ms(c.end)),
            "title": c.title,
        }
        for c in schedule.chapters()
    ]
    document = {"version": VERSION, "title": title, "author": artist, "chapters": chapters}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _seconds(ms: int) -> int | float:
    """``ms`` in seconds: a whole number without a fraction (``0``, not ``0.0``)."""
    return ms // 1000 if ms % 1000 == 0 else ms / 1000
