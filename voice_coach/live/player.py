"""Live, hands-free playback of a rendered session, with keyboard controls and a status callback.

The player hands the sink one buffer per step (see ``steps.py`` for what a step is), so gaps between
buffers fall in silence and never split a phrase. The position in the session is the end of the last
buffer the device finished, plus the clock time spent in the current one: each finished buffer puts the
position back on an exact sample, so a long session does not drift however the device's clock runs.

Keys (also in ``voice-coach play --help``): space pauses and resumes (resuming repeats a phrase or chime
that was cut short, otherwise continues where it stopped), ``n`` next step, ``b`` back to the start of the
step (twice within two seconds: the step before), ``]`` next chapter (routine, or side of a two-sided
routine), ``[`` back to the start of the chapter (twice: the one before), ``q`` quits.
Moving while paused stays paused.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from voice_coach import interrupts
from voice_coach.audio.clip import Clip
from voice_coach.compiler.schedule import Schedule
from voice_coach.compiler.timeline import Hold
from voice_coach.live.device import Clock, Playing, SimpleaudioSink, Sink, SystemClock
from voice_coach.live.keys import Keys, NoKeys, TerminalKeys, open_keys
from voice_coach.live.steps import PlayStep, Status, StepMap, build_step_map, format_status, status_at
from voice_coach.wording import plural

__all__ = [
    "Clock",
    "Keys",
    "NoKeys",
    "Outcome",
    "PlayStep",
    "Player",
    "Playing",
    "SimpleaudioSink",
    "Sink",
    "Status",
    "SystemClock",
    "TerminalKeys",
    "format_status",
    "open_keys",
    "play_session",
    "status_at",
    "summarize",
]

AGAIN_SECONDS = 2.0
"""A second ``b`` or ``[`` within this time goes one step or chapter further back."""
TICK_SECONDS = 0.05
"""How often keys are read and the status refreshed."""

Ended = Literal["finished", "quit", "interrupted"]


@dataclass(frozen=True)
class Outcome:
    """How a live session ended: why, where (in samples), and which spans of the schedule were heard."""

    ended: Ended
    position: int
    heard: tuple[tuple[int, int], ...]
    rate: int

    @property
    def heard_ms(self) -> int:
        """Milliseconds of audio played (a span heard twice counts twice)."""
        return sum(end - start for start, end in self.heard) * 1000 // self.rate


@dataclass(frozen=True)
class _Buffer:
    start: int
    end: int
    started_at: float
    playing: Playing


class Player:
    """Plays one rendered session through a sink, reading keys and reporting status as it goes."""

    def __init__(
        self,
        schedule: Schedule,
        audio: Clip,
        sink: Sink,
        *,
        clock: Clock | None = None,
        keys: Keys | None = None,
        on_status: Callable[[Status], None] | None = None,
        tick: float = TICK_SECONDS,
    ) -> None:
        if audio.rate != schedule.rate:
            raise ValueError(f"audio at {audio.rate} Hz does not match a schedule at {schedule.rate} Hz")
        self.plan: StepMap = build_step_map(schedule, len(audio.samples))
        self.audio, self.sink, self.tick = audio, sink, tick
        self.clock: Clock = clock or SystemClock()
        self.keys: Keys = keys or NoKeys()
        self.on_status = on_status
        self.cursor = 0
        self.paused = False
        self.buffer: _Buffer | None = None
        self.heard: list[tuple[int, int]] = []
        self.pressed: dict[str, float] = {}
        self.shown: Status | None = None

    def play(self, start: int = 0) -> Outcome:
        """Play from ``start`` (samples) until the end, ``q`` or Ctrl-C; the sound is stopped on return."""
        self.cursor = start
        ended: Ended = "interrupted"
        try:
            ended = self._run()
        except KeyboardInterrupt:
            ended = "interrupted"
        finally:
            self._cut()
        return Outcome(ended, self.cursor, tuple(self.heard), self.plan.rate)

    def position(self) -> int:
        """Samples from the session's start: the current buffer's start plus the time it has played.

        Until the device reports the buffer done, the position stays inside it, however late the device is.
        """
        buffer = self.buffer
        if buffer is None:
            return self.cursor
        played = int((self.clock.now() - buffer.started_at) * self.plan.rate)
        return buffer.start + max(0, min(buffer.end - buffer.start - 1, played))

    def _run(self) -> Ended:
        while True:
            interrupts.check()  # a Ctrl-C that Python had to drop still stops the session
            key = self.keys.poll()
            if key is not None and key.lower() == "q":
                return "quit"
            if key is not None:
                self._press(key)
            if not self.paused and not self._sounding():
                if self.cursor >= self.plan.end:
                    return "finished"
                self._start()
            self._report()
            self.clock.sleep(self._nap())

    def _sounding(self) -> bool:
        """Whether the current buffer still plays; a finished one moves the cursor to its exact end."""
        buffer = self.buffer
        if buffer is None:
            return False
        if buffer.playing.is_playing():
            return True
        self.heard.append((buffer.start, buffer.end))
        self.cursor, self.buffer = buffer.end, None
        return False

    def _start(self) -> None:
        end = self.plan.steps[self.plan.step_index(self.cursor)].end
        playing = self.sink.start(self.audio.samples[self.cursor : end], self.plan.rate)
        self.buffer = _Buffer(self.cursor, end, self.clock.now(), playing)

    def _cut(self) -> None:
        """Stop the current buffer, keeping the position it reached."""
        buffer = self.buffer
        if buffer is None:
            return
        reached = self.position() if buffer.playing.is_playing() else buffer.end
        buffer.playing.stop()
        self.heard.append((buffer.start, reached))
        self.cursor, self.buffer = reached, None

    def _nap(self) -> float:
        buffer = self.buffer
        if buffer is None:
            return self.tick
        left = (buffer.end - buffer.start) / self.plan.rate - (self.clock.now() - buffer.started_at)
        # Wake just after the buffer should end, so the next one follows with the smallest gap; a device
        # running late is then asked every few milliseconds.
        return min(self.tick, left + 0.001 if left > 0 else 0.005)

    def _report(self) -> None:
        if self.on_status is None:
            return
        status = status_at(self.plan, self.position(), self.paused)
        if status != self.shown:
            self.shown = status
            self.on_status(status)

    def _press(self, key: str) -> None:
        actions: dict[str, Callable[[], None]] = {
            " ": self._toggle_pause,
            "n": self._next_step,
            "b": self._back_step,
            "]": self._next_chapter,
            "[": self._back_chapter,
        }
        action = actions.get(key.lower())
        if action is not None:
            action()

    def _toggle_pause(self) -> None:
        if self.paused:
            self.paused = False
            return
        self._cut()
        self.cursor = self.plan.resume_point(self.cursor)
        self.paused = True

    def _seek(self, target: int) -> None:
        self._cut()
        self.cursor = max(0, min(target, self.plan.end))

    def _again(self, key: str) -> bool:
        """Whether ``key`` was also pressed within ``AGAIN_SECONDS``."""
        now = self.clock.now()
        last = self.pressed.get(key)
        self.pressed[key] = now
        return last is not None and now - last <= AGAIN_SECONDS

    def _next_step(self) -> None:
        steps = self.plan.steps
        index = self.plan.step_index(self.position()) + 1
        self._seek(steps[index].start if index < len(steps) else self.plan.end)

    def _back_step(self) -> None:
        index = self.plan.step_index(self.position())
        if self._again("b"):
            index = max(0, index - 1)
        self._seek(self.plan.steps[index].start)

    def _next_chapter(self) -> None:
        chapters = self.plan.chapters
        index = bisect.bisect_right(chapters, self.position())
        self._seek(chapters[index] if index < len(chapters) else self.plan.end)

    def _back_chapter(self) -> None:
        index = bisect.bisect_right(self.plan.chapters, self.position()) - 1
        if self._again("["):
            index -= 1
        self._seek(self.plan.chapters[index] if index >= 0 else 0)


def play_session(
    schedule: Schedule,
    audio: Clip,
    *,
    sink: Sink | None = None,
    keys: Keys | None = None,
    on_status: Callable[[Status], None] | None = None,
    clock: Clock | None = None,
) -> Outcome:
    """Play ``audio`` (the render of ``schedule``) live; how it ended. ``PlaybackError`` if no device."""
    player = Player(schedule, audio, sink or SimpleaudioSink(), clock=clock, keys=keys, on_status=on_status)
    return player.play()


def summarize(schedule: Schedule, played: Outcome | int, kinds: Mapping[str, str] | None = None) -> str:
    """One line on what was done, e.g. ``Serratus posterior inferior program: 24 min, 5 stretches, 2 massage
    sides``.

    ``played`` is an ``Outcome``, or a position meaning everything before it was heard. A hold counts as
    done when it was heard to its end. ``kinds`` maps routine ids to their kind ("stretch", "massage");
    unknown ids count as "routine". A routine held once per side counts its sides; others count once.
    """
    heard = ((0, played),) if isinstance(played, int) else played.heard
    heard_ms = sum(end - start for start, end in heard) * 1000 // schedule.rate
    done: dict[str, set[tuple[str, str | None]]] = {}
    for slot in schedule.slots:
        block = slot.block
        if isinstance(block, Hold) and any(start < slot.end <= end for start, end in heard):
            kind = (kinds or {}).get(block.routine_id, "routine")
            per_side = block.side is not None and block.sets == 1
            noun = f"{kind} side" if per_side else kind
            done.setdefault(noun, set()).add((block.routine_id, block.side if per_side else None))
    parts = [_minutes(heard_ms), *(plural(len(keys), noun) for noun, keys in done.items())]
    return f"{schedule.timeline.title}: {', '.join(parts)}"


def _minutes(ms: int) -> str:
    return f"{round(ms / 60_000)} min" if ms >= 60_000 else f"{ms // 1000} s"
