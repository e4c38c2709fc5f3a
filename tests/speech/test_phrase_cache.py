"""The phrase cache: keys, atomic WAV entries, validation on read, fallback to memory, info and clear."""

from __future__ import annotations

import hashlib
import json
import os
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from audio_cli_helpers import REACH, write_session
from click.testing import CliRunner

import voice_coach
from voice_coach.audio.clip import Clip
from voice_coach.cli.main import cli
from voice_coach.errors import CacheError
from voice_coach.speech import phrase_cache as cache_module
from voice_coach.speech.phrase_cache import PhraseCache, default_cache_dir, phrase_key

KEY_FIELDS: dict[str, Any] = {
    "identity": "pyttsx3 2.99 espeak-ng 1.51",
    "voice": "gmw/en",
    "rate": "1x",
    "volume": 1.0,
    "sample_rate": 22050,
    "text": "Switch sides.",
}


def key(**changes: Any) -> str:
    return phrase_key(**{**KEY_FIELDS, **changes})


def tone(ms: int = 200) -> Clip:
    t = np.arange(22050 * ms // 1000) / 22050
    return Clip((np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16), 22050)


@pytest.fixture
def cache(tmp_path: Path) -> PhraseCache:
    return PhraseCache(tmp_path / "cache")


KEY = key()
OTHER_KEY = key(text="Another.")


def test_key_is_stable_and_changes_with_every_input() -> None:
    assert key() == KEY and len(KEY) == 64
    changed = {
        "identity": "piper",
        "voice": "gmw/en-us",
        "rate": "170",
        "volume": 0.5,
        "sample_rate": 16000,
        "text": "Switch sides!",
    }
    keys = {key(**{field: value}) for field, value in changed.items()}
    assert len(keys) == 6 and KEY not in keys


def test_entry_round_trips_as_a_wav_file_in_two_level_folders(cache: PhraseCache) -> None:
    cache.put(KEY, tone())
    path = cache.path(KEY)
    assert path.relative_to(cache.directory or Path()).parts == (KEY[:2], KEY[2:4], f"{KEY}.wav")
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
    clip = PhraseCache(cache.directory).get(KEY)
    assert clip is not None and clip.rate == 22050
    assert np.array_equal(clip.samples, tone().samples)
    assert [p.name for p in path.parent.iterdir()] == [path.name], "no temporary files left"


def test_an_entrys_length_is_read_from_its_header_and_only_when_it_is_whole(cache: PhraseCache) -> None:
    cache.put(KEY, tone())
    assert cache.frames(KEY, 22050) == len(tone().samples)
    assert cache.frames(KEY, 24000) is None, "another rate: not this voice's entry"
    assert cache.frames(key(text="Other."), 22050) is None
    path = cache.path(KEY)
    path.write_bytes(path.read_bytes()[:-2])
    assert cache.frames(KEY, 22050) is None, "shorter than its header says"


def test_absent_entry_is_a_miss(cache: PhraseCache) -> None:
    assert cache.get(KEY) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated: header promises more frames than follow
        lambda data: data[:30],  # truncated inside the header
        lambda data: b"",
        lambda data: b"not a wave file at all" * 10,
    ],
    ids=["half", "header", "empty", "garbage"],
)
def test_damaged_entry_is_deleted_and_counts_as_a_miss(cache: PhraseCache, damage: object) -> None:
    cache.put(KEY, tone())
    path = cache.path(KEY)
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert cache.get(KEY) is None
    assert not path.exists()
    cache.put(KEY, tone())
    assert cache.get(KEY) is not None


def flip_a_sample(data: bytes) -> bytes:
    return data[:1000] + bytes([data[1000] ^ 0x40]) + data[1001:]


def zero_the_samples(data: bytes) -> bytes:
    return data[:44] + bytes(len(tone().samples) * 2) + data[44 + len(tone().samples) * 2 :]


@pytest.mark.parametrize("damage", [flip_a_sample, zero_the_samples], ids=["flipped", "zeroed"])
def test_an_entry_whose_samples_changed_is_damaged_and_made_again(
    cache: PhraseCache, damage: Callable[[bytes], bytes]
) -> None:
    """The file is still a valid WAV of the right length: only its checksum tells."""
    cache.put(KEY, tone())
    path = cache.path(KEY)
    path.write_bytes(damage(path.read_bytes()))
    assert cache.frames(KEY, 22050) == len(tone().samples), "the header alone still looks right"
    assert (cache.get(KEY), cache.damaged) == (None, 1)
    assert not path.exists()
    cache.put(KEY, tone())
    assert cache.get(KEY) is not None and cache.damaged == 1


def test_another_phrases_valid_entry_under_this_name_is_damaged(cache: PhraseCache) -> None:
    cache.put(OTHER_KEY, tone(300))
    cache.path(KEY).parent.mkdir(parents=True, exist_ok=True)
    cache.path(KEY).write_bytes(cache.path(OTHER_KEY).read_bytes())
    assert (cache.get(KEY), cache.damaged) == (None, 1)
    assert cache.get(OTHER_KEY) is not None


