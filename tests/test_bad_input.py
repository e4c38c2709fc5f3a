"""Bad input met by the commands that use it: a typo in the config file names that file, a cache that
cannot be written fails ``cache warm``, and a music file that is not audio is bad input (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from audio_cli_helpers import REACH, fails, write_session
from click.testing import CliRunner

from voice_coach.cli.main import cli


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('engine = "hibarri"', "engine: unknown engine 'hibarri'; did you mean 'hibari'? "
         "choose one of: hibari, piper, pyttsx3"),
        ('voice = "hart"', "voice: the hibari engine has no voice 'hart'; "
         "see the voices it has with: voice-coach voices --engine hibari"),
    ],
)  # fmt: skip
def test_an_engine_or_voice_typo_in_the_config_names_the_file(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str, problem: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(line + "\n", "utf-8")
    monkeypatch.setenv("VOICE_COACH_CONFIG", str(config))
    fails(runner, ["show", "locate-spi", "--estimate"], 2, f"{config}: {problem}")


def test_cache_warm_fails_when_the_cache_cannot_be_written(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache folder under a regular file cannot be made, even by root (chmod would not stop root)."""
    (tmp_path / "a-file").write_text("", "utf-8")
    cache = tmp_path / "a-file" / "cache"
    monkeypatch.setenv("VOICE_COACH_CACHE_DIR", str(cache))
    result = runner.invoke(cli, ["cache", "warm", str(write_session(tmp_path, REACH))])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot write the phrase cache at {cache} (")
    assert result.stderr.endswith("; nothing was stored: make the folder writable, or choose another\n")
    assert len(result.stderr.splitlines()) == 1


def test_a_music_file_that_is_not_audio_is_bad_input(runner: CliRunner, tmp_path: Path) -> None:
    music = tmp_path / "notes.mp3"
    music.write_text("these are my notes, not a song\n", "utf-8")
    session = write_session(tmp_path, REACH)
    result = fails(
        runner, ["export", str(session), "-o", str(tmp_path / "out.wav"), "--music", str(music)], 2,
        f"could not read music file {music}: not audio ffmpeg can read (Invalid argument)",
    )  # fmt: skip
    assert not (tmp_path / "out.wav").exists()
    assert result.stdout == ""
