"""Signal processing for the mixer (pure): resampling and loudness (ITU-R BS.1770).

Loudness is gated over 400 ms blocks made of 100 ms sub-blocks of K-weighted energy. pyloudnorm's
``Meter`` wants the whole signal as one float64 array and gates it block by block in Python (an hour-long
session: about 640 MB and seconds of looping), so this module uses pyloudnorm's K-weighting filter design
and reproduces its gating on sub-block energies, which can be gathered chunk by chunk (``LoudnessMeter``)
or placed sound by sound (``weighted_energy`` + ``place_energy``): the filter is linear, so a session of
non-overlapping phrases has the energy of its phrases filtered one at a time.

Only numpy is needed on the export path: importing ``scipy.signal`` takes about a second, longer than
mixing a whole session. The K-weighting filter rings down below -200 dB within ``K_WEIGHTING_MS``, so it
is applied as that much of its impulse response by FFT convolution, which agrees with the recursive
filter to far better than any loudness tolerance.
scipy is imported only to resample (a phrase or a music bed at another rate).
"""

from __future__ import annotations

import math
from functools import cache
from math import gcd
from typing import TYPE_CHECKING

from voice_coach.audio.clip import Clip

if TYPE_CHECKING:  # numpy is imported where it is used, so importing the package (the CLI) does not load it
    import numpy as np
    import numpy.typing as npt

    Samples = npt.NDArray[np.float32]
    Energies = npt.NDArray[np.float64]

_BLOCK_SUBBLOCKS = 4
"""A gating block is 400 ms: four 100 ms sub-blocks (75 % overlap)."""
_ABSOLUTE_GATE = -70.0
_RELATIVE_GATE = -10.0
_QUIET_STATE = 1e-12
"""Filter state below this is treated as settled, so silent chunks need no filtering."""
FILTER_TAIL_MS = 200
"""How long the K-weighting filter rings after a sound ends (to well below -100 dB)."""


K_WEIGHTING_MS = 100
"""Length of the K-weighting filter's impulse response used; the rest is below -200 dB."""
_FFT_SIZE = 1 << 15
"""FFT length of one block of the convolution (fastest here for a 100 ms response at speech rates)."""


Biquad = tuple[tuple[float, float, float], tuple[float, float]]
"""A filter stage as normalized ``(b0, b1, b2), (a1, a2)``."""


def _biquads(rate: int) -> tuple[Biquad, Biquad]:
    """The two K-weighting stages at ``rate`` as pyloudnorm designs them (RBJ cookbook): a +4 dB high
    shelf at 1500 Hz (Q 1/sqrt 2), then a high pass at 38 Hz (Q 0.5)."""
    w0 = 2 * math.pi * 1500.0 / rate
    gain, cos, alpha = 10 ** (4.0 / 40), math.cos(w0), math.sin(w0) / (2 / math.sqrt(2))
    root = 2 * math.sqrt(gain) * alpha
    a0 = (gain + 1) - (gain - 1) * cos + root
    shelf = (
        (
            gain * ((gain + 1) + (gain - 1) * cos + root) / a0,
            -2 * gain * ((gain - 1) + (gain + 1) * cos) / a0,
            gain * ((gain + 1) + (gain - 1) * cos - root) / a0,
        ),
        (2 * ((gain - 1) - (gain + 1) * cos) / a0, ((gain + 1) - (gain - 1) * cos - root) / a0),
    )
    w0 = 2 * math.pi * 38.0 / rate
    cos, alpha = math.cos(w0), math.sin(w0) / (2 * 0.5)
    a0 = 1 + alpha
    high_pass = (((1 + cos) / 2 / a0, -(1 + cos) / a0, (1 + cos) / 2 / a0), (-2 * cos / a0, (1 - alpha) / a0))
    return shelf, high_pass


