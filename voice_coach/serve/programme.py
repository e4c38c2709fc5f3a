"""A programme over weeks as the phone sees it: the step the next session plays (the one the history
earns, as ``play`` and ``export`` use), why, and the pain after each session; and the feed's Today
episode of it, whose title says the step and whose GUID changes when the step does.

The GUID is the export's key (it names the step, the file and the voice) and the number of sessions after
which the step became today's: a step reached again after a flare is a new episode for a podcast app,
and nothing a rating leaves unchanged makes a new one."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from typing import Any

import voice_coach as vc
from voice_coach.serve.export_cache import CacheClosed, ExportCache
from voice_coach.serve.feed import Episode
from voice_coach.serve.variant import Defaults, SettingError, Variant, parse_variant

CHART_SESSIONS = 14
"""The rated sessions the page's chart shows, the latest (two weeks of daily sessions)."""


@dataclass(frozen=True)
class Rated:
    """One session of the programme: when (``YYYY-MM-DD``), the pain after it, the step it played."""

    day: str
    pain: int | None
    step: int | None


@dataclass(frozen=True)
class Programme:
    """Where a routine's programme stands: ``today`` (the next session's step), reached after ``since``
    of its ``sessions`` (oldest first)."""

    id: str
    title: str
    today: vc.Today
    sessions: tuple[Rated, ...]
    since: int
    language: str = "en"
    """The language the routine is said in: its page, feed episode and JSON use it too."""

    @property
    def settings(self) -> str:
        """The next session in words: ``step 2 of 5: hold 25 s, 3 sets`` (in ``language``)."""
        today, language = self.today, self.language
        if not (what := today.settings(language)):
            return vc.printed(language, "step {step} of {steps}", step=today.step, steps=today.steps)
        return vc.printed(
            language, "step {step} of {steps}: {settings}", step=today.step, steps=today.steps, settings=what
        )

    @property
    def last(self) -> Rated | None:
        return self.sessions[-1] if self.sessions else None

    def chart(self) -> tuple[Rated, ...]:
        """The rated sessions the chart draws, the latest ``CHART_SESSIONS``."""
        return tuple(s for s in self.sessions if s.pain is not None)[-CHART_SESSIONS:]

    def as_dict(self) -> dict[str, Any]:
        """The JSON of ``/programme/ID.json``."""
        return {
            "id": self.id, "step": self.today.step, "steps": self.today.steps,
            "settings": self.today.settings(), "next": self.settings, "why": self.today.reason,
            "sessions": [s.__dict__ for s in self.sessions],
        }  # fmt: skip

    def episode_title(self) -> str:
        """The feed's Today episode's title: ``Today: SPI programme — step 2 of 5: hold 25 s, 3 sets``."""
        title, settings = self.title, self.settings
        return vc.printed(self.language, "Today: {title} — {settings}", title=title, settings=settings)

    def episode_description(self) -> str:
        """The Today episode's description: the routine, the step and why."""
        reason = self.today.why.said_in(self.language)
        return vc.printed(
            self.language, "{title}, today's step of your programme ({settings}): {reason}.",
            title=self.title, settings=self.settings, reason=reason,
        )  # fmt: skip

    def episode_guid(self, key: str) -> str:
        """The Today episode's GUID for the export ``key`` of today's step."""
        return f"{key}-{self.since}"


def programme(entry: vc.CatalogEntry) -> Programme | None:
    """Where ``entry``'s programme stands now, from the history; None when its file has no progression."""
    target = entry.target
    if target.progression is None:
        return None
    entries = vc.history(warn=_skipped)
    today = vc.progression(target, entries=entries)
    rows = vc.progress_report(target, entries).sessions
    steps = [row.step for row in rows] + [today.step]
    since = max((n for n in range(1, len(steps)) if steps[n] != steps[n - 1]), default=0)
    sessions = tuple(Rated(row.when.date().isoformat(), row.pain, row.step) for row in rows)
    return Programme(entry.id, entry.title, today, sessions, since, language_of(entry))


def language_of(entry: vc.CatalogEntry) -> str:
    """The language ``entry`` is said in (its file's, else the config's), for its page, episode and JSON."""
    try:
        return vc.compile(entry.target).language
    except vc.VoiceCoachError:
        return "en"


def _skipped(message: str) -> None:
    """A torn history line: ``history`` and ``progress`` say so in the terminal; the page shows the rest."""


def with_today(episodes: dict[str, Episode], defaults: list[Variant]) -> dict[str, Episode]:
    """``episodes`` (by export key) with the default of each file with a progression, made at today's
    step, as its Today episode."""
    todays = dict(episodes)
    for variant in defaults:
        view = programme(variant.entry) if variant.key in episodes else None
        if view is not None and view.today.step == variant.choices.step:  # else rated meanwhile
            todays[variant.key] = as_today(episodes[variant.key], view, variant.key)
    return todays


def make_today(cache: ExportCache, entry: vc.CatalogEntry, defaults: Defaults) -> None:
    """Start making the export of the step a rating leaves (the Today episode, and Play's default) ahead
    of the feed's own renders; nothing when it is made already."""
    with contextlib.suppress(SettingError, CacheClosed):  # a file made invalid meanwhile; stopping
        cache.get(parse_variant(entry, {}, defaults), prepare=True)


def as_today(episode: Episode, view: Programme, key: str) -> Episode:
    """The default episode of a file with a progression (its export ``key`` at today's step) as the Today
    episode: titled with the step, its audio pinned to the step (a download made later is the same)."""
    pinned = f"?step={view.today.step}"
    return replace(
        episode,
        guid=view.episode_guid(key),
        title=view.episode_title(),
        description=view.episode_description(),
        audio_url=episode.audio_url + pinned,
        chapters_url=episode.chapters_url + pinned,
    )
