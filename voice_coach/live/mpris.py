"""Headset buttons and media keys: ``play`` as an MPRIS media player on the D-Bus session bus (Linux).

A Bluetooth headset's play/pause, next and previous buttons, and a desktop's media keys, reach the player
that publishes ``org.mpris.MediaPlayer2.*`` on the session bus. ``MediaKeys`` publishes this session there
(through jeepney, a pure-Python D-Bus library) and turns each call into the key that does the same
(``KEYS``), read by the player with the keyboard's keys: a button is as sure as a key. "Stop" on a headset
only pauses (a press by mistake must not end the session), and "Play" and "Pause" only resume and only
pause, from the playback state ``status`` keeps up to date. Where there is no session bus (macOS,
Windows, a server without a desktop) there are no media keys, and ``open_media_keys`` returns None.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from typing import TYPE_CHECKING, Any

from voice_coach.live.steps import Status

if TYPE_CHECKING:
    from jeepney import Message

BUS_NAME = "org.mpris.MediaPlayer2.voice_coach"
OBJECT_PATH = "/org/mpris/MediaPlayer2"
ROOT, PLAYER = "org.mpris.MediaPlayer2", "org.mpris.MediaPlayer2.Player"
PROPERTIES, INTROSPECTABLE = "org.freedesktop.DBus.Properties", "org.freedesktop.DBus.Introspectable"
KEYS = {"PlayPause": " ", "Next": "n", "Previous": "b"}
"""MPRIS method → the key that does it; Play, Pause and Stop depend on whether the session is paused."""
ROOT_PROPERTIES: dict[str, tuple[str, Any]] = {
    "Identity": ("s", "voice-coach"),
    "CanQuit": ("b", False),
    "CanRaise": ("b", False),
    "HasTrackList": ("b", False),
    "SupportedUriSchemes": ("as", []),
    "SupportedMimeTypes": ("as", []),
}
INTROSPECTION = f"""<node>
<interface name="{ROOT}"><method name="Raise"/><method name="Quit"/></interface>
<interface name="{PLAYER}"><method name="Play"/><method name="Pause"/><method name="PlayPause"/>
<method name="Stop"/><method name="Next"/><method name="Previous"/></interface>
<interface name="{PROPERTIES}"><method name="Get"><arg type="s"/><arg type="s"/>
<arg type="v" direction="out"/></method>
<method name="GetAll"><arg type="s"/><arg type="a{{sv}}" direction="out"/></method></interface>
</node>"""


class MediaKeys:
    """This session on the bus at ``address`` (default: the session bus) as an MPRIS player whose calls
    ``poll`` returns as keys; a thread answers the bus. ``close`` leaves the bus."""

    def __init__(self, address: str = "SESSION") -> None:
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        self.connection = open_dbus_connection(bus=address)
        name = BUS_NAME
        reply = self.connection.send_and_get_reply(message_bus.RequestName(name, 4))  # 4: do not queue
        if reply.body[0] != 1:  # another session plays already: the spec's per-instance name
            name = f"{BUS_NAME}.instance{os.getpid()}"
            self.connection.send_and_get_reply(message_bus.RequestName(name, 4))
        self.name = name
        self.pending: deque[str] = deque()
        self.paused = self.published = False
        self.sending = threading.Lock()
        self.closing = threading.Event()
        self.thread = threading.Thread(target=self._serve, name="mpris", daemon=True)
        self.thread.start()

    def poll(self) -> str | None:
        """The key for the next call received, or None at once."""
        return self.pending.popleft() if self.pending else None

    def status(self, status: Status) -> None:
        """The session's state, for Play and Pause and for what the desktop shows: each change is announced
        (``PropertiesChanged``, as the MPRIS spec asks), so a desktop's or a headset's widget follows it
        without asking."""
        changed = status.paused != self.published
        self.paused = self.published = status.paused
        if changed:
            self._send(self._playback_changed())

    def _send(self, message: Message) -> None:
        """Send from either thread (the player's, the bus's): one message at a time on the socket."""
        with self.sending:
            self.connection.send(message)

    def _playback_changed(self) -> Message:
        from jeepney import DBusAddress, new_signal

        playback = ("s", "Paused" if self.published else "Playing")
        emitter = DBusAddress(OBJECT_PATH, interface=PROPERTIES)
        return new_signal(
            emitter, "PropertiesChanged", "sa{sv}as", (PLAYER, {"PlaybackStatus": playback}, [])
        )

    def close(self) -> None:
        self.closing.set()
        self.thread.join()
        self.connection.close()

    def _serve(self) -> None:
        from jeepney import MessageType

        while not self.closing.is_set():
            try:
                message = self.connection.receive(timeout=0.1)
            except TimeoutError:
                continue
            except (OSError, ValueError):  # the bus went away: no more media keys
                return
            if message.header.message_type == MessageType.method_call:
                self._send(self._answer(message))

    def _answer(self, call: Message) -> Message:
        """The reply to one method call (an error for what this player does not do)."""
        from jeepney import HeaderFields, new_error, new_method_return

        interface = call.header.fields.get(HeaderFields.interface)
        member = call.header.fields.get(HeaderFields.member)
        if interface == PROPERTIES and member in ("Get", "GetAll"):
            return self._properties(call, member)
        if interface == INTROSPECTABLE and member == "Introspect":
            return new_method_return(call, "s", (INTROSPECTION,))
        if interface in (PLAYER, None) and member in (*KEYS, "Play", "Pause", "Stop"):
            self._press(str(member))
            return new_method_return(call)
        if interface in (ROOT, None) and member in ("Raise", "Quit"):
            return new_method_return(call)
        return new_error(call, "org.freedesktop.DBus.Error.UnknownMethod", "s", (f"no method {member}",))

    def _press(self, member: str) -> None:
        if member in KEYS:
            self.pending.append(KEYS[member])
        elif (member == "Play") == self.paused:  # Play while paused; Pause or Stop while playing
            self.pending.append(" ")
            self.paused = not self.paused

    def _properties(self, call: Message, member: str) -> Message:
        from jeepney import new_error, new_method_return

        table = self._table(str(call.body[0]))
        if member == "GetAll":
            return new_method_return(call, "a{sv}", (table,))
        if call.body[1] not in table:
            return new_error(call, "org.freedesktop.DBus.Error.UnknownProperty", "s", (str(call.body[1]),))
        return new_method_return(call, "v", (table[call.body[1]],))

    def _table(self, interface: str) -> dict[str, tuple[str, Any]]:
        if interface == ROOT:
            return dict(ROOT_PROPERTIES)
        if interface != PLAYER:
            return {}
        can = ("b", True)
        return {
            "PlaybackStatus": ("s", "Paused" if self.paused else "Playing"),
            "CanPlay": can, "CanPause": can, "CanGoNext": can, "CanGoPrevious": can, "CanControl": can,
            "CanSeek": ("b", False), "Rate": ("d", 1.0), "Volume": ("d", 1.0),
        }  # fmt: skip


class EitherKeys:
    """Keys from several sources (the terminal, the media keys), each polled in turn."""

    def __init__(self, *sources: Any) -> None:
        self.sources = sources

    def poll(self) -> str | None:
        for source in self.sources:
            if (key := source.poll()) is not None:
                return str(key)
        return None


def open_media_keys(warn: Any = None) -> MediaKeys | None:
    """Media keys on the session bus, or None where there is no bus (or no jeepney)."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return None
    try:
        return MediaKeys()
    except (ImportError, OSError, ValueError, ConnectionError) as error:
        if warn is not None:
            warn(f"Media keys are off: the session bus could not be joined ({error}).")
        return None
