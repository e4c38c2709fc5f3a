"""Faults, signals, concurrent use and untrusted input (issue 7, parts 3-5), end to end with the real
engines, the real ffmpeg and real processes: nothing a user types or a machine does may end in a
traceback, a hang, a corrupt file, a leftover temporary file or a lost result.

The fakes are ``HangingEngine`` and ``StuckEngine``: speech engines that never return, which no real engine
does on demand.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import resource
import signal
import subprocess
import sys
import threading
import uuid
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from audio_cli_helpers import (
    BEND,
    REACH,
    VOICE_COACH,
    Stretch,
    cache_entries,
    decode,
    fails,
    leftovers,
    ms,
    ok,
    phrases,
    read_wav,
    run_cli,
    show_json,
    spoken,
    srt_lines,
    write_session,
)
from click.testing import CliRunner
from fakes import wait_for

from voice_coach.audio.clip import Clip
from voice_coach.cpu import usable_cores
from voice_coach.errors import SynthesisError
from voice_coach.speech import worker_protocol as protocol
from voice_coach.speech.engines import ENGINES, Engine, EngineSettings, Rate, VoiceInfo
from voice_coach.speech.phrase_cache import PhraseCache
from voice_coach.speech.supply import synthesize_phrases

PYTTSX3 = ["--engine", "pyttsx3"]


def cache_dir() -> Path:
    return Path(os.environ["VOICE_COACH_CACHE_DIR"])


def valid_entry(path: Path) -> bool:
    with wave.open(str(path)) as wav:
        return wav.getnframes() > 0 and len(wav.readframes(wav.getnframes())) == 2 * wav.getnframes()


def assert_same_audio(one: npt.NDArray[np.int16], other: npt.NDArray[np.int16]) -> None:
    """The same session rendered twice: the same samples (every phrase is levelled on its own, and the
    engines speak the same text the same way each time)."""
    assert len(one) == len(other)
    assert np.array_equal(one, other)


# --- the phrase cache --------------------------------------------------------------------------------


def test_damaged_cache_entries_are_made_again_during_export(runner: CliRunner, tmp_path: Path) -> None:
    session = str(write_session(tmp_path / "routines", REACH, BEND))
    first, second = tmp_path / "first.wav", tmp_path / "second.wav"
    ok(runner, "export", session, *PYTTSX3, "-o", str(first))
    entries = cache_entries()
    truncated, garbage, empty = entries[:3]
    truncated.write_bytes(truncated.read_bytes()[:100])
    garbage.write_bytes(os.urandom(garbage.stat().st_size))
    empty.write_bytes(b"")
    result = ok(runner, "export", session, *PYTTSX3, "-o", str(second))
    assert result.stdout.endswith(
        f"; 3 phrases synthesized, {len(entries) - 3} cached; 3 damaged phrases made again)\n"
    )
    assert result.stderr == ""
    assert cache_entries() == entries and all(valid_entry(p) for p in entries)
    assert_same_audio(read_wav(first)[0], read_wav(second)[0])


def drop_root_override() -> Callable[[], None]:
    """A ``preexec_fn`` after which root obeys file permissions like anyone else: CAP_DAC_OVERRIDE is
    dropped from the bounding set, so the program it runs starts without it. (``chmod`` alone stops
    nobody when tests run as root.)"""
    libc = ctypes.CDLL(None, use_errno=True)

    def drop() -> None:
        if os.geteuid() == 0 and libc.prctl(24, 1, 0, 0, 0) != 0:  # PR_CAPBSET_DROP, CAP_DAC_OVERRIDE
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")

    return drop


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A folder that ``run_cli(..., preexec_fn=drop_root_override())`` cannot write to, even as root."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    probe = subprocess.run(
        ["sh", "-c", f"touch '{folder}/probe'"], preexec_fn=drop_root_override(), capture_output=True
    )
    if probe.returncode == 0:
        pytest.skip("this machine lets the test user write into a read-only folder")
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir():
            path.chmod(0o755)


def test_a_read_only_cache_folder_warns_and_export_still_works(
    runner: CliRunner, tmp_path: Path, read_only: Path
) -> None:
    session = str(write_session(tmp_path / "routines", REACH))
    out = tmp_path / "out.wav"
    done = run_cli(
        ["export", session, *PYTTSX3, "-o", str(out)],
        {"VOICE_COACH_CACHE_DIR": str(read_only)},
        preexec_fn=drop_root_override(),
    )
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(
        rf"Warning: cannot write the phrase cache at {re.escape(str(read_only))} \(\[Errno 13\] Permission "
        r"denied: '[^']+'\); phrases are kept in memory for this run only\n",
        done.stderr,
    ), done.stderr
    assert done.stdout.endswith(" phrases synthesized, 0 cached)\n")
    assert list(read_only.iterdir()) == []
    ok(runner, "export", session, *PYTTSX3, "-o", str(tmp_path / "usual.wav"))
    assert_same_audio(read_wav(out)[0], read_wav(tmp_path / "usual.wav")[0])


def test_a_read_only_cache_that_holds_the_phrases_is_used(runner: CliRunner, tmp_path: Path) -> None:
    session = str(write_session(tmp_path / "routines", REACH))
    ok(runner, "cache", "warm", session, *PYTTSX3)
    folder, count = cache_dir(), len(cache_entries())
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        done = run_cli(
            ["export", session, *PYTTSX3, "-o", str(tmp_path / "out.wav")],
            {},
            preexec_fn=drop_root_override(),
        )
    finally:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.endswith(f"; 0 phrases synthesized, {count} cached)\n")


def test_a_cache_path_under_a_file_warns_and_export_still_works(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("VOICE_COACH_CACHE_DIR", str(tmp_path / "a-file" / "cache"))
    session = str(write_session(tmp_path / "routines", BEND))
    result = ok(runner, "export", session, *PYTTSX3, "-o", str(tmp_path / "out.wav"))
    assert result.stderr.startswith(
        f"Warning: cannot write the phrase cache at {tmp_path / 'a-file' / 'cache'} "
        "([Errno 20] Not a directory"
    )
    assert result.stderr.count("\n") == 1
    assert read_wav(tmp_path / "out.wav")[0].size > 0


def test_an_unwritable_output_folder_is_reported_before_any_synthesis(
    tmp_path: Path, read_only: Path
) -> None:
    done = run_cli(
        ["export", "kneeling-overhead", *PYTTSX3, "-o", str(read_only / "out.mp3")],
        {},
        preexec_fn=drop_root_override(),
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"Error: cannot write to the folder {read_only}: Permission denied\n"
    assert not cache_dir().exists(), "nothing was synthesized"


# --- a speech engine that hangs ----------------------------------------------------------------------

HANG = "Hang here."
FAIL = "Fail here."


class HangingEngine(Engine):
    """Never returns from one phrase (``HANG``), fails on another (``FAIL``); a short beep for any other."""

    NAME = "hanging"
    NATURAL_WPM = 175

    @property
    def identity(self) -> str:
        return "hanging test engine 1"

    @property
    def sample_rate(self) -> int:
        return 8000

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo("plain", "Plain", "en")]

    def default_voice(self) -> str:
        return "plain"

    def synthesize(self, text: str, voice: str, rate: Rate, volume: float) -> Clip:
        if text == HANG:
            threading.Event().wait()
        if text == FAIL:
            raise ValueError("no such sound")
        return Clip(np.full(800, 1000, np.int16), 8000)


class StuckEngine(HangingEngine):
    """Stuck on every phrase as an engine stuck in C code is: deaf to SIGTERM. The phrase is the path of a
    file it creates once stuck."""

    NAME = "stuck"

    def synthesize(self, text: str, voice: str, rate: Rate, volume: float) -> Clip:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        Path(text).touch()
        threading.Event().wait()
        raise AssertionError("unreachable")


def _hanging_settings_in_worker(engine: str, voice: str | None, rate: Rate) -> EngineSettings:
    """Unpickling in a worker process: register the fake engines there too, for the worker's lifetime."""
    ENGINES.update({HangingEngine.NAME: HangingEngine, StuckEngine.NAME: StuckEngine})
    return EngineSettings(engine, voice, rate)


