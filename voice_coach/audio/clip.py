"""The one audio value passed between engines, cache, synth and mixer: mono 16-bit PCM at a known rate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


@dataclass(frozen=True, eq=False)
class Clip:
    """Mono signed 16-bit samples (a 1-D ``int16`` numpy array) at ``rate`` samples per second."""

    samples: npt.NDArray[np.int16]
    rate: int

    @property
    def ms(self) -> int:
        return len(self.samples) * 1000 // self.rate
