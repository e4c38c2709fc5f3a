"""A private D-Bus session bus for the media-key tests: a ``dbus-daemon`` of their own, so no desktop's
bus is touched, ended when the test is."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def private_session_bus() -> Iterator[str]:
    """A running session bus: its address; the daemon is ended afterwards."""
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address"], stdout=subprocess.PIPE, text=True
    )
    assert daemon.stdout is not None
    address = daemon.stdout.readline().strip()
    try:
        yield address
    finally:
        daemon.terminate()
        daemon.wait()
        daemon.stdout.close()
