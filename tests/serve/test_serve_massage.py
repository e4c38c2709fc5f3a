"""The massage's length on the phone (``--massage``): a field under "Adjust" where there is a massage,
checked by the CLI's rules with the CLI's words, normalized like the other settings, and the length the
export's massage holds have (``hold`` and ``sets`` are a stretch's)."""

from __future__ import annotations

import html

import pytest
from click.testing import CliRunner
from conftest import TOKEN, FakeRender
from starlette.testclient import TestClient

import voice_coach as vc
from voice_coach.cli.main import cli
from voice_coach.serve.variant import Defaults, parse_variant

ROOT = f"/{TOKEN}/"


def test_the_field_is_offered_where_there_is_a_massage(client: TestClient) -> None:
    for routine_id, placeholder in (("spi-massage", "2m30s"), ("spi", "each massage&#x27;s own")):
        page = client.get(ROOT + f"routine/{routine_id}?massage=3m").text
        assert 'name="massage"' in page and 'value="3m"' in page, routine_id
        assert f'placeholder="{placeholder}"' in page and "Massage length" in page
    assert 'name="massage"' not in client.get(ROOT + "routine/kneeling-twist").text


@pytest.mark.parametrize("value", ["3x", "0", "99m"])
def test_a_bad_length_is_400_with_the_cli_message_while_typing_and_at_play(
    client: TestClient, runner: CliRunner, value: str
) -> None:
    cli_error = runner.invoke(cli, ["show", "spi-massage", "--estimate", "--massage", value]).stderr
    response = client.get(ROOT + f"variant/spi-massage.json?massage={value}&prepare=1")
    assert response.status_code == 400
    message = response.json()["error"]
    assert message.startswith("massage: ") and message.removeprefix("massage: ") in cli_error
    page = client.get(ROOT + f"routine/spi-massage?massage={value}")
    assert page.status_code == 400 and html.escape(message) in page.text
    assert client.get(ROOT + f"audio/spi-massage.mp3?massage={value}").status_code == 400


def test_the_length_is_normalized_and_the_default_is_the_default_export(
    client: TestClient, fake_render: FakeRender
) -> None:
    info = client.get(ROOT + "variant/spi.json?massage=180").json()
    assert info["query"] == "massage=3m" and info["label"] == "massage 3m"
    own = client.get(ROOT + "variant/spi-massage.json?massage=150").json()
    assert own["query"] == "" and own["label"] == "default settings", "2m30s is the massage's own"
    assert client.get(ROOT + "audio/spi.mp3?massage=3m").status_code == 200
    assert client.get(ROOT + "audio/spi.mp3?massage=180s").status_code == 200
    assert len(fake_render.calls) == 1


def test_the_export_made_holds_each_massage_that_long_and_leaves_the_stretches() -> None:
    entry = vc.Catalog(None).find("spi")
    assert entry is not None
    variant = parse_variant(entry, {"massage": "2m", "hold": "25s"}, Defaults())
    timeline = vc.compile(entry.target, variant.choices, warn=lambda message: None)
    plan = vc.timeline_json(vc.estimate(timeline, warn=lambda message: None).schedule, "estimate")
    holds = {(b["routine"], b["duration_ms"]) for b in plan["blocks"] if b["type"] == "hold"}
    assert ("spi-massage", 120_000) in holds
    assert {ms for routine, ms in holds if routine != "spi-massage"} == {25_000}
