"""pyttsx3's voice list asked from many threads of one process at once, as a server making a German and a
Spanish export at the same time does: espeak-ng is not thread-safe, and this aborted the process ("double
free or corruption") before each call into it was held one thread at a time. Run in a child process, so an
abort is a failed test and not a dead test run."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("pyttsx3")

MANY_THREADS = """
import threading
from voice_coach.speech.engines.pyttsx3_engine import Pyttsx3Engine

def ask():
    for _ in range(30):
        engine = Pyttsx3Engine()
        assert engine.voices() and engine.default_voice() and engine.identity

threads = [threading.Thread(target=ask) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("asked")
"""


def test_the_voices_are_asked_from_many_threads_at_once_without_a_crash() -> None:
    done = subprocess.run([sys.executable, "-c", MANY_THREADS], capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stdout) == (0, "asked\n"), done.stderr[-2000:]
