"""The server's access token: random (256 bits from ``secrets``), kept in the user's data folder so a podcast
subscription survives restarts, replaced by ``serve --new-token``. Only its owner can read the file."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

import voice_coach as vc

TOKEN_FILE = "serve-token"
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
"""What ``secrets.token_urlsafe(32)`` makes: 32 random bytes, URL-safe."""


def server_token(folder: Path | None = None, *, new: bool = False) -> str:
    """The kept token (a new one when there is none, the file is damaged, or ``new``); OSError if the
    folder cannot be written."""
    path = (folder or vc.data_folder()) / TOKEN_FILE
    if not new:
        try:
            kept = path.read_text("ascii").strip()
        except (OSError, UnicodeDecodeError):
            kept = ""
        if TOKEN_PATTERN.fullmatch(kept):
            return kept
    token = secrets.token_urlsafe(32)
    _write_private(path, token + "\n")
    return token


def _write_private(path: Path, text: str) -> None:
    """Replace ``path`` with ``text``, readable by its owner only, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".tmp-{secrets.token_hex(8)}-{path.name}")
    try:
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "w", encoding="ascii") as file:
            file.write(text)
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
