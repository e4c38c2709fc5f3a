"""The command line through click's CliRunner: list, show, validate, new, every override, errors and help.

``show`` runs with ``--estimate`` here (nothing synthesized; with each test's empty cache, every phrase's
length comes from the engine's model); exact timing through real synthesis, and estimates against it, are
tested with the speech engines (``test_cli_audio``, ``test_estimates``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from voice_coach.cli.main import cli
from voice_coach.durations import clock
from voice_coach.routine.library import builtin_ids
from voice_coach.routine.loader import load_path, load_target
from voice_coach.routine.model import Session

ROOT = Path(__file__).parents[2]
BUILTINS = ROOT / "voice_coach" / "routine" / "builtin"
BAD_FILE = ROOT / "tests" / "routine" / "bad" / "range-hold-zero.toml"
ESTIMATED = r"estimated for hibari voice heart at 1x: 0 of \d+ phrases cached"
SPI_ROUTINES = (
    "locate-spi, spi-massage, side-lying-overhead, foam-roller, kneeling-twist, kneeling-overhead, "
    "standing-overhead"
)


def show_json(runner: CliRunner, *args: str) -> dict[str, Any]:
    result = runner.invoke(cli, ["show", *args, "--estimate", "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def holds(data: dict[str, Any]) -> list[tuple[str, str | None, int, int]]:
    return [
        (b["routine"], b["side"], b["set"], b["duration_ms"]) for b in data["blocks"] if b["type"] == "hold"
    ]


def assert_input_error(result: Result, message: str) -> None:
    """Exit code 2, ``Error: message`` as the last line of stderr, nothing on stdout, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.endswith(f"Error: {message}\n"), result.stderr
    assert "Traceback" not in result.stderr


# list


