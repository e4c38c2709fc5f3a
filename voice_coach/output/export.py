"""Write a mixed session to disk: one MP3, M4B or WAV with tags, cover and chapters, or (``split``) a folder
with one file per chapter and an ``.m3u8`` playlist; cue sheets of everything said and a chapters JSON
beside the audio.

Files are safe: everything is written to temporary names in the target folder and renamed into place
only when all of it is complete, so an interrupted export (an error, Ctrl-C) leaves neither a partial
file at the target nor a temporary file behind, and an existing target is only replaced with ``force``.
Call ``formats.check_output`` before synthesis so a bad path fails before the slow work, then ``write``
(``export`` does both). Nothing here prints.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from voice_coach import interrupts
from voice_coach.audio.clip import Clip
from voice_coach.audio.wav import write_wav
from voice_coach.compiler.schedule import Schedule
from voice_coach.compiler.timeline import Timeline
from voice_coach.errors import ExportError, OutputError
from voice_coach.ffmpeg import find_ffmpeg
from voice_coach.output import cuesheets, m4b, mp3
from voice_coach.output.chapters_json import chapters_file, chapters_text
from voice_coach.output.cover import Cover, title_cover
from voice_coach.output.formats import Target, check_output
from voice_coach.output.names import playlist_name, track_file_name
from voice_coach.output.staging import Staging
from voice_coach.output.tags import ChapterMark, Tags, write_tags
from voice_coach.progress import Progress

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from voice_coach.audio.mixer import Mix


_CHUNK = 1 << 15


@dataclass(frozen=True)
class Track:
    """A part of the session written as its own file: its title and its samples ``[start, end)``."""

    title: str
    start: int
    end: int


def export(
    audio: Clip | Mix,
    schedule: Schedule | None,
    path: str | os.PathLike[str],
    *,
    bitrate: str = "64k",
    split: bool = False,
    cue_formats: Sequence[str] = (),
    force: bool = False,
    progress: Progress | None = None,
    check_peaks: bool = False,
    chapters_json: bool = False,
    cover: Cover | None = None,
) -> list[Path]:
    """Write ``audio`` (the rendered ``schedule``) to ``path``, checked first (``formats.check_output``);
    the paths written. See ``write``."""
    target = check_output(
        path, force=force, split=split, cue_formats=cue_formats, bitrate=bitrate, rate=audio.rate,
        chapters_json=chapters_json,
    )  # fmt: skip
    return write(audio, schedule, target, progress=progress, check_peaks=check_peaks, cover=cover)


def write(
    audio: Clip | Mix,
    schedule: Schedule | None,
    target: Target,
    *,
    progress: Progress | None = None,
    check_peaks: bool = False,
    cover: Cover | None = None,
) -> list[Path]:
    """Write ``audio`` (the rendered ``schedule``) to the checked ``target``; the paths written (a folder
    when ``split``).

    ``check_peaks``: decode each MP3 written and, if the encoder took a true peak above
    ``mp3.PEAK_LIMIT_DBTP`` (a loud, noisy music bed can make it), encode it again that much quieter.

    ``audio`` may be a ``Mix`` still waiting for phrases, with ``schedule`` None: a single file is then
    encoded as the mix goes (its chapters and cue sheets follow once the end is known); ``split`` needs
    the whole schedule first. The MP3 encoder starts before the first sample is asked for, so its own
    start-up overlaps the mixing.

    MP3 is mono at the target's bitrate, at the session's sample rate (raised to the next rate MP3
    allows). Tags are the timeline's title and artist, album = title, a genre and ``cover`` (default: one
    drawn with the title). Cue sheets: any of "lrc", "srt", "vtt"; ``chapters_json``: a Podcasting 2.0
    chapters file beside the audio. M4B is AAC at the bitrate, otherwise like MP3.
    """
    if schedule is not None:
        _check_audio(audio, schedule)
    timeline = schedule.timeline if schedule is not None else _timeline(audio)
    cover = cover or title_cover(timeline.title, timeline.artist)
    tags = Tags(timeline.title, timeline.artist, timeline.title, cover=cover)
    writer = _Writer(audio, schedule, target, tags, progress)
    writer.check_peaks = check_peaks
    try:
        with Staging(target.force) as staging:
            if target.split:
                written = [writer.write_split(staging, target.path.with_suffix(""))]
            else:
                written = writer.write_single(staging, target)
            staging.commit()
    except OutputError:  # a target that appeared meanwhile: the message says which
        raise
    except ExportError as error:
        raise ExportError(f"cannot write {target.path}: {error}") from error
    except OSError as error:  # a full disk, a file size limit, the folder removed meanwhile
        raise ExportError(f"cannot write {target.path}: {error.strerror or error}") from error
    return written


def split_tracks(schedule: Schedule) -> list[Track]:
    """One track per chapter, together covering the whole session (the first also takes any lead-in)."""
    chapters = schedule.chapters()
    if not chapters:
        return [Track(schedule.timeline.title, 0, schedule.total)]
    tracks = [Track(c.title, c.start, c.end) for c in chapters]
    tracks[0] = Track(tracks[0].title, 0, tracks[0].end)
    return tracks


class _Writer:
    """Writes the audio, tags and cue sheets of one export into staged files."""

    def __init__(
        self,
        audio: Clip | Mix,
        schedule: Schedule | None,
        target: Target,
        tags: Tags,
        progress: Progress | None,
    ) -> None:
        self.audio, self.known, self.kind, self.bitrate = audio, schedule, target.format.name, target.bitrate
        self.tags, self.cue_formats, self.progress = tags, target.cue_formats, progress
        self.chapters_json = target.chapters_json
        self.ffmpeg = find_ffmpeg() if target.format.encoded else ""
        self.done = 0
        self.check_peaks = False

    @property
    def schedule(self) -> Schedule:
        """The whole schedule (of a streaming mix: once every phrase is there)."""
        if self.known is None:
            assert not isinstance(self.audio, Clip)
            self.known = self.audio.schedule()
        return self.known

    def write_single(self, staging: Staging, target: Target) -> list[Path]:
        """The session as one file with chapter marks, and its cue sheets beside it."""
        path = staging.file(target.path)
        cue_files = [staging.file(target.path.with_suffix(f".{kind}")) for kind in self.cue_formats]
        chapters = staging.file(chapters_file(target.path)) if self.chapters_json else None
        self._audio(path, Track(self.tags.title, 0, -1), self.tags, None)
        whole = Track(self.tags.title, 0, self.schedule.total)
        for kind, cue_file in zip(self.cue_formats, cue_files, strict=True):
            self._cues(cue_file, kind, whole)
        if chapters is not None:
            chapters.write_text(chapters_text(self.schedule, self.tags.title, self.tags.artist), "utf-8")
        return target.paths()

    def write_split(self, staging: Staging, folder: Path) -> Path:
        """A folder of one numbered file per chapter, their cue sheets and an .m3u8 playlist."""
        inside = staging.folder(folder)
        tracks = split_tracks(self.schedule)
        playlist = ["#EXTM3U", f"#PLAYLIST:{self.tags.album}"]
        for number, track in enumerate(tracks, 1):
            name = track_file_name(number, len(tracks), track.title, f".{self.kind}")
            tags = replace(self.tags, title=track.title, track=(number, len(tracks)))  # the cover too
            self._audio(inside / name, track, tags, ())
            for kind in self.cue_formats:
                self._cues((inside / name).with_suffix(f".{kind}"), kind, track)
            seconds = round((track.end - track.start) / self.schedule.rate)
            playlist += [f"#EXTINF:{seconds},{self.tags.artist} - {track.title}", name]
        (inside / playlist_name(folder.name)).write_text("\n".join(playlist) + "\n", encoding="utf-8")
        return folder

    def _audio(self, path: Path, track: Track, tags: Tags, marks: Sequence[ChapterMark] | None) -> None:
        """Write ``track`` (``end`` -1: to the end of the session) and its tags; ``marks`` None: a chapter
        mark per chapter of the session, known once the audio is written."""
        rate = self.audio.rate
        if self.kind == "mp3":
            before, gain = self.done, 1 / mp3.LAME_LEVEL
            self._encode(path, track, gain)
            excess = mp3.decoded_true_peak(path, self.ffmpeg) - mp3.PEAK_LIMIT_DBTP if self.check_peaks else 0
            if excess > 0:  # the encoder overshot (a noisy music bed can): once more, that much quieter
                self.done = before
                self._encode(path, track, gain * 10 ** (-(excess + 0.3) / 20))
        elif self.kind == "m4b":
            with m4b.aac_encoder(path, rate, self.bitrate, self.ffmpeg) as encoder:
                encoder.write(self._chunks(track))
        else:
            write_wav(path, self._chunks(track), rate)
        if marks is None:
            marks = [
                ChapterMark(c.title, self.schedule.ms(c.start), self.schedule.ms(c.end))
                for c in self.schedule.chapters()
            ]
        write_tags(path, self.kind, tags, marks)

    def _encode(self, path: Path, track: Track, gain: float) -> None:
        import numpy as np

        chunks = self._chunks(track)
        if gain != 1.0:
            chunks = (np.rint(chunk * gain).astype(np.int16) for chunk in chunks)
        cutoff = mp3.MUSIC_CUTOFF_HZ if self.check_peaks else None  # peaks are checked under music
        with mp3.Mp3Encoder(path, self.audio.rate, self.bitrate, self.ffmpeg, cutoff_hz=cutoff) as encoder:
            encoder.write(chunks)

    def _cues(self, path: Path, kind: str, track: Track) -> None:
        timed = cuesheets.lines(self.schedule.speech(), self.schedule.rate, track.start, track.end)
        length = self.schedule.ms(track.end - track.start)
        tags = self.tags
        text = cuesheets.cue_sheet(
            kind, timed, title=track.title, artist=tags.artist, album=tags.album, length_ms=length
        )
        path.write_text(text, encoding="utf-8")

    def _chunks(self, track: Track) -> Iterator[npt.NDArray[np.int16]]:
        """The track's samples in chunks, counted for ``progress``."""
        for chunk in _pcm(self.audio, track.start, None if track.end < 0 else track.end):
            interrupts.check()
            yield chunk
            self.done += len(chunk)
            if self.progress:
                self.progress("encode", self.done, self._expected())

    def _expected(self) -> int:
        """The samples to write in all, as far as known (a streaming mix's length grows as it is placed)."""
        if self.known is not None or isinstance(self.audio, Clip) or self.audio.finished:
            return self.schedule.total
        return max(self.done + 1, self.audio.placed)


def _check_audio(audio: Clip | Mix, schedule: Schedule) -> None:
    """ValueError unless ``audio`` is ``schedule`` rendered (same rate, same length)."""
    length = len(audio.samples) if isinstance(audio, Clip) else audio.total
    if audio.rate != schedule.rate or length != schedule.total:
        raise ValueError(
            f"the audio ({length} samples at {audio.rate} Hz) is not this schedule rendered "
            f"({schedule.total} samples at {schedule.rate} Hz)"
        )


def _timeline(audio: Clip | Mix) -> Timeline:
    if isinstance(audio, Clip):
        raise ValueError("a Clip needs its schedule")
    return audio.timeline


def _pcm(audio: Clip | Mix, start: int, end: int | None) -> Iterator[npt.NDArray[np.int16]]:
    """Samples ``[start, end)`` of ``audio`` in chunks (``end`` None: to the end)."""
    if isinstance(audio, Clip):
        end = len(audio.samples) if end is None else end
        for lo in range(start, end, _CHUNK):
            yield audio.samples[lo : min(end, lo + _CHUNK)]
    else:
        yield from audio.chunks(start, end)
