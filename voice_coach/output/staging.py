"""Staged files: an export writes temporary files and folders beside its targets and renames them into
place only when all of them are complete, so an interrupted export leaves neither a partial file at a
target nor a temporary file behind.

Without ``force`` a target is written exclusively: a file or folder that appears at a target while the
export runs (another export of the same name) is never replaced, and the export fails as if it had been
there from the start. A temporary file is named by the process that made it
(``.spi.mp3.<pid>-<token>.part``): a run killed outright (SIGKILL, a power cut) cannot remove its own,
so the next export into the folder removes those of processes that are gone.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path
from types import TracebackType

from voice_coach import files, interrupts
from voice_coach.errors import OutputError, literal

STAGED = re.compile(r"\..+\.(\d+)-[0-9a-f]{8}\.(?:part|old)")
"""A staged file or folder, or a folder set aside while swapped (``.old``), by the process in group 1."""


class Staging:
    """Temporary files and folders beside their targets: renamed into place by ``commit``, else removed."""

    def __init__(self, force: bool) -> None:
        self.force = force
        self.moves: list[tuple[Path, Path]] = []
        self.reaped: set[Path] = set()

    def file(self, target: Path) -> Path:
        """A new empty temporary file in ``target``'s folder, to become ``target`` on commit."""
        staged = self._name(target, "part")
        self.moves.append((staged, target))  # first: a Ctrl-C just after creating it must not leave it behind
        staged.touch(exist_ok=False)
        return staged

    def folder(self, target: Path) -> Path:
        """A new empty temporary folder beside ``target``, to become ``target`` on commit."""
        staged = self._name(target, "part")
        self.moves.append((staged, target))
        staged.mkdir()
        return staged

    def commit(self) -> None:
        """Put every staged file and folder in place, unless the program was interrupted meanwhile.
        With ``force`` existing targets are replaced; without, OutputError if one has appeared (the
        targets already put in place by this commit are removed again: all or nothing)."""
        interrupts.check()
        placed: list[Path] = []
        try:
            while self.moves:
                staged, target = self.moves[0]
                if not staged.is_dir():
                    files.sync_file(staged)
                if self.force:
                    _replace(staged, target)
                elif not files.rename_exclusively(staged, target):
                    raise OutputError(
                        f"{literal(str(target))} already exists: add {{force}} to overwrite it",
                        options=("force",),
                    )
                placed.append(target)
                self.moves.pop(0)
        except BaseException:
            if not self.force:
                for target in placed:
                    _remove(target)
            raise

    def _name(self, target: Path, kind: str) -> Path:
        """A new temporary name beside ``target``, named by this process; the first in a folder first
        removes what dead processes left there."""
        if target.parent not in self.reaped:
            self.reaped.add(target.parent)
            reap_staged(target.parent)
        return target.parent / f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.{kind}"

    def __enter__(self) -> Staging:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for staged, _ in self.moves:
            _remove(staged)


def reap_staged(folder: Path) -> None:
    """Remove the staged files and folders in ``folder`` of processes that are gone."""
    try:
        entries = list(folder.glob(".*.*-*.*"))
    except OSError:
        return
    for entry in entries:
        match = STAGED.fullmatch(entry.name)
        if match and not files.process_alive(int(match.group(1))):
            _remove(entry)


def _replace(staged: Path, target: Path) -> None:
    """Put ``staged`` at ``target``, replacing what is there."""
    if target.is_dir() and not target.is_symlink():
        _swap_folder(staged, target)
        return
    if staged.is_dir() and (target.exists() or target.is_symlink()):
        target.unlink()
    os.replace(staged, target)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _swap_folder(staged: Path, target: Path) -> None:
    """Replace the folder ``target`` with ``staged``; the old one is restored if the rename fails."""
    aside = target.parent / f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.old"
    target.rename(aside)
    try:
        staged.rename(target)
    except BaseException:
        aside.rename(target)
        raise
    shutil.rmtree(aside, ignore_errors=True)
