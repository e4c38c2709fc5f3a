"""ID3 tags and chapter frames, written with mutagen.

ffmpeg can write title and artist, but not ID3 chapters (CHAP) or their table of contents (CTOC), which
podcast and audiobook players use to skip between stretches: mutagen writes both. Tags are ID3v2.3,
which every phone player reads; ffprobe lists the chapters (``ffprobe -show_chapters``).
"""

# mutagen's frame constructors are not annotated.
# mypy: disable-error-code="no-untyped-call"
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Tags:
    """What a file is called and where it belongs; ``track`` is (number, of) when a session is split."""

    title: str
    artist: str
    album: str
    track: tuple[int, int] | None = None


@dataclass(frozen=True)
class ChapterMark:
    """A chapter in milliseconds from the start of the file."""

    title: str
    start_ms: int
    end_ms: int


def write_tags(path: Path, kind: str, tags: Tags, chapters: Sequence[ChapterMark] = ()) -> None:
    """Add ID3 tags (and chapter frames, in time order) to the ``kind`` ("mp3" or "wav") file at ``path``."""
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


def _text_frames(tags: Tags) -> list[object]:
    """Title, artist, album (and track number) frames."""
    from mutagen.id3 import TALB, TIT2, TPE1, TRCK

    frames: list[object] = [
        TIT2(encoding=3, text=[tags.title]),
        TPE1(encoding=3, text=[tags.artist]),
        TALB(encoding=3, text=[tags.album]),
    ]
    if tags.track:
        frames.append(TRCK(encoding=3, text=[f"{tags.track[0]}/{tags.track[1]}"]))
    return frames


def _chapter_frames(chapters: Sequence[ChapterMark]) -> list[object]:
    """One CHAP frame per chapter, in time order, and an ordered top-level CTOC listing them.

    A chapter with no title is called "Chapter n": an empty title frame would not be written.
    """
    if not chapters:
        return []
    from mutagen.id3 import CHAP, CTOC, TIT2, CTOCFlags

    ordered = [
        ChapterMark(c.title.strip() or f"Chapter {n}", c.start_ms, c.end_ms)
        for n, c in enumerate(sorted(chapters, key=lambda c: c.start_ms), 1)
    ]
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


def chapter_ids(ordered: Sequence[ChapterMark]) -> list[str]:
    """Element ids that make mutagen write the CHAP frames in time order.

    mutagen writes frames smallest first, ties broken by key, and ffprobe (like some players) lists
    chapters in file order. Titles are written as UTF-16 (two bytes per code unit), so padding each id
    by two characters per code unit its title lacks makes every CHAP frame the same size; the ids then
    sort by their zero-padded number: ``ch0000``, ``ch0001__``...
    """
    units = [len(c.title.encode("utf-16-le")) // 2 for c in ordered]
    return [f"ch{n:04d}" + "_" * (2 * (max(units) - u)) for n, u in enumerate(units)]
