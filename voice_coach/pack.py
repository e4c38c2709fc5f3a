"""One file a therapist sends a patient: a zip with the routine and session files a run needs (not the
built-ins, which every voice-coach has), the recording, the printed handout and the run's choices.

    voice-coach-pack.json     what the pack holds and the choices (``{"hold": "25s"}``), see ``unpack``
    routines/ID.toml          the files, byte for byte as the therapist has them
    ID.mp3 (or ID.m4b)        the recording, as ``export`` makes it
    ID.pdf                    the handout, as ``handout`` makes it
    ID.ics                    reminders, as ``remind`` makes them (when asked for)

The zip is written to a temporary file and renamed, so an interrupted pack leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from voice_coach import api
from voice_coach.api_types import Speech, Warn
from voice_coach.compiler.choices import RunChoices
from voice_coach.compiler.timeline import Timeline
from voice_coach.errors import ExportError, UsageError, literal
from voice_coach.files import replace_atomically
from voice_coach.handover import checked_url, handout
from voice_coach.output.formats import check_document
from voice_coach.output.handout_pdf import PAPERS
from voice_coach.pack_choices import choices_record
from voice_coach.programme import remind as remind_calendar
from voice_coach.progress import Progress
from voice_coach.routine.loader import load_target
from voice_coach.routine.model import Routine, Session
from voice_coach.routine.toml_file import read_toml

PACK_AUDIO = ("mp3", "m4b", "none")
MANIFEST = "voice-coach-pack.json"
ROUTINES_FOLDER = "routines"
PACK_FORMAT = 1
BUILT_IN = "built-in:"


@dataclass(frozen=True)
class Packed:
    """What ``pack`` wrote: the zip, the names of its members, and the recording's length (0: none)."""

    path: Path
    members: tuple[str, ...]
    length_ms: int


def pack(
    target: Routine | Session | str | os.PathLike[str],
    output: str | os.PathLike[str],
    options: RunChoices | None = None,
    speech: Speech | None = None,
    *,
    library: Path | None = None,
    audio: str = "mp3",
    url: str | None = None,
    paper: str = "a4",
    remind: tuple[str, str] | None = None,
    force: bool = False,
    progress: Progress | None = None,
    warn: Warn | None = None,
) -> Packed:
    """Write ``target`` with ``options`` to the zip ``output``: its files (from ``library`` or paths), the
    recording (``audio``: ``mp3``, ``m4b`` or ``none``), the handout (QR code of ``url``), the choices, and
    with ``remind`` (days, time: ``("mon,wed,fri", "18:00")``) a calendar of reminders (``ID.ics``)."""
    zip_path = check_document(Path(output), ".zip", "a pack is a zip file", force=force)
    if audio not in PACK_AUDIO:
        raise UsageError(f"{{audio}}: must be one of {', '.join(PACK_AUDIO)}", options=("audio",))
    if paper not in PAPERS:
        raise UsageError(f"{{paper}}: must be one of {', '.join(PAPERS)}", options=("paper",))
    url = checked_url(url)  # before the slow recording
    loaded = target if isinstance(target, Routine | Session) else load_target(str(target), library)
    options = options or RunChoices()
    timeline = api.compile(loaded, options)
    calendar = reminders(loaded, remind, url)  # checked before the slow recording
    files = routine_files(loaded)
    members: dict[str, bytes | Path] = {f"{ROUTINES_FOLDER}/{name}": data for name, data in files.items()}
    with tempfile.TemporaryDirectory(prefix="voice-coach-pack-") as folder:
        length_ms = 0
        if audio != "none":
            recording = Path(folder) / f"{timeline.id}.{audio}"
            exported = api.export(timeline, recording, speech, progress=progress, warn=warn)
            members[recording.name] = recording
            length_ms = exported.length_ms
        sheet = handout(timeline, Path(folder) / f"{timeline.id}.pdf", url=url, paper=paper)
        members[sheet.name] = sheet
        if calendar is not None:
            members[f"{timeline.id}.ics"] = calendar
        manifest = pack_manifest(loaded, timeline, options, members)
        write_zip(zip_path, {MANIFEST: manifest, **members})
    return Packed(zip_path, (MANIFEST, *members), length_ms)


def routine_files(target: Routine | Session) -> dict[str, bytes]:
    """``ID.toml`` → the bytes of each file the run needs that is not a built-in, named as a session finds
    it in a library (by id). A session that names a routine by path cannot be put in a library as it is:
    refused, saying how to fix it."""
    files: dict[str, bytes] = {}
    if isinstance(target, Session):
        if not target.source.startswith(BUILT_IN):
            _check_ids_only(target)
        for item in target.items:
            if not item.routine.source.startswith(BUILT_IN):
                files[f"{Path(item.routine.source).stem}.toml"] = _read(item.routine.source)
    if not target.source.startswith(BUILT_IN):
        if f"{target.id}.toml" in files:
            raise UsageError(f"{literal(target.id)}: the session and one of its routines have the same id")
        files[f"{target.id}.toml"] = _read(target.source)
    return files


def _check_ids_only(session: Session) -> None:
    listed = read_toml(Path(session.source)).get("routines", [])
    for entry in listed:
        ref = entry.get("routine", "") if isinstance(entry, dict) else str(entry)
        if ref.endswith(".toml") or "/" in ref:
            raise UsageError(
                f"{literal(session.source)}: lists the routine {literal(repr(ref))} by path; put it in your "
                "routine library and list it by id, so the patient's library can hold it too"
            )


def _read(source: str) -> bytes:
    try:
        return Path(source).read_bytes()
    except OSError as error:
        raise UsageError(f"{literal(source)}: cannot read ({error.strerror})") from None


def reminders(target: Routine | Session, remind: tuple[str, str] | None, url: str | None) -> bytes | None:
    """The iCalendar file of reminders on ``remind``'s days at its time (``vc.remind``'s), or None."""
    if remind is None:
        return None
    days, at = remind
    return remind_calendar(target, days=days, at=at, url=url)[0]


def pack_manifest(
    target: Routine | Session, timeline: Timeline, options: RunChoices, members: dict[str, bytes | Path]
) -> bytes:
    """The manifest: what the pack holds and the run's choices, as JSON."""
    used: list[Routine | Session] = [target]
    if isinstance(target, Session):
        used += [item.routine for item in target.items]
    manifest = {
        "format": PACK_FORMAT,
        "id": target.id,
        "title": timeline.title,
        "choices": choices_record(options),
        "routines": sorted(name for name in members if name.startswith(f"{ROUTINES_FOLDER}/")),
        "builtins": sorted({item.id for item in used if item.source.startswith(BUILT_IN)}),
        "files": sorted(name for name in members if "/" not in name),
    }
    return json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")


def write_zip(path: Path, members: dict[str, bytes | Path]) -> None:
    """The zip at ``path`` (through a temporary file): text compressed, audio stored as it is."""

    def write(raw: IO[bytes]) -> None:
        with zipfile.ZipFile(raw, "w") as archive:
            for name, content in members.items():
                method = zipfile.ZIP_STORED if name.endswith((".mp3", ".m4b")) else zipfile.ZIP_DEFLATED
                if isinstance(content, Path):
                    archive.write(content, name, compress_type=method)
                else:
                    archive.writestr(name, content, compress_type=method)

    try:
        replace_atomically(path, write)
    except OSError as error:
        raise ExportError(f"{path}: cannot write the pack ({error.strerror})") from None
