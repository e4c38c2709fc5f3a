"""Refusing, before parsing, TOML text that would make the parser slow or huge.

Python's TOML parser takes time and memory quadratic in the parts of a dotted key (a 40 KB key of
20,000 parts needs 1.6 GB) and recurses once per level of nesting, so a file well under the size limit
can still exhaust the machine. One linear pass over the text, skipping strings and comments, counts
what matters: the length of each line, the parts of each key, and how deeply lists and tables nest.
Routine, session and config files all go through it (``toml_file.parse_toml``).
"""

from __future__ import annotations

import re

MAX_LINE_CHARS = 10_000
"""A line of a routine holds a key and a value or a few steps; no cue is longer than 500 characters."""
MAX_KEY_PARTS = 16
"""``hold.default`` has two parts; a routine needs three at most."""
MAX_DEPTH = 16
"""A routine nests a table in a list of steps; sixteen levels is far more than any file needs."""

_TOKEN = re.compile(
    r'"""(?:\\[\s\S]|[^\\])*?"""""?'  # multi-line basic string (it may end with up to two more quotes)
    r"|'''[\s\S]*?'''(?:'{1,2})?"  # multi-line literal string
    r'|"(?:\\.|[^"\\\n])*"'  # basic string
    r"|'[^'\n]*'"  # literal string
    r"|#[^\n]*"  # comment
    r"|[\[\]{}=,.\n]"
)
"""The tokens that shape a document; everything between them (bare keys, numbers, dates) is skipped."""


def toml_bounds_problem(text: str) -> str | None:
    """Why ``text`` is refused before parsing (``line 3: ...``), or None if it is within bounds."""
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > MAX_LINE_CHARS:
            return f"line {number}: is {len(line)} characters long; keep lines under {MAX_LINE_CHARS}"
    return _Shape().scan(text)


class _Shape:
    """The state of one pass: open lists and tables, and the key being read."""

    def __init__(self) -> None:
        self.open: list[str] = []  # "[" or "{" of each list or inline table not yet closed
        self.in_key = True  # reading a key (where dots separate parts), not a value
        self.in_header = False  # inside a [table] or [[array of tables]] header
        self.parts = 1
        self.line = 1

    def scan(self, text: str) -> str | None:
        for token in _TOKEN.finditer(text):
            problem = self.step(token.group())
            if problem:
                return f"line {self.line}: {problem}"
            self.line += token.group().count("\n")
        return None

    def step(self, token: str) -> str | None:
        """Follow one token; a problem if it breaks a bound."""
        if token == "." and self.in_key:
            self.parts += 1
            if self.parts > MAX_KEY_PARTS:
                return f"a key has more than {MAX_KEY_PARTS} dotted parts; a routine needs two or three"
        elif token in "\n,=" and token:
            self._end_key(token)
        elif token in "[{":
            return self._opening(token)
        elif token in "]}":
            self._closing()
        return None

    def _end_key(self, token: str) -> None:
        if token == "=":
            self.in_key = False
        elif not self.open or (token == "," and self.open[-1] == "{"):
            self.in_key = not self.open or self.open[-1] == "{"
            self.in_header = False
        self.parts = 1

    def _opening(self, token: str) -> str | None:
        if not self.open and self.in_key:  # a [table] header at the start of a line, not a value
            self.in_header = True
            return None
        self.open.append(token)
        self.in_key = token == "{"
        self.parts = 1
        if len(self.open) > MAX_DEPTH:
            return "lists or tables are nested too deeply to be a routine"
        return None

    def _closing(self) -> None:
        if self.in_header and not self.open:
            return
        if self.open:
            self.open.pop()
        self.in_key = False
