"""The session history: JSON lines appended in the user's data folder, read back tolerantly."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

import voice_coach as vc
from voice_coach.cli.main import cli
from voice_coach.live.history import (
    HistoryEntry,
    HistoryError,
    append_history,
    format_entry,
    history_path,
    last_unfinished,
    read_history,
)


def entry(played_ms: int = 1_440_000) -> HistoryEntry:
    return HistoryEntry(
        "2026-03-01T07:30:00+01:00", "spi", "Serratus posterior inferior program", played_ms, {"hold": "30s"}
    )


def test_the_data_dir_variable_decides_where_history_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICE_COACH_DATA_DIR", str(tmp_path / "data"))
    assert history_path() == tmp_path / "data" / "history.jsonl"


def test_without_the_variable_history_is_in_the_user_data_folder(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VOICE_COACH_DATA_DIR", raising=False)
    assert history_path() == isolated_dirs / "data" / "voice-coach" / "history.jsonl"


def test_entries_are_appended_one_json_line_each(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICE_COACH_DATA_DIR", str(tmp_path / "new" / "dir"))
    path = append_history(entry())
    append_history(entry(60_000))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["played_ms"] for line in lines] == [1_440_000, 60_000]
    assert json.loads(lines[0]) == {
        "date": "2026-03-01T07:30:00+01:00",
        "id": "spi",
        "title": "Serratus posterior inferior program",
        "played_ms": 1_440_000,
        "settings": {"hold": "30s"},
        "ended": "finished",
        "total_ms": 0,
        "skipped_ms": 0,
        "stopped_ms": 0,
        "stopped_step": 0,
        "stopped_routine": "",
        "total_estimated": False,
        "pain": None,
        "note": "",
    }
    assert read_history() == [entry(), entry(60_000)]


def test_a_corrupt_or_foreign_line_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    append_history(entry(), path)
    with path.open("a", encoding="utf-8") as file:
        file.write('{"date": "2026-03-02", "id": "x", "tit\n[1, 2]\n{"date": 1}\n\n\xff\n')
        file.write('{"date": "d", "id": "i", "title": "t", "played_ms": 5, "settings": "no"}\n')
        file.write('{"date": "d", "id": "i", "title": "t", "played_ms": 5}\n')
    append_history(entry(5), path)
    assert read_history(path) == [entry(), HistoryEntry("d", "i", "t", 5), entry(5)]


def test_no_history_yet_is_empty(tmp_path: Path) -> None:
    assert read_history(tmp_path / "missing.jsonl") == []


def test_an_unwritable_history_is_a_history_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(HistoryError, match="cannot write the session history"):
        append_history(entry(), blocker / "history.jsonl")


def test_an_entry_dated_now_has_an_iso_date_with_offset() -> None:
    made = HistoryEntry.now("spi", "Program", 1000, {"sets": 3})
    parsed = datetime.fromisoformat(made.date)
    assert parsed.tzinfo is not None
    assert abs((datetime.now().astimezone() - parsed).total_seconds()) < 5
    assert made.settings == {"sets": 3}


def test_format_entry() -> None:
    """An entry written before sessions recorded how they ended reads as completed."""
    assert format_entry(entry()) == (
        "2026-03-01 07:30  24:00  Serratus posterior inferior program  (spi)  completed  hold=30s"
    )


def ended(how: str, skipped_ms: int = 0, stopped_ms: int = 252_000) -> HistoryEntry:
    return HistoryEntry(
        "2026-03-01T07:30:00+01:00", "kneeling-twist", "Twist", 67_000, {}, how, 252_000, skipped_ms,
        stopped_ms, 7, "kneeling-twist",
    )  # fmt: skip


def test_a_session_ended_by_skipping_to_the_end_is_partial_not_completed() -> None:
    """The issue's case: ``]`` on the last side ended a 4:12 routine after 01:07 played."""
    line = format_entry(ended("finished", skipped_ms=185_000))
    assert line == "2026-03-01 07:30  01:07 of 04:12  Twist  (kneeling-twist)  partial: 03:05 skipped"
    assert not ended("finished", skipped_ms=185_000).completed
    assert ended("finished").completed and format_entry(ended("finished")).endswith("  completed")


def test_a_session_stopped_early_is_partial_with_where_it_stopped() -> None:
    line = format_entry(ended("quit", skipped_ms=4_000, stopped_ms=71_000))
    assert line.endswith("(kneeling-twist)  partial: stopped at 01:11, 00:04 skipped")
    assert format_entry(ended("interrupted", stopped_ms=71_000)).endswith("partial: stopped at 01:11")


def test_the_last_unfinished_session_is_the_latest_of_that_id_unless_finished_since() -> None:
    quit_, done = ended("quit"), ended("finished")
    other = HistoryEntry("d", "spi", "Program", 5, {}, "quit")
    assert last_unfinished("kneeling-twist", [quit_, other]) == quit_
    assert last_unfinished("kneeling-twist", [quit_, done]) is None
    assert last_unfinished("kneeling-twist", [done, quit_]) == quit_
    assert last_unfinished("spi", [quit_]) is None


