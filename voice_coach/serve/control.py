"""What a render and the export cache tell each other while it runs: calling the control says whether to
stop (the server is stopping, or the page that wanted it moved on); ``report`` says how far it got, for the
page's "Making your audio… 40 %"."""

from __future__ import annotations

from collections.abc import Callable


class Control:
    """One render's stop signal and progress (a fraction from 0 to 1, never going back)."""

    def __init__(self, stop: Callable[[], bool]) -> None:
        self._stop = stop
        self.done = 0.0

    def __call__(self) -> bool:
        """Whether the render should stop now."""
        return self._stop()

    def report(self, fraction: float) -> None:
        self.done = min(max(fraction, self.done), 1.0)
