"""The one progress callback every long step reports through: ``progress(stage, done, total)``.

``stage`` names the step (``"synthesize"``, ``"render"``, ``"encode"``); ``done`` and ``total`` count its
units (phrases or samples). The library never draws anything: the CLI turns these calls into a bar, a server
could turn them into events.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]