@dataclass(frozen=True)
class HangingSettings(EngineSettings):
    """Settings that bring the fake engines into the worker processes that unpickle them."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_hanging_settings_in_worker, (self.engine, self.voice, self.rate))


def test_a_phrase_that_hangs_is_timed_out_by_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(ENGINES, HangingEngine.NAME, HangingEngine)
    cache = PhraseCache(tmp_path / "cache")
    with pytest.raises(SynthesisError) as raised:
        synthesize_phrases(
            ["Relax.", HANG, "Breathe."], HangingSettings("hanging"), cache, workers=2, timeout=3
        )
    assert str(raised.value) == "the hanging engine did not finish 'Hang here.' within 3 s"
    assert speech_workers(os.getpid()) == [], "the hung worker was stopped"
    assert cache.info().entries == 2, "the phrases that finished are kept"


def start_worker() -> subprocess.Popen[bytes]:
    """A speech worker of this process, as ``synth`` starts them (stdin, stdout and stderr piped)."""
    return subprocess.Popen(
        [sys.executable, "-m", "voice_coach.speech.worker", str(os.getpid())],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},  # to unpickle HangingSettings
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_a_stuck_worker_whose_input_ends_exits_on_its_own(tmp_path: Path) -> None:
    """The end of its input (its parent exited, or died where the kernel cannot kill a worker with its
    parent) stops a worker, even one stuck in an engine that never sees SIGTERM."""
    with start_worker() as worker:
        assert worker.stdin and worker.stdout and worker.stderr
        try:
            protocol.send(worker.stdin, protocol.Start(HangingSettings(StuckEngine.NAME), 1))
            protocol.send(worker.stdin, protocol.Phrase(7, str(tmp_path / "stuck")))
            wait_for(lambda: (tmp_path / "stuck").exists(), "the worker to be stuck")
            worker.stdin.close()
            wait_for(lambda: worker.poll() is not None, "the worker to exit", protocol.STOP_GRACE + 5)
        finally:
            worker.kill()
        assert protocol.receive(worker.stdout) is None, "no reply"
        assert (worker.wait(), worker.stderr.read()) == (0, b"")


def test_a_worker_answers_each_phrase_with_its_clip_or_its_error() -> None:
    with start_worker() as worker:
        assert worker.stdin and worker.stdout and worker.stderr
        try:
            protocol.send(worker.stdin, protocol.Start(HangingSettings(HangingEngine.NAME), 1))
            for id, text in enumerate(["Relax.", FAIL, "Breathe."]):
                protocol.send(worker.stdin, protocol.Phrase(id, text))
            answers = [protocol.receive(worker.stdout) or b"" for _ in range(3)]
            worker.stdin.close()
            wait_for(lambda: worker.poll() is not None, "the worker to exit once its input ends")
        finally:
            worker.kill()
        assert (worker.wait(), worker.stderr.read()) == (0, b"")
    replies = [protocol.decode(answer, protocol.Reply) for answer in answers]
    assert [r.id for r in replies] == [0, 1, 2]
    assert [len(r.clip.samples) if r.clip else None for r in replies] == [800, None, 800]
    assert isinstance(replies[1].error, SynthesisError)
    assert str(replies[1].error) == "the hanging engine failed on 'Fail here.': no such sound"


# --- a speech worker that dies -----------------------------------------------------------------------


def speech_workers(pid: int) -> list[int]:
    """The speech worker processes whose parent is ``pid``, exited or not."""
    return [pid for pid in children(pid) if b"voice_coach.speech.worker" in cmdline(pid)]


def cmdline(pid: int) -> bytes:
    """The command line of process ``pid``; empty once it is gone."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def alive(pid: int, command: bytes) -> bool:
    """Whether process ``pid`` still runs ``command`` (neither gone, nor a zombie, nor the pid reused)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z" and cmdline(pid) == command


def children(pid: int) -> list[int]:
    """The process ids whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def marked(mark: str) -> list[int]:
    """Live processes whose environment holds ``VOICE_COACH_TEST_MARK=mark``."""
    wanted = f"VOICE_COACH_TEST_MARK={mark}".encode()
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            state = (environ.parent / "stat").read_text().rsplit(")", 1)[1].split()[0]
            if state != "Z" and wanted in environ.read_bytes().split(b"\0"):
                found.append(int(environ.parent.name))
        except (OSError, IndexError):
            continue
    return found


