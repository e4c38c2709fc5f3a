"""The kept loudness analyses: newest first and only so many, validated on read, and never an error (they
only save time)."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice_coach.audio import analysis_store
from voice_coach.audio.analysis_store import AnalysisStore
from voice_coach.audio.loudness import Analysis


def analysis(key: str, gain: float) -> Analysis:
    return Analysis(key, -20.5, gain, 0.5, f"session of {key}")


def test_analyses_are_kept_newest_first_and_only_so_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(analysis_store, "ANALYSES_KEPT", 3)
    folder = tmp_path / "cache"  # made when the first analysis is kept
    store = AnalysisStore(folder)
    assert store.hints() == {}
    for n in range(4):
        store.keep(analysis(f"key{n}", float(n + 1)))
    store.keep(analysis("key2", 2.5))
    assert list(store.hints().values()) == [
        analysis("key2", 2.5),
        analysis("key3", 4.0),
        analysis("key1", 2.0),
    ]
    assert [p.name for p in folder.iterdir()] == ["mix-analysis.json"]


def test_analyses_read_back_exactly(tmp_path: Path) -> None:
    kept = Analysis("k", -float("inf"), 1.0000000000000002, 0.123456789, "s")  # a silent session
    AnalysisStore(tmp_path).keep(kept)
    assert AnalysisStore(tmp_path).hints() == {"k": kept}


@pytest.mark.parametrize(
    "content",
    [
        "",
        "{not json",
        "[1, 2]",
        '{"k": 3}',
        '{"k": {"gain": [1]}}',
        '{"k": {"reference": -20.0, "gain": 1, "slope": 0.5, "session": "s"}}',
        '{"k": {"reference": -20.0, "gain": -1.0, "slope": 0.5, "session": "s"}}',
    ],
)
def test_a_damaged_analyses_file_counts_as_empty_and_is_replaced(tmp_path: Path, content: str) -> None:
    (tmp_path / "mix-analysis.json").write_text(content)
    store = AnalysisStore(tmp_path)
    assert store.hints() == {}
    store.keep(analysis("k", 1.5))
    assert store.hints() == {"k": analysis("k", 1.5)}


def test_only_the_usable_analyses_of_a_file_are_given(tmp_path: Path) -> None:
    good = '"good": {"reference": -20.0, "gain": 2.0, "slope": 0.5, "session": "s"}'
    (tmp_path / "mix-analysis.json").write_text(f'{{"bad": {{"gain": 2.0}}, {good}}}')
    assert AnalysisStore(tmp_path).hints() == {"good": Analysis("good", -20.0, 2.0, 0.5, "s")}


def test_analyses_that_cannot_be_written_are_simply_not_kept(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    store = AnalysisStore(blocker / "cache")
    store.keep(analysis("k", 1.5))  # no error: the analysis only saves time
    assert store.hints() == {}
    nowhere = AnalysisStore(None)
    nowhere.keep(analysis("k", 1.5))
    assert nowhere.hints() == {}
