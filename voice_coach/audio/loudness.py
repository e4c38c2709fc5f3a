"""The session loudness search: the one gain at which the whole session, every sound limited to the
ceiling, measures the target loudness (ITU-R BS.1770, gated).

Measuring must not cost a render of the session per try: each distinct sound is K-weighted on its own and
its energy placed at each of its starts (``dsp``), so a try costs as much for an hour as for ten minutes of
the same phrases. What the search found comes back as an ``Analysis``; given back as a hint, it spares the
next mix of the same sounds most of the work.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from voice_coach.audio import dsp
from voice_coach.audio.clip import Clip
from voice_coach.audio.sounds import CEILING, Sounds, level
from voice_coach.compiler.schedule import Schedule

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

    from voice_coach.audio.dsp import Energies, Samples

    Placed = list[tuple[int, Energies]]
    """The sub-block energies one sound adds at each of its places: (first sub-block, energies) per place."""

DEFAULT_REFERENCE_LUFS = -16.0
"""Level for chimes and music when there is no speech to measure and no target."""
_GAIN_STEPS = 8
_MAX_STEP_DB = 12.0
_GAIN_TOLERANCE_LU = 0.05
_ANALYSIS_FORMAT = 1
"""Bump when the analysis changes, so hints from an older version are not used."""


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
    def from_record(cls, key: str, record: Mapping[str, object]) -> Analysis | None:
        """The analysis kept as ``record`` under ``key``; None if the record is not one."""
        numbers = [value for k in ("reference", "gain", "slope") if isinstance(value := record.get(k), float)]
        session = record.get("session")
        if len(numbers) != 3 or not isinstance(session, str):
            return None
        reference, gain, slope = numbers
        usable = math.isfinite(gain) and gain > 0 and 0 < slope <= 1.0 and not math.isnan(reference)
        return cls(key, reference, gain, slope, session) if usable else None


def analysis_key(
    schedule: Schedule,
    clips: Mapping[str, Clip],
    voices: Sounds,
    loudness_lufs: float | None,
    music: Clip | None,
    music_levels: tuple[float, float],
) -> str:
    """A hash of every input of the loudness analysis but the timing (see ``Analysis``)."""
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


def session_key(key: str, sounds: Sounds, total: int) -> str:
    """A hash of ``key`` and where every sound is placed in a session of ``total`` samples."""
    return hashlib.sha256(repr((key, total, sounds.places)).encode()).hexdigest()


def known(reference: float, loudness_lufs: float | None) -> float:
    """The voice's loudness, or (a silent session) the target, or a default: what chimes and music are
    set against, so they have a level even when there is no voice to measure."""
    if math.isfinite(reference):
        return reference
    return DEFAULT_REFERENCE_LUFS if loudness_lufs is None else loudness_lufs


class Weighing:
    """K-weighting of sounds at unit gain, started in ``pool``'s threads (numpy releases the GIL) and
    collected when needed, so the sounds are weighed while other work goes on."""

    def __init__(self, rate: int, pool: Executor) -> None:
        self.rate, self.pool = rate, pool
        self._running: dict[Hashable, Future[Energies]] = {}

    def start(self, arrays: Mapping[Hashable, Samples]) -> None:
        """Start K-weighting ``arrays`` at unit gain."""
        for key, samples in arrays.items():
            self._running[key] = self.pool.submit(dsp.weighted_energy, samples, self.rate)

    def started(self, key: Hashable) -> bool:
        """Whether ``key`` is being (or was) weighed and not yet taken."""
        return key in self._running

    def result(self, key: Hashable) -> Energies:
        """The running energy of ``key`` (see ``dsp.weighted_energy``), once weighed; it stays held."""
        return self._running[key].result()

    def take(self) -> dict[Hashable, Energies]:
        """Every running energy started so far, no longer held here (they are as long as their sounds)."""
        done = {key: future.result() for key, future in self._running.items()}
        self._running.clear()
        return done


def back_to_back(weighing: Weighing, arrays: Mapping[Hashable, Samples]) -> float:
    """Integrated loudness (LUFS) of ``arrays`` played one after another, unlimited: the voice's own level,
    which does not depend on the timing (so a hint can carry it to another session of the same sounds).

    The sounds stay weighed in ``weighing``, for the session measured later.
    """
    import numpy as np

    weighing.start(arrays)
    rate = weighing.rate
    tail = dsp.FILTER_TAIL_MS * rate // 1000
    running = [weighing.result(key) for key in arrays]
    energies = np.zeros(dsp.subblock_count(sum(len(r) - 1 - tail for r in running) + 1, rate))
    start = 0
    for energy in running:
        dsp.place_energy(energies, start, energy, rate)
        start += len(energy) - 1 - tail
    return dsp.gated_loudness(energies, rate)


class SessionLoudness:
    """Integrated loudness of the session ``sounds`` make with every sound levelled at a gain (and the bed).

    A sound the limiter leaves alone at a gain has exactly its unit-gain energy times the gain squared,
    so such a sound is K-weighted once, at unit gain, and weighed again only at gains that drive it into
    the limiter. Only the energy each placement adds to each 100 ms sub-block is kept, never a sound's
    running energy, so memory follows the session's length in sub-blocks.

    Set once: the session (``sounds``, ``bed_energy``, and from them ``subblocks``, ``peaks``,
    ``starts``). Filled as the search goes: ``unit`` (placed unit-gain energies), ``measured`` (loudness
    per gain tried) and the sounds levelled at the last gain tried (``levelled``): the search ends on it.
    """

    def __init__(self, weighing: Weighing, sounds: Sounds, bed_energy: Energies | None, total: int) -> None:
        import numpy as np

        self.weighing, self.rate = weighing, weighing.rate
        self.sounds, self.bed_energy = sounds, bed_energy
        self.subblocks = dsp.subblock_count(total, self.rate)
        self.peaks = {key: float(np.abs(a).max(initial=0.0)) for key, a in sounds.arrays.items()}
        self.starts: dict[Hashable, list[int]] = {}
        for start, key in sounds.places:
            self.starts.setdefault(key, []).append(start)
        self.unit: dict[Hashable, Placed] = {}
        self.measured: dict[float, float] = {}
        self._last: tuple[float, dict[Hashable, Samples]] | None = None

    def unlimited(self) -> float:
        """Integrated loudness (LUFS) at unit gain if the limiter did nothing."""
        self._weigh_unweighed(self.sounds.arrays)
        self._collect()
        return self._loudness(1.0, {})

    def at(self, gain: float) -> float:
        """Integrated loudness (LUFS) at ``gain``: quiet sounds from their unit-gain energy, the others
        levelled and weighed again."""
        if gain in self.measured:
            return self.measured[gain]
        arrays = self.sounds.arrays
        quiet = {k: a for k, a in arrays.items() if self.peaks[k] * gain <= CEILING}
        self._weigh_unweighed(quiet)

        def levelled_and_placed(key: Hashable) -> tuple[Samples, Placed | None]:
            levelled = level(arrays[key], gain, self.rate)
            if key in quiet:
                return levelled, None
            return levelled, self._placed(key, dsp.weighted_energy(levelled, self.rate))

        done = dict(zip(arrays, self.weighing.pool.map(levelled_and_placed, arrays), strict=True))
        self._collect()
        self._last = (gain, {key: levelled for key, (levelled, _) in done.items()})
        limited = {key: placed for key, (_, placed) in done.items() if placed is not None}
        self.measured[gain] = self._loudness(gain, limited)
        return self.measured[gain]

    def levelled(self, gain: float) -> dict[Hashable, Samples] | None:
        """Every sound levelled at ``gain`` if that was the last gain tried (and there are sounds)."""
        if self._last is None or self._last[0] != gain or not self._last[1]:
            return None
        return self._last[1]

    def _weigh_unweighed(self, arrays: Mapping[Hashable, Samples]) -> None:
        """Start K-weighting those of ``arrays`` not weighed at unit gain yet."""
        unweighed = {k: a for k, a in arrays.items() if k not in self.unit and not self.weighing.started(k)}
        self.weighing.start(unweighed)

    def _collect(self) -> None:
        """Keep the placed energies of every sound weighed at unit gain so far."""
        self.unit |= {key: self._placed(key, running) for key, running in self.weighing.take().items()}

    def _placed(self, key: Hashable, running: Energies) -> Placed:
        """The sub-block energies sound ``key`` adds at each of its places."""
        return [dsp.placed_energy(start, running, self.rate, self.subblocks) for start in self.starts[key]]

    def _loudness(self, gain: float, limited: Mapping[Hashable, Placed]) -> float:
        """Loudness at ``gain`` with ``limited``'s energies for the sounds the limiter changed."""
        import numpy as np

        linear, energies = np.zeros(self.subblocks), np.zeros(self.subblocks)
        for key in self.sounds.arrays:
            into, placed = (energies, limited[key]) if key in limited else (linear, self.unit[key])
            for first, values in placed:
                into[first : first + len(values)] += values
        if self.bed_energy is not None:
            linear += self.bed_energy
        energies += linear * gain**2
        return dsp.gated_loudness(energies, self.rate)


def search(target: float, meter: SessionLoudness, hint: Analysis | None, guess: float) -> tuple[float, float]:
    """The gain at which the session measures ``target`` LUFS and the slope seen last, starting from the
    hint's gain and slope if there is one (another session of the same sounds), else from ``first_try``."""
    gain, slope = (hint.gain, hint.slope) if hint is not None else first_try(target, guess, meter)
    return gain_for(target, meter, gain, slope)


def first_try(target: float, guess: float, meter: SessionLoudness) -> tuple[float, float]:
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


def gain_for(target: float, meter: SessionLoudness, gain: float, slope: float) -> tuple[float, float]:
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
