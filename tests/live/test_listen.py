"""Voice commands through the real recognizer (pocketsphinx) on audio fed like a microphone's, a running
player and a fake clock: a spoken "next" moves on; the coach's own "next" does not; no microphone is one
warning."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fakes import FakeClock, RecordingSink

from voice_coach import voice_commands
from voice_coach.audio import mixer
from voice_coach.audio.clip import Clip
from voice_coach.audio.dsp import resample
from voice_coach.compiler.schedule import Schedule, schedule
from voice_coach.compiler.timeline import Chapter, Cue, Hold, Pause, Say, Timeline, Tone
from voice_coach.live.listen import CoachVoice, CommandListener, CommandRecognizer, voice_action
from voice_coach.live.microphone import LISTEN_RATE, Microphone, MicrophoneError, RecordedSource
from voice_coach.live.player import Outcome, Player, Rendered
from voice_coach.live.recognizer import EVERY_WORD, RULE, WAKE_RULE, Heard, decide
from voice_coach.live.steps import build_step_map
from voice_coach.speech.engines import EngineSettings
from voice_coach.speech.phrase_cache import PhraseCache
from voice_coach.speech.supply import synthesize_phrases

pytest.importorskip("pocketsphinx")


@pytest.fixture(scope="module")
def recognizer() -> CommandRecognizer:
    """Every command without the wake word (``play --every-word``): the listener's path is what is tested."""
    return CommandRecognizer(rule=EVERY_WORD)


def spoken(texts: list[str], tmp: Path) -> dict[str, Clip]:
    """The default voice (hibari) saying ``texts``."""
    return synthesize_phrases(texts, EngineSettings(), PhraseCache(tmp / "cache")).clips


def at_16k(clip: Clip) -> np.ndarray:
    return np.clip(resample(clip.samples, clip.rate, LISTEN_RATE), -32768, 32767).astype(np.int16)


def session(clips: dict[str, Clip]) -> tuple[Timeline, Clip]:
    blocks = (
        Pause(500, "lead-in"), Chapter("Stretch", "s"), Say("Kneel.", "step"), Tone("start"),
        Hold(12_000, (Cue("Next.", "start", 1000, 1, "prompt"),), "s", 1, 1), Tone("end"),
        Say("Well done.", "outro"),
    )  # fmt: skip
    timeline = Timeline("t", "T", blocks)
    rate = next(iter(clips.values())).rate
    plan = schedule(timeline, mixer.phrase_lengths(clips, rate), rate)
    return timeline, mixer.mix(plan, clips).clip()


def play(
    timeline: Timeline, audio: Clip, microphone: np.ndarray, recognizer: CommandRecognizer
) -> tuple[Schedule, Outcome, CommandListener, list[str]]:
    """Play the session with ``microphone`` as what the room hears, from the coach's first sample on."""
    clock = FakeClock()
    plan = schedule(timeline, mixer.phrase_lengths(CLIPS, audio.rate), audio.rate)
    listener = CommandListener(RecordedSource(microphone, clock), recognizer)
    heard: list[str] = []
    outcome = Player(
        Rendered(plan, audio), RecordingSink(clock), clock=clock, listener=listener, on_notice=heard.append
    ).play()
    return plan, outcome, listener, heard


CLIPS: dict[str, Clip] = {}


@pytest.fixture(scope="module")
def coach(tmp_path_factory: pytest.TempPathFactory) -> tuple[Timeline, Clip, Clip]:
    CLIPS.update(spoken(["Kneel.", "Next.", "Well done."], tmp_path_factory.mktemp("voice")))
    timeline, audio = session(CLIPS)
    return timeline, audio, CLIPS["Next."]


def test_the_recognizer_hears_the_coachs_next(
    coach: tuple[Timeline, Clip, Clip], recognizer: CommandRecognizer
) -> None:
    """So the next test proves the gate, not a deaf recognizer."""
    assert recognizer.command(at_16k(coach[2])) == "next"


def test_the_coachs_own_next_triggers_nothing(
    coach: tuple[Timeline, Clip, Clip], recognizer: CommandRecognizer
) -> None:
    timeline, audio, _ = coach
    microphone = at_16k(audio)  # the room hears exactly what the coach plays
    _, outcome, listener, heard = play(timeline, audio, microphone, recognizer)
    assert outcome.ended == "finished" and outcome.skipped_ms == 0 and heard == []
    assert listener.ignored >= 1, "the coach's words were heard, and dropped"


