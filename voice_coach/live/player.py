"""Live, hands-free playback of a session as it is mixed, with keyboard controls and a status callback.

Playing starts as soon as the first step can be rendered, while later phrases are still being synthesized
(``ready`` says which are there): each tick the player places in the ``Mix`` whatever has arrived, without
waiting, and extends its map of steps. A step is only started once all of it can be rendered; until
then playback holds silence and the status says it is waiting for the voice. Nothing is skipped and every
time stays exact, because the mix places each phrase where the schedule puts it, however late it came.

The player hands the sink one buffer per step (see ``steps.py`` for what a step is), so gaps between
buffers fall in silence and never split a phrase. The position in the session is the end of the last
buffer the device finished, plus the clock time spent in the current one: each finished buffer puts the
position back on an exact sample, so a long session does not drift however the device's clock runs.

Keys (also in ``voice-coach play --help``): space pauses and resumes (resuming repeats a phrase or chime
that was cut short, otherwise continues where it stopped), ``n`` next step, ``b`` back to the start of the
step (twice within two seconds: the step before), ``]`` next chapter (routine, or side of a two-sided
routine), ``[`` back to the start of the chapter (twice: the one before), ``?`` shows the keys, ``q``
quits. Moving while paused stays paused. Voice commands (see ``listen.py``) do the same: "pause" and
"continue" (or "resume") only pause and only resume, "next", "back" (or "repeat") and "stop".
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from voice_coach import interrupts
from voice_coach.live.device import Clock, Playing, SimpleaudioSink, Sink, SystemClock
from voice_coach.live.keys import KEY_HELP, Keys, NoKeys, TerminalKeys, open_keys
from voice_coach.live.listen import CoachVoice, Listener, voice_action
from voice_coach.live.outcome import Ended, Outcome, summarize
from voice_coach.live.resume import StartAt
from voice_coach.live.source import Rendered, Source
from voice_coach.live.status import format_status
from voice_coach.live.steps import PlayStep, Status, StepMap, build_step_map, status_at

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "Clock",
    "Keys",
    "Listener",
    "NoKeys",
    "Outcome",
    "PlayStep",
    "Player",
    "Playing",
    "Rendered",
    "SimpleaudioSink",
    "Sink",
    "Source",
    "StartAt",
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
HORIZON_SECONDS = 60.0
"""How far ahead of the playhead arrived phrases are placed (and levelled) each tick."""
TICK_SECONDS = 0.05
"""How often keys are read and the status refreshed."""

KEY_ACTIONS = {" ": "toggle", "n": "next", "b": "back", "]": "next-chapter", "[": "back-chapter", "?": "help"}
"""Key → what the player does; ``q`` (quit) is handled in the loop."""


@dataclass(frozen=True)
class _Buffer:
    start: int
    end: int
    started_at: float
    playing: Playing


class Player:
    """Plays one session's mix through a sink, reading keys and reporting status as it goes.

    ``ready(text)``: whether a phrase has been synthesized (default: all have). ``expected_total``: the
    session's length in samples as estimated before synthesis, for the time left until the end is known.
    """

    def __init__(
        self,
        audio: Source,
        sink: Sink,
        *,
        ready: Callable[[str], bool] | None = None,
        expected_total: int | None = None,
        clock: Clock | None = None,
        keys: Keys | None = None,
        on_status: Callable[[Status], None] | None = None,
        on_notice: Callable[[str], None] | None = None,
        listener: Listener | None = None,
        tick: float = TICK_SECONDS,
    ) -> None:
        self.audio, self.sink, self.tick = audio, sink, tick
        self.ready: Callable[[str], bool] = ready or (lambda text: True)
        self.expected = expected_total or 0
        self.audio.place_ready(self.ready, 0)
        self.plan: StepMap = self._map()
        self.waiting = False
        self.clock: Clock = clock or SystemClock()
        self.keys: Keys = keys or NoKeys()
        self.on_status, self.on_notice = on_status, on_notice
        self.listener = listener
        self.voice = CoachVoice(self.plan.sounds, self.plan.rate)
        self.cursor = 0
        self.paused = False
        self.buffer: _Buffer | None = None
        self.heard: list[tuple[int, int]] = []
        self.pressed: dict[str, float] = {}
        self.shown: Status | None = None

    def play(self, start: int = 0) -> Outcome:
        """Play from ``start`` (samples) until the end, ``q`` or Ctrl-C; the sound is stopped on return."""
        self.cursor = start = max(0, min(start, self.plan.end))
        ended: Ended = "interrupted"
        try:
            ended = self._run()
        except KeyboardInterrupt:
            ended = "interrupted"
        finally:
            self._cut()
        return Outcome(ended, self.cursor, tuple(self.heard), self.plan.rate, start)

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
            action = self._action()
            if action == "quit":
                return "quit"
            if action is not None:
                self._do(action)
            self._grow()
            if not self.paused and not self._sounding():
                if self.audio.finished and self.cursor >= self.plan.end:
                    return "finished"
                self._start()
            self._report()
            self.clock.sleep(self._nap())

    def _action(self) -> str | None:
        """What was asked for since the last tick: a key, else a voice command (shown as heard)."""
        key = self.keys.poll()
        if key is not None:
            return "quit" if key.lower() == "q" else KEY_ACTIONS.get(key.lower())
        command = self.listener.poll(self.voice) if self.listener is not None else None
        if command is None:
            return None
        notice, action = voice_action(command)
        self._notice(notice)
        return action

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

    def _map(self) -> StepMap:
        """The map of steps as far as the mix is placed."""
        schedule = self.audio.placed_schedule()
        return build_step_map(schedule, schedule.total)

    def _grow(self, until: int | None = None) -> None:
        """Place what has arrived up to ``HORIZON_SECONDS`` ahead (or ``until``), a little at a time, so
        the first sound does not wait for every phrase to be levelled; extend the map of steps."""
        if not self.audio.finished:
            ahead = self.position() + int(HORIZON_SECONDS * self.plan.rate)
            self.audio.place_ready(self.ready, ahead if until is None else until)
        if self.audio.placed != self.plan.end:  # placed here, or while a step was rendered
            self.plan = self._map()
            self.voice.sounds = self.plan.sounds

    def _start(self) -> None:
        end = self.plan.steps[self.plan.step_index(self.cursor)].end
        while not self.audio.finished and (end >= self.plan.end or not self.audio.renderable(end)):
            placed = self.audio.placed
            self._grow(end)  # a long step (a 2-minute hold) reaches past the horizon
            end = self.plan.steps[self.plan.step_index(self.cursor)].end
            if self.audio.placed == placed:
                break
        self.waiting = not self.audio.finished and (end >= self.plan.end or not self.audio.renderable(end))
        silent = self.waiting and self.cursor < end and self.audio.known_silent(self.cursor, end)
        if self.waiting and not silent:
            return  # silence until the step's phrases are here
        self.waiting = False
        playing = self.sink.start(self._samples(end, silent), self.plan.rate)
        self.buffer = _Buffer(self.cursor, end, self.clock.now(), playing)
        self.voice.playing(self.cursor, end, self.buffer.started_at)

    def _samples(self, end: int, silent: bool) -> npt.NDArray[np.int16]:
        """The samples from the cursor to ``end``: a stretch known to be silent (the lead-in while the first
        phrase is spoken) is played as zeros without waiting for what follows it."""
        import numpy as np

        return np.zeros(end - self.cursor, np.int16) if silent else self.audio.samples(self.cursor, end)

    def _cut(self) -> None:
        """Stop the current buffer, keeping the position it reached."""
        buffer = self.buffer
        if buffer is None:
            return
        reached = self.position() if buffer.playing.is_playing() else buffer.end
        buffer.playing.stop()
        self.voice.cut(self.clock.now())
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
        if not self.audio.finished:
            left = max(self.plan.end, self.expected) - self.position()
            remaining = -(-left // self.plan.rate)
            status = replace(status, waiting=self.waiting and not self.paused, remaining=remaining)
        if status != self.shown:
            self.shown = status
            self.on_status(status)

    def _do(self, action: str) -> None:
        actions: dict[str, Callable[[], None]] = {
            "toggle": self._toggle_pause,
            "pause": lambda: None if self.paused else self._toggle_pause(),
            "continue": lambda: self._toggle_pause() if self.paused else None,
            "next": self._next_step,
            "back": self._back_step,
            "next-chapter": self._next_chapter,
            "back-chapter": self._back_chapter,
            "help": lambda: self._notice(KEY_HELP),
        }
        actions[action]()

    def _notice(self, message: str) -> None:
        if self.on_notice is not None:
            self.on_notice(message)
        self.shown = None  # a notice moves the status line: draw it again

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
    audio: Source,
    *,
    ready: Callable[[str], bool] | None = None,
    expected_total: int | None = None,
    sink: Sink | None = None,
    keys: Keys | None = None,
    on_status: Callable[[Status], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
    listener: Listener | None = None,
    clock: Clock | None = None,
    start: StartAt | None = None,
) -> Outcome:
    """Play ``audio`` live from ``start`` (default: the top) while its phrases arrive (``ready``, see
    ``Player``); how it ended. ``PlaybackError`` if no device. A ``start`` other than the top waits for
    the whole schedule: where a routine or a step begins is only known once everything before it is."""
    schedule = audio.schedule() if start is not None else None
    player = Player(
        audio, sink or SimpleaudioSink(), ready=ready, expected_total=expected_total, clock=clock, keys=keys,
        on_status=on_status, on_notice=on_notice, listener=listener,
    )  # fmt: skip
    return player.play(start.position(schedule, player.plan) if start and schedule else 0)
