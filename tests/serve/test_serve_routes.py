"""The application's routes through the ASGI test client, with a fake render: token, pages, settings checked
by the CLI's rules, refusals, byte ranges and caching headers."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TOKEN, USER_ROUTINE, FakeRender
from fakes import wait_for
from starlette.testclient import TestClient

from voice_coach.cli.main import cli

ROOT = f"/{TOKEN}/"


@pytest.mark.parametrize(
    "path", ["/", "/feed.xml", f"/{'x' * 43}/", f"/{TOKEN[:-1]}/", "/routine/spi", "/static/player.js"]
)
def test_without_the_token_every_path_is_403_and_says_nothing_more(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert (response.status_code, response.text) == (403, "Forbidden")
    assert "spi" not in response.text and "server" not in response.headers


def test_the_token_alone_leads_to_the_index(client: TestClient) -> None:
    response = client.get(f"/{TOKEN}", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (307, ROOT)


def test_the_index_lists_built_ins_and_yours_with_length_and_equipment(client: TestClient) -> None:
    page = client.get(ROOT).text
    assert 'href="routine/kneeling-twist"' in page and "Kneeling twist stretch" in page
    assert re.search(r"My neck stretch</a><span class=\"meta\">stretch · ~?\d\d:\d\d · a chair", page)
    assert page.index("Built in") < page.index("Yours") < page.index("My neck stretch")
    assert "AntennaPod" in page and "feed.xml" in page


def test_a_routine_page_has_the_cli_settings_play_download_and_the_player(client: TestClient) -> None:
    page = client.get(ROOT + "routine/kneeling-twist?hold=20s").text
    for name in ("hold", "sets", "rest", "sides", "countdown", "rate"):
        assert f'name="{name}"' in page
    assert 'value="20s"' in page and 'id="play"' in page and 'id="download"' in page
    assert "<audio" in page and 'src="../static/player.js"' in page


@pytest.mark.parametrize(
    ("field", "value", "flag_args"),
    [
        ("hold", "0s", ["--hold", "0s"]),
        ("rest", "forever", ["--rest", "forever"]),
        ("rate", "9x", ["--rate", "9x"]),
    ],
)
def test_an_invalid_setting_is_400_with_the_cli_message(
    client: TestClient, runner: CliRunner, field: str, value: str, flag_args: list[str]
) -> None:
    cli_error = runner.invoke(cli, ["show", "kneeling-twist", "--estimate", *flag_args]).stderr
    response = client.get(ROOT + f"variant/kneeling-twist.json?{field}={value}")
    assert response.status_code == 400
    message = response.json()["error"]
    assert message.removeprefix(f"{field}: ") in cli_error  # the CLI names the flag its own way
    page = client.get(ROOT + f"routine/kneeling-twist?{field}={value}")
    assert page.status_code == 400 and html.escape(message) in page.text
    assert client.get(ROOT + f"audio/kneeling-twist.mp3?{field}={value}").status_code == 400


def test_settings_are_normalized_so_one_variant_is_made_once(
    client: TestClient, fake_render: FakeRender
) -> None:
    info = client.get(ROOT + "variant/kneeling-twist.json?hold=20&sets=02&sides=").json()
    assert info["query"] == "hold=20s&sets=2" and info["label"] == "hold 20s, sets 2"
    first = client.get(ROOT + "audio/kneeling-twist.mp3?hold=20&sets=2")
    second = client.get(ROOT + "audio/kneeling-twist.mp3?hold=20s&sets=2")
    assert first.content == second.content and len(fake_render.calls) == 1


def test_prepare_starts_the_export_of_the_settings_on_screen_without_waiting_for_it(
    client: TestClient, fake_render: FakeRender
) -> None:
    """The page asks with ``prepare=1`` while the person reads; Play then finds that one render."""
    checked = client.get(ROOT + "variant/kneeling-twist.json?hold=25")
    assert checked.status_code == 200 and fake_render.calls == []
    prepared = client.get(ROOT + "variant/kneeling-twist.json?hold=25&prepare=1")
    assert prepared.json() | {"progress": None} == checked.json()
    wait_for(lambda: bool(fake_render.calls), "the render prepare starts")
    assert client.get(ROOT + "audio/kneeling-twist.mp3?hold=25s").status_code == 200
    assert len(fake_render.calls) == 1
    refused = client.get(ROOT + "variant/kneeling-twist.json?hold=abc&prepare=1")
    assert refused.status_code == 400 and len(fake_render.calls) == 1


@pytest.mark.parametrize(
    "path",
    ["routine/nope", "audio/nope.mp3", "variant/nope.json", "routine/SPI", "audio/spi.exe",
     "static/app.py", "routine/..%2F..%2Fetc%2Fpasswd", "static/..%2Fapp.py", "audio/%2Fetc%2Fpasswd.mp3",
     "routine//etc/passwd", "static/%5C..%5Capp.py", "nothing-here"],
)  # fmt: skip
def test_unknown_routines_and_paths_leaving_the_served_folders_are_404(client: TestClient, path: str) -> None:
    response = client.get(ROOT + path)
    assert response.status_code == 404 and "Traceback" not in response.text


def test_only_get_and_head_and_small_queries_are_answered(client: TestClient) -> None:
    assert client.post(ROOT, content=b"x" * 10_000).status_code == 405
    assert client.get(ROOT + "routine/spi?hold=" + "1" * 5000).status_code == 414
    assert client.get(ROOT + "variant/spi.json?hold=" + "1" * 100).status_code == 400


def test_download_names_the_file(client: TestClient) -> None:
    response = client.get(ROOT + "audio/kneeling-twist.mp3?hold=20s&download=1")
    assert response.headers["content-disposition"] == 'attachment; filename="kneeling-twist-hold-20s.mp3"'


def test_byte_ranges_etag_and_length(client: TestClient) -> None:
    url = ROOT + "audio/locate-spi.mp3"
    whole = client.get(url)
    size, etag = len(whole.content), whole.headers["etag"]
    assert whole.headers["content-length"] == str(size) and whole.headers["accept-ranges"] == "bytes"
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == whole.content[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{size}" and part.headers["etag"] == etag
    assert client.get(url, headers={"Range": "bytes=-10"}).content == whole.content[-10:]
    assert client.get(url, headers={"Range": f"bytes={size - 5}-"}).content == whole.content[-5:]
    assert client.get(url, headers={"Range": "bytes=0-1,5-6"}).status_code == 200
    for unknown_unit in ("items=0-1", "pages=1-2"):  # ignored: the whole file
        ignored = client.get(url, headers={"Range": unknown_unit})
        assert ignored.status_code == 200 and ignored.content == whole.content
    for bad in (
        "bytes=abc",
        "bytes=200-100",
        f"bytes={size}-",
        "bytes=-0",
        "bytes=",
        "bytes=1-2-3",
    ):
        refused = client.get(url, headers={"Range": bad})
        assert (refused.status_code, refused.headers["content-range"]) == (416, f"bytes */{size}"), bad
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"old"'}).status_code == 200
    head = client.head(url)
    assert head.headers["content-length"] == str(size) and head.content == b""


def test_the_cue_sheet_chapters_and_artwork_of_a_variant(client: TestClient) -> None:
    info = client.get(ROOT + "variant/spi.json?hold=20s").json()
    assert info["cover"] == "../audio/spi.png?hold=20s"
    cover = client.get(ROOT + "audio/spi.png?hold=20s")
    assert cover.headers["content-type"] == "image/png" and cover.content.startswith(b"\x89PNG")
    assert client.get(ROOT + "audio/spi.vtt?hold=20s").text.startswith("WEBVTT")
    response = client.get(ROOT + "audio/spi.chapters.json?hold=20s")
    assert response.headers["content-type"].startswith("application/json+chapters")
    assert response.json()["chapters"][1] == {"startTime": 30.0, "endTime": 61.0, "title": "Second"}


def test_static_files_are_package_data(client: TestClient) -> None:
    script = client.get(ROOT + "static/player.js")
    assert script.status_code == 200 and "mediaSession" in script.text and "http" not in script.text
    assert "voiceCoach" not in script.text and "window." not in script.text.replace("window.scrollTo", ""), (
        "nothing global: no hook for tests shipped"
    )
    assert client.get(ROOT + "static/style.css").headers["content-type"].startswith("text/css")


@pytest.mark.parametrize(
    ("query", "message"),
    [("sets=0", "sets: must be a whole number from 1 to 50"),
     ("countdown=loud", "countdown: must be one of none, minimal, standard, verbose")],
)  # fmt: skip
def test_a_refused_setting_names_its_field_once(client: TestClient, query: str, message: str) -> None:
    assert client.get(ROOT + f"variant/kneeling-twist.json?{query}").json()["error"] == message


def test_choosing_a_default_makes_the_same_export_as_leaving_it(
    client: TestClient, fake_render: FakeRender
) -> None:
    """kneeling-twist's own sets (3), hold (30s) and rest, and the server's countdown (standard)."""
    plain = client.get(ROOT + "variant/kneeling-twist.json").json()
    for query in ("sets=3", "countdown=standard", "hold=30s&sets=3&countdown=standard", "hold=30"):
        chosen = client.get(ROOT + f"variant/kneeling-twist.json?{query}").json()
        assert (chosen["query"], chosen["audio"]) == ("", plain["audio"]), query
    assert client.get(ROOT + "audio/kneeling-twist.mp3?sets=3&countdown=standard").status_code == 200
    assert client.get(ROOT + "audio/kneeling-twist.mp3").status_code == 200
    assert len(fake_render.calls) == 1


def test_the_countdown_menu_lists_each_choice_once(client: TestClient) -> None:
    page = client.get(ROOT + "routine/kneeling-twist").text
    menu = page[
        page.index('<select name="countdown"') : page.index("</select>", page.index('name="countdown"'))
    ]
    labels = re.findall(r"<option[^>]*>([^<]*)</option>", menu)
    assert sorted(labels) == ["minimal", "none", "standard", "verbose"]


@pytest.mark.filterwarnings("ignore:hibari speaks English only")
def test_a_routine_page_is_in_the_routines_language(client: TestClient, library: Path) -> None:
    german = USER_ROUTINE.replace('id = "my-neck"', 'id = "mein-nacken"\nlanguage = "de"')
    (library / "mein-nacken.toml").write_text(german, encoding="utf-8")
    assert '<html lang="de">' in client.get(ROOT + "routine/mein-nacken").text
    assert '<html lang="en">' in client.get(ROOT + "routine/my-neck").text


def test_settings_that_make_the_session_too_long_are_refused_while_typing(
    client: TestClient, fake_render: FakeRender
) -> None:
    """spi with an hour's hold and 50 sets would last over 500 hours: the check says so before Play."""
    response = client.get(ROOT + "variant/spi.json?hold=1h&sets=50&prepare=1")
    assert response.status_code == 400
    assert "the limit is 12h: lower sets, hold or rest" in response.json()["error"]
    assert client.get(ROOT + "audio/spi.mp3?hold=1h&sets=50").status_code == 400
    assert fake_render.calls == []


