"""A speech worker: a process of its own that speaks phrases for ``synth``, one at a time.

``synth`` starts it as a fresh interpreter (``python -c "... worker.main(parent pid)"``, the parent's
import path in its arguments; ``python -m voice_coach.speech.worker PARENT_PID`` works too), not with
``multiprocessing``: a multiprocessing child re-imports the user's main script, which runs the script's
synthesis again when it has no ``if __name__ == "__main__":`` guard. It talks to ``synth`` over its stdin
and stdout (see ``worker_protocol``); anything else written there (an engine's messages) goes to its stderr.

It dies with its parent, however the parent ends: on Linux the kernel kills it (``PR_SET_PDEATHSIG``);
everywhere, a thread sees its input end or its parent change and stops it within ``STOP_GRACE`` seconds.

Signals: Ctrl-C (and SIGHUP) reach the whole process group, and the parent decides what to do about them,
so a worker ignores them. SIGTERM is the parent's request to stop: an idle worker exits at once; a busy one
abandons its phrase by raising ``_StopRequested``, so the engine's clean-up (temporary files, its child
process) runs on the way out.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import queue
import signal
import sys
import threading
import time
from types import FrameType
from typing import IO

from voice_coach import interrupts
from voice_coach.audio.clip import Clip
from voice_coach.errors import SynthesisError
from voice_coach.speech.engines import Engine, EngineSettings, get_engine
from voice_coach.speech.lexicon import spoken
from voice_coach.speech.trim import trim_silence
from voice_coach.speech.worker_protocol import STOP_GRACE, Phrase, Reply, Start, decode, receive, send

PARENT_POLL = 0.5
"""Seconds between two checks that the parent is still alive (where the kernel cannot be asked to tell)."""
_PR_SET_PDEATHSIG = 1

_engine: tuple[Engine, EngineSettings] | None = None
_busy = False
_stopping = False


class _StopRequested(BaseException):
    """Raised by SIGTERM while the worker synthesizes: unwinds the engine's clean-up, then it exits."""


def main(parent: int) -> None:
    """Serve ``parent`` (the process that started this one): one reply per phrase, until input ends."""
    _handle_signals()
    _die_with(parent)
    requests, replies = _claim_stdio()
    inbox: queue.Queue[bytes | None] = queue.Queue()
    threading.Thread(target=_read_requests, args=(requests, inbox), daemon=True).start()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if (first := inbox.get()) is None:
        os._exit(0)
    failure = _start_or_failure(first)
    while (request := inbox.get()) is not None:
        phrase = decode(request, Phrase)
        reply = Reply(phrase.id, error=failure) if failure else _answer(phrase)
        try:
            send(replies, reply)
        except OSError:  # the parent is gone
            break
    os._exit(0)  # nothing to tidy: skip the interpreter's slow teardown of the engine's libraries


