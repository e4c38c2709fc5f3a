"""A speech worker that dies between two phrases: the next request cannot be written (a broken pipe), and
synthesis ends at once with a clear error, even when something else keeps the dead worker's output open
(so its end never comes). Real worker processes, killed with SIGKILL; waits are on process state and
events, never on time."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from pathlib import Path

import pytest

from voice_coach.audio.clip import Clip
from voice_coach.errors import SynthesisError
from voice_coach.speech.engines import EngineSettings
from voice_coach.speech.synth import synthesize_in_workers

PYTTSX3 = EngineSettings(engine="pyttsx3", voice="gmw/en")
PHRASES = ["Switch sides.", "Breathe from the belly.", "Three, two, one.", "Rest."]
SAFETY_SECONDS = 60
"""Only a bound on a failure: the error comes at once."""


def speech_workers() -> list[int]:
    """This process's children that run a speech worker, exited or not (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if ppid == os.getpid() and b"voice_coach.speech.worker" in (stat.parent / "cmdline").read_bytes():
                found.append(int(stat.parent.name))
    return found


def hold_output_open(pid: int) -> list[int]:
    """Open, for writing, every pipe process ``pid`` writes to (its replies to this process): while this
    process holds them, the worker's death never ends its output, as a leftover child of it could."""
    held = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        flags = int((Path(f"/proc/{pid}/fdinfo") / fd.name).read_text().split("flags:")[1].split()[0], 8)
        if os.readlink(fd).startswith("pipe:") and flags & os.O_ACCMODE == os.O_WRONLY:
            held.append(os.open(fd, os.O_WRONLY))
    return held


@pytest.mark.parametrize("output_held", [False, True])
def test_a_worker_killed_between_phrases_ends_synthesis_at_once_with_a_clear_error(output_held: bool) -> None:
    stored: list[str] = []
    held: list[int] = []
    killed: list[int] = []

    def kill_the_worker(text: str, clip: Clip) -> None:
        """After the first phrase: kill the one worker before it is given the next, and wait for it to be
        dead (not reaped: the pool reaps it)."""
        stored.append(text)
        if not killed:
            (pid,) = speech_workers()
            held.extend(hold_output_open(pid) if output_held else [])
            os.kill(pid, signal.SIGKILL)
            os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
            killed.append(pid)

    errors: list[BaseException] = []
    finished, stop = threading.Event(), threading.Event()

    def synthesize() -> None:
        try:
            synthesize_in_workers(PYTTSX3, PHRASES, kill_the_worker, 1, 600.0, stop)
        except BaseException as error:
            errors.append(error)
        finished.set()

    threading.Thread(target=synthesize, daemon=True).start()
    try:
        assert finished.wait(SAFETY_SECONDS), "synthesis hangs after its worker died"
    finally:
        stop.set()
        for fd in held:
            os.close(fd)
    assert stored == PHRASES[:1] and len(killed) == 1 and len(held) == (1 if output_held else 0)
    (error,) = errors
    assert isinstance(error, SynthesisError)
    assert str(error) == (
        f"a speech worker process died before it could synthesize {PHRASES[1]!r} (writing to it failed: "
        "Broken pipe)"
    )
    assert f"speech worker {killed[0]}: killed by signal 9" in str(error.__cause__)
    assert speech_workers() == [], "the dead worker is reaped"
