"""The podcast feed, read by feedparser: one episode per routine at its defaults plus the variants played
lately, each with the exact size of its audio and Podcasting 2.0 chapters."""

from __future__ import annotations

import html
import re
from pathlib import Path

import feedparser  # type: ignore[import-untyped]
from chapters_shape import chapter_problems
from conftest import TOKEN, FakeRender
from fakes import wait_for
from starlette.testclient import TestClient

from voice_coach import Catalog, builtin_ids
from voice_coach.serve.app import Served, create_app
from voice_coach.serve.export_cache import ExportCache

FEED = f"/{TOKEN}/feed.xml"


def test_every_routine_is_an_episode_with_its_exact_length_and_chapters(client: TestClient) -> None:
    response = client.get(FEED)
    assert response.headers["content-type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo and feed.feed.title == "voice-coach"
    assert feed.feed.link == f"http://127.0.0.1:8765/{TOKEN}/"
    titles = {entry.title for entry in feed.entries}
    assert len(feed.entries) == len(builtin_ids()) + 1 and "My neck stretch" in titles
    for entry in feed.entries:
        (enclosure,) = entry.enclosures
        audio = client.get(enclosure.href)
        assert enclosure.type == "audio/mpeg" and int(enclosure.length) == len(audio.content) > 0
        assert entry.itunes_duration == "61"
        chapters = entry.podcast_chapters
        assert chapters["type"] == "application/json+chapters"
        assert chapter_problems(client.get(chapters["url"]).json()) == []


def test_variants_played_lately_join_the_feed(client: TestClient) -> None:
    client.get(f"/{TOKEN}/audio/kneeling-twist.mp3?hold=20&sets=4")
    feed = feedparser.parse(client.get(FEED).content)
    (played,) = [e for e in feed.entries if "hold 20s" in e.title]
    assert played.title == "Kneeling twist stretch (hold 20s, sets 4)"
    assert played.enclosures[0].href.endswith("/audio/kneeling-twist.mp3?hold=20s&sets=4")
    assert len({e.id for e in feed.entries}) == len(feed.entries) == len(builtin_ids()) + 2


def test_an_episode_description_is_plain_text_even_for_apps_that_show_it_as_html(
    tmp_path: Path, library: Path, fake_render: FakeRender
) -> None:
    (library / "hips.toml").write_text(
        'id = "hips"\ntitle = "Hips & <b>knees</b>"\nkind = "stretch"\nsetup = [{ say = "Lie down." }]\n',
        encoding="utf-8",
    )
    cache = ExportCache(tmp_path / "exports", fake_render, workers=2)
    with TestClient(create_app(TOKEN, Served(Catalog(library), cache, feed_wait_s=5))) as client:
        feed = feedparser.parse(client.get(FEED).content)
    cache.close()
    (episode,) = [e for e in feed.entries if e.id.startswith("hips") or "Hips" in e.title]
    shown = html.unescape(re.sub(r"<[^>]*>", "", episode.description))  # what an app displays
    assert shown == "Hips & <b>knees</b>: default settings."


def test_every_variant_played_lately_is_listed_beside_the_defaults(client: TestClient) -> None:
    """Fetching the feed makes (and used to touch) every default: they must not push out the variants a
    person played."""
    played = [f"hold={20 + n}s" for n in range(9)]
    for query in played:
        assert client.get(f"/{TOKEN}/audio/kneeling-twist.mp3?{query}").status_code == 200
    client.get(FEED)
    feed = feedparser.parse(client.get(FEED).content)
    listed = {e.enclosures[0].href.rsplit("?", 1)[-1] for e in feed.entries}
    assert set(played) <= listed and len(feed.entries) == len(builtin_ids()) + 1 + len(played)


def test_a_feed_over_the_exports_size_lists_the_same_episodes_each_time(
    tmp_path: Path, library: Path
) -> None:
    """With room for three exports, the feed's background renders never evict each other (nor what a
    person played), and what does not fit is not made again on every fetch."""
    render = FakeRender()
    one = 11_000  # a fake export's size, about
    cache = ExportCache(tmp_path / "exports", render, workers=1, max_bytes=3 * one + one // 2)
    app = create_app(TOKEN, Served(Catalog(library), cache, feed_wait_s=5))
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        assert client.get(f"/{TOKEN}/audio/spi.mp3?hold=40s").status_code == 200
        counts, made = [], []
        for _ in range(4):
            entries = feedparser.parse(client.get(FEED).content).entries
            counts.append(len(entries))
            made.append(len(render.calls))
        assert any("hold 40s" in e.title for e in entries), "what the person played stays"
    cache.close()
    assert counts == [3, 3, 3, 3] and made[1:] == [made[0]] * 3, (counts, made)


def test_the_feed_is_private_and_locked(client: TestClient) -> None:
    text = client.get(FEED).text
    assert "<itunes:block>Yes</itunes:block>" in text and "<podcast:locked>yes</podcast:locked>" in text


def test_a_feed_that_stops_waiting_leaves_its_renders_going(tmp_path: Path, library: Path) -> None:
    """The feed answers after ``feed_wait_s`` with what is ready (nothing here: the one worker is held);
    the renders it queued are not dropped: once the worker is free they are all made, nobody asking."""
    render = FakeRender(hold_back=True)
    cache = ExportCache(tmp_path / "exports", render, workers=1)
    app = create_app(TOKEN, Served(Catalog(library), cache, feed_wait_s=0))
    episodes = len(builtin_ids()) + 1
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        assert feedparser.parse(client.get(FEED).content).entries == []
        render.release.set()
        wait_for(lambda: len(cache.recent(episodes)) == episodes, "every episode made")
        assert len(feedparser.parse(client.get(FEED).content).entries) == episodes
    assert len(render.calls) == episodes
    cache.close()