def _handle_signals() -> None:
    """Leave Ctrl-C and SIGHUP to the parent; make SIGTERM stop this worker (see the module docstring)."""
    for name in ("SIGINT", "SIGHUP"):
        if (signum := getattr(signal, name, None)) is not None:
            signal.signal(signum, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    interrupts.silence_dropped(lambda error: isinstance(error, _StopRequested))


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when ``parent`` dies, even by SIGKILL (Linux only).

    The parent may have died before this call: then the request never fires, and this process already has
    another parent, so it exits now. (The kernel watches the thread that started this process, not the
    whole parent: ``synth`` keeps its workers only for one call, on the caller's thread.)
    """
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(0)


def _claim_stdio() -> tuple[IO[bytes], IO[bytes]]:
    """The pipes to the parent, moved off fds 0 and 1, which become /dev/null and stderr.

    An engine that prints (pyttsx3 does) would otherwise corrupt the replies, and the engine's own child
    processes would hold the pipes open after this process died, hiding its death from the parent.
    (``os.dup`` makes descriptors that children do not inherit.)
    """
    requests = open(os.dup(0), "rb")  # noqa: SIM115 - open for the life of the process
    replies = open(os.dup(1), "wb")  # noqa: SIM115
    with open(os.devnull, "rb") as null:
        os.dup2(null.fileno(), 0)
    os.dup2(2, 1)
    return requests, replies


def _read_requests(requests: IO[bytes], inbox: queue.Queue[bytes | None]) -> None:
    """Pass each request to the main thread; when input ends, stop.

    Input ends when the parent is done with this worker, or dies. The main thread may then be busy (a
    phrase under way, or an engine that hangs), so this thread sees to the stop.
    """
    while (request := receive(requests)) is not None:
        inbox.put(request)
    inbox.put(None)
    _leave()


def _watch_parent(parent: int) -> None:
    """Stop once ``parent`` is gone (this process then has another parent), should input not end."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    _leave()


def _leave() -> None:
    """Stop as if the parent had asked (SIGTERM: an idle worker exits, a busy one cleans up), and exit
    after ``STOP_GRACE`` seconds in any case: an engine stuck in C code never sees the request."""
    with contextlib.suppress(OSError):
        os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(STOP_GRACE)
    os._exit(0)


def _stop(signum: int, frame: FrameType | None) -> None:
    """SIGTERM's handler: abandon the phrase under way (cleaning up), or exit at once if idle.

    It raises once: a second request (the parent's SIGTERM and the end of input both ask) must not cut
    the engine's clean-up short. If Python drops the exception (it came inside a weakref callback, see
    ``interrupts``), the phrase runs to its end and the worker exits then.
    """
    global _stopping
    if not _busy:
        os._exit(0)
    if not _stopping:
        _stopping = True
        raise _StopRequested


def _start_or_failure(request: bytes) -> SynthesisError | None:
    """Create the engine the ``Start`` request asks for; the error to answer every phrase with if that
    fails (settings of a class this process cannot import, such as one defined in the user's script, or
    an engine that cannot start)."""
    try:
        start = decode(request, Start)
    except Exception as exc:
        return SynthesisError(f"a speech worker cannot read the engine settings: {exc!r}")
    try:
        _start(start.settings, start.threads)
    except SynthesisError as exc:
        return _picklable(exc)
    except Exception as exc:
        return SynthesisError(f"the {start.settings.engine} engine could not start: {exc}")
    return None


def _start(settings: EngineSettings, threads: int) -> None:
    """Create the engine once, sharing the cores with the other workers."""
    global _engine
    engine = get_engine(settings.engine)
    engine.use_threads(threads)
    _engine = (engine, settings)


def _answer(phrase: Phrase) -> Reply:
    """The reply to ``phrase``: its clip, or the error that stopped it."""
    try:
        return Reply(phrase.id, clip=_synthesize_one(phrase.text))
    except SynthesisError as exc:
        return Reply(phrase.id, error=_picklable(exc))


def _synthesize_one(text: str) -> Clip:
    """``text`` spoken by this worker's engine."""
    if _engine is None:
        raise SynthesisError("speech worker started without an engine")
    global _busy
    engine, settings = _engine
    _busy = True
    try:
        said = spoken(text, settings.lexicon, engine.PHONEMES)
        return trim_silence(engine.synthesize(said, settings.voice or "", settings.rate, settings.volume))
    except _StopRequested:
        # The engine's own clean-up (temporary files, its child process) ran on the way here.
        os._exit(0)
    except SynthesisError:
        raise
    except Exception as exc:
        raise SynthesisError(f"the {engine.NAME} engine failed on {text!r}: {exc}") from exc
    finally:
        _busy = False
        if _stopping:
            os._exit(0)


def _picklable(error: SynthesisError) -> SynthesisError:
    """``error`` itself if it can travel to the parent, else a plain SynthesisError with its message."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return SynthesisError(str(error))
    return error


if __name__ == "__main__":  # python -m voice_coach.speech.worker PARENT_PID: by hand, or in tests
    main(int(sys.argv[1]))
