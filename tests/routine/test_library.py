"""The user's routine library as the commands see it: a file there that is broken or hostile is reported
on its own, and never stops the others from being listed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from voice_coach.cli.main import cli
from voice_coach.errors import RoutineError
from voice_coach.routine.loader import load_id, load_path

NECK = 'id = "neck"\ntitle = "Neck"\nkind = "stretch"\nsetup = ["Sit tall."]\nhold = "20s"\n'


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A routine library named by the config file, holding one good routine."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "neck.toml").write_text(NECK, "utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f"routines_dir = {json.dumps(str(folder))}\n", "utf-8")
    monkeypatch.setenv("VOICE_COACH_CONFIG", str(config))
    return folder


def test_a_library_session_that_lists_itself_is_refused_in_one_line(runner: CliRunner, library: Path) -> None:
    path = library / "loopself.toml"
    path.write_text('id = "loopself"\ntitle = "Loop"\nroutines = ["neck", "loopself"]\n', "utf-8")
    message = f"{path}: routines[1]: 'loopself' is a session; a session lists routines only"
    with pytest.raises(RoutineError, match="is a session"):
        load_id("loopself", library)
    for command in (["show", "loopself", "--estimate"], ["validate", str(path)]):
        result = runner.invoke(cli, command)
        assert (result.exit_code, result.stderr) == (2, f"Error: {message}\n"), command


def test_two_library_sessions_that_list_each_other_are_refused(runner: CliRunner, library: Path) -> None:
    (library / "ping.toml").write_text('id = "ping"\ntitle = "Ping"\nroutines = ["pong"]\n', "utf-8")
    (library / "pong.toml").write_text('id = "pong"\ntitle = "Pong"\nroutines = ["ping"]\n', "utf-8")
    result = runner.invoke(cli, ["show", "ping", "--estimate"])
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {library / 'ping.toml'}: routines[0]: 'pong' is a session; a session lists routines only\n",
    )


@pytest.mark.parametrize("as_json", [False, True])
def test_one_broken_library_file_does_not_hide_the_others(
    runner: CliRunner, library: Path, as_json: bool
) -> None:
    (library / "broken.toml").write_text('id = "broken"\ntitle = "Broken\n', "utf-8")
    result = runner.invoke(cli, ["list", "--json"] if as_json else ["list"])
    assert result.exit_code == 0
    assert result.stderr.startswith(f"Warning: skipped broken: {library / 'broken.toml'}: line 2")
    assert len(result.stderr.splitlines()) == 1
    if as_json:
        rows = json.loads(result.stdout)
        assert {row["id"] for row in rows} >= {"neck", "spi"}
        assert "broken" not in {row["id"] for row in rows}
    else:
        assert "Neck (yours)" in result.stdout
        assert "broken" not in result.stdout


def test_a_long_list_of_the_same_routine_is_refused_before_it_is_built(tmp_path: Path) -> None:
    path = tmp_path / "many.toml"
    names = ",\n".join(['"kneeling-twist"'] * 12_000)
    path.write_text(f'id = "many"\ntitle = "Many"\nroutines = [{names}]\n', "utf-8")
    with pytest.raises(RoutineError) as caught:
        load_id("many", tmp_path)
    assert str(caught.value) == (f"{path}: routines: lists 12000 routines; a session may list 100 at most")


@pytest.mark.parametrize(
    ("name", "routine_id", "title"),
    [
        ("Nacken Übung", "nacken-ubung", "Nacken Übung"),
        ("my-stretch", "my-stretch", "My stretch"),
        ('Say "hi" {now}', "say-hi-now", 'Say "hi" now'),
    ],
)
def test_new_keeps_the_titles_letters_and_makes_only_the_id_a_slug(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, routine_id: str, title: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["new", name]).exit_code == 0
    routine = load_path(tmp_path / f"{name}.toml")
    assert (routine.id, routine.title) == (routine_id, title)


def test_new_writes_commands_in_its_comments_that_a_shell_can_run_as_they_are(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["new", "Hamstring floss"]).exit_code == 0
    first = (tmp_path / "Hamstring floss.toml").read_text("utf-8").splitlines()[0]
    assert first.endswith("voice-coach validate 'Hamstring floss.toml'")


def test_new_in_the_library_takes_the_title_from_the_name_given(runner: CliRunner, library: Path) -> None:
    assert runner.invoke(cli, ["new", "Nacken Übung", "--library"]).exit_code == 0
    assert load_id("nacken-ubung", library).title == "Nacken Übung"