def test_how_a_session_ended_survives_the_file(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    append_history(ended("quit", 4_000, 71_000), path)
    assert read_history(path) == [ended("quit", 4_000, 71_000)]


def test_history_lists_with_headers_and_as_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICE_COACH_DATA_DIR", str(tmp_path))
    done = HistoryEntry(
        "2026-03-01T07:30:00+01:00", "spi", "SPI program", 60_000, {"hold": "20s"}, total_ms=60_000
    )
    stopped = HistoryEntry(
        "2026-03-02T07:30:00+01:00", "kneeling-twist", "Twist", 67_000, ended="quit", total_ms=252_000,
        stopped_ms=70_000,
    )  # fmt: skip
    append_history(done)
    append_history(stopped)
    runner = CliRunner()
    text = runner.invoke(cli, ["history"]).stdout.splitlines()
    assert text[0].startswith("DATE") and "HOW IT ENDED" in text[0]
    assert [line.split() for line in text[1:]] == [format_entry(done).split(), format_entry(stopped).split()]
    starts = [text[0].index(header) for header in vc.HISTORY_COLUMNS]
    for line in text[1:]:  # every cell starts under its header (the stopped session has no settings)
        assert all(line[start - 2 : start] == "  " and line[start] != " " for start in starts[1:4]), line
    rows = json.loads(runner.invoke(cli, ["history", "--json", "--limit", "1"]).stdout)
    assert [(r["id"], r["completed"], r["ended"], r["stopped_ms"]) for r in rows] == [
        ("kneeling-twist", False, "quit", 70_000)
    ]


def test_a_torn_last_line_does_not_swallow_the_next_session(tmp_path: Path) -> None:
    """A write cut short (a full disk) leaves half a line; the next record starts on a line of its own."""
    path = tmp_path / "history.jsonl"
    append_history(entry(), path)
    torn = json.dumps(dataclasses.asdict(entry(60_000)))[:40]
    with path.open("a", encoding="utf-8") as file:
        file.write(torn)
    append_history(entry(5_000), path)
    skipped: list[str] = []
    assert read_history(path, skipped.append) == [entry(), entry(5_000)]
    assert skipped == ["history.jsonl line 2 is unreadable; skipped"]


def test_out_of_range_values_are_refused_by_the_line_not_the_file(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    append_history(entry(), path)
    good = json.dumps(dataclasses.asdict(entry(5_000)))
    with path.open("a", encoding="utf-8") as file:
        for bad in ("1e400", "-5", "1.5", "true", "1e300", '"5"'):
            file.write(good.replace('"played_ms": 5000', f'"played_ms": {bad}') + "\n")
        file.write(good.replace('"total_ms": 0', '"total_ms": NaN') + "\n")
        file.write(good + "\n")
    skipped: list[str] = []
    assert read_history(path, skipped.append) == [entry(), entry(5_000)]
    assert skipped == [f"history.jsonl line {n} is unreadable; skipped" for n in range(2, 9)]


def test_history_and_resume_skip_a_1e400_line_with_one_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICE_COACH_DATA_DIR", str(tmp_path))
    stopped = ended("quit", stopped_ms=71_000)
    append_history(stopped)
    with history_path().open("a", encoding="utf-8") as file:
        file.write(json.dumps(dataclasses.asdict(entry())).replace("1440000", "1e400") + "\n")
    runner = CliRunner()
    listed = runner.invoke(cli, ["history"])
    assert listed.exit_code == 0 and [row.split() for row in listed.stdout.splitlines()[1:]] == [
        format_entry(stopped).split()
    ]
    assert listed.stderr == "Warning: history.jsonl line 2 is unreadable; skipped\n"
    as_json = runner.invoke(cli, ["history", "--json"])
    assert as_json.exit_code == 0 and len(json.loads(as_json.stdout)) == 1
    assert as_json.stderr.count("line 2 is unreadable") == 1


def test_an_estimated_total_says_so() -> None:
    estimated = dataclasses.replace(ended("quit", stopped_ms=71_000), total_estimated=True)
    assert "  01:07 of about 04:12  Twist" in format_entry(estimated)


def test_a_rating_and_a_note_are_kept_and_a_bad_rating_reads_as_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICE_COACH_DATA_DIR", str(tmp_path))
    path = append_history(dataclasses.replace(entry(), pain=3, note="after a walk"))
    with path.open("a", encoding="utf-8") as file:
        for pain in ("11", "-1", "true", '"3"', "2.5"):
            file.write(
                json.dumps({**json.loads(path.read_text().splitlines()[0]), "pain": json.loads(pain)}) + "\n"
            )
    read = read_history()
    assert (read[0].pain, read[0].note) == (3, "after a walk")
    assert [e.pain for e in read[1:]] == [None] * 5, "kept as a session, not as a rating"
    assert "pain 3" in format_entry(read[0])
