"""``voice-coach devices`` and ``play --device`` through the real sounddevice and PortAudio, into ALSA
devices of our own configuration: null devices, and a file device that keeps what it was given.

PortAudio lists the devices once, when it starts, so every command that lists or opens one runs as its own
process with its own ALSA configuration.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from audio_cli_helpers import BEND, REACH, run_cli, write_session
from click.testing import CliRunner

from voice_coach.cli.main import cli
from voice_coach.errors import PlaybackError
from voice_coach.live.history import history_path, read_history
from voice_coach.live.sounddevice_sink import OutputDevice, no_outputs_message, open_error

PYTTSX3 = ["--engine", "pyttsx3"]
PYTTSX3_RATE = 22050
OUTPUTS = """
pcm.!default { type null }
pcm.coachleft { type null }
pcm.coachright { type null }
pcm.coachmic { type asym capture.pcm { type null } }
"""
"""Two outputs and the default, and a microphone (an input only), which no output list shows."""
NO_CARD = 'pcm.!default { type hw card "voicecoachnone" }'
"""A machine without a sound card: the default names a card that is not there."""
HINT = "* marks the default; play on another with: voice-coach play ID --device INDEX|NAME\n"
LIST_HELP = "list them with 'voice-coach devices'"


def alsa(tmp_path: Path, text: str) -> dict[str, str]:
    """The environment that points ALSA (and so PortAudio) at ``text`` as its whole configuration."""
    path = tmp_path / "asound.conf"
    path.write_text(text + "\n")
    return {"ALSA_CONFIG_PATH": str(path)}


# --- devices -----------------------------------------------------------------------------------------


def test_devices_lists_each_output_with_its_index_and_marks_the_default(tmp_path: Path) -> None:
    listed = run_cli(["devices"], alsa(tmp_path, OUTPUTS))
    assert (listed.returncode, listed.stderr) == (0, "")
    assert listed.stdout == ("   0  coachleft, ALSA\n   1  coachright, ALSA\n * 3  default, ALSA\n" + HINT), (
        "the microphone (index 2) is no output"
    )


def test_devices_json_gives_the_same_outputs(tmp_path: Path) -> None:
    env = alsa(tmp_path, OUTPUTS)
    listed = run_cli(["devices", "--json"], env)
    assert (listed.returncode, listed.stderr) == (0, "")
    rows = json.loads(listed.stdout)
    assert [(r["index"], r["name"], r["host_api"], r["default"]) for r in rows] == [
        (0, "coachleft", "ALSA", False),
        (1, "coachright", "ALSA", False),
        (3, "default", "ALSA", True),
    ]
    assert all(r["channels"] > 0 and r["sample_rate"] > 0 for r in rows)
    assert set(rows[0]) == {"index", "name", "host_api", "channels", "sample_rate", "default"}
    text = run_cli(["devices"], env).stdout.splitlines()[:-1]
    assert [int(line.split()[-3]) for line in text] == [r["index"] for r in rows]


def test_no_output_at_all_is_said_in_one_line(tmp_path: Path) -> None:
    env = alsa(tmp_path, NO_CARD)
    listed = run_cli(["devices"], env)
    assert (listed.returncode, listed.stdout, listed.stderr) == (0, no_outputs_message() + "\n", "")
    assert "'aplay -l'" in listed.stdout
    assert run_cli(["devices", "--json"], env).stdout == "[]\n"


def test_without_sounddevice_devices_says_how_to_install_it(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)  # what Python does when it is not installed
    result = runner.invoke(cli, ["devices"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Choosing an output device needs the sounddevice package (")
    assert result.stderr.endswith(
        "install it with: pip install 'voice-coach[listen]' (or run ./scripts/setup.sh)\n"
    )


# --- play --device: bad choices ----------------------------------------------------------------------

BAD_CHOICES = [
    ("nonexistent", f'--device "nonexistent": no such output device; {LIST_HELP}'),
    ("7", f"--device 7: no such output device; {LIST_HELP}"),
    ("2", f'--device 2: "coachmic" is an input, not an output; {LIST_HELP}'),
    (
        "coach",
        '--device "coach": several outputs match (0 coachleft, 1 coachright); '
        "give its index or more of its name",
    ),
]


@pytest.mark.parametrize(("device", "message"), BAD_CHOICES, ids=[c[0] for c in BAD_CHOICES])
def test_a_bad_device_is_one_clear_error_before_any_synthesis(
    tmp_path: Path, device: str, message: str
) -> None:
    result = run_cli(["play", "kneeling-overhead", *PYTTSX3, "--device", device], alsa(tmp_path, OUTPUTS))
    assert (result.returncode, result.stderr, result.stdout) == (2, f"Error: {message}\n", "")
    assert not history_path().exists()


def test_an_unknown_device_on_a_machine_without_sound(tmp_path: Path) -> None:
    result = run_cli(["play", "kneeling-overhead", "--device", "USB Audio"], alsa(tmp_path, NO_CARD))
    assert (result.returncode, result.stderr) == (
        2,
        f'Error: --device "USB Audio": no such output device; {LIST_HELP}\n',
    )


def test_a_broken_routine_is_reported_before_a_bad_device(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('id = "broken"\ntitle = 3\n')
    result = runner.invoke(cli, ["play", str(broken), "--device", "nonexistent"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {broken}: title: ") and result.stderr.count("\n") == 1
    assert not history_path().exists()


def test_a_device_that_cannot_be_opened_gives_portaudios_reason() -> None:
    import sounddevice

    device = OutputDevice(4, "USB Audio", "ALSA", 2, 48000, False)
    error = open_error(device, sounddevice.PortAudioError("Device unavailable", -9985))
    assert isinstance(error, PlaybackError) and error.exit_code == 1
    assert str(error) == (
        'The output "USB Audio, ALSA" could not be opened (Device unavailable [PaErrorCode -9985]). '
        f"Check that it is connected and not used by another program, or choose another: {LIST_HELP}"
    )


# --- play --device: a session on the chosen device ----------------------------------------------------


def recording_device(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A configuration whose ``coachfile`` output writes what it plays to numbered raw files in a folder
    (a new file for each stream), beside a null default that keeps nothing."""
    folder = tmp_path / "played"
    folder.mkdir()
    text = (
        "pcm.!default { type null }\n"
        f'pcm.coachfile {{ type file slave.pcm {{ type null }} file "{folder / "out.raw"}" '
        'format "raw" truncate false }'
    )
    return alsa(tmp_path, text), folder


