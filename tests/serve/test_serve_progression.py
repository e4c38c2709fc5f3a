"""serve renders today's step of a file's [progression], as play and export do: the variant carries the
step, and its export is keyed by it, so a rating that moves the step makes a new export."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from audio_cli_helpers import run_cli
from conftest import TOKEN, start_server
from fakes import wait_for
from starlette.testclient import TestClient

import voice_coach as vc
from voice_coach.serve.variant import Defaults, parse_variant

ROOT = f"/{TOKEN}/"


def test_the_variant_follows_the_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICE_COACH_DATA_DIR", str(tmp_path / "data"))
    entry = vc.Catalog(tmp_path / "none").find("spi")
    assert entry is not None
    before = parse_variant(entry, {}, Defaults())
    assert before.choices.step == 1
    vc.log_session("spi", 2, day="2026-03-02")
    vc.log_session("spi", 3, day="2026-03-04")
    after = parse_variant(entry, {}, Defaults())
    assert after.choices.step == 2 and after.key != before.key
    mine = parse_variant(entry, {"hold": "15s"}, Defaults())
    assert mine.choices.step == 2 and mine.choices.overrides.hold_ms == 15_000, "the person's hold wins"


def test_a_routine_without_progression_has_no_step(tmp_path: Path) -> None:
    entry = vc.Catalog(tmp_path / "none").find("kneeling-twist")
    assert entry is not None
    assert parse_variant(entry, {}, Defaults()).choices.step is None


def test_the_page_asks_after_playback_and_keeps_the_answer(client: TestClient) -> None:
    page = client.get(ROOT + "routine/spi").text
    assert 'id="rating" hidden data-rate="../rate/spi.json"' in page
    assert "How is your back now, from zero to ten?" in page
    assert all(f'<button type="button" value="{n}">{n}</button>' in page for n in range(11))
    first = client.post(ROOT + "rate/spi.json", data={"pain": "3"})
    assert first.status_code == 200 and first.json()["pain"] == 3
    second = client.post(ROOT + "rate/spi.json", data={"pain": "2"})
    assert second.json()["next"] == "hold 25 s, 3 sets (step 2 of 5): pain 3 or less in your last 2 sessions"
    kept = vc.history(10)
    assert [(e.id, e.pain, e.note) for e in kept] == [
        ("spi", 3, "played on the phone"),
        ("spi", 2, "played on the phone"),
    ]
    assert client.post(ROOT + "rate/kneeling-twist.json", data={"pain": "1"}).json() == {
        "pain": 1,
        "next": None,
    }


@pytest.mark.parametrize("pain", ["11", "-1", "", "lots"])
def test_a_bad_rating_is_400_with_the_librarys_message(client: TestClient, pain: str) -> None:
    response = client.post(ROOT + "rate/spi.json", data={"pain": pain})
    assert response.status_code == 400
    assert (
        response.json()["error"]
        == f"pain: must be a whole number from 0 (none) to 10 (the worst), got {pain}"
    )
    assert vc.history(10) == []


def test_rating_needs_the_token_and_a_known_routine(client: TestClient) -> None:
    assert client.post("/rate/spi.json", data={"pain": "3"}).status_code == 403
    assert client.post(ROOT + "rate/nothing.json", data={"pain": "3"}).status_code == 404
    assert client.get(ROOT + "rate/spi.json").status_code == 405


def test_the_gate_lets_only_a_tiny_post_to_the_rating_through(client: TestClient) -> None:
    assert client.post(ROOT + "routine/spi", data={"pain": "3"}).status_code == 405
    assert client.post(ROOT + "rate/spi.json", data={"pain": "3", "note": "x" * 300}).status_code == 413
    assert vc.history(10) == []


def test_remind_links_to_a_running_server(tmp_path: Path) -> None:
    served = start_server(tmp_path)
    env = {"VOICE_COACH_DATA_DIR": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    link = tmp_path / "data" / "serve-link.json"
    try:
        wait_for(link.exists, "the running server's link")  # noted as it starts serving
        made = run_cli(["remind", "spi", "--days", "sat", "--at", "09:30", "-o", "r.ics"], env, cwd=tmp_path)
        assert made.returncode == 0, made.stderr
        text = (tmp_path / "r.ics").read_text("utf-8").replace("\n ", "")  # RFC 5545 folds long lines
        assert f"URL:{served.url}routine/spi" in text
    finally:
        code, _, _ = served.stop()
    assert code == 0 and not link.exists(), "the link goes with the server"
    again = run_cli(["remind", "spi", "--days", "sat", "--at", "09:30", "-o", "s.ics"], env, cwd=tmp_path)
    assert again.returncode == 0 and "URL:" not in (tmp_path / "s.ics").read_text("utf-8")


def test_a_link_left_by_a_killed_server_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICE_COACH_DATA_DIR", str(tmp_path / "data"))
    path = vc.keep_link("http://127.0.0.1:8765/t/")
    assert vc.running_link() == "http://127.0.0.1:8765/t/"
    finished = subprocess.Popen(["true"])  # a process that has ended: nobody runs under its id
    finished.wait()
    path.write_text(json.dumps({"url": "http://127.0.0.1:8765/t/", "pid": finished.pid}), "utf-8")
    assert vc.running_link() is None
    vc.forget_link()
    assert path.exists(), "another process's note is not ours to remove"
