"""``voice-coach play --resume`` end to end: real processes in a real terminal (a pseudo-terminal), real
synthesis, the real simpleaudio into the ALSA null device. A session is stopped part-way with keys, as a
person would, and the next ``--resume`` starts at the step where it stopped.

The keys are typed before the session starts, so where it stops never depends on timing: space pauses
before the first sound, ``]`` and ``n`` move while paused (which stays paused), ``q`` quits. The phrase
cache is warm by then, so the whole session is known at the first key.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import tty
from pathlib import Path

import pytest
from audio_cli_helpers import BEND, REACH, VOICE_COACH, run_cli, write_session

from voice_coach import KEY_HELP

PYTTSX3 = ["--engine", "pyttsx3", "--no-ask"]
NO_RESUME = "Warning: no unfinished session of tiny in the history; starting at the beginning\n"
DEADLINE_SECONDS = 120
"""How long a session may take to end before the test gives up on it (it takes a few seconds)."""


@pytest.fixture
def null_device(tmp_path: Path) -> dict[str, str]:
    """ALSA's default output is the null device: it takes the sound and plays it nowhere."""
    path = tmp_path / "asound.conf"
    path.write_text("pcm.!default { type null }\n")
    return {"ALSA_CONFIG_PATH": str(path), "COLUMNS": "100"}


def in_terminal(args: list[str], keys: str, env: dict[str, str]) -> tuple[int, str, str]:
    """``voice-coach ARGS`` with a terminal on stdin and stderr and ``keys`` already typed: its exit code,
    everything it drew on the terminal, and its stdout."""
    master, slave = pty.openpty()
    tty.setcbreak(slave)  # as play sets it: each key readable at once, not echoed
    os.write(master, keys.encode())
    with subprocess.Popen(
        [*VOICE_COACH, *args],
        stdin=slave,
        stderr=slave,
        stdout=subprocess.PIPE,
        env={**os.environ, **env},
        text=True,
    ) as process:
        os.close(slave)
        try:
            screen = drawn(master)
        finally:
            os.close(master)
            if process.poll() is None:
                process.kill()
        assert process.stdout is not None
        return process.wait(), screen, process.stdout.read()


def drawn(master: int) -> str:
    """Everything written to the terminal until the program closes it (its exit)."""
    screen = bytearray()
    while True:
        ready, _, _ = select.select([master], [], [], DEADLINE_SECONDS)
        assert ready, f"the session did not end; the terminal shows: {screen.decode(errors='replace')}"
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the program has exited, closing the terminal
            break
        if not chunk:
            break
        screen += chunk
    return screen.decode()


def status_lines(screen: str) -> list[str]:
    """The status lines drawn, in order (each redrawn over the one before with a carriage return); not
    the lines of the keys banner, broken between keys to fit the terminal."""
    keys = set(KEY_HELP.split(" | "))
    parts = (part.strip() for part in re.split(r"[\r\n]", screen))
    return [part for part in parts if " | " in part and not set(part.split(" | ")) <= keys]


def history(env: dict[str, str]) -> list[dict[str, object]]:
    listed = run_cli(["history", "--json"], env)
    assert listed.returncode == 0, listed.stderr
    rows: list[dict[str, object]] = json.loads(listed.stdout)
    return rows


def test_resume_starts_at_the_step_where_the_session_was_stopped(
    tmp_path: Path, null_device: dict[str, str]
) -> None:
    session = str(write_session(tmp_path / "routines", REACH, BEND))
    play = ["play", session, *PYTTSX3]

    first = run_cli([*play, "--resume"], null_device)  # nothing to resume yet; warms the phrase cache
    assert (first.returncode, first.stderr) == (0, NO_RESUME)
    assert re.fullmatch(r"Tiny: \d+ s, 2 stretches\n", first.stdout), first.stdout

    code, screen, _ = in_terminal(play, " nnnq", null_device)  # pause, three steps on, quit
    assert code == 0, screen
    stopped_at = status_lines(screen)[-1]
    assert stopped_at.startswith("Paused | Reach | set 1 of 2 | Reach up. | "), screen

    code, screen, summary = in_terminal([*play, "--resume"], "", null_device)
    assert code == 0, screen
    resumed = status_lines(screen)
    assert resumed[0] == stopped_at.removeprefix("Paused | "), "the same step, the same time left"
    assert not any(line.startswith("Paused") for line in resumed)
    assert re.fullmatch(r"Tiny: \d+ s, 2 stretches\n", summary), summary

    whole, quit_, resumed_entry = history(null_device)
    assert (quit_["ended"], quit_["stopped_routine"], quit_["completed"]) == ("quit", "reach", False)
    assert resumed_entry["ended"] == "finished"
    heard = int(str(resumed_entry["played_ms"]))
    assert abs(heard - (int(str(whole["total_ms"])) - int(str(quit_["stopped_ms"])))) <= 1, (
        "the resumed session played exactly from where the first one stopped to the end"
    )
    assert 0 < heard < int(str(whole["played_ms"]))


def test_resume_after_the_session_was_finished_starts_at_the_top(
    tmp_path: Path, null_device: dict[str, str]
) -> None:
    session = str(write_session(tmp_path / "routines", BEND))
    play = ["play", session, *PYTTSX3]
    done = run_cli(play, null_device)
    assert (done.returncode, done.stderr) == (0, "")
    again = run_cli([*play, "--resume"], null_device)
    assert (again.returncode, again.stderr, again.stdout) == (0, NO_RESUME, done.stdout)
