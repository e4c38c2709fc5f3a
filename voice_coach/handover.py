"""The therapist's hand-over, as library calls: a printed handout of a run (``handout``); the routines, audio
and handout in one file to send (``pack``, in ``pack``), and that file put into a patient's routine
library (``import_pack``, in ``unpack``).

    import voice_coach as vc
    timeline = vc.compile("spi", hold="25s")
    vc.handout(timeline, "spi.pdf", url="http://192.168.1.20:8765/Xy3q/")
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from voice_coach.compiler.progression import ladder
from voice_coach.compiler.timeline import Timeline
from voice_coach.durations import format_duration
from voice_coach.errors import UsageError, literal
from voice_coach.live.progression import Today
from voice_coach.output.handout_content import handout_content
from voice_coach.output.handout_pdf import PAPERS, write_handout
from voice_coach.printed import printed, printed_count
from voice_coach.routine.model import Routine, Session

__all__ = ["PAPERS", "checked_url", "handout", "progression_plan"]


def handout(
    timeline: Timeline,
    output: str | os.PathLike[str],
    *,
    url: str | None = None,
    paper: str = "a4",
    progression: Mapping[str, str] | None = None,
    force: bool = False,
) -> Path:
    """Write the printable handout of ``timeline`` to ``output`` (a ``.pdf``, ``paper`` ``a4`` or
    ``letter``): each routine's steps as the voice says them, its settings as compiled, its cautions, a QR
    code of ``url`` (the phone's page or feed) and a table to log sessions and pain by hand.

    ``progression``: a routine id's progression plan in one sentence, printed with its settings.
    """
    content = handout_content(timeline, url=checked_url(url), progression=progression)
    return write_handout(content, Path(output), paper=paper, force=force)


MAX_URL_CHARS = 500
"""A QR code of this many characters still prints at 110 points with modules a phone reads."""


def checked_url(url: str | None) -> str | None:
    """``url`` stripped, once it is a web link short enough for a QR code; None for none."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise UsageError(
            f"{{url}}: {literal(repr(url))} is not a web link; give the one 'voice-coach serve' prints "
            "(http://...)",
            options=("url",),
        )
    if len(url) > MAX_URL_CHARS:
        raise UsageError(f"{{url}}: longer than {MAX_URL_CHARS} characters, too long for a QR code",
                         options=("url",))  # fmt: skip
    return url


def progression_plan(target: Routine | Session, today: Today | None, language: str = "en") -> dict[str, str]:
    """Each moving routine's progression plan in one sentence in ``language`` (the timeline's), at the
    step ``today`` (what ``vc.apply_progression`` gives), for ``handout(progression=...)``; empty without
    a ``[progression]``."""
    rules = target.progression
    if rules is None or today is None:
        return {}
    length = format_duration(rules.hold_step_ms)
    growth = [printed(language, "{length} to the hold", length=length)] if rules.hold_step_ms else []
    if rules.sets_step:
        growth.append(printed_count(language, rules.sets_step, "{count} set at the top of the hold range",
                                    "{count} sets at the top of the hold range"))  # fmt: skip
    sessions = printed_count(language, rules.up_sessions, "{count} session", "{count} sessions in a row")
    sentence = printed(
        language, _PLAN, step=today.step, steps=today.steps, reason=today.why.said_in(language),
        growth=_then(language, growth), sessions=sessions, up=rules.up_pain, rise=rules.back_rise,
    )  # fmt: skip
    return {routine.id: sentence for routine in ladder(target).routines}


_PLAN = (
    "Step {step} of {steps} ({reason}); each step adds {growth}, after {sessions} with pain {up} or less, "
    "and a rise of {rise} or more goes a step back."
)
"""The progression plan's sentence, a key of ``printed``."""


def _then(language: str, parts: list[str]) -> str:
    """``a``, or ``a then b``, in ``language``."""
    if len(parts) < 2:
        return "".join(parts)
    return printed(language, "{first} then {last}", first=parts[0], last=parts[1])
