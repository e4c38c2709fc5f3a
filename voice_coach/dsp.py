"""Signal processing for the mixer (pure): resampling, loudness (ITU-R BS.1770) and a peak limiter.

Loudness is gated over 400 ms blocks made of 100 ms sub-blocks of K-weighted energy. pyloudnorm's
``Meter`` wants the whole signal as one float64 array and gates it block by block in Python (an hour-long
session: about 640 MB and seconds of looping), so this module uses pyloudnorm's own K-weighting filter
design and reproduces its gating on sub-block energies, which can be gathered chunk by chunk
(``LoudnessMeter``) or placed sound by sound (``weighted_energy`` + ``place_energy``): the filter is linear,
so a session of non-overlapping phrases has the energy of its phrases filtered one at a time.
"""

from __future__ import annotations

import math
from functools import cache
from math import gcd

import numpy as np
import numpy.typing as npt

from .audio import Clip

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


@cache
def k_weighting(rate: int) -> npt.NDArray[np.float64]:
    """Second-order sections of the BS.1770 K-weighting filter at ``rate``, as pyloudnorm designs it."""
    import scipy.signal  # type: ignore[import-untyped, unused-ignore]
    from pyloudnorm.iirfilter import IIRfilter

    stages = [
        IIRfilter(4.0, 1 / np.sqrt(2), 1500.0, rate, "high_shelf"),
        IIRfilter(0.0, 0.5, 38.0, rate, "high_pass"),
    ]
    sos: npt.NDArray[np.float64] = np.vstack(
        [scipy.signal.tf2sos(s.b * s.passband_gain, s.a) for s in stages]
    )
    return sos


def subblock_edges(start: int, end: int, rate: int) -> npt.NDArray[np.int64]:
    """Sub-block boundaries ``k * rate // 10`` that fall in ``(start, end]``."""
    edges = np.arange(start * 10 // rate, end * 10 // rate + 2, dtype=np.int64) * rate // 10
    return edges[(edges > start) & (edges <= end)]


def subblock_count(total: int, rate: int) -> int:
    """How many (possibly partial, last) sub-blocks ``total`` samples span."""
    return -(-total * 10 // rate) if total else 0


def gated_loudness(energies: Energies, rate: int) -> float:
    """Integrated loudness (LUFS) from per-sub-block K-weighted energies; ``-inf`` if nothing passes."""
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
        self._sos = k_weighting(rate)
        self._state = np.zeros((len(self._sos), 2))
        self._rate = rate
        self._position = 0
        self._energies: list[Energies] = []
        self._partial = 0.0

    def add(self, chunk: Samples) -> None:
        """Account for the next ``len(chunk)`` samples."""
        import scipy.signal  # type: ignore[import-untyped, unused-ignore]

        start, end = self._position, self._position + len(chunk)
        edges = subblock_edges(start, end, self._rate) - start
        if len(chunk) and (chunk.any() or np.abs(self._state).max() > _QUIET_STATE):
            weighted, self._state = scipy.signal.sosfilt(self._sos, chunk, zi=self._state)
            sums = np.add.reduceat(np.square(weighted), np.concatenate(([0], edges[edges < len(chunk)])))
        else:
            sums = np.zeros(len(edges) + int(len(chunk) > (edges[-1] if len(edges) else 0)))
        if len(sums):
            sums[0] += self._partial
        self._energies.append(sums[: len(edges)])
        self._partial = float(sums[len(edges)]) if len(sums) > len(edges) else 0.0
        self._position = end

    def energies(self) -> Energies:
        """K-weighted energy of every sub-block so far, the last one possibly partial."""
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
    import scipy.signal  # type: ignore[import-untyped, unused-ignore]

    padded = np.concatenate((samples, np.zeros(FILTER_TAIL_MS * rate // 1000, np.float32)))
    weighted = scipy.signal.sosfilt(k_weighting(rate), padded)
    return np.concatenate(([0.0], np.cumsum(np.square(weighted))))


def place_energy(energies: Energies, start: int, running: Energies, rate: int) -> None:
    """Add a sound's ``running`` energy (from ``weighted_energy``), placed at ``start``, into ``energies``."""
    first = start * 10 // rate
    span = len(running) - 1
    last = min(len(energies), subblock_count(start + span, rate))
    if first >= last:
        return
    bounds = np.arange(first, last + 1, dtype=np.int64) * rate // 10 - start
    energies[first:last] += np.diff(running[np.clip(bounds, 0, span)])


def limit(samples: Samples, ceiling: float, half_window: int) -> Samples:
    """``samples`` scaled down smoothly wherever they would exceed ``ceiling``; changed in place.

    The gain is the running minimum of the needed reduction over ``2 * half_window + 1`` samples, then
    averaged over as many: every sample's gain is then at most its own need, so nothing exceeds the
    ceiling, and gain changes take ``half_window`` samples (look-ahead attack, matching release).
    Samples within ``2 * half_window`` of a cut are only right if the caller rendered a margin there.
    """
    from scipy.ndimage import minimum_filter1d, uniform_filter1d  # type: ignore[import-untyped, unused-ignore]

    magnitude = np.abs(samples)
    if not len(samples) or magnitude.max() <= ceiling:
        return samples
    need = np.minimum(1.0, ceiling / np.maximum(magnitude, 1e-12)).astype(np.float32)
    size = 2 * half_window + 1
    gain = uniform_filter1d(minimum_filter1d(need, size, mode="nearest"), size, mode="nearest")
    samples *= gain
    return np.clip(samples, -ceiling, ceiling, out=samples)


def resampled_length(count: int, source: int, target: int) -> int:
    """How many samples ``count`` samples at ``source`` Hz become at ``target`` Hz (rounded up)."""
    return -(-count * target // source)


def resample(samples: Samples, source: int, target: int) -> Samples:
    """``samples`` at ``target`` Hz (polyphase filter); exactly ``resampled_length`` long."""
    if source == target:
        return samples
    from scipy.signal import resample_poly  # type: ignore[import-untyped, unused-ignore]

    common = gcd(source, target)
    resampled: Samples = resample_poly(samples, target // common, source // common).astype(np.float32)
    return resampled


def as_float(clip: Clip, rate: int) -> Samples:
    """A clip's samples as a new float32 array in [-1, 1), resampled to ``rate``."""
    if clip.samples.dtype != np.int16 or clip.samples.ndim != 1:
        raise ValueError(f"a Clip holds mono int16 samples, got {clip.samples.dtype} {clip.samples.shape}")
    samples = clip.samples.astype(np.float32)
    samples /= 32768
    return resample(samples, clip.rate, rate)
