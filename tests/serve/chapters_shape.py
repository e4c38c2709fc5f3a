"""The Podcasting 2.0 JSON chapters format (podcast namespace, ``application/json+chapters``), as a check."""

from __future__ import annotations

from typing import Any

CHAPTER_KEYS = {"startTime", "endTime", "title", "img", "url", "toc", "location"}


def chapter_problems(document: Any) -> list[str]:
    """What makes ``document`` not a valid chapters file (empty when it is one)."""
    if not isinstance(document, dict) or not isinstance(document.get("version"), str):
        return ["no version string"]
    chapters = document.get("chapters")
    if not isinstance(chapters, list) or not chapters:
        return ["no chapters list"]
    problems = []
    starts = []
    for number, chapter in enumerate(chapters):
        start = chapter.get("startTime") if isinstance(chapter, dict) else None
        if not isinstance(start, int | float) or isinstance(start, bool) or start < 0:
            problems.append(f"chapter {number}: startTime must be a number of seconds >= 0")
            continue
        starts.append(start)
        if unknown := set(chapter) - CHAPTER_KEYS:
            problems.append(f"chapter {number}: unknown keys {sorted(unknown)}")
        if "title" in chapter and not isinstance(chapter["title"], str):
            problems.append(f"chapter {number}: title must be a string")
        end = chapter.get("endTime", start + 1)
        if not isinstance(end, int | float) or end <= start:
            problems.append(f"chapter {number}: endTime must follow startTime")
    if starts != sorted(starts):
        problems.append("chapters are not in time order")
    return problems
