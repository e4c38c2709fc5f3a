"""Where am I: what a listener with eyes closed is told about the way through a session (pure).

- A routine of a kind the session has more of is numbered as it is introduced: "Stretch 2 of 5: foam
  roller stretch." (the session's intro promised "5 stretches").
- As each routine of a session starts, the time left, rounded: "About 15 minutes to go." (estimated from
  the phrases' lengths with the default engine's model; see ``rounded``).
- The rest between two routines is announced ("Rest for 20 seconds."), or, when the next one needs
  equipment, turned into time to fetch it ("Take 20 seconds to get what you need."); so is a pause of
  ``FETCH_MS`` after a first routine names its equipment, when it runs alone or opens a session.
- The session ends with a closing chime and ``TAIL_MS`` of quiet, so it does not stop mid-breath.
"""

from __future__ import annotations

from voice_coach.compiler.cues import rest_cues
from voice_coach.compiler.estimate import DEFAULT_MODEL, estimate_ms
from voice_coach.compiler.phrases import Phrases, sentence_start
from voice_coach.compiler.schedule import SAY_GAP_MS
from voice_coach.compiler.timeline import Block, Chapter, Hold, Pause, Rest, Say, Tone
from voice_coach.routine.model import Routine

FETCH_MS = 10_000
"""Time to fetch equipment after it is named, when no rest between routines gives it."""
TAIL_MS = 3_000
"""Quiet after the closing chime."""
CLOSING_CHIME_MS = 1_200
OTHER_LANGUAGES_MODEL = "pyttsx3"
"""The length model for a run in another language than English: espeak-ng's voices (the ``pyttsx3``
engine) are the shipped ones that speak it (hibari and Piper speak English only)."""


def introduction(routine: Routine, routines: list[Routine], first: bool, words: Phrases) -> Say:
    """How a routine is introduced: "Stretch 2 of 5: foam roller stretch." when the session has more of
    its kind, else its title (the first routine) or "Next up: TITLE." (the others)."""
    same = [r for r in routines if r.kind == routine.kind]
    if len(same) > 1:
        text = words.say(
            "numbered",
            kind=sentence_start(words.mid_sentence(routine.kind_word)),
            number=same.index(routine) + 1,
            count=len(same),
            title=words.mid_sentence(routine.title),
        )
        return Say(text, "title" if first else "next")
    if first:
        return Say(words.say("title", title=routine.title), "title")
    return Say(words.say("next_up", title=routine.title), "next")


def between_rest(routine: Routine, rest_ms: int, words: Phrases) -> Rest:
    """The rest before a routine of a session, announced: time to fetch what it needs, or to rest."""
    key = "fetch" if routine.equipment else "rest_between"
    opening = words.say(key, duration=words.duration(rest_ms))
    return Rest(rest_ms, rest_cues(opening, words), "between")


def fetch_rest(words: Phrases) -> Rest:
    """Time to fetch the equipment a first routine just named."""
    return Rest(FETCH_MS, rest_cues(words.say("fetch", duration=words.duration(FETCH_MS)), words), "fetch")


def closing() -> list[Block]:
    """The end of every run: a closing chime, then quiet."""
    return [Tone("close", CLOSING_CHIME_MS), Pause(TAIL_MS, "tail")]


def with_time_to_go(parts: list[list[Block]], tail: list[Block], words: Phrases) -> list[list[Block]]:
    """Each routine's blocks (``parts``), with the time left said after its introduction (unless it is
    what the routine before said: "About 30 minutes to go." once, not twice a minute apart)."""
    if len(parts) < 2:
        return parts
    model = DEFAULT_MODEL if words.language == "en" else OTHER_LANGUAGES_MODEL
    left, lefts = sum(block_ms(b, model) for b in tail), []
    for part in reversed(parts):
        left += sum(block_ms(b, model) for b in part)
        lefts.append(rounded(left))
    told: list[list[Block]] = []
    previous: int | None = None
    for part, said in zip(parts, reversed(lefts), strict=True):
        if said is None or said == previous:
            told.append(part)
            continue
        previous = said
        line = Say(words.say("time_to_go", duration=words.duration(said)), "time")
        at = next(
            (i + 1 for i, b in enumerate(part) if isinstance(b, Say) and b.role in ("title", "next")), 0
        )
        told.append([*part[:at], line, *part[at:]])
    return told


def rounded(ms: int) -> int | None:
    """A time left as a coach says it: to five minutes from ten minutes on, to the minute from 90 s (at
    least two minutes), nothing below. Coarse on purpose: it is an estimate, and a run with another hold
    or rest mostly says the same phrases, already spoken and cached."""
    if ms >= 10 * 60_000:
        return round(ms / (5 * 60_000)) * 5 * 60_000
    if ms >= 90_000:
        return max(2, round(ms / 60_000)) * 60_000
    return None


def block_ms(block: Block, model: str = DEFAULT_MODEL) -> int:
    """A block's length as estimated before synthesis (phrases by the engine ``model``'s fitted model)."""
    if isinstance(block, Say):
        return estimate_ms(block.text, model) + SAY_GAP_MS
    if isinstance(block, Pause | Hold | Rest | Tone):
        return block.ms
    assert isinstance(block, Chapter)
    return 0
