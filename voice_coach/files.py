"""Writing a file so that no reader ever sees half of it: a temporary file in the same folder, then a rename.

One helper for every file the library writes whole (cached phrases, the kept loudness analyses, a new
routine template); exports stage several files at once and rename them together (``output.staging``),
through ``sync_file`` and ``rename_exclusively`` here. These helpers are where a test injects faults.
"""

from __future__ import annotations

import ctypes
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

TEMP_PREFIX = ".tmp-"
DATA_ENV = "VOICE_COACH_DATA_DIR"
"""The variable that moves voice-coach's data folder (history, routine library, the server's token)."""
"""Temporary files start with this, so a clean-up can tell them from real entries."""


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (another user's counts): what a temporary file named by the process
    that made it is checked against before a clean-up removes it."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


AT_FDCWD = -100
RENAME_NOREPLACE = 1


def rename_exclusively(source: Path, target: Path) -> bool:
    """Rename ``source`` (a file or folder) to ``target`` unless something is there already, in one step
    that no other process can come between: False if ``target`` exists; OSError for other failures.

    Linux's ``renameat2(RENAME_NOREPLACE)`` does it for both; where it is missing (another system, a
    file system without it), a file is linked to its new name (which fails if the name is taken) and
    unlinked from the old one, and a folder is renamed after a check (a folder cannot be linked).
    """
    try:
        if _renameat2(source, target):
            return True
    except FileExistsError:
        return False
    if source.is_dir():
        if target.exists() or target.is_symlink():
            return False
        source.rename(target)
        return True
    try:
        os.link(source, target, follow_symlinks=False)
    except FileExistsError:
        return False
    source.unlink()
    return True


def _renameat2(source: Path, target: Path) -> bool:
    """Whether ``renameat2(RENAME_NOREPLACE)`` renamed ``source``: False if it is not supported here,
    FileExistsError if ``target`` exists, OSError for other failures."""
    call = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if call is None:
        return False
    result = call(AT_FDCWD, os.fsencode(source), AT_FDCWD, os.fsencode(target), RENAME_NOREPLACE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(target))


def replace_atomically(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Create or replace ``path`` with what ``write`` writes to a binary file; OSError if it cannot.

    The file gets the permissions of any new file (the umask's), not the temporary file's private 0600.
    On any failure (an OSError, Ctrl-C) the temporary file is removed and ``path`` is left as it was.
    """
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as raw:
            write(raw)
            raw.flush()
            os.fsync(raw.fileno())  # on disk before the rename: a power cut never leaves an empty file
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def sync_file(path: Path) -> None:
    """Make sure what was written to ``path`` is on disk (before it is renamed into place)."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def write_text_atomically(path: Path, text: str) -> None:
    """Create or replace ``path`` with ``text`` (UTF-8) through ``replace_atomically``."""
    replace_atomically(path, lambda raw: raw.write(text.encode("utf-8")))


def data_folder() -> Path:
    """voice-coach's data folder: ``$VOICE_COACH_DATA_DIR``, else the user's data folder (platformdirs)."""
    if configured := os.environ.get(DATA_ENV):
        return Path(configured).expanduser()
    from platformdirs import user_data_path

    return user_data_path("voice-coach")
