"""The token before any cap: connections that never showed the token are the first to go when the server
is full, so half-open or tokenless connections cannot lock a token holder out."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import TOKEN

from voice_coach import Catalog
from voice_coach.serve import server as serving
from voice_coach.serve.app import Served, create_app
from voice_coach.serve.export_cache import ExportCache
from voice_coach.serve.render import render_variant

CAP = 8
STYLE = f"/{TOKEN}/static/style.css"


@pytest.fixture
def port(tmp_path: Path) -> Iterator[int]:
    """A server with room for ``CAP`` connections, whose slow clients are not cut off during the test."""
    app = create_app(TOKEN, Served(Catalog(tmp_path), ExportCache(tmp_path, render_variant)))
    (sock,) = serving.bind(["127.0.0.1"], 0)
    limits = serving.Limits(connections=CAP, header_timeout_s=60, keep_alive_s=60)
    server = serving.make_server(app, limits)
    thread = threading.Thread(target=serving.run, args=(server, [sock]))
    thread.start()
    yield sock.getsockname()[1]
    server.should_exit = True
    thread.join(10)


def head(conn: socket.socket, path: str) -> bytes:
    """The status line of a HEAD request sent on an open keep-alive connection."""
    conn.sendall(f"HEAD {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = conn.recv(4096)
        if not chunk:
            return b""
        answer += chunk
    return answer.split(b"\r\n", 1)[0]


def test_half_open_connections_without_the_token_never_lock_the_phone_out(port: int) -> None:
    phone = socket.create_connection(("127.0.0.1", port), timeout=10)
    attackers: list[socket.socket] = []
    try:
        assert head(phone, STYLE) == b"HTTP/1.1 200 OK"
        for _ in range(CAP * 3):  # half-open: a request head never finished
            attacker = socket.create_connection(("127.0.0.1", port), timeout=10)
            attacker.sendall(b"GET / HTTP/1.1\r\nHost:")
            attackers.append(attacker)
        for _ in range(CAP * 2):  # tokenless requests on kept-alive connections
            attacker = socket.create_connection(("127.0.0.1", port), timeout=10)
            assert head(attacker, "/").startswith(b"HTTP/1.1 403")
            attackers.append(attacker)
        assert head(phone, STYLE) == b"HTTP/1.1 200 OK", "the phone's open connection is kept"
        assert httpx.get(f"http://127.0.0.1:{port}{STYLE}").status_code == 200, "a new one gets in"
    finally:
        phone.close()
        for attacker in attackers:
            attacker.close()
