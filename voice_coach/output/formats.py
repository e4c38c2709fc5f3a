"""The formats an export can have, each with its own rules: its true-peak ceiling (what the limiter lets
through, lower where an encoder adds overshoot of its own), its bitrates and sample rates; and the check
of an export's target, done once before any synthesis (``check_output``), which names the format every
later stage uses.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from voice_coach.audio.limiter import CEILING_DBTP
from voice_coach.errors import OutputError, literal
from voice_coach.ffmpeg import find_ffmpeg
from voice_coach.output import cuesheets, m4b, mp3
from voice_coach.output.chapters_json import chapters_file

ENCODED_CEILING_DBTP = -3.0
"""The ceiling for audio sent to an MP3 or AAC encoder, which adds overshoot of its own: decoded, an MP3 of
spi limited at -1.5 dBTP measured -0.9 dBTP."""
ENCODED_MUSIC_CEILING_DBTP = -4.0
"""The same under a music bed, which the encoder's noise rides on: limited at -3 dBTP, spi with a bed of
chords and pink noise measured -1.0 dBTP decoded."""


@dataclass(frozen=True)
class Format:
    """One format an export can be written in (its file suffix is its ``name``)."""

    name: str
    encoded: bool
    """Whether ffmpeg encodes it (its sample rates are then ``mp3.MP3_RATES``)."""
    ceiling_dbtp: float
    """The limiter's ceiling for speech alone..."""
    music_ceiling_dbtp: float
    """...and under a music bed."""
    check_bitrate: Callable[[str, int | None], str]
    """The encoder's bitrate rule for audio at a rate (OutputError for one it would silently change)."""

    def ceiling(self, music: bool) -> float:
        """The true-peak ceiling for a session with or without a music bed."""
        return self.music_ceiling_dbtp if music else self.ceiling_dbtp

    def sample_rate_problem(self, rate: int) -> str | None:
        """Why this format cannot have ``rate`` Hz (its encoder would change it), or None."""
        if not self.encoded or rate in mp3.MP3_RATES:
            return None
        rates = ", ".join(str(r) for r in mp3.MP3_RATES)
        return f"an {self.name.upper()} cannot have {rate} Hz; use one of {rates}"


def _unused_bitrate(bitrate: str, rate: int | None) -> str:
    """A WAV has no bitrate; one given is still spelt as an MP3's (``bitrate`` means one thing)."""
    return mp3.check_bitrate(bitrate, None)


FORMATS = {
    "mp3": Format("mp3", True, ENCODED_CEILING_DBTP, ENCODED_MUSIC_CEILING_DBTP, mp3.check_bitrate),
    "m4b": Format("m4b", True, ENCODED_CEILING_DBTP, ENCODED_MUSIC_CEILING_DBTP, m4b.check_bitrate),
    "wav": Format("wav", False, CEILING_DBTP, CEILING_DBTP, _unused_bitrate),
}


def format_of(path: str | os.PathLike[str]) -> Format:
    """The format ``path``'s suffix names; OutputError for any other."""
    target = Path(path)
    found = FORMATS.get(target.suffix.lower().lstrip("."))
    if found is None:
        raise OutputError(f"cannot tell the format of {target}: name it .mp3, .m4b or .wav")
    return found


def sample_rate_problem(path: str | os.PathLike[str], rate: int) -> str | None:
    """Why an export to ``path`` cannot have ``rate`` Hz, or None (also for a path of no known format)."""
    found = FORMATS.get(Path(path).suffix.lower().lstrip("."))
    return found.sample_rate_problem(rate) if found is not None else None


@dataclass(frozen=True)
class Target:
    """Where and how an export is written, checked by ``check_output``."""

    path: Path
    format: Format
    bitrate: str = "64k"
    split: bool = False
    cue_formats: tuple[str, ...] = ()
    force: bool = False
    chapters_json: bool = False

    def paths(self) -> list[Path]:
        """What the export creates at the top level: the audio (a folder when ``split``), cue sheets and
        the chapters file."""
        if self.split:
            return [self.path.with_suffix("")]
        cues = [self.path.with_suffix(f".{kind}") for kind in self.cue_formats]
        return [self.path, *cues, *([chapters_file(self.path)] if self.chapters_json else [])]


def check_output(
    path: str | os.PathLike[str],
    *,
    force: bool = False,
    split: bool = False,
    cue_formats: Sequence[str] = (),
    bitrate: str = "64k",
    rate: int | None = None,
    chapters_json: bool = False,
) -> Target:
    """The target, once it is known to be writable: call before synthesis. OutputError otherwise.

    Checks the format (from the suffix: .mp3, .m4b or .wav), the cue sheet formats, the bitrate (for an MP3 or
    M4B of audio at ``rate``, if given; MP3s below 32000 Hz have other bitrates than those above), that the
    folder exists and can be written, that nothing would be overwritten without ``force``, and that
    ffmpeg is installed for MP3 and M4B. ``chapters_json``: one is written too (not with ``split``).
    """
    target = Target(Path(path), format_of(path), bitrate, split, tuple(cue_formats), force, chapters_json)
    if chapters_json and split:
        raise OutputError(
            "{chapters_json} lists the chapters of one file: leave out {split}",
            options=("chapters_json", "split"),
        )
    if problem := cuesheets.unknown_format(cue_formats):
        raise OutputError(problem)
    target.format.check_bitrate(bitrate, rate)
    _check_folder(target.path.parent, target.path)
    for existing in target.paths():
        if existing.is_dir() and not split:
            raise OutputError(
                f"{existing} is a folder: give a file name inside it, such as "
                f"{existing / 'session'}.{target.format.name}"
            )
        if (existing.exists() or existing.is_symlink()) and not force:
            raise OutputError(
                f"{literal(str(existing))} already exists: add {{force}} to overwrite it", options=("force",)
            )
    if target.format.encoded:
        find_ffmpeg(f"{target.format.name.upper()} export")
    return target


def check_document(path: Path, suffix: str, what: str, *, force: bool = False) -> Path:
    """``path`` for a document (a handout's ``.pdf``, a pack's ``.zip``), once it has ``suffix`` and its
    folder can be written without replacing a file unasked; OutputError naming the fix otherwise."""
    if path.suffix.lower() != suffix:
        raise OutputError(f"{path}: {what}: name it {suffix}")
    _check_folder(path.parent, path)
    if (path.exists() or path.is_symlink()) and not force:
        raise OutputError(
            f"{literal(str(path))} already exists: add {{force}} to overwrite it", options=("force",)
        )
    return path


def _check_folder(folder: Path, target: Path) -> None:
    """OutputError unless ``folder`` exists and a file can be written in it."""
    if not folder.is_dir():
        problem = "is not a folder" if folder.exists() else "does not exist"
        raise OutputError(f"cannot write {target}: {folder} {problem}")
    try:
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as error:
        raise OutputError(f"cannot write to the folder {folder}: {error.strerror}") from error
