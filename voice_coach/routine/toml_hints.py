"""The likely cause of a TOML syntax error, and the line where it is.

tomllib reports where parsing stopped, which is often a line after the mistake: a missing comma between
two list items is "an unclosed array" at the second item, an unclosed quote "an illegal character" at the
end of its line, a list never closed "an invalid value" at the end of the file. These rules look back
from there for the usual mistakes people make by hand.
"""

from __future__ import annotations

import re

VALUE_START = re.compile(r"""["'{\[0-9+-]|true|false""")
KEY_LINE = re.compile(r"\s*[A-Za-z0-9_\"'.-]+\s*=")


def likely_cause(problem: str, text: str, line: int, column: int) -> tuple[str, int, int] | None:
    """(what is wrong and how to fix it, line, column) for a mistake tomllib reports at ``line``,
    ``column`` (1-based) as ``problem``; None when no rule knows better."""
    lines = text.split("\n")
    here = lines[line - 1] if line <= len(lines) else ""
    if _odd_quotes(here):
        return "text is not closed; end it with a double quote on the same line", line, here.index('"') + 1
    rest = here[column - 1 :]
    in_list = problem.startswith("Unclosed array") and VALUE_START.match(rest) and not KEY_LINE.match(rest)
    if in_list or (problem.startswith("Unclosed inline table") and KEY_LINE.match(rest)):
        where = "list items" if in_list else "the keys of { ... }"
        found = _end_of_previous_value(lines, line, column)
        if found:
            return f"a comma is missing after this; separate {where} with commas", *found
    opener = _unclosed_opener(lines[:line])
    if opener:
        kind, opened_line, opened_column = opener
        return (
            f"this {kind} is not closed; end it with {']' if kind == 'list' else '}'}",
            opened_line,
            opened_column,
        )
    return None


def _odd_quotes(line: str) -> bool:
    """Whether a line has an odd number of double quotes before any comment (escaped ones not counted)."""
    code = _code(line)
    return code.replace('\\"', "").count('"') % 2 == 1 and '"""' not in code


def _code(line: str) -> str:
    """``line`` without its comment: a ``#`` outside quotes starts one."""
    inside = ""
    for index, char in enumerate(line):
        if char in "\"'" and (not inside or inside == char):
            inside = "" if inside else char
        elif char == "#" and not inside:
            return line[:index]
    return line


def _end_of_previous_value(lines: list[str], line: int, column: int) -> tuple[int, int] | None:
    """(line, column) just after the last thing written before ``line``, ``column``, comments skipped."""
    before = [lines[line - 1][: column - 1], *reversed(lines[: line - 1])]
    for offset, text in enumerate(before):
        code = _code(text).rstrip() if offset else text.rstrip()
        if code:
            return line - offset, len(code) + 1
    return None


def _unclosed_opener(lines: list[str]) -> tuple[str, int, int] | None:
    """The last ``[`` or ``{`` of a value still open after ``lines``: (list or table, line, column)."""
    stack: list[tuple[str, int, int]] = []
    for number, text in enumerate(lines, 1):
        code = _code(text)
        if not stack and not re.match(r"\s*[^=\[]+=", code):
            continue  # outside any value, a [ starts a [table] header
        inside = ""
        for index, char in enumerate(code):
            if char in "\"'" and (not inside or inside == char):
                inside = "" if inside else char
            elif not inside and char in "[{":
                stack.append(("list" if char == "[" else "table", number, index + 1))
            elif not inside and char in "]}" and stack:
                stack.pop()
    return stack[-1] if stack else None