def many_steps(folder: Path, count: int) -> Path:
    """A session whose routine has ``count`` distinct short steps: a few seconds of synthesis."""
    steps = [f"Step {n}." for n in range(1, count + 1)]
    stretch = Stretch("steps", "Steps", steps[0])
    path = write_session(folder, stretch)
    routine = folder / "steps.toml"
    routine.write_text(routine.read_text().replace(json.dumps(steps[0]), ", ".join(map(json.dumps, steps))))
    return path


@dataclass
class Running:
    """A ``voice-coach`` process started in the background, marked so its descendants can be found."""

    process: subprocess.Popen[str]
    mark: str

    def finish(self) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=60)
        return self.process.returncode, out, err


def default_interrupts() -> None:
    """A ``preexec_fn`` giving the child Ctrl-C's default action, as a terminal would: a shell starts
    background jobs (a CI runner, ``cmd &``) with SIGINT ignored, and Python keeps it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(args: list[str], temp: Path | None = None) -> Running:
    """``voice-coach ARGS`` in the background; ``temp``: its temporary folder (TMPDIR)."""
    mark = uuid.uuid4().hex
    env = {**os.environ, "VOICE_COACH_TEST_MARK": mark, **({"TMPDIR": str(temp)} if temp else {})}
    process = subprocess.Popen(
        [*VOICE_COACH, *args],
        preexec_fn=default_interrupts,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return Running(process, mark)


def test_a_speech_worker_that_dies_is_a_clear_error(tmp_path: Path) -> None:
    session = many_steps(tmp_path / "routines", 40)
    out = tmp_path / "out" / "session.mp3"
    out.parent.mkdir()
    run = start(["export", str(session), *PYTTSX3, "-o", str(out)])
    wait_for(lambda: len(cache_entries()) >= 1, "the first phrase in the cache")
    workers = speech_workers(run.process.pid)
    assert workers, "synthesis runs in worker processes"
    os.kill(workers[0], signal.SIGKILL)
    code, out_text, err = run.finish()
    assert (code, out_text) == (1, "")
    died = (
        r"died while synthesizing '(.+)'"
        r"|died before it could synthesize '(.+)' \(writing to it failed: .+\)"
    )
    named = re.fullmatch(rf"Error: a speech worker process (?:{died})\n", err)
    said = named and (named.group(1) or named.group(2))  # killed mid-phrase, or between two
    assert said and said in phrases(show_json(CliRunner(), str(session), "--estimate")), err
    assert list(out.parent.iterdir()) == [] and leftovers(cache_dir()) == []
    wait_for(lambda: not marked(run.mark), "no process of the export left")


# --- ffmpeg missing or failing -----------------------------------------------------------------------


def test_without_ffmpeg_mp3_is_refused_before_synthesis_and_wav_works(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    session = str(write_session(tmp_path / "routines", BEND))
    install = "install it with `sudo apt-get install ffmpeg` (or run ./scripts/setup.sh)"
    fails(
        runner,
        ["export", session, *PYTTSX3, "-o", str(tmp_path / "out.mp3")],
        1,
        f"MP3 export needs ffmpeg, which is not installed: {install}; or export a .wav, which needs nothing",
    )
    (tmp_path / "song.mp3").write_bytes(b"not decoded: refused first")
    fails(
        runner,
        ["export", session, *PYTTSX3, "-o", str(tmp_path / "out.wav"), "--music", str(tmp_path / "song.mp3")],
        1,
        f"Reading a music file needs ffmpeg, which is not installed: {install}; "
        "or use a 16-bit .wav music file",
    )
    assert not cache_dir().exists(), "nothing was synthesized"
    ok(runner, "export", session, *PYTTSX3, "-o", str(tmp_path / "out.wav"), "--cues", "srt")
    samples, rate = read_wav(tmp_path / "out.wav")
    assert ms(len(samples), rate) == show_json(runner, session, *PYTTSX3)["total_ms"]
    song = tmp_path / "song.wav"
    with wave.open(str(song), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(22050)
        wav.writeframes((np.sin(np.arange(44100) * 0.05) * 5000).astype("<i2").tobytes())
    ok(runner, "export", session, *PYTTSX3, "-o", str(tmp_path / "music.wav"), "--music", str(song))
    assert not np.array_equal(read_wav(tmp_path / "music.wav")[0], samples)


def limit_file_size(size: int) -> Callable[[], None]:
    """A ``preexec_fn``: no file the process (or ffmpeg, its child) writes may grow past ``size`` bytes,
    as on a disk that fills up."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("out.mp3", "ffmpeg failed: killed by SIGXFSZ (File size limit exceeded)"),
        ("out.wav", "File too large"),
    ],
)
def test_a_write_that_fails_midway_keeps_the_old_file_and_leaves_nothing(
    runner: CliRunner, tmp_path: Path, name: str, reason: str
) -> None:
    session = str(write_session(tmp_path / "routines", REACH, BEND))
    ok(runner, "cache", "warm", session, *PYTTSX3)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / name
    target.write_bytes(b"the previous export")
    done = run_cli(
        ["export", session, *PYTTSX3, "-o", str(target), "--force", "--cues", "lrc"],
        {},
        preexec_fn=limit_file_size(64_000),
    )
    assert (done.returncode, done.stdout) == (1, "")
    # Only the last line: under a file size limit the PulseAudio client that espeak-ng loads prints
    # "ftruncate() failed" (its shared memory is a file too); a full disk would not do that.
    assert done.stderr.endswith(f"\nError: cannot write {target}: {reason}\n"), done.stderr
    assert "Traceback" not in done.stderr
    assert [p.name for p in folder.iterdir()] == [name]
    assert target.read_bytes() == b"the previous export"


