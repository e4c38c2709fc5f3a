"""Printed counts agree with their number: one helper, ``plural``, for every message."""

from __future__ import annotations

import pytest

from voice_coach.wording import agree, plural, spoken_list

CASES = [
    (0, "phrase", "0 phrases"),
    (1, "phrase", "1 phrase"),
    (2, "phrase", "2 phrases"),
    (1, "stretch", "1 stretch"),
    (5, "stretch", "5 stretches"),
    (1, "massage side", "1 massage side"),
    (2, "massage side", "2 massage sides"),
    (1, "cached phrase", "1 cached phrase"),
    (3, "entry", "3 entries"),
    (2, "day", "2 days"),
    (2, "box", "2 boxes"),
    (1, "chapter", "1 chapter"),
    (14, "chapter", "14 chapters"),
]


@pytest.mark.parametrize(("count", "noun", "said"), CASES)
def test_plural(count: int, noun: str, said: str) -> None:
    assert plural(count, noun) == said


def test_irregular_plurals_and_verbs() -> None:
    assert (plural(1, "person", "people"), plural(2, "person", "people")) == ("1 person", "2 people")
    assert (agree(1, "is", "are"), agree(0, "is", "are"), agree(2, "is", "are")) == ("is", "are", "are")


def test_spoken_list_joins_as_a_message_lists() -> None:
    assert [spoken_list(items) for items in ([], ["a"], ["a", "b"], ["a", "b", "c"])] == [
        "",
        "a",
        "a and b",
        "a, b and c",
    ]
