"""The live player, driven by a recording sink, a fake clock and scripted keys; then real simpleaudio."""

from __future__ import annotations

import os
import pty
import termios
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from fakes import FakeClock, RecordingSink, ScriptedKeys

from voice_coach import interrupts
from voice_coach.audio import mixer
from voice_coach.audio.clip import Clip
from voice_coach.compiler.schedule import Schedule, Speech, schedule
from voice_coach.compiler.timeline import Block, Chapter, Cue, Hold, Pause, Rest, Say, Timeline, Tone
from voice_coach.durations import clock as clock_text
from voice_coach.errors import PlaybackError, UsageError
from voice_coach.live.device import SimpleaudioSink, SystemClock, device_error
from voice_coach.live.history import format_entry
from voice_coach.live.keys import KEY_HELP, NoKeys, TerminalKeys, open_keys, strip_escapes
from voice_coach.live.player import Outcome, Player, Rendered, play_session, summarize
from voice_coach.live.resume import StartAt, check_from, resume_point, session_entry
from voice_coach.live.status import format_status
from voice_coach.live.steps import Status, build_step_map, status_at

RATE = 8000
Samples = npt.NDArray[np.int16]


# --- a hand-made session -----------------------------------------------------------------------------

HOLD_CUES = (
    Cue("Breathe.", "start", 3000, 1, "prompt"),
    Cue("Three, two, one.", "end", 0, 5, "countdown"),
)


def sample_timeline() -> Timeline:
    """Two sets of stretch ``a``, a rest, then massage ``b`` on each side."""
    blocks: list[Block] = [Pause(1000, "lead-in"), Chapter("Stretch A", "a"), Say("Stretch A.", "title")]
    for number, text in ((1, "Set 1 of 2."), (2, "Last set.")):
        blocks += [Say(text, "set"), Say("Kneel.", "step"), Pause(2000)]
        blocks += [Tone("start"), Hold(10_000, HOLD_CUES, "a", number, 2), Tone("end")]
        blocks += [Say("Release.", "release"), Pause(1000)]
        if number == 1:
            blocks.append(
                Rest(5000, (Cue("Rest.", "start", 0, 4, "rest"), Cue("Get ready.", "end", 0, 5, "ready")))
            )
    ready = Cue("Get ready.", "end", 0, 5, "ready")
    blocks += [Rest(6000, (Cue("Next up: Massage B.", "start", 0, 4, "next"), ready), "between")]
    blocks += [Chapter("Massage B", "b"), Say("Massage B.", "title")]
    for side, text in (("right", "Start with the right side."), ("left", "Now the other side.")):
        blocks += [Chapter(f"Massage B, {side} side", "b", side), Say(text, "side")]
        blocks += [Tone("start"), Hold(8000, HOLD_CUES, "b", 1, 1, side), Tone("end")]
    blocks.append(Say("Well done.", "outro"))
    return Timeline("test", "Test session", tuple(blocks))


def phrase_length(text: str) -> int:
    return len(text) * RATE // 20  # 50 ms a character


def render(plan_of: Schedule) -> Clip:
    """A stand-in for the mixer: numpy tones where speech and chimes are, over a seeded noise floor."""
    samples = np.random.default_rng(0).integers(-40, 40, plan_of.total).astype(np.int16)
    places = [(s.start, s.length) for s in plan_of.speech()]
    places += [(s.start, s.length) for s in plan_of.slots if isinstance(s.block, Tone)]
    for number, (start, length) in enumerate(places):
        t = np.arange(length) / RATE
        samples[start : start + length] = (np.sin(2 * np.pi * (300 + 40 * number) * t) * 8000).astype(
            np.int16
        )
    return Clip(samples, RATE)


@pytest.fixture
def session() -> Schedule:
    return schedule(sample_timeline(), phrase_length, RATE)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def run(
    sched: Schedule, clock: FakeClock, script: list[tuple[float, str]] | None = None
) -> tuple[Outcome, RecordingSink, list[tuple[float, Status]]]:
    """Play ``sched`` with keys pressed at given fake times: the outcome, the sink, every status shown."""
    sink = RecordingSink(clock)
    statuses: list[tuple[float, Status]] = []
    player = Player(
        Rendered(sched, render(sched)),
        sink,
        clock=clock,
        keys=ScriptedKeys(clock, script or []),
        on_status=lambda status: statuses.append((clock.now(), status)),
    )
    return player.play(), sink, statuses


