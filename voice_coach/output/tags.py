"""Tags, cover art and chapters, written with mutagen (and, for an M4B's chapters, ffmpeg).

ffmpeg can write title and artist, but not ID3 chapters (CHAP) or their table of contents (CTOC), which
podcast and audiobook players use to skip between stretches: mutagen writes both. Tags are ID3v2.3,
which every phone player reads; ffprobe lists the chapters (``ffprobe -show_chapters``). An M4B gets
MP4 tags (``©nam``, ``covr``...) and the chapters Apple Books and BookPlayer read (see ``m4b``).
"""

# mutagen's frame constructors are not annotated.
# mypy: disable-error-code="no-untyped-call"
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voice_coach.output import m4b
from voice_coach.output.cover import Cover

GENRE = "Health & Fitness"
"""The genre tag of every file: the category podcast and audiobook apps file fitness under."""


@dataclass(frozen=True)
class Tags:
    """What a file is called and where it belongs; ``track`` is (number, of) when a session is split."""

    title: str
    artist: str
    album: str
    track: tuple[int, int] | None = None
    genre: str = GENRE
    cover: Cover | None = None


@dataclass(frozen=True)
class ChapterMark:
    """A chapter in milliseconds from the start of the file."""

    title: str
    start_ms: int
    end_ms: int


def write_tags(path: Path, kind: str, tags: Tags, chapters: Sequence[ChapterMark] = ()) -> None:
    """Add tags (and chapters, in time order) to the ``kind`` ("mp3", "m4b" or "wav") file at ``path``;
    OSError if the file cannot be written (mutagen wraps it in an error of its own)."""
    from mutagen import MutagenError

    try:
        _write_tags(path, kind, tags, chapters)
    except MutagenError as error:  # a full disk, an I/O error: as any other failed write
        cause = error.args[0] if error.args and isinstance(error.args[0], OSError) else None
        if cause is None:
            raise
        raise cause from error


def _write_tags(path: Path, kind: str, tags: Tags, chapters: Sequence[ChapterMark]) -> None:
    if kind == "m4b":
        m4b.add_chapters(path, [(c.title, c.start_ms, c.end_ms) for c in _ordered(chapters)])
        _write_mp4_tags(path, tags)
        return
    frames = _text_frames(tags) + _chapter_frames(chapters)
    if kind == "wav":
        from mutagen.wave import WAVE

        wav = WAVE(str(path))
        wav.add_tags()  # the file was just written: it has none yet
        id3: Any = wav.tags  # mutagen declares it None on the base class
        for frame in frames:
            id3.add(frame)
        wav.save(v2_version=3)
        return
    from mutagen.id3 import ID3

    fresh = ID3()
    for frame in frames:
        fresh.add(frame)
    fresh.save(str(path), v2_version=3)


def _write_mp4_tags(path: Path, tags: Tags) -> None:
    """Title, artist, album, genre (track number, cover) as MP4 tags of the file at ``path``."""
    from mutagen.mp4 import MP4, MP4Cover

    items: dict[str, list[Any]] = {
        "©nam": [tags.title], "©ART": [tags.artist], "©alb": [tags.album], "©gen": [tags.genre],
    }  # fmt: skip
    if tags.track:
        items["trkn"] = [tags.track]
    if tags.cover:
        kind = MP4Cover.FORMAT_PNG if tags.cover.mime == "image/png" else MP4Cover.FORMAT_JPEG
        items["covr"] = [MP4Cover(tags.cover.data, imageformat=kind)]
    audio = MP4(str(path))
    if audio.tags is None:
        audio.add_tags()
    mp4_tags: Any = audio.tags  # mutagen declares it None on the base class
    mp4_tags.clear()  # ffmpeg's own "encoder" tag
    mp4_tags.update(items)
    audio.save()


def _text_frames(tags: Tags) -> list[object]:
    """Title, artist, album, genre (track number, cover) frames."""
    from mutagen.id3 import APIC, TALB, TCON, TIT2, TPE1, TRCK, PictureType

    frames: list[object] = [
        TIT2(encoding=3, text=[tags.title]),
        TPE1(encoding=3, text=[tags.artist]),
        TALB(encoding=3, text=[tags.album]),
        TCON(encoding=3, text=[tags.genre]),
    ]
    if tags.track:
        frames.append(TRCK(encoding=3, text=[f"{tags.track[0]}/{tags.track[1]}"]))
    if tags.cover:
        cover = tags.cover
        frames.append(
            APIC(encoding=3, mime=cover.mime, type=PictureType.COVER_FRONT, desc="", data=cover.data)
        )
    return frames


def _chapter_frames(chapters: Sequence[ChapterMark]) -> list[object]:
    """One CHAP frame per chapter, in time order, and an ordered top-level CTOC listing them.

    A chapter with no title is called "Chapter n": an empty title frame would not be written.
    """
    if not chapters:
        return []
    from mutagen.id3 import CHAP, CTOC, TIT2, CTOCFlags

    ordered = _ordered(chapters)
    frames: list[object] = [
        CHAP(
            element_id=element_id,
            start_time=chapter.start_ms,
            end_time=chapter.end_ms,
            sub_frames=[TIT2(encoding=1, text=[chapter.title])],
        )
        for element_id, chapter in zip(chapter_ids(ordered), ordered, strict=True)
    ]
    frames.append(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=chapter_ids(ordered),
            sub_frames=[TIT2(encoding=3, text=["Chapters"])],
        )
    )
    return frames


def _ordered(chapters: Sequence[ChapterMark]) -> list[ChapterMark]:
    """``chapters`` in time order, one with no title called "Chapter n"."""
    return [
        ChapterMark(c.title.strip() or f"Chapter {n}", c.start_ms, c.end_ms)
        for n, c in enumerate(sorted(chapters, key=lambda c: c.start_ms), 1)
    ]


def chapter_ids(ordered: Sequence[ChapterMark]) -> list[str]:
    """Element ids that make mutagen write the CHAP frames in time order.

    mutagen writes frames smallest first, ties broken by key, and ffprobe (like some players) lists
    chapters in file order. Titles are written as UTF-16 (two bytes per code unit), so padding each id
    by two characters per code unit its title lacks makes every CHAP frame the same size; the ids then
    sort by their zero-padded number: ``ch0000``, ``ch0001__``...
    """
    units = [len(c.title.encode("utf-16-le")) // 2 for c in ordered]
    return [f"ch{n:04d}" + "_" * (2 * (max(units) - u)) for n, u in enumerate(units)]
