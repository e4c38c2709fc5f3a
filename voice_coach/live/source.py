"""What the live player plays: a ``Source`` of samples and the schedule placed so far.

A session being synthesized is a ``Mix`` (``audio.mixer``), which places phrases as they arrive; a session
rendered already is a ``Rendered``, which never waits. The player needs only this much of either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from voice_coach.audio.clip import Clip
from voice_coach.compiler.schedule import Schedule

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


class Source(Protocol):
    """Samples of a session at ``rate``, placed in time as far as ``placed`` (all of it once ``finished``)."""

    rate: int

    @property
    def finished(self) -> bool: ...

    @property
    def placed(self) -> int: ...

    def placed_schedule(self) -> Schedule: ...

    def schedule(self) -> Schedule: ...

    def place_ready(self, ready: Callable[[str], bool], until: int | None = None) -> None: ...

    def renderable(self, end: int) -> bool: ...

    def known_silent(self, start: int, end: int) -> bool: ...

    def samples(self, start: int, end: int) -> npt.NDArray[np.int16]: ...


@dataclass(frozen=True)
class Rendered:
    """A session rendered already: ``plan`` and its samples ``clip``; every part of it is there."""

    plan: Schedule
    clip: Clip

    def __post_init__(self) -> None:
        if self.clip.rate != self.plan.rate:
            raise ValueError(f"audio at {self.clip.rate} Hz does not match a schedule at {self.plan.rate} Hz")

    @property
    def rate(self) -> int:
        return self.plan.rate

    @property
    def finished(self) -> bool:
        return True

    @property
    def placed(self) -> int:
        return len(self.clip.samples)

    def placed_schedule(self) -> Schedule:
        return self.plan

    def schedule(self) -> Schedule:
        return self.plan

    def place_ready(self, ready: Callable[[str], bool], until: int | None = None) -> None:
        """Nothing to place: everything is."""

    def renderable(self, end: int) -> bool:
        return True

    def known_silent(self, start: int, end: int) -> bool:
        """Never asked: everything is renderable."""
        return False

    def samples(self, start: int, end: int) -> npt.NDArray[np.int16]:
        return self.clip.samples[start:end]