def slot_of(sched: Schedule, block_type: type, nth: int = 0) -> int:
    """Start (samples) of the ``nth`` slot holding a block of ``block_type``."""
    return [s.start for s in sched.slots if isinstance(s.block, block_type)][nth]


def say_start(sched: Schedule, text: str, nth: int = 0) -> int:
    return [s.start for s in sched.slots if isinstance(s.block, Say) and s.block.text == text][nth]


def cue(sched: Schedule, text: str, nth: int = 0) -> Speech:
    return [s for s in sched.speech() if s.text == text and s.role != "title"][nth]


def starts(outcome: Outcome) -> list[int]:
    return [start for start, _ in outcome.heard]


def jumps(outcome: Outcome) -> list[int]:
    """Where playback went on from somewhere other than where it stopped: the targets of navigation."""
    return [b for (_, a), (b, _) in zip(outcome.heard, outcome.heard[1:], strict=False) if a != b]


def seconds(sched: Schedule, position: int) -> float:
    return position / sched.rate


# --- steps -------------------------------------------------------------------------------------------


def test_steps_follow_the_documented_rule(session: Schedule) -> None:
    plan = build_step_map(session)
    labels = [step.text for step in plan.steps]
    assert labels == [
        "",  # the lead-in
        "Stretch A.",
        "Set 1 of 2.",
        "Kneel.",
        "Hold",
        "Release.",
        "Rest.",
        "Last set.",
        "Kneel.",
        "Hold",
        "Release.",
        "Rest. Next up: Massage B.",
        "Massage B.",
        "Start with the right side.",
        "Hold",
        "Now the other side.",
        "Hold",
        "Well done.",
    ]
    assert [s.start for s in plan.steps[1:]] == [s.end for s in plan.steps[:-1]]
    assert (plan.steps[0].start, plan.steps[-1].end) == (0, session.total)


def test_a_hold_step_is_its_chimes_and_the_hold(session: Schedule) -> None:
    hold = next(s for s in build_step_map(session).steps if s.text == "Hold")
    assert hold.start == slot_of(session, Tone, 0)
    assert hold.end == slot_of(session, Tone, 1) + Tone("end").ms * RATE // 1000
    assert (hold.set, hold.sets) == (1, 2)


def test_every_step_of_a_set_shows_that_set(session: Schedule) -> None:
    steps = build_step_map(session).steps
    sets = [(s.text, s.set) for s in steps if s.routine == "Stretch A"]
    assert sets == [
        ("Stretch A.", 1),
        ("Set 1 of 2.", 1),
        ("Kneel.", 1),
        ("Hold", 1),
        ("Release.", 1),
        ("Rest.", None),
        ("Last set.", 2),
        ("Kneel.", 2),
        ("Hold", 2),
        ("Release.", 2),
        ("Rest. Next up: Massage B.", None),
    ]
    massage = [(s.text, s.side, s.set) for s in steps if s.routine == "Massage B"]
    assert massage[0] == ("Massage B.", None, None)
    assert massage[1:3] == [("Start with the right side.", "right", 1), ("Hold", "right", 1)]


# --- straight play-through ---------------------------------------------------------------------------


def test_play_through_hands_the_sink_the_render_sample_for_sample(
    session: Schedule, clock: FakeClock
) -> None:
    outcome, sink, _ = run(session, clock)
    played = np.concatenate([r.samples for r in sink.records])
    assert np.array_equal(played, render(session).samples)
    assert outcome.ended == "finished"
    assert outcome.position == session.total
    assert starts(outcome) == [s.start for s in build_step_map(session).steps]
    assert all(r.rate == RATE and r.stopped is None for r in sink.records)


