"""A programme over weeks through the library's face: logging sessions done elsewhere (pain, note, date),
the step the history earns, and the report week by week (CSV and JSON shapes)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

import voice_coach as vc
from voice_coach.live.history import HistoryEntry, read_history
from voice_coach.live.weeks import report_csv

TZ = timezone(timedelta(hours=1))
NOW = datetime(2026, 3, 31, 19, 0, tzinfo=TZ)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VOICE_COACH_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data" / "history.jsonl"


def month(data: Path) -> list[HistoryEntry]:
    """A month of spi: Mon/Wed/Fri from March 2, a week off (Mar 16-22), a flare on the 27th."""
    pains = {2: 4, 4: 3, 6: 3, 9: 2, 11: 2, 13: 1, 23: 2, 25: 1, 27: 4, 30: 3}
    for day, pain in pains.items():
        vc.log_session("spi", pain, day=date(2026, 3, day), now=NOW, note="phone" if day == 27 else "")
    return read_history()


def test_log_records_pain_note_and_day(data: Path) -> None:
    entry = vc.log_session("spi", "3", note=" after a walk ", day="2026-03-30", now=NOW)
    assert (entry.pain, entry.note, entry.date) == (3, "after a walk", "2026-03-30T12:00:00+01:00")
    assert entry.settings == {"logged": True, "step": 1} and entry.completed
    assert 20 * 60_000 < entry.played_ms < 40 * 60_000, "the session's length at its step"
    assert read_history() == [entry]
    today = vc.log_session("spi", 2, now=NOW)
    assert today.date == "2026-03-31T19:00:00+01:00"


@pytest.mark.parametrize(
    ("pain", "day", "message"),
    [
        (11, None, "pain: must be a whole number from 0 (none) to 10 (the worst), got 11"),
        (-1, None, "pain: must be a whole number from 0 (none) to 10 (the worst), got -1"),
        ("two", None, "pain: must be a whole number from 0 (none) to 10 (the worst), got two"),
        (3, "2026-04-01", "date: 2026-04-01 is in the future; log a session on the day it was done"),
        (3, "31/03/2026", "date: must be a day like 2026-03-01 (YYYY-MM-DD), got 31/03/2026"),
    ],
)
def test_bad_log_input_names_the_field_and_writes_nothing(
    data: Path, pain: object, day: str | None, message: str
) -> None:
    with pytest.raises(vc.UsageError) as caught:
        vc.log_session("spi", pain, day=day, now=NOW)  # type: ignore[arg-type]
    assert str(caught.value) == message and caught.value.exit_code == 2
    assert not data.exists()


def test_the_history_moves_the_step(data: Path) -> None:
    entries = month(data)
    chosen = vc.progression("spi", entries=entries)
    # 4, 3 3 (up to 2), 2 2 (3), 1 2 (4), 1, then 4: a flare, back to 3; 3 after it: calm once
    assert (chosen.step, chosen.steps) == (3, 5)
    assert chosen.reason == "one more session with pain 3 or less to go up"
    assert chosen.overrides["side-lying-overhead"].hold_ms == 30_000


def test_a_session_logged_late_takes_its_days_place(data: Path) -> None:
    vc.log_session("spi", 2, day="2026-03-10", now=NOW)
    vc.log_session("spi", 2, day="2026-03-05", now=NOW)
    report = vc.progress_report("spi")
    assert [row.when.day for row in report.sessions] == [5, 10]


def test_progress_week_by_week(data: Path) -> None:
    month(data)
    report = vc.progress_report("spi")
    weeks = [week.as_dict() for week in report.weeks]
    assert [w["week"] for w in weeks] == [
        "2026-03-02",
        "2026-03-09",
        "2026-03-16",
        "2026-03-23",
        "2026-03-30",
    ]
    assert [w["sessions"] for w in weeks] == [3, 3, 0, 3, 1]
    assert [w["average_pain"] for w in weeks] == [3.3, 1.7, None, 2.3, 3.0]
    assert [w["last_pain"] for w in weeks] == [3, 1, None, 4, 3]
    assert [w["step"] for w in weeks] == [1, 3, None, 4, 3]
    assert report.steps == 5 and weeks[0]["minutes"] > 60


def test_progress_csv_has_a_line_per_session(data: Path) -> None:
    month(data)
    rows = list(csv.DictReader(io.StringIO(report_csv(vc.progress_report("spi")))))
    assert list(rows[0]) == ["date", "routine", "minutes", "completed", "pain", "note", "settings"]
    assert len(rows) == 10
    flare = next(row for row in rows if row["date"].startswith("2026-03-27"))
    assert (flare["routine"], flare["completed"], flare["pain"], flare["note"]) == (
        "spi",
        "yes",
        "4",
        "phone",
    )
    assert flare["settings"] == "logged=True step=4"


def test_progress_of_every_session_has_no_steps(data: Path) -> None:
    month(data)
    vc.log_session("foam-roller", 1, day="2026-03-20", now=NOW)
    report = vc.progress_report()
    assert report.id is None and report.steps is None and len(report.sessions) == 11
    assert all(row.step is None for row in report.sessions)
    assert [w.sessions for w in report.weeks] == [3, 3, 1, 3, 1]


def test_an_unreadable_date_is_left_out(data: Path) -> None:
    entries = [HistoryEntry("yesterday", "spi", "S", 1000, pain=3)]
    assert vc.progress_report("spi", entries).sessions == ()