EVENING = 'id = "evening"\ntitle = "Evening"\nroutines = ["my-neck", "foam-roller"]\n'
"""A session of the library naming a routine of the same library by id."""


def test_a_session_naming_routines_of_its_library_is_offered(client: TestClient, library: Path) -> None:
    (library / "evening.toml").write_text(EVENING, encoding="utf-8")
    assert "Evening</a>" in client.get(ROOT).text
    page = client.get(ROOT + "routine/evening")
    assert page.status_code == 200 and "<h1>Evening</h1>" in page.text


def test_editing_a_routine_a_session_includes_makes_a_new_export(
    client: TestClient, library: Path, fake_render: FakeRender
) -> None:
    """The export's key covers every file the session includes: a longer hold is never served stale."""
    by_path = EVENING.replace('"my-neck"', '"my-neck.toml"')  # loads whatever library the server reads
    (library / "evening.toml").write_text(by_path, encoding="utf-8")
    assert client.get(ROOT + "audio/evening.mp3").status_code == 200
    neck = library / "my-neck.toml"
    neck.write_text(neck.read_text("utf-8").replace('hold = "20s"', 'hold = "45s"'), encoding="utf-8")
    assert client.get(ROOT + "audio/evening.mp3").status_code == 200
    assert len(set(fake_render.calls)) == 2


def test_the_settings_check_says_how_far_the_export_is_made(client: TestClient) -> None:
    url = ROOT + "variant/kneeling-twist.json?hold=26s"
    assert client.get(url).json()["progress"] is None, "nobody asked for it yet"
    client.get(url + "&prepare=1")
    wait_for(lambda: client.get(url).json()["progress"] == 100, "the export made")