@cache
def k_impulse(rate: int) -> npt.NDArray[np.float64]:
    """The first ``K_WEIGHTING_MS`` of the K-weighting filter's impulse response at ``rate``."""
    import numpy as np

    response = [1.0] + [0.0] * (K_WEIGHTING_MS * rate // 1000 - 1)
    for (b0, b1, b2), (a1, a2) in _biquads(rate):
        x1 = x2 = y1 = y2 = 0.0
        for n, x in enumerate(response):
            y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            x1, x2, y1, y2 = x, x1, y, y1
            response[n] = y
    return np.array(response)


@cache
def _k_spectrum(rate: int, size: int) -> npt.NDArray[np.complex128]:
    import numpy as np

    return np.fft.rfft(k_impulse(rate), size)


def _k_convolve(samples: npt.NDArray[np.floating], rate: int) -> npt.NDArray[np.float64]:
    """The full convolution of ``samples`` with ``k_impulse(rate)`` (``len(samples) + K - 1`` long),
    by FFT in blocks (overlap-add), so memory stays proportional to the input."""
    import numpy as np

    taps = len(k_impulse(rate))
    out = np.zeros(len(samples) + taps - 1)
    if not len(samples):
        return out
    size = 1 << max(_FFT_SIZE.bit_length() - 1, (2 * taps - 1).bit_length())
    size = min(size, 1 << (len(out) - 1).bit_length())
    step = size - taps + 1
    spectrum = _k_spectrum(rate, size)
    for lo in range(0, len(samples), step):
        block = np.asarray(samples[lo : lo + step], np.float64)
        filtered = np.fft.irfft(np.fft.rfft(block, size) * spectrum, size)
        out[lo : lo + len(block) + taps - 1] += filtered[: len(block) + taps - 1]
    return out


def subblock_edges(start: int, end: int, rate: int) -> npt.NDArray[np.int64]:
    """Sub-block boundaries ``k * rate // 10`` that fall in ``(start, end]``."""
    import numpy as np

    edges = np.arange(start * 10 // rate, end * 10 // rate + 2, dtype=np.int64) * rate // 10
    return edges[(edges > start) & (edges <= end)]


def subblock_count(total: int, rate: int) -> int:
    """How many (possibly partial, last) sub-blocks ``total`` samples span."""
    return -(-total * 10 // rate) if total else 0


def gated_loudness(energies: Energies, rate: int) -> float:
    """Integrated loudness (LUFS) from per-sub-block K-weighted energies; ``-inf`` if nothing passes."""
    import numpy as np

    if len(energies) < _BLOCK_SUBBLOCKS:
        return -math.inf
    power = np.convolve(energies, np.ones(_BLOCK_SUBBLOCKS), "valid") / (0.4 * rate)
    with np.errstate(divide="ignore"):
        block_loudness = -0.691 + 10 * np.log10(power)
    gated = power[block_loudness >= _ABSOLUTE_GATE]
    if not len(gated):
        return -math.inf
    relative = -0.691 + 10 * math.log10(float(gated.mean())) + _RELATIVE_GATE
    final = power[(block_loudness > relative) & (block_loudness > _ABSOLUTE_GATE)]
    return -0.691 + 10 * math.log10(float(final.mean()))


class LoudnessMeter:
    """Feed a signal's chunks in order with ``add``; ``integrated()`` gives its loudness so far."""

    def __init__(self, rate: int) -> None:
        import numpy as np

        self._carry = np.zeros(len(k_impulse(rate)) - 1)
        """Filter output still to come from earlier chunks (their ringing into the next samples)."""
        self._rate = rate
        self._position = 0
        self._energies: list[Energies] = []
        self._partial = 0.0

    def add(self, chunk: Samples) -> None:
        """Account for the next ``len(chunk)`` samples."""
        import numpy as np

        start, end = self._position, self._position + len(chunk)
        edges = subblock_edges(start, end, self._rate) - start
        if len(chunk) and (chunk.any() or np.abs(self._carry).max() > _QUIET_STATE):
            full = _k_convolve(chunk, self._rate)
            full[: len(self._carry)] += self._carry
            weighted, self._carry = full[: len(chunk)], full[len(chunk) :]
            sums = np.add.reduceat(np.square(weighted), np.concatenate(([0], edges[edges < len(chunk)])))
        else:
            sums = np.zeros(len(edges) + int(len(chunk) > (edges[-1] if len(edges) else 0)))
            self._carry[:] = 0.0  # settled (below _QUIET_STATE): nothing left to ring
        if len(sums):
            sums[0] += self._partial
        self._energies.append(sums[: len(edges)])
        self._partial = float(sums[len(edges)]) if len(sums) > len(edges) else 0.0
        self._position = end

    def energies(self) -> Energies:
        """K-weighted energy of every sub-block so far, the last one possibly partial."""
        import numpy as np

        done = np.concatenate([*self._energies, np.zeros(0)])
        return np.append(done, self._partial)[: subblock_count(self._position, self._rate)]

    def integrated(self) -> float:
        """Gated integrated loudness (LUFS); ``-inf`` for silence or less than 400 ms of audio."""
        return gated_loudness(self.energies(), self._rate)


def loudness(samples: Samples, rate: int, chunk: int = 1 << 18) -> float:
    """Integrated loudness (LUFS) of a whole signal, measured in chunks."""
    meter = LoudnessMeter(rate)
    for start in range(0, len(samples), chunk):
        meter.add(samples[start : start + chunk])
    return meter.integrated()


def weighted_energy(samples: Samples, rate: int) -> Energies:
    """Running K-weighted energy of ``samples`` and the filter's ringing after them: element n is the
    energy of the first n samples (so it starts with 0 and is ``FILTER_TAIL_MS`` longer than the sound)."""
    import numpy as np

    weighted = np.zeros(len(samples) + FILTER_TAIL_MS * rate // 1000)
    full = _k_convolve(samples, rate)[: len(weighted)]
    weighted[: len(full)] = full
    return np.concatenate(([0.0], np.cumsum(np.square(weighted))))


def place_energy(energies: Energies, start: int, running: Energies, rate: int) -> None:
    """Add a sound's ``running`` energy (from ``weighted_energy``), placed at ``start``, into ``energies``."""
    first, values = placed_energy(start, running, rate, len(energies))
    energies[first : first + len(values)] += values


def placed_energy(start: int, running: Energies, rate: int, count: int) -> tuple[int, Energies]:
    """What a sound with ``running`` energy placed at ``start`` adds to a session of ``count`` sub-blocks:
    the index of the first sub-block it touches and its energy in each sub-block from there."""
    import numpy as np

    first = start * 10 // rate
    span = len(running) - 1
    last = min(count, subblock_count(start + span, rate))
    if first >= last:
        return first, np.zeros(0)
    bounds = np.arange(first, last + 1, dtype=np.int64) * rate // 10 - start
    return first, np.diff(running[np.clip(bounds, 0, span)])


def resampled_length(count: int, source: int, target: int) -> int:
    """How many samples ``count`` samples at ``source`` Hz become at ``target`` Hz (rounded up)."""
    return -(-count * target // source)


def resample(samples: Samples, source: int, target: int) -> Samples:
    """``samples`` at ``target`` Hz (polyphase filter); exactly ``resampled_length`` long."""
    import numpy as np

    if source == target:
        return samples
    from scipy.signal import resample_poly  # type: ignore[import-untyped, unused-ignore]

    common = gcd(source, target)
    resampled: Samples = resample_poly(samples, target // common, source // common).astype(np.float32)
    return resampled


def as_float(clip: Clip, rate: int) -> Samples:
    """A clip's samples as a new float32 array in [-1, 1), resampled to ``rate``."""
    import numpy as np

    if clip.samples.dtype != np.int16 or clip.samples.ndim != 1:
        raise ValueError(f"a Clip holds mono int16 samples, got {clip.samples.dtype} {clip.samples.shape}")
    samples = clip.samples.astype(np.float32)
    samples /= 32768
    return resample(samples, clip.rate, rate)
