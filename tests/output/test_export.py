"""Export end to end, on real engine output (pyttsx3): every file is decoded again with ffmpeg/ffprobe
and measured: hold lengths, chapters, tags, duration, loudness, split files, cue sheets, music bed,
and what is left on disk when an export fails or is interrupted."""

from __future__ import annotations

import os
import re
import subprocess
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import mutagen
import numpy as np
import numpy.typing as npt
import pyloudnorm
import pytest
from audio_cli_helpers import decode, espeak_session, probe
from mutagen.id3 import CTOCFlags

from voice_coach.audio import mixer
from voice_coach.audio.clip import Clip
from voice_coach.audio.music_file import read_music
from voice_coach.compiler.schedule import Schedule
from voice_coach.compiler.timeline import Chapter, Cue, Hold, Pause, Rest, Say, Timeline, Tone
from voice_coach.errors import ExportError
from voice_coach.ffmpeg import find_ffmpeg
from voice_coach.output import export, formats
from voice_coach.output import mp3 as encoding
from voice_coach.output.tags import ChapterMark, Tags, write_tags

pytestmark = pytest.mark.slow

TIMELINE = Timeline(
    "test-session",
    "Test session",
    (
        Pause(1000, "lead-in"),
        Chapter("Kneeling twist", "kneeling-twist"),
        Say("Kneel and twist to the left.", "step"),
        Tone("start"),
        Hold(7000, (), "kneeling-twist", 1, 1),
        Tone("end"),
        Say("Release.", "release"),
        Rest(4000, (Cue("Get ready.", "end", 500, 1, "ready"),)),
        Chapter("Side bend / right ../..", "side-bend", "right"),
        Say("Bend to the right.", "step"),
        Tone("start"),
        Hold(
            23000,
            (
                Cue("Breathe from the belly.", "start", 3000, 1, "breath"),
                Cue("Ten seconds left.", "end", 10000, 2, "count"),
            ),
            "side-bend",
            1,
            1,
            "right",
        ),
        Tone("end"),
        Say("Release.", "release"),
        Chapter("Finish", "finish"),
        Say("Well done.", "outro"),
    ),
)
QUIET = 100  # -50 dBFS in int16 units


@dataclass(frozen=True)
class Session:
    plan: Schedule
    clips: dict[str, Clip]
    mix: mixer.Mix


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    plan, clips = espeak_session(TIMELINE, tmp_path_factory.mktemp("cache"))
    assert not plan.dropped
    return Session(plan, clips, mixer.mix(plan, clips))


