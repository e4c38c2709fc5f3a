"""The kept loudness analyses of the latest mixes (a few numbers each, see ``loudness.Analysis``): given
back to ``mix`` as hints, they let exporting or playing the same phrases again skip most of the analysis.

One small JSON file, ``mix-analysis.json``, in a folder the caller chooses (the phrase cache's, so that
``cache clear`` removes it with the phrases it describes). It is only ever a speed-up: unreadable, it
counts as empty; unwritable, it is left alone and nobody is told.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from voice_coach.audio.loudness import Analysis
from voice_coach.files import replace_atomically

ANALYSES_FILE = "mix-analysis.json"
"""The store's file in its folder. A ``.json`` name: the phrase cache's ``clear`` removes its folder's
``*.json`` side files, so these analyses go with the phrases they describe."""
ANALYSES_KEPT = 64
"""The latest analyses kept (each a few numbers): enough for every routine and session a user varies."""


class AnalysisStore:
    """Loudness analyses kept in ``folder`` (none kept, and none given, when ``folder`` is None)."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / ANALYSES_FILE if folder is not None else None

    def hints(self) -> dict[str, Analysis]:
        """Every usable analysis kept, by key, newest first; empty if none or the file is unreadable."""
        if self.path is None:
            return {}
        try:
            kept = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(kept, dict):
            return {}
        return {
            key: analysis
            for key, record in kept.items()
            if isinstance(record, dict) and (analysis := Analysis.from_record(key, record))
        }

    def keep(self, analysis: Analysis) -> None:
        """Keep ``analysis`` as the newest (the oldest beyond ``ANALYSES_KEPT`` go); silently nothing if
        the folder cannot be written: it would only have saved time."""
        if self.path is None:
            return
        kept = {analysis.key: analysis} | {k: v for k, v in self.hints().items() if k != analysis.key}
        records = {key: kept[key].record() for key in list(kept)[:ANALYSES_KEPT]}
        text = json.dumps(records, indent=1)
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            replace_atomically(self.path, lambda out: out.write(text.encode("utf-8")))
