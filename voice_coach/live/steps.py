"""Steps of a scheduled session, and where a listener is in it: the ``Status`` line the CLI draws.

What a *step* is, stated once (the player navigates, buffers and reports by steps):

- every ``Say`` starts a step: the instruction, and the ``Pause`` after it (the time to do it);
- every ``Hold`` starts a step, and a start ``Tone`` just before it opens that step instead, so the hold's
  step is chime, hold (with its overlaid cues) and end chime;
- every ``Rest`` starts a step, with its overlaid cues;
- anything else (``Pause``, end ``Tone``, ``Chapter`` marks) belongs to the step before it, and whatever
  comes before the first of these (the lead-in) is a step of its own.

Steps are contiguous and cover the session: a step ends where the next one starts.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from voice_coach.compiler.schedule import Schedule, Slot
from voice_coach.compiler.timeline import Chapter, Hold, Rest, Say, Tone
from voice_coach.printed import printed


@dataclass(frozen=True)
class PlayStep:
    """One step of a session: its span in samples and what the status line says about it."""

    start: int
    end: int
    text: str
    routine: str
    side: str | None
    set: int | None = None
    sets: int | None = None
    timed: Slot | None = None
    """The hold or rest in this step, whose end the countdown counts to."""


@dataclass(frozen=True)
class StepMap:
    """A schedule cut into steps, with chapter starts and the spans a resume rewinds to."""

    rate: int
    end: int
    steps: tuple[PlayStep, ...]
    chapters: tuple[int, ...]
    sounds: tuple[tuple[int, int], ...]
    """Speech and chimes in time order: pausing inside one resumes from its start."""
    starts: tuple[int, ...] = ()
    marks: tuple[tuple[int, str], ...] = ()
    """(start, routine id) of every chapter mark placed, in time order: where ``--from`` goes."""
    language: str = "en"
    """The session's language: the status line's own words are in it."""

    def step_index(self, position: int) -> int:
        """The index of the step that contains ``position`` (the last step at or past the end)."""
        return max(0, bisect.bisect_right(self.starts, position) - 1)

    def resume_point(self, position: int) -> int:
        """Where to resume after pausing at ``position``: the start of a phrase or chime cut short."""
        index = bisect.bisect_right(self.sounds, (position, self.end)) - 1
        if index >= 0 and self.sounds[index][0] <= position < self.sounds[index][1]:
            return self.sounds[index][0]
        return position


def build_step_map(schedule: Schedule, end: int | None = None) -> StepMap:
    """The steps of ``schedule``, cut to ``end`` samples (the rendered audio's length; default its total)."""
    end = schedule.total if end is None else end
    steps = [s for s in _steps(schedule) if s.start < end] or [
        PlayStep(0, end, "", schedule.timeline.title, None)
    ]
    steps[-1] = _with_end(steps[-1], end)
    chapters = sorted({c.start for c in schedule.chapters() if c.start < end})
    sounds = [(s.start, s.end) for s in schedule.speech()]
    sounds += [(s.start, s.end) for s in schedule.slots if isinstance(s.block, Tone)]
    starts = tuple(step.start for step in steps)
    marks = tuple((s.start, s.block.routine_id) for s in schedule.slots if isinstance(s.block, Chapter))
    return StepMap(
        schedule.rate, end, tuple(steps), tuple(chapters), tuple(sorted(sounds)), starts, marks,
        schedule.timeline.language,
    )  # fmt: skip


def _steps(schedule: Schedule) -> list[PlayStep]:
    steps: list[PlayStep] = []
    routine, side, language = schedule.timeline.title, None, schedule.timeline.language
    previous: Slot | None = None
    for slot in schedule.slots:
        block = slot.block
        if isinstance(block, Chapter):
            routine = block.title if block.side is None else routine
            side = block.side
        elif _starts_step(slot, previous) or not steps:
            if steps and steps[-1].start == slot.start:
                steps.pop()  # a zero-length step: the later block names it
            steps.append(PlayStep(slot.start, slot.end, _label(slot, language), routine, side))
        if isinstance(block, Hold | Rest):
            steps[-1] = _timed(steps[-1], slot, language)
        if not isinstance(block, Chapter):
            steps[-1] = _with_end(steps[-1], slot.end)
            previous = slot
    return _with_sets(steps)


def _starts_step(slot: Slot, previous: Slot | None) -> bool:
    block = slot.block
    after_chime = previous is not None and isinstance(previous.block, Tone) and previous.block.kind == "start"
    if isinstance(block, Hold):
        return not after_chime
    return isinstance(block, Say | Rest) or (isinstance(block, Tone) and block.kind == "start")


def _label(slot: Slot, language: str) -> str:
    block = slot.block
    if isinstance(block, Say):
        return block.text
    if isinstance(block, Rest):
        preview = [cue.text for cue in block.cues if cue.role == "next"]
        return " ".join([printed(language, "Rest."), *preview])
    if isinstance(block, Hold | Tone):
        return printed(language, "Hold")
    return ""


def _timed(step: PlayStep, slot: Slot, language: str) -> PlayStep:
    label = printed(language, "Hold") if isinstance(slot.block, Hold) else step.text
    return PlayStep(step.start, step.end, label, step.routine, step.side, timed=slot)


def _with_end(step: PlayStep, end: int) -> PlayStep:
    return PlayStep(step.start, end, step.text, step.routine, step.side, step.set, step.sets, step.timed)


def _with_sets(steps: list[PlayStep]) -> list[PlayStep]:
    """Every step of a set (its announcement, setup, hold and release) shows that set's "x of y".

    A set runs from one rest or routine/side change to the next; rests themselves show no set.
    """
    groups: list[list[int]] = [[]]
    for index, step in enumerate(steps):
        rest = step.timed is not None and isinstance(step.timed.block, Rest)
        moved = index > 0 and (step.routine, step.side) != (steps[index - 1].routine, steps[index - 1].side)
        if rest or moved:
            groups.append([])
        if not rest:
            groups[-1].append(index)
    result = list(steps)
    for group in groups:
        blocks = [timed.block for i in group if (timed := steps[i].timed) is not None]
        hold = next((b for b in blocks if isinstance(b, Hold)), None)
        if hold is None:
            continue
        for i in group:
            s = steps[i]
            result[i] = PlayStep(s.start, s.end, s.text, s.routine, s.side, hold.set, hold.sets, s.timed)
    return result


@dataclass(frozen=True)
class Status:
    """Where a live session is, in the coarse units a status line shows (whole seconds)."""

    routine: str
    step: str
    set: int | None
    sets: int | None
    side: str | None
    countdown: int | None
    """Seconds left in the current hold or rest; ``None`` outside them."""
    elapsed: int
    remaining: int
    paused: bool = False
    waiting: bool = False
    """Playback holds silence: the next phrase is still being synthesized."""
    language: str = "en"
    """The session's language, which the status line speaks."""

    @property
    def fraction(self) -> float:
        """How much of the session is behind, 0.0 to 1.0."""
        total = self.elapsed + self.remaining
        return self.elapsed / total if total else 1.0


def status_at(plan: StepMap, position: int, paused: bool = False) -> Status:
    """The status at ``position`` (samples from the session's start)."""
    step = plan.steps[plan.step_index(position)]
    countdown = None
    if step.timed is not None and position < step.timed.end:
        countdown = _ceil_div(step.timed.end - max(position, step.timed.start), plan.rate)
    elapsed = min(position, plan.end) // plan.rate
    remaining = _ceil_div(max(plan.end - position, 0), plan.rate)
    return Status(
        step.routine, step.text, step.set, step.sets, step.side, countdown, elapsed, remaining, paused,
        language=plan.language,
    )  # fmt: skip


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)
