"""A pack (``pack``) put into the patient's routine library, with every check done before anything is
written: a pack from an unknown sender is untrusted input.

Refused, with one line and nothing written: a file that is not a zip; a member whose name is absolute or
climbs out (``../``), or is a link; too many members; a member too large, or compressed suspiciously well
(a zip bomb); a routine file that does not load, or names a routine the pack lacks; choices that
``vc.compile`` would refuse; a routine that would replace a different one of the patient's without
``force``, or a built-in of the same id (the library's file would be used instead of it). Only
``routines/*.toml`` are ever written, and only into the library; the recording and the
handout stay in the zip, for the patient to open.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from voice_coach import api
from voice_coach.errors import UsageError, VoiceCoachError, literal
from voice_coach.files import replace_atomically
from voice_coach.pack import MANIFEST, PACK_FORMAT, ROUTINES_FOLDER
from voice_coach.pack_choices import command_line, options_from_record
from voice_coach.routine.library import builtin_ids, default_library
from voice_coach.routine.loader import load_id, load_path
from voice_coach.routine.routine_file import ID_PATTERN

MAX_MEMBERS = 100
MAX_MEMBER_BYTES = 1 << 30
"""Twelve hours of speech at 64 kbit/s is 350 MB: a larger member is no recording of ours."""
MAX_TOTAL_BYTES = 2 << 30
MAX_TEXT_BYTES = 1 << 20
"""A routine file or the manifest: a few kilobytes; a megabyte is far more than any needs."""
MAX_RATIO = 100
"""Text compresses about 4:1 and audio hardly at all; a member that shrank 100-fold is a bomb."""
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Imported:
    """What ``import_pack`` did: the routines written (or already there, the same), the library, and the
    command that plays the pack's run."""

    target_id: str
    routine_ids: tuple[str, ...]
    written: tuple[Path, ...]
    library: Path
    command: str


def import_pack(
    archive: str | os.PathLike[str], *, library: Path | None = None, force: bool = False
) -> Imported:
    """Put the routines of the pack ``archive`` in ``library`` (default: the user's); ``UsageError``
    saying why, with nothing written, when it is refused (see the module's docstring)."""
    path = Path(archive)
    folder = library if library is not None else default_library()
    texts, manifest = read_pack(path)
    check_contents(path, texts, manifest)
    new = planned_writes(path, texts, folder, force)
    written = write_routines(new, folder)
    record = manifest.get("choices", {})
    ids = tuple(PurePosixPath(name).stem for name in texts)
    return Imported(manifest["id"], ids, written, folder, command_line("play", manifest["id"], record))


def refused(path: Path, problem: str, options: tuple[str, ...] = ()) -> UsageError:
    """The one-line refusal of a pack (``problem`` may name ``options`` as ``{force}``)."""
    text = problem if options else literal(problem)
    return UsageError(f"{literal(str(path))}: {text}; nothing was imported", options=options)


def read_pack(path: Path) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The routine files (``routines/ID.toml`` → bytes) and the manifest of the zip at ``path``, every
    member checked before any is read."""
    if not path.is_file():
        raise UsageError(f"{literal(str(path))}: no such file")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            check_members(path, members)
            names = {m.filename for m in members}
            if MANIFEST not in names:
                raise refused(path, f"it is not a voice-coach pack (it has no {MANIFEST})")
            manifest = parse_manifest(path, _read_member(archive, MANIFEST))
            wanted = [n for n in names if n.startswith(f"{ROUTINES_FOLDER}/") and not n.endswith("/")]
            return {name: _read_member(archive, name) for name in sorted(wanted)}, manifest
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as error:
        raise refused(path, f"it is not a readable zip file ({error})") from None
    except OSError as error:
        raise UsageError(f"{literal(str(path))}: cannot read ({error.strerror})") from None


def check_members(path: Path, members: list[zipfile.ZipInfo]) -> None:
    """Refuse links, names outside the archive's folder, duplicates, too many or too large members."""
    if len(members) > MAX_MEMBERS:
        raise refused(path, f"it has {len(members)} members; a pack has at most {MAX_MEMBERS}")
    seen: set[str] = set()
    for member in members:
        name = member.filename
        if problem := unsafe_name(name):
            raise refused(path, f"member {name!r} {problem}")
        if stat.S_ISLNK(member.external_attr >> 16):
            raise refused(path, f"member {name!r} is a link")
        if name in seen:
            raise refused(path, f"member {name!r} appears twice")
        seen.add(name)
        if member.file_size > MAX_MEMBER_BYTES:
            raise refused(
                path, f"member {name!r} is {member.file_size} bytes; the limit is {MAX_MEMBER_BYTES}"
            )
        ratio = member.file_size // max(member.compress_size, 1)
        if member.file_size > MAX_TEXT_BYTES and ratio > MAX_RATIO:
            raise refused(
                path,
                f"member {name!r} is compressed {ratio}-fold (a zip bomb?)",
            )
    total = sum(m.file_size for m in members)
    if total > MAX_TOTAL_BYTES:
        raise refused(path, f"its members add up to {total} bytes; the limit is {MAX_TOTAL_BYTES}")


