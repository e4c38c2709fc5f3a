"""The output's safety limiter, on true peaks: no sample, and nothing a decoder or a phone's resampler
reconstructs between samples, goes above the ceiling (ITU-R BS.1770 true peak: the signal oversampled 4x).

A limiter on sample peaks alone lets the waveform between two samples overshoot by a decibel or more, and
an MP3 encoder adds its own overshoot on top: phones and podcast platforms ask for at most -1 dBTP. So the
needed gain is worked out from 4x-oversampled peaks, and the ceiling (``CEILING_DBTP``) sits a decibel
below that, for the encoder.

Pure numpy (no scipy: importing it would cost a CLI start about a second). Oversampling is done only
where it can matter: a stretch whose samples stay below the ceiling over ``_gain_bound()`` cannot reach
the ceiling between them, and most of a session (silence, music, quiet speech) is such a stretch.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from voice_coach.audio.dsp import Samples

CEILING_DBTP = -1.5
"""No true peak of a WAV or of live audio goes above this (-1 dBTP is the usual limit)."""
CEILING = 10 ** (CEILING_DBTP / 20)
"""``CEILING_DBTP`` as an amplitude."""
LIMITER_MS = 5
"""Attack (look-ahead) and release of the limiter."""
_PHASE_TAPS = 24
"""Taps of each of the four interpolating filters: twice BS.1770-4's 48 in all, which misjudge content
near the Nyquist frequency (a square wave, hiss) by up to 10 %; these stay within 1 %."""
PEAK_REACH = _PHASE_TAPS
"""Samples on each side of a point that its true peak depends on: a block's first and last ones are only
right when the caller rendered this much more on each side (on top of the limiter's own window)."""
_STRETCH = 1024
"""Samples per stretch when deciding where to oversample."""


@cache
def _phases() -> npt.NDArray[np.float32]:
    """The 4x interpolator as four filters (windowed sinc, cut-off at the original Nyquist)."""
    import numpy as np

    taps = 4 * _PHASE_TAPS
    n = np.arange(taps) - (taps - 1) / 2
    h = np.sinc(n / 4) * np.kaiser(taps, 5.0)
    return np.stack([h[p::4] for p in range(4)]).astype(np.float32)


@cache
def _gain_bound() -> float:
    """How far the interpolated signal can rise above the largest nearby sample (the filters' L1 norm)."""
    import numpy as np

    return float(np.abs(_phases()).sum(axis=1).max())


def true_peaks(samples: Samples, ceiling: float = 0.0) -> Samples:
    """Per sample, the largest magnitude of the signal over ``[n, n + 1)`` (the sample and the three
    4x-oversampled points after it); only the sample's own magnitude where that cannot exceed ``ceiling``."""
    import numpy as np

    peaks = np.abs(samples)
    threshold = ceiling / _gain_bound()
    pad = _PHASE_TAPS
    for lo in range(0, len(samples), _STRETCH):
        hi = min(len(samples), lo + _STRETCH)
        context = samples[max(0, lo - pad) : hi + pad]
        if not len(context) or float(np.abs(context).max()) <= threshold:
            continue
        offset = lo - max(0, lo - pad)
        for phase in _phases():
            # Point n + shift of the convolution lies (2p + 1) / 8 of a sample after sample n.
            shift = offset + _PHASE_TAPS // 2
            between = np.abs(np.convolve(context, phase))[shift : shift + hi - lo]
            np.maximum(peaks[lo : lo + len(between)], between, out=peaks[lo : lo + len(between)])
    return peaks


def limit(samples: Samples, ceiling: float, half_window: int) -> Samples:
    """``samples`` scaled down smoothly wherever their true peaks would exceed ``ceiling``; changed in place.

    The gain is the running minimum of the needed reduction over ``2 * half_window + 1`` samples, then
    averaged over as many: every sample's gain is then at most its own need, so nothing exceeds the
    ceiling, and gain changes take ``half_window`` samples (look-ahead attack, matching release).
    Samples within ``2 * half_window`` of a cut are only right if the caller rendered a margin there.
    """
    import numpy as np

    if not len(samples):
        return samples
    magnitude = true_peaks(samples, ceiling)
    if magnitude.max() <= ceiling:
        return samples
    need = np.ones(len(samples), np.float32)
    np.divide(np.float32(ceiling), magnitude, out=need, where=magnitude > ceiling)
    samples *= _sliding_mean(_sliding_min(need, half_window), half_window)
    return np.clip(samples, -ceiling, ceiling, out=samples)


def _sliding_min(values: Samples, half: int) -> Samples:
    """The minimum of each ``2 * half + 1`` window centred on each element (edges repeat the end values).

    By doubling: after k steps each element is the minimum of the ``2**k`` from it on; two overlapping
    such spans then cover any window.
    """
    import numpy as np

    size = 2 * half + 1
    spans = np.pad(values, half, mode="edge")
    span = 1
    while 2 * span <= size:
        spans = np.minimum(spans[:-span], spans[span:])
        span *= 2
    count = len(values)
    return np.minimum(spans[:count], spans[size - span : size - span + count])


def _sliding_mean(values: Samples, half: int) -> Samples:
    """The mean of each ``2 * half + 1`` window centred on each element (edges repeat the end values)."""
    import numpy as np

    size = 2 * half + 1
    sums = np.zeros(len(values) + size)
    np.cumsum(np.pad(values, half, mode="edge"), dtype=np.float64, out=sums[1:])
    window = sums[size:] - sums[:-size]
    window *= 1 / size
    return window.astype(np.float32)
