"""Staged files: an export writes temporary files and folders beside its targets and renames them into
place only when all of them are complete, so an interrupted export leaves neither a partial file at a
target nor a temporary file behind."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path
from types import TracebackType

from voice_coach import interrupts


class Staging:
    """Temporary files and folders beside their targets: renamed into place by ``commit``, else removed."""

    def __init__(self, force: bool) -> None:
        self.force = force
        self.moves: list[tuple[Path, Path]] = []

    def file(self, target: Path) -> Path:
        """A new empty temporary file in ``target``'s folder, to become ``target`` on commit."""
        staged = target.parent / f".{target.name}.{secrets.token_hex(4)}.part"
        self.moves.append((staged, target))  # first: a Ctrl-C just after creating it must not leave it behind
        staged.touch(exist_ok=False)
        return staged

    def folder(self, target: Path) -> Path:
        """A new empty temporary folder beside ``target``, to become ``target`` on commit."""
        staged = target.parent / f".{target.name}.{secrets.token_hex(4)}.part"
        self.moves.append((staged, target))
        staged.mkdir()
        return staged

    def commit(self) -> None:
        """Put every staged file and folder in place (replacing existing targets: ``force`` was checked),
        unless the program was interrupted meanwhile."""
        interrupts.check()
        while self.moves:
            staged, target = self.moves[0]
            if target.is_dir() and not target.is_symlink():
                _swap_folder(staged, target)
            else:
                if staged.is_dir() and (target.exists() or target.is_symlink()):
                    target.unlink()
                os.replace(staged, target)
            self.moves.pop(0)

    def __enter__(self) -> Staging:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for staged, _ in self.moves:
            if staged.is_dir():
                shutil.rmtree(staged, ignore_errors=True)
            else:
                staged.unlink(missing_ok=True)


def _swap_folder(staged: Path, target: Path) -> None:
    """Replace the folder ``target`` with ``staged``; the old one is restored if the rename fails."""
    aside = target.parent / f".{target.name}.{secrets.token_hex(4)}.old"
    target.rename(aside)
    try:
        staged.rename(target)
    except BaseException:
        aside.rename(target)
        raise
    shutil.rmtree(aside, ignore_errors=True)
