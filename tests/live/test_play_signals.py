"""``voice-coach play`` ended by SIGTERM (``kill``) or SIGHUP (the terminal closed), as a real process in a
real terminal (a pseudo-terminal) on the ALSA null device: it ends like Ctrl-C, with the terminal restored,
where it stopped said, and an interrupted record that ``--resume`` picks up."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import subprocess
import termios
from pathlib import Path

import pytest
from audio_cli_helpers import BEND, REACH, VOICE_COACH, run_cli, write_session

DEADLINE_SECONDS = 120


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_ends_play_like_ctrl_c_and_records_an_interrupted_session(
    tmp_path: Path, signum: int
) -> None:
    conf = tmp_path / "asound.conf"
    conf.write_text("pcm.!default { type null }\n")
    env = {**os.environ, "ALSA_CONFIG_PATH": str(conf), "COLUMNS": "100"}
    session = str(write_session(tmp_path / "routines", REACH, BEND))
    master, slave = pty.openpty()
    cooked = termios.tcgetattr(slave)
    with subprocess.Popen(
        [*VOICE_COACH, "play", session, "--engine", "pyttsx3"],
        stdin=slave, stderr=slave, stdout=subprocess.PIPE, env=env, text=True,
    ) as process:  # fmt: skip
        try:
            screen = until(master, lambda text: "Reach | set 1 of 2 | Reach up." in text)
            os.kill(process.pid, signum)
            assert process.wait(DEADLINE_SECONDS) == 128 + signum, screen
            assert process.stdout is not None
            said = process.stdout.read()
            assert termios.tcgetattr(slave) == cooked, "the terminal is back as it was"
        finally:
            if process.poll() is None:
                process.kill()
            os.close(slave)
            os.close(master)
    assert re.fullmatch(r"Stopped at 00:\d\d of (about )?00:\d\d \(Reach(, set \d of 2)?\)\.\n", said), said
    listed = run_cli(["history", "--json"], {"ALSA_CONFIG_PATH": str(conf)})
    (entry,) = json.loads(listed.stdout)
    assert (entry["ended"], entry["completed"], entry["stopped_routine"]) == ("interrupted", False, "reach")
    assert entry["played_ms"] > 0
    assert entry["total_estimated"] == ("about" in said), "the phrases not spoken yet: an estimate, said so"


def until(master: int, drawn: object) -> str:
    """What the program draws on the terminal until ``drawn(text)`` holds."""
    screen = ""
    while not drawn(screen):  # type: ignore[operator]
        ready, _, _ = select.select([master], [], [], DEADLINE_SECONDS)
        assert ready, f"the session did not start; the terminal shows: {screen}"
        try:
            screen += os.read(master, 4096).decode(errors="replace")
        except OSError:  # EIO: the program has exited, closing the terminal
            pytest.fail(f"the session ended before it was stopped; the terminal shows: {screen}")
    return screen
