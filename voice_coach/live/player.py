"""Live, hands-free playback of a session as it is mixed: a thin loop around the ``playback`` state.

Playing starts as soon as the first step can be rendered, while later phrases are still being synthesized
(``ready`` says which are there): each tick the loop places in the ``Mix`` whatever has arrived, without
waiting, and extends its map of steps. A step is only started once all of it can be rendered; until then
playback holds silence and the status says it is waiting for the voice. Nothing is skipped and every time
stays exact, because the mix places each phrase where the schedule puts it, however late it came.

Each tick the loop tells the state (``playback.Playback``, a value with pure transitions) what the device
did and what was asked, and does what the new state says: stop the sound, hand the device the next step
(one buffer per step, see ``steps.py``, so gaps between buffers fall in silence and never split a phrase),
place more of the mix for a jump that waits for its target. The position is the end of the last buffer
the device finished plus the clock time spent in the current one, so a long session does not drift.

Keys (also in ``voice-coach play --help``): space pauses and resumes (resuming repeats a phrase or chime
that was cut short, otherwise continues where it stopped), ``n`` next step, ``b`` back to the start of the
step (twice within two seconds: the step before), ``]`` next chapter (routine, or side of a two-sided
routine), ``[`` back to the start of the chapter (twice: the one before), ``?`` shows the keys, ``q``
quits. Moving while paused stays paused. Voice commands (see ``listen.py``) do the same: "pause" and
"continue" (or "resume") only pause and only resume, "next", "back" (or "repeat") and "stop"; any other
``Commands`` source (a media remote) feeds the same commands. Ctrl-C, SIGTERM and SIGHUP end the session
as interrupted, its outcome intact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from voice_coach import interrupts
from voice_coach.live.commands import KEY_COMMANDS, VOICE_COMMANDS, CommandQueue, Commands
from voice_coach.live.device import Clock, Playing, SimpleaudioSink, Sink, SystemClock
from voice_coach.live.keys import KEY_HELP, Keys, NoKeys, TerminalKeys, open_keys
from voice_coach.live.listen import CoachVoice, Listener, voice_action
from voice_coach.live.outcome import Outcome, summarize
from voice_coach.live.playback import Command, Playback, command, finished_buffer, land, started, starting
from voice_coach.live.resume import StartAt
from voice_coach.live.source import Rendered, Source
from voice_coach.live.status import format_status
from voice_coach.live.steps import PlayStep, Status, StepMap, build_step_map, status_at
from voice_coach.printed import printed

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "Clock", "CommandQueue", "Commands", "Keys", "Listener", "NoKeys", "Outcome", "PlayStep", "Player",
    "Playing", "Rendered", "SimpleaudioSink", "Sink", "Source", "StartAt", "Status", "SystemClock",
    "TerminalKeys", "format_status", "open_keys", "play_session", "status_at", "summarize",
]  # fmt: skip

HORIZON_SECONDS = 60.0
"""How far ahead of the playhead arrived phrases are placed (and levelled) each tick."""
TICK_SECONDS = 0.05
"""How often keys are read and the status refreshed."""


class Player:
    """Plays one session's mix through a sink, reading keys and commands and reporting status as it goes.

    ``ready(text)``: whether a phrase has been synthesized (default: all have). ``expected_total``: the
    session's length in samples as estimated before synthesis, for the time left until the end is known.
    ``commands``: another source of commands besides ``keys`` and ``listener`` (a media remote).
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
        commands: Commands | None = None,
        tick: float = TICK_SECONDS,
    ) -> None:
        self.audio, self.sink, self.tick = audio, sink, tick
        self.ready: Callable[[str], bool] = ready or (lambda text: True)
        self.expected = expected_total or 0
        self.audio.place_ready(self.ready, 0)
        self.plan: StepMap = self._map()
        self.clock: Clock = clock or SystemClock()
        self.keys: Keys = keys or NoKeys()
        self.on_status, self.on_notice = on_status, on_notice
        self.listener, self.commands = listener, commands
        self.voice = CoachVoice(self.plan.sounds, self.plan.rate)
        self.state = Playback(self.plan.rate)
        self.device: Playing | None = None
        self.waiting = False
        self.shown: Status | None = None

    def play(self, start: int | StartAt = 0) -> Outcome:
        """Play from ``start`` (samples, or a routine or step made ready first) until the end, ``q``,
        Ctrl-C, SIGTERM or SIGHUP; the sound is stopped on return."""
        at = start if isinstance(start, StartAt) else max(0, min(start, self.plan.end))
        self.state = starting(self.plan.rate, at)
        try:
            self._run()
        except KeyboardInterrupt:
            pass
        except SystemExit:
            if not interrupts.received():
                raise  # not a signal: someone meant to leave
        finally:
            if self.device is not None:
                self.device.stop()
                self.voice.cut(self.clock.now())
        return self.state.outcome(self.clock.now())

    def position(self) -> int:
        """Samples from the session's start (see ``Playback.position``)."""
        return self.state.position(self.clock.now())

    def _run(self) -> None:
        while self.state.ended is None:
            interrupts.check()  # a signal that Python had to drop still stops the session
            if self.device is not None and not self.device.is_playing():
                self.device, self.state = None, finished_buffer(self.state)
            asked = self._asked()
            if asked is not None:
                self._apply(command(self.state, asked, self.plan, self.clock.now()))
            self._grow()
            self._apply(land(self.state, self.plan, self.audio.finished))
            state = self.state
            if not state.paused and state.sounding is None and state.jump is None and state.ended is None:
                if self.audio.finished and state.cursor >= self.plan.end:
                    self.state = replace(state, ended="finished")
                    break
                self._start()
            self._report()
            self.clock.sleep(self._nap())

    def _apply(self, state: Playback) -> None:
        """Take ``state``; if it no longer has the buffer the device plays, stop the device."""
        if self.device is not None and state.sounding is None:
            self.device.stop()
            self.voice.cut(self.clock.now())
            self.device = None
        self.state = state

    def _asked(self) -> Command | None:
        """What was asked since the last tick: a key, else a voice command (shown as heard), else a
        command from ``commands``."""
        key = self.keys.poll()
        if key == "?":
            self._notice(printed(self.plan.language, KEY_HELP))
        if key is not None:
            return KEY_COMMANDS.get(key.lower())
        word = self.listener.poll(self.voice) if self.listener is not None else None
        if word is not None:
            notice, said = voice_action(word)
            self._notice(notice)
            return VOICE_COMMANDS.get(said)
        return self.commands.poll() if self.commands is not None else None

    def _map(self) -> StepMap:
        """The map of steps as far as the mix is placed."""
        schedule = self.audio.placed_schedule()
        return build_step_map(schedule, schedule.total)

    def _grow(self, until: int | None = None) -> None:
        """Place what has arrived: up to ``HORIZON_SECONDS`` ahead (or ``until``), a little at a time, so
        the first sound does not wait for every phrase to be levelled; as far as it goes while a jump
        waits for its target. Extend the map of steps."""
        if not self.audio.finished:
            if until is None and self.state.jump is None:
                until = self.position() + int(HORIZON_SECONDS * self.plan.rate)
            self.audio.place_ready(self.ready, until)
        if self.audio.placed != self.plan.end:  # placed here, or while a step was rendered
            self.plan = self._map()
            self.voice.sounds = self.plan.sounds

    def _start(self) -> None:
        """Hand the device the step at the cursor once it can be rendered (a stretch known to be silent,
        such as the lead-in, at once); until then hold silence and say so."""
        cursor, audio = self.state.cursor, self.audio
        end = self._step_end(cursor)
        while not audio.finished and (end >= self.plan.end or not audio.renderable(end)):
            placed = audio.placed
            self._grow(end)  # a long step (a 2-minute hold) reaches past the horizon
            end = self._step_end(cursor)
            if audio.placed == placed:
                break
        self.waiting = not audio.finished and (end >= self.plan.end or not audio.renderable(end))
        silent = self.waiting and cursor < end and audio.known_silent(cursor, end)
        if self.waiting and not silent:
            return
        self.waiting = False
        now = self.clock.now()
        samples = self._samples(cursor, end, silent)
        self.device = self.sink.start(samples, self.plan.rate)
        self.state = started(self.state, end, now)
        self.voice.playing(cursor, end, now)
        self.voice.sent(samples, self.plan.rate, now)  # an echo canceller's reference

    def _step_end(self, position: int) -> int:
        return self.plan.steps[self.plan.step_index(position)].end

    def _samples(self, start: int, end: int, silent: bool) -> npt.NDArray[np.int16]:
        """The samples from ``start`` to ``end``: a stretch known to be silent (the lead-in while the first
        phrase is spoken) is played as zeros without waiting for what follows it."""
        import numpy as np

        return np.zeros(end - start, np.int16) if silent else self.audio.samples(start, end)

    def _nap(self) -> float:
        buffer = self.state.sounding
        if buffer is None:
            return self.tick
        left = (buffer.end - buffer.start) / self.plan.rate - (self.clock.now() - buffer.at)
        # Wake just after the buffer should end, so the next one follows with the smallest gap; a device
        # running late is then asked every few milliseconds.
        return min(self.tick, left + 0.001 if left > 0 else 0.005)

    def _report(self) -> None:
        if self.on_status is None:
            return
        state = self.state
        status = status_at(self.plan, self.position(), state.paused)
        if not self.audio.finished:
            left = max(self.plan.end, self.expected) - self.position()
            remaining = -(-left // self.plan.rate)
            waiting = (self.waiting or state.jump is not None) and not state.paused
            status = replace(status, waiting=waiting, remaining=remaining)
        if status != self.shown:
            self.shown = status
            self.on_status(status)

    def _notice(self, message: str) -> None:
        if self.on_notice is not None:
            self.on_notice(message)
        self.shown = None  # a notice moves the status line: draw it again


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
    commands: Commands | None = None,
) -> Outcome:
    """Play ``audio`` live from ``start`` (default: the top) while its phrases arrive (``ready``, see
    ``Player``); how it ended. ``PlaybackError`` if no device. A ``start`` other than the top waits for
    the phrases before it (only then is its sample known), and no longer."""
    player = Player(
        audio, sink or SimpleaudioSink(), ready=ready, expected_total=expected_total, clock=clock, keys=keys,
        on_status=on_status, on_notice=on_notice, listener=listener, commands=commands,
    )  # fmt: skip
    return player.play(start or 0)
