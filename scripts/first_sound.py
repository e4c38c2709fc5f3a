"""``voice-coach play`` up to its first sound, on a pretend sound device that keeps real time.

Runs ``vc.play`` (the public library call the command line makes) with a ``Sink`` that plays each buffer
for exactly as long as it lasts on the wall clock, one buffer at a time like a real device, and notes when
the first sample louder than ``--threshold`` is *played*: the wall time its buffer started sounding plus
its offset inside the buffer. Once that moment has passed, the session is quit as if ``q`` were pressed.
Needs no sound card. Prints one JSON line of ``time.monotonic()`` readings (comparable with those of the
process that launched this one, on Linux)::

    .venv/bin/python scripts/first_sound.py spi [--engine piper] [--lead-in 0]

Used by ``scripts/bench.py``; the phrase cache and config come from the environment, as for the CLI.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
import numpy.typing as npt

import voice_coach as vc

THRESHOLD = 1 / 1000
"""Louder than this share of full scale (-60 dBFS) is sound; the lead-in is digital silence."""
GIVE_UP_SECONDS = 300.0
"""Quit the session when nothing was heard this long after launch (a bug, not a slow machine)."""


class Playing:
    """One buffer on the device: sounding until its end on the wall clock, or until stopped."""

    def __init__(self, device: Device, ends: float) -> None:
        self.device, self.ends = device, ends

    def is_playing(self) -> bool:
        return time.monotonic() < self.ends

    def stop(self) -> None:
        now = time.monotonic()
        if now < self.ends:
            self.ends = self.device.free_at = now


class Device:
    """A ``Sink`` that keeps real time: a buffer handed over while another still sounds waits its turn."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self.free_at = 0.0
        self.buffers = 0
        self.first_buffer: float | None = None
        self.sound: float | None = None
        self.sound_buffer = 0
        self.sound_offset = 0.0

    def start(self, samples: npt.NDArray[np.int16], rate: int) -> Playing:
        begins = max(time.monotonic(), self.free_at)
        self.free_at = begins + len(samples) / rate
        self.buffers += 1
        if self.first_buffer is None:
            self.first_buffer = begins
        if self.sound is None:
            loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > self.threshold)
            if loud.size:
                self.sound_offset = float(loud[0]) / rate
                self.sound, self.sound_buffer = begins + self.sound_offset, self.buffers
        return Playing(self, self.free_at)


class QuitOnceHeard:
    """Keys that press ``q`` once the first sound has been played (or after ``GIVE_UP_SECONDS``)."""

    def __init__(self, device: Device, deadline: float) -> None:
        self.device, self.deadline = device, deadline

    def poll(self) -> str | None:
        now = time.monotonic()
        heard = self.device.sound is not None and now >= self.device.sound
        return "q" if heard or now >= self.deadline else None


def main() -> int:
    launched = time.monotonic()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", help="a routine or session: built-in id or .toml file")
    parser.add_argument("--engine", help="speech engine (default: voice-coach's default)")
    parser.add_argument("--threshold", type=float, default=THRESHOLD, help="share of full scale")
    parser.add_argument("--lead-in", default="1s", help="silence before the first word (default: 1s)")
    args = parser.parse_args()
    device = Device(max(1, round(args.threshold * 32767)))
    timeline = vc.compile(args.target, lead_in=args.lead_in)
    played = vc.play(
        timeline,
        vc.Speech(engine=args.engine),
        sink=device,
        keys=QuitOnceHeard(device, launched + GIVE_UP_SECONDS),
    )
    report = {
        "launched": launched,
        "first_buffer": device.first_buffer,
        "sound": device.sound,
        "sound_buffer": device.sound_buffer,
        "sound_offset": device.sound_offset,
        "ended": played.outcome.ended,
    }
    print(json.dumps(report), flush=True)
    return 0 if device.sound is not None else 1


if __name__ == "__main__":
    sys.exit(main())