def test_list(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["list"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "ID                   KIND       LENGTH  TITLE"
    rows = [re.fullmatch(r"(\S+) +(\S+) +(~\d\d:\d\d)  (.+)", line) for line in lines[1:]]
    assert all(rows), lines
    expected = []
    for routine_id in builtin_ids():
        target = load_target(routine_id)
        expected.append((routine_id, "session" if isinstance(target, Session) else target.kind, target.title))
    assert [(m[1], m[2], m[4]) for m in rows if m] == expected
    assert [e[:2] for e in expected] == [
        ("foam-roller", "stretch"),
        ("kneeling-overhead", "stretch"),
        ("kneeling-twist", "stretch"),
        ("locate-spi", "locate"),
        ("side-lying-overhead", "stretch"),
        ("spi", "session"),
        ("spi-massage", "massage"),
        ("standing-overhead", "stretch"),
    ]
    length_end = lines[0].index("LENGTH") + len("LENGTH")  # lengths are right-aligned under the header
    assert all(line.index(m[3]) + 6 == length_end for line, m in zip(lines[1:], rows, strict=True) if m)


def test_list_lengths_match_show(runner: CliRunner) -> None:
    listed = {
        line.split()[0]: line.split()[2] for line in runner.invoke(cli, ["list"]).stdout.splitlines()[1:]
    }
    for routine_id in ("spi", "kneeling-twist"):
        total_ms = show_json(runner, routine_id)["total_ms"]
        assert listed[routine_id] == f"~{total_ms // 60_000:02d}:{total_ms // 1000 % 60:02d}"


# show


def test_show_text(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["show", "kneeling-twist", "--hold", "20s", "--sets", "4", "--estimate"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Kneeling twist stretch (kneeling-twist)", ""]
    assert "00:00  (lead-in 1s)" in lines
    hold_lines = [line[7:] for line in lines if "HOLD" in line]
    assert hold_lines == [
        f"HOLD 20s (set {n} of 4, {side})" for side in ("right", "left") for n in (1, 2, 3, 4)
    ]
    assert all(re.match(r"(\d\d:\d\d  |         \d\d:\d\d  |$|Total )", line) for line in lines[1:]), lines
    total = show_json(runner, "kneeling-twist", "--hold", "20s", "--sets", "4")["total_ms"]
    assert re.fullmatch(rf"Total {total // 60_000:02d}:{total // 1000 % 60:02d} \({ESTIMATED}\)", lines[-1])


def test_show_whole_program(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["show", "spi", "--estimate"])
    assert result.exit_code == 0
    chapters = [c["title"] for c in show_json(runner, "spi")["chapters"]]  # a sided routine: its sides
    assert [line[10:-3] for line in result.stdout.splitlines() if line[7:].startswith("== ")] == chapters
    for routine_id in ("locate-spi", "kneeling-overhead", "standing-overhead"):
        assert f"== {load_target(routine_id).title}" in result.stdout
    assert re.search(rf"\nTotal \d\d:\d\d \({ESTIMATED}\)\n$", result.stdout)


def test_show_a_file(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('id = "mine"\ntitle = "Mine"\nkind = "stretch"\nsetup = ["Go."]\nhold = 5\n', "utf-8")
    result = runner.invoke(cli, ["show", str(path), "--estimate"])
    assert result.exit_code == 0
    assert "HOLD 5s" in result.stdout and "Mine (mine)" in result.stdout


BLOCK_FIELDS = {
    "pause": {"role"},
    "chapter": {"title", "routine", "side"},
    "say": {"text", "role"},
    "tone": {"kind"},
    "hold": {"routine", "set", "sets", "side", "cues"},
    "rest": {"role", "cues"},
}
SAY_ROLES = {
    "title",
    "equipment",
    "intro",
    "note",
    "side",
    "switch",
    "set",
    "step",
    "release",
    "next",
    "time",
    "outro",
}


@pytest.mark.parametrize("routine_id", ["spi", "kneeling-twist"])
def test_show_json_has_the_documented_fields(runner: CliRunner, routine_id: str) -> None:
    data = show_json(runner, routine_id)
    assert set(data) == {
        "id", "title", "timing", "total_ms", "rate", "total_samples", "chapters", "blocks", "dropped",
    }  # fmt: skip
    assert data["id"] == routine_id
    assert re.fullmatch(ESTIMATED, data["timing"])
    for chapter in data["chapters"]:
        assert set(chapter) == {"title", "routine", "side", "start_ms", "end_ms"}
    for block in data["blocks"]:
        assert set(block) == {"type", "start_ms", "duration_ms"} | BLOCK_FIELDS[block["type"]], block
        for cue in block.get("cues", []):
            assert set(cue) == {"text", "role", "start_ms", "duration_ms"}
            assert (
                block["start_ms"]
                <= cue["start_ms"]
                <= cue["start_ms"] + cue["duration_ms"]
                <= (block["start_ms"] + block["duration_ms"])
            )
    assert {b["role"] for b in data["blocks"] if b["type"] == "say"} <= SAY_ROLES
    assert {b["role"] for b in data["blocks"] if b["type"] == "pause"} <= {
        "lead-in",
        "pause",
        "settle",
        "tail",
    }
    assert {b["role"] for b in data["blocks"] if b["type"] == "rest"} <= {"rest", "between", "fetch"}
    assert {b["kind"] for b in data["blocks"] if b["type"] == "tone"} == {"start", "end", "close"}
    assert data["total_ms"] == sum(b["duration_ms"] for b in data["blocks"])
    for before, after in zip(data["blocks"], data["blocks"][1:], strict=False):
        assert after["start_ms"] == before["start_ms"] + before["duration_ms"]


# every override option


def test_hold_and_sets(runner: CliRunner) -> None:
    data = show_json(runner, "kneeling-twist", "--hold", "20s", "--sets", "4")
    assert holds(data) == [("kneeling-twist", s, n, 20_000) for s in ("right", "left") for n in (1, 2, 3, 4)]


@pytest.mark.parametrize("value", ["45", "45s", "0m45s", "0.75m", "0:45", "45 sec", "45 secs", "0.75 min"])
def test_hold_formats(runner: CliRunner, value: str) -> None:
    assert {h[3] for h in holds(show_json(runner, "foam-roller", "--hold", value))} == {45_000}


def test_rest(runner: CliRunner) -> None:
    blocks = show_json(runner, "foam-roller", "--rest", "15s")["blocks"]
    rests = [b for b in blocks if b["type"] == "rest" and b["role"] == "rest"]
    assert [b["duration_ms"] for b in rests] == [15_000, 15_000]
    blocks = show_json(runner, "foam-roller", "--rest", "0")["blocks"]
    assert [b["role"] for b in blocks if b["type"] == "rest"] == ["fetch"], (
        "the time to fetch the roller stays"
    )


@pytest.mark.parametrize(
    ("choice", "sides"),
    [("left", ["left"]), ("right", ["right"]), ("both", ["right", "left"]), ("none", ["right"])],
)
def test_sides(runner: CliRunner, choice: str, sides: list[str]) -> None:
    found = [h[1] for h in holds(show_json(runner, "kneeling-twist", "--sides", choice))]
    assert list(dict.fromkeys(found)) == sides


def test_set_changes_one_routine_of_a_session(runner: CliRunner) -> None:
    data = show_json(runner, "spi", "--set", "kneeling-twist.hold=20s", "--set", "kneeling-twist.sets=4")
    twist = [h for h in holds(data) if h[0] == "kneeling-twist"]
    assert twist == [("kneeling-twist", s, n, 20_000) for s in ("right", "left") for n in (1, 2, 3, 4)]
    assert {h[3] for h in holds(data) if h[0] == "kneeling-overhead"} == {30_000}
    data = show_json(runner, "spi", "--set", "spi-massage.sides=left", "--set", "foam-roller.rest=0")
    assert [h[1] for h in holds(data) if h[0] == "spi-massage"] == ["left"]


def test_only_and_skip(runner: CliRunner) -> None:
    only = show_json(runner, "spi", "--only", "standing-overhead", "--only", "kneeling-twist")
    assert list(dict.fromkeys(h[0] for h in holds(only))) == ["kneeling-twist", "standing-overhead"]
    skip = show_json(runner, "spi", "--skip", "spi-massage")
    assert "spi-massage" not in {h[0] for h in holds(skip)}
    assert "Serratus posterior inferior self-massage" not in {c["title"] for c in skip["chapters"]}


@pytest.mark.parametrize(("level", "cues"), [("none", 0), ("minimal", 1), ("standard", 2), ("verbose", 2)])
def test_countdown(runner: CliRunner, level: str, cues: int) -> None:
    data = show_json(runner, "side-lying-overhead", "--countdown", level, "--sets", "1")
    hold = next(b for b in data["blocks"] if b["type"] == "hold")
    assert len(hold["cues"]) == cues


def test_lead_in(runner: CliRunner) -> None:
    assert lead_in(show_json(runner, "foam-roller", "--lead-in", "0")) is None
    assert lead_in(show_json(runner, "foam-roller", "--lead-in", "3s")) == {
        "type": "pause", "start_ms": 0, "duration_ms": 3000, "role": "lead-in"
    }  # fmt: skip


def lead_in(data: dict[str, Any]) -> dict[str, Any] | None:
    """The lead-in block of a ``show --json`` timeline, or None."""
    return next((b for b in data["blocks"] if b.get("role") == "lead-in"), None)


DURATION = "use e.g. 30, 30s, 30 sec, 2 min, 1m30s, 1 min 30 s or 1:30"
FORM = "is not ROUTINE_ID.FIELD=VALUE, e.g. kneeling-twist.hold=20s"
TWIST = "kneeling-twist"
BAD_OPTIONS = [
    ("--hold 0", "'--hold': must be longer than zero (got '0'); use e.g. 30s"),
    ("--hold abc", f"'--hold': 'abc' is not a duration; {DURATION}"),
    ("--hold -5s", f"'--hold': a duration cannot be negative (got '-5s'); {DURATION}"),
    ("--hold 10h", "'--hold': '10h' is longer than the limit of 1h"),
    ("--sets 0", "'--sets': 0 is not in the range 1<=x<=50."),
    ("--sets many", "'--sets': 'many' is not a valid integer range."),
    ("--rest soon", f"'--rest': 'soon' is not a duration; {DURATION}"),
    ("--rest 31m", "'--rest': '31m' is longer than the limit of 30m"),
    ("--sides up", "'--sides': 'up' is not one of 'left', 'right', 'both', 'none'."),
    ("--countdown loud", "'--countdown': 'loud' is not one of 'none', 'minimal', 'standard', 'verbose'."),
    ("--set foo", f"'--set': 'foo' {FORM}"),
    (f"--set {TWIST}.hold", f"'--set': '{TWIST}.hold' {FORM}"),
    (
        f"--set {TWIST}.color=red",
        f"'--set': '{TWIST}.color=red': unknown field 'color'; allowed: hold, sets, rest, sides",
    ),
    (f"--set {TWIST}.hold=0", f"'--set': '{TWIST}.hold=0': must be longer than zero (got '0'); use e.g. 30s"),
    (f"--set {TWIST}.sets=0", f"'--set': '{TWIST}.sets=0': must be a whole number from 1 to 50"),
    (f"--set {TWIST}.sides=up", f"'--set': '{TWIST}.sides=up': must be one of left, right, both, none"),
]
"""Options click or cli_options refuse: (options, message after "Invalid value for ")."""
UNKNOWN_IDS = [
    ("--set nosuch.hold=20s", f"--set: 'spi' has no routine 'nosuch'; its routines are: {SPI_ROUTINES}"),
    ("--only nosuch", f"--only nosuch: 'spi' has no routine 'nosuch'; its routines are: {SPI_ROUTINES}"),
    (
        "--skip kneeling-twst",
        "--skip kneeling-twst: 'spi' has no routine 'kneeling-twst'; did you mean 'kneeling-twist'? "
        f"its routines are: {SPI_ROUTINES}",
    ),
    (
        "--only foam-roller --skip foam-roller",
        "--only/--skip left no routine to run; see the routines with 'voice-coach show'",
    ),
]


@pytest.mark.parametrize(("options", "message"), BAD_OPTIONS, ids=[o for o, _ in BAD_OPTIONS])
def test_bad_option_values(runner: CliRunner, options: str, message: str) -> None:
    result = runner.invoke(cli, ["show", "spi", "--estimate", *options.split()])
    assert_input_error(result, f"Invalid value for {message}")


@pytest.mark.parametrize(("options", "message"), UNKNOWN_IDS, ids=[o for o, _ in UNKNOWN_IDS])
def test_unknown_routine_ids(runner: CliRunner, options: str, message: str) -> None:
    assert_input_error(runner.invoke(cli, ["show", "spi", "--estimate", *options.split()]), message)


def test_lead_in_limit_message(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["show", "spi", "--estimate", "--lead-in", "20s"])
    assert_input_error(result, "Invalid value for '--lead-in': '20s' is longer than the limit of 10s")


# show --estimate: the speech options count


SPEECH_ERRORS = [
    ("--rate fast", "rate 'fast' is neither words per minute (like 170) nor a factor (like 1.2x)"),
    ("--rate 500", "rate 500 is outside 80-450 words per minute"),
    ("--rate 3x", "rate factor 3x is outside 0.5x-2.5x"),
    (
        "--rate 2.5x",
        "rate 2.5x is outside what the hibari engine can speak: 0.5x-2x (86-346 words per minute)",
    ),
    ("--engine nonexist", "unknown engine 'nonexist'; choose one of: hibari, piper, pyttsx3"),
    (
        "--voice nobody",
        "the hibari engine has no voice 'nobody'; see the voices it has with: "
        "voice-coach voices --engine hibari",
    ),
]


@pytest.mark.parametrize(("options", "message"), SPEECH_ERRORS, ids=[o for o, _ in SPEECH_ERRORS])
def test_estimate_checks_the_speech_options(runner: CliRunner, options: str, message: str) -> None:
    assert_input_error(runner.invoke(cli, ["show", "spi", "--estimate", *options.split()]), message)


def said_ms(data: dict[str, Any]) -> int:
    """Milliseconds of speech in a timeline: spoken blocks without their 0.3 s of silence, and cues."""
    says = sum(b["duration_ms"] - 300 for b in data["blocks"] if b["type"] == "say")
    return says + sum(c["duration_ms"] for b in data["blocks"] for c in b.get("cues", []))


def test_estimate_scales_with_the_rate(runner: CliRunner) -> None:
    natural = show_json(runner, "locate-spi")
    assert natural["timing"].startswith("estimated for hibari voice heart at 1x: ")
    fast = show_json(runner, "locate-spi", "--rate", "2x")
    assert fast["timing"].startswith("estimated for hibari voice heart at 2x: ")
    # hibari asked for 2x speaks its trimmed phrases 1.6-1.9 times as fast (measured by fit_estimate.py)
    assert 0.5 < said_ms(fast) / said_ms(natural) < 0.65
    slow = show_json(runner, "locate-spi", "--rate", "130")
    assert slow["timing"].startswith("estimated for hibari voice heart at 130 words a minute: ")
    assert 1.25 < said_ms(slow) / said_ms(natural) < 1.45  # 173 / 130 = 1.33; hibari's pace: 7 % slower


def test_estimate_follows_the_engine(runner: CliRunner) -> None:
    espeak = show_json(runner, "locate-spi", "--engine", "pyttsx3")
    assert re.fullmatch(r"estimated for pyttsx3 voice \S+ at 1x: 0 of \d+ phrases cached", espeak["timing"])
    assert said_ms(espeak) != said_ms(show_json(runner, "locate-spi"))


# validate


def test_validate_builtin_files_and_the_template(runner: CliRunner) -> None:
    files = sorted(str(p) for p in BUILTINS.glob("*.toml"))
    result = runner.invoke(cli, ["validate", *files])
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert len(lines) == len(builtin_ids()) == 8
    assert all(
        re.fullmatch(r"ok: .+\.toml: (routine|session) '[a-z-]+', about \d\d:\d\d", line) for line in lines
    )
    assert f"ok: {BUILTINS / 'spi.toml'}: session 'spi', about " in result.stdout


def test_validate_exit_codes(runner: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('id = "good"\ntitle = "Good"\nkind = "locate"\nsetup = "Find it."\n', "utf-8")
    assert runner.invoke(cli, ["validate", str(good)]).exit_code == 0
    result = runner.invoke(cli, ["validate", str(good), str(BAD_FILE)])
    assert result.exit_code == 2
    total = show_json(runner, str(good))["total_ms"]
    assert result.stdout == f"ok: {good}: routine 'good', about {clock(total)}\n"
    bad = f"Error: {BAD_FILE}: hold: must be longer than zero (got 0); use e.g. 30s"
    assert result.stderr.splitlines() == [bad, "1 of 2 files is invalid"]
    one = runner.invoke(cli, ["validate", str(BAD_FILE)])
    assert (one.exit_code, one.stderr.splitlines()) == (2, [bad])
    two = runner.invoke(cli, ["validate", str(BAD_FILE), str(BAD_FILE)])
    assert (two.exit_code, two.stderr.splitlines()) == (2, [bad, bad, "2 of 2 files are invalid"])
    missing = runner.invoke(cli, ["validate"])
    assert missing.exit_code == 2 and "Missing argument 'FILES...'" in missing.stderr


# new


def test_new_writes_a_template_that_validates(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["new", "my-stretch"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "Wrote my-stretch.toml. Edit it, then: voice-coach show my-stretch.toml\n"
    routine = load_path(Path("my-stretch.toml"))
    assert (routine.id, routine.title) == ("my-stretch", "My stretch")
    assert runner.invoke(cli, ["validate", "my-stretch.toml"]).exit_code == 0
    assert runner.invoke(cli, ["show", "my-stretch.toml", "--estimate"]).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my-stretch.toml"]


def test_new_makes_a_valid_id_from_any_name(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "My Back Stretch!.toml"
    assert runner.invoke(cli, ["new", str(path)]).exit_code == 0
    assert load_path(path).id == "my-back-stretch"


def test_new_refuses_to_overwrite(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("mine.toml").write_text("# my work\n", "utf-8")
    result = runner.invoke(cli, ["new", "mine"])
    assert_input_error(result, "mine.toml: already exists; use --force to overwrite it")
    assert Path("mine.toml").read_text("utf-8") == "# my work\n"
    assert runner.invoke(cli, ["new", "mine", "--force"]).exit_code == 0
    assert load_path(Path("mine.toml")).id == "mine"


def _failing_replace(self: Path, target: Any) -> Path:
    raise OSError(28, "No space left on device")


def test_new_is_atomic(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the write fails, the old file is untouched."""
    monkeypatch.chdir(tmp_path)
    Path("mine.toml").write_text("# my work\n", "utf-8")
    monkeypatch.setattr(Path, "replace", _failing_replace)
    result = runner.invoke(cli, ["new", "mine", "--force"])
    assert_input_error(result, "mine.toml: cannot write (No space left on device)")
    assert Path("mine.toml").read_text("utf-8") == "# my work\n"


def test_new_leaves_no_temp_file_when_it_fails(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(Path, "replace", _failing_replace)
    runner.invoke(cli, ["new", "mine"])
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_new_into_a_missing_folder(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "x.toml"
    assert_input_error(
        runner.invoke(cli, ["new", str(path)]), f"{path}: cannot write (No such file or directory)"
    )


# errors, --debug, help


def test_errors_are_one_line_without_traceback(runner: CliRunner) -> None:
    assert_input_error(
        runner.invoke(cli, ["show", str(BAD_FILE), "--estimate"]),
        f"{BAD_FILE}: hold: must be longer than zero (got 0); use e.g. 30s",
    )


def test_debug_shows_the_traceback(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--debug", "show", str(BAD_FILE), "--estimate"])
    assert type(result.exception).__name__ == "RoutineError"
    process = subprocess.run(
        [sys.executable, "-m", "voice_coach", "--debug", "show", str(BAD_FILE), "--estimate"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert process.returncode != 0
    assert "Traceback (most recent call last)" in process.stderr
    assert process.stderr.rstrip().endswith(
        f"RoutineError: {BAD_FILE}: hold: must be longer than zero (got 0); use e.g. 30s"
    )
    plain = subprocess.run(
        [sys.executable, "-m", "voice_coach", "show", str(BAD_FILE), "--estimate"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (plain.returncode, plain.stderr) == (
        2,
        f"Error: {BAD_FILE}: hold: must be longer than zero (got 0); use e.g. 30s\n",
    )


def commands(group: click.Group = cli, prefix: str = "") -> list[tuple[str, click.Command]]:
    """Every command and sub-command, as ('cache info', command)."""
    found: list[tuple[str, click.Command]] = []
    for name, command in sorted(group.commands.items()):
        found.append((prefix + name, command))
        if isinstance(command, click.Group):
            found += commands(command, f"{prefix}{name} ")
    return found


@pytest.mark.parametrize(("name", "command"), commands(), ids=[name for name, _ in commands()])
def test_every_command_has_help(runner: CliRunner, name: str, command: click.Command) -> None:
    summary = (command.help or "").strip().splitlines()
    assert summary and summary[0].endswith("."), f"{name}: needs a one-line summary"
    result = runner.invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: cli {name} ")
    assert summary[0] in result.stdout


@pytest.mark.parametrize(("name", "command"), commands(), ids=[name for name, _ in commands()])
def test_every_command_is_in_the_readme(name: str, command: click.Command) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    *group, last = name.split()
    pattern = rf"voice-coach {' '.join(group)}{' ' if group else ''}[^\n`]*\b{re.escape(last)}\b"
    assert re.search(pattern, readme), f"README.md does not mention 'voice-coach {name}'"


# ids, config file, files written


def test_a_folder_named_like_a_builtin_does_not_hide_it(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spi").mkdir()  # what 'export spi -o spi.mp3 --split' leaves behind
    result = runner.invoke(cli, ["show", "spi", "--estimate"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Serratus posterior inferior program (spi)")


CONFIG_ERRORS = [
    ('countdown = "lots"', "countdown: must be one of none, minimal, standard, verbose"),
    ('lead_in = "20s"', "lead_in: '20s' is longer than the limit of 10s"),
    ('rate = "fast"', "rate: 'fast' is neither words per minute (like 170) nor a factor (like 1.2x)"),
    ("rate = 500", "rate: 500 is outside 80-450 words per minute"),
    (
        'colour = "red"',
        "colour: unknown key; allowed keys: cache_dir, countdown, device, engine, language, lead_in, listen, "
        "rate, routines_dir, voice",
    ),
    (
        'language = "fr"',
        "language: 'fr' is not a language voice-coach speaks; available: de (German), en (English), "
        "es (Spanish)",
    ),
]


@pytest.mark.parametrize(("line", "message"), CONFIG_ERRORS, ids=[c[0] for c in CONFIG_ERRORS])
def test_a_bad_config_file_is_one_clear_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str, message: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(line + "\n", "utf-8")
    monkeypatch.setenv("VOICE_COACH_CONFIG", str(config))
    assert_input_error(runner.invoke(cli, ["show", "spi", "--estimate"]), f"{config}: {message}")


def test_the_config_file_sets_defaults_and_options_win(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('countdown = "none"\nlead_in = "3s"\n', "utf-8")
    monkeypatch.setenv("VOICE_COACH_CONFIG", str(config))
    shown = json.loads(runner.invoke(cli, ["show", "foam-roller", "--estimate", "--json"]).stdout)
    assert lead_in(shown) == {"type": "pause", "start_ms": 0, "duration_ms": 3000, "role": "lead-in"}
    assert not any(c["role"] == "countdown" for b in shown["blocks"] for c in b.get("cues", []))
    args = ["show", "foam-roller", "--estimate", "--json", "--countdown", "minimal", "--lead-in", "0"]
    shown = json.loads(runner.invoke(cli, args).stdout)
    assert lead_in(shown) is None
    assert any(c["text"] == "Three, two, one." for b in shown["blocks"] for c in b.get("cues", []))


def test_new_writes_a_file_readable_by_others(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["new", "mine"]).exit_code == 0
    umask = os.umask(0o022)
    os.umask(umask)
    assert (tmp_path / "mine.toml").stat().st_mode & 0o777 == 0o666 & ~umask


def test_an_absurdly_long_session_is_refused_before_any_work(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["show", "kneeling-twist", "--sets", "50", "--hold", "1h"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert re.fullmatch(  # 100 hours of holds, and rests and cues (estimated: nothing was synthesized)
        "Warning: sets 50 is more than 3\u20135 for kneeling-twist\n"
        r"Error: kneeling-twist: with these settings the session would last about 10\d:\d\d:\d\d; "
        r"the limit is 12h: lower --sets, --hold or --rest\n",
        result.stderr,
    )
    assert not Path(os.environ["VOICE_COACH_CACHE_DIR"]).exists()