def played_seconds(folder: Path) -> tuple[float, float]:
    """Seconds of mono 16-bit audio at the voice's rate in every file of ``folder``, and their RMS."""
    samples = np.concatenate([np.fromfile(path, "<i2") for path in sorted(folder.iterdir())])
    return len(samples) / PYTTSX3_RATE, float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


@pytest.mark.parametrize("device", ["coachfile", "0"])
def test_a_session_plays_on_the_device_chosen_by_name_or_index(tmp_path: Path, device: str) -> None:
    env, folder = recording_device(tmp_path)
    session = str(write_session(tmp_path / "routines", REACH, BEND))
    played = run_cli(["play", session, *PYTTSX3, "--device", device], env)
    assert (played.returncode, played.stderr) == (0, ""), played.stderr
    assert re.fullmatch(r"Tiny: \d+ s, 2 stretches\n", played.stdout), played.stdout
    entry = read_history()[-1]
    assert (entry.ended, entry.skipped_ms) == ("finished", 0)
    seconds, rms = played_seconds(folder)
    streams = len(list(folder.iterdir()))
    total = entry.total_ms / 1000
    assert total <= seconds <= total + 0.1 * streams, "the whole session, each stream's last block padded"
    assert rms > 100, "speech, not silence"


def test_the_config_files_device_is_used_and_its_errors_name_the_file(tmp_path: Path) -> None:
    env, folder = recording_device(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text('device = "coachfile"\n', "utf-8")
    session = str(write_session(tmp_path / "routines", BEND))
    played = run_cli(["play", session, *PYTTSX3], {**env, "VOICE_COACH_CONFIG": str(config)})
    assert (played.returncode, played.stderr) == (0, ""), played.stderr
    assert played_seconds(folder)[1] > 100, "the config file's device got the speech"
    config.write_text('device = "USB Audio"\n', "utf-8")
    refused = run_cli(["play", session, *PYTTSX3], {**env, "VOICE_COACH_CONFIG": str(config)})
    assert (refused.returncode, refused.stderr) == (
        2,
        f'Error: {config}: device "USB Audio": no such output device; {LIST_HELP}\n',
    )
    with_config = {**env, "VOICE_COACH_CONFIG": str(config)}
    chosen = run_cli(["play", session, *PYTTSX3, "--device", "default"], with_config)
    assert chosen.returncode == 0, "--device wins over the config file"
