"""Reading a TOML file safely: bounded in size, never blocking, every failure a one-line RoutineError."""

from __future__ import annotations

import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from voice_coach.errors import RoutineError

MAX_FILE_BYTES = 256 * 1024
"""A routine is a page of text; anything bigger is refused before it is read."""
TOML_HINT = 'put each key = value on its own line, and text in double quotes, e.g. hold = "30s"'
TOML_FIXES = {
    "Cannot overwrite a value": "a key is given twice; keep one",
    "Cannot declare": "a table is given twice; keep one",
    "Unclosed array": "a list is not closed; end it with ]",
    "Unclosed inline table": "a table is not closed; end it with }",
    "Unterminated string": "text is not closed; end it with a double quote",
    "Unescaped '\\' in a string": "a backslash in double quotes must be written \\\\, or use 'single quotes'",
}
"""Plain words for the tomllib messages people meet most."""


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed document at ``path``, or a RoutineError saying why it cannot be read."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise RoutineError(f"{path}: is a directory; give a routine file (*.toml)")
        if not stat.S_ISREG(info.st_mode):
            raise RoutineError(f"{path}: is not a regular file; give a routine file (*.toml)")
        if info.st_size > MAX_FILE_BYTES:
            raise RoutineError(f"{path}: is {info.st_size} bytes; a routine file must be under 256 KB")
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise RoutineError(f"{path}: no such file") from None
    except OSError as error:
        raise RoutineError(f"{path}: cannot be read ({error.strerror or error})") from None
    if len(raw) > MAX_FILE_BYTES:  # it grew after stat
        raise RoutineError(f"{path}: is over {MAX_FILE_BYTES} bytes; a routine file must be under 256 KB")
    return parse_toml(raw, str(path))


def parse_toml(raw: bytes, source: str) -> dict[str, Any]:
    """The parsed document, or a RoutineError with line and column for syntax errors."""
    if b"\0" in raw:
        raise RoutineError(f"{source}: is a binary file, not a TOML routine")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise RoutineError(f"{source}: line {line}: not UTF-8 text; save the file as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RoutineError(f"{source}: {toml_problem(str(error), text)}") from None
    except RecursionError:
        raise RoutineError(f"{source}: lists or tables are nested too deeply to be a routine") from None


def toml_problem(message: str, text: str) -> str:
    """``line 3, column 8: TOML syntax error: invalid value; <hint>`` from a tomllib message."""
    match = re.fullmatch(r"(.*) \(at (?:line (\d+), column (\d+)|end of document)\)", message, re.DOTALL)
    if match is None:
        return f"TOML syntax error: {message}; {TOML_HINT}"
    problem, line, column = match.groups()
    problem = next((fix for start, fix in TOML_FIXES.items() if problem.startswith(start)), problem)
    hint = "" if problem in TOML_FIXES.values() else f"; {TOML_HINT}"
    if line is None:
        lines = text.split("\n")
        line, column = str(len(lines)), str(len(lines[-1]) + 1)
    return f"line {line}, column {column}: TOML syntax error: {problem[:1].lower()}{problem[1:]}{hint}"
