"""A render queue a person cannot drown: a tap first, then the page's pre-render, then the feed's; a page's
superseded pre-render dropped (or stopped); a bound on what one client may have outstanding (429)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TOKEN, FakeRender, write_fake_export
from fakes import wait_for
from starlette.testclient import TestClient

from voice_coach import Catalog
from voice_coach.serve.app import Served, create_app
from voice_coach.serve.demand import PER_CLIENT
from voice_coach.serve.export_cache import ExportCache
from voice_coach.serve.variant import Defaults, Variant, parse_variant

ROOT = f"/{TOKEN}/"


class Stoppable:
    """A render that runs until released or stopped (its ``cancelled()``), noting which it was."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls: list[str] = []
        self.stopped: list[str] = []

    def __call__(self, variant: Variant, folder: Path, cancelled: object) -> None:
        self.calls.append(variant.query)
        while not self.release.wait(0.005):
            if cancelled():  # type: ignore[operator]
                self.stopped.append(variant.query)
                raise RuntimeError("stopped")
        write_fake_export(variant, folder)


@pytest.fixture
def render() -> Stoppable:
    return Stoppable()


@pytest.fixture
def one_worker(tmp_path: Path, library: Path, render: Stoppable) -> Iterator[TestClient]:
    cache = ExportCache(tmp_path / "exports", render, workers=1)
    with TestClient(create_app(TOKEN, Served(Catalog(library), cache))) as client:
        yield client
    render.release.set()
    cache.close()


def prepare(client: TestClient, query: str, page: str = "page-aaaaaaaa") -> int:
    url = ROOT + f"variant/kneeling-twist.json?{query}&prepare=1&page={page}"
    status: int = client.get(url).status_code
    return status


def test_a_tap_goes_before_the_pages_pre_render_which_goes_before_the_feeds(tmp_path: Path) -> None:
    render = FakeRender(hold_back=True)
    cache = ExportCache(tmp_path, render, workers=1)
    entry = Catalog(tmp_path / "none").find("kneeling-twist")
    assert entry is not None
    busy, feed, typed, tapped = (
        parse_variant(entry, {"hold": h}, Defaults()) for h in ("5s", "6s", "7s", "8s")
    )
    futures = [
        cache.get(busy),
        cache.get(feed, background=True),
        cache.get(typed, prepare=True),
        cache.get(tapped),
    ]
    render.release.set()
    for future in futures:
        future.result(10)
    assert render.calls == [v.key for v in (busy, tapped, typed, feed)]
    cache.close()


def test_a_page_has_one_pre_render_the_one_it_superseded_is_dropped_or_stopped(
    one_worker: TestClient, render: Stoppable
) -> None:
    assert prepare(one_worker, "hold=15s") == 200
    wait_for(lambda: render.calls == ["hold=15s"], "the first pre-render under way")
    assert prepare(one_worker, "hold=16s") == 200  # typing on: 15s is stopped, 16s queued
    wait_for(lambda: render.stopped == ["hold=15s"], "the superseded pre-render stopped")
    wait_for(lambda: render.calls == ["hold=15s", "hold=16s"], "the next one under way")
    assert prepare(one_worker, "hold=17s", page="other-page") == 200  # another page's: queued
    assert prepare(one_worker, "hold=18s") == 200  # 16s stopped; 18s queued after 17s
    wait_for(lambda: render.stopped == ["hold=15s", "hold=16s"], "the second one stopped")
    assert prepare(one_worker, "hold=19s") == 200  # 18s never starts
    render.release.set()
    wait_for(lambda: render.calls[-1] == "hold=19s", "the last pre-render")
    assert render.calls == ["hold=15s", "hold=16s", "hold=17s", "hold=19s"]


def test_a_render_a_person_waits_for_is_never_withdrawn(one_worker: TestClient, render: Stoppable) -> None:
    """Play on one phone, and the same settings shown (then left) on a page: the render goes on."""
    tap = threading.Thread(target=lambda: one_worker.get(ROOT + "audio/kneeling-twist.mp3?hold=15s"))
    tap.start()
    wait_for(lambda: render.calls == ["hold=15s"], "the tapped render under way")
    assert prepare(one_worker, "hold=15s") == 200
    assert prepare(one_worker, "hold=16s") == 200
    render.release.set()
    tap.join(10)
    wait_for(lambda: len(render.calls) == 2, "the page's new pre-render")
    assert render.stopped == [] and render.calls == ["hold=15s", "hold=16s"]


def test_a_client_with_too_many_renders_outstanding_is_told_to_wait(
    one_worker: TestClient, render: Stoppable
) -> None:
    for n in range(PER_CLIENT):
        assert prepare(one_worker, f"hold={20 + n}s", page=f"page-{n:08d}") == 200
    refused = one_worker.get(ROOT + "variant/kneeling-twist.json?hold=40s&prepare=1&page=page-99999999")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "5"
    assert refused.json()["error"].startswith("Too many exports asked for at once from this device")
    tapped = one_worker.get(ROOT + "audio/kneeling-twist.mp3?hold=41s")
    assert tapped.status_code == 429 and "wait for one to finish" in tapped.text
    assert prepare(one_worker, "hold=20s", page="page-00000000") == 200, "one it asked for already"
    assert one_worker.get(ROOT + "variant/kneeling-twist.json?hold=40s").status_code == 200, (
        "checks cost nothing"
    )
    render.release.set()
    wait_for(lambda: len(render.calls) == PER_CLIENT, "the outstanding renders made")
    assert prepare(one_worker, "hold=40s", page="page-99999999") == 200
