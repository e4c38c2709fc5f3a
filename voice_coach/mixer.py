"""Render a schedule to PCM: every phrase at its start, generated chimes, an optional ducked music bed,
loudness normalized to a target and peak limited so nothing clips. Pure: no files, no printing.

Levels are settled sound by sound: each distinct phrase and chime is scaled and limited once, and the
session's loudness is computed from their K-weighted energies placed at their starts (``dsp``), so
finding the gain costs milliseconds however long the session is. A ``Mix`` is then a recipe, not a
buffer: any range of samples is a pure function of the range, so the session is rendered chunk by chunk
(memory stays flat) and a final safety limiter gets look-ahead by rendering a little more on each side.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterator, Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from . import dsp
from .audio import Clip
from .cpu import usable_cores
from .dsp import Energies, Samples
from .music import MusicBed, music_bed
from .schedule import Schedule
from .timeline import Tone, ToneKind

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``, called as chunks are rendered (stage ``"render"``)."""

CHUNK = 1 << 15
"""Samples rendered at a time (about 1.5 s at 22050 Hz)."""
CEILING_DBFS = -1.0
"""No sample of the output goes above this."""
LIMITER_MS = 5
"""Attack (look-ahead) and release of the peak limiter."""
CHIME_BELOW_VOICE_LU = 4.0
"""Chimes sit this far below the voice, so they mark time without startling."""
DEFAULT_REFERENCE_LUFS = -16.0
"""Level for chimes and music when there is no speech to measure and no target."""
_GAIN_STEPS = 5
_GAIN_TOLERANCE_LU = 0.05
_CHIME_NOTES: dict[ToneKind, tuple[float, float]] = {"start": (659.25, 987.77), "end": (987.77, 659.25)}
"""Start rises (E5 to B5), end falls (B5 to E5): told apart without looking."""


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
    ceiling: float = 10 ** (CEILING_DBFS / 20)
    _starts: npt.NDArray[np.int64] = field(init=False, repr=False)
    _longest: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        starts = np.array([layer.start for layer in self.layers], np.int64)
        if np.any(np.diff(starts) < 0):
            raise ValueError("layers must be sorted by start")
        object.__setattr__(self, "_starts", starts)
        object.__setattr__(self, "_longest", max((len(layer.samples) for layer in self.layers), default=0))

    def chunks(
        self, start: int = 0, end: int | None = None, size: int = CHUNK
    ) -> Iterator[npt.NDArray[np.int16]]:
        """The int16 output of ``[start, end)`` in consecutive chunks of at most ``size`` samples."""
        end = self.total if end is None else end
        peak = int(self.ceiling * 32768)
        for lo in range(start, end, size):
            scaled = self.output(lo, min(end, lo + size)) * 32768
            yield np.clip(np.rint(scaled, out=scaled), -peak, peak, out=scaled).astype(np.int16)

    def clip(self, progress: Progress | None = None) -> Clip:
        """The whole session as one int16 ``Clip``."""
        samples = np.empty(self.total, np.int16)
        count = -(-self.total // CHUNK)
        for done, chunk in enumerate(self.chunks()):
            samples[done * CHUNK : done * CHUNK + len(chunk)] = chunk
            if progress:
                progress("render", done + 1, count)
        return Clip(samples, self.rate)

    def output(self, start: int, end: int) -> Samples:
        """Float output of ``[start, end)``, limited to the ceiling where the music adds to a peak."""
        margin = 2 * (LIMITER_MS * self.rate // 1000)
        lo, hi = max(0, start - margin), min(self.total, end + margin)
        samples = dsp.limit(self.render(lo, hi), self.ceiling, margin // 2)
        return samples[start - lo : end - lo]

    def render(self, start: int, end: int) -> Samples:
        """The plain sum of every layer and the music bed over ``[start, end)``."""
        out = self.bed.render(start, end) if self.bed else np.zeros(end - start, np.float32)
        first, last = np.searchsorted(self._starts, (start - self._longest, end))
        for layer in self.layers[first:last]:
            if layer.end > start:
                lo, hi = max(start, layer.start), min(end, layer.end)
                out[lo - start : hi - start] += layer.samples[lo - layer.start : hi - layer.start]
        return out


@dataclass(frozen=True)
class _Sounds:
    """Distinct sounds (unscaled) and where each is placed: what the gain search works on."""

    arrays: dict[Hashable, Samples]
    places: tuple[tuple[int, Hashable], ...]


def render(schedule: Schedule, clips: Mapping[str, Clip], *, loudness_lufs: float | None = -16.0) -> Clip:
    """The whole session as one int16 ``Clip`` (see ``mix`` for the options and a streaming form)."""
    return mix(schedule, clips, loudness_lufs=loudness_lufs).clip()


def mix(
    schedule: Schedule,
    clips: Mapping[str, Clip],
    *,
    loudness_lufs: float | None = -16.0,
    music: Clip | None = None,
    music_lu: float = -12.0,
    duck_db: float = -12.0,
) -> Mix:
    """A ``Mix`` of ``schedule``, every phrase taken from ``clips`` (resampled to the schedule's rate).

    ``loudness_lufs``: integrated loudness of the result (None: keep the voice's level, only limit peaks).
    ``music``: a bed looped or trimmed to the session, ``music_lu`` relative to the voice between
    phrases and ``duck_db`` lower under them. Build the schedule with ``phrase_lengths(clips, rate)``.
    """
    voices = _voices(schedule, clips)
    with ThreadPoolExecutor(max_workers=usable_cores()) as pool:
        meter = _SessionLoudness(schedule, pool)
        meter.weigh(voices.arrays)
        reference = meter.back_to_back(list(voices.arrays))
        if not math.isfinite(reference):
            reference = DEFAULT_REFERENCE_LUFS if loudness_lufs is None else loudness_lufs
        chimes = _chimes(schedule, 10 ** ((reference - CHIME_BELOW_VOICE_LU + 3.7) / 20))
        sounds = _Sounds(voices.arrays | chimes.arrays, voices.places + chimes.places)
        bed = music_bed(music, schedule, reference + music_lu, duck_db) if music is not None else None
        if loudness_lufs is None:
            return _assemble(schedule, sounds, bed, meter.levels(sounds.arrays, 1.0))
        meter.weigh(chimes.arrays)
        meter.place(sounds, bed.energies(schedule.rate) if bed else None)
        gain = _gain_for(loudness_lufs, 10 ** ((loudness_lufs - reference) / 20), meter)
        levelled = meter.levelled.get(gain) or meter.levels(sounds.arrays, gain)
        return _assemble(schedule, sounds, bed.scaled(gain) if bed else None, levelled)


def _gain_for(target: float, guess: float, meter: _SessionLoudness) -> float:
    """The gain at which the limited session measures ``target`` LUFS (``guess`` if it is silent).

    Without the limiter, loudness would rise one for one with gain (in dB), so the first try is the
    gain that puts the unlimited session on target. Where the limiter holds peaks down, loudness rises
    more slowly: the first step assumes a slope of 1 / (1 + the LU the limiter took off), and each later
    step divides the error by the slope seen on the step before (a secant search, in dB).
    """
    unlimited = meter.unlimited()
    gain = 10 ** ((target - unlimited) / 20) if math.isfinite(unlimited) else guess
    db, measured = 20 * math.log10(gain), meter.at(gain)
    lost = unlimited + db - measured
    slope = 1 / (1 + lost) if math.isfinite(lost) and lost > 0 else 1.0
    for _ in range(_GAIN_STEPS):
        if not math.isfinite(measured) or abs(target - measured) < _GAIN_TOLERANCE_LU:
            break
        step = (target - measured) / slope
        gain = 10 ** ((db + step) / 20)
        now = meter.at(gain)
        slope = min(1.0, max(0.1, (now - measured) / step))
        db, measured = db + step, now
    return float(gain)


class _SessionLoudness:
    """Integrated loudness of the session with every sound levelled at a gain (and the bed, if any).

    A sound the limiter leaves alone at a gain has exactly its unit-gain energy times the gain squared,
    so each sound is K-weighted once (``weigh``) and again only at gains that drive it into the limiter.
    Only the energy each placement adds to each 100 ms sub-block is kept, never a sound's running
    energy, so memory follows the session's length in sub-blocks. Sounds are independent, so they are
    levelled and weighted in ``pool``'s threads (numpy releases the GIL). The sounds levelled at the
    last gain tried are kept in ``levelled``: the search ends on it.
    """

    def __init__(self, schedule: Schedule, pool: Executor) -> None:
        self.rate, self.pool = schedule.rate, pool
        self.subblocks = dsp.subblock_count(schedule.total, schedule.rate)
        self.sounds = _Sounds({}, ())
        self.bed_energy: Energies | None = None
        self.peaks: dict[Hashable, float] = {}
        self.starts: dict[Hashable, list[int]] = {}
        self.running: dict[Hashable, Future[Energies]] = {}
        self.unit: dict[Hashable, list[tuple[int, Energies]]] = {}
        self.levelled: dict[float, dict[Hashable, Samples]] = {}

    def weigh(self, arrays: Mapping[Hashable, Samples]) -> None:
        """Start K-weighting ``arrays`` at unit gain."""
        for key, samples in arrays.items():
            self.running[key] = self.pool.submit(dsp.weighted_energy, samples, self.rate)

    def back_to_back(self, keys: list[Hashable]) -> float:
        """Integrated loudness (LUFS) of the weighed sounds ``keys`` played one after another, unlimited."""
        tail = dsp.FILTER_TAIL_MS * self.rate // 1000
        running = [self.running[key].result() for key in keys]
        energies = np.zeros(dsp.subblock_count(sum(len(r) - 1 - tail for r in running) + 1, self.rate))
        start = 0
        for energy in running:
            dsp.place_energy(energies, start, energy, self.rate)
            start += len(energy) - 1 - tail
        return dsp.gated_loudness(energies, self.rate)

    def place(self, sounds: _Sounds, bed_energy: Energies | None) -> None:
        """Measure the session made of ``sounds`` (every one weighed) and the bed's energy."""
        self.sounds, self.bed_energy = sounds, bed_energy
        self.peaks = {key: float(np.abs(a).max(initial=0.0)) for key, a in sounds.arrays.items()}
        for start, key in sounds.places:
            self.starts.setdefault(key, []).append(start)
        self.unit = {key: self._placed(key, future.result()) for key, future in self.running.items()}
        self.running.clear()

    def unlimited(self) -> float:
        """Integrated loudness (LUFS) at unit gain if the limiter did nothing."""
        return self._loudness(1.0, {})

    def at(self, gain: float) -> float:
        """Integrated loudness (LUFS) at ``gain``."""
        ceiling = 10 ** (CEILING_DBFS / 20)
        levelled = self.levels(self.sounds.arrays, gain)
        self.levelled = {gain: levelled}
        loud = [key for key, peak in self.peaks.items() if peak * gain > ceiling]

        def weigh(key: Hashable) -> list[tuple[int, Energies]]:
            return self._placed(key, dsp.weighted_energy(levelled[key], self.rate))

        return self._loudness(gain, dict(zip(loud, self.pool.map(weigh, loud), strict=True)))

    def levels(self, arrays: Mapping[Hashable, Samples], gain: float) -> dict[Hashable, Samples]:
        """Every sound of ``arrays`` at ``gain``, limited to the ceiling."""
        count = len(arrays)
        levelled = self.pool.map(_level, arrays.values(), [gain] * count, [self.rate] * count)
        return dict(zip(arrays, levelled, strict=True))

    def _placed(self, key: Hashable, running: Energies) -> list[tuple[int, Energies]]:
        """The sub-block energies sound ``key`` adds at each of its places."""
        return [dsp.placed_energy(start, running, self.rate, self.subblocks) for start in self.starts[key]]

    def _loudness(self, gain: float, limited: Mapping[Hashable, list[tuple[int, Energies]]]) -> float:
        """Loudness at ``gain`` with ``limited``'s energies for the sounds the limiter changed."""
        linear, energies = np.zeros(self.subblocks), np.zeros(self.subblocks)
        for key, unit in self.unit.items():
            into, placed = (energies, limited[key]) if key in limited else (linear, unit)
            for first, values in placed:
                into[first : first + len(values)] += values
        if self.bed_energy is not None:
            linear += self.bed_energy
        energies += linear * gain**2
        return dsp.gated_loudness(energies, self.rate)


def _level(samples: Samples, gain: float, rate: int) -> Samples:
    """``samples`` times ``gain``, limited to the output ceiling (a new array)."""
    scaled = samples * np.float32(gain)
    return dsp.limit(scaled, 10 ** (CEILING_DBFS / 20), LIMITER_MS * rate // 1000)


def _assemble(
    schedule: Schedule, sounds: _Sounds, bed: MusicBed | None, levelled: Mapping[Hashable, Samples]
) -> Mix:
    """The ``Mix``: every distinct sound levelled once (``levelled``), placed as many times as it is used."""
    layers = sorted(
        (Layer(start, levelled[key]) for start, key in sounds.places), key=lambda layer: layer.start
    )
    return Mix(schedule.rate, schedule.total, tuple(layers), bed)


def phrase_lengths(clips: Mapping[str, Clip], rate: int) -> Callable[[str], int]:
    """``phrase_length(text)`` for ``schedule()``: a clip's length in samples once resampled to ``rate``."""

    def length(text: str) -> int:
        clip = clips[text]
        return dsp.resampled_length(len(clip.samples), clip.rate, rate)

    return length


def _voices(schedule: Schedule, clips: Mapping[str, Clip]) -> _Sounds:
    """Every phrase of ``schedule`` at its start; each distinct text converted once."""
    arrays: dict[Hashable, Samples] = {}
    places = []
    for speech in schedule.speech():
        if speech.text not in arrays:
            if speech.text not in clips:
                raise ValueError(f"no audio for the phrase {speech.text!r}")
            arrays[speech.text] = dsp.as_float(clips[speech.text], schedule.rate)
        if len(arrays[speech.text]) != speech.length:
            raise ValueError(
                f"the phrase {speech.text!r} is {len(arrays[speech.text])} samples at {schedule.rate} Hz but "
                f"the schedule gave it {speech.length}; schedule with mixer.phrase_lengths(clips, rate)"
            )
        places.append((speech.start, speech.text))
    return _Sounds(arrays, tuple(places))


def _chimes(schedule: Schedule, amplitude: float) -> _Sounds:
    """A generated chime filling every ``Tone`` slot; each (kind, length) generated once."""
    arrays: dict[Hashable, Samples] = {}
    places = []
    for slot in schedule.slots:
        if isinstance(slot.block, Tone) and slot.length:
            key = ("chime", slot.block.kind, slot.length)
            if key not in arrays:
                arrays[key] = chime(slot.block.kind, slot.length, schedule.rate) * np.float32(amplitude)
            places.append((slot.start, key))
    return _Sounds(arrays, tuple(places))


def chime(kind: ToneKind, length: int, rate: int) -> Samples:
    """A two-note bell of exactly ``length`` samples, peak about 1.0: rising for "start", falling for "end".

    Each note fades in over 5 ms, decays gently (so the chime is heard to its last moment and a hold's
    silence begins where the slot ends) and fades out over its last 10 ms, so nothing clicks.
    """
    first = length // 2
    notes = [_bell(_CHIME_NOTES[kind][0], first, rate), _bell(_CHIME_NOTES[kind][1], length - first, rate)]
    return np.concatenate(notes)


def _bell(frequency: float, length: int, rate: int) -> Samples:
    """One note: fundamental plus a soft octave, a 5 ms fade-in, a decay to -12 dB, a 10 ms fade-out."""
    t = np.arange(length) / rate
    tone = np.sin(2 * np.pi * frequency * t) + 0.25 * np.sin(4 * np.pi * frequency * t)
    envelope = np.exp(np.log(0.25) * np.arange(length) / max(1, length))
    envelope *= np.clip(np.arange(length) / (0.005 * rate), 0, 1)
    envelope *= np.clip(np.arange(length)[::-1] / (0.010 * rate), 0, 1)
    bell: Samples = (tone * envelope / 1.25).astype(np.float32)
    return bell
