"""Faults at every write: a filesystem layer that fails the Nth write, fsync, rename or mkdir (disk full,
I/O error, permission refused), for N = 1, 2, ... through an export, a cache fill, a history append and the
server's export cache. Every run must end with one clear message and the right exit code, leave nothing at
the target and no temporary file, and the phrase cache and the history must still be valid afterwards.

The layer works inside this test process only (the speech workers and ffmpeg are other processes): on the
``os`` functions every write goes through, on the files ``open`` hands out for writing, and on the
project's own helpers for what the operating system does in one call (``files.rename_exclusively``).
"""

from __future__ import annotations

import builtins
import errno
import io
import json
import os
import re
import stat
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from audio_cli_helpers import BEND, REACH, decode, write_session
from click.testing import CliRunner, Result

import voice_coach as vc
from voice_coach import files
from voice_coach.cli.main import cli
from voice_coach.files import TEMP_PREFIX
from voice_coach.live.history import HistoryEntry, HistoryError, append_history, read_history
from voice_coach.serve.export_cache import ExportCache
from voice_coach.speech.phrase_cache import PhraseCache

OPERATIONS = ("write", "fsync", "rename", "mkdir")
CODES = (errno.ENOSPC, errno.EIO, errno.EACCES)
MOST_RUNS = 400
"""A bound on N, far above the operations of any scenario here: the loop ends when a run has none left."""


class Faults:
    """Counts one kind of operation and fails its ``nth`` call with ``code`` (disk full, I/O error...)."""

    def __init__(self, operation: str, nth: int, code: int) -> None:
        self.operation, self.nth, self.code = operation, nth, code
        self.count = 0
        self.fired: str | None = None

    def hit(self, operation: str, path: object = "") -> None:
        if operation != self.operation:
            return
        self.count += 1
        if self.count == self.nth:
            self.fired = f"{operation} #{self.nth} of {path}: {os.strerror(self.code)}"
            raise OSError(self.code, os.strerror(self.code), str(path))


class _FaultyFile:
    """A file opened for writing whose ``write`` calls count (and may fail)."""

    def __init__(self, inner: Any, faults: Faults, path: object) -> None:
        self._inner, self._faults, self._path = inner, faults, path

    def write(self, data: Any) -> Any:
        if len(data):  # writing nothing (a probe whether a file is writable) never fails
            self._faults.hit("write", self._path)
        return self._inner.write(data)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __enter__(self) -> _FaultyFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.close()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._inner)


def on_disk(descriptor: int) -> bool:
    """Whether ``descriptor`` is a regular file (not a pipe, a terminal or a socket)."""
    return stat.S_ISREG(os.fstat(descriptor).st_mode)


