"""What the server offers: the built-in routines and sessions, and the user's own from the routine library
(the folder ``list`` shows), each with its title, kind, equipment and length. Only ids found here are ever
looked up, so a request's text never becomes a path."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import voice_coach as vc
from voice_coach.durations import clock
from voice_coach.routine.library import builtin_ids, default_library, library_files

log = logging.getLogger(__name__)
_Loader = Callable[[], "vc.Routine | vc.Session"]


@dataclass(frozen=True)
class Entry:
    """One routine or session on offer; ``digest`` changes whenever its file does."""

    id: str
    title: str
    kind: str
    equipment: tuple[str, ...]
    yours: bool
    digest: str
    target: vc.Routine | vc.Session

    @property
    def is_session(self) -> bool:
        return isinstance(self.target, vc.Session)


class Catalog:
    """The routines on offer, re-read when the library folder changes (files are parsed once per version)."""

    def __init__(self, library: Path | None = None, speech: vc.Speech | None = None) -> None:
        self.library = library if library is not None else default_library()
        self.speech = speech or vc.Speech()
        self._parsed: dict[tuple[str, str], Entry | None] = {}
        self._lengths: dict[str, str] = {}
        self._languages: dict[str, str] = {}

    def entries(self) -> list[Entry]:
        """Every valid routine and session: the built-ins, then the user's (a user's file wins over a
        built-in of the same id, as in ``show``)."""
        yours = library_files(self.library)
        found = [self._builtin(i) for i in builtin_ids() if i not in yours]
        found += [self._yours(i, path) for i, path in yours.items()]
        return [entry for entry in found if entry is not None]

    def find(self, routine_id: str) -> Entry | None:
        """The entry with this id, or None."""
        return next((entry for entry in self.entries() if entry.id == routine_id), None)

    def length(self, entry: Entry) -> str:
        """How long the entry lasts at its defaults (``mm:ss``, ``~`` first when estimated)."""
        if entry.digest not in self._lengths:
            try:
                estimated = vc.estimate(vc.compile(entry.target), self.speech, warn=log.warning)
                plan = estimated.schedule
                text = ("" if estimated.exact else "~") + clock(plan.ms(plan.total))
            except vc.VoiceCoachError as error:
                log.warning("%s: %s", entry.id, error)
                text = "?"
            self._lengths[entry.digest] = text
        return self._lengths[entry.digest]

    def language(self, entry: Entry) -> str:
        """The language the entry is said in (``en``, ``de``...), for its page's ``lang``."""
        if entry.digest not in self._languages:
            try:
                language = vc.compile(entry.target).language
            except vc.VoiceCoachError:
                language = "en"
            self._languages[entry.digest] = language
        return self._languages[entry.digest]

    def _builtin(self, routine_id: str) -> Entry | None:
        data = (resources.files("voice_coach.routine") / "builtin" / f"{routine_id}.toml").read_bytes()
        return self._entry(routine_id, data, lambda: vc.load(routine_id), yours=False)

    def _yours(self, routine_id: str, path: Path) -> Entry | None:
        try:
            data = path.read_bytes()
        except OSError as error:
            log.warning("%s: cannot read (%s)", path, error.strerror)
            return None
        return self._entry(routine_id, data, lambda: vc.load(path), yours=True)

    def _entry(self, routine_id: str, data: bytes, load: _Loader, *, yours: bool) -> Entry | None:
        digest = hashlib.sha256(data).hexdigest()
        if (routine_id, digest) not in self._parsed:
            self._parsed[(routine_id, digest)] = _load_entry(routine_id, digest, load, yours)
        return self._parsed[(routine_id, digest)]


def _load_entry(routine_id: str, digest: str, load: _Loader, yours: bool) -> Entry | None:
    """The entry of a file, or None (logged) when it is invalid."""
    try:
        target = load()
    except vc.VoiceCoachError as error:
        log.warning("skipped %s: %s", routine_id, error)
        return None
    if isinstance(target, vc.Session):
        kind = "session"
        equipment = tuple(dict.fromkeys(e for item in target.items for e in item.routine.equipment))
    else:
        kind, equipment = target.kind, target.equipment
    return Entry(routine_id, target.title, kind, equipment, yours, digest, target)
