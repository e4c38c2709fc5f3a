"""The catalog: every routine and session a user can name by id, the built-ins and the user's own library
(a folder of ``ID.toml`` files), each with its kind, title, equipment, length and a content digest.

The digest covers every file the entry is made of (a session's own file and each routine it includes) and
the settings that change its sound (the voice), so whatever keys an export by it (the server's export
cache) makes a new one when any of them changes. ``list`` prints these entries; the server offers them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from voice_coach.api import compile, estimate
from voice_coach.api_types import Speech, Warn, default_warn
from voice_coach.compiler.phrases import Phrases
from voice_coach.compiler.session import session_equipment
from voice_coach.durations import clock
from voice_coach.errors import RoutineError, UsageError, VoiceCoachError
from voice_coach.files import write_text_atomically
from voice_coach.routine.language import DEFAULT_LANGUAGE
from voice_coach.routine.library import builtin_ids, default_library, library_files
from voice_coach.routine.loader import load_builtin, load_path
from voice_coach.routine.model import Routine, Session
from voice_coach.routine.routine_file import id_from_name, title_from_name

BUILTIN = "built-in:"
"""How a built-in file's ``source`` starts (``built-in:spi``)."""


@dataclass(frozen=True)
class CatalogEntry:
    """One routine or session on offer, read from its file; ``digest`` changes with any file it includes."""

    id: str
    kind: str
    """``session``, or the routine's kind (``stretch``, ``massage``, ``locate``...)."""
    title: str
    equipment: tuple[str, ...]
    source: str
    """``built-in`` or ``yours`` (a file of the library, which wins over a built-in of the same id)."""
    path: Path | None
    """The file of one of yours; None for a built-in."""
    digest: str
    length_ms: int
    """How long it lasts at its defaults: exact when every phrase is in the phrase cache, else estimated."""
    exact: bool
    target: Routine | Session = field(repr=False)

    @property
    def length(self) -> str:
        """The length as ``list`` prints it: ``mm:ss``, with ``~`` first when estimated."""
        return ("" if self.exact else "~") + clock(self.length_ms)

    @property
    def yours(self) -> bool:
        return self.source == "yours"

    @property
    def is_session(self) -> bool:
        return isinstance(self.target, Session)


class Catalog:
    """The catalog of a routine ``library`` (default: the user's) for a voice (``speech``), read again
    whenever a file changes: each entry is kept while its digest stays the same, so files are parsed and
    lengths estimated once per version."""

    def __init__(
        self,
        library: str | os.PathLike[str] | None = None,
        speech: Speech | None = None,
        warn: Warn | None = None,
    ) -> None:
        self.library = Path(library).expanduser() if library is not None else default_library()
        self.speech = speech or Speech()
        self.warn = warn or default_warn
        self._kept: dict[str, CatalogEntry] = {}
        self._warned: set[str] = set()

    def entries(self) -> list[CatalogEntry]:
        """Every valid routine and session, sorted by id; an invalid file is left out with a warning."""
        yours = library_files(self.library)
        known = dict.fromkeys(builtin_ids()) | {i: path for i, path in yours.items()}
        listing = sorted(yours)
        found = [self._entry(i, path, listing) for i, path in sorted(known.items())]
        return [entry for entry in found if entry is not None]

    def find(self, routine_id: str) -> CatalogEntry | None:
        """The entry with this id, or None."""
        return next((entry for entry in self.entries() if entry.id == routine_id), None)

    def _entry(self, routine_id: str, path: Path | None, listing: list[str]) -> CatalogEntry | None:
        kept = self._kept.get(routine_id)
        if kept is not None and kept.path == path and self._digest(kept.target, listing) == kept.digest:
            return kept
        try:
            target = load_path(path, self.library) if path is not None else load_builtin(routine_id)
        except VoiceCoachError as error:  # read again next time: fixing a file it includes mends it
            if (warning := f"skipped {routine_id}: {error}") not in self._warned:
                self._warned.add(warning)
                self.warn(warning)
            return None
        entry = self._made(routine_id, path, target, self._digest(target, listing))
        self._kept[routine_id] = entry
        return entry

    def _made(
        self, routine_id: str, path: Path | None, target: Routine | Session, digest: str
    ) -> CatalogEntry:
        estimated = estimate(compile(target), self.speech, warn=self.warn)
        plan = estimated.schedule
        source = "built-in" if path is None else "yours"
        return CatalogEntry(routine_id, kind_of(target), target.title, equipment_of(target), source, path,
                            digest, plan.ms(plan.total), estimated.exact, target)  # fmt: skip

    def _digest(self, target: Routine | Session, listing: list[str]) -> str:
        """The digest of every file ``target`` is made of, the library's ids (a new file may take an id a
        session names) and the voice."""
        speech = self.speech
        files = [target.source, *(item.routine.source for item in getattr(target, "items", ()))]
        parts = [_source_digest(source) for source in dict.fromkeys(files)]
        fields = [parts, listing, speech.engine, speech.voice, speech.rate]
        return hashlib.sha256(json.dumps(fields).encode("utf-8")).hexdigest()


