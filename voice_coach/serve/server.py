"""Running the application on real sockets with uvicorn: bound before anything is printed (so a port in use
fails at once), slow or idle clients cut off, and a stop on Ctrl-C or SIGTERM that waits briefly for open
responses and raises nothing (uvicorn's own handling would raise the signal again on the way out)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.h11_impl import H11Protocol

import voice_coach as vc
from voice_coach.serve.slots import Slots

HEADER_TIMEOUT_S = 10.0
"""How long a client may take to send a request's head: enough for any phone, short for a slow attack."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what clients can hold: connections at once (strangers' go first, see ``slots``), time to
    send a request, idle keep-alive."""

    connections: int = 64
    header_timeout_s: float = HEADER_TIMEOUT_S
    keep_alive_s: int = 5
    shutdown_s: int = 2


def bind(hosts: list[str], port: int) -> list[socket.socket]:
    """Listening sockets on ``port`` of each host (port 0: a free one, the same for all); ``UsageError``
    naming the port when it is taken."""
    sockets: list[socket.socket] = []
    try:
        for host in hosts:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
            port = sock.getsockname()[1]
            sock.listen(128)
    except OSError as error:
        for sock in sockets:
            sock.close()
        raise vc.UsageError(
            f"cannot listen on {host} port {port}: {error.strerror}; choose another with {{port}}",
            options=("port",),
        ) from None
    return sockets


def make_server(
    app: ASGIApp, limits: Limits = Limits(), on_stop: Callable[[], None] = lambda: None
) -> uvicorn.Server:
    """A uvicorn server for ``app`` within ``limits``; it stops on SIGINT, SIGTERM or ``should_exit``,
    calling ``on_stop`` first (so the application's waits end) and cutting the responses under way."""
    config = uvicorn.Config(
        app,
        http=_guarded(limits.header_timeout_s, Slots(limits.connections)),
        lifespan="off",
        log_level="warning",
        access_log=False,
        timeout_keep_alive=limits.keep_alive_s,
        timeout_graceful_shutdown=limits.shutdown_s,
        server_header=False,
    )
    return _QuietServer(config, on_stop)


def run(server: uvicorn.Server, sockets: list[socket.socket]) -> None:
    """Serve on ``sockets`` until the server is stopped; the sockets are closed on return."""
    try:
        asyncio.run(server.serve(sockets=sockets))
    finally:
        for sock in sockets:
            sock.close()


class _QuietServer(uvicorn.Server):
    """uvicorn's server, stopping on SIGINT/SIGTERM without raising the signal again afterwards, and at
    once: the application is told first, and responses under way are cut rather than waited for (a
    phone streaming an hour's MP3 would otherwise hold the stop for uvicorn's grace period, then get its
    task cancelled with a traceback)."""

    def __init__(self, config: uvicorn.Config, on_stop: Callable[[], None]) -> None:
        super().__init__(config)
        self.on_stop = on_stop

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.on_stop()
        await super().shutdown(sockets)

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
            yield
            return
        stop = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in stop}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _guarded(timeout_s: float, slots: Slots) -> type[H11Protocol]:
    """uvicorn's HTTP/1.1 protocol, closing a connection that has not sent a whole request head in time,
    each connection in one of ``slots``."""

    class Guarded(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self.app = slots.app_for(self.app, self)
            slots.opened(self)
            self._deadline(timeout_s)

        def connection_lost(self, exc: Exception | None) -> None:
            slots.closed(self)
            super().connection_lost(exc)

        def shutdown(self) -> None:
            busy = self.cycle is not None and not self.cycle.response_complete
            super().shutdown()
            if busy:  # the server is stopping: the response under way ends now, its task with it
                self.transport.abort()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._deadline(timeout_s)

        def _deadline(self, seconds: float) -> None:
            self.loop.call_later(seconds, _close_if_idle(self))

    return Guarded


def _close_if_idle(protocol: H11Protocol) -> Callable[[], None]:
    """What the deadline does: close the connection unless a request is being answered."""
    answered = protocol.cycle

    def close() -> None:
        busy = (
            protocol.cycle is not None
            and protocol.cycle is not answered
            and not protocol.cycle.response_complete
        )
        if not busy and not protocol.transport.is_closing():
            protocol.transport.close()

    return close
