"""Finding ffmpeg, the one external program: it encodes MP3s (``output.mp3``) and decodes music files
(``audio.music_file``), and its absence is reported the same way by both."""

from __future__ import annotations

import shutil

from voice_coach.errors import ExportError

OWN_PROCESS_GROUP = 0
"""``process_group`` for every ffmpeg started: a group of its own, so the Ctrl-C a terminal sends to its
foreground group reaches voice-coach alone, which stops ffmpeg itself and reports ``Interrupted.``; in
the same group ffmpeg would also get it, exit 255 and sometimes be seen failing first."""
INSTALL_FFMPEG = "install it with `sudo apt-get install ffmpeg` (or run ./scripts/setup.sh)"


def find_ffmpeg(purpose: str = "MP3 export", instead: str = "; or export a .wav, which needs nothing") -> str:
    """The path of the ffmpeg program; ExportError saying how to install it if there is none."""
    found = shutil.which("ffmpeg")
    if not found:
        raise ExportError(f"{purpose} needs ffmpeg, which is not installed: {INSTALL_FFMPEG}{instead}")
    return found
