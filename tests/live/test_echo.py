"""The echo canceller (SpeexDSP through ctypes): it takes the played sound out of what the microphone hears;
a real ``--music`` session's bed, through a room, with a spoken "next" said over it during a hold: the
player hands the listener what it plays, and the command is acted on with the canceller, not without."""

from __future__ import annotations

import numpy as np
import pytest
from fakes import FakeClock, RecordingSink

from voice_coach.audio import mixer
from voice_coach.audio.clip import Clip
from voice_coach.audio.dsp import resample
from voice_coach.compiler.schedule import schedule
from voice_coach.compiler.timeline import Chapter, Pause, Say, Timeline
from voice_coach.live import echo
from voice_coach.live.echo import EchoCanceller, load_canceller
from voice_coach.live.listen import CommandListener, CommandRecognizer
from voice_coach.live.microphone import LISTEN_RATE, RecordedSource
from voice_coach.live.player import Player, Rendered
from voice_coach.live.recognizer import EVERY_WORD
from voice_coach.speech.engines import EngineSettings
from voice_coach.speech.phrase_cache import PhraseCache
from voice_coach.speech.supply import synthesize_phrases

CANCELLER = load_canceller(LISTEN_RATE)
needs_speexdsp = pytest.mark.skipif(CANCELLER is None, reason="SpeexDSP (libspeexdsp1) is not installed")
COMMAND_AT = 9.0
"""Clock seconds at which the person says "next": during the hold, the bed at full level."""


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


def through_room(played: np.ndarray, seed: int = 1) -> np.ndarray:
    """``played`` as a microphone hears it: 12 ms late, with a 150 ms tail of reflections."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(0.15 * LISTEN_RATE)) / LISTEN_RATE
    response = rng.standard_normal(len(t)) * 0.3 * 10 ** (-3 * t / 0.3)
    response[0] = 1.0
    response = np.concatenate([np.zeros(int(0.012 * LISTEN_RATE)), response])
    return np.convolve(played.astype(np.float64), response)[: len(played)]


@needs_speexdsp
def test_the_canceller_takes_the_played_sound_out_of_what_is_heard() -> None:
    """White noise played, heard 12 ms late with reflections, in blocks of odd sizes: over 15 dB less of
    it after a few seconds, and the output is the input's length, sample for sample."""
    played = (np.random.default_rng(0).standard_normal(6 * LISTEN_RATE) * 3000).astype(np.int16)
    heard = np.clip(through_room(played) * 0.5, -32768, 32767).astype(np.int16)
    canceller = load_canceller(LISTEN_RATE)
    assert isinstance(canceller, EchoCanceller)
    cleaned = np.concatenate(
        [canceller.cancel(heard[i : i + 777], played[i : i + 777]) for i in range(0, len(heard), 777)]
    )
    canceller.close()
    assert len(heard) - len(cleaned) < echo.FRAME
    late = slice(4 * LISTEN_RATE, 5 * LISTEN_RATE)
    assert rms(heard[late]) / rms(cleaned[late]) > 10 ** (15 / 20)


def test_without_speexdsp_there_is_no_canceller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(echo.ctypes.util, "find_library", lambda name: None)
    assert load_canceller(LISTEN_RATE) is None


def music(rate: int, seconds: float = 8.0) -> Clip:
    """Chords, a bass line and a melody, as a music file would give them."""
    t = np.arange(int(seconds * rate)) / rate
    beat = (t * 1.6).astype(int)
    roots = np.array([57, 53, 60, 55])[(beat // 4) % 4]
    tone = np.zeros_like(t)
    for step, weight in ((-12, 1.0), (0, 0.8), (4, 0.6), (7, 0.6), (12 + 7, 0.4)):
        tone += (
            weight
            * np.sin(2 * np.pi * 440 * 2 ** ((roots + step - 69) / 12) * t)
            * np.exp(-2 * (t * 1.6 % 1))
        )
    return Clip((tone * 20000 / np.abs(tone).max()).astype(np.int16), rate)


@pytest.fixture(scope="module")
def hold_under_music(tmp_path_factory: pytest.TempPathFactory) -> tuple[Rendered, np.ndarray]:
    """A real ``--music`` session (a prompt, a 14 s hold, an outro; the mixer's own bed and duck) and
    what the microphone hears: all of it through the room, the bed in the hold as loud as a spoken "next"
    (a laptop's speakers beside its microphone; a quieter bed does not hide this voice's "next")."""
    texts = ["Hold still.", "Next.", "Well done."]
    clips = synthesize_phrases(
        texts, EngineSettings(), PhraseCache(tmp_path_factory.mktemp("voice") / "c")
    ).clips
    rate = clips["Hold still."].rate
    session = {text: clips[text] for text in ("Hold still.", "Well done.")}
    blocks = (Pause(500, "lead-in"), Chapter("Hold", "h"), Say("Hold still.", "step"), Pause(14_000, "hold"),
              Say("Well done.", "outro"))  # fmt: skip
    plan = schedule(Timeline("t", "T", blocks), mixer.phrase_lengths(session, rate), rate)
    audio = mixer.mix(plan, session, music=music(rate)).clip()
    played = resample(audio.samples.astype(np.float32), rate, LISTEN_RATE)
    command = resample(clips["Next."].samples.astype(np.float32), rate, LISTEN_RATE)
    at = int(COMMAND_AT * LISTEN_RATE)
    bed = played[at - 3 * LISTEN_RATE : at]
    assert rms(bed) > 0, "the bed plays in the hold"
    room = through_room(played)
    room *= rms(command) / rms(room[at - 3 * LISTEN_RATE : at])
    room[at : at + len(command)] += command
    microphone = np.clip(room, -32768, 32767).astype(np.int16)
    return Rendered(plan, audio), microphone


def heard(session: Rendered, microphone: np.ndarray, canceller: EchoCanceller | None) -> list[str]:
    clock = FakeClock()
    listener = CommandListener(
        RecordedSource(microphone, clock), CommandRecognizer(rule=EVERY_WORD), canceller
    )
    notices: list[str] = []
    Player(session, RecordingSink(clock), clock=clock, listener=listener, on_notice=notices.append).play()
    listener.close()
    return notices


@needs_speexdsp
def test_a_next_said_over_the_sessions_music_bed_is_heard_with_the_canceller(
    hold_under_music: tuple[Rendered, np.ndarray],
) -> None:
    assert heard(*hold_under_music, load_canceller(LISTEN_RATE)) == ['Heard "next".']


def test_without_the_canceller_the_bed_hides_it(hold_under_music: tuple[Rendered, np.ndarray]) -> None:
    """So the test above shows the canceller at work, not a command any listener would hear."""
    assert heard(*hold_under_music, None) == []