def catalog(
    library: str | os.PathLike[str] | None = None, speech: Speech | None = None, *, warn: Warn | None = None
) -> list[CatalogEntry]:
    """Every routine and session by id: the built-ins and the files of ``library`` (default: the user's
    routine folder), each with its length for ``speech``'s voice; invalid files are left out, each with a
    warning."""
    return Catalog(library, speech, warn).entries()


def new_routine(
    name: str, *, library: str | os.PathLike[str] | None = None, in_library: bool = False, force: bool = False
) -> Path:
    """A commented routine template written to ``NAME.toml`` (``in_library``: as ``ID.toml`` in
    ``library``, default the user's routine folder, made if missing), its id and title made from the
    name; the path. ``UsageError`` if it exists and not ``force``, ``RoutineError`` if it cannot be
    written."""
    path = Path(name if name.endswith(".toml") else f"{name}.toml")
    routine_id = id_from_name(path.stem)
    if in_library:
        folder = Path(library).expanduser() if library is not None else default_library()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UsageError(f"cannot make your routine library {folder}: {error.strerror}") from None
        path = folder / f"{routine_id}.toml"
    if path.exists() and not force:
        raise UsageError(f"{path}: already exists; use {{force}} to overwrite it", options=("force",))
    template = (resources.files("voice_coach.routine") / "templates" / "routine.toml").read_text("utf-8")
    title = json.dumps(title_from_name(Path(name).name.removesuffix(".toml")), ensure_ascii=False)[1:-1]
    shell_path = shlex.quote(str(path))
    text = template.replace("@ID@", routine_id).replace("@TITLE@", title).replace("@FILE@", shell_path)
    try:
        write_text_atomically(path, text)
    except OSError as error:
        raise RoutineError(f"{path}: cannot write ({error.strerror})") from None
    return path


def kind_of(target: Routine | Session) -> str:
    """``session`` or the routine's own kind."""
    return "session" if isinstance(target, Session) else target.kind


def equipment_of(target: Routine | Session) -> tuple[str, ...]:
    """What ``target`` needs, once each, in order of first need, as the session's opening says it (a
    choice one of whose options is already listed is left out)."""
    if isinstance(target, Routine):
        return target.equipment
    routines = [item.routine for item in target.items]
    language = target.language or (routines[0].language if routines else None) or DEFAULT_LANGUAGE
    return session_equipment(routines, Phrases.of(language))


def _source_digest(source: str) -> str:
    """The SHA-256 of the file a model's ``source`` names (a path or ``built-in:ID``); empty if unreadable."""
    try:
        if source.startswith(BUILTIN):
            name = source.removeprefix(BUILTIN) + ".toml"
            data = (resources.files("voice_coach.routine") / "builtin" / name).read_bytes()
        else:
            data = Path(source).read_bytes()
    except OSError:
        return ""
    return hashlib.sha256(data).hexdigest()
