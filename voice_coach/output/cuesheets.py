"""Cue sheets of everything said, with exact times: ``.lrc`` (phone players show the current line),
``.srt`` and ``.vtt`` (subtitles). Pure text; times are whole milliseconds, never rounded up."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from voice_coach.compiler.schedule import Speech

FORMATS = ("lrc", "srt", "vtt")


def unknown_format(formats: Iterable[str]) -> str | None:
    """Why ``formats`` cannot all be written (the first unknown one named), or None if they can."""
    unknown = [f for f in formats if f not in FORMATS]
    return f"unknown cue sheet format {unknown[0]!r}; use any of {', '.join(FORMATS)}" if unknown else None


@dataclass(frozen=True)
class Line:
    """One phrase with its start and end in milliseconds from the start of the file."""

    text: str
    start_ms: int
    end_ms: int


def lines(speech: Sequence[Speech], rate: int, start: int = 0, end: int | None = None) -> list[Line]:
    """The phrases said within samples ``[start, end)``, timed from ``start``."""
    chosen = [s for s in speech if s.start >= start and (end is None or s.start < end)]
    return [
        Line(" ".join(s.text.split()), (s.start - start) * 1000 // rate, (s.end - start) * 1000 // rate)
        for s in chosen
    ]


def cue_sheet(
    kind: str, timed: Sequence[Line], *, title: str, artist: str, album: str, length_ms: int
) -> str:
    """The text of a ``kind`` ("lrc", "srt" or "vtt") cue sheet for ``timed`` lines."""
    if kind == "lrc":
        return lrc(timed, title=title, artist=artist, album=album, length_ms=length_ms)
    if kind == "srt":
        return srt(timed)
    if kind == "vtt":
        return vtt(timed)
    raise ValueError(f"unknown cue sheet format {kind!r}; use one of {', '.join(FORMATS)}")


def lrc(timed: Sequence[Line], *, title: str, artist: str, album: str, length_ms: int) -> str:
    """An LRC lyrics file: ``[mm:ss.xx]text`` per phrase, with title, artist, album and length tags."""
    minutes, seconds = divmod(length_ms // 1000, 60)
    header = [f"[ti:{title}]", f"[ar:{artist}]", f"[al:{album}]", f"[length:{minutes:02d}:{seconds:02d}]"]
    return "\n".join(header + [f"[{_lrc_time(line.start_ms)}]{line.text}" for line in timed]) + "\n"


def srt(timed: Sequence[Line]) -> str:
    """A SubRip subtitle file: numbered cues ``HH:MM:SS,mmm --> HH:MM:SS,mmm``."""
    cues = [
        f"{n}\n{_clock(line.start_ms, ',')} --> {_clock(line.end_ms, ',')}\n{line.text}\n"
        for n, line in enumerate(timed, 1)
    ]
    return "\n".join(cues)


def vtt(timed: Sequence[Line]) -> str:
    """A WebVTT file: ``HH:MM:SS.mmm --> HH:MM:SS.mmm`` cues, text escaped for VTT."""
    cues = [
        f"{_clock(line.start_ms, '.')} --> {_clock(line.end_ms, '.')}\n{_vtt_text(line.text)}\n"
        for line in timed
    ]
    return "\n".join(["WEBVTT\n", *cues])


def _lrc_time(ms: int) -> str:
    minutes, rest = divmod(ms, 60_000)
    return f"{minutes:02d}:{rest // 1000:02d}.{rest % 1000 // 10:02d}"


def _clock(ms: int, separator: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}{separator}{rest % 1000:03d}"


def _vtt_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
