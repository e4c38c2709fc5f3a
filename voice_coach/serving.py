"""The web server for phones as a library call: ``server`` binds it (so a port in use fails at once) and
hands back a value with its URLs; ``run()`` serves until Ctrl-C.

The server stage (``serve/``) is itself a face over this package, and it brings starlette and uvicorn
(about 80 ms to load), which no other call should pay: it is loaded when a server is made.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from voice_coach.api_types import Speech

if TYPE_CHECKING:
    from voice_coach.serve.launch import Server

SERVER_STAGE = "voice_coach.serve.launch"
EXPORTS_BYTES = 1 << 30


def server(
    *,
    port: int = 8765,
    lan: bool = False,
    new_token: bool = False,
    library: str | os.PathLike[str] | None = None,
    speech: Speech | None = None,
    countdown: str | None = None,
    lead_in: str | None = None,
    exports_bytes: int = EXPORTS_BYTES,
) -> Server:
    """A server of the routines of ``library`` (default: the user's routine folder) on ``port`` (0: any
    free one) of this computer, and of the local network too with ``lan``; exports are made with
    ``speech`` and the defaults ``countdown`` and ``lead_in`` (what a request does not choose), kept in
    ``exports_bytes`` beside the phrase cache. Its access token is kept in the data folder
    (``new_token``: a new one). ``VoiceCoachError`` when it cannot listen."""
    stage = importlib.import_module(SERVER_STAGE)
    folder = Path(library).expanduser() if library is not None else None
    chosen = (speech or Speech(), countdown or "standard", lead_in or "1s")
    made: Server = stage.bound_server(port, lan, new_token, folder, exports_bytes, chosen)
    return made
