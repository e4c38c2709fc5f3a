"""``export`` to the formats phones read, through the CLI with a real engine (pyttsx3) and ffmpeg: an M4B
audiobook whose chapters are ``show``'s, a chapters JSON, a cover of the user's, and refusals of bad
covers and option mixes before any synthesis."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import mutagen
import pytest
from audio_cli_helpers import BEND, REACH, cache_entries, fails, ok, probe, show_json, write_session
from click.testing import CliRunner
from mutagen.mp4 import MP4

pytestmark = pytest.mark.slow

PYTTSX3 = ["--engine", "pyttsx3"]


@pytest.fixture
def session(tmp_path: Path) -> str:
    return str(write_session(tmp_path / "routines", REACH, BEND, title="Reach & bend"))


def test_m4b_with_chapters_json_and_a_cover(runner: CliRunner, session: str, tmp_path: Path) -> None:
    cover = tmp_path / "me.png"
    command = ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=blue:s=300x300", "-frames:v", "1"]
    subprocess.run([*command, str(cover)], check=True)
    target = tmp_path / "out" / "reach.m4b"
    target.parent.mkdir()
    args = [session, *PYTTSX3, "-o", str(target), "--chapters-json", "--cover", str(cover)]
    result = ok(runner, "export", *args)
    assert result.stdout.startswith(f"Wrote {target}, {target.with_suffix('.chapters.json')} (")
    show = show_json(runner, session, *PYTTSX3)
    expected = [(c["title"], c["start_ms"], c["end_ms"]) for c in show["chapters"]]
    found = [(c["tags"]["title"], c["start"], c["end"]) for c in probe(target, "-show_chapters")["chapters"]]
    assert found == [(expected[0][0], 0, expected[0][2]), *expected[1:]]  # the lead-in is the first's
    tags = MP4(target).tags
    assert bytes(tags["covr"][0]) == cover.read_bytes()
    assert (tags["©nam"], tags["©gen"]) == (["Reach & bend"], ["Health & Fitness"])
    document = json.loads(target.with_suffix(".chapters.json").read_text(encoding="utf-8"))
    assert document["version"] == "1.2.0" and document["title"] == "Reach & bend"
    found_json = [
        (c["title"], round(c["startTime"] * 1000), round(c["endTime"] * 1000)) for c in document["chapters"]
    ]
    assert found_json == expected
    assert sorted(p.name for p in target.parent.iterdir()) == ["reach.chapters.json", "reach.m4b"]


def test_an_mp3_gets_the_title_cover_and_a_genre(runner: CliRunner, session: str, tmp_path: Path) -> None:
    ok(runner, "export", session, *PYTTSX3, "-o", str(tmp_path / "out.mp3"))
    tags = mutagen.File(tmp_path / "out.mp3").tags
    (picture,) = tags.getall("APIC")
    assert picture.mime == "image/png" and picture.data.startswith(b"\x89PNG")
    assert str(tags["TCON"]) == "Health & Fitness"


REFUSED = [
    (["--cover", "{tmp}/notes.txt"], "cover art {tmp}/notes.txt is not a JPEG or PNG image"),
    (["--cover", "{tmp}/missing.jpg"], "cover art {tmp}/missing.jpg does not exist"),
    (["--cover", "{tmp}"], "cover art {tmp} is not a file"),
    (["--chapters-json", "--split"], "--chapters-json lists the chapters of one file: leave out --split"),
    (
        ["--sample-rate", "23000"],
        "Invalid value for '--sample-rate': an M4B cannot have 23000 Hz; "
        "use one of 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000",
    ),
]


@pytest.mark.parametrize(("options", "message"), REFUSED, ids=[" ".join(r[0]) for r in REFUSED])
def test_bad_cover_and_option_mixes_are_refused_before_synthesis(
    runner: CliRunner, tmp_path: Path, options: list[str], message: str
) -> None:
    (tmp_path / "notes.txt").write_text("not a picture")
    args = ["export", "kneeling-overhead", *PYTTSX3, "-o", str(tmp_path / "out.m4b")]
    result = fails(
        runner, [*args, *(o.format(tmp=tmp_path) for o in options)], 2, message.format(tmp=tmp_path)
    )
    assert result.stderr.count("\n") == 1
    assert cache_entries() == [] and not Path(os.environ["VOICE_COACH_CACHE_DIR"]).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_help_lists_the_new_options_under_output(runner: CliRunner) -> None:
    text = ok(runner, "export", "--help").stdout
    output = text.split("Output:")[1].split("Routine overrides:")[0]
    assert "--chapters-json" in output and "--cover FILE" in output and ".m4b" in output
