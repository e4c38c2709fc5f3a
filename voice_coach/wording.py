"""Printed words that follow a number: ``plural(1, "phrase")`` is "1 phrase", ``plural(2, "phrase")``
"2 phrases". One helper for every message, so none says "1 phrases" or "1 of 1 files are invalid"."""

from __future__ import annotations

_SIBILANT_ENDINGS = ("s", "sh", "ch", "x", "z")


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and ``noun``, the noun plural unless ``count`` is 1: "1 stretch", "2 stretches",
    "0 chapters", "2 massage sides". ``many`` gives an irregular plural ("person", "people")."""
    return f"{count} {noun if count == 1 else many or plural_noun(noun)}"


def plural_noun(noun: str) -> str:
    """The plural of a regular English noun (or of a phrase's last word): "stretch" → "stretches",
    "entry" → "entries", "side" → "sides"."""
    if noun.endswith(_SIBILANT_ENDINGS):
        return noun + "es"
    if len(noun) > 1 and noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def agree(count: int, singular: str, many: str) -> str:
    """The verb (or word) that agrees with ``count``: ``agree(1, "is", "are")`` is "is"."""
    return singular if count == 1 else many


def spoken_list(items: list[str] | tuple[str, ...]) -> str:
    """Items as a message lists them: "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
