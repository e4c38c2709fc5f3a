"""The export cache: one render per variant however many ask, at most ``workers`` at once, atomic entries,
bounded size, a clean stop."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from pathlib import Path

from conftest import FakeRender
from fakes import wait_for

from voice_coach import Catalog
from voice_coach.serve.export_cache import ExportCache, exports_folder
from voice_coach.serve.variant import Defaults, Variant, parse_variant


def variants(catalog: Catalog, *holds: str) -> list[Variant]:
    entry = catalog.find("kneeling-twist")
    assert entry is not None
    return [parse_variant(entry, {"hold": hold}, Defaults()) for hold in holds]


def test_concurrent_requests_for_one_variant_share_its_render(tmp_path: Path) -> None:
    render = FakeRender(hold_back=True)
    cache = ExportCache(tmp_path, render, workers=2)
    (variant,) = variants(Catalog(tmp_path / "none"), "20s")
    asked: list[Future[Path]] = []
    askers = [threading.Thread(target=lambda: asked.append(cache.get(variant))) for _ in range(5)]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join(10)  # get() never blocks: every asker has its future while the render is held
    render.release.set()
    results = [future.result(10) for future in asked]
    assert len(asked) == 5 and len(set(results)) == 1 and results[0] == tmp_path / variant.key
    assert len(render.calls) == 1
    assert cache.get(variant).result(0) == results[0] and len(render.calls) == 1
    cache.close()


def test_at_most_workers_renders_run_at_once(tmp_path: Path) -> None:
    render = FakeRender(hold_back=True)
    cache = ExportCache(tmp_path, render, workers=2)
    futures = [cache.get(v) for v in variants(Catalog(tmp_path / "none"), "15s", "16s", "17s", "18s", "19s")]
    wait_for(lambda: render.running == 2, "two renders")
    assert render.running == 2 and len(render.calls) == 2, "two started, three wait"
    render.release.set()
    assert len({f.result(10) for f in futures}) == 5 and render.most_at_once == 2
    cache.close()


def test_a_failed_render_leaves_nothing_and_is_tried_again(tmp_path: Path) -> None:
    attempts: list[Path] = []

    def failing(variant: Variant, folder: Path, cancelled: object) -> None:
        attempts.append(folder)
        (folder / "audio.mp3").write_bytes(b"half")
        raise OSError("disk full")

    cache = ExportCache(tmp_path, failing, workers=1)
    (variant,) = variants(Catalog(tmp_path / "none"), "20s")
    for _ in range(2):
        assert isinstance(cache.get(variant).exception(10), OSError)
    assert len(attempts) == 2 and list(tmp_path.iterdir()) == []
    cache.close()


def test_the_oldest_entries_go_when_the_cache_is_full(tmp_path: Path) -> None:
    cache = ExportCache(tmp_path, FakeRender(), max_bytes=25_000, workers=1)
    made = [cache.get(v).result(10) for v in variants(Catalog(tmp_path / "none"), "15s", "16s", "17s")]
    assert [p.is_dir() for p in made] == [False, True, True]
    assert [p.name for p in cache.recent(5)] == [made[2].name, made[1].name]
    cache.close()


def test_closing_stops_renders_and_leaves_no_temporary_folder(tmp_path: Path) -> None:
    started = threading.Event()

    def slow(variant: Variant, folder: Path, cancelled: object) -> None:
        started.set()
        (folder / "audio.mp3").write_bytes(b"partial")
        while not cancelled():  # type: ignore[operator]
            time.sleep(0.01)
        raise RuntimeError("stopped")

    cache = ExportCache(tmp_path, slow, workers=1)
    first, queued = (cache.get(v) for v in variants(Catalog(tmp_path / "none"), "15s", "16s"))
    assert started.wait(5)
    cache.close()
    assert isinstance(first.exception(1), RuntimeError) and queued.cancelled()
    assert list(tmp_path.iterdir()) == []


def test_the_export_cache_sits_beside_the_phrase_cache() -> None:
    assert exports_folder(Path("/c/voice-coach/phrases")) == Path("/c/voice-coach/exports")
    assert exports_folder(Path("/repo/audio_cache")) == Path("/repo/audio_cache-exports")


def test_a_render_a_person_asks_for_goes_before_the_feeds_background_renders(tmp_path: Path) -> None:
    """One worker, busy; the feed queues three renders, then a tap asks for a fourth, and for one of the
    feed's: the tapped ones are made next, in the order asked, then the rest of the feed's."""
    render = FakeRender(hold_back=True)
    cache = ExportCache(tmp_path, render, workers=1)
    busy, *feed, tapped = variants(Catalog(tmp_path / "none"), "15s", "16s", "17s", "18s", "19s")
    first = cache.get(busy)
    background = [cache.get(v, background=True) for v in feed]
    asked = [cache.get(tapped), cache.get(feed[2])]
    assert cache.get(feed[2], background=True) is asked[1]
    render.release.set()
    for future in [first, *background, *asked]:
        future.result(10)
    assert render.calls == [v.key for v in (busy, tapped, feed[2], feed[0], feed[1])]
    cache.close()


def test_a_queued_render_everyone_gave_up_on_is_made_when_asked_again(tmp_path: Path) -> None:
    render = FakeRender(hold_back=True)
    cache = ExportCache(tmp_path, render, workers=1)
    busy, queued = variants(Catalog(tmp_path / "none"), "15s", "16s")
    first = cache.get(busy)
    assert cache.get(queued, background=True).cancel()  # the feed stopped waiting before it started
    again = cache.get(queued)
    render.release.set()
    assert first.result(10) and again.result(10) == tmp_path / queued.key
    assert render.calls == [busy.key, queued.key]
    cache.close()
