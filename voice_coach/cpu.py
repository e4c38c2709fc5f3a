"""How much parallel work this process may do."""

from __future__ import annotations

import os


def usable_cores() -> int:
    """The number of CPU cores this process may use (its affinity mask, where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
