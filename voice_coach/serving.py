"""The web server for phones as a library call: ``server`` binds it (so a port in use fails at once) and
hands back a value with its URLs; ``run()`` serves until Ctrl-C.

The server stage (``serve/``) is itself a face over this package, and it brings starlette and uvicorn
(about 80 ms to load), which no other call should pay: it is loaded when a server is made.
"""

from __future__ import annotations

import importlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from voice_coach.api_types import Speech
from voice_coach.errors import UsageError
from voice_coach.files import data_folder, write_text_atomically
from voice_coach.live.history import history_path

if TYPE_CHECKING:
    from voice_coach.serve.launch import Server

SERVER_STAGE = "voice_coach.serve.launch"
SERVER_PORT = 8765
EXPORTS_BYTES = 1 << 30
LINK_FILE = "serve-link.json"
"""Where a running server leaves its link (beside the history), for ``remind`` to put in its events."""


def server(
    *,
    port: int = SERVER_PORT,
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


def keep_link(url: str) -> Path:
    """Note ``url`` as the running server's link (with this process's id); the file's path."""
    path = history_path().parent / LINK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(path, json.dumps({"url": url, "pid": os.getpid()}) + "\n")
    return path


def forget_link() -> None:
    """Remove the link this process noted; another server's is left alone."""
    path = history_path().parent / LINK_FILE
    if _link(path, alive=False) == os.getpid():
        path.unlink(missing_ok=True)


def running_link() -> str | None:
    """The link of a ``serve`` running now (the phone's, with ``--lan``), or None (none runs, or one was
    killed before it could remove its note)."""
    path = history_path().parent / LINK_FILE
    pid = _link(path, alive=True)
    if pid is None:
        return None
    url = json.loads(path.read_text("utf-8"))["url"]
    return str(url)


def _link(path: Path, *, alive: bool) -> int | None:
    """The process id in the note at ``path`` (only if that process runs, with ``alive``), or None."""
    try:
        data = json.loads(path.read_text("utf-8"))
        pid, url = data["pid"], data["url"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not (isinstance(pid, int) and isinstance(url, str) and url.startswith("http")):
        return None
    if alive:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:  # another user's process: alive, but not ours to trust
            return None
    return pid


def phone_link(port: int = SERVER_PORT, *, feed: bool = False) -> str:
    """The link ``voice-coach serve --lan`` gives phones, without starting a server: this computer's first
    address on the local network, ``port`` and the kept access token (made if there is none yet, as
    ``serve`` would); ``feed``: its podcast feed. For a printed QR code (``vc.handout(url=...)``).
    ``UsageError`` when this computer has no network address or the token cannot be kept."""
    lan = importlib.import_module("voice_coach.serve.lan")
    tokens = importlib.import_module("voice_coach.serve.tokens")
    addresses: list[str] = lan.lan_addresses()
    if not addresses:
        raise UsageError("no local network address found: connect this computer to the phone's Wi-Fi")
    try:
        token: str = tokens.server_token()
    except OSError as error:
        folder = data_folder()
        raise UsageError(f"cannot keep the access token in {folder}: {error.strerror}") from None
    return f"http://{addresses[0]}:{port}/{token}/" + ("feed.xml" if feed else "")