def test_play_through_equals_the_mixers_render(clock: FakeClock) -> None:
    """The exported mix, made by the real mixer from numpy-tone phrases, reaches the sink unchanged."""
    timeline = sample_timeline()
    clips = {text: tone_clip(400 + 30 * n, phrase_length(text)) for n, text in enumerate(timeline.phrases())}
    sched = schedule(timeline, mixer.phrase_lengths(clips, RATE), RATE)
    mixed = mixer.mix(sched, clips).clip()
    sink = RecordingSink(clock)
    outcome = Player(Rendered(sched, mixed), sink, clock=clock).play()
    assert outcome.ended == "finished"
    assert np.array_equal(np.concatenate([r.samples for r in sink.records]), mixed.samples)


def tone_clip(frequency: float, length: int) -> Clip:
    t = np.arange(length) / RATE
    return Clip((np.sin(2 * np.pi * frequency * t) * 12000).astype(np.int16), RATE)


def test_buffers_never_split_speech(session: Schedule, clock: FakeClock) -> None:
    outcome, _, _ = run(session, clock)
    for speech in session.speech():
        assert any(start <= speech.start and speech.end <= end for start, end in outcome.heard), speech.text


def test_thirty_minutes_on_a_slow_device_do_not_drift(clock: FakeClock) -> None:
    """The device runs 0.5 % slow and opens 30 ms late each time: position still resyncs on every buffer."""
    blocks: list[Block] = [Chapter("Long", "long")]
    for number in range(1, 31):
        blocks += [Say(f"Set {number}.", "set"), Tone("start"), Hold(51_000, HOLD_CUES, "long", number, 30)]
        blocks += [Tone("end"), Rest(8000, (Cue("Rest.", "start", 0, 4, "rest"),))]
    sched = schedule(Timeline("long", "Long", tuple(blocks)), lambda text: len(text) * 50, 1000)
    assert sched.total > 30 * 60 * 1000
    sink = RecordingSink(clock, slowness=1.005, latency=0.03)
    shown: list[tuple[float, Status]] = []
    outcome = Player(
        Rendered(sched, render_at(sched)),
        sink,
        clock=clock,
        on_status=lambda s: shown.append((clock.now(), s)),
        tick=0.2,
    ).play()
    assert np.array_equal(np.concatenate([r.samples for r in sink.records]), render_at(sched).samples)
    assert outcome.position == sched.total
    assert clock.now() > sched.total / 1000 + 9  # the device really was slower than the schedule
    last_hold = build_step_map(sched).steps[-2]
    at_start = next(s for t, s in shown if t >= sink.records[-2].started)
    assert at_start.step == "Hold" and at_start.set == 30
    assert at_start.countdown == 51
    assert at_start.elapsed == last_hold.start // 1000


def render_at(sched: Schedule) -> Clip:
    return Clip(np.random.default_rng(1).integers(-99, 99, sched.total).astype(np.int16), sched.rate)


# --- controls ----------------------------------------------------------------------------------------


