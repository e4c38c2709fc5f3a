"""``]`` and ``[`` land exactly where the schedule marks a chapter (where ``show`` prints it), with the real
player, real synthesis into a cold phrase cache (so a target is often not synthesized yet when the key is
pressed), an injected clock and a recording sink; and history's total is the whole session's."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from audio_cli_helpers import REACH, write_session
from fakes import FakeClock, RecordingSink

import voice_coach as vc
from voice_coach.compiler.schedule import Schedule
from voice_coach.live.resume import session_entry
from voice_coach.live.steps import Status

TWIST = """id = "twist"
title = "Twist"
kind = "stretch"
setup = ["Kneel, and twist to the {side}."]
release = "Come back to the middle."
hold = "25s"
sets = 3
rest = "10s"
sides = ["right", "left"]
"""


class ChapterWalker:
    """Keys pressed at random points of every chapter: ``[`` (back to its start), then ``]`` (on to the
    next). It reads where playback is from the status line (whole seconds), as a person reads the screen;
    ``lengths``: each chapter's estimated length in seconds, to keep the presses inside it."""

    def __init__(self, seed: int, lengths: list[float]) -> None:
        self.rng, self.lengths = random.Random(seed), lengths
        self.chapter, self.started = 0, 0
        self.elapsed, self.waiting, self.back_seen = 0, False, False
        self.step = "["
        self.at = self._point()

    def _point(self) -> int:
        """A second of the current chapter to press at: past its first 3 s, in its first 60%."""
        if self.chapter >= len(self.lengths):
            return 1 << 30  # past the last chapter: nothing more to press
        return self.started + self.rng.randint(3, max(3, int(self.lengths[self.chapter] * 0.6)))

    def status(self, status: Status) -> None:
        self.elapsed, self.waiting = status.elapsed, status.waiting
        if self.step == "]" and self.elapsed <= self.started + 1:
            self.back_seen = True  # ``[`` went back to the chapter's start
        if self.step == "landing" and not self.waiting and self.elapsed > self.at + 1:
            self.chapter, self.started, self.step = self.chapter + 1, self.elapsed, "["
            self.at = self._point()

    def poll(self) -> str | None:
        if self.waiting or self.chapter >= len(self.lengths) or self.elapsed < self.at:
            return None
        if self.step == "[":
            self.step, self.back_seen, self.at = "]", False, self._point()
            return "["
        if self.step == "]" and self.back_seen:
            self.step = "landing"
            return "]"
        return None


def chapter_starts(plan: Schedule) -> list[int]:
    return sorted({chapter.start for chapter in plan.chapters()})


def jumps(outcome: vc.Outcome) -> list[tuple[int, int]]:
    """(where it was, where it went on) for every move to somewhere other than where it stopped."""
    heard = outcome.heard
    return [(a, b) for (_, a), (b, _) in itertools.pairwise(heard) if a != b]


def own_session(folder: Path) -> Path:
    """A short stretch, then one held on each side for longer than the player places ahead (60 s)."""
    path = write_session(folder, REACH)
    (folder / "twist.toml").write_text(TWIST, encoding="utf-8")
    text = path.read_text(encoding="utf-8").replace('["./reach.toml"]', '["./reach.toml", "./twist.toml"]')
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("target", ["spi", "own"])
def test_chapter_keys_land_on_the_chapter_marks_from_anywhere_in_every_chapter(
    target: str, tmp_path: Path
) -> None:
    timeline = vc.compile(own_session(tmp_path) if target == "own" else target)
    guessed = vc.estimate(timeline).schedule  # the cache is cold: lengths guessed, nothing synthesized
    assert not vc.estimate(timeline).exact
    lengths = [(c.end - c.start) / guessed.rate for c in guessed.chapters()]
    clock = FakeClock()
    walker = ChapterWalker(sum(map(ord, target)), lengths)
    played = vc.play(timeline, sink=RecordingSink(clock), clock=clock, keys=walker, on_status=walker.status)

    marks = chapter_starts(played.schedule)
    assert marks == chapter_starts(vc.estimate(timeline).schedule), "the marks show prints, now exact"
    assert vc.estimate(timeline).exact
    outcome = played.outcome
    assert (outcome.ended, outcome.position) == ("finished", played.schedule.total)
    moves = jumps(outcome)
    assert len(moves) == 2 * len(marks) - 1, moves
    for index, start in enumerate(marks):
        end = marks[index + 1] if index + 1 < len(marks) else played.schedule.total
        pressed, landed = moves[2 * index]
        assert start < pressed < end and landed == start, f"[ in chapter {index}"
        if index + 1 < len(marks):
            pressed, landed = moves[2 * index + 1]
            assert start < pressed < end and landed == end, f"] in chapter {index}"


@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_history_total_is_the_whole_sessions_for_a_partial_session(cache: str, tmp_path: Path) -> None:
    timeline = vc.compile(own_session(tmp_path))
    if cache == "warm":
        vc.synthesize(timeline)
    clock = FakeClock()
    keys = QuitAt(9)
    played = vc.play(timeline, sink=RecordingSink(clock), clock=clock, keys=keys, on_status=keys.status)
    entry = session_entry(played.schedule, played.outcome, {}, played.total_ms, played.total_estimated)
    whole = vc.estimate(timeline)
    if cache == "warm" or not entry.total_estimated:
        assert whole.exact and entry.total_ms == whole.schedule.ms(whole.schedule.total)
    else:  # stopped before every phrase was spoken: an estimate, marked as one
        assert abs(entry.total_ms - whole.schedule.ms(whole.schedule.total)) < 0.2 * entry.total_ms
    assert entry.ended == "quit" and 9000 <= entry.stopped_ms < 10_000 < entry.total_ms


class QuitAt:
    """``q`` once the status line shows ``seconds`` played."""

    def __init__(self, seconds: int) -> None:
        self.seconds, self.elapsed = seconds, 0

    def status(self, status: Status) -> None:
        self.elapsed = status.elapsed

    def poll(self) -> str | None:
        return "q" if self.elapsed >= self.seconds else None


def test_from_a_routine_not_spoken_yet_starts_exactly_at_its_mark(tmp_path: Path) -> None:
    """``--from``: the player waits for the phrases before the routine (not for the whole session)."""
    timeline = vc.compile(own_session(tmp_path))
    clock = FakeClock()
    keys = QuitAt(40)
    start = vc.start_point(timeline, routine="twist")
    played = vc.play(
        timeline, sink=RecordingSink(clock), clock=clock, keys=keys, on_status=keys.status, start=start
    )
    mark = vc.synthesize(timeline).schedule
    twist = next(c.start for c in mark.chapters() if c.routine_id == "twist")
    assert played.outcome.start == played.outcome.heard[0][0] == twist
    assert played.outcome.ended == "quit" and played.outcome.skipped_ms == 0
