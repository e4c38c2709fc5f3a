"""A real ``voice-coach play`` (its own process, in a pseudo-terminal, on the ALSA null device) published on
a private session bus: a desktop's PlayPause, Next and Previous calls over D-Bus pause it, resume it and
move it, as the terminal shows, and a key still quits it; each change of its playback state is announced
on the bus (a headset's or desktop's widget follows it)."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from audio_cli_helpers import BEND, REACH, VOICE_COACH, run_cli, write_session
from session_bus import private_session_bus

from voice_coach.live.mpris import BUS_NAME, OBJECT_PATH, PLAYER, PROPERTIES

jeepney = pytest.importorskip("jeepney")
if shutil.which("dbus-daemon") is None:
    pytest.skip("dbus-daemon is not installed (./scripts/setup.sh installs it)", allow_module_level=True)

from jeepney import DBusAddress, MatchRule, message_bus, new_method_call  # noqa: E402
from jeepney.io.blocking import DBusConnection, open_dbus_connection  # noqa: E402

DEADLINE_SECONDS = 120


@pytest.fixture
def bus() -> Iterator[str]:
    """A private session bus: its address; the daemon is ended afterwards."""
    with private_session_bus() as address:
        yield address


class Terminal:
    """What ``play`` draws on its pseudo-terminal, read as it comes."""

    def __init__(self, master: int) -> None:
        self.master, self.text = master, ""

    def until(self, drawn: Callable[[str], bool], since: int = 0) -> str:
        """The text drawn from ``since`` on, once ``drawn`` holds for it."""
        while not drawn(self.text[since:]):
            ready, _, _ = select.select([self.master], [], [], DEADLINE_SECONDS)
            assert ready, f"nothing more was drawn; the terminal shows: {self.text[-400:]!r}"
            try:
                self.text += os.read(self.master, 4096).decode(errors="replace")
            except OSError:  # EIO: play has exited
                pytest.fail(f"play ended early; the terminal shows: {self.text[-400:]!r}")
        return self.text[since:]


def call(client: DBusConnection, method: str, *body: str) -> object:
    """``method`` of the MPRIS player (``Get`` of its properties when given a body), as a desktop calls it."""
    interface = PROPERTIES if body else PLAYER
    address = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=interface)
    message = new_method_call(address, method, "s" * len(body) or None, body or None)
    return client.send_and_get_reply(message).body


def playback(client: DBusConnection) -> str:
    ((_, value),) = call(client, "Get", PLAYER, "PlaybackStatus")  # type: ignore[misc]
    return str(value)


def announced(client: DBusConnection, changes: Any) -> str:
    """The next playback state the player announces (``PropertiesChanged``) on the bus."""
    while True:
        interface, changed, _ = client.recv_until_filtered(changes, timeout=DEADLINE_SECONDS).body
        if interface == PLAYER and "PlaybackStatus" in changed:
            return str(changed["PlaybackStatus"][1])


def shown(text: str) -> str:
    """The last status line drawn in ``text``."""
    lines = [line.strip() for line in text.replace("\n", "\r").split("\r") if line.strip()]
    return lines[-1] if lines else ""


def left(status: str) -> int:
    """The seconds a status line says are left (``... | 01:29 left``): where in the session it is."""
    found = re.search(r"(\d+):(\d\d) left", status)
    assert found, status
    return int(found[1]) * 60 + int(found[2])


def test_play_is_paused_resumed_and_moved_over_the_session_bus(tmp_path: Path, bus: str) -> None:
    conf = tmp_path / "asound.conf"
    conf.write_text("pcm.!default { type null }\n")
    env = {**os.environ, "ALSA_CONFIG_PATH": str(conf), "COLUMNS": "100", "DBUS_SESSION_BUS_ADDRESS": bus}
    slow = REACH.__class__("reach", "Reach", "Reach up.", hold="20s", sets=2, rest="20s")
    session = str(write_session(tmp_path / "routines", slow, BEND))
    master, slave = pty.openpty()
    client = open_dbus_connection(bus=bus)
    rule = MatchRule(type="signal", interface=PROPERTIES, member="PropertiesChanged", path=OBJECT_PATH)
    client.send_and_get_reply(message_bus.AddMatch(rule))
    changes = client.filter(rule).__enter__()
    with subprocess.Popen(
        [*VOICE_COACH, "play", session, "--engine", "pyttsx3"],
        stdin=slave, stderr=slave, stdout=subprocess.PIPE, env=env, text=True,
    ) as process:  # fmt: skip
        try:
            screen = Terminal(master)
            screen.until(lambda text: "Reach | set 1 of 2 |" in text)
            assert playback(client) == "Playing"
            mark = len(screen.text)
            call(client, "PlayPause")
            assert announced(client, changes) == "Paused"
            screen.until(lambda text: "Paused" in text, mark)
            assert playback(client) == "Paused"
            first = shown(screen.text)
            mark = len(screen.text)
            call(client, "Next")  # while paused: the next step, still paused
            moved = shown(screen.until(lambda text: "Paused" in text and shown(text) != first, mark))
            mark = len(screen.text)
            call(client, "Previous")  # at a step's start, twice: the step before
            call(client, "Previous")
            was = left(moved)
            back = shown(screen.until(lambda text: "Paused" in text and left(shown(text)) > was, mark))
            mark = len(screen.text)
            call(client, "PlayPause")
            assert announced(client, changes) == "Playing"
            screen.until(lambda text: "Paused" not in shown(text), mark)
            assert playback(client) == "Playing"
            os.write(master, b"q")
            assert process.wait(DEADLINE_SECONDS) == 0, screen.text[-400:]
        finally:
            client.close()
            if process.poll() is None:
                process.kill()
            os.close(slave)
            os.close(master)
    listed = run_cli(["history", "--json"], {"ALSA_CONFIG_PATH": str(conf)})
    (entry,) = json.loads(listed.stdout)
    assert entry["ended"] == "quit", entry
    assert left(moved) < left(first) <= left(back) and "Paused" in moved and "Paused" in back
