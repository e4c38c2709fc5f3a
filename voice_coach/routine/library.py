"""The user's own routine library: a folder of routine and session files, used by id like the built-ins.

``voice-coach show neck`` finds ``neck.toml`` there; ``list`` shows them marked as yours and ``new
--library`` writes there. The folder is ``routines/`` in the user's data folder (beside the history), or
the one a caller names (the CLI: ``routines_dir`` in the config file).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from voice_coach.files import data_folder
from voice_coach.routine.routine_file import ID_PATTERN

LIBRARY_FOLDER = "routines"


def default_library() -> Path:
    """``$VOICE_COACH_DATA_DIR/routines``, else ``routines`` in the user's data folder."""
    return data_folder() / LIBRARY_FOLDER


def library_files(library: Path | None = None) -> dict[str, Path]:
    """Id → file of each ``ID.toml`` in the library folder (none if it does not exist), sorted by id.

    The id is the file's name, so listing the library (and completing an id in a shell) reads no file.
    """
    folder = library if library is not None else default_library()
    try:
        files = sorted(folder.glob("*.toml"))
    except OSError:  # unreadable: as good as empty here; naming a file in it gives the real error
        return {}
    return {path.stem: path for path in files if ID_PATTERN.fullmatch(path.stem) and path.is_file()}


def builtin_ids() -> list[str]:
    """Ids of the routines and sessions shipped with voice-coach, sorted."""
    folder = resources.files("voice_coach.routine") / "builtin"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def known_ids(library: Path | None = None) -> dict[str, str]:
    """Every id ``show ID`` takes, sorted, with where it comes from: ``built-in`` or ``yours`` (a file of
    the library, which wins over a built-in of the same id)."""
    known = dict.fromkeys(builtin_ids(), "built-in") | dict.fromkeys(library_files(library), "yours")
    return dict(sorted(known.items()))
