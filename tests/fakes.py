"""Fakes for what this machine lacks: a sound device (a sink that records buffers) and real time (a clock
that moves only when the player sleeps), and a keyboard that presses keys at given times."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pytest

Samples = npt.NDArray[np.int16]


class FakeClock:
    """Time that passes only when the player sleeps, instantly."""

    def __init__(self) -> None:
        self.time = 0.0

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.time += seconds


@dataclass
class Record:
    samples: Samples
    rate: int
    started: float
    seconds: float
    stopped: float | None = None


@dataclass
class FakePlaying:
    clock: FakeClock
    record: Record

    def is_playing(self) -> bool:
        return self.record.stopped is None and self.clock.now() < self.record.started + self.record.seconds

    def stop(self) -> None:
        if self.record.stopped is None:
            self.record.stopped = self.clock.now()


@dataclass
class RecordingSink:
    """Keeps every buffer and the fake time it started; ``slowness`` and ``latency`` model a real device."""

    clock: FakeClock
    slowness: float = 1.0
    latency: float = 0.0
    records: list[Record] = field(default_factory=list)

    def start(self, samples: Samples, rate: int) -> FakePlaying:
        seconds = len(samples) / rate * self.slowness + self.latency
        self.records.append(Record(samples.copy(), rate, self.clock.now(), seconds))
        return FakePlaying(self.clock, self.records[-1])


class ScriptedKeys:
    """Key presses at given fake times, each delivered once, at the first poll at or after its time."""

    def __init__(self, clock: FakeClock, script: list[tuple[float, str]]) -> None:
        self.clock, self.script = clock, sorted(script)

    def poll(self) -> str | None:
        if self.script and self.clock.now() >= self.script[0][0]:
            return self.script.pop(0)[1]
        return None


def wait_for(condition: Callable[[], bool], what: str, deadline: float = 30.0) -> None:
    """Poll ``condition`` every 5 ms until it holds (another thread or process gets there); fail after
    ``deadline`` seconds. No time passes for the code under test: it only waits for work to happen."""
    end = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > end:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.005)