def test_an_entry_records_its_own_key_and_checksum(cache: PhraseCache) -> None:
    cache.put(KEY, tone())
    raw = cache.path(KEY).read_bytes()
    record = json.loads(raw[raw.index(b"vcid") + 8 :])
    assert record["key"] == [2, *KEY_FIELDS.values()]
    assert record["sha256"] == hashlib.sha256(tone().samples.astype("<i2").tobytes()).hexdigest()


def test_failed_write_leaves_no_partial_entry_and_keeps_the_clip_in_memory(
    cache: PhraseCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    warnings: list[str] = []
    cache = PhraseCache(cache.directory, warn=warnings.append)
    cache.put(KEY, tone())
    cache.put(OTHER_KEY, tone())
    assert not cache.path(KEY).exists()
    assert list(cache.path(KEY).parent.iterdir()) == [], "the temporary file is removed"
    assert cache.get(KEY) is not None
    assert len(warnings) == 1 and "disk full" in warnings[0] and "memory" in warnings[0]
    assert cache.warning == warnings[0]


def test_unwritable_directory_falls_back_to_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cache = PhraseCache(blocker / "cache")
    cache.put(KEY, tone())
    assert cache.get(KEY) is not None
    assert cache.warning is not None and str(blocker) in cache.warning


def test_info_counts_entries_and_bytes(cache: PhraseCache) -> None:
    assert cache.info().entries == 0
    cache.put(KEY, tone(100))
    cache.put(OTHER_KEY, tone(300))
    info = cache.info()
    assert (info.location, info.entries) == (cache.directory, 2)
    assert info.bytes == sum(cache.path(k).stat().st_size for k in (KEY, OTHER_KEY))
    assert info.bytes > 2 * 44 + 2 * (2205 + 6615), "headers, samples and each entry's record of itself"


def test_clear_removes_only_cache_files(cache: PhraseCache) -> None:
    directory = cache.directory or Path()
    cache.put(KEY, tone())
    (directory / ".gitkeep").write_text("")
    (directory / "notes.txt").write_text("mine")
    (cache.path(KEY).parent / ".tmp-left-by-a-crash.wav").write_bytes(b"x")
    (directory / "mix-analysis.json").write_text("{}")  # what earlier versions kept beside the phrases
    (directory / ".tmp-left-by-a-crash.json").write_bytes(b"{")
    assert cache.clear() == 1
    assert sorted(p.name for p in directory.iterdir()) == [".gitkeep", "notes.txt"]
    assert cache.info().entries == 0


def test_clear_that_fails_raises_cache_error(cache: PhraseCache, monkeypatch: pytest.MonkeyPatch) -> None:
    cache.put(KEY, tone())

    def refuse(self: Path, missing_ok: bool = False) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(Path, "unlink", refuse)
    with pytest.raises(CacheError, match=r"cannot clear the phrase cache at .*read-only"):
        cache.clear()


def test_memory_only_cache() -> None:
    cache = PhraseCache(None)
    cache.put(KEY, tone())
    assert cache.get(KEY) is not None and cache.info().entries == 1
    assert cache.clear() == 0 and cache.get(KEY) is None


def test_default_dir_prefers_the_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICE_COACH_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"
    assert default_cache_dir(configured=tmp_path / "config") == tmp_path / "mine"
    monkeypatch.delenv("VOICE_COACH_CACHE_DIR")
    assert default_cache_dir(configured=tmp_path / "config") == tmp_path / "config"


def test_default_dir_is_the_checkouts_audio_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOICE_COACH_CACHE_DIR")
    checkout = Path(voice_coach.__file__).resolve().parent.parent
    assert (checkout / "pyproject.toml").is_file(), "tests run from a source checkout"
    assert default_cache_dir() == checkout / "audio_cache"


def test_default_dir_outside_a_checkout_is_the_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VOICE_COACH_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(cache_module, "_checkout_cache", lambda: None)
    assert default_cache_dir() == tmp_path / "voice-coach" / "phrases"


def test_export_remakes_an_entry_with_another_phrase_in_it_and_says_so(tmp_path: Path) -> None:
    """Another phrase's valid file under an entry's name would put a wrong sentence in the export."""
    runner = CliRunner()
    session = str(write_session(tmp_path / "routines", REACH))
    first, second = tmp_path / "first.wav", tmp_path / "second.wav"
    assert runner.invoke(cli, ["export", session, "--engine", "pyttsx3", "-o", str(first)]).exit_code == 0
    entries = sorted(Path(os.environ["VOICE_COACH_CACHE_DIR"]).glob("*/*/*.wav"))
    entries[0].write_bytes(entries[1].read_bytes())
    entries[2].write_bytes(flip_a_sample(entries[2].read_bytes()))
    result = runner.invoke(cli, ["export", session, "--engine", "pyttsx3", "-o", str(second)])
    assert result.stdout.endswith(
        f"; 2 phrases synthesized, {len(entries) - 2} cached; 2 damaged phrases made again)\n"
    )
    assert first.read_bytes() == second.read_bytes()
    warm = runner.invoke(cli, ["cache", "warm", session, "--engine", "pyttsx3"])
    assert warm.stdout.startswith(f"0 phrases synthesized, {len(entries)} already cached")
    assert "damaged" not in warm.stdout
