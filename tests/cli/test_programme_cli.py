"""log, progress and remind from the command line: what they print, the files they write, and one line
naming the option with exit 2 for bad input."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from voice_coach.cli.main import cli
from voice_coach.serve.lan import lan_addresses


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VOICE_COACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def log(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, ["log", "spi", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_log_then_progress(runner: CliRunner, data: Path) -> None:
    start = date.today() - timedelta(days=20)
    out = log(runner, "--pain", "3", "--date", start.isoformat(), "--note", "phone")
    assert out.startswith(
        f"Logged Serratus posterior inferior program (spi) on {start}: pain 3/10, at step 1."
    )
    second = log(runner, "--pain", "2", "--date", (start + timedelta(days=2)).isoformat())
    assert "Next time: hold 25 s, 3 sets (step 2 of 5): pain 3 or less in your last 2 sessions" in second
    result = runner.invoke(cli, ["progress", "spi"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "WEEK OF     SESSIONS  MINUTES  AVG PAIN  LAST PAIN  STEP"
    assert any(line.endswith("2.5          2  1 of 5") for line in lines[1:3]), result.output
    assert "pain after each session" in result.output and "●" in result.output
    assert (
        lines[-1] == "Next session: hold 25 s, 3 sets (step 2 of 5): pain 3 or less in your last 2 sessions"
    )
    history = runner.invoke(cli, ["history"]).output
    assert "pain 3" in history and "pain 2" in history


def test_progress_csv_json_and_chart(runner: CliRunner, data: Path) -> None:
    log(runner, "--pain", "4", "--date", (date.today() - timedelta(days=3)).isoformat())
    log(runner, "--pain", "2")
    csv_out = runner.invoke(cli, ["progress", "spi", "--csv"]).output.splitlines()
    assert csv_out[0] == "date,routine,minutes,completed,pain,note,settings" and len(csv_out) == 3
    result = runner.invoke(cli, ["progress", "spi", "--json", "--chart", "p.svg"])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert [s["pain"] for s in report["sessions"]] == [4, 2] and report["steps"] == 5
    assert result.stderr == "Wrote p.svg\n" and (data / "p.svg").stat().st_size > 1000


def test_progress_with_nothing_yet(runner: CliRunner, data: Path) -> None:
    result = runner.invoke(cli, ["progress", "spi"])
    assert result.output == "No sessions of spi yet: play one, or record one with 'voice-coach log'.\n"


def test_remind_writes_an_ics(runner: CliRunner, data: Path) -> None:
    result = runner.invoke(cli, ["remind", "spi", "--days", "mon,wed,fri", "--at", "18:00"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Wrote spi.ics: Serratus posterior inferior program, every mon, wed, fri at"
    )
    text = (data / "spi.ics").read_text("utf-8")
    assert "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR" in text and "BEGIN:VALARM" in text
    again = runner.invoke(cli, ["remind", "spi", "--days", "mon", "--at", "18:00"])
    assert (again.exit_code, again.stderr) == (2, "Error: spi.ics exists; add --force to replace it\n")


PAIN_RANGE = "must be a whole number from 0 (none) to 10 (the worst)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["log", "spi", "--pain", "11"], f"--pain: {PAIN_RANGE}, got 11"),
        (["log", "spi", "--pain", "-1"], f"--pain: {PAIN_RANGE}, got -1"),
        (["log", "spi", "--pain", "2", "--date", "2999-01-01"],
         "--date: 2999-01-01 is in the future; log a session on the day it was done"),
        (["remind", "spi", "--days", "mon,funday", "--at", "18:00"],
         "--days: 'funday' is not a day; use e.g. mon,tue,wed,thu,fri,sat,sun"),
        (["remind", "spi", "--days", "mon", "--at", "18.00"],
         "--at: must be a time like 18:00 (24-hour HH:MM), got '18.00'"),
        (["progress", "spi", "--chart", "p.pdf"],
         "--chart p.pdf: the chart is a .png or .svg file; e.g. progress.png"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(
    runner: CliRunner, data: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(cli, args)
    assert (result.exit_code, result.stderr) == (2, f"Error: {message}\n")
    assert not (data / "data" / "history.jsonl").exists()


def test_remind_url_serve_is_the_phones_page_of_the_routine(runner: CliRunner, data: Path) -> None:
    done = runner.invoke(cli, ["remind", "foam-roller", "--days", "mon", "--at", "07:00", "--url", "serve"])
    addresses = lan_addresses()
    if not addresses:  # a computer on no network: serve --lan says the same
        assert done.exit_code == 2 and "no local network address found" in done.stderr
        return
    assert done.exit_code == 0, done.output
    token = (data / "data" / "serve-token").read_text("ascii").strip()
    text = (data / "foam-roller.ics").read_text("utf-8").replace("\n ", "")
    assert f"URL:http://{addresses[0]}:8765/{token}/routine/foam-roller" in text


GERMAN_PLAN = (Path(__file__).parent.parent / "compiler" / "german" / "nacken-plan.toml").read_text("utf-8")
"""A German file with a progression (its words, and the program's, in German)."""


def test_log_and_progress_say_the_next_step_in_a_german_files_language(runner: CliRunner, data: Path) -> None:
    plan = data / "nacken-plan.toml"
    plan.write_text(GERMAN_PLAN, encoding="utf-8")
    logged = runner.invoke(cli, ["log", str(plan), "--pain", "2"])
    assert logged.exit_code == 0, logged.output
    assert logged.stdout.splitlines()[-1] == (
        "Nächstes Mal: halten 5 s, 1 Satz (Stufe 1 von 3): noch eine Einheit mit Schmerz 3 oder weniger "
        "bis zur nächsten Stufe"
    )
    shown = runner.invoke(cli, ["progress", str(plan)])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[-1].startswith("Nächste Einheit: halten 5 s, 1 Satz (Stufe 1 von 3): ")


def test_log_and_progress_follow_the_config_files_language(runner: CliRunner, data: Path) -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "voice-coach" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('language = "es"\n', encoding="utf-8")
    assert log(runner, "--pain", "2").splitlines()[-1] == (
        "La próxima vez: mantener 20 s, 3 series (nivel 1 de 5): una sesión más con dolor 3 o menos "
        "para subir"
    )
    shown = runner.invoke(cli, ["progress", "spi"])
    assert shown.stdout.splitlines()[-1].startswith("Próxima sesión: mantener 20 s, 3 series (nivel 1 de 5)")
