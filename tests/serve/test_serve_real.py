"""A real ``voice-coach serve`` process on 127.0.0.1, fetched with httpx: real exports (synthesized, mixed,
encoded) with their chapters and cue sheet, refusals on the wire, bounded slow clients, and Ctrl-C."""

from __future__ import annotations

import io
import json
import signal
import socket
import threading
import time
from pathlib import Path

import httpx
import mutagen.id3
import pytest
from chapters_shape import chapter_problems
from conftest import TOKEN, USER_ROUTINE, RealServer, start_server

from voice_coach import Catalog
from voice_coach.serve import server as serving
from voice_coach.serve.app import Served, create_app
from voice_coach.serve.export_cache import ExportCache
from voice_coach.serve.render import render_variant

pytestmark = pytest.mark.slow


def raw_request(port: int, head: bytes) -> bytes:
    """What the server answers to ``head`` sent as is (no client library tidying the path)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(head)
        return conn.recv(4096)


def test_a_real_export_with_chapters_cues_and_ranges(real_server: RealServer, http: httpx.Client) -> None:
    url = real_server.url + "audio/locate-spi"
    audio = http.get(url + ".mp3?hold=20s")  # a hold setting on a routine without holds changes nothing
    assert audio.status_code == 200 and audio.content[:3] in (b"ID3", b"\xff\xfb")
    assert int(audio.headers["content-length"]) == len(audio.content) > 100_000
    chapters = http.get(url + ".chapters.json?hold=20s").json()
    assert chapter_problems(chapters) == [] and chapters["chapters"][0]["title"] == "Find the muscle"
    assert http.get(url + ".vtt?hold=20s").text.startswith("WEBVTT")
    part = http.get(url + ".mp3?hold=20s", headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and part.content == audio.content[1000:2000]
    assert http.get(url + ".mp3?hold=20s", headers={"Range": "bytes=x"}).status_code == 416
    cover = http.get(url + ".png?hold=20s").content
    assert cover.startswith(b"\x89PNG") and cover[16:24] == (600).to_bytes(4, "big") * 2  # 600x600
    assert cover == mutagen.id3.ID3(io.BytesIO(audio.content)).getall("APIC")[0].data, "the MP3's own artwork"


def id3_size(mp3: bytes) -> int:
    """The size of the ID3v2 tag in front of an MP3: its 10-byte header and the synchsafe size in it."""
    return 10 + sum((byte & 0x7F) << (7 * (3 - i)) for i, byte in enumerate(mp3[6:10]))


def test_a_new_variant_streams_as_it_is_encoded_then_from_the_finished_file(
    real_server: RealServer, http: httpx.Client
) -> None:
    """The first bytes come while the export is still being made; the stream is the finished MP3's frames
    exactly (the finished file adds its ID3 tag in front, and the encoder fills in the first frame's Xing
    header, with the frame count, once done)."""
    query = "hold=9s&sets=4"
    streamed, made_at_first_bytes = b"", None
    with http.stream("GET", real_server.url + f"audio/kneeling-twist.mp3?{query}&live=1") as response:
        assert response.status_code == 200 and response.headers["content-type"] == "audio/mpeg"
        for chunk in response.iter_bytes():
            if made_at_first_bytes is None:
                info = http.get(real_server.url + f"variant/kneeling-twist.json?{query}").json()
                made_at_first_bytes = info["progress"] == 100
            streamed += chunk
    assert made_at_first_bytes is False, "sound before the export is made"
    final = http.get(real_server.url + f"audio/kneeling-twist.mp3?{query}").content
    tag = id3_size(final)
    assert final[:3] == b"ID3" and len(final) - tag == len(streamed) > 100_000
    assert final[tag + 2000 :] == streamed[2000:]  # the first frame differs: its Xing header is filled in
    again = http.get(
        real_server.url + f"audio/kneeling-twist.mp3?{query}&live=1", headers={"Range": "bytes=0-9"}
    )
    assert again.status_code == 206 and again.content == final[:10], "once made: the finished file, seekable"


@pytest.mark.parametrize(
    "path",
    [b"/TOKEN/../../etc/passwd", b"/TOKEN/static/../app.py", b"/TOKEN/static/..%2fapp.py", b"/etc/passwd",
     b"/TOKEN//etc/passwd", b"/TOKEN/routine/%2e%2e%2f%2e%2e%2fetc"],
)  # fmt: skip
def test_paths_climbing_out_are_refused_on_the_wire(real_server: RealServer, path: bytes) -> None:
    head = b"GET " + path.replace(b"TOKEN", token_of(real_server)) + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    status = raw_request(real_server.port, head).split(b"\r\n", 1)[0]
    assert status in (b"HTTP/1.1 404 Not Found", b"HTTP/1.1 403 Forbidden")


def token_of(real_server: RealServer) -> bytes:
    return real_server.url.rstrip("/").rsplit("/", 1)[1].encode()


def test_huge_requests_are_refused(real_server: RealServer) -> None:
    huge_head = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n"
    assert raw_request(real_server.port, huge_head).startswith(b"HTTP/1.1 4")
    assert httpx.get(real_server.url + "?x=" + "a" * 10_000).status_code == 414
    assert httpx.post(real_server.url, content=b"a" * 1_000_000).status_code == 405


def test_a_client_too_slow_to_send_its_request_is_cut_off(tmp_path: Path) -> None:
    app = create_app(TOKEN, Served(Catalog(tmp_path), ExportCache(tmp_path, render_variant)))
    (sock,) = serving.bind(["127.0.0.1"], 0)
    port = sock.getsockname()[1]
    server = serving.make_server(app, serving.Limits(header_timeout_s=0.5))
    thread = threading.Thread(target=serving.run, args=(server, [sock]))
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as slow:
            slow.sendall(b"GET / HTTP/1.1\r\nHost:")
            started = time.monotonic()
            assert slow.recv(100) == b""  # closed by the server
            assert time.monotonic() - started < 5
        assert httpx.get(f"http://127.0.0.1:{port}/{TOKEN}/static/style.css").status_code == 200
    finally:
        server.should_exit = True
        thread.join(10)
    assert not thread.is_alive() and sock.fileno() == -1


def test_a_port_in_use_is_a_clear_error(real_server: RealServer) -> None:
    with pytest.raises(Exception, match=f"port {real_server.port}: Address already in use; choose another"):
        serving.bind(["127.0.0.1"], real_server.port)


def test_ctrl_c_stops_cleanly_and_frees_the_port(tmp_path: Path) -> None:
    running = start_server(tmp_path)
    assert httpx.get(running.url).status_code == 200
    status, out, err = running.stop()
    assert (status, err) == (0, "") and out.endswith("Stopped.\n")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", running.port), timeout=2).close()
    assert (
        not list((tmp_path / "phrases-exports").glob(".tmp-*"))
        if (tmp_path / "phrases-exports").exists()
        else True
    )


def test_sigterm_while_a_phone_streams_and_another_waits_for_a_render_stops_quietly(tmp_path: Path) -> None:
    """The stop cuts the stream and the wait at once (not after uvicorn's grace period) and prints no
    traceback of the requests it ended."""
    running = start_server(tmp_path)
    token = token_of(running)
    assert httpx.get(running.url + "audio/locate-spi.mp3", timeout=300).status_code == 200
    streaming = socket.socket()
    streaming.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)  # a slow reader: the stream stays open
    streaming.connect(("127.0.0.1", running.port))
    streaming.sendall(b"GET /" + token + b"/audio/locate-spi.mp3 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert streaming.recv(1000).startswith(b"HTTP/1.1 200")
    waiting = socket.create_connection(("127.0.0.1", running.port))
    waiting.sendall(b"GET /" + token + b"/audio/spi.mp3?hold=21s HTTP/1.1\r\nHost: x\r\n\r\n")
    try:
        running.process.send_signal(signal.SIGTERM)
        out, err = running.process.communicate(timeout=30)
    finally:
        streaming.close()
        waiting.close()
    assert (running.process.returncode, err) == (0, "") and out.endswith("Stopped.\n")
    assert not list((tmp_path / "phrases-exports").glob(".tmp-*"))


def test_the_token_is_kept_and_replaced_on_request(tmp_path: Path) -> None:
    first = start_server(tmp_path)
    first.stop()
    again = start_server(tmp_path)
    again.stop()
    renewed = start_server(tmp_path, "--new-token")
    renewed.stop()
    assert first.url == again.url.replace(str(again.port), str(first.port)) and token_of(renewed) != token_of(
        first
    )
    assert ((tmp_path / "data" / "serve-token").stat().st_mode & 0o777) == 0o600


def test_serve_offers_the_routines_dir_of_the_config_file(tmp_path: Path) -> None:
    """``--routines`` defaults to the folder ``list`` shows: ``routines_dir`` of the config file."""
    folder = tmp_path / "my-routines"
    folder.mkdir()
    (folder / "my-neck.toml").write_text(USER_ROUTINE, encoding="utf-8")
    config = tmp_path / "config" / "voice-coach" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f"routines_dir = {json.dumps(str(folder))}\n", encoding="utf-8")
    running = start_server(tmp_path)
    try:
        page = httpx.get(running.url, timeout=60).text
    finally:
        running.stop()
    assert 'href="routine/my-neck"' in page and "My neck stretch" in page


def children_of(pid: int) -> set[int]:
    """The child processes of ``pid`` (speech workers, ffmpeg)."""
    tasks = Path(f"/proc/{pid}/task").iterdir()
    return {int(child) for task in tasks for child in (task / "children").read_text().split()}


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_stop_while_a_render_synthesizes_and_encodes_ends_it_and_leaves_nothing(
    tmp_path: Path, stop: signal.Signals
) -> None:
    """Ctrl-C or SIGTERM while a new variant is made (its phrases synthesized by speech workers, its MP3
    encoded by ffmpeg and streamed to a phone): the render is cancelled, its workers and ffmpeg end,
    its temporary files go, the process exits quietly and the port is free. (How long the stop takes is
    measured by ``scripts/bench.py --only serve``.)"""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    running = start_server(tmp_path, temporary=temporary)
    exports = tmp_path / "exports"
    streaming = socket.create_connection(("127.0.0.1", running.port))
    streaming.sendall(
        b"GET /" + token_of(running) + b"/audio/spi.mp3?hold=27s&live=1 HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    try:
        deadline = time.monotonic() + 120
        while not list(exports.glob(".tmp-*/.audio.mp3.*.part")) or not children_of(running.process.pid):
            assert time.monotonic() < deadline and running.process.poll() is None, "no render started"
            time.sleep(0.05)
        rendering = children_of(running.process.pid)
        running.process.send_signal(stop)
        out, err = running.process.communicate(timeout=60)
    finally:
        streaming.close()
    assert (running.process.returncode, err) == (0, "") and out.endswith("Stopped.\n")
    assert [pid for pid in rendering if Path(f"/proc/{pid}").exists()] == []
    assert list(exports.iterdir()) == [] and list(temporary.iterdir()) == []
    assert [path.name for path in tmp_path.rglob("*.part")] == []
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", running.port), timeout=2).close()