@pytest.fixture(scope="module")
def mp3(session: Session, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("mp3") / "session.mp3"
    export.export(session.mix, session.plan, target, cue_formats=("lrc", "srt", "vtt"))
    return target


def quiet_runs(samples: npt.NDArray[np.int16], rate: int, min_ms: int = 300) -> list[tuple[int, int]]:
    """``[start, end)`` of every stretch of at least ``min_ms`` below -50 dBFS."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > QUIET)
    edges = np.concatenate(([-1], loud, [len(samples)]))
    gaps = np.flatnonzero(np.diff(edges) > min_ms * rate // 1000)
    return [(int(edges[i]) + 1, int(edges[i + 1])) for i in gaps]


def lufs(samples: npt.NDArray[np.int16], rate: int) -> float:
    return float(pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64) / 32768))


@pytest.mark.parametrize(("suffix", "tolerance_ms"), [(".wav", 2), (".mp3", 15)])
def test_each_hold_is_silent_for_exactly_the_requested_time(
    session: Session, tmp_path: Path, suffix: str, tolerance_ms: int
) -> None:
    plan, target = session.plan, tmp_path / f"holds{suffix}"
    export.export(session.mix, plan, target)
    runs = quiet_runs(decode(target, plan.rate), plan.rate)
    holds = [slot for slot in plan.slots if isinstance(slot.block, Hold)]
    assert [h.block.ms for h in holds if isinstance(h.block, Hold)] == [7000, 23000]
    for hold in holds:
        assert isinstance(hold.block, Hold)
        after_start_chime = min(runs, key=lambda run: abs(run[0] - hold.start))
        before_end_chime = min(runs, key=lambda run: abs(run[1] - hold.end))
        measured_ms = (before_end_chime[1] - after_start_chime[0]) * 1000 / plan.rate
        assert abs(measured_ms - hold.block.ms) <= tolerance_ms
        assert abs(after_start_chime[0] - hold.start) * 1000 / plan.rate <= tolerance_ms


def test_the_cues_of_a_hold_break_its_silence_where_scheduled(session: Session, mp3: Path) -> None:
    plan = session.plan
    runs = quiet_runs(decode(mp3, plan.rate), plan.rate)
    long_hold = next(s for s in plan.slots if isinstance(s.block, Hold) and s.block.ms == 23000)
    for cue in long_hold.speech:
        placed = session.mix.render(cue.start, cue.end)  # nothing else sounds in a hold
        audible = cue.start + int(np.argmax(np.abs(placed) * 32768 > QUIET))  # after the phrase's own lead-in
        ends_silence = min(runs, key=lambda run: abs(run[1] - audible))
        assert abs(ends_silence[1] - audible) * 1000 / plan.rate <= 15


def test_mp3_chapters_are_the_schedules_in_time_order(session: Session, mp3: Path) -> None:
    chapters = probe(mp3, "-show_chapters")["chapters"]
    expected = session.plan.chapters()
    assert [c["tags"]["title"] for c in chapters] == [c.title for c in expected]
    assert [c["start"] for c in chapters] == [session.plan.ms(c.start) for c in expected]
    assert [c["end"] for c in chapters] == [session.plan.ms(c.end) for c in expected]
    assert [c["start"] for c in chapters] == sorted({c["start"] for c in chapters})


def test_mp3_has_tags_and_a_table_of_contents(mp3: Path) -> None:
    tags = mutagen.File(mp3).tags
    assert str(tags["TIT2"]) == "Test session" and str(tags["TALB"]) == "Test session"
    assert str(tags["TPE1"]) == "voice-coach"
    toc = tags["CTOC:toc"]
    assert toc.flags == CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    titles = [str(tags[f"CHAP:{i}"].sub_frames["TIT2"]) for i in toc.child_element_ids]
    assert titles == ["Kneeling twist", "Side bend / right ../..", "Finish"]


def test_chapter_frames_are_written_in_time_order_whatever_their_titles(tmp_path: Path) -> None:
    silence = Clip(np.zeros(22050 * 12, np.int16), 22050)
    titles = ["A first chapter with a very long title indeed", "B", "Ç 😀 emoji", "", "Ω" * 30, "short"]
    marks = [ChapterMark(title, n * 2000, n * 2000 + 2000) for n, title in enumerate(titles)]
    target = tmp_path / "order.mp3"
    with encoding.Mp3Encoder(target, 22050, "32k", find_ffmpeg()) as encoder:
        encoder.write([silence.samples])
    write_tags(target, "mp3", Tags("t", "voice-coach", "a"), list(reversed(marks)))
    chapters = probe(target, "-show_chapters")["chapters"]
    expected = [(m.start_ms, m.title or "Chapter 4") for m in marks]
    assert [(c["start"], c["tags"]["title"]) for c in chapters] == expected


def test_mp3_is_mono_and_lasts_the_schedules_total(session: Session, mp3: Path) -> None:
    rate, total = session.plan.rate, session.plan.total
    decoded = decode(mp3, rate)
    assert abs(len(decoded) - total) <= rate // 1000  # the LAME header lets decoders trim delay and padding
    info = probe(mp3, "-show_entries", "format=duration,start_time:stream=channels,bit_rate")
    fmt, stream = info["format"], info["streams"][0]
    # ffprobe's duration also counts the encoder's padding (tens of ms); its start_time is the delay.
    assert abs(float(fmt["duration"]) - float(fmt["start_time"]) - total / rate) < 0.050
    assert stream["channels"] == 1 and abs(int(stream["bit_rate"]) - 64000) <= 8000


def test_mp3_loudness_is_near_the_target(session: Session, mp3: Path) -> None:
    # Each phrase is levelled on its own (see audio.sounds): this made-up session of espeak's short
    # phrases and frequent chimes measures about 1.2 LU under; real content is checked within 1 LU by
    # tests/test_streaming.py.
    assert abs(lufs(decode(mp3, session.plan.rate), session.plan.rate) - -16.0) < 1.5


def test_wav_meets_another_target_and_never_clips(session: Session, tmp_path: Path) -> None:
    quieter = mixer.mix(session.plan, session.clips, loudness_lufs=-23.0)
    export.export(quieter.clip(), session.plan, tmp_path / "quiet.wav")
    samples = decode(tmp_path / "quiet.wav", session.plan.rate)
    assert abs(lufs(samples, session.plan.rate) - -23.0) < 1.0
    assert np.abs(samples.astype(np.int32)).max() <= 32768 * 10 ** (mixer.CEILING_DBTP / 20)


def test_cue_sheets_list_everything_said_at_its_exact_time(session: Session, mp3: Path) -> None:
    plan = session.plan
    said = [(plan.ms(s.start), plan.ms(s.end), s.text) for s in plan.speech()]
    srt = re.findall(
        r"\d+\n(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})\n(.+)\n",
        mp3.with_suffix(".srt").read_text(),
    )

    def ms(h: str, m: str, s: str, f: str) -> int:
        return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(f)

    assert [(ms(*c[0:4]), ms(*c[4:8]), c[8]) for c in srt] == said
    lrc = re.findall(r"^\[(\d\d):(\d\d)\.(\d\d)\](.+)$", mp3.with_suffix(".lrc").read_text(), re.MULTILINE)
    assert [((int(m) * 60 + int(s)) * 100 + int(c), text) for m, s, c, text in lrc] == [
        (a // 10, t) for a, _, t in said
    ]
    vtt = mp3.with_suffix(".vtt").read_text()
    assert vtt.startswith("WEBVTT\n") and vtt.count(" --> ") == len(said)


def test_split_wav_files_add_up_to_the_whole(session: Session, tmp_path: Path) -> None:
    export.export(session.mix, session.plan, tmp_path / "whole.wav")
    export.export(session.mix, session.plan, tmp_path / "parts.wav", split=True, cue_formats=("lrc",))
    folder = tmp_path / "parts"
    names = ["01 Kneeling twist.wav", "02 Side bend - right.wav", "03 Finish.wav"]
    assert sorted(p.name for p in folder.glob("*.wav")) == names
    playlist = (folder / "parts.m3u8").read_text().splitlines()
    assert playlist[0] == "#EXTM3U" and [line for line in playlist if not line.startswith("#")] == names
    parts = np.concatenate([decode(folder / name, session.plan.rate) for name in names])
    np.testing.assert_array_equal(parts, decode(tmp_path / "whole.wav", session.plan.rate))
    assert "[00:00.00]Bend to the right." in (folder / "02 Side bend - right.lrc").read_text()


def test_split_mp3_files_add_up_to_the_whole_and_are_numbered(session: Session, tmp_path: Path) -> None:
    export.export(session.mix, session.plan, tmp_path / "parts.mp3", split=True)
    files = sorted((tmp_path / "parts").glob("*.mp3"))
    lengths = [len(decode(f, session.plan.rate)) for f in files]
    assert abs(sum(lengths) - session.plan.total) <= len(files) * session.plan.rate // 1000
    tags = [probe(f, "-show_entries", "format_tags")["format"]["tags"] for f in files]
    assert [t["track"] for t in tags] == ["1/3", "2/3", "3/3"]
    assert {t["album"] for t in tags} == {"Test session"}


def test_the_music_bed_is_quieter_under_speech_than_between_cues(session: Session, tmp_path: Path) -> None:
    plan = session.plan
    music_file = tmp_path / "music.mp3"
    lavfi = "sine=frequency=330:sample_rate=44100:duration=5"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", lavfi, "-ac", "2", str(music_file)], check=True
    )
    music = read_music(music_file)
    plain = mixer.mix(plan, session.clips, loudness_lufs=None)
    with_music = mixer.mix(plan, session.clips, loudness_lufs=None, music=music)
    export.export(plain, plan, tmp_path / "plain.wav")
    export.export(with_music, plan, tmp_path / "music.wav")
    bed = decode(tmp_path / "music.wav", plan.rate).astype(np.float64) - decode(
        tmp_path / "plain.wav", plan.rate
    )

    def level(start: int, end: int) -> float:
        return float(10 * np.log10(np.mean(np.square(bed[start:end]))))

    fade = 3 * plan.rate
    under = [level(s.start, s.end) for s in plan.speech() if fade < s.start and s.end < plan.total - fade]
    holds = [s for s in plan.slots if isinstance(s.block, Hold)]
    between = [level(h.start + plan.rate, h.start + 2 * plan.rate) for h in holds]
    assert under and max(under) < min(between) - 9.0


def test_an_interrupted_export_leaves_nothing_behind(session: Session, tmp_path: Path) -> None:
    calls = []

    def interrupt(stage: str, done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 3:
            raise KeyboardInterrupt

    for split in (False, True):
        with pytest.raises(KeyboardInterrupt):
            export.export(
                session.mix,
                session.plan,
                tmp_path / "out.mp3",
                split=split,
                cue_formats=("srt",),
                progress=interrupt,
            )
        calls.clear()
        assert list(tmp_path.iterdir()) == []
    assert not ffmpeg_children()


def test_an_encoder_failing_midway_keeps_the_old_file(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.mp3"
    target.write_bytes(b"the previous export")
    real_write = encoding.Mp3Encoder.write

    def write_then_break(encoder: encoding.Mp3Encoder, chunks: Iterator[npt.NDArray[np.int16]]) -> None:
        def some() -> Iterator[npt.NDArray[np.int16]]:
            for n, chunk in enumerate(chunks):
                if n == 5:
                    raise KeyboardInterrupt
                yield chunk

        real_write(encoder, some())

    monkeypatch.setattr(encoding.Mp3Encoder, "write", write_then_break)
    with pytest.raises(KeyboardInterrupt):
        export.export(session.mix, session.plan, target, force=True, cue_formats=("lrc",))
    assert [p.name for p in tmp_path.iterdir()] == ["out.mp3"]
    assert target.read_bytes() == b"the previous export"
    assert not ffmpeg_children()


def test_a_streaming_mix_is_encoded_as_its_phrases_arrive(session: Session, tmp_path: Path) -> None:
    """A mix still waiting for phrases (schedule None): ffmpeg is already running when the first phrase
    is asked for, the file is the same as from the finished mix, and its chapters come at the end."""
    encoders_running: list[bool] = []

    def phrase(text: str) -> Clip:
        encoders_running.append(bool(ffmpeg_children()))
        return session.clips[text]

    streaming = mixer.Mix(TIMELINE, phrase, session.plan.rate)
    export.export(streaming, None, tmp_path / "streamed.mp3")
    export.export(session.mix, session.plan, tmp_path / "whole.mp3")
    assert encoders_running[0] is True  # ffmpeg's start-up overlapped the first phrase
    assert (tmp_path / "streamed.mp3").read_bytes() == (tmp_path / "whole.mp3").read_bytes()

    def interrupted(text: str) -> Clip:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export.export(mixer.Mix(TIMELINE, interrupted, session.plan.rate), None, tmp_path / "never.mp3")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["streamed.mp3", "whole.mp3"]
    assert not ffmpeg_children()


def ffmpeg_children() -> list[str]:
    """Command lines of this process's ffmpeg children (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == os.getpid() and "ffmpeg" in (stat.parent / "cmdline").read_text():
                found.append(stat.parent.name)
        except (OSError, IndexError):
            continue
    return found


def test_an_existing_target_needs_force(session: Session, tmp_path: Path) -> None:
    target = tmp_path / "out.wav"
    target.write_bytes(b"keep me")
    with pytest.raises(ExportError, match="already exists: add force to overwrite it"):
        export.export(session.mix, session.plan, target)
    assert target.read_bytes() == b"keep me"
    export.export(session.mix, session.plan, target, force=True)
    with wave.open(str(target)) as written:
        assert written.getnframes() == session.plan.total
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "old.txt").write_text("old")
    with pytest.raises(ExportError, match="already exists: add force to overwrite it"):
        formats.check_output(tmp_path / "parts.wav", split=True)
    export.export(session.mix, session.plan, tmp_path / "parts.wav", split=True, force=True)
    assert (
        not (tmp_path / "parts" / "old.txt").exists()
        and (tmp_path / "parts" / "01 Kneeling twist.wav").exists()
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.wav", "parts"]


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("missing/out.mp3", {}, "does not exist"),
        ("out.ogg", {}, "name it .mp3, .m4b or .wav"),
        ("folder.mp3", {}, "is a folder"),
        ("a-file/out.mp3", {}, "is not a folder"),
        ("out.mp3", {"bitrate": "fast"}, "bitrate"),
        ("out.mp3", {"bitrate": "192k", "rate": 22050}, "at 22050 Hz cannot have the bitrate 192k"),
        ("out.mp3", {"bitrate": "8k", "rate": 44100}, "at 44100 Hz cannot have the bitrate 8k"),
        ("out.mp3", {"bitrate": "192k", "rate": 23000}, "at 24000 Hz cannot have the bitrate 192k"),
        ("out.mp3", {"cue_formats": ("txt",)}, "cue sheet format 'txt'"),
        ("out.m4b", {"bitrate": "8k"}, r"^bitrate '8k' is not valid for an M4B: use 16k to 320k"),
        ("out.m4b", {"bitrate": "192k", "rate": 24000}, r"M4B at 24000 Hz: use 16k to 144k, such as 64k$"),
        ("out.m4b", {"bitrate": "64"}, "bitrate '64' is not valid for an M4B"),
    ],
)
def test_check_output_refuses_bad_targets_before_any_work(
    tmp_path: Path, name: str, options: dict[str, object], message: str
) -> None:
    (tmp_path / "folder.mp3").mkdir()
    (tmp_path / "a-file").write_text("")
    with pytest.raises(ExportError, match=message):
        formats.check_output(tmp_path / name, **options)  # type: ignore[arg-type]


