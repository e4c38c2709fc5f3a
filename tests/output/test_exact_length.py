"""``show`` and the export agree to the sample: the length ``show --json`` gives is the one the exported
file decodes to, whatever the phrases' lengths (a total in milliseconds, rounded down, could not be)."""

from __future__ import annotations

from pathlib import Path

import pytest
from audio_cli_helpers import BEND, REACH, decode, ok, show_json, write_session
from click.testing import CliRunner


@pytest.mark.parametrize("engine", ["hibari", "pyttsx3"])
def test_a_three_part_session_decodes_to_shows_exact_total(
    runner: CliRunner, tmp_path: Path, engine: str
) -> None:
    """Two routine files of the session's own and a built-in: phrase lengths that are no whole number
    of milliseconds add up to a total that is not either."""
    session = write_session(tmp_path, REACH, BEND)
    text = session.read_text("utf-8").replace("]", ', "locate-spi"]', 1)
    session.write_text(text, "utf-8")
    assert '"locate-spi"]' in text
    data = show_json(runner, str(session), "--engine", engine)
    for kind in ("mp3", "wav"):
        target = tmp_path / f"three.{kind}"
        ok(runner, "export", str(session), "--engine", engine, "-o", str(target))
        decoded = len(decode(target, data["rate"]))
        assert decoded == data["total_samples"], kind
        assert data["total_ms"] == decoded * 1000 // data["rate"]
