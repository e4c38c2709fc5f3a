"""Reading a TOML file safely: bounded in size and shape, never blocking, every failure a one-line
RoutineError."""

from __future__ import annotations

import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from voice_coach.errors import RoutineError
from voice_coach.routine.toml_bounds import toml_bounds_problem
from voice_coach.routine.toml_hints import likely_cause

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
    if is_utf16(raw):
        raise RoutineError(
            f'{source}: is UTF-16 text (Notepad\'s "Unicode"); save it as UTF-8 '
            "(in Notepad: File, Save as, Encoding: UTF-8)"
        )
    if b"\0" in raw:
        raise RoutineError(f"{source}: is a binary file, not a TOML routine")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise RoutineError(f"{source}: line {line}: not UTF-8 text; save the file as UTF-8") from None
    if problem := toml_bounds_problem(text):  # before the parser, whose time and memory it would blow up
        raise RoutineError(f"{source}: {problem}")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RoutineError(f"{source}: {toml_problem(str(error), text)}") from None
    except RecursionError:
        raise RoutineError(f"{source}: lists or tables are nested too deeply to be a routine") from None


def is_utf16(raw: bytes) -> bool:
    """Whether ``raw`` is UTF-16 text: it starts with a UTF-16 byte order mark, or every other byte is
    zero as in UTF-16 without one (text in Latin letters), and it decodes as UTF-16."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    halves = (raw[0::2], raw[1::2])
    if len(raw) < 4 or len(raw) % 2 or not any(half.count(0) == len(half) for half in halves):
        return False
    try:
        raw.decode("utf-16-le" if halves[1].count(0) == len(halves[1]) else "utf-16-be")
    except UnicodeDecodeError:
        return False
    return True


def toml_problem(message: str, text: str) -> str:
    """``line 3, column 8: TOML syntax error: invalid value; <hint>`` from a tomllib message, at the line
    of the likely mistake (``toml_hints``) rather than where tomllib stopped, when a rule knows it."""
    match = re.fullmatch(r"(.*) \(at (?:line (\d+), column (\d+)|end of document)\)", message, re.DOTALL)
    if match is None:
        return f"TOML syntax error: {message}; {TOML_HINT}"
    problem, line, column = match.groups()
    if line is None:
        lines = text.split("\n")
        line, column = str(len(lines)), str(len(lines[-1]) + 1)
    cause = likely_cause(problem, text, int(line), int(column))
    if cause is not None:
        return f"line {cause[1]}, column {cause[2]}: TOML syntax error: {cause[0]}"
    problem = next((fix for start, fix in TOML_FIXES.items() if problem.startswith(start)), problem)
    hint = "" if problem in TOML_FIXES.values() else f"; {TOML_HINT}"
    return f"line {line}, column {column}: TOML syntax error: {problem[:1].lower()}{problem[1:]}{hint}"
