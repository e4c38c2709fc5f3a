"""What a new user meets first: one-line errors, grouped help, their own routine library, shell
completion, ``list --json``, ``config``, ``say``, and warnings where the README says they are."""

from __future__ import annotations

import json
import os
import re
import wave
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from voice_coach.cli.main import cli
from voice_coach.errors import RoutineError
from voice_coach.routine.library import builtin_ids

NECK = (
    'id = "neck"\ntitle = "Neck stretch"\nkind = "stretch"\nsetup = ["Tilt your head, and hold."]\n'
    'hold = "20s"\n'
)


def one_error(result: Result, message: str) -> None:
    """Exit 2 with exactly ``Error: message`` on stderr and nothing on stdout."""
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {message}\n")


# click's own errors, on one line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["export", "spi", "-o", "x.mp3", "--cues", "txt"],
            "Invalid value for '--cues': unknown cue sheet format 'txt'; use any of lrc, srt, vtt",
        ),
        (
            ["export", "spi", "-o", "x.mp3", "--loudness", "-70"],
            "Invalid value for '--loudness': -70 is outside -40..-5 LUFS; -16 suits speech on phones",
        ),
        (["show"], "Missing argument 'ID|FILE'; usage: voice-coach show [OPTIONS] ID|FILE"),
        (["shw"], "No such command 'shw'. Did you mean 'show'?"),
        (["--bogus"], "No such option '--bogus'; usage: voice-coach [OPTIONS] COMMAND [ARGS]..."),
        (["cache", "warm"], "Missing argument 'ID|FILE'; usage: voice-coach cache warm [OPTIONS] ID|FILE"),
    ],
)
def test_usage_errors_are_one_line(runner: CliRunner, args: list[str], message: str) -> None:
    one_error(runner.invoke(cli, args, prog_name="voice-coach"), message)


