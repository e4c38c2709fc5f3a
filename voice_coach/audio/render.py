"""A mix as a recipe, not a buffer: every distinct sound at its final level, the places it is used, and an
optional music bed. Any range of output samples is a pure function of the range, so a session of any
length is rendered chunk by chunk with flat memory, and the final safety limiter gets its look-ahead by
rendering a little more on each side of the range asked for.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from voice_coach.audio import dsp
from voice_coach.audio.clip import Clip
from voice_coach.audio.loudness import Analysis
from voice_coach.audio.music import MusicBed
from voice_coach.audio.sounds import CEILING, LIMITER_MS, Sounds
from voice_coach.compiler.schedule import Schedule
from voice_coach.progress import Progress

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from voice_coach.audio.dsp import Samples

CHUNK = 1 << 15
"""Samples rendered at a time (about 1.5 s at 22050 Hz)."""


@dataclass(frozen=True, eq=False)
class Layer:
    """A sound at its final level placed at an absolute start; repeated phrases share one array."""

    start: int
    samples: Samples

    @property
    def end(self) -> int:
        return self.start + len(self.samples)


@dataclass(frozen=True, eq=False)
class Mix:
    """A session ready to render at ``rate``: sounds at their final levels and an optional music bed."""

    rate: int
    total: int
    layers: tuple[Layer, ...]
    bed: MusicBed | None = None
    ceiling: float = CEILING
    analysis: Analysis | None = None
    """What the loudness analysis found: pass it back to ``mix`` (``hints``) for the same sounds."""
    _starts: npt.NDArray[np.int64] = field(init=False, repr=False)
    _longest: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        import numpy as np

        starts = np.array([layer.start for layer in self.layers], np.int64)
        if np.any(np.diff(starts) < 0):
            raise ValueError("layers must be sorted by start")
        object.__setattr__(self, "_starts", starts)
        object.__setattr__(self, "_longest", max((len(layer.samples) for layer in self.layers), default=0))

    def chunks(
        self, start: int = 0, end: int | None = None, size: int = CHUNK
    ) -> Iterator[npt.NDArray[np.int16]]:
        """The int16 output of ``[start, end)`` in consecutive chunks of at most ``size`` samples."""
        import numpy as np

        end = self.total if end is None else end
        peak = int(self.ceiling * 32768)
        for lo in range(start, end, size):
            scaled = self.output(lo, min(end, lo + size)) * 32768
            yield np.clip(np.rint(scaled, out=scaled), -peak, peak, out=scaled).astype(np.int16)

    def clip(self, progress: Progress | None = None) -> Clip:
        """The whole session as one int16 ``Clip``; ``progress("render", chunks done, chunks)`` as it goes."""
        import numpy as np

        samples = np.empty(self.total, np.int16)
        count = -(-self.total // CHUNK)
        for done, chunk in enumerate(self.chunks()):
            samples[done * CHUNK : done * CHUNK + len(chunk)] = chunk
            if progress:
                progress("render", done + 1, count)
        return Clip(samples, self.rate)

    def output(self, start: int, end: int) -> Samples:
        """Float output of ``[start, end)``, limited to the ceiling where the music adds to a peak.

        The limiter looks ahead (and releases) over ``LIMITER_MS``, so a margin of twice that is
        rendered on each side: the samples kept are then the same however the session is cut.
        """
        margin = 2 * (LIMITER_MS * self.rate // 1000)
        lo, hi = max(0, start - margin), min(self.total, end + margin)
        samples = dsp.limit(self.render(lo, hi), self.ceiling, margin // 2)
        return samples[start - lo : end - lo]

    def render(self, start: int, end: int) -> Samples:
        """The plain sum of every layer and the music bed over ``[start, end)``."""
        import numpy as np

        out = self.bed.render(start, end) if self.bed else np.zeros(end - start, np.float32)
        first, last = np.searchsorted(self._starts, (start - self._longest, end))
        for layer in self.layers[first:last]:
            if layer.end > start:
                lo, hi = max(start, layer.start), min(end, layer.end)
                out[lo - start : hi - start] += layer.samples[lo - layer.start : hi - layer.start]
        return out


def assemble(
    schedule: Schedule,
    sounds: Sounds,
    bed: MusicBed | None,
    levelled: Mapping[Hashable, Samples],
    analysis: Analysis,
) -> Mix:
    """The ``Mix``: every distinct sound levelled once (``levelled``), placed as many times as it is used."""
    layers = sorted(
        (Layer(start, levelled[key]) for start, key in sounds.places), key=lambda layer: layer.start
    )
    return Mix(schedule.rate, schedule.total, tuple(layers), bed, analysis=analysis)
