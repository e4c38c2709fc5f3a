"""Media keys through a private D-Bus daemon: a headset's or desktop's MPRIS calls reach the player as keys
(play/pause, next, previous), Stop only pauses, the playback state is published, and a real session is
paused, moved on and resumed from the bus."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import numpy as np
import pytest
from fakes import FakeClock, RecordingSink
from session_bus import private_session_bus

from voice_coach.audio.clip import Clip
from voice_coach.compiler.schedule import schedule
from voice_coach.compiler.timeline import Chapter, Hold, Say, Timeline
from voice_coach.live.mpris import BUS_NAME, OBJECT_PATH, PLAYER, PROPERTIES, EitherKeys, MediaKeys
from voice_coach.live.player import NoKeys, Player, Rendered
from voice_coach.live.steps import Status

jeepney = pytest.importorskip("jeepney")
if shutil.which("dbus-daemon") is None:
    pytest.skip("dbus-daemon is not installed (./scripts/setup.sh installs it)", allow_module_level=True)

from jeepney import DBusAddress, new_method_call  # noqa: E402
from jeepney.io.blocking import DBusConnection, open_dbus_connection  # noqa: E402


@pytest.fixture
def bus() -> Iterator[str]:
    """A private session bus: its address; the daemon is ended afterwards."""
    with private_session_bus() as address:
        yield address


@pytest.fixture
def client(bus: str) -> Iterator[DBusConnection]:
    connection = open_dbus_connection(bus=bus)
    yield connection
    connection.close()


def call(client: DBusConnection, method: str, interface: str = PLAYER, *body: str) -> object:
    """Call ``method`` on the player as a desktop would; the reply's body (after the player answered)."""
    address = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=interface)
    signature = "s" * len(body)
    reply = client.send_and_get_reply(new_method_call(address, method, signature or None, body or None))
    return reply.body


def state(paused: bool) -> Status:
    return Status("A", "Go.", None, None, None, None, 0, 10, paused=paused)


def keys_for(keys: MediaKeys) -> list[str]:
    found = []
    while (key := keys.poll()) is not None:
        found.append(key)
    return found


def test_headset_buttons_are_keys_and_stop_only_pauses(bus: str, client: DBusConnection) -> None:
    keys = MediaKeys(bus)
    try:
        for method in ("PlayPause", "Next", "Previous"):
            call(client, method)
        assert keys_for(keys) == [" ", "n", "b"]
        keys.status(state(paused=False))
        call(client, "Play")  # already playing: nothing
        call(client, "Stop")  # pauses, never ends the session
        call(client, "Pause")  # already paused now: nothing
        call(client, "Play")  # resumes
        assert keys_for(keys) == [" ", " "]
    finally:
        keys.close()


def test_the_playback_state_is_published(bus: str, client: DBusConnection) -> None:
    keys = MediaKeys(bus)
    try:
        keys.status(state(paused=True))
        assert call(client, "Get", PROPERTIES, PLAYER, "PlaybackStatus") == (("s", "Paused"),)
        everything = call(client, "GetAll", PROPERTIES, "org.mpris.MediaPlayer2")
        assert everything[0]["Identity"] == ("s", "voice-coach")  # type: ignore[index]
    finally:
        keys.close()


def test_a_second_session_takes_its_own_name(bus: str) -> None:
    first, second = MediaKeys(bus), MediaKeys(bus)
    try:
        assert first.name == BUS_NAME and second.name.startswith(BUS_NAME + ".instance")
    finally:
        first.close()
        second.close()


def test_a_session_is_paused_moved_on_and_resumed_from_the_bus(bus: str, client: DBusConnection) -> None:
    """A real player reads the media keys with the keyboard's: each call is acted on at the next tick."""
    rate = 8000
    blocks = (Chapter("A", "a"), Say("Go.", "step"), Hold(3000, (), "a", 1, 1), Say("Go.", "step"))
    plan = schedule(Timeline("t", "T", blocks), lambda text: rate // 2, rate)
    audio = Clip(np.ones(plan.total, np.int16), rate)
    clock = FakeClock()
    keys = MediaKeys(bus)

    class Desk:
        """The desktop: presses a button at set ticks of the session, by calling the bus."""

        def __init__(self) -> None:
            self.tick = 0

        def poll(self) -> str | None:
            self.tick += 1
            presses = {2: "Pause", 10: "Next", 12: "Play"}
            if self.tick in presses:
                call(client, presses[self.tick])
            return None

    player = Player(
        Rendered(plan, audio), RecordingSink(clock), clock=clock, keys=EitherKeys(Desk(), keys, NoKeys()),
        on_status=keys.status,
    )  # fmt: skip
    try:
        outcome = player.play()
    finally:
        keys.close()
    assert outcome.ended == "finished"
    starts = [start for start, _ in outcome.heard]
    hold_end = next(slot.end for slot in plan.slots if isinstance(slot.block, Hold))
    assert hold_end in starts, "Next moved on to the step after the hold"
    assert outcome.skipped_ms > 0
