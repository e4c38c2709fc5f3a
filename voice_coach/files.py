"""Writing a file so that no reader ever sees half of it: a temporary file in the same folder, then a rename.

One helper for every file the library writes whole (cached phrases, the kept loudness analyses, a new
routine template); exports stage several files at once and rename them together (``output.export``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

TEMP_PREFIX = ".tmp-"
"""Temporary files start with this, so a clean-up can tell them from real entries."""


def replace_atomically(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Create or replace ``path`` with what ``write`` writes to a binary file; OSError if it cannot.

    The file gets the permissions of any new file (the umask's), not the temporary file's private 0600.
    On any failure (an OSError, Ctrl-C) the temporary file is removed and ``path`` is left as it was.
    """
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as raw:
            write(raw)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_text_atomically(path: Path, text: str) -> None:
    """Create or replace ``path`` with ``text`` (UTF-8) through ``replace_atomically``."""
    replace_atomically(path, lambda raw: raw.write(text.encode("utf-8")))
