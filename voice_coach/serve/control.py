"""What a render and the export cache tell each other while it runs: calling the control says whether to
stop (the server is stopping, or the page that wanted it moved on); ``report`` says how far it got, for the
page's "Making your audio… 40 %"; ``encoded`` that every sample went to the encoder, so the MP3 growing in
``folder`` is about to be finished (and tagged, which rewrites it: whoever streams it stops reading it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


class Control:
    """One render's stop signal and progress (a fraction from 0 to 1, never going back)."""

    def __init__(self, stop: Callable[[], bool], folder: Path | None = None) -> None:
        self._stop = stop
        self.folder = folder
        self.done = 0.0
        self.encoded = False

    def __call__(self) -> bool:
        """Whether the render should stop now."""
        return self._stop()

    def report(self, fraction: float) -> None:
        self.done = min(max(fraction, self.done), 1.0)
