"""The question at the end of ``voice-coach play``, end to end: a real process in a pseudo-terminal, real
synthesis, the real simpleaudio into the ALSA null device. The person answers with a key once the
question is on screen, or skips it; the rating lands in the history. ``show`` says the step and why."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import tty
from pathlib import Path

import pytest
from audio_cli_helpers import BEND, VOICE_COACH, run_cli, write_session
from click.testing import CliRunner

from voice_coach.cli.main import cli

PROMPT = b"How is your back now, from 0 to 10?"
DEADLINE_SECONDS = 120


@pytest.fixture
def null_device(tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "asound.conf"
    path.write_text("pcm.!default { type null }\n")
    return {"ALSA_CONFIG_PATH": str(path), "COLUMNS": "100", "VOICE_COACH_DATA_DIR": str(tmp_path / "data")}


def answered(args: list[str], answer: str, env: dict[str, str], prompt: bytes = PROMPT) -> tuple[int, str]:
    """``voice-coach ARGS`` in a terminal; ``answer`` typed once the question (``prompt``) is on screen.
    Its exit code and everything it drew."""
    master, slave = pty.openpty()
    tty.setcbreak(slave)
    with subprocess.Popen(
        [*VOICE_COACH, *args], stdin=slave, stderr=slave, stdout=subprocess.DEVNULL, env={**os.environ, **env}
    ) as process:
        os.close(slave)
        screen = bytearray()
        try:
            while True:
                ready, _, _ = select.select([master], [], [], DEADLINE_SECONDS)
                assert ready, f"no end; the terminal shows: {screen.decode(errors='replace')}"
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # the program exited
                    break
                if not chunk:
                    break
                screen += chunk
                if prompt in screen and answer:
                    os.write(master, answer.encode())
                    answer = ""
        finally:
            os.close(master)
            if process.poll() is None:
                process.kill()
        return process.wait(), screen.decode()


def ratings(env: dict[str, str]) -> list[object]:
    listed = run_cli(["history", "--json"], env)
    return [row["pain"] for row in json.loads(listed.stdout)]


def test_the_answer_by_key_is_kept_with_the_session(tmp_path: Path, null_device: dict[str, str]) -> None:
    play = ["play", str(write_session(tmp_path / "routines", BEND)), "--engine", "pyttsx3"]
    code, screen = answered(play, "4", null_device)
    assert code == 0, screen
    assert "Press 0-9 or t for 10; Enter skips." in screen and "Pain 4/10, kept with this session." in screen
    code, screen = answered(play, "t", null_device)
    assert "Pain 10/10" in screen
    code, screen = answered(play, "\n", null_device)
    assert code == 0 and "Skipped." in screen
    assert ratings(null_device) == [4, 10, None]


GERMAN_STRETCH = """id = "beugen"
title = "Beugen"
kind = "Dehnung"
language = "de"
setup = ["Beug dich nach vorn."]
hold = "3s"
sets = 1
"""


def test_a_german_session_asks_and_answers_in_german(tmp_path: Path, null_device: dict[str, str]) -> None:
    routine = tmp_path / "beugen.toml"
    routine.write_text(GERMAN_STRETCH, encoding="utf-8")
    prompt = "Wie geht es deinem Rücken jetzt, von 0 bis 10?"
    code, screen = answered(["play", str(routine)], "4", null_device, prompt.encode())
    assert code == 0, screen
    assert f"{prompt} Drück 0-9 oder t für 10; Enter überspringt." in screen
    assert "Schmerz 4/10, bei dieser Einheit gespeichert." in screen
    assert "How is your back" not in screen and "Pain 4" not in screen and "Keys:" not in screen
    assert "Tasten: Leertaste Pause/weiter" in screen and "noch 00:" in screen
    assert ratings(null_device) == [4]


def test_without_a_terminal_nothing_is_asked(tmp_path: Path, null_device: dict[str, str]) -> None:
    played = run_cli(
        ["play", str(write_session(tmp_path / "routines", BEND)), "--engine", "pyttsx3"], null_device
    )
    assert played.returncode == 0 and "How is your back" not in played.stderr
    assert ratings(null_device) == [None]


def test_show_says_the_step_and_why(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICE_COACH_DATA_DIR", str(tmp_path / "data"))
    for day, pain in (("2026-03-02", 3), ("2026-03-04", 2)):
        assert runner.invoke(cli, ["log", "spi", "--pain", str(pain), "--date", day]).exit_code == 0
    shown = runner.invoke(cli, ["show", "spi", "--estimate"]).stdout.splitlines()
    assert shown[:2] == [
        "Serratus posterior inferior program (spi)",
        "Progression: hold 25 s, 3 sets (step 2 of 5): pain 3 or less in your last 2 sessions",
    ]
    assert any(line.endswith("HOLD 25s (set 1 of 3, right)") for line in shown), "the step is played"
    chosen = runner.invoke(cli, ["show", "spi", "--estimate", "--step", "4"]).stdout
    assert "Progression: hold 30 s, 4 sets (step 4 of 5): the step you chose" in chosen
    assert "HOLD 30s (set 4 of 4, right)" in chosen
    plain = runner.invoke(cli, ["show", "spi", "--estimate", "--no-progression"]).stdout
    assert "Progression" not in plain and "HOLD 20s (set 1 of 3, right)" in plain and "set 4 of" not in plain
    for args, message in (
        (["--step", "6"], "Error: --step: 6 is outside spi's steps; choose 1 to 5\n"),
        (["--step", "2", "--no-progression"], "Error: give --step or --no-progression, not both\n"),
    ):
        result = runner.invoke(cli, ["show", "spi", "--estimate", *args])
        assert (result.exit_code, result.stderr) == (2, message)