def test_pause_mid_cue_resumes_from_the_cue_start(session: Schedule, clock: FakeClock) -> None:
    breathe = cue(session, "Breathe.")
    pause_at = seconds(session, breathe.start + breathe.length // 2)
    outcome, sink, shown = run(session, clock, [(pause_at, " "), (pause_at + 3, " ")])
    hold_start = slot_of(session, Tone, 0)
    index = starts(outcome).index(hold_start)
    cut_at = outcome.heard[index][1]
    assert breathe.start < cut_at < breathe.end
    assert sink.records[index].stopped is not None
    resumed = outcome.heard[index + 1]
    assert resumed[0] == breathe.start
    assert sink.records[index + 1].started >= pause_at + 3
    assert np.array_equal(sink.records[index + 1].samples, render(session).samples[resumed[0] : resumed[1]])
    assert any(status.paused for _, status in shown)
    assert outcome.ended == "finished"


def test_pause_in_silence_resumes_where_it_stopped(session: Schedule, clock: FakeClock) -> None:
    breathe = cue(session, "Breathe.")
    pause_at = seconds(session, breathe.end) + 1.0  # in the hold's silence
    outcome, _, shown = run(session, clock, [(pause_at, " "), (pause_at + 10, " ")])
    index = starts(outcome).index(slot_of(session, Tone, 0))
    cut_at = outcome.heard[index][1]
    assert outcome.heard[index + 1][0] == cut_at
    paused = [status for _, status in shown if status.paused]
    assert paused and paused[0].step == "Hold" and paused[0].countdown is not None


def test_next_goes_to_the_next_step(session: Schedule, clock: FakeClock) -> None:
    kneel = say_start(session, "Kneel.")
    outcome, _, _ = run(session, clock, [(seconds(session, kneel) + 0.5, "n")])
    assert jumps(outcome) == [slot_of(session, Tone, 0)]


def test_back_goes_to_the_step_start_and_twice_to_the_step_before(
    session: Schedule, clock: FakeClock
) -> None:
    hold = slot_of(session, Tone, 0)
    t = seconds(session, hold) + 5
    outcome, _, _ = run(session, clock, [(t, "b"), (t + 1, "b")])
    assert jumps(outcome) == [hold, say_start(session, "Kneel.")]


def test_back_twice_slowly_restarts_the_same_step(session: Schedule, clock: FakeClock) -> None:
    hold = slot_of(session, Tone, 0)
    t = seconds(session, hold) + 5
    outcome, _, _ = run(session, clock, [(t, "b"), (t + 3, "b")])
    assert jumps(outcome) == [hold, hold]


def test_next_chapter_from_the_lead_in_and_from_a_routine_title(session: Schedule, clock: FakeClock) -> None:
    outcome, _, _ = run(session, clock, [(0.5, "]")])
    assert jumps(outcome) == [say_start(session, "Stretch A.")]
    massage = say_start(session, "Massage B.")
    outcome, _, _ = run(session, FakeClock(), [(seconds(session, massage) + 0.2, "]")])
    assert jumps(outcome) == [say_start(session, "Start with the right side.")]


def test_next_chapter_in_the_last_one_ends_the_session(session: Schedule, clock: FakeClock) -> None:
    left = say_start(session, "Now the other side.")
    outcome, sink, _ = run(session, clock, [(seconds(session, left) + 2, "]")])
    assert (outcome.ended, outcome.position) == ("finished", session.total)
    assert sink.records[-1].stopped is not None


def test_back_chapter_restarts_it_and_twice_goes_to_the_one_before(
    session: Schedule, clock: FakeClock
) -> None:
    left = say_start(session, "Now the other side.")
    right = say_start(session, "Start with the right side.")
    t = seconds(session, left) + 3
    outcome, _, _ = run(session, clock, [(t, "[")])
    assert jumps(outcome) == [left]
    outcome, _, _ = run(session, FakeClock(), [(t, "["), (t + 0.5, "[")])
    assert jumps(outcome) == [left, right]


def test_moving_while_paused_stays_paused(session: Schedule, clock: FakeClock) -> None:
    kneel = say_start(session, "Kneel.")
    t = seconds(session, kneel) + 0.1
    outcome, sink, _ = run(session, clock, [(t, " "), (t + 1, "n"), (t + 5, " ")])
    assert jumps(outcome) == [slot_of(session, Tone, 0)]
    index = starts(outcome).index(slot_of(session, Tone, 0))
    assert sink.records[index].started >= t + 5


def test_quit_stops_the_sound_where_it_is(session: Schedule, clock: FakeClock) -> None:
    outcome, sink, _ = run(session, clock, [(7.0, "q")])
    assert outcome.ended == "quit"
    assert sink.records[-1].stopped is not None
    assert 7.0 * RATE - RATE < outcome.position <= 7.1 * RATE
    assert outcome.heard[-1][1] == outcome.position


def test_ctrl_c_stops_cleanly(session: Schedule, clock: FakeClock) -> None:
    class Interrupting:
        def poll(self) -> str | None:
            if clock.now() > 4.0:
                raise KeyboardInterrupt
            return None

    sink = RecordingSink(clock)
    outcome = Player(Rendered(session, render(session)), sink, clock=clock, keys=Interrupting()).play()
    assert outcome.ended == "interrupted"
    assert sink.records[-1].stopped is not None
    assert 0 < outcome.position < session.total


def test_a_ctrl_c_that_python_dropped_still_stops_the_session(
    session: Schedule, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    class DroppedAtFour:
        """As if a Ctrl-C at 4 s had landed in a weakref callback: only ``interrupts`` remembers it."""

        def poll(self) -> str | None:
            if clock.now() > 4.0 and not dropped:
                dropped.append(KeyboardInterrupt())
            return None

    dropped: list[BaseException] = []
    monkeypatch.setattr(interrupts, "_pending", dropped)
    sink = RecordingSink(clock)
    outcome = Player(Rendered(session, render(session)), sink, clock=clock, keys=DroppedAtFour()).play()
    assert outcome.ended == "interrupted"
    assert 4.0 * RATE < outcome.position < 4.2 * RATE and sink.records[-1].stopped is not None
    assert dropped == []  # raised again, once


def test_unknown_keys_are_ignored(session: Schedule, clock: FakeClock) -> None:
    outcome, sink, _ = run(session, clock, [(1.0, "x"), (2.0, "\n")])
    assert outcome.ended == "finished"
    assert np.array_equal(np.concatenate([r.samples for r in sink.records]), render(session).samples)


def test_audio_at_another_rate_is_refused(session: Schedule, clock: FakeClock) -> None:
    with pytest.raises(ValueError, match="22050"):
        Player(Rendered(session, Clip(np.zeros(10, np.int16), 22050)), RecordingSink(clock))


# --- status ------------------------------------------------------------------------------------------


def test_status_during_play_shows_step_set_side_and_countdown(session: Schedule, clock: FakeClock) -> None:
    _, _, shown = run(session, clock)

    def at(t: float) -> Status:
        return [status for when, status in shown if when <= t][-1]

    hold = slot_of(session, Hold, 0)
    status = at(seconds(session, hold) + 4.5)
    assert (status.routine, status.step, status.set, status.sets, status.side) == (
        "Stretch A",
        "Hold",
        1,
        2,
        None,
    )
    assert status.countdown == 6
    rest = at(seconds(session, slot_of(session, Rest, 0)) + 1.5)
    assert (rest.step, rest.countdown, rest.set) == ("Rest.", 4, None)
    massage = at(seconds(session, slot_of(session, Hold, 3)) + 2.5)
    assert (massage.routine, massage.side, massage.countdown) == ("Massage B", "left", 6)
    assert shown[-1][1].remaining <= 1


def test_status_at_positions(session: Schedule) -> None:
    plan = build_step_map(session)
    kneel = say_start(session, "Kneel.", 1)
    status = status_at(plan, kneel + RATE // 2)
    assert (status.step, status.set, status.sets, status.countdown) == ("Kneel.", 2, 2, None)
    total = session.total
    assert (status.elapsed, status.remaining) == (
        (kneel + RATE // 2) // RATE,
        -(-(total - kneel - RATE // 2) // RATE),
    )
    chime = status_at(plan, slot_of(session, Tone, 0))
    assert chime.countdown == 10  # the start chime already shows the full hold
    assert status_at(plan, 0).fraction == 0.0
    assert status_at(plan, total).fraction == 1.0


def test_format_status() -> None:
    status = Status("Kneeling twist stretch", "Hold", 2, 3, "right", 23, 400, 725)
    assert format_status(status, 200) == (
        "Kneeling twist stretch (right) | set 2 of 3 | Hold 23s | [####------] 12:05 left"
    )
    paused = Status("Massage", "Hold", 1, 1, None, 150, 0, 60, paused=True)
    assert format_status(paused, 200) == "Paused | Massage | Hold 2:30 | [----------] 01:00 left"


def test_an_empty_session_has_one_empty_step(clock: FakeClock) -> None:
    empty = schedule(Timeline("empty", "Empty", ()), phrase_length, RATE)
    assert status_at(build_step_map(empty), 0).routine == "Empty"
    outcome = Player(
        Rendered(empty, Clip(np.zeros(0, np.int16), RATE)), RecordingSink(clock), clock=clock
    ).play()
    assert (outcome.ended, outcome.heard) == ("finished", ())


# --- summary -----------------------------------------------------------------------------------------


def test_summary_counts_routines_by_kind_and_massage_by_side(session: Schedule, clock: FakeClock) -> None:
    outcome, _, _ = run(session, clock)
    kinds = {"a": "stretch", "b": "massage"}
    minutes = round(session.total / RATE / 60)
    assert summarize(session, outcome, kinds) == f"Test session: {minutes} min, 1 stretch, 2 massage sides"
    assert summarize(session, session.total) == f"Test session: {minutes} min, 1 routine, 2 routine sides"


def test_summary_counts_only_holds_heard_to_their_end(session: Schedule) -> None:
    end = next(s.end for s in session.slots if isinstance(s.block, Hold))
    heard = f"Test session: {end // RATE} s"
    assert summarize(session, end - 1, {"a": "stretch"}) == heard
    assert summarize(session, end, {"a": "stretch"}) == heard + ", 1 stretch"
    assert summarize(session, 0) == "Test session: 0 s"


def test_summary_counts_agree_with_their_number(session: Schedule) -> None:
    kinds = {"a": "stretch", "b": "massage"}
    first_side = next(s.end for s in session.slots if isinstance(s.block, Hold) and s.block.routine_id == "b")
    assert summarize(session, first_side, kinds).endswith(", 1 stretch, 1 massage side")
    assert summarize(session, session.total, kinds).endswith(", 1 stretch, 2 massage sides")
    both = {"a": "stretch", "b": "stretch"}
    assert summarize(session, first_side, both).endswith(", 1 stretch, 1 stretch side")
    assert summarize(session, session.total, both).endswith(", 1 stretch, 2 stretch sides")


def test_summary_of_a_skipping_session_counts_time_heard(session: Schedule, clock: FakeClock) -> None:
    # Skip to stretch A, then at once to massage B, then (0.4 s into its title) to its right side.
    outcome, _, _ = run(session, clock, [(0.5, "]"), (2.0, "]"), (2.4, "]")])
    assert jumps(outcome) == [
        8000,
        say_start(session, "Massage B."),
        say_start(session, "Start with the right side."),
    ]
    assert outcome.heard_ms < session.total * 1000 // RATE
    expected = f"Test session: {outcome.heard_ms // 1000} s, 2 massage sides"
    assert summarize(session, outcome, {"a": "stretch", "b": "massage"}) == expected


# --- keys --------------------------------------------------------------------------------------------


def test_escape_sequences_are_dropped_whole() -> None:
    assert strip_escapes("n\x1b[A \x1b[1;5C]\x1bOPq\x1b") == "n ]q"


def test_terminal_keys_from_a_pty_and_the_terminal_is_restored() -> None:
    master, slave = pty.openpty()
    with os.fdopen(slave, "r", closefd=True) as stream:
        before = termios.tcgetattr(slave)
        with pytest.raises(KeyboardInterrupt), open_keys(stream) as keys:
            assert isinstance(keys, TerminalKeys)
            assert termios.tcgetattr(slave)[3] & termios.ICANON == 0
            assert keys.poll() is None
            os.write(master, b"n\x1b[D[ ")
            assert [keys.poll() for _ in range(4)] == ["n", "[", " ", None]
            raise KeyboardInterrupt
        assert termios.tcgetattr(slave) == before
    os.close(master)


def test_a_pipe_gives_no_keys(tmp_path: Path) -> None:
    with (tmp_path / "in.txt").open("w+") as stream, open_keys(stream) as keys:
        assert isinstance(keys, NoKeys)
        assert keys.poll() is None


# --- the real simpleaudio library, into ALSA -----------------------------------------------------------


def alsa_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    """Point ALSA (and so simpleaudio) at a configuration of our own, whatever the machine has."""
    path = tmp_path / "asound.conf"
    path.write_text(text + "\n")
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(path))


def test_simpleaudio_plays_into_the_alsa_null_device(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    alsa_config(tmp_path, monkeypatch, "pcm.!default { type null }")
    tone = (np.sin(np.arange(RATE // 4) * 0.1) * 3000).astype(np.int16)
    playing = SimpleaudioSink().start(tone, RATE)
    clock = SystemClock()
    deadline = clock.now() + 5
    while playing.is_playing() and clock.now() < deadline:
        clock.sleep(0.01)
    assert not playing.is_playing()


def test_a_whole_session_through_simpleaudio(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    alsa_config(tmp_path, monkeypatch, "pcm.!default { type null }")
    short = Timeline(
        "short", "Short", (Chapter("Short", "s"), Say("Go.", "step"), Pause(200), Say("Done.", "outro"))
    )
    sched = schedule(short, phrase_length, RATE)
    outcome = play_session(Rendered(sched, render(sched)), keys=NoKeys())
    assert (outcome.ended, outcome.position) == ("finished", sched.total)
    assert capfd.readouterr().err == ""


def test_no_audio_device_is_a_clear_error_without_alsa_noise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    # Includes the system configuration, as a real machine would, with a default that names no card.
    system = "</usr/share/alsa/alsa.conf>\n" if Path("/usr/share/alsa/alsa.conf").exists() else ""
    alsa_config(tmp_path, monkeypatch, system + 'pcm.!default { type plug slave.pcm "hw:voicecoachnone" }')
    with pytest.raises(PlaybackError) as raised:
        SimpleaudioSink().check(RATE)
    message = str(raised.value)
    assert message.startswith("No audio output was found (")
    assert "aplay -l" in message and "voice-coach export" in message
    assert capfd.readouterr().err == ""


def test_the_player_raises_the_device_error_before_any_sound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, session: Schedule
) -> None:
    alsa_config(tmp_path, monkeypatch, 'pcm.!default { type hw card "voicecoachnone" }')
    with pytest.raises(PlaybackError, match="No audio output"):
        play_session(Rendered(session, render(session)), keys=NoKeys())


def test_a_busy_device_says_so() -> None:
    busy = device_error(Exception("Error opening PCM device. -- CODE: -16 -- MSG: Device or resource busy"))
    assert str(busy) == (
        "The audio output is busy (Error opening PCM device. CODE: -16 MSG: Device or resource busy). "
        "Close the program using it and retry."
    )


def test_the_device_check_passes_on_the_null_device(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    alsa_config(tmp_path, monkeypatch, "pcm.!default { type null }")
    SimpleaudioSink().check()


# --- key help, skipped parts, resume, --from ---------------------------------------------------------


def test_question_mark_shows_the_keys_without_disturbing_the_session(
    session: Schedule, clock: FakeClock
) -> None:
    notices: list[str] = []
    sink = RecordingSink(clock)
    keys = ScriptedKeys(clock, [(3.0, "?")])
    outcome = Player(
        Rendered(session, render(session)), sink, clock=clock, keys=keys, on_notice=notices.append
    ).play()
    assert notices == [KEY_HELP]
    assert "space pause/resume" in KEY_HELP and "? keys" in KEY_HELP and "q quit" in KEY_HELP
    assert outcome.ended == "finished" and outcome.skipped_ms == 0


def test_next_chapter_on_the_last_side_records_the_rest_as_skipped(
    session: Schedule, clock: FakeClock
) -> None:
    left = say_start(session, "Now the other side.")
    outcome, _, _ = run(session, clock, [(seconds(session, left) + 2, "]")])
    assert outcome.ended == "finished"
    assert outcome.skipped_ms == (session.total - left - 2 * RATE) * 1000 // RATE
    entry = session_entry(session, outcome, {})
    assert not entry.completed and entry.total_ms == session.total * 1000 // RATE
    assert format_entry(entry).endswith(f"partial: {clock_text(entry.skipped_ms)} skipped")


def test_a_played_through_session_is_completed(session: Schedule, clock: FakeClock) -> None:
    outcome, _, _ = run(session, clock, [(3.0, " "), (5.0, " ")])
    entry = session_entry(session, outcome, {"hold": "10s"})
    assert entry.completed and entry.skipped_ms == 0 and entry.ended == "finished"


def test_a_quit_session_resumes_at_the_step_where_it_stopped(session: Schedule, clock: FakeClock) -> None:
    hold = slot_of(session, Tone, 2)  # the second set's chime: a step of stretch A
    outcome, _, _ = run(session, clock, [(seconds(session, hold) + 3, "q")])
    entry = session_entry(session, outcome, {})
    assert (entry.ended, entry.stopped_routine) == ("quit", "a")
    assert format_entry(entry).endswith(f"partial: stopped at {clock_text(entry.stopped_ms)}")
    start = resume_point(session.timeline, [entry])
    assert start is not None
    other = FakeClock()
    resumed = play_session(
        Rendered(session, render(session)), sink=RecordingSink(other), clock=other, start=start
    )
    assert resumed.start == hold == resumed.heard[0][0]
    assert resumed.ended == "finished" and resumed.skipped_ms == 0
    done = session_entry(session, resumed, {})
    assert resume_point(session.timeline, [entry, done]) is None, "finished since: nothing to resume"


def test_a_resumed_step_that_moved_to_another_routine_starts_that_routine(session: Schedule) -> None:
    """Other settings (fewer sets) renumber the steps: the routine it stopped in is still right."""
    plan = build_step_map(session)
    last_step_of_a = max(i for i, s in enumerate(plan.steps) if s.routine == "Stretch A")
    wrong = StartAt("b", last_step_of_a)
    assert wrong.resolve(plan, finished=True) == say_start(session, "Massage B.")
    assert StartAt("b", 10_000).resolve(plan, finished=True) == say_start(session, "Massage B.")


def test_from_a_routine_starts_at_it_and_an_unknown_one_lists_them(session: Schedule) -> None:
    timeline = Timeline("test", "Test session", session.timeline.blocks, routine_ids=("a", "b"))
    start = check_from(timeline, "b")
    other = FakeClock()
    outcome = play_session(
        Rendered(session, render(session)), sink=RecordingSink(other), clock=other, start=start
    )
    assert outcome.heard[0][0] == say_start(session, "Massage B.")
    with pytest.raises(UsageError) as raised:
        check_from(timeline, "c")
    assert (
        raised.value.worded(lambda name: "--" + name)
        == "--from c: test has no such routine; its routines: a, b"
    )


# --- a streamed start ----------------------------------------------------------------------------------


def test_the_lead_in_plays_while_the_first_phrase_is_still_being_spoken(clock: FakeClock) -> None:
    """The first phrase is ready only 1.5 s after the start: the 1 s lead-in (silence whatever follows)
    is on the device at once, the phrase follows when ready, and the sound is what a finished mix gives."""
    blocks = (Pause(1000, "lead-in"), Chapter("A", "a"), Say("Reach up.", "step"), Say("Done.", "outro"))
    timeline = Timeline("t", "T", blocks)
    tone = (8000 * np.sin(np.arange(RATE) * 2 * np.pi * 300 / RATE)).astype(np.int16)
    clips = {"Reach up.": Clip(tone, RATE), "Done.": Clip(tone[: RATE // 2], RATE)}
    sink = RecordingSink(clock)
    streamed = mixer.Mix(timeline, clips.__getitem__, RATE)
    outcome = Player(streamed, sink, clock=clock, ready=lambda text: clock.now() >= 1.5).play()
    first, second = sink.records[:2]
    assert first.started == 0.0 and len(first.samples) == RATE and not first.samples.any()
    assert 1.5 <= second.started < 1.6, "the phrase as soon as it is there"
    played = np.concatenate([record.samples for record in sink.records])
    assert np.array_equal(played, mixer.Mix(timeline, clips.__getitem__, RATE).samples(0, outcome.position))
    assert outcome.ended == "finished" and outcome.skipped_ms == 0


def test_a_lead_in_under_music_waits_for_the_mix(clock: FakeClock, tmp_path: Path) -> None:
    """With a music bed the lead-in is not silent: nothing is played before the first phrase is there."""
    blocks = (Pause(1000, "lead-in"), Chapter("A", "a"), Say("Reach up.", "step"))
    tone = (8000 * np.sin(np.arange(RATE) * 2 * np.pi * 300 / RATE)).astype(np.int16)
    music = Clip((3000 * np.sin(np.arange(4 * RATE) * 2 * np.pi * 220 / RATE)).astype(np.int16), RATE)
    streamed = mixer.Mix(
        Timeline("t", "T", blocks), {"Reach up.": Clip(tone, RATE)}.__getitem__, RATE, music=music
    )
    sink = RecordingSink(clock)
    Player(streamed, sink, clock=clock, ready=lambda text: clock.now() >= 1.5).play()
    assert sink.records[0].started >= 1.5 and sink.records[0].samples.any()
