"""Mix a session in time order, as its phrases become available: every phrase at its start and at the
target loudness (``sounds``), generated chimes, an optional ducked music bed, and a true-peak limiter
(``limiter``) so nothing goes above the ceiling. Pure apart from waiting for phrases.

The schedule is unfolded slot by slot (``compiler.schedule.unfold``) only as far as the audio asked for
needs, and each phrase is fetched when its slot is placed: a ``phrase(text)`` that waits for a synthesis
still under way (``speech.supply``) therefore holds up the mix only when the playhead reaches that phrase.
Any range of output samples is a pure function of the placed sounds, so the result is the same sample
for sample however it is cut into chunks and however late the phrases arrive.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from voice_coach.audio import limiter
from voice_coach.audio.chimes import chime_amplitude, slot_chime
from voice_coach.audio.clip import Clip
from voice_coach.audio.music import music_bed
from voice_coach.audio.sounds import DEFAULT_REFERENCE_LUFS, levelled, phrase_lengths
from voice_coach.compiler.schedule import DroppedCue, Schedule, Slot, unfold
from voice_coach.compiler.timeline import Hold, Rest, Say, Timeline, Tone
from voice_coach.progress import Progress

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from voice_coach.audio.dsp import Samples


__all__ = ["CEILING_DBTP", "CHUNK", "Mix", "mix", "phrase_lengths"]  # the mixer's names: it schedules by them

CEILING_DBTP = limiter.CEILING_DBTP
CHUNK = 1 << 15
"""Samples rendered at a time (about 1.4 s at 24000 Hz)."""
_LOOK_AHEAD_MS = 2500
"""How far past a range the schedule is placed before rendering it: the limiter's margin, the music's
duck before a phrase and its fade-out before the end of the session all look that far at most."""


class Mix:
    """The session of ``timeline`` at ``rate``, each phrase from ``phrase(text)`` (any sample rate).

    ``loudness_lufs``: every phrase's loudness (None: the voice's own level). ``music``: a bed looped
    under the session, ``music_lu`` relative to the voice between phrases and ``duck_db`` lower under
    them. ``ceiling_dbtp``: the true-peak limiter's ceiling (each output format has its own). Read it
    with ``chunks`` (in order, as far as it goes) or ``output`` (any range);
    ``schedule()`` gives the whole schedule, waiting for every phrase.
    """

    def __init__(
        self,
        timeline: Timeline,
        phrase: Callable[[str], Clip],
        rate: int,
        *,
        loudness_lufs: float | None = -16.0,
        music: Clip | None = None,
        music_lu: float = -18.0,
        duck_db: float = -12.0,
        ceiling_dbtp: float = CEILING_DBTP,
    ) -> None:
        self.timeline, self.rate, self.ceiling = timeline, rate, 10 ** (ceiling_dbtp / 20)
        self._phrase, self._target = phrase, loudness_lufs
        voice_lufs = DEFAULT_REFERENCE_LUFS if loudness_lufs is None else loudness_lufs
        self._chime_amplitude = chime_amplitude(voice_lufs)
        self._bed = music_bed(music, rate, voice_lufs + music_lu, duck_db) if music is not None else None
        self._sounds: dict[object, Samples] = {}
        self._dropped: list[DroppedCue] = []
        self._unfolding: Iterator[Slot] | None = unfold(timeline, self._length, rate, self._dropped)
        self._slots: list[Slot] = []
        self._starts: list[int] = []
        self._layers: list[tuple[int, Samples]] = []
        self._spans: list[tuple[int, int]] = []
        self._longest = 0
        self._placed = 0
        self._look_ahead = _LOOK_AHEAD_MS * rate // 1000

    @property
    def finished(self) -> bool:
        """Whether the whole session is placed (its length known)."""
        return self._unfolding is None

    @property
    def placed(self) -> int:
        """How far the session is placed, in samples (its length once ``finished``)."""
        return self._placed

    @property
    def total(self) -> int:
        """The session's length in samples (waits for every phrase)."""
        return self.schedule().total

    def schedule(self) -> Schedule:
        """The whole schedule, every phrase placed (waits for every phrase)."""
        self._place(None)
        return self.placed_schedule()

    def placed_schedule(self) -> Schedule:
        """The schedule as far as it is placed (the whole one once ``finished``); waits for nothing."""
        return Schedule(self.timeline, self.rate, tuple(self._slots), tuple(self._dropped))

    def place_ready(self, ready: Callable[[str], bool], until: int | None = None) -> None:
        """Place further slots whose phrases ``ready(text)`` says are there, without waiting: as far as
        ``output`` up to ``until`` needs (None: as far as they go)."""
        while (
            self._unfolding is not None
            and (until is None or not self.renderable(until))
            and all(map(ready, self._next_texts()))
        ):
            self._place_one()

    def renderable(self, end: int) -> bool:
        """Whether ``output`` up to ``end`` needs no phrase that is not placed yet."""
        margin = 2 * (limiter.LIMITER_MS * self.rate // 1000)
        return self.finished or self._placed >= end + margin + self._look_ahead

    def known_silent(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` is silence however the rest is placed: no music, placed that far, and no
        sound of the placed part in it (the limiter only lowers what is there, and zero stays zero). The
        player plays such a stretch, the lead-in above all, before the phrase after it is spoken."""
        if self._bed is not None or self._placed < end:
            return False
        first = bisect.bisect_left(self._starts, start - self._longest)
        last = bisect.bisect_left(self._starts, end)
        return all(layer_start + len(samples) <= start for layer_start, samples in self._layers[first:last])

    def samples(self, start: int, end: int) -> npt.NDArray[np.int16]:
        """The int16 output of ``[start, end)`` (waits for the phrases it needs)."""
        import numpy as np

        return np.concatenate([np.zeros(0, np.int16), *self.chunks(start, end)])

    def chunks(
        self, start: int = 0, end: int | None = None, size: int = CHUNK
    ) -> Iterator[npt.NDArray[np.int16]]:
        """The int16 output from ``start`` to ``end`` (default: the end of the session) in consecutive
        chunks of at most ``size`` samples, each as soon as the phrases it needs are there."""
        import numpy as np

        peak = int(self.ceiling * 32768)
        lo = start
        while end is None or lo < end:
            self._place(lo + size)
            hi = min(lo + size, self._placed) if end is None else min(end, lo + size)
            if hi <= lo:
                return
            scaled = self.output(lo, hi) * 32768
            yield np.clip(np.rint(scaled, out=scaled), -peak, peak, out=scaled).astype(np.int16)
            lo = hi

    def clip(self, progress: Progress | None = None) -> Clip:
        """The whole session as one int16 ``Clip``; ``progress("render", chunks done, chunks)`` as it goes."""
        import numpy as np

        total = self.total
        samples = np.empty(total, np.int16)
        count = -(-total // CHUNK)
        for done, chunk in enumerate(self.chunks()):
            samples[done * CHUNK : done * CHUNK + len(chunk)] = chunk
            if progress:
                progress("render", done + 1, count)
        return Clip(samples, self.rate)

    def output(self, start: int, end: int) -> Samples:
        """Float output of ``[start, end)``, true-peak limited to the ceiling.

        The limiter looks ahead (and releases) over ``LIMITER_MS``, so a margin of twice that is
        rendered on each side, and the reach of its true-peak filter beyond (``limiter.PEAK_REACH``): the
        samples kept are then the same however the session is cut.
        """
        half = limiter.LIMITER_MS * self.rate // 1000
        margin = 2 * half + limiter.PEAK_REACH
        self._place(end + margin)
        lo, hi = max(0, start - margin), end + margin
        if self.finished:
            hi = min(hi, self._placed)
        samples = limiter.limit(self.render(lo, hi), self.ceiling, half)
        return samples[start - lo : end - lo]

    def render(self, start: int, end: int) -> Samples:
        """The plain sum of every sound and the music bed over ``[start, end)``."""
        import numpy as np

        self._place(end)
        out = self._music(start, end) if self._bed else np.zeros(end - start, np.float32)
        first = bisect.bisect_left(self._starts, start - self._longest)
        last = bisect.bisect_left(self._starts, end)
        for layer_start, samples in self._layers[first:last]:
            if layer_start + len(samples) > start:
                lo, hi = max(start, layer_start), min(end, layer_start + len(samples))
                out[lo - start : hi - start] += samples[lo - layer_start : hi - layer_start]
        return out

    def _music(self, start: int, end: int) -> Samples:
        assert self._bed is not None
        import numpy as np

        spans = np.array(self._spans, np.int64).reshape(-1, 2)
        total = self._placed if self.finished else 1 << 62  # the fade-out comes once the end is known
        return self._bed.placed(spans, total).render(start, end)

    def _place(self, until: int | None) -> None:
        """Place slots until the schedule reaches ``until`` plus the look-ahead (None: to the end)."""
        while self._unfolding is not None and (until is None or self._placed < until + self._look_ahead):
            self._place_one()

    def _place_one(self) -> None:
        """Place the next slot (waiting for its phrases), or note that the session is all placed."""
        assert self._unfolding is not None
        slot = next(self._unfolding, None)
        if slot is None:
            self._unfolding = None
        else:
            self._add(slot)

    def _next_texts(self) -> list[str]:
        """The phrases the next slot to place will ask for."""
        blocks = self.timeline.blocks
        block = blocks[len(self._slots)] if len(self._slots) < len(blocks) else None
        if isinstance(block, Say):
            return [block.text]
        if isinstance(block, Hold | Rest):
            return [cue.text for cue in block.cues]
        return []

    def _add(self, slot: Slot) -> None:
        self._slots.append(slot)
        self._placed = slot.end
        for speech in slot.speech:
            self._layer(speech.start, self._sounds[speech.text])
            self._spans.append((speech.start, speech.end))
        if isinstance(slot.block, Tone) and slot.length:
            key = ("chime", slot.block.kind, slot.length)
            if key not in self._sounds:
                self._sounds[key] = slot_chime(slot.block, slot.length, self.rate, self._chime_amplitude)
            self._layer(slot.start, self._sounds[key])

    def _layer(self, start: int, samples: Samples) -> None:
        self._starts.append(start)
        self._layers.append((start, samples))
        self._longest = max(self._longest, len(samples))

    def _length(self, text: str) -> int:
        """A phrase's length in samples at the mix's rate (fetched, and levelled, on first use)."""
        if text not in self._sounds:
            self._sounds[text] = levelled(self._phrase(text), self.rate, self._target)
        return len(self._sounds[text])


def mix(
    schedule: Schedule,
    clips: Mapping[str, Clip],
    *,
    loudness_lufs: float | None = -16.0,
    music: Clip | None = None,
    music_lu: float = -18.0,
    duck_db: float = -12.0,
    ceiling_dbtp: float = CEILING_DBTP,
) -> Mix:
    """The ``Mix`` of a schedule whose phrases are all in ``clips`` (resampled to the schedule's rate).

    ValueError if ``schedule`` was not built with these clips' lengths (``phrase_lengths(clips, rate)``).
    """

    def phrase(text: str) -> Clip:
        if text not in clips:
            raise ValueError(f"no audio for the phrase {text!r}")
        return clips[text]

    audio = Mix(
        schedule.timeline, phrase, schedule.rate,
        loudness_lufs=loudness_lufs, music=music, music_lu=music_lu, duck_db=duck_db,
        ceiling_dbtp=ceiling_dbtp,
    )  # fmt: skip
    if audio.schedule().slots != schedule.slots:
        raise ValueError(
            f"the schedule does not fit these clips at {schedule.rate} Hz; "
            "schedule with mixer.phrase_lengths(clips, rate)"
        )
    return audio
