"""The phrase cache: every synthesized phrase stored once, as a WAV file named by the hash of its inputs.

Layout: ``<cache dir>/ab/cd/abcd....wav`` where ``abcd...`` is the SHA-256 of (format, engine identity,
voice, rate, volume, sample rate, text). Writes go to a temporary file in the same directory and are
renamed into place, so readers (and other processes warming the same phrases) never see half a file.
Each entry proves its content: after its samples, a ``vcid`` chunk (which WAV readers skip) records the
key's own fields (format, engine and its version, voice, rate, volume, sample rate, text) and the SHA-256
of the samples. A read checks both, so flipped or zeroed samples, or another phrase's valid file under
this entry's name, are found like a truncated or corrupt entry: deleted, counted as ``damaged`` and made
again.

Beside the phrases, side files about them are named ``*.json`` (earlier versions kept the loudness
analyses of their mixes there); they describe these phrases, so ``clear`` removes them too.

If the directory cannot be written, synthesis still works: entries are kept in memory for the run and
the problem is reported once through the ``warn`` callback and the ``warning`` attribute.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import struct
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from voice_coach.audio.clip import Clip
from voice_coach.errors import CacheError
from voice_coach.files import TEMP_PREFIX, replace_atomically

CACHE_FORMAT = 2
"""Bump to orphan every existing entry when the key or file format changes (2: entries prove their
content)."""
ENV_VAR = "VOICE_COACH_CACHE_DIR"
WAV_HEADER = struct.Struct("<4sI4s4sIHHIIHH4sI")
"""The 44 bytes before an entry's samples, as ``audio.wav.write_wav`` writes them (the standard library's
``wave``): RIFF header, ``fmt `` chunk (PCM, channels, rate, byte rate, block size, bits), ``data`` header."""
PROOF_CHUNK = b"vcid"
"""The chunk after the samples that says what the entry is: its key's fields and its samples' checksum."""
CHUNK = struct.Struct("<4sI")
ENTRY_RE = re.compile(r"[0-9a-f]{64}\.wav")
SIDE_FILES = "*.json"
"""Files beside the phrases that describe them (and their leftover temporary files): removed by ``clear``."""


class PhraseKey(str):
    """A cache key (64 hex digits) that knows what it is the key of: ``fields``, which the entry records."""

    fields: list[object]

    def __new__(cls, fields: list[object]) -> PhraseKey:
        key = super().__new__(cls, _digest(fields))
        key.fields = fields
        return key


def phrase_key(identity: str, voice: str, rate: str, volume: float, sample_rate: int, text: str) -> PhraseKey:
    """The cache key (64 hex digits) of one phrase spoken with these settings."""
    return PhraseKey([CACHE_FORMAT, identity, voice, rate, round(volume, 3), sample_rate, text])


def _digest(fields: object) -> str:
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()


def default_cache_dir(configured: str | Path | None = None) -> Path:
    """Where phrases are cached: $VOICE_COACH_CACHE_DIR, else ``configured`` (the user's config file),
    else a source checkout's audio_cache/, else the user's cache directory."""
    if from_env := os.environ.get(ENV_VAR):
        return Path(from_env).expanduser()
    if configured:
        return Path(configured).expanduser()
    if checkout := _checkout_cache():
        return checkout
    import platformdirs

    return platformdirs.user_cache_path("voice-coach") / "phrases"


def _checkout_cache() -> Path | None:
    """The ``audio_cache/`` folder of the source checkout this package runs from, if it does."""
    root = Path(__file__).resolve().parents[2]
    try:
        project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    folder = root / "audio_cache"
    if project.get("project", {}).get("name") == "voice-coach" and folder.is_dir():
        return folder
    return None


@dataclass(frozen=True)
class CacheInfo:
    """What ``voice-coach cache info`` reports."""

    location: Path
    entries: int
    bytes: int


class PhraseCache:
    """Synthesized phrases on disk (or only in memory when ``directory`` is None or unwritable)."""

    def __init__(self, directory: Path | None, warn: Callable[[str], None] | None = None) -> None:
        self.directory = directory
        self.warning: str | None = None
        self._warn = warn
        self._memory: dict[str, Clip] = {}
        self.damaged = 0
        """Entries found damaged (and deleted, to be made again) by this cache's reads so far."""

    def path(self, key: str) -> Path:
        """The file that holds the entry ``key``."""
        if self.directory is None:
            raise CacheError("this phrase cache has no directory")
        return self.directory / key[:2] / key[2:4] / f"{key}.wav"

    def get(self, key: str) -> Clip | None:
        """The clip stored under ``key``, or None on a miss (a corrupt entry is deleted: a miss)."""
        if key in self._memory or self.directory is None:
            return self._memory.get(key)
        path = self.path(key)
        try:
            return _read_entry(path, key)
        except FileNotFoundError:
            return None
        except PermissionError as exc:
            self._report(f"cannot read the phrase cache at {self.directory} ({exc})")
            return None
        except (OSError, ValueError, struct.error):
            with contextlib.suppress(OSError):
                path.unlink()
            self.damaged += 1
            return None

    def frames(self, key: str, rate: int) -> int | None:
        """The length in samples of entry ``key`` read from its header alone (an estimate needs no more),
        or None if it is missing, is not the mono 16-bit PCM at ``rate`` that ``put`` writes, or is not as
        long as its header says (the next synthesis replaces it)."""
        if key in self._memory or self.directory is None:
            clip = self._memory.get(key)
            return len(clip.samples) if clip is not None and clip.rate == rate else None
        try:
            with self.path(key).open("rb") as entry:
                header, size = entry.read(WAV_HEADER.size), os.fstat(entry.fileno()).st_size
        except OSError:
            return None
        if len(header) < WAV_HEADER.size:
            return None
        riff, data = WAV_HEADER.unpack(header)[1], WAV_HEADER.unpack(header)[-1]
        return data // 2 if data and header == _wav_header(riff, rate, data) and size == riff + 8 else None

    def put(self, key: str, clip: Clip) -> None:
        """Store ``clip`` under ``key``; if the disk refuses, keep it in memory and report why."""
        if self.directory is None:
            self._memory[key] = clip
            return
        try:
            _write_atomically(self.path(key), clip, key)
        except OSError as exc:
            self._memory[key] = clip
            self._report(
                f"cannot write the phrase cache at {self.directory} ({exc}); "
                "phrases are kept in memory for this run only"
            )

    def info(self) -> CacheInfo:
        """Location, number of entries and their total size in bytes."""
        if self.directory is None:
            return CacheInfo(Path("(memory)"), len(self._memory), 0)
        try:
            sizes = [entry.stat().st_size for entry in self._entries()]
        except OSError as exc:
            raise CacheError(f"cannot read the phrase cache at {self.directory}: {exc}") from exc
        return CacheInfo(self.directory, len(sizes), sum(sizes))

    def clear(self) -> int:
        """The number of entries removed; removes only cache files and ``SIDE_FILES``, never anything
        else there."""
        self._memory.clear()
        if self.directory is None:
            return 0
        try:
            removed = 0
            for entry in list(self._entries(include_temp=True)):
                entry.unlink(missing_ok=True)
                removed += not entry.name.startswith(TEMP_PREFIX)
            for side in self.directory.glob(SIDE_FILES):
                side.unlink(missing_ok=True)
            for folder in self._fanout_dirs(depth=2) + self._fanout_dirs(depth=1):
                if not any(folder.iterdir()):
                    folder.rmdir()
        except OSError as exc:
            raise CacheError(f"cannot clear the phrase cache at {self.directory}: {exc}") from exc
        return removed

    def _entries(self, include_temp: bool = False) -> Iterator[Path]:
        """Every entry file (and leftover temporary file, if asked) in the ``ab/cd/`` folders."""
        for folder in self._fanout_dirs(depth=2):
            for entry in folder.iterdir():
                if ENTRY_RE.fullmatch(entry.name) or (include_temp and entry.name.startswith(TEMP_PREFIX)):
                    yield entry

    def _fanout_dirs(self, depth: int) -> list[Path]:
        """The ``ab/`` folders (depth 1) or the ``ab/cd/`` folders (depth 2) that exist."""
        if self.directory is None or not self.directory.is_dir():
            return []
        pattern = "/".join(["[0-9a-f][0-9a-f]"] * depth)
        return [folder for folder in self.directory.glob(pattern) if folder.is_dir()]

    def _report(self, message: str) -> None:
        """Record ``message`` and pass it to the warn callback, once per cache."""
        if self.warning is None:
            self.warning = message
            if self._warn is not None:
                self._warn(message)


def _wav_header(riff: int, rate: int, data: int) -> bytes:
    """The 44 bytes before an entry's samples: mono 16-bit PCM at ``rate``, ``data`` bytes of samples."""
    return WAV_HEADER.pack(b"RIFF", riff, b"WAVE", b"fmt ", 16, 1, 1, rate, 2 * rate, 2, 16, b"data", data)


def _entry_bytes(key: str, clip: Clip) -> bytes:
    """An entry file: a WAV of ``clip`` whose ``vcid`` chunk records ``key``'s fields and the checksum."""
    samples = clip.samples.astype("<i2", copy=False).tobytes()
    fields = getattr(key, "fields", None)
    proof = json.dumps({"key": fields, "sha256": hashlib.sha256(samples).hexdigest()}, ensure_ascii=False)
    payload = proof.encode("utf-8")
    payload += b" " * (len(payload) % 2)  # chunks are of even length
    riff = WAV_HEADER.size - 8 + len(samples) + CHUNK.size + len(payload)
    header = _wav_header(riff, clip.rate, len(samples))
    return header + samples + CHUNK.pack(PROOF_CHUNK, len(payload)) + payload


def _read_entry(path: Path, key: str) -> Clip:
    """The clip in the entry file of ``key``; ValueError unless it is whole and proves to be ``key``'s:
    mono 16-bit PCM whose recorded key fields make ``key`` and whose samples match their checksum."""
    import numpy as np

    raw = path.read_bytes()
    if len(raw) < WAV_HEADER.size:
        raise ValueError(f"{path}: shorter than a WAV header")
    fields = WAV_HEADER.unpack_from(raw)
    riff, rate, data = fields[1], fields[7], fields[-1]
    if raw[: WAV_HEADER.size] != _wav_header(riff, rate, data) or len(raw) != riff + 8 or not data:
        raise ValueError(f"{path}: not a whole mono 16-bit entry")
    samples = raw[WAV_HEADER.size : WAV_HEADER.size + data]
    chunk, size = CHUNK.unpack_from(raw, WAV_HEADER.size + data)
    start = WAV_HEADER.size + data + CHUNK.size
    if chunk != PROOF_CHUNK or start + size != len(raw):
        raise ValueError(f"{path}: no record of what it holds")
    proof = json.loads(raw[start:].decode("utf-8"))
    if not isinstance(proof, dict) or _digest(proof.get("key")) != key:
        raise ValueError(f"{path}: holds another phrase")
    if proof.get("sha256") != hashlib.sha256(samples).hexdigest():
        raise ValueError(f"{path}: its samples have changed")
    return Clip(np.frombuffer(samples, "<i2").astype(np.int16), rate)


def _write_atomically(path: Path, clip: Clip, key: str) -> None:
    """Write ``clip`` to ``path`` as the entry of ``key``, through a temporary file and a rename."""
    entry = _entry_bytes(key, clip)
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_atomically(path, lambda raw: raw.write(entry))