def test_a_spoken_next_in_the_silent_hold_goes_to_the_next_step(
    coach: tuple[Timeline, Clip, Clip], recognizer: CommandRecognizer
) -> None:
    timeline, audio, next_clip = coach
    command = at_16k(next_clip)
    microphone = at_16k(audio)
    plan = schedule(timeline, mixer.phrase_lengths(CLIPS, audio.rate), audio.rate)
    hold = next(s for s in plan.slots if isinstance(s.block, Hold))
    said_at = hold.start / audio.rate + 6.0  # seconds: well after the hold's cue, in silence
    first = int(said_at * LISTEN_RATE)
    microphone[first : first + len(command)] += command
    plan, outcome, _, heard = play(timeline, audio, microphone, recognizer)
    steps = build_step_map(plan).steps
    after_hold = next(s for s in steps if s.start >= hold.end)
    jumped = [b for (_, a), (b, _) in zip(outcome.heard, outcome.heard[1:], strict=False) if a != b]
    assert heard == ['Heard "next".']
    assert jumped == [after_hold.start]
    cut = next(end for start, end in outcome.heard if start <= hold.start < end)
    said_end = said_at + len(command) / LISTEN_RATE
    assert said_end < cut / audio.rate < said_end + 0.5, "acted on within half a second of the word's end"


def test_a_session_is_paused_continued_taken_back_and_stopped_by_voice(
    coach: tuple[Timeline, Clip, Clip], recognizer: CommandRecognizer, tmp_path: Path
) -> None:
    """The room hears only the person: "pause, please" 3 s into the hold, "continue" 3 s later, "back" (to the
    start of the hold's step) and "stop" twice (the first only pauses and asks); each said while the coach
    is silent, each acted on."""
    timeline, audio, _ = coach
    words = ["Pause, please.", "Continue.", "Back.", "Stop."]
    said = {text: at_16k(clip) for text, clip in spoken(words, tmp_path).items()}
    plan = schedule(timeline, mixer.phrase_lengths(CLIPS, audio.rate), audio.rate)
    hold = next(s for s in plan.slots if isinstance(s.block, Hold))
    at = hold.start / audio.rate
    times = [("Pause, please.", at + 3.0), ("Continue.", at + 6.0), ("Back.", at + 9.0), ("Stop.", at + 13.0)]
    times.append(("Stop.", at + 16.0))
    microphone = np.zeros(int((at + 18) * LISTEN_RATE), np.int16)
    for text, when in times:
        first = int(when * LISTEN_RATE)
        microphone[first : first + len(said[text])] = said[text]
    _, outcome, _, heard = play(timeline, audio, microphone, recognizer)
    assert heard == [
        'Heard "pause".', 'Heard "continue".', 'Heard "back".',
        'Heard "stop": paused. Say stop again to end.', 'Heard "stop".',
    ]  # fmt: skip
    assert outcome.ended == "quit"
    spans = [(start / audio.rate, end / audio.rate) for start, end in outcome.heard]
    paused_at = next(end for _, end in spans if end > at + 3.0)
    pause_said = (at + 3.0, at + 3.0 + len(said["Pause, please."]) / LISTEN_RATE)
    assert pause_said[0] < paused_at < pause_said[1] + 0.5, "the pause cut the sound at once"
    resumed = spans[[end for _, end in spans].index(paused_at) + 1][0]
    assert resumed == pytest.approx(paused_at, abs=0.01), "continued where it paused, 3 s later"
    step = next(s for s in build_step_map(plan).steps if s.start <= hold.start < s.end)
    assert spans[-1][0] == step.start / audio.rate, "back: the hold's step from its start"
    assert spans[-1][1] < at + 13.0 + len(said["Stop."]) / LISTEN_RATE + 0.5, "the first stop paused at once"


PHRASINGS = {"Okay, next.": "next", "Next, please.": "next", "Go back.": "back",
             "Can you repeat that?": "back", "Let's continue.": "continue", "Pause, please.": "pause",
             "Stop it.": "stop"}  # fmt: skip


def test_natural_phrasings_give_their_command_or_none(recognizer: CommandRecognizer, tmp_path: Path) -> None:
    """Never a wrong command; most phrasings heard (the default voice in a quiet room: the rest is said
    again, and ``scripts/bench_listen.py`` measures how often)."""
    clips = spoken(list(PHRASINGS), tmp_path)
    heard = {said: recognizer.command(in_room(clips[said])) for said in PHRASINGS}
    assert all(heard[said] in (command, None) for said, command in PHRASINGS.items()), heard
    assert sum(heard[said] == command for said, command in PHRASINGS.items()) >= 4, heard


@pytest.mark.parametrize("said", ["Thank you.", "Okay.", "Me too.", "Bus stop."])
def test_short_tv_lines_are_no_command(said: str, recognizer: CommandRecognizer, tmp_path: Path) -> None:
    """The phrase decode alone forces any sound onto a command; the filler decode must agree."""
    assert recognizer.command(in_room(spoken([said], tmp_path)[said])) is None


def test_with_the_wake_word_only_coach_then_a_command_is_one(tmp_path: Path) -> None:
    woken = CommandRecognizer(wake_word=True)
    clips = spoken(["Coach, next.", "Next."], tmp_path)
    assert woken.command(in_room(clips["Coach, next."])) == "next"
    assert woken.command(in_room(clips["Next."])) is None


