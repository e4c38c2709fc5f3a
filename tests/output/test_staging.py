"""Targets written exclusively, temporary files of dead runs removed, and Ctrl-C reaching voice-coach
alone: what an export promises about the files in its output folder."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from audio_cli_helpers import REACH, Stretch, write_session
from fakes import wait_for
from test_reliability import INTERRUPTED, PYTTSX3, children, cmdline, marked, start

import voice_coach as vc
from voice_coach.errors import OutputError


def appear_at(target: Path, content: str) -> Callable[[str, int, int], None]:
    """A progress callback that writes ``target`` (another export of the same name) once encoding runs."""

    def progress(stage: str, done: int, total: int) -> None:
        if stage != "synthesize" and not target.exists():
            if target.suffix:
                target.write_text(content, "utf-8")
            else:
                target.mkdir()

    return progress


@pytest.mark.parametrize("name", ["out.wav", "out.mp3"])
def test_a_target_that_appears_during_an_export_is_not_replaced(tmp_path: Path, name: str) -> None:
    timeline = vc.compile(vc.load(str(write_session(tmp_path, REACH))))
    target = tmp_path / "out" / name
    target.parent.mkdir()
    speech = vc.Speech(engine="pyttsx3")
    with pytest.raises(OutputError) as caught:
        vc.export(timeline, target, speech, progress=appear_at(target, "the other export's"), cues=["srt"])
    assert str(caught.value) == f"{target} already exists: add force to overwrite it"
    assert target.read_text("utf-8") == "the other export's"
    assert sorted(p.name for p in target.parent.iterdir()) == [name], "no cue sheet, no temporary file"


def test_a_split_folder_that_appears_during_an_export_is_not_replaced(tmp_path: Path) -> None:
    timeline = vc.compile(vc.load(str(write_session(tmp_path, REACH))))
    folder = tmp_path / "parts"
    with pytest.raises(OutputError, match="already exists"):
        vc.export(timeline, tmp_path / "parts.wav", vc.Speech(engine="pyttsx3"), split=True,
                  progress=appear_at(folder, ""))  # fmt: skip
    assert list(folder.iterdir()) == []
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_with_force_a_target_that_appears_is_replaced(tmp_path: Path) -> None:
    timeline = vc.compile(vc.load(str(write_session(tmp_path, REACH))))
    target = tmp_path / "out.wav"
    vc.export(timeline, target, vc.Speech(engine="pyttsx3"), force=True, progress=appear_at(target, "old"))
    assert target.read_bytes().startswith(b"RIFF")


def long_session(folder: Path) -> str:
    return str(write_session(folder / "routines", Stretch("long", "Long", "Reach up.", hold="10m", sets=3)))


def test_the_temporary_files_of_a_killed_export_are_removed_by_the_next_export(tmp_path: Path) -> None:
    """SIGKILL leaves an export no clean-up to run: its hidden ``.part`` files stay until the next export
    into that folder, which removes those of processes that are gone, and no one else's."""
    folder = tmp_path / "out"
    folder.mkdir()
    run = start(["export", long_session(tmp_path), *PYTTSX3, "-o", str(folder / "long.mp3")])
    wait_for(lambda: any(p.name.endswith(".part") for p in folder.iterdir()), "encoding to start")
    run.process.kill()
    run.finish()
    wait_for(lambda: not marked(run.mark), "ffmpeg to finish its input")
    left = [p.name for p in folder.iterdir()]
    assert left and all(name.startswith(f".long.mp3.{run.process.pid}-") for name in left)
    alive = folder / f".other.mp3.{os.getpid()}-0123abcd.part"  # a running export's: kept
    alive.write_bytes(b"")
    after = start(["export", str(write_session(tmp_path, REACH)), *PYTTSX3, "-o", str(folder / "next.wav")])
    assert after.finish()[0] == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(["next.wav", alive.name])


def test_ctrl_c_reaches_voice_coach_alone_and_always_says_interrupted(tmp_path: Path) -> None:
    """A terminal sends Ctrl-C to its whole foreground process group. ffmpeg must not be in it: it would
    exit 255 at once, and the export would sometimes report "ffmpeg failed" instead of "Interrupted."."""
    folder = tmp_path / "out"
    folder.mkdir()
    run = start(["export", long_session(tmp_path), *PYTTSX3, "-o", str(folder / "long.mp3")])
    try:
        wait_for(lambda: any(p.name.endswith(".part") for p in folder.iterdir()), "encoding to start")
        wait_for(lambda: bool(encoders(run.process.pid)), "ffmpeg to start")
        group = os.getpgid(run.process.pid)
        assert all(os.getpgid(pid) != group for pid in encoders(run.process.pid)), "ffmpeg in our group"
    finally:
        run.process.send_signal(signal.SIGINT)
    code, out, err = run.finish()
    assert (code, out, err) == (*INTERRUPTED[signal.SIGINT][:1], "", INTERRUPTED[signal.SIGINT][1])
    assert list(folder.iterdir()) == []
    assert marked(run.mark) == [], "ffmpeg was stopped"


def encoders(pid: int) -> list[int]:
    """The ffmpeg processes started by process ``pid``."""
    return [child for child in children(pid) if b"ffmpeg" in cmdline(child).split(b"\0")[0]]