def unsafe_name(name: str) -> str | None:
    """Why a member's name could write outside a folder it is extracted to, or None if it is safe."""
    if not name or "\x00" in name or "\\" in name:
        return "has a character no file name may have"
    if name.startswith("/") or _DRIVE.match(name):
        return "is an absolute path"
    if ".." in PurePosixPath(name).parts:
        return "climbs out of the archive's folder (..)"
    return None


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """A text member, at most ``MAX_TEXT_BYTES`` whatever its header claims."""
    with archive.open(name) as member:
        data = member.read(MAX_TEXT_BYTES + 1)
    if len(data) > MAX_TEXT_BYTES:
        raise zipfile.BadZipFile(f"{name} is larger than {MAX_TEXT_BYTES} bytes")
    return data


def parse_manifest(path: Path, data: bytes) -> dict[str, Any]:
    """The manifest, checked: its format, the target's id and the routine files it lists."""
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise refused(path, f"its {MANIFEST} is not JSON ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != PACK_FORMAT:
        raise refused(path, f"its {MANIFEST} is not a pack of format {PACK_FORMAT}: update voice-coach")
    if not isinstance(manifest.get("id"), str) or not ID_PATTERN.fullmatch(manifest["id"]):
        raise refused(path, f"its {MANIFEST} names no valid routine id")
    if not isinstance(manifest.get("choices", {}), Mapping):
        raise refused(path, f"its {MANIFEST} has choices that are not a table")
    return manifest


def check_contents(path: Path, texts: dict[str, bytes], manifest: dict[str, Any]) -> None:
    """Every routine file loads (sessions finding their routines in the pack or the built-ins), the
    target is there, and the run's choices compile."""
    for name in texts:
        stem = PurePosixPath(name)
        if (
            stem.parent != PurePosixPath(ROUTINES_FOLDER)
            or stem.suffix != ".toml"
            or not ID_PATTERN.fullmatch(stem.stem)
        ):
            raise refused(path, f"member {name!r} is not {ROUTINES_FOLDER}/ID.toml")
    needed = manifest.get("builtins", [])
    missing = [b for b in needed if b not in builtin_ids()] if isinstance(needed, list) else ["?"]
    if missing:
        raise refused(path, f"it needs the built-in {missing[0]!r}, which this voice-coach lacks: update it")
    with tempfile.TemporaryDirectory(prefix="voice-coach-import-") as staging:
        folder = Path(staging)
        for name, data in texts.items():
            (folder / PurePosixPath(name).name).write_bytes(data)
        try:
            for name in texts:
                load_path(folder / PurePosixPath(name).name, folder)
            options = options_from_record(manifest.get("choices", {}), MANIFEST)
            api.compile(load_id(manifest["id"], folder), options)  # the pack's files, else a built-in
        except VoiceCoachError as error:
            raise refused(path, str(error).replace(str(folder) + os.sep, "")) from None


def planned_writes(path: Path, texts: dict[str, bytes], folder: Path, force: bool) -> dict[str, bytes]:
    """The files to write (``ID.toml`` → bytes): those not in the library already as they are; a
    different file of the same name is replaced only with ``force``."""
    new: dict[str, bytes] = {}
    for name, data in texts.items():
        target = folder / PurePosixPath(name).name
        try:
            present = target.read_bytes() if target.exists() else None
        except OSError as error:
            raise refused(path, f"{target}: cannot read ({error.strerror})") from None
        built_in = builtin_file(target.stem) if present is None else None
        if data in (present, built_in):
            continue
        if present is not None and not force:
            mine = literal(f"your routine {target.stem!r} ({target}) differs from the pack's")
            raise refused(path, mine + ": use {force} to replace it", ("force",))
        if built_in is not None and not force:
            theirs = literal(f"its {target.stem!r} would be used instead of the built-in routine of that id")
            raise refused(path, theirs + ": use {force} to accept that", ("force",))
        new[target.name] = data
    return new


def builtin_file(routine_id: str) -> bytes | None:
    """The bytes of the built-in file ``routine_id``, or None if there is no such built-in."""
    if routine_id not in builtin_ids():
        return None
    return (resources.files("voice_coach.routine") / "builtin" / f"{routine_id}.toml").read_bytes()


def write_routines(files: dict[str, bytes], folder: Path) -> tuple[Path, ...]:
    """Each file written into ``folder`` (made if needed) through a temporary file."""
    try:
        if files:
            folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            replace_atomically(folder / name, lambda raw, data=data: raw.write(data))  # type: ignore[misc]
    except OSError as error:
        raise UsageError(f"cannot write to your routine library {folder}: {error.strerror}") from None
    return tuple(folder / name for name in files)
