"""A programme over weeks through the application (fake, instant renders): the feed's Today episode is
the default of a file with a progression, its GUID new whenever the step changes (back to a step seen
before, too); ``/programme/ID.json`` says where the programme stands, behind the token."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import feedparser  # type: ignore[import-untyped]
from conftest import TOKEN
from starlette.testclient import TestClient

ROOT = f"/{TOKEN}/"


def spi_today(client: TestClient) -> Any:
    (found,) = [
        e
        for e in feedparser.parse(client.get(ROOT + "feed.xml").content).entries
        if "/spi.mp3" in e.enclosures[0].href
    ]
    return found


def test_a_step_reached_again_after_a_flare_is_a_new_episode(client: TestClient) -> None:
    first = spi_today(client)
    assert first.title == "Today: Serratus posterior inferior program — step 1 of 5: hold 20 s, 3 sets"
    for pain in ("2", "1", "4"):  # up after two calm sessions, back one after a rise of 3
        assert client.post(ROOT + "rate/spi.json", data={"pain": pain}).status_code == 200
    again = spi_today(client)
    assert again.title == first.title and again.enclosures[0].href == first.enclosures[0].href
    assert again.id != first.id, "a podcast app that played step 1 before still gets it anew"
    assert spi_today(client).id == again.id


def test_the_other_routines_keep_their_own_episodes(client: TestClient) -> None:
    titles = {e.title for e in feedparser.parse(client.get(ROOT + "feed.xml").content).entries}
    assert "Kneeling twist stretch" in titles and "My neck stretch" in titles
    assert [t for t in titles if t.startswith("Today:")] == [
        "Today: Serratus posterior inferior program — step 1 of 5: hold 20 s, 3 sets"
    ]


def test_the_programme_json_says_the_next_session_and_the_ratings(client: TestClient) -> None:
    client.post(ROOT + "rate/spi.json", data={"pain": "2"})
    answer = client.get(ROOT + "programme/spi.json")
    assert answer.headers["cache-control"] == "no-store"
    shown = answer.json()
    assert (shown["step"], shown["steps"], shown["next"]) == (1, 5, "step 1 of 5: hold 20 s, 3 sets")
    assert shown["why"] == "one more session with pain 3 or less to go up"
    assert [(s["pain"], s["step"]) for s in shown["sessions"]] == [(2, 1)]
    assert 'id="next-session"' in shown["html"] and "pain 2/10 (step 1)" in shown["html"]


def test_the_programme_json_needs_the_token_and_a_progression(client: TestClient) -> None:
    assert client.get("/programme/spi.json").status_code == 403
    assert client.get(ROOT + "programme/nothing.json").status_code == 404
    assert client.get(ROOT + "programme/kneeling-twist.json").status_code == 404


def test_only_a_page_with_a_programme_shows_it_and_loads_its_script(client: TestClient) -> None:
    page = client.get(ROOT + "routine/spi").text
    assert 'data-programme="../programme/spi.json"' in page and "../static/programme.js" in page
    assert "Next session: step 1 of 5: hold 20 s, 3 sets." in page
    other = client.get(ROOT + "routine/kneeling-twist").text
    assert 'id="programme"' not in other and "programme.js" not in other
    script = client.get(ROOT + "static/programme.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")


def test_a_pinned_step_plays_that_step_and_only_a_file_with_a_progression_has_steps(
    client: TestClient,
) -> None:
    pinned = client.get(ROOT + "variant/spi.json?step=3").json()
    assert pinned["seconds"] > client.get(ROOT + "variant/spi.json").json()["seconds"], "holds of 30 s"
    assert client.get(ROOT + "variant/spi.json?step=9").json()["error"] == (
        "step: 9 is outside spi's steps; choose 1 to 5"
    )
    assert client.get(ROOT + "variant/kneeling-twist.json?step=1").status_code == 400


GERMAN_PLAN = (Path(__file__).parent.parent / "compiler" / "german" / "nacken-plan.toml").read_text("utf-8")
"""A German file with a progression (its words, and the program's, in German)."""


def test_a_german_files_page_rating_and_programme_are_german(client: TestClient, library: Path) -> None:
    """The page's words for its scripts come in a JSON data element, in the file's language; a rating's
    next step and the programme view are German too."""
    (library / "nacken-plan.toml").write_text(GERMAN_PLAN, encoding="utf-8")
    page = client.get(ROOT + "routine/nacken-plan").text
    (words,) = re.findall(r'<script type="application/json" id="words">(.*?)</script>', page)
    assert json.loads(words)["set"] == "Satz {set} von {sets}"
    assert '<html lang="de">' in page and ">Abspielen</button>" in page
    assert "Nächste Einheit: Stufe 1 von 3: halten 5 s, 1 Satz." in page
    rated = client.post(ROOT + "rate/nacken-plan.json", data={"pain": "2"}).json()
    assert rated["next"].startswith("halten 5 s, 1 Satz (Stufe 1 von 3): noch eine Einheit")
    view = client.get(ROOT + "programme/nacken-plan.json").json()["html"]
    assert ": Schmerz 2/10 (Stufe 1)" in view and "Warum: noch eine Einheit" in view


def test_a_german_files_today_episode_is_titled_and_described_in_german(
    client: TestClient, library: Path
) -> None:
    (library / "nacken-plan.toml").write_text(GERMAN_PLAN, encoding="utf-8")
    entries = feedparser.parse(client.get(ROOT + "feed.xml").content).entries
    (today,) = [e for e in entries if "/nacken-plan.mp3" in e.enclosures[0].href]
    assert today.title == "Heute: Nackenprogramm — Stufe 1 von 3: halten 5 s, 1 Satz"
    assert today.summary.startswith("Nackenprogramm, die heutige Stufe deines Programms (Stufe 1 von 3")
