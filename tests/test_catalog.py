"""The library's catalog (``vc.catalog``): built-ins and a library's own files by id, typed, with a digest
that covers every file a session includes and the voice."""

from __future__ import annotations

from pathlib import Path

import pytest

import voice_coach as vc

NECK = (
    'id = "neck"\ntitle = "Neck stretch"\nkind = "stretch"\nsetup = [{ say = "Sit tall." }]\nhold = "20s"\n'
)
EVENING = 'id = "evening"\ntitle = "Evening"\nroutines = ["neck", "foam-roller"]\n'


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "neck.toml").write_text(NECK, "utf-8")
    (folder / "evening.toml").write_text(EVENING, "utf-8")
    return folder


def by_id(library: Path, speech: vc.Speech | None = None) -> dict[str, vc.CatalogEntry]:
    return {entry.id: entry for entry in vc.catalog(library, speech)}


def test_the_catalog_holds_the_built_ins_and_the_librarys_sessions_naming_its_routines(library: Path) -> None:
    entries = by_id(library)
    assert sorted(entries) == sorted([*vc.builtin_ids(), "evening", "neck"])
    evening = entries["evening"]
    assert (evening.kind, evening.title, evening.source, evening.path) == (
        "session", "Evening", "yours", library / "evening.toml",
    )  # fmt: skip
    assert evening.is_session and evening.length.startswith("~") and evening.length_ms > 20_000
    spi = entries["spi"]
    assert (spi.kind, spi.source, spi.path, spi.yours) == ("session", "built-in", None, False)


def test_the_digest_follows_an_included_routine_and_the_voice(library: Path) -> None:
    before = by_id(library)["evening"]
    neck = library / "neck.toml"
    neck.write_text(NECK.replace('"20s"', '"45s"'), "utf-8")
    after = by_id(library)["evening"]
    assert after.digest != before.digest and after.length_ms == before.length_ms + 25_000
    assert by_id(library, vc.Speech(rate="1.2x"))["evening"].digest != after.digest
    assert by_id(library)["evening"].digest == after.digest


def test_an_invalid_file_is_left_out_with_a_warning(library: Path) -> None:
    (library / "broken.toml").write_text('id = "broken"\n', "utf-8")
    seen: list[str] = []
    entries = vc.catalog(library, warn=seen.append)
    assert "broken" not in {entry.id for entry in entries}
    assert len(seen) == 1 and seen[0].startswith("skipped broken: ")


def test_a_session_comes_back_once_the_routine_it_includes_is_fixed(library: Path) -> None:
    neck = library / "neck.toml"
    neck.write_text(NECK.replace('title = "Neck stretch"\n', ""), "utf-8")
    seen: list[str] = []
    offered = vc.Catalog(library, warn=seen.append)
    assert {"neck", "evening"}.isdisjoint(entry.id for entry in offered.entries())
    offered.entries()
    assert sorted(warning.split(":")[0] for warning in seen) == ["skipped evening", "skipped neck"]
    neck.write_text(NECK, "utf-8")
    assert {"neck", "evening"} <= {entry.id for entry in offered.entries()}


def test_a_sessions_equipment_is_listed_as_its_opening_says_it(library: Path) -> None:
    """A choice one of whose options is already on the list ("a yoga mat or a bed" beside "a yoga mat") is
    left out of the list and the page, as the session's spoken opening leaves it out."""
    spi = by_id(library)["spi"]
    blocks = vc.compile("spi").blocks
    opening = next(b.text for b in blocks if getattr(b, "role", "") == "equipment" and hasattr(b, "text"))
    assert spi.equipment == (
        "a massage ball or a lower-back massager with a trigger point", "a yoga mat", "a pillow",
        "a foam roller or an exercise ball", "a wall or a sturdy object",
    )  # fmt: skip
    assert all(item in opening for item in spi.equipment)
