"""Render a schedule to PCM: every phrase at its start, generated chimes, an optional ducked music bed,
loudness normalized to a target and peak limited so nothing clips. Pure: no files, no printing.

Levels are settled sound by sound: each distinct phrase and chime is scaled and limited once, and the
session's loudness is computed from their K-weighted energies placed at their starts (``dsp``), so
finding the gain costs as much for an hour as for ten minutes of the same phrases. What the analysis
found comes back as ``Mix.analysis``; given back as a hint, it spares the next mix of the same sounds
most of the work (``Analysis``). A ``Mix`` is then a recipe, not a
buffer: any range of samples is a pure function of the range, so the session is rendered chunk by chunk
(memory stays flat) and a final safety limiter gets look-ahead by rendering a little more on each side.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Hashable, Iterator, Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from voice_coach.audio import dsp
from voice_coach.audio.clip import Clip
from voice_coach.audio.dsp import Energies, Samples
from voice_coach.audio.music import MusicBed, music_bed
from voice_coach.compiler.schedule import Schedule
from voice_coach.compiler.timeline import Tone, ToneKind
from voice_coach.cpu import usable_cores

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
_GAIN_STEPS = 8
_MAX_STEP_DB = 12.0
_ANALYSIS_FORMAT = 1
"""Bump when the analysis changes, so hints from an older version are not used."""
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
    analysis: Analysis | None = None
    """What the loudness analysis found: pass it back to ``mix`` (``hints``) for the same sounds."""
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
    hints: Mapping[str, Analysis] | None = None,
) -> Mix:
    """A ``Mix`` of ``schedule``, every phrase taken from ``clips`` (resampled to the schedule's rate).

    ``loudness_lufs``: integrated loudness of the result (None: keep the voice's level, only limit peaks).
    ``music``: a bed looped or trimmed to the session, ``music_lu`` relative to the voice between
    phrases and ``duck_db`` lower under them. Build the schedule with ``phrase_lengths(clips, rate)``.
    ``hints``: earlier ``Mix.analysis`` values (keyed by their ``key``). One of the same session gives
    the same mix without measuring it; one of the same sounds in other timing starts the search (see
    ``Analysis``).
    """
    voices = _voices(schedule, clips)
    key = _analysis_key(schedule, clips, voices, loudness_lufs, music, (music_lu, duck_db))
    hint = (hints or {}).get(key)
    with ThreadPoolExecutor(max_workers=usable_cores()) as pool:
        meter = _SessionLoudness(schedule, pool)
        if hint is not None:
            reference = hint.reference
        else:
            meter.weigh(voices.arrays)
            reference = meter.back_to_back(list(voices.arrays))
        chimes = _chimes(schedule, _chime_amplitude(reference, loudness_lufs))
        sounds = _Sounds(voices.arrays | chimes.arrays, voices.places + chimes.places)
        session = _session_key(key, sounds, schedule.total)
        bed = None
        if music is not None:
            bed = music_bed(music, schedule, _known(reference, loudness_lufs) + music_lu, duck_db)
        if loudness_lufs is None:
            analysis = Analysis(key, reference, 1.0, 1.0, session)
            return _assemble(schedule, sounds, bed, meter.levels(sounds.arrays, 1.0), analysis)
        if hint is not None and hint.session == session:
            gain, slope = hint.gain, hint.slope  # this very session was measured at this gain
        else:
            meter.weigh(chimes.arrays)
            meter.place(sounds, bed.energies(schedule.rate) if bed else None)
            if hint is not None:
                gain, slope = _gain_for(loudness_lufs, meter, hint.gain, hint.slope)
            else:
                guess = 10 ** ((loudness_lufs - _known(reference, loudness_lufs)) / 20)
                gain, slope = _gain_for(loudness_lufs, meter, *_first_try(loudness_lufs, guess, meter))
        levelled = meter.levelled.get(gain) or meter.levels(sounds.arrays, gain)
        analysis = Analysis(key, reference, gain, slope, session)
        return _assemble(schedule, sounds, bed.scaled(gain) if bed else None, levelled, analysis)


@dataclass(frozen=True)
class Analysis:
    """What a mix's loudness analysis found: kept by the caller (``Mix.analysis``) and passed back as a
    hint, it saves the next mix of the same sounds most of its analysis, and of the same session all.

    ``key`` names everything the results depend on but the timing (the distinct phrases' samples in
    order, the rate, the target, the music and its levels), so a hint is only used for the same sounds.
    ``reference`` (the voice's own loudness) is reused as it is. For the same ``session`` (the key and
    where every sound is placed) ``gain`` is reused too: measuring again would give the same numbers.
    For another session of the same sounds (a hold changed), ``gain`` and ``slope`` start the search,
    which measures that session, so the target is met just as without a hint.
    """

    key: str
    reference: float
    gain: float
    slope: float
    session: str

    def record(self) -> dict[str, float | str]:
        """The values to keep (beside the key)."""
        return {"reference": self.reference, "gain": self.gain, "slope": self.slope, "session": self.session}

    @classmethod
    def from_record(cls, key: str, record: Mapping[str, float | str]) -> Analysis | None:
        """The analysis kept as ``record`` under ``key``; None if the record is not one."""
        numbers = [value for k in ("reference", "gain", "slope") if isinstance(value := record.get(k), float)]
        session = record.get("session")
        if len(numbers) != 3 or not isinstance(session, str):
            return None
        reference, gain, slope = numbers
        usable = math.isfinite(gain) and gain > 0 and 0 < slope <= 1.0 and not math.isnan(reference)
        return cls(key, reference, gain, slope, session) if usable else None


def _analysis_key(
    schedule: Schedule,
    clips: Mapping[str, Clip],
    voices: _Sounds,
    loudness_lufs: float | None,
    music: Clip | None,
    music_levels: tuple[float, float],
) -> str:
    """A hash of every input of the loudness analysis (see ``Analysis``)."""
    digest = hashlib.sha256(
        repr((_ANALYSIS_FORMAT, schedule.rate, loudness_lufs, music_levels, music is not None)).encode()
    )
    for text in voices.arrays:
        clip = clips[str(text)]
        digest.update(f"{clip.rate}:{len(clip.samples)}:".encode())
        digest.update(clip.samples.tobytes())
    if music is not None:
        digest.update(f"{music.rate}:{len(music.samples)}:".encode())
        digest.update(music.samples.tobytes())
    return digest.hexdigest()


def _session_key(key: str, sounds: _Sounds, total: int) -> str:
    """A hash of ``key`` and where every sound is placed in a session of ``total`` samples."""
    return hashlib.sha256(repr((key, total, sounds.places)).encode()).hexdigest()


def _known(reference: float, loudness_lufs: float | None) -> float:
    """The voice's loudness, or (a silent session) the target, or a default."""
    if math.isfinite(reference):
        return reference
    return DEFAULT_REFERENCE_LUFS if loudness_lufs is None else loudness_lufs


def _chime_amplitude(reference: float, loudness_lufs: float | None) -> float:
    """Peak amplitude of the chimes so they sit ``CHIME_BELOW_VOICE_LU`` below the voice."""
    return float(10 ** ((_known(reference, loudness_lufs) - CHIME_BELOW_VOICE_LU + 3.7) / 20))


def _first_try(target: float, guess: float, meter: _SessionLoudness) -> tuple[float, float]:
    """Where the loudness search starts without a hint: the gain and the slope to expect.

    Without the limiter, loudness would rise one for one with gain (in dB), so the first try is the
    gain that puts the unlimited session on target (``guess`` if the session is silent). Where the
    limiter holds peaks down, loudness rises more slowly: the slope is taken as 1 / (1 + the LU the
    limiter took off at that gain).
    """
    unlimited = meter.unlimited()
    gain = 10 ** ((target - unlimited) / 20) if math.isfinite(unlimited) else guess
    lost = unlimited + 20 * math.log10(gain) - meter.at(gain)
    return gain, 1 / (1 + lost) if math.isfinite(lost) and lost > 0 else 1.0


def _gain_for(target: float, meter: _SessionLoudness, gain: float, slope: float) -> tuple[float, float]:
    """The gain at which the limited session measures ``target`` LUFS, and the slope seen last.

    A secant search in dB from ``gain``, the first step assuming ``slope`` (LU of loudness per dB of
    gain), each later one the slope seen on the step before. Loudness never falls as gain rises, but
    where the limiter holds most peaks down it hardly rises either, and a step computed from a shallow
    slope can leap far past the target: so no step is longer than ``_MAX_STEP_DB``, and once the target
    lies between two gains tried, a step that would leave them halves them instead. If no gain came
    within the tolerance, the one measured closest to the target is used.
    """
    db, error = 20 * math.log10(gain), meter.at(gain) - target
    best = (abs(error), db)
    below, above = -math.inf, math.inf  # the highest dB measured under the target, the lowest over it
    for _ in range(_GAIN_STEPS):
        if not math.isfinite(error) or abs(error) < _GAIN_TOLERANCE_LU:
            break
        below, above = (max(below, db), above) if error < 0 else (below, min(above, db))
        step = max(-_MAX_STEP_DB, min(_MAX_STEP_DB, -error / slope))
        if not below < db + step < above:
            step = (below + above) / 2 - db
        if step == 0:
            break
        now = meter.at(10 ** ((db + step) / 20)) - target
        slope = min(1.0, max(0.1, (now - error) / step))
        db, error = db + step, now
        best = min(best, (abs(error), db))
    return float(10 ** (best[1] / 20)), slope


class _SessionLoudness:
    """Integrated loudness of the session with every sound levelled at a gain (and the bed, if any).

    A sound the limiter leaves alone at a gain has exactly its unit-gain energy times the gain squared,
    so such a sound is K-weighted once, at unit gain (``weigh``, or when first needed), and a sound is
    weighed again only at gains that drive it into the limiter. Only the energy each placement adds to
    each 100 ms sub-block is kept, never a sound's running energy, so memory follows the session's
    length in sub-blocks. Sounds are independent, so they are levelled and weighed in ``pool``'s
    threads (numpy releases the GIL). The sounds levelled at the last gain measured are kept in
    ``levelled``: the search ends on it.
    """

    def __init__(self, schedule: Schedule, pool: Executor) -> None:
        self.rate, self.pool = schedule.rate, pool
        self.subblocks = dsp.subblock_count(schedule.total, schedule.rate)
        self.ceiling = 10 ** (CEILING_DBFS / 20)
        self.sounds = _Sounds({}, ())
        self.bed_energy: Energies | None = None
        self.peaks: dict[Hashable, float] = {}
        self.starts: dict[Hashable, list[int]] = {}
        self.running: dict[Hashable, Future[Energies]] = {}
        self.unit: dict[Hashable, list[tuple[int, Energies]]] = {}
        self.levelled: dict[float, dict[Hashable, Samples]] = {}
        self.measured: dict[float, float] = {}

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
        """Measure the session made of ``sounds`` and the bed's energy from now on."""
        self.sounds, self.bed_energy = sounds, bed_energy
        self.peaks = {key: float(np.abs(a).max(initial=0.0)) for key, a in sounds.arrays.items()}
        for start, key in sounds.places:
            self.starts.setdefault(key, []).append(start)

    def unlimited(self) -> float:
        """Integrated loudness (LUFS) at unit gain if the limiter did nothing."""
        self._weigh_unweighed(self.sounds.arrays)
        self._collect()
        return self._loudness(1.0, {})

    def at(self, gain: float) -> float:
        """Integrated loudness (LUFS) at ``gain``."""
        if gain in self.measured:
            return self.measured[gain]
        arrays = self.sounds.arrays
        quiet = {k: a for k, a in arrays.items() if self.peaks[k] * gain <= self.ceiling}
        self._weigh_unweighed(quiet)

        def level(key: Hashable) -> tuple[Samples, list[tuple[int, Energies]] | None]:
            levelled = _level(arrays[key], gain, self.rate)
            if key in quiet:
                return levelled, None
            return levelled, self._placed(key, dsp.weighted_energy(levelled, self.rate))

        done = dict(zip(arrays, self.pool.map(level, arrays), strict=True))
        self._collect()
        self.levelled = {gain: {key: levelled for key, (levelled, _) in done.items()}}
        limited = {key: placed for key, (_, placed) in done.items() if placed is not None}
        self.measured[gain] = self._loudness(gain, limited)
        return self.measured[gain]

    def levels(self, arrays: Mapping[Hashable, Samples], gain: float) -> dict[Hashable, Samples]:
        """Every sound of ``arrays`` at ``gain``, limited to the ceiling."""
        count = len(arrays)
        levelled = self.pool.map(_level, arrays.values(), [gain] * count, [self.rate] * count)
        return dict(zip(arrays, levelled, strict=True))

    def _weigh_unweighed(self, arrays: Mapping[Hashable, Samples]) -> None:
        """Start K-weighting those of ``arrays`` not weighed at unit gain yet."""
        self.weigh({k: a for k, a in arrays.items() if k not in self.unit and k not in self.running})

    def _collect(self) -> None:
        """Keep the placed energies of every sound weighed at unit gain so far."""
        self.unit |= {key: self._placed(key, future.result()) for key, future in self.running.items()}
        self.running.clear()

    def _placed(self, key: Hashable, running: Energies) -> list[tuple[int, Energies]]:
        """The sub-block energies sound ``key`` adds at each of its places."""
        return [dsp.placed_energy(start, running, self.rate, self.subblocks) for start in self.starts[key]]

    def _loudness(self, gain: float, limited: Mapping[Hashable, list[tuple[int, Energies]]]) -> float:
        """Loudness at ``gain`` with ``limited``'s energies for the sounds the limiter changed."""
        linear, energies = np.zeros(self.subblocks), np.zeros(self.subblocks)
        for key in self.sounds.arrays:
            into, placed = (energies, limited[key]) if key in limited else (linear, self.unit[key])
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
    schedule: Schedule,
    sounds: _Sounds,
    bed: MusicBed | None,
    levelled: Mapping[Hashable, Samples],
    analysis: Analysis,
) -> Mix:
    """The ``Mix``: every distinct sound levelled once (``levelled``), placed as many times as it is used."""
    layers = sorted(
        (Layer(start, levelled[key]) for start, key in sounds.places), key=lambda layer: layer.start
    )
    return Mix(schedule.rate, schedule.total, tuple(layers), bed, analysis=analysis)


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
