"""The programme's files: the chart (PNG and SVG decode and carry the data), the terminal chart, and the
reminders' .ics read back by a second, independent iCalendar parser (``ical``) with the recurrence
expanded and the alarm present."""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

import voice_coach as vc
from voice_coach.live.history import HistoryEntry

TZ = timezone(timedelta(hours=1))
PAINS = [4, 3, None, 3, 2, 2, 1, None, 2, 1, 4, 3]
SVG = "{http://www.w3.org/2000/svg}"


def history() -> list[HistoryEntry]:
    start = datetime(2026, 3, 2, 18, 30, tzinfo=TZ)
    return [
        HistoryEntry((start + timedelta(days=2 * i)).isoformat(), "spi", "SPI", 1_500_000, pain=pain)
        for i, pain in enumerate(PAINS)
    ]


def test_the_png_decodes_and_carries_its_points(tmp_path: Path) -> None:
    image_module = pytest.importorskip("PIL.Image")
    report = vc.progress_report("spi", history())
    path = vc.progress_chart(report, tmp_path / "progress.png")
    with image_module.open(path) as image:
        image.load()
        assert image.format == "PNG" and image.size == (800, 360)
        points = json.loads(image.text["voice-coach"])
        pixels = image.convert("RGB").getcolors(1_000_000)
    assert [p["pain"] for p in points] == PAINS
    assert [p["step"] for p in points] == [row.step for row in report.sessions] == [
        1, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 3
    ]  # fmt: skip
    assert any(colour == (0xC2, 0x41, 0x0C) for _, colour in pixels), "the pain line is drawn"
    assert list(tmp_path.iterdir()) == [path], "no temporary file left"


def test_the_svg_has_one_point_per_rated_session(tmp_path: Path) -> None:
    report = vc.progress_report("spi", history())
    path = vc.progress_chart(report, tmp_path / "progress.svg")
    root = ET.parse(path).getroot()
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id")}
    pain_points = list(groups["pain"].iter(f"{SVG}use"))
    rated = [pain for pain in PAINS if pain is not None]
    assert len(pain_points) == len(rated)
    heights = [float(use.get("y", "nan")) for use in pain_points]
    # SVG y grows downwards: a higher pain is drawn higher up, and equal pains level
    for (a, ya), (b, yb) in itertools.combinations(zip(rated, heights, strict=True), 2):
        assert (a > b) == (ya < yb - 0.01) and (a == b) == (abs(ya - yb) < 0.01)
    assert len(list(groups["sessions"].iter(f"{SVG}use"))) == len(PAINS), "every session marked"
    steps = {row.step for row in report.sessions}
    assert {f"step-{step}" for step in steps} <= set(groups)


def test_a_chart_name_must_say_png_or_svg(tmp_path: Path) -> None:
    with pytest.raises(vc.UsageError, match=r"chart.*\.png or \.svg"):
        vc.progress_chart(vc.progress_report("spi", history()), tmp_path / "progress.pdf")


def test_the_terminal_chart_shows_the_pain_by_day() -> None:
    text = vc.progress_text_chart(vc.progress_report("spi", history()), width=70, height=16)
    lines = text.splitlines()
    assert "pain after each session" in lines[0]
    assert sum(line.count("●") for line in lines) == len([p for p in PAINS if p is not None])
    assert "Mar 02" in text and "\x1b" not in text
    assert max(len(line) for line in lines) <= 70


def test_reminders_parsed_by_an_independent_parser(tmp_path: Path) -> None:
    ical = pytest.importorskip("ical.calendar_stream")
    data, path = vc.remind(
        "spi", days="mon,wed,fri", at="18:00", output=tmp_path / "spi.ics", url="http://192.168.1.5:8765/",
        start=date(2026, 3, 1),
    )  # fmt: skip
    assert path is not None and path.read_bytes() == data
    calendar = ical.IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    (event,) = calendar.events
    starts = [e.dtstart for e in itertools.islice(calendar.timeline, 7)]
    assert starts == [datetime(2026, 3, day, 18, 0) for day in (2, 4, 6, 9, 11, 13, 16)], (
        "Sunday the 1st is skipped; Mon, Wed, Fri at 18:00"
    )
    length = vc.estimate(vc.compile("spi")).schedule
    minutes = -(-length.ms(length.total) // 60_000)
    assert event.duration == timedelta(minutes=minutes)
    (alarm,) = event.alarm
    assert alarm.action == "DISPLAY" and alarm.trigger == timedelta(minutes=-10)
    assert "a foam roller or an exercise ball" in event.description
    assert "http://192.168.1.5:8765/" in event.description and event.url == "http://192.168.1.5:8765/"


@pytest.mark.parametrize(
    ("days", "at", "message"),
    [
        ("mon,fryday", "18:00", "days: 'fryday' is not a day; use e.g. mon,tue,wed,thu,fri,sat,sun"),
        ("mon", "25:00", "at: must be a time like 18:00 (24-hour HH:MM), got '25:00'"),
        ("mon", "6pm", "at: must be a time like 18:00 (24-hour HH:MM), got '6pm'"),
    ],
)
def test_bad_days_or_times_name_the_field(tmp_path: Path, days: str, at: str, message: str) -> None:
    with pytest.raises(vc.UsageError) as caught:
        vc.remind("spi", days=days, at=at, output=tmp_path / "spi.ics")
    assert str(caught.value) == message and caught.value.exit_code == 2
    assert list(tmp_path.iterdir()) == []
