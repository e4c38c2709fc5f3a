"""Fixtures for the server's tests: an application with a fake render (instant, counted, optionally held
back) for route tests, and a real ``voice-coach serve`` process for end-to-end ones."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

with warnings.catch_warnings():  # starlette now prefers httpx2 for its test client; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from voice_coach import Catalog
from voice_coach.serve.app import Served, create_app
from voice_coach.serve.export_cache import ExportCache
from voice_coach.serve.render import ABOUT, AUDIO, CHAPTERS, COVER, CUES, SETS, About
from voice_coach.serve.variant import Variant

TOKEN = "t" * 43
USER_ROUTINE = """id = "my-neck"
title = "My neck stretch"
kind = "stretch"
equipment = ["a chair"]
setup = [{ say = "Sit tall on a chair." }]
hold = "20s"
"""
START_SERVER = (
    "import sys; from voice_coach.cli.main import cli, main\n"
    "from voice_coach.cli.serve_command import serve\n"
    "'serve' in cli.commands or cli.add_command(serve); sys.argv[0] = 'voice-coach'; main()"
)
"""``voice-coach serve``, whether or not the command is registered in the group yet."""


@dataclass
class FakeRender:
    """Writes a small fake export (its audio's bytes depend on the variant); counts renders and how many run
    at once; waits for ``release`` when ``hold_back``."""

    hold_back: bool = False
    release: threading.Event = field(default_factory=threading.Event)
    calls: list[str] = field(default_factory=list)
    running: int = 0
    most_at_once: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, variant: Variant, folder: Path, cancelled: object) -> None:
        with self.lock:
            self.calls.append(variant.key)
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            if self.hold_back:
                assert self.release.wait(10)
            write_fake_export(variant, folder)
        finally:
            with self.lock:
                self.running -= 1


def write_fake_export(variant: Variant, folder: Path) -> None:
    audio = (variant.key.encode() * 400)[: 10_000 + len(variant.query) * 7]
    (folder / AUDIO).write_bytes(audio)
    (folder / CUES).write_text("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello.\n", encoding="utf-8")
    chapters = [
        {"startTime": 0, "endTime": 30, "title": "First"},
        {"startTime": 30, "endTime": 61, "title": "Second"},
    ]
    (folder / CHAPTERS).write_text(json.dumps({"version": "1.2.0", "chapters": chapters}), encoding="utf-8")
    sets = [{"startTime": 5, "endTime": 25, "set": 1, "sets": 1, "side": None, "routine": variant.entry.id}]
    (folder / SETS).write_text(json.dumps({"sets": sets}), encoding="utf-8")
    about = About(
        variant.entry.id,
        variant.entry.title,
        variant.label,
        variant.query,
        61_000,
        "2026-01-02T03:04:05+00:00",
    )
    (folder / ABOUT).write_text(json.dumps(about.__dict__), encoding="utf-8")
    (folder / COVER).write_bytes(b"\x89PNG\r\n\x1a\n" + variant.key.encode())


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "routines"
    folder.mkdir()
    (folder / "my-neck.toml").write_text(USER_ROUTINE, encoding="utf-8")
    return folder


@pytest.fixture
def fake_render() -> FakeRender:
    return FakeRender()


@pytest.fixture
def served(tmp_path: Path, library: Path, fake_render: FakeRender) -> Iterator[Served]:
    cache = ExportCache(tmp_path / "exports", fake_render, workers=2)
    yield Served(Catalog(library), cache, feed_wait_s=5)
    cache.close()


@pytest.fixture
def client(served: Served) -> Iterator[TestClient]:
    with TestClient(create_app(TOKEN, served), base_url="http://127.0.0.1:8765") as test_client:
        yield test_client


@dataclass
class RealServer:
    """A ``voice-coach serve`` process and the URL it printed."""

    process: subprocess.Popen[str]
    url: str

    @property
    def port(self) -> int:
        return int(re.search(r":(\d+)/", self.url).group(1))  # type: ignore[union-attr]

    def stop(self) -> tuple[int, str, str]:
        """Ctrl-C; the exit status, the rest of stdout and stderr."""
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=30)
        return self.process.returncode, out, err


def start_server(root: Path, *args: str, temporary: Path | None = None) -> RealServer:
    """``voice-coach serve --port 0`` with its own data, config and cache folders under ``root`` (and its
    temporary files in ``temporary``, when given)."""
    env = {**os.environ, "VOICE_COACH_DATA_DIR": str(root / "data"), "XDG_CONFIG_HOME": str(root / "config"),
           "VOICE_COACH_CACHE_DIR": str(root / "phrases"), "XDG_DATA_HOME": str(root / "xdg")}  # fmt: skip
    if temporary is not None:
        env["TMPDIR"] = str(temporary)
    process = subprocess.Popen(
        [sys.executable, "-c", START_SERVER, "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("Serving on "):
        process.kill()
        raise AssertionError(line + process.communicate()[1])
    return RealServer(process, line.removeprefix("Serving on ").strip())


@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    server = start_server(tmp_path_factory.mktemp("served"))
    yield server
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=120) as session:
        yield session
