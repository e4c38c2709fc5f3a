"""Where a live session is, as a value: the player's state and its transitions, with no device or clock.

``Playback`` holds the position, whether it is paused, the buffer sounding on the device, a jump waiting
for the schedule to reach its target, what was heard, and when ``b`` and ``[`` were last pressed. Every
transition is a pure function of a state, the map of steps placed so far and the time the caller read
from its clock, so the rules below are tested without threads, clocks or devices; ``player.py`` only
feeds it the device's news and the commands, and does what the new state says.

A jump lands exactly where the finished schedule puts its target (where ``show`` prints it). ``]`` or
``n`` whose target is not placed yet (its phrases are still being synthesized) becomes a ``Jump`` that
waits: nothing sounds, the status says it is waiting for the voice, and the jump lands once the map of
steps reaches the target. A start (``--from``, ``--resume``) is such a jump from the first tick.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from typing import Literal

from voice_coach.live.outcome import Ended, Outcome
from voice_coach.live.resume import StartAt
from voice_coach.live.steps import StepMap

Command = Literal["toggle", "pause", "continue", "next", "back", "next-chapter", "back-chapter", "quit"]
COMMANDS: tuple[Command, ...] = (
    "toggle", "pause", "continue", "next", "back", "next-chapter", "back-chapter", "quit",
)  # fmt: skip
"""What a key, a voice command or a media remote can ask of the player (``help`` is the face's own)."""
AGAIN_SECONDS = 2.0
"""A second ``b`` or ``[`` within this time goes one step or chapter further back."""


@dataclass(frozen=True)
class Sounding:
    """A buffer on the device: samples ``start`` to ``end`` of the session, started at clock time ``at``."""

    start: int
    end: int
    at: float


@dataclass(frozen=True)
class Jump:
    """A move to the ``count``-th step or chapter start after ``origin`` (``kind``), or to ``start``,
    whose target the placed part of the schedule does not reach yet."""

    kind: Literal["step", "chapter", "start"]
    origin: int = 0
    count: int = 1
    start: StartAt | None = None

    def target(self, plan: StepMap, finished: bool) -> int | None:
        """The sample it lands on, or None while the placed schedule does not reach it."""
        if self.start is not None:
            return self.start.resolve(plan, finished)
        marks = plan.starts if self.kind == "step" else plan.chapters
        index = bisect.bisect_right(marks, self.origin) + self.count - 1
        if index < len(marks):
            return marks[index]
        return plan.end if finished else None


@dataclass(frozen=True)
class Playback:
    """A live session's state. ``cursor``: where the next buffer starts (while one sounds, its start).
    ``start``: where the session started (0, or a ``--from``/``--resume`` point once it is placed)."""

    rate: int
    cursor: int = 0
    start: int = 0
    paused: bool = False
    sounding: Sounding | None = None
    jump: Jump | None = None
    heard: tuple[tuple[int, int], ...] = ()
    pressed: tuple[tuple[str, float], ...] = ()
    ended: Ended | None = None

    def position(self, now: float) -> int:
        """Samples from the session's start: the sounding buffer's start plus the time it has played,
        kept inside that buffer until the device says it is done, however late the device runs."""
        buffer = self.sounding
        if buffer is None:
            return self.cursor
        played = int((now - buffer.at) * self.rate)
        return buffer.start + max(0, min(buffer.end - buffer.start - 1, played))

    def outcome(self, now: float) -> Outcome:
        """How it ended (interrupted unless it says otherwise), the sounding buffer cut at ``now``."""
        state = cut(self, now)
        return Outcome(state.ended or "interrupted", state.cursor, state.heard, state.rate, state.start)


def starting(rate: int, start: int | StartAt = 0) -> Playback:
    """The state before the first buffer: at ``start``, or waiting for a ``StartAt`` to be placed."""
    if isinstance(start, StartAt):
        return Playback(rate, jump=Jump("start", start=start))
    return Playback(rate, start, start)


def started(state: Playback, end: int, now: float) -> Playback:
    """The device was handed the samples from the cursor to ``end`` at ``now``."""
    return replace(state, sounding=Sounding(state.cursor, end, now))


def finished_buffer(state: Playback) -> Playback:
    """The device played the sounding buffer to its end: the position is exactly its end."""
    buffer = state.sounding
    if buffer is None:
        return state
    heard = (*state.heard, (buffer.start, buffer.end))
    return replace(state, cursor=buffer.end, sounding=None, heard=heard)


def cut(state: Playback, now: float) -> Playback:
    """The sounding buffer is stopped at ``now``: heard up to there, and the cursor stays there."""
    buffer = state.sounding
    if buffer is None:
        return state
    reached = state.position(now)
    return replace(state, cursor=reached, sounding=None, heard=(*state.heard, (buffer.start, reached)))


def land(state: Playback, plan: StepMap, finished: bool) -> Playback:
    """A waiting jump landed if ``plan`` reaches its target (a start also becomes the session's start)."""
    jump = state.jump
    target = jump.target(plan, finished) if jump is not None else None
    if jump is None or target is None:
        return state
    start = target if jump.kind == "start" else state.start
    return replace(state, cursor=target, start=start, jump=None)


def command(state: Playback, asked: Command, plan: StepMap, now: float) -> Playback:
    """``state`` after ``asked`` at clock time ``now``, with the steps placed so far in ``plan``."""
    if asked == "quit":
        return replace(cut(state, now), ended="quit")
    if asked in ("toggle", "pause", "continue"):
        return _pause(state, asked, plan, now)
    if asked in ("next", "next-chapter"):
        return _forward(state, "step" if asked == "next" else "chapter", now)
    return _back(state, "b" if asked == "back" else "[", plan, now)


def _pause(state: Playback, asked: Command, plan: StepMap, now: float) -> Playback:
    """Pause (a phrase or chime cut short is repeated from its start on resuming), or resume."""
    if state.paused:
        return state if asked == "pause" else replace(state, paused=False)
    if asked == "continue":
        return state
    stopped = cut(state, now)
    return replace(stopped, cursor=plan.resume_point(stopped.cursor), paused=True)


def _forward(state: Playback, kind: Literal["step", "chapter"], now: float) -> Playback:
    """``n`` or ``]``: a jump to the next step or chapter; pressed again before it landed, one further."""
    waiting = state.jump
    if waiting is not None and waiting.kind == kind:
        return replace(state, jump=replace(waiting, count=waiting.count + 1))
    stopped = cut(state, now)
    return replace(stopped, jump=Jump(kind, stopped.cursor))


def _back(state: Playback, key: str, plan: StepMap, now: float) -> Playback:
    """``b`` or ``[``: to the start of the step or chapter playing (twice in a row: the one before)."""
    last = dict(state.pressed).get(key)
    again = last is not None and now - last <= AGAIN_SECONDS
    stopped = replace(cut(state, now), jump=None, pressed=(*_others(state, key), (key, now)))
    if key == "b":
        index = plan.step_index(stopped.cursor) - again
        return replace(stopped, cursor=plan.steps[max(index, 0)].start)
    index = bisect.bisect_right(plan.chapters, stopped.cursor) - 1 - again
    return replace(stopped, cursor=plan.chapters[index] if index >= 0 else 0)


def _others(state: Playback, key: str) -> tuple[tuple[str, float], ...]:
    return tuple(pair for pair in state.pressed if pair[0] != key)
