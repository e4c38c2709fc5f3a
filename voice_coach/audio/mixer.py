"""Mix a schedule: every phrase at its start, generated chimes, an optional ducked music bed, loudness
normalized to a target and peak limited so nothing clips. Pure: no files, no printing.

This module only ties the stages together; each lives in its own module:

- ``sounds``: the session's distinct sounds and their places (``phrase_lengths`` says how long a phrase
  will be), each levelled to the ceiling once;
- ``render``: the ``Mix`` recipe those become, rendered chunk by chunk;
- ``chimes``: the chimes that fill the schedule's ``Tone`` slots;
- ``loudness``: the gain search that meets the target, and the ``Analysis`` that lets the next mix of the
  same sounds skip most of it;
- ``music``: the ducked bed.

What callers need is re-exported here (``mix``, ``Mix``, ``Analysis``, ``phrase_lengths``, ``chime``,
``CHUNK``, ``CEILING_DBFS``).
"""

from __future__ import annotations

from collections.abc import Mapping

from voice_coach.audio import loudness
from voice_coach.audio.chimes import chime, chime_amplitude, place_chimes
from voice_coach.audio.clip import Clip
from voice_coach.audio.loudness import Analysis, SessionLoudness, Weighing
from voice_coach.audio.music import music_bed
from voice_coach.audio.render import CHUNK, Layer, Mix, assemble
from voice_coach.audio.sounds import CEILING_DBFS, levels, phrase_lengths, place_phrases
from voice_coach.compiler.schedule import Schedule
from voice_coach.cpu import usable_cores

__all__ = ["CEILING_DBFS", "CHUNK", "Analysis", "Layer", "Mix", "chime", "mix", "phrase_lengths"]


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
    from concurrent.futures import ThreadPoolExecutor  # with logging: 11 ms a CLI start need not pay

    voices = place_phrases(schedule, clips)
    key = loudness.analysis_key(schedule, clips, voices, loudness_lufs, music, (music_lu, duck_db))
    hint = (hints or {}).get(key)
    with ThreadPoolExecutor(max_workers=usable_cores()) as pool:
        weighing = Weighing(schedule.rate, pool)
        reference = hint.reference if hint is not None else loudness.back_to_back(weighing, voices.arrays)
        voice_lufs = loudness.known(reference, loudness_lufs)
        chimes = place_chimes(schedule, chime_amplitude(voice_lufs))
        sounds = voices + chimes
        session = loudness.session_key(key, sounds, schedule.total)
        bed = music_bed(music, schedule, voice_lufs + music_lu, duck_db) if music is not None else None
        levelled = None
        if loudness_lufs is None:
            gain, slope = 1.0, 1.0
        elif hint is not None and hint.session == session:
            gain, slope = hint.gain, hint.slope  # this very session was measured at this gain
        else:
            weighing.start(chimes.arrays)  # the voices were weighed for the reference (unless hinted)
            meter = SessionLoudness(
                weighing, sounds, bed.energies(schedule.rate) if bed else None, schedule.total
            )
            guess = 10 ** ((loudness_lufs - voice_lufs) / 20)  # for a silent session
            gain, slope = loudness.search(loudness_lufs, meter, hint, guess)
            levelled = meter.levelled(gain)
        levelled = levelled or levels(sounds.arrays, gain, schedule.rate, pool)
    bed = bed.scaled(gain) if bed and gain != 1.0 else bed
    return assemble(schedule, sounds, bed, levelled, Analysis(key, reference, gain, slope, session))