# --- signals -----------------------------------------------------------------------------------------

INTERRUPTED = {signal.SIGINT: (130, "Interrupted.\n"), signal.SIGTERM: (143, "")}
"""Exit status and stderr after each signal (the shell's 128 + signal number)."""


@pytest.mark.parametrize("cache", ["warm", "cold"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_while_encoding_leaves_no_file_and_no_temp_file(
    runner: CliRunner, tmp_path: Path, signum: signal.Signals, cache: str
) -> None:
    """Warm: the mix is being encoded. Cold: encoding has started while the phrases are still being
    synthesized (the stream); the speech workers must go too."""
    session = str(
        write_session(tmp_path / "routines", Stretch("long", "Long", "Reach up.", hold="10m", sets=3))
    )
    if cache == "warm":
        ok(runner, "cache", "warm", session, *PYTTSX3)
    folder = tmp_path / "out"
    folder.mkdir()
    run = start(["export", session, *PYTTSX3, "-o", str(folder / "long.mp3"), "--cues", "srt,lrc"])
    wait_for(lambda: any(p.name.endswith(".part") for p in folder.iterdir()), "encoding to start")
    run.process.send_signal(signum)
    code, out, err = run.finish()
    status, message = INTERRUPTED[signum]
    assert (code, out, err) == (status, "", message)
    assert list(folder.iterdir()) == []
    assert marked(run.mark) == [], "ffmpeg was stopped"


DROPPED_BY_PYTHON = """
import os, signal, sys
from voice_coach import interrupts

interrupts.install()


class LetGo:
    def __del__(self):  # where Python can only drop an exception (as in a weakref callback)
        os.kill(os.getpid(), signal.SIG{name})
        sum(range(100_000))  # the handler runs here


LetGo()
print("ran on")
try:
    interrupts.check()
except BaseException as error:
    print("raised again:", type(error).__name__, getattr(error, "code", ""))
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_python_drops_is_raised_again_at_the_next_check(signum: signal.Signals) -> None:
    script = DROPPED_BY_PYTHON.format(name=signum.name.removeprefix("SIG"))
    done = subprocess.run(
        [sys.executable, "-c", script],
        preexec_fn=default_interrupts,
        capture_output=True,
        text=True,
        timeout=60,
    )
    again = "KeyboardInterrupt " if signum == signal.SIGINT else f"SystemExit {128 + signum}"
    assert (done.stdout, done.stderr) == (f"ran on\nraised again: {again}\n", "")


WORKER_STOP_DROPPED = """
import os, signal
from voice_coach.speech import worker
from voice_coach.speech.engines import EngineSettings

worker._handle_signals()
worker._start(EngineSettings(engine="pyttsx3"), 1)
worker._busy = True  # as while it synthesizes a phrase


class LetGo:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGTERM)  # the parent stopping its workers
        sum(range(100_000))


LetGo()
print("stopping:", worker._stopping, flush=True)
worker._synthesize_one("Reach.")
print("still running")
"""


def test_a_worker_whose_stop_python_drops_exits_after_its_phrase_and_prints_nothing() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WORKER_STOP_DROPPED], capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "stopping: True\n", "")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_while_synthesizing_stops_the_workers_and_leaves_nothing(
    tmp_path: Path, signum: signal.Signals
) -> None:
    session = many_steps(tmp_path / "routines", 40)
    folder, temp = tmp_path / "out", tmp_path / "temp"
    folder.mkdir()
    temp.mkdir()
    run = start(["export", str(session), *PYTTSX3, "-o", str(folder / "steps.mp3")], temp)
    wait_for(lambda: len(cache_entries()) >= 2, "synthesis to be under way")
    run.process.send_signal(signum)
    code, out, err = run.finish()
    status, message = INTERRUPTED[signum]
    assert (code, out, err) == (status, "", message)
    assert len(cache_entries()) < 40, "the signal came during synthesis"
    assert list(folder.iterdir()) == [] and leftovers(cache_dir()) == []
    assert all(valid_entry(p) for p in cache_entries())
    wait_for(lambda: not marked(run.mark), "the speech workers to be gone")
    # (pulse-*: the PulseAudio client library that espeak-ng loads keeps its runtime folder there)
    assert [p.name for p in temp.iterdir() if not p.name.startswith("pulse-")] == [], "engine temp files"


KILLED_PARENT = """
import sys
from pathlib import Path
from test_reliability import ENGINES, EngineSettings, HangingSettings, PhraseCache, StuckEngine
from voice_coach.speech.supply import synthesize_phrases

cache, engine, texts = PhraseCache(Path(sys.argv[1])), sys.argv[2], sys.argv[3:]
ENGINES[StuckEngine.NAME] = StuckEngine
synthesize_phrases(texts, HangingSettings(engine) if engine == "stuck" else EngineSettings(engine), cache)
"""


@pytest.mark.parametrize("engine", ["pyttsx3", StuckEngine.NAME])
def test_speech_workers_die_with_a_parent_killed_by_sigkill(tmp_path: Path, engine: str) -> None:
    """SIGKILL leaves the parent no clean-up to run: its workers (~300 MB each with Piper) must end
    anyway, within seconds, even stuck in an engine."""
    cache, count = tmp_path / "cache", usable_cores()
    stuck = engine == StuckEngine.NAME
    if stuck:  # each phrase names the file its worker creates once stuck on it
        texts = [str(tmp_path / f"stuck-{n}") for n in range(count)]
    else:  # enough phrases to be killed well before the end
        texts = [f"Step {n}." for n in range(200)]
    scratch = tmp_path / "tmp"  # the runs' own temporary folder: what they leave there is seen
    scratch.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "TMPDIR": str(scratch)}
    parent = subprocess.Popen(
        [sys.executable, "-c", KILLED_PARENT, str(cache), engine, *texts], env=env, stdin=subprocess.DEVNULL
    )
    workers: dict[int, bytes] = {}
    try:
        wait_for(lambda: len(speech_workers(parent.pid)) == count, "the workers")
        if stuck:
            wait_for(lambda: all(Path(text).exists() for text in texts), "every worker stuck")
        else:
            wait_for(lambda: any(cache.glob("*/*/*.wav")), "a phrase in the cache")
        workers = {pid: cmdline(pid) for pid in speech_workers(parent.pid)}
        parent.kill()
        parent.wait()
        wait_for(lambda: not any(alive(pid, cmd) for pid, cmd in workers.items()), "the workers to die", 10)
        # Nothing could clean up after a SIGKILL: the next run removes the killed run's workers' folder.

        def ours() -> list[str]:  # (libpulse keeps a folder of its own there)
            return sorted(p.name for p in scratch.glob("voice-coach*"))

        assert [name.split("-")[3] for name in ours()] == [str(parent.pid)]
        after = [sys.executable, "-c", KILLED_PARENT, str(tmp_path / "cache-2"), "pyttsx3", "Done."]
        subprocess.run(after, env=env, stdin=subprocess.DEVNULL, check=True, timeout=60)
        assert ours() == []
    finally:
        parent.kill()
        parent.wait()
        for pid, command in workers.items():
            if alive(pid, command):
                os.kill(pid, signal.SIGKILL)


# --- concurrent use ----------------------------------------------------------------------------------

ROUTINES = {
    "a": Stretch("reach", "Reach", "Reach up.", sets=2),
    "b": Stretch("side", "Side", "Lean right.", hold="3s"),
    "c": Stretch("twist", "Twist", "Twist right.", hold="5s"),
    "d": Stretch("lunge", "Lunge", "Step forward.", hold="3s", sets=2),
}


def test_six_exports_at_once_into_one_cache(runner: CliRunner, tmp_path: Path) -> None:
    """Four processes export four routines and two export the same one, all at once, into one cold cache."""
    jobs: dict[str, tuple[Path, Path]] = {}
    for name, stretch in ROUTINES.items():
        suffix = ".wav" if name in "ab" else ".mp3"
        jobs[name] = (write_session(tmp_path / name, stretch, BEND), tmp_path / "out" / f"{name}{suffix}")
    jobs["same"] = (jobs["a"][0], tmp_path / "out" / "same.wav")
    (tmp_path / "out").mkdir()
    runs = {
        name: start(["export", str(s), *PYTTSX3, "-o", str(o), "--cues", "srt"])
        for name, (s, o) in jobs.items()
    }
    results = {name: run.finish() for name, run in runs.items()}
    assert {name: r[0] for name, r in results.items()} == dict.fromkeys(jobs, 0), results
    assert all(r[2] == "" for r in results.values()), results
    expected: set[str] = set()
    for name, (session, out) in jobs.items():
        data = show_json(runner, str(session), *PYTTSX3)
        expected |= phrases(data)
        length = ms(len(decode(out, 22050)), 22050)
        assert abs(length - data["total_ms"]) <= (0 if out.suffix == ".wav" else 50), name
        said = [(text, start) for text, start, _ in srt_lines(out.with_suffix(".srt").read_text())]
        assert said == [(text, start) for text, start, _ in spoken(data)], name
    same, other = read_wav(jobs["a"][1])[0], read_wav(jobs["same"][1])[0]
    assert_same_audio(same, other)
    assert leftovers(cache_dir()) == [], "no partial cache entries"
    entries = cache_entries()
    assert len(entries) == len(expected) and all(valid_entry(p) for p in entries)
    for session, _ in jobs.values():
        assert ok(runner, "cache", "warm", str(session), *PYTTSX3).stdout.startswith("0 phrases synthesized")


# --- untrusted input ---------------------------------------------------------------------------------

HOSTILE = [
    "$(touch pwned1)",
    "`touch pwned2`; touch pwned3",
    "It's \"; touch pwned4 #",
    "Say $HOME and ~ here.",
]


def test_cue_text_is_spoken_literally_and_never_run(runner: CliRunner, tmp_path: Path) -> None:
    routine = tmp_path / "hostile.toml"
    steps = ", ".join(json.dumps(text) for text in HOSTILE)
    routine.write_text(
        f'id = "hostile"\ntitle = "Hostile"\nkind = "stretch"\nsetup = [{steps}]\nhold = "3s"\n'
        'release = "Relax."\n'
    )
    session = tmp_path / "session.toml"
    session.write_text('id = "s"\ntitle = "S"\noutro = "Done."\nroutines = ["./hostile.toml"]\n')
    work = tmp_path / "work"
    work.mkdir()
    done = run_cli(["export", str(session), *PYTTSX3, "-o", "out.wav", "--cues", "srt"], {}, cwd=work)
    assert done.returncode == 0, done.stderr
    said = [text for text, _, _ in srt_lines((work / "out.srt").read_text())]
    assert said[1 : 1 + len(HOSTILE)] == HOSTILE
    assert not list(tmp_path.rglob("pwned*")) and not list(Path.cwd().glob("pwned*"))
    data = show_json(runner, str(session), *PYTTSX3)
    assert {b["text"] for b in data["blocks"] if b["type"] == "say"} >= set(HOSTILE)
    for text in HOSTILE:
        clip = synthesize_phrases([text], EngineSettings(engine="pyttsx3"), PhraseCache(cache_dir()))
        assert clip.cached == 1 and len(clip[text].samples) > clip.sample_rate // 2, text


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_titles_cannot_steer_split_files_out_of_the_folder(tmp_path: Path) -> None:
    titles = {"up": "../../etc/passwd", "abs": "/abs", "con": "CON", "ab": "a/b", "dots": ".."}
    routines = tmp_path / "routines"
    routines.mkdir()
    for routine_id, title in titles.items():
        stretch = Stretch(routine_id, title, "Go.", hold="2s")
        (routines / f"{routine_id}.toml").write_text(stretch.toml())
    names = ", ".join(json.dumps(f"./{r}.toml") for r in titles)
    session = routines / "session.toml"
    session.write_text(f'id = "s"\ntitle = "../../s"\noutro = "Done."\nroutines = [{names}]\n')
    passwd = hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest()
    before = tree(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    done = run_cli(["export", str(session), *PYTTSX3, "-o", str(out / "parts.wav"), "--split"], {}, cwd=out)
    assert done.returncode == 0, done.stderr
    expected = ["01 etc-passwd.wav", "02 abs.wav", "03 Chapter CON.wav", "04 a-b.wav", "05 Chapter.wav"]
    assert sorted(p.name for p in (out / "parts").iterdir()) == sorted([*expected, "parts.m3u8"])
    assert tree(tmp_path) - before == {
        "out",
        "out/parts",
        *(f"out/parts/{n}" for n in [*expected, "parts.m3u8"]),
    }
    playlist = (out / "parts" / "parts.m3u8").read_text().splitlines()
    assert playlist[3::2] == expected and playlist[1] == "#PLAYLIST:../../s"
    assert not Path("/abs.wav").exists() and not Path("/etc/passwd.wav").exists()
    assert hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest() == passwd


# --- long phrases ------------------------------------------------------------------------------------

LONG = " ".join(["Breathe in slowly, and let your shoulders drop."] * 10)
"""80 words: a long note or intro in a user's routine file."""


def test_pyttsx3_speaks_long_phrases_whole(tmp_path: Path) -> None:
    """pyttsx3's espeak driver speaks on espeak-ng's own thread: a child that exits as soon as runAndWait
    returns lost long phrases ('pyttsx3 wrote no audio') or cut them short, under load."""
    texts = [f"{LONG} {n}." for n in range(1, 5)]
    result = synthesize_phrases(texts, EngineSettings(engine="pyttsx3"), PhraseCache(tmp_path / "cache"))
    lengths = {len(result[text].samples) for text in texts}
    assert min(lengths) > 20 * result.sample_rate
    assert max(lengths) - min(lengths) < result.sample_rate // 2, "no phrase cut short"
