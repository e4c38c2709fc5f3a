"""Room for connections, kept for those who showed the token: when the server is full, a new connection
takes the place of the oldest one that never sent a request with the token (a half-open one, or one that
was refused), so strangers on the network cost nothing a token holder needs. Only when every connection
belongs to a token holder is the new one turned away.

The token is checked by the application (``gate``); it tells the connection through the request's
``ADMITTED`` extension, a function to call once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

from starlette.types import ASGIApp, Receive, Scope, Send

ADMITTED = "voice_coach.admitted"
"""The ASGI extension (``scope["extensions"]``): call it when the request carries the token."""


class Connection(Protocol):
    """What a slot holds: a connection that can be closed."""

    transport: asyncio.Transport


class Slots:
    """The open connections of one server, oldest first, and which of them showed the token."""

    def __init__(self, room: int) -> None:
        self.room = room
        self._open: dict[Connection, bool] = {}
        """Each open connection and whether it showed the token (insertion order: oldest first)."""

    def opened(self, connection: Connection) -> None:
        """Give ``connection`` a slot, closing the oldest stranger's when full (or ``connection`` itself
        when only token holders are connected)."""
        self._open[connection] = False
        if len(self._open) <= self.room:
            return
        stranger = next((c for c, admitted in self._open.items() if not admitted), connection)
        self.closed(stranger)
        stranger.transport.close()

    def closed(self, connection: Connection) -> None:
        self._open.pop(connection, None)

    def admitted(self, connection: Connection) -> None:
        """``connection`` sent a request with the token: it keeps its slot."""
        if connection in self._open:
            self._open[connection] = True

    def app_for(self, app: ASGIApp, connection: Connection) -> ASGIApp:
        """``app`` for requests on ``connection``: each request can tell the slot it showed the token."""
        admit: Callable[[], None] = lambda: self.admitted(connection)  # noqa: E731

        async def with_admit(scope: Scope, receive: Receive, send: Send) -> None:
            extensions = {**(scope.get("extensions") or {}), ADMITTED: admit}
            await app({**scope, "extensions": extensions}, receive, send)

        return with_admit


def admit(scope: Scope) -> None:
    """Tell the connection a request came with the token (nothing when served without ``Slots``)."""
    admitted = (scope.get("extensions") or {}).get(ADMITTED)
    if admitted is not None:
        admitted()
