"""The podcast feed: RSS 2.0 with iTunes tags and Podcasting 2.0 chapters, written with the standard
library's ElementTree (feedgen knows no ``podcast:`` namespace and would add lxml for one small document)."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ET.register_namespace("itunes", ITUNES)
ET.register_namespace("podcast", PODCAST)


@dataclass(frozen=True)
class Episode:
    """One rendered variant as an episode: its audio's URL and exact size, and its chapters' URL; the
    title and description are plain text."""

    guid: str
    title: str
    description: str
    audio_url: str
    length_bytes: int
    duration_ms: int
    chapters_url: str
    published: datetime


def feed_xml(title: str, link: str, description: str, episodes: list[Episode], built: datetime) -> bytes:
    """The feed's XML (UTF-8, with its declaration)."""
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _text(channel, "title", title)
    _text(channel, "link", link)
    _text(channel, "description", description)
    _text(channel, "language", "en")
    _text(channel, "lastBuildDate", format_datetime(built))
    _text(channel, f"{{{ITUNES}}}author", "voice-coach")
    _text(channel, f"{{{ITUNES}}}summary", description)
    _text(channel, f"{{{ITUNES}}}explicit", "false")
    _text(channel, f"{{{ITUNES}}}block", "Yes")  # a private feed: never listed in a directory
    ET.SubElement(channel, f"{{{ITUNES}}}category", {"text": "Health & Fitness"})
    _text(channel, f"{{{PODCAST}}}locked", "yes")
    for episode in episodes:
        _item(channel, episode)
    ET.indent(rss)
    xml: bytes = ET.tostring(rss, encoding="utf-8", xml_declaration=True)
    return xml


def _item(channel: ET.Element, episode: Episode) -> None:
    item = ET.SubElement(channel, "item")
    _text(item, "title", episode.title)
    _text(item, "description", html.escape(episode.description))  # apps show it as HTML: "<" is text
    ET.SubElement(item, "guid", {"isPermaLink": "false"}).text = episode.guid
    _text(item, "pubDate", format_datetime(episode.published))
    length = str(episode.length_bytes)
    ET.SubElement(item, "enclosure", {"url": episode.audio_url, "length": length, "type": "audio/mpeg"})
    _text(item, f"{{{ITUNES}}}duration", str(round(episode.duration_ms / 1000)))
    _text(item, f"{{{ITUNES}}}explicit", "false")
    ET.SubElement(
        item, f"{{{PODCAST}}}chapters", {"url": episode.chapters_url, "type": "application/json+chapters"}
    )


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = text
