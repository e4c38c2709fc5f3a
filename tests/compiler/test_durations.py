"""Durations: parsing what people write, formatting it back, saying it, and showing it as a clock."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voice_coach.durations import clock, format_duration, parse_duration, spoken_duration

HINT = "use e.g. 30, 30s, 30 sec, 2 min, 1m30s, 1 min 30 s or 1:30"
MS = st.integers(min_value=0, max_value=100 * 3_600_000)


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        (45, 45_000),
        (0, 0),
        (1.5, 1500),
        (0.1, 100),
        (1.0005, 1001),
        ("45", 45_000),
        ("45.25", 45_250),
        ("45s", 45_000),
        ("1m30s", 90_000),
        ("1m 30s", 90_000),
        ("2m", 120_000),
        ("2M", 120_000),
        ("  30s ", 30_000),
        ("1h", 3_600_000),
        ("1h2m3s", 3_723_000),
        ("250ms", 250),
        ("1s500ms", 1500),
        ("1.5s", 1500),
        ("0.0005s", 1),
        ("0.0004s", 0),
        ("2.5m", 150_000),
        # the forms people type
        ("1:30", 90_000),
        ("0:05", 5_000),
        ("90:00", 5_400_000),
        ("1:02:03", 3_723_000),
        ("1:30.5", 90_500),
        ("90 sec", 90_000),
        ("30 secs", 30_000),
        ("45 seconds", 45_000),
        ("1 second", 1_000),
        ("2 min", 120_000),
        ("2 mins", 120_000),
        ("2 minutes", 120_000),
        ("1 min 30 s", 90_000),
        ("1 min 30 sec", 90_000),
        ("1 hour 5 minutes", 3_900_000),
        ("1 hr", 3_600_000),
        ("2 Min", 120_000),
    ],
)
def test_parse_accepts(text: object, ms: int) -> None:
    assert parse_duration(text) == ms


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", f"'abc' is not a duration; {HINT}"),
        ("", f"'' is not a duration; {HINT}"),
        ("   ", f"'   ' is not a duration; {HINT}"),
        ("s", f"'s' is not a duration; {HINT}"),
        ("30x", f"'30x' is not a duration; {HINT}"),
        ("1 0s", f"'1 0s' is not a duration; {HINT}"),
        ("30s1m", f"'30s1m' is not a duration; {HINT}"),
        ("1s1s", f"'1s1s' is not a duration; {HINT}"),
        (".5s", f"'.5s' is not a duration; {HINT}"),
        ("1e3", f"'1e3' is not a duration; {HINT}"),
        ("1:60", f"'1:60' is not a duration; {HINT}"),
        ("1:5", f"'1:5' is not a duration; {HINT}"),
        ("1:75:00", f"'1:75:00' is not a duration; {HINT}"),
        (":30", f"':30' is not a duration; {HINT}"),
        ("30 sec 1 min", f"'30 sec 1 min' is not a duration; {HINT}"),
        ("2 minuets", f"'2 minuets' is not a duration; {HINT}"),
        ("-5s", f"a duration cannot be negative (got '-5s'); {HINT}"),
        (-1, f"a duration cannot be negative (got -1); {HINT}"),
        (-0.5, f"a duration cannot be negative (got -0.5); {HINT}"),
        (float("inf"), f"inf is not a duration; {HINT}"),
        (float("nan"), f"nan is not a duration; {HINT}"),
        (True, f"expected a duration; {HINT}"),
        (None, f"expected a duration; {HINT}"),
        ([30], f"expected a duration; {HINT}"),
        ("9" * 60 + "s", f"{'9' * 40!r}... is too long to be a duration; {HINT}"),
    ],
)
def test_parse_rejects(value: object, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_duration(value)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (0, "0s"),
        (1, "0.001s"),
        (1500, "1.5s"),
        (30_000, "30s"),
        (60_000, "1m"),
        (90_000, "1m30s"),
        (90_500, "1m30.5s"),
        (3_600_000, "1h"),
        (3_690_000, "1h1m30s"),
        (123_456_789, "34h17m36.789s"),
    ],
)
def test_format(ms: int, text: str) -> None:
    assert format_duration(ms) == text


@pytest.mark.parametrize(
    ("ms", "words"),
    [
        (0, "0 seconds"),
        (1000, "1 second"),
        (1499, "1 second"),
        (1500, "2 seconds"),
        (30_000, "30 seconds"),
        (60_000, "1 minute"),
        (61_000, "1 minute 1 second"),
        (150_000, "2 minutes 30 seconds"),
        (3_600_000, "1 hour"),
        (7_260_000, "2 hours 1 minute"),
    ],
)
def test_spoken(ms: int, words: str) -> None:
    assert spoken_duration(ms) == words


@pytest.mark.parametrize(
    ("ms", "shown"),
    [
        (0, "00:00"),
        (999, "00:00"),
        (59_999, "00:59"),
        (61_000, "01:01"),
        (3_599_000, "59:59"),
        (3_600_000, "1:00:00"),
        (36_061_000, "10:01:01"),
    ],
)
def test_clock(ms: int, shown: str) -> None:
    assert clock(ms) == shown


@given(MS)
def test_format_parses_back_exactly(ms: int) -> None:
    assert parse_duration(format_duration(ms)) == ms


@given(MS)
def test_bare_seconds_and_numbers_agree(ms: int) -> None:
    seconds = f"{ms // 1000}.{ms % 1000:03d}"
    assert parse_duration(seconds) == parse_duration(seconds + "s") == ms


@given(
    st.integers(0, 99),
    st.integers(0, 59),
    st.integers(0, 59),
    st.integers(0, 999),
    st.sampled_from(["", " "]),
)
def test_parts_add_up(hours: int, minutes: int, seconds: int, millis: int, space: str) -> None:
    text = space.join(
        f"{n}{unit}" for n, unit in [(hours, "h"), (minutes, "m"), (seconds, "s"), (millis, "ms")] if n
    )
    expected = ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis
    assert parse_duration(text or "0s") == expected


@given(st.text(max_size=30))
def test_arbitrary_text_parses_or_raises_value_error(text: str) -> None:
    try:
        ms = parse_duration(text)
    except ValueError as error:
        assert str(error)
    else:
        assert ms >= 0


@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers())
def test_arbitrary_numbers_parse_or_raise_value_error(value: float) -> None:
    try:
        ms = parse_duration(value)
    except ValueError:
        assert value < 0 or not math.isfinite(value)
    else:
        assert ms >= 0


@given(MS)
def test_spoken_says_whole_seconds(ms: int) -> None:
    words = spoken_duration(ms).split()
    units = {"hour": 3600, "minute": 60, "second": 1}
    total = sum(int(n) * units[unit.rstrip("s")] for n, unit in zip(words[::2], words[1::2], strict=True))
    assert total == (ms + 500) // 1000


@given(MS)
def test_clock_reads_back(ms: int) -> None:
    fields = [int(part) for part in clock(ms).split(":")]
    seconds = sum(value * 60**power for power, value in enumerate(reversed(fields)))
    assert seconds == ms // 1000
    assert all(len(part) == 2 for part in clock(ms).split(":")[1:])
