"""``voice-coach play`` around the player: the status screen (keys at the start, notices, nothing left at
the end), the routine checked before any device, and a mistyped file name called what it is."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from voice_coach.cli.main import cli
from voice_coach.cli.play_screen import StatusScreen, fit_lines
from voice_coach.live.history import history_path
from voice_coach.live.keys import KEY_HELP
from voice_coach.live.status import format_status
from voice_coach.live.steps import Status

HOLD = Status("Kneeling twist stretch", "Hold", 1, 3, "left", 17, 100, 70)
LATER = Status("Kneeling twist stretch", "Hold", 1, 3, "left", 16, 101, 69)


def test_the_keys_come_first_then_the_status_line_which_is_erased_at_the_end() -> None:
    stream = io.StringIO()
    screen = StatusScreen(stream, width=lambda: 80, intro=KEY_HELP)
    screen.status(HOLD)
    screen.status(LATER)
    screen.clear()
    shown = stream.getvalue()
    first = "Kneeling twist stretch (left) | set 1 of 3 | Hold 17s | [######----] 01:10 left"
    banner = (
        "Keys: space pause/resume | n next step | b back (twice: step before)\n"
        "] next routine | [ its start (twice: one before) | ? keys | q quit\n"
    )
    assert shown.startswith(banner + "\r" + first)
    assert shown.endswith("\r" + " " * len(first) + "\r"), "the last status line is wiped, not left behind"


def test_a_notice_prints_above_the_status_line_and_redraws_it() -> None:
    stream = io.StringIO()
    screen = StatusScreen(stream, width=lambda: 50)
    screen.status(HOLD)
    screen.notice('Heard "next".')
    line = format_status(HOLD, 49)
    assert stream.getvalue() == f'\r{line}\r{" " * len(line)}\rHeard "next".\n\r{line}'


@pytest.mark.parametrize("columns", [20, 25, 32, 40, 41, 64, 80, 120])
def test_the_banner_and_the_status_line_never_wrap(columns: int) -> None:
    """At 40 and 64 columns the banner broke "step bef" / "ore"; below 40 the status line wrapped."""
    stream = io.StringIO()
    screen = StatusScreen(stream, width=lambda: columns, intro=KEY_HELP)
    screen.status(HOLD)
    lines = re.split(r"[\r\n]", stream.getvalue())
    assert all(len(line) < columns for line in lines), lines
    banner = [line for line in lines if line and " left" not in line]
    words = [word for word in " ".join(banner).split() if word != "|"]
    assert words == [word for word in KEY_HELP.split() if word != "|"], "every word whole, in order"
    keys = KEY_HELP.split(" | ")
    if columns >= max(map(len, keys)):
        assert all(set(line.split(" | ")) <= set(keys) for line in banner), "broken between keys only"
    assert fit_lines('Heard "next".', columns - 1) == ['Heard "next".']


def no_device(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conf = tmp_path / "asound.conf"
    conf.write_text('pcm.!default { type hw card "voicecoachnone" }\n')
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(conf))


def test_a_broken_routine_is_reported_before_a_missing_device(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_device(tmp_path, monkeypatch)
    broken = tmp_path / "broken.toml"
    broken.write_text('id = "broken"\ntitle = 3\n')
    result = runner.invoke(cli, ["play", str(broken)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {broken}: title: ") and result.stderr.count("\n") == 1
    assert not history_path().exists()


def test_a_mistyped_file_name_is_no_such_file(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_device(tmp_path, monkeypatch)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["play", "neck.tml"])
    assert (result.exit_code, result.stderr) == (2, "Error: neck.tml: no such file\n")


def test_resume_and_from_together_are_refused_before_any_device(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_device(tmp_path, monkeypatch)
    result = runner.invoke(cli, ["play", "spi", "--resume", "--from", "kneeling-twist"])
    assert (result.exit_code, result.stderr) == (2, "Error: give --resume or --from, not both\n")
    unknown = runner.invoke(cli, ["play", "spi", "--from", "neck"])
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("Error: --from neck: spi has no such routine; its routines: locate-spi")