def test_every_mp3_bitrate_is_accepted_at_the_rates_that_have_it(tmp_path: Path) -> None:
    for rate, kbits in ((22050, encoding.MPEG2_BITRATES), (44100, encoding.MPEG1_BITRATES)):
        for k in kbits:
            formats.check_output(tmp_path / "out.mp3", bitrate=f"{k}k", rate=rate)
    formats.check_output(tmp_path / "out.wav", bitrate="320k", rate=22050)  # a WAV has no bitrate


def test_an_m4b_takes_aac_bitrates_that_no_mp3_has(tmp_path: Path) -> None:
    """AAC has no fixed list: 44k or 144k (the most one mono channel at 24000 Hz holds) are fine."""
    for kbits in (16, 44, 144):
        formats.check_output(tmp_path / "out.m4b", bitrate=f"{kbits}k", rate=24000)


def test_check_output_reports_an_unwritable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(**_: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("voice_coach.output.formats.tempfile.TemporaryFile", refuse)
    with pytest.raises(ExportError, match=r"cannot write to the folder .*Permission denied"):
        formats.check_output(tmp_path / "out.wav")


def test_without_ffmpeg_mp3_says_how_to_install_it_and_wav_still_works(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ExportError, match=r"sudo apt-get install ffmpeg.*\./scripts/setup\.sh"):
        formats.check_output(tmp_path / "out.mp3")
    export.export(session.mix, session.plan, tmp_path / "out.wav", cue_formats=("lrc",))
    with wave.open(str(tmp_path / "out.wav")) as written:
        assert (written.getnchannels(), written.getframerate(), written.getnframes()) == (
            1,
            session.plan.rate,
            session.plan.total,
        )
    assert str(mutagen.File(tmp_path / "out.wav").tags["TPE1"]) == "voice-coach"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Kneeling twist", "01 Kneeling twist.mp3"),
        ("../../etc/passwd", "01 etc-passwd.mp3"),
        ("/absolute/path", "01 absolute-path.mp3"),
        ("Side bend — right", "01 Side bend — right.mp3"),
        ("Dehnung für den Nacken 🧘, left side", "01 Dehnung für den Nacken 🧘, left side.mp3"),
        ("Dehnung für den Nacken ?, left side", "01 Dehnung für den Nacken, left side.mp3"),
        ("Estiramiento de cuello: derecha", "01 Estiramiento de cuello derecha.mp3"),
        ("a/b|c\\d", "01 a-b-c-d.mp3"),
        ("Hold: 30 s", "01 Hold 30 s.mp3"),
        ("Tab\there", "01 Tab here.mp3"),
        ("CON", "01 Chapter CON.mp3"),
        ("...", "01 Chapter.mp3"),
        ('a<b>c:"d|e?*', "01 abcd-e.mp3"),
    ],
)
def test_track_file_names_are_safe(title: str, expected: str) -> None:
    assert export.track_file_name(1, 3, title, ".mp3") == expected
    assert export.track_file_name(7, 120, "x", ".wav") == "007 x.wav"