def test_debug_works_after_the_command_too(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("id = 3\n", "utf-8")
    result = runner.invoke(cli, ["show", str(bad), "--estimate", "--debug"])
    assert result.exit_code == 1 and isinstance(result.exception, RoutineError)
    plain = runner.invoke(cli, ["show", str(bad), "--estimate"])
    assert plain.exit_code == 2 and plain.exception is not None and "Traceback" not in plain.stderr


# help


def test_the_command_list_shows_whole_summaries(runner: CliRunner) -> None:
    listed = runner.invoke(cli, ["--help"]).stdout.split("Commands:\n")[1].splitlines()
    assert listed and not [line for line in listed if line.endswith("...")]


def test_export_help_groups_its_options(runner: CliRunner) -> None:
    text = runner.invoke(cli, ["export", "--help"], terminal_width=200).stdout
    sections = [line for line in text.splitlines() if line.endswith(":") and not line.startswith(" ")]
    assert sections == ["Output:", "Routine overrides:", "Speech:", "Options:"]
    assert "--bitrate KBITS" in text and "--bitrate TEXT" not in text
    assert "Output sample rate [default: the voice's own: 24000 Hz for hibari, 22050 Hz for" in text
    assert "so Bluetooth headphones wake up in time [default: 1s]" in text


# messages


def test_new_quotes_the_path_it_suggests(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["new", "My Stretch"])
    assert result.stdout == "Wrote My Stretch.toml. Edit it, then: voice-coach show 'My Stretch.toml'\n"


def test_a_missing_config_file_named_by_the_environment_is_an_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nowhere.toml"
    monkeypatch.setenv("VOICE_COACH_CONFIG", str(missing))
    one_error(
        runner.invoke(cli, ["show", "spi", "--estimate"]),
        f"VOICE_COACH_CONFIG names {missing}, which does not exist; create it, or unset VOICE_COACH_CONFIG",
    )


def test_show_warns_of_dropped_cues_on_stderr(runner: CliRunner, tmp_path: Path) -> None:
    busy = tmp_path / "busy.toml"
    busy.write_text(
        NECK.replace('"20s"', '"4s"') + 'during = ["Breathe in deeply.", "Breathe out slowly."]\n'
    )
    result = runner.invoke(cli, ["show", str(busy), "--estimate"])
    assert result.exit_code == 0
    assert "dropped" not in result.stdout
    warnings = result.stderr.splitlines()
    assert warnings and all(line.startswith('Warning: cue "') for line in warnings), warnings
    assert all(" dropped: " in line for line in warnings)


# your own routine library


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The routine library of the test's data folder, with a routine ``neck`` and a session using it."""
    monkeypatch.setenv("VOICE_COACH_DATA_DIR", str(tmp_path / "data"))
    folder = tmp_path / "data" / "routines"
    folder.mkdir(parents=True)
    (folder / "neck.toml").write_text(NECK, "utf-8")
    (folder / "evening.toml").write_text(
        'id = "evening"\ntitle = "Evening"\nroutines = ["neck", "foam-roller"]\n', "utf-8"
    )
    return folder


def test_library_routines_are_used_by_id(runner: CliRunner, library: Path) -> None:
    shown = runner.invoke(cli, ["show", "neck", "--estimate"])
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.startswith("Neck stretch (neck)\n")
    session = json.loads(runner.invoke(cli, ["show", "evening", "--estimate", "--json"]).stdout)
    assert [c["routine"] for c in session["chapters"]] == ["neck", "foam-roller"]


def test_list_marks_your_routines(runner: CliRunner, library: Path) -> None:
    lines = runner.invoke(cli, ["list"]).stdout.splitlines()
    mine = [line for line in lines if line.endswith("(yours)")]
    assert [line.split()[0] for line in mine] == ["evening", "neck"]
    assert mine[1].endswith("  Neck stretch (yours)")
    assert [line.split()[0] for line in lines[1:]] == sorted([*builtin_ids(), "evening", "neck"])


def test_list_leaves_out_an_invalid_file_with_a_warning(runner: CliRunner, library: Path) -> None:
    (library / "broken.toml").write_text('id = "broken"\n', "utf-8")
    result = runner.invoke(cli, ["list"])
    assert result.exit_code == 0 and "broken" not in result.stdout and "neck" in result.stdout
    assert result.stderr.startswith("Warning: skipped broken: ") and result.stderr.count("\n") == 1


def test_list_json(runner: CliRunner, library: Path) -> None:
    rows = json.loads(runner.invoke(cli, ["list", "--json"]).stdout)
    assert [row["id"] for row in rows] == sorted([*builtin_ids(), "evening", "neck"])
    neck = next(row for row in rows if row["id"] == "neck")
    assert neck == {
        "id": "neck", "kind": "stretch", "title": "Neck stretch", "length_ms": neck["length_ms"],
        "exact": False, "source": "yours", "path": str(library / "neck.toml"),
    }  # fmt: skip
    assert {row["source"] for row in rows if row["id"] != "neck" and row["id"] != "evening"} == {"built-in"}
    assert next(row for row in rows if row["id"] == "spi")["kind"] == "session"


def test_new_writes_to_the_library(runner: CliRunner, library: Path) -> None:
    result = runner.invoke(cli, ["new", "Back Stretch", "--library"])
    assert (
        result.stdout
        == f"Wrote {library / 'back-stretch.toml'}. Edit it, then: voice-coach show back-stretch\n"
    )
    assert runner.invoke(cli, ["show", "back-stretch", "--estimate"]).exit_code == 0


def test_routines_dir_in_the_config_names_the_library(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "neck.toml").write_text(NECK, "utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f"routines_dir = {json.dumps(str(folder))}\n", "utf-8")
    monkeypatch.setenv("VOICE_COACH_CONFIG", str(config))
    assert runner.invoke(cli, ["show", "neck", "--estimate"]).exit_code == 0
    unknown = runner.invoke(cli, ["show", "nek", "--estimate"])
    one_error(
        unknown,
        f"no built-in routine or session 'nek', nor one of yours in {folder}; did you mean 'neck'? "
        "run 'voice-coach list', or give a path to a .toml file",
    )


# shell completion, through click's own environment variable


def complete(runner: CliRunner, shell: str, words: str) -> list[str]:
    env = {
        "_VOICE_COACH_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    result = runner.invoke(cli, [], env=env, prog_name="voice-coach")
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_completion_offers_ids_and_files(runner: CliRunner, library: Path) -> None:
    assert complete(runner, "bash", "voice-coach show kne") == [
        "file,kne", "plain,kneeling-overhead", "plain,kneeling-twist",
    ]  # fmt: skip
    assert complete(runner, "bash", "voice-coach export ne") == ["file,ne", "plain,neck"]
    assert complete(runner, "bash", "voice-coach play my") == ["file,my"]  # files: bash completes them
    assert complete(runner, "bash", "voice-coach sh") == ["plain,show"]


def test_completion_scripts(runner: CliRunner) -> None:
    for shell, marker in [
        ("bash", "complete -o nosort -F"),
        ("zsh", "#compdef voice-coach"),
        ("fish", "complete"),
    ]:
        result = runner.invoke(cli, ["completion", shell])
        assert result.exit_code == 0 and marker in result.stdout and "_VOICE_COACH_COMPLETE" in result.stdout


# config


def test_config_says_an_empty_config_file_is_empty_and_a_missing_one_not_found(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICE_COACH_CONFIG", "/dev/null")  # the README's way to run without a config file
    first = runner.invoke(cli, ["config"]).stdout.splitlines()[0]
    assert first.endswith("(environment (VOICE_COACH_CONFIG), empty: every setting has its default)")
    monkeypatch.delenv("VOICE_COACH_CONFIG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "nothing"))
    first = runner.invoke(cli, ["config"]).stdout.splitlines()[0]
    assert first.endswith("(default, not found: every setting has its default)")


def test_config_shows_each_setting_and_where_it_came_from(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('rate = "1.1x"\nvoice = "en-us"\n', "utf-8")
    monkeypatch.setenv("VOICE_COACH_CONFIG", str(config))
    monkeypatch.setenv("VOICE_COACH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("VOICE_COACH_DATA_DIR", str(tmp_path / "data"))
    lines = runner.invoke(cli, ["config"]).stdout.splitlines()
    assert lines[0] == f"Config file: {config} (environment (VOICE_COACH_CONFIG))"
    rows = [re.split(r"\s{2,}", line.strip()) for line in lines[2:]]  # columns: two spaces or more apart
    from_file = f"config file ({config})"
    assert rows == [
        ["engine", "hibari", "default"],
        ["voice", "en-us", from_file],
        ["rate", "1.1x", from_file],
        ["countdown", "standard", "default"],
        ["lead_in", "1s", "default"],
        ["language", "the file's own", "default"],
        ["cache_dir", str(tmp_path / "cache"), "environment (VOICE_COACH_CACHE_DIR)"],
        ["routines_dir", str(tmp_path / "data" / "routines"), "environment (VOICE_COACH_DATA_DIR)"],
        ["listen", "false", "default"],
        ["device", "the system's default output", "default"],
    ]


# say


def test_say_writes_a_sample(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "sample.wav"
    result = runner.invoke(
        cli, ["say", "Breathe out slowly.", "--engine", "pyttsx3", "--rate", "1.2x", "-o", str(out)]
    )
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    assert result.stdout.startswith(f"Wrote {out} (pyttsx3, voice ")
    with wave.open(str(out)) as sample:
        assert sample.getnframes() > sample.getframerate() // 2  # a real phrase, not silence alone
    one_error(
        runner.invoke(cli, ["say", "Hi.", "--voice", "nobody", "-o", str(tmp_path / "x.wav")]),
        "the hibari engine has no voice 'nobody'; see the voices it has with: "
        "voice-coach voices --engine hibari",
    )
    assert not (tmp_path / "x.wav").exists()


def test_dev_null_as_the_config_file_means_none(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICE_COACH_CONFIG", os.devnull)
    assert runner.invoke(cli, ["show", "foam-roller", "--estimate"]).exit_code == 0
