"""Ctrl-C, SIGTERM and SIGHUP, made reliable: an interrupt is never lost, so an interrupted export never
puts its files in place.

Python runs a signal handler between two bytecodes of the main thread and raises its exception there. If
that moment falls inside a weakref callback or a ``__del__`` (the garbage collector runs them at almost
any point, for instance when a thread pool's threads are let go), Python can only print "Exception
ignored in ..." and carry on: the interrupt is gone, and an export would run to its end and write its
file. So the handlers installed here also remember the signal, and ``check()``, called where work can
stop cleanly (between chunks of audio, before files are renamed into place), raises it again. Such a
dropped exception is not printed either: it is not lost any more.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import NoReturn

_pending: list[BaseException] = []
"""The exception of the last signal received, until ``check`` raises it again."""
_received: list[int] = []
"""Every signal handled so far."""


def install() -> None:
    """Handle SIGINT (KeyboardInterrupt), SIGTERM and SIGHUP (SystemExit 128 + signal: the clean-up on
    the way out runs, where their default action would end the process on the spot). A signal ignored
    when the program started stays ignored (``nohup voice-coach export ...``)."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupt)
    for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None and signal.getsignal(signum) == signal.SIG_DFL:
            signal.signal(signum, _terminate)
    silence_dropped(lambda error: bool(_pending) and isinstance(error, type(_pending[0])))


def silence_dropped(expected: Callable[[BaseException | None], bool]) -> None:
    """Print nothing for an exception Python drops (see the module's docstring) when ``expected(it)``:
    a signal handler's own exception, which is taken care of another way."""
    default_hook = sys.unraisablehook

    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        if not expected(unraisable.exc_value):
            default_hook(unraisable)

    sys.unraisablehook = hook


def received() -> bool:
    """Whether a signal handled here has arrived (the program is on its way out because of it)."""
    return bool(_received)


def exit_now(status: int) -> NoReturn:
    """End the process with ``status`` at once, once the clean-up on the way out has run.

    Interpreter shutdown after an interrupt gained nothing and lost the exit status: now and then (about
    one run in thirty on a busy machine) a process that had cleaned up, printed "Interrupted." and
    reached its exit handlers with status 130 was reported killed by SIGINT instead, which tells a
    shell or CI runner something else. Output is flushed first; nothing else is left to do.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)


def exit_status() -> int:
    """The shell's exit status for the last signal received: 128 + its number (130 for Ctrl-C, also when
    none was received through a handler here)."""
    return 128 + (_received[-1] if _received else signal.SIGINT)


def check() -> None:
    """Raise again the exception of a signal that Python had to drop; nothing if there is none."""
    if _pending:
        raise _pending.pop()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    _pending[:] = [KeyboardInterrupt()]
    raise KeyboardInterrupt


def _terminate(signum: int, frame: FrameType | None) -> None:
    """SystemExit(128 + signum), the shell's exit status for a signal, once: a second signal while
    cleaning up is ignored so the clean-up can finish."""
    signal.signal(signum, signal.SIG_IGN)
    _received.append(signum)
    _pending[:] = [SystemExit(128 + signum)]
    raise SystemExit(128 + signum)