def in_room(clip: Clip) -> np.ndarray:
    """``clip`` as an utterance reaches the recognizer: with a quarter second of quiet room around it."""
    rng = np.random.default_rng(0)
    speech = at_16k(clip).astype(np.float64)
    audio = np.concatenate([np.zeros(LISTEN_RATE // 4), speech, np.zeros(LISTEN_RATE // 8)])
    return np.clip(audio + rng.normal(0, 30, len(audio)), -32768, 32767).astype(np.int16)


def test_no_input_device_is_one_warning_and_play_goes_on() -> None:
    warnings: list[str] = []
    with voice_commands(True, warnings.append) as listener:
        assert listener is None
    assert len(warnings) == 1 and "\n" not in warnings[0]
    assert warnings[0].startswith("No microphone was found (") and warnings[0].endswith("lists it.")


def test_a_named_input_device_that_does_not_exist_is_a_microphone_error() -> None:
    with pytest.raises(MicrophoneError, match="No microphone was found"):
        Microphone(device="voice-coach-no-such-device")


def test_a_command_the_filler_decode_is_unsure_of_is_not_acted_on() -> None:
    """The filler decode's posterior of the command word must reach that command's threshold; in wake-word
    mode it must also have heard "coach"."""
    unsure, sure = Heard(["next"], [("next", 0.4)]), Heard(["next"], [("next", 0.9)])
    assert (decide(unsure, False, EVERY_WORD), decide(sure, False, EVERY_WORD)) == (None, "next")
    woken = Heard(["coach", "next"], [("coach", 0.5), ("next", 0.9)])
    assert decide(woken, True, WAKE_RULE) == "next"
    assert decide(Heard(["coach", "next"], [("next", 0.9)]), True, WAKE_RULE) is None
    assert decide(Heard(["next"], [("the", 0.9), ("next", 0.9)]), False, EVERY_WORD) is None, (
        "'the next' is talk"
    )
    assert decide(sure, False, RULE) is None, 'by default, without the wake word, only "pause" and "stop"'
    assert decide(Heard(["pause"], [("pause", 0.5)]), False, RULE) == "pause"


def test_in_wake_word_mode_too_a_first_stop_only_asks(tmp_path: Path) -> None:
    """A TV says "coach, stop" too (7 times in 30 minutes of TV-like talk, in one setting): the first pauses
    and asks, a second within 10 s ends."""
    said = at_16k(spoken(["Coach, stop."], tmp_path)["Coach, stop."])
    rng = np.random.default_rng(1)
    room = rng.normal(0, 30, 9 * LISTEN_RATE)
    for at in (1, 5):
        room[at * LISTEN_RATE : at * LISTEN_RATE + len(said)] += said
    clock = FakeClock()
    microphone = np.clip(room, -32768, 32767).astype(np.int16)
    listener = CommandListener(RecordedSource(microphone, clock), CommandRecognizer(wake_word=True))
    heard = []
    while clock.now() < 10:
        clock.sleep(0.05)
        heard += [command] if (command := listener.poll(CoachVoice((), LISTEN_RATE))) else []
    assert heard == ["coach, stop?", "stop"]
    assert voice_action(heard[0]) == ('Heard "coach, stop": paused. Say "coach, stop" again to end.', "pause")


def test_a_listener_that_fell_behind_drops_stale_sound_and_keeps_its_timing(tmp_path: Path) -> None:
    """A minute of sound arrives at once (a slow machine; a device that delivers faster than real time, as
    ALSA's null device does): a "pause" said 20 s ago is stale and dropped; one said just now is heard, and
    still matched to the right clock time, so it is gated while the coach was speaking then."""
    said = at_16k(spoken(["Pause."], tmp_path)["Pause."])
    rng = np.random.default_rng(2)
    room = rng.normal(0, 30, 60 * LISTEN_RATE)
    for at in (40, 58):
        room[at * LISTEN_RATE : at * LISTEN_RATE + len(said)] += said
    microphone = np.clip(room, -32768, 32767).astype(np.int16)
    recognizer = CommandRecognizer(rule=EVERY_WORD)

    def heard(coach: CoachVoice) -> list[str]:
        clock = FakeClock()
        listener = CommandListener(RecordedSource(microphone, clock), recognizer)
        clock.sleep(60)  # all of it captured before the first poll
        found = [command] if (command := listener.poll(coach)) else []
        clock.sleep(0.5)
        return found + ([command] if (command := listener.poll(coach)) else [])

    assert heard(CoachVoice((), LISTEN_RATE)) == ["pause"]
    speaking = CoachVoice(((0, 2 * LISTEN_RATE),), LISTEN_RATE)
    speaking.playing(0, 2 * LISTEN_RATE, at=57.5)  # the coach spoke from 57.5 s to 59.5 s
    assert heard(speaking) == []
