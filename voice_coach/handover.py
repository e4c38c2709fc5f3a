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

from voice_coach.compiler.timeline import Timeline
from voice_coach.output.handout_content import handout_content
from voice_coach.output.handout_pdf import write_handout

__all__ = ["handout"]


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
    if url is not None and not url.strip():
        url = None
    content = handout_content(timeline, url=url, progression=progression)
    return write_handout(content, Path(output), paper=paper, force=force)
