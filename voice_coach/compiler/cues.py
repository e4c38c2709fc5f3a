"""The cues overlaid on holds and rests: countdowns by the density rule, breathing prompts, rest cues (pure).

**Density rule**, stated once: a hold's countdown cues are considered in order of priority ("three, two,
one", "ten seconds left", "one minute left", "halfway", then verbose's "N seconds left"); one is kept only
if the hold has room for it (at most one countdown cue per ``CUE_SPACING_MS`` of hold, and always "three,
two, one") and it ends at least ``CUE_SPACING_MS`` away from every cue already kept. So a 30 s hold gets
"ten seconds left" and "three, two, one"; "halfway" is said only where no other cue is near it (holds of
40 s and more without prompts). The author's ``during`` prompts are not counted: they are spread evenly,
and each may move within its share of the hold (``Cue.window_ms``) when another cue is in the way.
"""

from __future__ import annotations

from typing import Literal

from voice_coach.compiler.phrases import Phrases
from voice_coach.compiler.timeline import Cue

Countdown = Literal["none", "minimal", "standard", "verbose"]
COUNTDOWNS: tuple[Countdown, ...] = ("none", "minimal", "standard", "verbose")
# Cue priorities: when two cues collide, the higher one is kept (schedule.py drops or moves the other).
FINAL, TEN_LEFT, MINUTE_LEFT, HALFWAY, PROMPT = 5, 4, 3, 2, 1
CUE_SPACING_MS = 10_000
"""The density rule's unit: countdown cues end at least this far apart, and a hold has at most one per this
much of its length."""
READY_OFFSET_MS = 1000
""""Get ready." ends this long before a rest ends."""
SETTLE_MS_PER_WORD, SETTLE_MIN_MS, SETTLE_MAX_MS = 200, 1000, 4000
"""**Settle rule**: the step said just before a hold's start chime is followed by 200 ms of silence per word
it has (the moves it describes), at least 1 s and at most 4 s, so the hold counted is the hold done:
"Hold." gets 1 s, "Lean back slightly, arms crossed in front, and twist to the left again. Hold." 2.8 s."""


def settle_ms(text: str) -> int:
    """Time to make the moves ``text`` describes before a hold starts (the settle rule above)."""
    return max(SETTLE_MIN_MS, min(SETTLE_MAX_MS, SETTLE_MS_PER_WORD * len(text.split())))


def hold_cues(hold_ms: int, during: tuple[str, ...], countdown: Countdown, words: Phrases) -> tuple[Cue, ...]:
    """Breathing prompts spread through the hold, then countdown cues (in ``words``) anchored to its end."""
    cues = prompt_cues(hold_ms, during)
    if countdown == "none":
        return cues
    return cues + sparse(hold_ms, countdown_candidates(hold_ms, bool(during), countdown, words))


def prompt_cues(hold_ms: int, during: tuple[str, ...]) -> tuple[Cue, ...]:
    """Prompts at even intervals, each free to move up to half an interval either way."""
    share = hold_ms // (len(during) + 1)
    return tuple(
        Cue(text, "start", (i + 1) * hold_ms // (len(during) + 1), PROMPT, "prompt", share // 2)
        for i, text in enumerate(during)
    )


def countdown_candidates(hold_ms: int, prompts: bool, countdown: Countdown, words: Phrases) -> list[Cue]:
    """Every countdown cue the level offers, in order of priority, before the density rule."""
    cues = [Cue(words.say("three_two_one"), "end", 0, FINAL, "countdown")]
    if countdown == "minimal":
        return cues
    if hold_ms >= 2 * CUE_SPACING_MS:
        cues.append(Cue(words.say("ten_seconds_left"), "end", 10_000, TEN_LEFT, "countdown"))
    if hold_ms >= 90_000:
        cues.append(Cue(words.say("one_minute_left"), "end", 60_000, MINUTE_LEFT, "countdown"))
    if not prompts:
        cues.append(Cue(words.say("halfway"), "end", hold_ms // 2, HALFWAY, "countdown"))
    if countdown == "verbose":
        step = 10_000 if hold_ms <= 60_000 else 30_000
        for mark in range(step * 2, hold_ms - 5_000, step):
            text = words.say("time_left", duration=words.duration(mark))
            cues.append(Cue(text, "end", mark, PROMPT, "countdown"))
    return cues


def sparse(hold_ms: int, candidates: list[Cue]) -> tuple[Cue, ...]:
    """The candidates the density rule keeps (see the module docstring), in their order."""
    room = max(1, hold_ms // CUE_SPACING_MS)
    kept: list[Cue] = []
    for cue in candidates:
        near = any(abs(cue.offset_ms - other.offset_ms) < CUE_SPACING_MS for other in kept)
        if len(kept) < room and not near:
            kept.append(cue)
    return tuple(kept)


def rest_cues(opening: str | None, words: Phrases) -> tuple[Cue, ...]:
    """ "Get ready." before a rest ends, and its opening words ("Rest.") if it has any."""
    cues = [Cue(words.say("get_ready"), "end", READY_OFFSET_MS, FINAL, "ready")]
    if opening:
        cues.append(Cue(opening, "start", 0, TEN_LEFT, "rest"))
    return tuple(cues)
