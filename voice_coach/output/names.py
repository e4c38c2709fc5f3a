"""File names made from chapter titles: the title's own letters, in any language, with only what file
systems refuse taken out.

A split export names its files after its chapters ("02 Dehnung für den Nacken, left side.mp3"), so a
phone's file list reads like the session. Windows, FAT and exFAT (memory cards, USB sticks) refuse
``< > : " / \\ | ? *`` and control characters, a trailing dot or space, and a few device names (``CON``);
``/`` and ``..`` would also lead out of the folder. Everything else, accents and emoji included, is kept.
"""

from __future__ import annotations

import re
import unicodedata

SEPARATORS = re.compile(r"[/\\|]")
"""Refused signs that stand between words (``Side bend / right``): they become ``-``."""
REFUSED = re.compile(r'[<>:"?*]')
"""Refused signs that are punctuation (``Hold: 30 s``): they are dropped."""
RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{port}{n}" for port in ("COM", "LPT") for n in range(1, 10)}
MAX_TITLE = 60
"""Characters of the title kept: a phone shows about this many, and 4 bytes each stays under 255."""


def track_file_name(number: int, count: int, title: str, suffix: str) -> str:
    """``01 Title.mp3``: the chapter's number (as many digits as ``count`` needs, at least two), then its
    title without the characters file systems refuse (a separator such as ``/`` becomes ``-``)."""
    printable = "".join(
        " " if unicodedata.category(c) == "Cc" else c for c in unicodedata.normalize("NFC", title)
    )
    name = " ".join(REFUSED.sub("", SEPARATORS.sub("-", printable)).split())
    name = re.sub(r"\.{2,}", ".", re.sub(r"-{2,}", "-", name))
    name = re.sub(r" +(?=[,.;!)])", "", name)  # "Nacken , left": a sign between was dropped
    name = name.strip(" .-")[:MAX_TITLE].rstrip(" .-") or "Chapter"
    if name.split(".")[0].upper() in RESERVED:
        name = f"Chapter {name}"
    return f"{number:0{max(2, len(str(count)))}d} {name}{suffix}"


def playlist_name(folder_name: str) -> str:
    """The playlist of a split export: ``NAME.m3u8``, the extension that tells players it is UTF-8
    (a ``.m3u`` is read as Latin-1 by many, which garbles every accented title)."""
    return f"{folder_name}.m3u8"
