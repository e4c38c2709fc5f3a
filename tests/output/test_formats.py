"""The formats phones read, end to end on real engine output (pyttsx3) and real ffmpeg: the M4B audiobook
(AAC with MP4 chapters, as ``ffprobe -show_chapters`` and mutagen read them), the Podcasting 2.0
chapters JSON, cover art (generated or the user's) and the genre embedded in MP3, M4B and WAV."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import mutagen
import numpy as np
import pyloudnorm
import pytest
from audio_cli_helpers import decode, espeak_session, probe
from mutagen.mp4 import MP4, MP4Cover

from voice_coach.audio import mixer
from voice_coach.compiler.schedule import Schedule
from voice_coach.compiler.timeline import Chapter, Cue, Hold, Pause, Say, Timeline, Tone
from voice_coach.errors import OutputError
from voice_coach.output import export, formats, m4b
from voice_coach.output.cover import PNG_SIGNATURE, Cover, layout, printable, read_cover, title_cover
from voice_coach.output.mp3 import decoded_true_peak
from voice_coach.output.tags import GENRE

pytestmark = pytest.mark.slow

TIMELINE = Timeline(
    "formats",
    "Dehnung für den Nacken",
    (
        Pause(1000, "lead-in"),
        Chapter("Twist; left = #1 \\ back", "twist", "left"),
        Say("Twist to the left.", "step"),
        Tone("start"),
        Hold(5000, (Cue("Breathe.", "start", 1500, 1, "breath"),), "twist", 1, 1, "left"),
        Tone("end"),
        Chapter("Nacken, rechte Seite", "neck", "right"),
        Say("Tilt your head.", "step"),
        Tone("start"),
        Hold(4000, (), "neck", 1, 1, "right"),
        Tone("end"),
        Chapter("Finish", "finish"),
        Say("Well done.", "outro"),
    ),
)


@dataclass(frozen=True)
class Session:
    plan: Schedule
    mix: mixer.Mix


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    plan, clips = espeak_session(TIMELINE, tmp_path_factory.mktemp("cache"))
    return Session(plan, mixer.mix(plan, clips, ceiling_dbtp=formats.FORMATS["mp3"].ceiling_dbtp))


@pytest.fixture(scope="module")
def m4b_file(session: Session, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("m4b") / "session.m4b"
    written = export.export(session.mix, session.plan, target, chapters_json=True, cue_formats=("srt",))
    assert written == [target, target.with_suffix(".srt"), target.with_suffix(".chapters.json")]
    return target


def jpeg(path: Path) -> Path:
    """A small JPEG made by ffmpeg."""
    command = ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1"]
    subprocess.run([*command, str(path)], check=True)
    return path


# --- M4B ---------------------------------------------------------------------------------------------


def test_m4b_chapters_are_the_schedules_in_order(session: Session, m4b_file: Path) -> None:
    plan = session.plan
    expected = [(c.title, plan.ms(c.start), plan.ms(c.end)) for c in plan.chapters()]
    titles = ["Twist; left = #1 \\ back", "Nacken, rechte Seite", "Finish"]
    assert [title for title, _, _ in expected] == titles and expected[0][1] == 1000  # after the lead-in
    expected[0] = (titles[0], 0, expected[0][2])  # which belongs to the first chapter (as to a split's first)
    chapters = probe(m4b_file, "-show_chapters")["chapters"]
    assert all(c["time_base"] == "1/1000" for c in chapters)
    assert [(c["tags"]["title"], c["start"], c["end"]) for c in chapters] == expected
    nero = [(c.title, round(c.start * 1000)) for c in MP4(m4b_file).chapters]  # what mutagen reads
    assert nero == [(title, start) for title, start, _ in expected]


def test_m4b_is_a_mono_aac_audiobook_with_tags_and_cover(session: Session, m4b_file: Path) -> None:
    info = probe(m4b_file, "-show_format", "-show_streams")
    brand, tags = info["format"]["tags"]["major_brand"], info["format"]["tags"]
    assert brand == "M4B " and info["format"]["format_name"].startswith("mov,mp4,m4a")
    audio = [s for s in info["streams"] if s["codec_type"] == "audio"]
    assert [(s["codec_name"], s["channels"], int(s["sample_rate"])) for s in audio] == [
        ("aac", 1, session.plan.rate)
    ]
    assert abs(float(info["format"]["duration"]) - session.plan.total / session.plan.rate) < 0.010
    assert {k: tags[k] for k in ("title", "artist", "album", "genre")} == {
        "title": "Dehnung für den Nacken",
        "artist": "voice-coach",
        "album": "Dehnung für den Nacken",
        "genre": "Health & Fitness",
    }
    (cover,) = MP4(m4b_file).tags["covr"]
    assert cover.imageformat == MP4Cover.FORMAT_PNG
    assert bytes(cover) == title_cover("Dehnung für den Nacken", "voice-coach").data


def test_m4b_sounds_like_the_session(session: Session, m4b_file: Path) -> None:
    rate = session.plan.rate
    decoded = decode(m4b_file, rate)[: session.plan.total]  # ffmpeg keeps the encoder's end padding
    wav = session.mix.clip().samples
    meter = pyloudnorm.Meter(rate)
    loudness = [meter.integrated_loudness(s.astype(np.float64) / 32768) for s in (decoded, wav)]
    assert abs(loudness[0] - loudness[1]) < 0.5  # AAC decodes at the level it was given
    assert decoded_true_peak(m4b_file, "ffmpeg") <= -1.0  # the MP3 ceiling keeps the encoder's overshoot in


def test_m4b_split_files_are_numbered_audiobooks(session: Session, tmp_path: Path) -> None:
    export.export(session.mix, session.plan, tmp_path / "parts.m4b", split=True)
    names = sorted(p.name for p in (tmp_path / "parts").iterdir())
    assert names == [
        "01 Twist; left = #1 - back.m4b", "02 Nacken, rechte Seite.m4b", "03 Finish.m4b", "parts.m3u8"
    ]  # fmt: skip
    tags = MP4(tmp_path / "parts" / names[1]).tags
    assert tags["©nam"] == ["Nacken, rechte Seite"] and tags["trkn"] == [(2, 3)]
    assert tags["©gen"] == [GENRE] and "covr" in tags


def test_ffmetadata_escapes_what_it_must() -> None:
    text = m4b.ffmetadata([("a=b;c#d\\e", 0, 1500)])
    assert text == ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=a\\=b\\;c\\#d\\\\e\n"


# --- chapters JSON -----------------------------------------------------------------------------------


def test_chapters_json_lists_the_chapters_in_seconds(session: Session, m4b_file: Path) -> None:
    document = json.loads(m4b_file.with_suffix(".chapters.json").read_text(encoding="utf-8"))
    plan = session.plan
    assert document == {
        "version": "1.2.0",
        "title": "Dehnung für den Nacken",
        "author": "voice-coach",
        "chapters": [
            {"startTime": plan.ms(c.start) / 1000, "endTime": plan.ms(c.end) / 1000, "title": c.title}
            for c in plan.chapters()
        ],
    }
    first = document["chapters"][0]["startTime"]
    assert first == 1 and isinstance(first, int)  # after the lead-in; a whole second has no fraction


def test_chapters_json_is_refused_with_split_and_needs_force(session: Session, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"^chapters_json lists the chapters of one file: leave out split$"):
        formats.check_output(tmp_path / "out.mp3", split=True, chapters_json=True)
    (tmp_path / "out.chapters.json").write_text("old")
    with pytest.raises(OutputError, match=r"out\.chapters\.json already exists"):
        formats.check_output(tmp_path / "out.mp3", chapters_json=True)
    formats.check_output(tmp_path / "out.mp3")  # without it, the old file is no concern
    export.export(session.mix, session.plan, tmp_path / "out.wav", chapters_json=True, force=True)
    assert json.loads((tmp_path / "out.chapters.json").read_text())["version"] == "1.2.0"


# --- cover art and genre -----------------------------------------------------------------------------


def test_mp3_embeds_the_generated_cover_and_a_genre(session: Session, tmp_path: Path) -> None:
    target = tmp_path / "session.mp3"
    export.export(session.mix, session.plan, target)
    tags = mutagen.File(target).tags
    (picture,) = tags.getall("APIC")
    assert (picture.type, picture.mime) == (3, "image/png")
    assert picture.data == title_cover("Dehnung für den Nacken", "voice-coach").data
    assert str(tags["TCON"]) == "Health & Fitness"
    chapters = probe(target, "-show_chapters")["chapters"]  # the picture does not disturb their order
    assert [c["tags"]["title"] for c in chapters] == [c.title for c in session.plan.chapters()]


@pytest.mark.parametrize("suffix", [".mp3", ".m4b", ".wav"])
def test_a_given_cover_is_embedded_as_it_is(session: Session, tmp_path: Path, suffix: str) -> None:
    image = jpeg(tmp_path / "me.jpg")
    target = tmp_path / f"session{suffix}"
    export.export(session.mix, session.plan, target, cover=read_cover(image))
    if suffix == ".m4b":
        (cover,) = MP4(target).tags["covr"]
        assert cover.imageformat == MP4Cover.FORMAT_JPEG and bytes(cover) == image.read_bytes()
    else:
        (picture,) = mutagen.File(target).tags.getall("APIC")
        assert picture.mime == "image/jpeg" and picture.data == image.read_bytes()
    (shown,) = probe(target, "-show_streams", "-select_streams", "v")["streams"]
    assert (shown["codec_name"], shown["width"], shown["disposition"]["attached_pic"]) == ("mjpeg", 64, 1)


def test_the_generated_cover_is_a_square_png_with_the_title(tmp_path: Path) -> None:
    cover = title_cover("Spine & posture (8 min)", "voice-coach")
    assert cover.mime == "image/png" and cover.data.startswith(PNG_SIGNATURE)
    (tmp_path / "cover.png").write_bytes(cover.data)
    (stream,) = probe(tmp_path / "cover.png", "-show_streams")["streams"]
    assert (stream["codec_name"], stream["width"], stream["height"]) == ("png", 600, 600)
    command = ["ffmpeg", "-v", "error", "-i", str(tmp_path / "cover.png"), "-f", "rawvideo"]
    command += ["-pix_fmt", "rgb24", "-"]
    pixels = np.frombuffer(subprocess.run(command, capture_output=True, check=True).stdout, np.uint8)
    pixels = pixels.reshape(600, 600, 3)
    assert tuple(pixels[200, 300]) == (244, 177, 92)  # the disc
    text = pixels[372:540, 40:560]
    assert (text == 250).sum() > 5000  # white title letters below it
    assert title_cover("Other").data != cover.data and title_cover("Other").data == title_cover("Other").data


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Dehnung für den Nacken 🧘", (["DEHNUNG FUR", "DEN NACKEN"], 8)),
        ("Straße", (["STRASSE"], 9)),
        ("背中のストレッチ", ([], 9)),
        ("word " * 40, (["WORD " * 5 + "WORD", "WORD " * 5 + "WORD", "WORD " * 4 + "WORD..."], 3)),
    ],
)
def test_titles_are_drawn_in_the_fonts_capitals(title: str, expected: tuple[list[str], int]) -> None:
    assert layout(printable(title)) == expected


def test_a_bad_cover_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes.png").write_text("not a picture")
    (tmp_path / "folder.jpg").mkdir()
    (tmp_path / "big.png").write_bytes(PNG_SIGNATURE + bytes(10_000_001))
    for name, problem in [
        ("notes.png", "is not a JPEG or PNG image"),
        ("missing.jpg", "does not exist"),
        ("folder.jpg", "is not a file"),
        ("big.png", "is 10.0 MB: use an image under 10 MB"),
    ]:
        with pytest.raises(OutputError, match=f"^cover art {tmp_path / name} {problem}$"):
            read_cover(tmp_path / name)
    assert read_cover(jpeg(tmp_path / "ok.jpg")) == Cover((tmp_path / "ok.jpg").read_bytes(), "image/jpeg")


def test_an_interrupted_m4b_export_leaves_nothing_behind(session: Session, tmp_path: Path) -> None:
    calls = []

    def interrupt(stage: str, done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export.export(session.mix, session.plan, tmp_path / "out.m4b", chapters_json=True, progress=interrupt)
    assert list(tmp_path.iterdir()) == []
