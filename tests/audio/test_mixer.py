"""The mixer, with made-up phrase audio (seeded noise and tones): placement to the sample, exact holds,
chimes, loudness per phrase and true-peak limiting, resampling, the ducked music bed, chunking, streaming
(phrases fetched only as the output needs them) and memory."""

from __future__ import annotations

import tracemalloc
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pyloudnorm
import pytest

from voice_coach.audio import dsp, limiter, mixer
from voice_coach.audio.chimes import chime
from voice_coach.audio.clip import Clip
from voice_coach.audio.music import music_bed
from voice_coach.audio.sounds import SESSION_OFFSET_LU, phrase_loudness
from voice_coach.compiler.schedule import Schedule, schedule
from voice_coach.compiler.timeline import Block, Chapter, Cue, Hold, Pause, Rest, Say, Timeline, Tone

RATE = 22050
PROMISE = 10 ** (-1.0 / 20)
"""No true peak above -1 dBTP (the limiter's ceiling is lower, leaving room for an MP3 encoder)."""
PHRASES = ("Kneel and twist.", "Release.", "Ten seconds left.", "Breathe.")


def noise_clip(seed: int, ms: int, rate: int = RATE, level: float = 0.2) -> Clip:
    """Seeded noise, never exactly zero, so every sample of a phrase is visible in the mix."""
    rng = np.random.default_rng(seed)
    samples = rng.uniform(0.05, 1.0, ms * rate // 1000) * rng.choice([-1, 1], ms * rate // 1000)
    return Clip((samples * level * 32767).astype(np.int16), rate)


def sine_clip(frequency: float, ms: int, rate: int = RATE, level: float = 0.3) -> Clip:
    t = np.arange(ms * rate // 1000) / rate
    return Clip((np.sin(2 * np.pi * frequency * t) * level * 32767).astype(np.int16), rate)


def phrase_clips(rate: int = RATE, level: float = 0.2) -> dict[str, Clip]:
    return {text: noise_clip(n, 600 + 150 * n, rate, level) for n, text in enumerate(PHRASES)}


def spiky_clips() -> dict[str, Clip]:
    """Quiet noise with a full-scale click every 150 samples: at any useful gain the limiter holds the
    clicks down all the time, so loudness rises far more slowly than gain."""
    clips = {}
    for text, clip in phrase_clips(level=0.1).items():
        samples = clip.samples.copy()
        samples[::150] = 30000
        clips[text] = Clip(samples, RATE)
    return clips


def routine(hold_ms: int = 7000, cues: tuple[Cue, ...] = ()) -> Timeline:
    blocks: list[Block] = [
        Pause(1000, "lead-in"),
        Chapter("Kneeling twist", "twist"),
        Say("Kneel and twist.", "step"),
        Tone("start"),
        Hold(hold_ms, cues, "twist", 1, 1),
        Tone("end"),
        Say("Release.", "release"),
        Rest(3000, ()),
    ]
    return Timeline("t", "Test", tuple(blocks))


def scheduled(timeline: Timeline, clips: Mapping[str, Clip], rate: int = RATE) -> Schedule:
    return schedule(timeline, mixer.phrase_lengths(clips, rate), rate)


def samples_of(clip: Clip) -> npt.NDArray[np.float64]:
    return clip.samples.astype(np.float64) / 32768


def lufs(clip: Clip) -> float:
    return float(pyloudnorm.Meter(clip.rate).integrated_loudness(samples_of(clip)))


def true_peak(clip: Clip) -> float:
    """The largest magnitude of ``clip`` oversampled 16x by scipy (an independent reconstruction)."""
    from scipy.signal import resample_poly

    return float(np.abs(resample_poly(samples_of(clip), 16, 1)).max())


def test_every_phrase_lands_at_its_start_to_the_sample() -> None:
    clips = phrase_clips()
    plan = scheduled(routine(), clips)
    out = mixer.mix(plan, clips, loudness_lufs=None).clip()
    assert out.rate == RATE and len(out.samples) == plan.total
    for speech in plan.speech():
        np.testing.assert_array_equal(out.samples[speech.start : speech.end], clips[speech.text].samples)
        assert out.samples[speech.start - 1] == 0 and out.samples[speech.end] == 0


def test_a_hold_is_silent_for_exactly_its_length_between_the_chimes() -> None:
    clips = phrase_clips()
    for hold_ms in (7000, 23000):
        plan = scheduled(routine(hold_ms), clips)
        out = mixer.mix(plan, clips).clip().samples
        hold = next(s for s in plan.slots if isinstance(s.block, Hold))
        start_chime, end_chime = (s for s in plan.slots if isinstance(s.block, Tone))
        sounding = np.flatnonzero(out[start_chime.start : end_chime.end]) + start_chime.start
        gaps = np.diff(sounding)
        widest = int(np.argmax(gaps))
        silence = (sounding[widest], sounding[widest + 1])  # last chime sample .. first chime sample
        assert hold.length == hold_ms * RATE // 1000
        # The chimes fade to exactly zero on their last sample and rise from zero on their first.
        assert silence[0] in (hold.start - 1, hold.start - 2)
        assert silence[1] in (hold.end, hold.end + 1)


def test_start_and_end_chimes_rise_and_fall() -> None:
    def pitch(samples: npt.NDArray[np.float32]) -> float:
        spectrum = np.abs(np.fft.rfft(samples))
        return float(np.fft.rfftfreq(len(samples), 1 / RATE)[np.argmax(spectrum)])

    length = 350 * RATE // 1000
    start, end = chime("start", length, RATE), chime("end", length, RATE)
    assert len(start) == len(end) == length
    assert pitch(start[: length // 2]) < pitch(start[length // 2 :])
    assert pitch(end[: length // 2]) > pitch(end[length // 2 :])
    for bell in (start, end):
        assert bell[0] == 0 and bell[-1] == 0  # faded: no clicks
        assert np.abs(bell[-int(0.03 * RATE) : -int(0.012 * RATE)]).max() > 0.1  # heard to the end


@pytest.mark.parametrize("target", [-16.0, -23.0])
def test_every_phrase_is_brought_to_the_target_and_the_session_measures_it(target: float) -> None:
    clips = {**phrase_clips(level=0.05), "Release.": noise_clip(9, 700, level=0.5)}  # one far louder
    plan = scheduled(routine(), clips)
    out = mixer.mix(plan, clips, loudness_lufs=target).clip()
    for speech in plan.speech():
        placed = samples_of(out)[speech.start : speech.end].astype(np.float32)
        expected = target + SESSION_OFFSET_LU
        assert phrase_loudness(placed, RATE) == pytest.approx(expected, abs=0.2), speech.text
    assert abs(lufs(out) - target) < 1.0
    assert true_peak(out) <= PROMISE


def test_peaks_are_limited_on_true_peaks_and_loudness_still_reached() -> None:
    square = np.where(np.arange(RATE) % 100 < 50, 32767, -32767).astype(np.int16)
    clips = {**phrase_clips(level=0.9), "Release.": Clip(square, RATE)}
    out = mixer.mix(scheduled(routine(), clips), clips, loudness_lufs=-9.0).clip()
    assert true_peak(out) <= PROMISE
    assert abs(lufs(out) - -9.0) < 1.0


def test_the_limiter_catches_peaks_between_samples() -> None:
    """A tone at a quarter of the rate sampled 45 degrees off its crests: its samples stay below the
    ceiling while the waveform a decoder rebuilds is 3 dB above it. A sample-peak limiter lets it by."""
    t = np.arange(RATE) / RATE
    tone = (0.999 * limiter.CEILING * np.sqrt(2) * np.sin(2 * np.pi * RATE / 4 * t + np.pi / 4)).astype(
        np.float32
    )
    assert np.abs(tone).max() <= limiter.CEILING
    assert true_peak(Clip((tone * 32767).astype(np.int16), RATE)) > limiter.CEILING * 1.4
    limited = limiter.limit(tone.copy(), limiter.CEILING, 110)
    assert true_peak(Clip(np.rint(limited * 32767).astype(np.int16), RATE)) <= PROMISE


def test_without_a_target_the_voice_keeps_its_level_but_never_clips() -> None:
    clips = {**phrase_clips(), "Release.": noise_clip(9, 500, level=1.0)}
    plan = scheduled(routine(), clips)
    out = mixer.mix(plan, clips, loudness_lufs=None).clip()
    kneel = next(s for s in plan.speech() if s.text == "Kneel and twist.")
    np.testing.assert_array_equal(out.samples[kneel.start : kneel.end], clips[kneel.text].samples)
    assert np.abs(samples_of(out)).max() <= limiter.CEILING


def test_clips_at_another_rate_are_resampled() -> None:
    odd = sine_clip(440, 900, rate=16000)
    clips = {**phrase_clips(), "Release.": Clip(odd.samples[:12801], 16000)}
    plan = scheduled(routine(), clips)
    release = next(s for s in plan.speech() if s.text == "Release.")
    assert release.length == 17642  # 12801 * 22050 / 16000 = 17641.4, rounded up like the resampler
    out = mixer.mix(plan, clips, loudness_lufs=None).clip()
    placed = samples_of(out)[release.start : release.end]
    spectrum = np.abs(np.fft.rfft(placed))
    assert abs(np.fft.rfftfreq(len(placed), 1 / RATE)[np.argmax(spectrum)] - 440) < 3


def test_loudness_meter_agrees_with_pyloudnorm_in_any_chunking() -> None:
    rng = np.random.default_rng(3)
    signal = np.concatenate([rng.normal(0, 0.1, 30000), np.zeros(50000), rng.normal(0, 0.02, 41234)]).astype(
        np.float32
    )
    for rate in (22050, 16000, 11025):
        expected = pyloudnorm.Meter(rate).integrated_loudness(signal.astype(np.float64))
        for chunk in (777, 2205, 1 << 18):
            assert dsp.loudness(signal, rate, chunk) == pytest.approx(expected, abs=1e-6)


def test_the_limiter_turns_peaks_down_smoothly_instead_of_clipping() -> None:
    t = np.arange(RATE) / RATE
    loud = (2.0 * np.sin(2 * np.pi * 441 * t)).astype(np.float32)
    limited = limiter.limit(loud.copy(), 0.5, 110)
    assert np.abs(limited).max() <= 0.5
    spectrum = np.abs(np.fft.rfft(limited[RATE // 4 : 3 * RATE // 4]))
    fundamental, third = spectrum[441 // 2], spectrum[3 * 441 // 2]
    assert (
        20 * np.log10(third / fundamental) < -40
    )  # hard clipping would leave the third harmonic near -10 dB


def test_a_schedule_built_with_other_lengths_is_refused() -> None:
    clips = {**phrase_clips(), "Release.": sine_clip(440, 800, rate=16000)}
    plan = schedule(routine(), lambda text: len(clips[text].samples), RATE)
    with pytest.raises(ValueError, match="phrase_lengths"):
        mixer.mix(plan, clips)
    with pytest.raises(ValueError, match="no audio"):
        mixer.mix(scheduled(routine(), clips), {k: v for k, v in clips.items() if k != "Release."})


def test_music_is_ducked_under_speech_smoothly_and_fills_the_session() -> None:
    clips = phrase_clips()
    plan = scheduled(routine(), clips)
    bed = music_bed(sine_clip(220, 1000), RATE, -28.0, -12.0)  # a one-second loop, repeated
    assert bed is not None
    spans = np.array([(s.start, s.end) for s in plan.speech()], np.int64)
    placed = bed.placed(spans, plan.total)
    music = placed.render(0, plan.total)
    envelope = placed.envelope(0, plan.total)
    assert len(music) == plan.total and np.abs(np.diff(envelope)).max() < 1e-3  # no sudden jumps
    between = next(s for s in plan.slots if isinstance(s.block, Hold))
    free = np.sqrt(np.mean(np.square(music[between.start + RATE : between.end - RATE])))
    release = next(s for s in plan.speech() if s.text == "Release.")  # clear of the fade in and out
    under = np.sqrt(np.mean(np.square(music[release.start : release.end])))
    assert 20 * np.log10(under / free) == pytest.approx(-12.0, abs=0.5)
    assert envelope[: RATE // 10].max() < 0.1 and envelope[-RATE // 10 :].max() < 0.1  # faded in and out


def test_music_longer_than_the_session_is_trimmed_and_faded() -> None:
    clips = phrase_clips()
    plan = scheduled(routine(), clips)
    mix = mixer.mix(plan, clips, music=sine_clip(220, 60_000))
    out = mix.clip()
    assert len(out.samples) == plan.total
    assert abs(int(out.samples[0])) < 50 and abs(int(out.samples[-1])) < 50


def test_chunk_size_does_not_change_a_sample() -> None:
    clips = {**phrase_clips(level=0.9), "Release.": noise_clip(7, 900, level=1.0)}
    mix = mixer.mix(scheduled(routine(), clips), clips, loudness_lufs=-10.0, music=sine_clip(220, 1500))
    whole = mix.clip().samples
    for size in (997, 4096):
        np.testing.assert_array_equal(np.concatenate(list(mix.chunks(size=size))), whole)
    middle = np.concatenate(list(mix.chunks(12345, 54321, size=1000)))
    np.testing.assert_array_equal(middle, whole[12345:54321])


def test_a_cut_inside_limited_audio_does_not_change_a_sample() -> None:
    """Wherever a piece of the session starts, even where the limiter is working, its samples are the
    whole session's: the true-peak filter's reach is rendered too (the first ones of a piece were a
    little off, so a session played live differed from its export by a sample or two)."""
    clips = {**phrase_clips(level=0.9), "Release.": noise_clip(7, 900, level=1.0)}
    plan = scheduled(routine(), clips)
    mix = mixer.mix(plan, clips, loudness_lufs=-6.0)
    whole = mix.clip().samples
    loud = next(s for s in plan.speech() if s.text == "Release.")
    for start in range(loud.start + 500, loud.start + 1500, 13):
        np.testing.assert_array_equal(mix.samples(start, start + 50), whole[start : start + 50])


def long_session(minutes: int) -> tuple[Schedule, dict[str, Clip]]:
    cues = (
        Cue("Ten seconds left.", "end", 10000, 2, "countdown"),
        Cue("Breathe.", "start", 2000, 1, "breath"),
    )
    one = routine(30000, cues).blocks[1:]
    clips = phrase_clips()
    seconds = scheduled(Timeline("one", "One", one), clips).total / RATE
    blocks = (Pause(1000, "lead-in"),) + one * int(minutes * 60 // seconds + 1)
    return scheduled(Timeline("long", "Long", blocks), clips), clips


def test_a_thirty_minute_session_mixes_to_its_exact_length() -> None:
    # How fast this is, is measured by scripts/bench.py: tests never time anything.
    plan, clips = long_session(30)
    out = mixer.mix(plan, clips).clip()
    assert len(out.samples) == plan.total >= 30 * 60 * RATE


def test_streaming_memory_does_not_grow_with_session_length() -> None:
    def peak_bytes(minutes: int) -> int:
        plan, clips = long_session(minutes)
        tracemalloc.start()
        try:
            for _ in mixer.mix(plan, clips, music=sine_clip(220, 5000)).chunks():
                pass
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    short, long = peak_bytes(10), peak_bytes(60)
    assert long < short + 2_000_000, (short, long)  # a 60-minute float32 buffer alone would be 318 MB


def test_phrases_are_fetched_only_as_far_as_the_output_needs_them() -> None:
    """What lets playing and encoding start before the last phrase is spoken: the first chunk asks for
    the first phrases only, and a mix whose phrases arrive late gives the same samples as one that had
    them all from the start."""
    plan, clips = long_session(3)
    asked: list[str] = []

    def phrase(text: str) -> Clip:
        asked.append(text)
        return clips[text]

    late = mixer.Mix(plan.timeline, phrase, RATE, music=sine_clip(220, 5000))
    chunks = late.chunks(size=4096)
    first = next(chunks)
    # The first step and the cues of the hold after it; "Release." comes 30 s later.
    assert asked == ["Kneel and twist.", "Ten seconds left.", "Breathe."] and not late.finished
    streamed = np.concatenate([first, *chunks])
    assert set(asked) == set(clips) and late.finished and late.total == plan.total
    whole = mixer.mix(plan, clips, music=sine_clip(220, 5000)).clip().samples
    np.testing.assert_array_equal(streamed, whole)


def test_a_player_can_place_what_is_ready_without_waiting() -> None:
    """``place_ready`` never asks for a phrase that is not there; ``renderable`` says how far one can play."""
    plan, clips = long_session(3)
    arrived = {"Kneel and twist."}
    asked: list[str] = []

    def phrase(text: str) -> Clip:
        asked.append(text)
        return clips[text]

    audio = mixer.Mix(plan.timeline, phrase, RATE)
    audio.place_ready(arrived.__contains__)
    assert asked == ["Kneel and twist."]  # the hold after it needs its cues, which are not there
    placed = audio.placed_schedule()
    assert not audio.finished and placed.total == audio.placed < plan.total
    assert not audio.renderable(placed.total)
    arrived |= set(clips)
    audio.place_ready(arrived.__contains__)
    assert audio.finished and audio.placed_schedule() == plan and audio.renderable(plan.total)
    np.testing.assert_array_equal(audio.samples(1000, 5000), mixer.mix(plan, clips).clip().samples[1000:5000])