@contextmanager
def faulty(faults: Faults, monkeypatch: pytest.MonkeyPatch) -> Iterator[Faults]:
    """The filesystem of this process failing as ``faults`` says, inside the ``with`` block."""
    real_open, real = io.open, {name: getattr(os, name) for name in ("write", "fsync", "rename", "replace",
                                                                     "link", "mkdir")}  # fmt: skip
    real_exclusive = files.rename_exclusively

    def opened(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(file, mode, *args, **kwargs)
        writing = set(mode) & set("wax+") and on_disk(handle.fileno())
        return _FaultyFile(handle, faults, file) if writing else handle

    def counted(operation: str, name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if name != "write" or on_disk(args[0]):  # a pipe to a speech worker is no file
                faults.hit(operation, args[0] if args else "")
            return real[name](*args, **kwargs)

        return call

    def exclusive(source: Path, target: Path) -> bool:
        faults.hit("rename", target)
        return real_exclusive(source, target)

    with monkeypatch.context() as patch:
        patch.setattr(io, "open", opened)
        patch.setattr(builtins, "open", opened)
        for operation, name in [("write", "write"), ("fsync", "fsync"), ("mkdir", "mkdir")]:
            patch.setattr(os, name, counted(operation, name))
        for name in ("rename", "replace", "link"):
            patch.setattr(os, name, counted("rename", name))
        patch.setattr(files, "rename_exclusively", exclusive)
        yield faults


def each_fault(run: Callable[[Faults], None], monkeypatch: pytest.MonkeyPatch, operation: str) -> int:
    """``run`` once per call of ``operation`` it makes, failing that call (N = 1, 2, ...) with each error
    in turn; the number of runs in which a fault fired."""
    for nth in range(1, MOST_RUNS):
        faults = Faults(operation, nth, CODES[nth % len(CODES)])
        with faulty(faults, monkeypatch):
            run(faults)
        if faults.fired is None:
            return nth - 1
    pytest.fail(f"more than {MOST_RUNS} {operation} calls")


def hidden(folder: Path) -> list[str]:
    """Temporary files and folders left anywhere under ``folder``."""
    return sorted(
        str(p.relative_to(folder)) for p in folder.rglob("*") if p.name.startswith((".", TEMP_PREFIX))
    )


def vc_length(path: Path) -> int:
    """The length in samples of an exported file, decoded."""
    return len(decode(path, 22050))


def one_error(result: Result, faults: Faults, codes: tuple[int, ...] = (1,)) -> None:
    """The run failed with one clear line and no traceback, or the fault was one it could live with."""
    lines = result.stderr.splitlines()
    assert result.exit_code in (*codes, 0), (faults.fired, result.stderr, result.exception)
    if result.exit_code:
        assert len(lines) == 1 and lines[0].startswith("Error: "), (faults.fired, result.stderr)
    assert "Traceback" not in result.output + result.stderr, faults.fired


def valid_cache(cache: Path) -> None:
    """Every entry of the phrase cache proves its content, and no temporary file is left in it."""
    reader = PhraseCache(cache)
    for entry in cache.glob("*/*/*.wav"):
        assert reader.get(entry.stem) is not None, entry
    assert reader.damaged == 0
    assert hidden(cache) == []


@pytest.fixture
def session(tmp_path: Path) -> str:
    return str(write_session(tmp_path / "routines", REACH, BEND))


@pytest.fixture
def cache() -> Path:
    return Path(os.environ["VOICE_COACH_CACHE_DIR"])


ENGINE = ["--engine", "pyttsx3"]


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("kind", ["wav", "mp3"])
def test_a_fault_at_any_write_of_an_export_leaves_nothing(
    runner: CliRunner, tmp_path: Path, session: str, cache: Path, monkeypatch: pytest.MonkeyPatch,
    operation: str, kind: str,
) -> None:  # fmt: skip
    assert runner.invoke(cli, ["cache", "warm", session, *ENGINE]).exit_code == 0
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"session.{kind}"

    def run(faults: Faults) -> None:
        result = runner.invoke(cli, ["export", session, *ENGINE, "-o", str(target), "--cues", "srt"])
        one_error(result, faults)
        if result.exit_code:
            assert result.stderr.startswith(f"Error: cannot write {target}: "), result.stderr
            assert list(out.iterdir()) == [], faults.fired
        else:  # no fault, or one the run could do without (a mkdir of a folder that exists)
            assert sorted(p.name for p in out.iterdir()) == sorted([target.name, "session.srt"]), faults.fired
            assert vc_length(target) > 0
            for made in out.iterdir():
                made.unlink()

    fired = each_fault(run, monkeypatch, operation)
    assert fired >= (1 if operation != "mkdir" else 0)
    valid_cache(cache)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_fault_at_any_write_of_a_cache_fill_leaves_the_cache_valid(
    runner: CliRunner, session: str, cache: Path, monkeypatch: pytest.MonkeyPatch, operation: str
) -> None:
    def run(faults: Faults) -> None:
        for entry in cache.glob("*/*/*.wav"):  # cold each time: every phrase is written again
            entry.unlink()
        result = runner.invoke(cli, ["cache", "warm", session, *ENGINE])
        one_error(result, faults)
        if result.exit_code == 0:  # no fault, or one it could do without (a mkdir of a folder that exists)
            synthesized, cached = (int(word) for word in re.findall(r"\d+", result.stdout)[:2])
            assert len(list(cache.glob("*/*/*.wav"))) == synthesized + cached, faults.fired
        valid_cache(cache)

    assert each_fault(run, monkeypatch, operation) >= 1
    done = runner.invoke(cli, ["cache", "warm", session, *ENGINE])
    assert (done.exit_code, done.stderr) == (0, "")
    valid_cache(cache)


ENTRY = HistoryEntry(date="2026-01-01T08:00:00+00:00", id="spi", title="SPI", played_ms=1_800_000)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_fault_at_any_write_of_a_history_append_keeps_the_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, operation: str
) -> None:
    path = tmp_path / "history" / "history.jsonl"
    append_history(ENTRY, path)
    kept = read_history(path)

    def run(faults: Faults) -> None:
        try:
            append_history(ENTRY, path)
        except HistoryError as error:
            assert str(error).startswith(f"cannot write the session history {path}: "), str(error)
            assert faults.fired is not None
            if operation == "fsync" and read_history(path) == [*kept, ENTRY]:
                kept.append(ENTRY)  # written whole, then not confirmed on disk: valid either way
        else:  # no fault, or one it could do without (a mkdir of the folder that exists)
            kept.append(ENTRY)
        assert read_history(path) == kept
        assert hidden(tmp_path) == []

    each_fault(run, monkeypatch, operation)
    assert all(json.loads(line) for line in path.read_text("utf-8").splitlines())


@dataclass(frozen=True)
class Asked:
    """What the export cache needs of a variant: its key (the server's ``Variant`` has more)."""

    key: str


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_fault_at_any_write_of_the_servers_export_cache_leaves_no_entry(
    runner: CliRunner, tmp_path: Path, session: str, cache: Path, monkeypatch: pytest.MonkeyPatch,
    operation: str,
) -> None:  # fmt: skip
    assert runner.invoke(cli, ["cache", "warm", session, *ENGINE]).exit_code == 0
    timeline = vc.compile(vc.load(session))

    def render(variant: object, folder: Path, cancelled: Callable[[], bool]) -> None:
        vc.export(timeline, folder / "session.mp3", vc.Speech(engine="pyttsx3"), cues=["srt"])

    exports = tmp_path / "exports"
    variant = Asked("a" * 64)

    def run(faults: Faults) -> None:
        server = ExportCache(exports, render, workers=1)  # type: ignore[arg-type]
        made: Future[Path] = server.get(variant)  # type: ignore[arg-type]
        try:
            entry = made.result(60)
        except (OSError, vc.VoiceCoachError) as error:
            assert faults.fired is not None, error
            assert not (exports / variant.key).exists()
        else:
            assert sorted(p.name for p in entry.iterdir()) == ["session.mp3", "session.srt"]
            for made_entry in exports.iterdir():
                for item in made_entry.iterdir():
                    item.unlink()
                made_entry.rmdir()
        finally:
            server.close()
        assert hidden(tmp_path / "exports") == [] if exports.exists() else True

    assert each_fault(run, monkeypatch, operation) >= (1 if operation != "fsync" else 0)
    valid_cache(cache)
