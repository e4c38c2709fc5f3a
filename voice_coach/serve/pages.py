"""The phone's pages as HTML text: the index of routines and a routine's page with its settings and player.
Plain HTML with one stylesheet and one script of our own (``static/``); every value is escaped."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

import voice_coach as vc
from voice_coach.serve.page_words import words_element

APPS_THAT_CAN = "AntennaPod (Android) and Apple Podcasts (iPhone: Library, Follow a Show by URL)"
APPS_THAT_CANNOT = "apps that fetch feeds on their own servers, such as Pocket Casts, Overcast or Spotify"


def page(title: str, body: str, *, up: str = "", lang: str = "en") -> str:
    """A whole page in language ``lang``; ``up`` is the way from this page back to the index (``../``
    below it)."""
    return f"""<!doctype html>
<html lang="{escape(lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{escape(title)} · voice-coach</title>
<link rel="stylesheet" href="{up}static/style.css">
<link rel="icon" href="{up}static/icon.svg" type="image/svg+xml">
</head><body><main>
{body}
</main></body></html>
"""


def index_page(catalog: vc.Catalog) -> str:
    """Every routine and session, built-in and yours, with length and equipment, and the feed to subscribe."""
    entries = catalog.entries()
    sections = []
    for heading, yours in (("Built in", False), ("Yours", True)):
        rows = [_index_row(entry) for entry in entries if entry.yours == yours]
        if rows:
            sections.append(f'<h2>{heading}</h2>\n<ul class="routines">\n' + "\n".join(rows) + "\n</ul>")
    if not any(entry.yours for entry in entries):
        sections.append(
            f'<p class="hint">Your own routines appear here: put .toml files in '
            f"<code>{escape(str(catalog.library))}</code>.</p>"
        )
    feed = f"""<h2>Podcast feed</h2>
<p>Subscribe to <a href="feed.xml" id="feed">this feed</a> in a podcast app to get every routine, and the
variants you played lately, as episodes with chapters; a routine with a programme over weeks is its
"Today" episode, the step your ratings have reached. On your local network only apps that fetch the feed
from the phone itself can subscribe: {APPS_THAT_CAN}.
Not {APPS_THAT_CANNOT}: they cannot reach this computer.</p>"""
    return page("Routines", "<h1>voice-coach</h1>\n" + "\n".join(sections) + "\n" + feed)


def _index_row(entry: vc.CatalogEntry) -> str:
    equipment = f" · {escape(', '.join(entry.equipment))}" if entry.equipment else ""
    return (
        f'<li><a href="routine/{quote(entry.id)}">{escape(entry.title)}</a>'
        f'<span class="meta">{escape(entry.kind)} · {escape(entry.length)}{equipment}</span></li>'
    )


def routine_page(
    entry: vc.CatalogEntry,
    chosen: dict[str, str],
    error: str = "",
    countdown: str = "standard",
    lang: str = "en",
    programme: str = "",
) -> str:
    """A routine's page, phone first: Play at the top with the length and equipment, the settings folded
    under "Adjust" (open when ``chosen`` or ``error``; ``countdown`` is the server's own), the progress of
    a variant being made, and the now-playing view (the instruction being said, where in the routine,
    progress with chapter ticks, time left, pause and skip, the chapters); ``programme``, the view of a
    file's programme over weeks, below the question after playback, with its script."""
    equipment = f" · {escape(', '.join(entry.equipment))}" if entry.equipment else ""
    unfolded = " open" if chosen or error else ""
    body = f"""<p class="back"><a href="../">{vc.printed(lang, "← All routines")}</a></p>
<h1>{escape(entry.title)}</h1>
<p class="meta" id="about">{escape(entry.kind)} · {escape(entry.length)}{equipment}</p>
<button type="submit" form="settings" id="play" class="play">{vc.printed(lang, "Play")}</button>
<div id="making" role="status" hidden><p id="making-text">{vc.printed(lang, "Making your audio…")}</p>
<progress id="making-bar" max="100" value="0" aria-labelledby="making-text"></progress></div>
<p id="message" class="error" role="alert">{escape(error)}</p>
<section id="player" aria-label="{vc.printed(lang, "Now playing")}" hidden>
<p id="where" class="where"></p>
<p id="now" class="now" aria-live="polite"></p>
<div id="progress" class="progress" role="progressbar" aria-label="{vc.printed(lang, "Progress")}"
 aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"><div id="bar" class="bar"></div>
<div id="ticks"></div></div>
<p class="times"><span id="elapsed">0:00</span><span id="left"></span></p>
<div class="controls"><button type="button" id="previous">{vc.printed(lang, "Previous")}</button>
<button type="button" id="pause">{vc.printed(lang, "Pause")}</button>
<button type="button" id="next">{vc.printed(lang, "Next")}</button></div>
<audio id="audio" preload="auto"></audio>
<h2>{vc.printed(lang, "Chapters")}</h2>
<ol id="chapters"></ol>
</section>
{_rating(entry, lang)}
{programme}
<details id="adjust"{unfolded}><summary>{vc.printed(lang, "Adjust")}</summary>
<form id="settings" method="get" data-variant="../variant/{quote(entry.id)}.json">
{_fields(entry, chosen, countdown, lang)}
<button type="button" id="download" class="secondary">{vc.printed(lang, "Download MP3")}</button>
</form>
</details>
{words_element(lang)}
<script src="../static/player.js"></script>
{'<script src="../static/programme.js"></script>' if programme else ""}"""
    return page(entry.title, body, up="../", lang=lang)


def _rating(entry: vc.CatalogEntry, lang: str) -> str:
    """The question shown (and said, where the phone can speak) when the session has played to its end:
    a button per rating from 0 to 10, and Skip."""
    buttons = "".join(f'<button type="button" value="{n}">{n}</button>' for n in range(11))
    return f"""<section id="rating" hidden data-rate="../rate/{quote(entry.id)}.json">
<h2 id="question">{vc.printed(lang, "How is your back now, from zero to ten?")}</h2>
<p class="hint">{vc.printed(lang, "0: no pain · 10: the worst. It is kept with your sessions.")}</p>
<div class="scale" role="group" aria-labelledby="question">{buttons}</div>
<button type="button" id="skip-rating">{vc.printed(lang, "Skip")}</button>
<p id="rated" aria-live="polite"></p>
</section>"""


def _fields(entry: vc.CatalogEntry, chosen: dict[str, str], countdown: str, lang: str) -> str:
    hold, sets, rest = _defaults(entry.target, lang)
    countdowns = ("", *(c for c in vc.COUNTDOWNS if c != countdown))  # the default once, as the empty choice
    fields = [
        _text("hold", vc.printed(lang, "Hold"), chosen, hold, vc.printed(lang, "e.g. 20s or 1m")),
        *_massage_field(entry.target, chosen, lang),
        _text(
            "sets", vc.printed(lang, "Sets per side"), chosen, sets, vc.printed(lang, "1 to 50"), numeric=True
        ),
        _text(
            "rest",
            vc.printed(lang, "Rest between sets"),
            chosen,
            rest,
            vc.printed(lang, "e.g. 15s, 0 for none"),
        ),
        _select(
            "sides",
            vc.printed(lang, "Sides"),
            chosen,
            ("", *vc.SIDE_CHOICES),
            vc.printed(lang, "as written"),
            lang,
        ),
        _select("countdown", vc.printed(lang, "Countdown"), chosen, countdowns, countdown, lang),
        _text(
            "rate",
            vc.printed(lang, "Speaking rate"),
            chosen,
            "1x",
            vc.printed(lang, "words per minute (170) or a factor (1.2x)"),
        ),
    ]
    return "\n".join(fields)


def _massage_field(target: vc.Routine | vc.Session, chosen: dict[str, str], lang: str) -> list[str]:
    """The massage's length (``--massage``), where there is a massage: ``hold`` and ``sets`` are a
    stretch's."""
    try:
        kinds = vc.compile(target, warn=lambda message: None).routine_kinds
    except vc.VoiceCoachError:
        return []
    if not any(kind.lower() == "massage" for kind in kinds):
        return []
    own = vc.printed(lang, "each massage's own")
    if isinstance(target, vc.Routine) and target.hold is not None:
        own = vc.format_duration(target.hold.default)
    length, hint = vc.printed(lang, "Massage length"), vc.printed(lang, "per side, e.g. 2m30s")
    return [_text("massage", length, chosen, own, hint)]


def _defaults(target: vc.Routine | vc.Session, lang: str) -> tuple[str, str, str]:
    """The placeholders of hold, sets and rest: the routine's own values."""
    if isinstance(target, vc.Session):
        own = vc.printed(lang, "each routine's own")
        return own, own, own
    hold = vc.format_duration(target.hold.default) if target.hold else vc.printed(lang, "no hold")
    return hold, str(target.sets.default), vc.format_duration(target.rest_ms)


def _text(
    name: str, label: str, chosen: dict[str, str], default: str, hint: str, numeric: bool = False
) -> str:
    mode = ' inputmode="numeric"' if numeric else ""
    return (
        f'<label>{label} <input name="{name}" id="{name}" value="{escape(chosen.get(name, ""))}" '
        f'placeholder="{escape(default)}" autocomplete="off"{mode}><small>{escape(hint)}</small></label>'
    )


def _select(
    name: str, label: str, chosen: dict[str, str], values: tuple[str, ...], default: str, lang: str
) -> str:
    """A choice of ``values`` (the CLI's words, sent as they are), each shown in ``lang``."""
    current = chosen.get(name, "")
    options = "".join(
        f'<option value="{escape(v)}"{" selected" if v == current else ""}>'
        f"{escape(_choice(v or default, lang))}</option>"
        for v in values
    )
    return f'<label>{label} <select name="{name}" id="{name}">{options}</select></label>'


def _choice(value: str, lang: str) -> str:
    """A side's or countdown's name in ``lang`` (``--sides``, ``--countdown``)."""
    names = {
        "left": vc.printed(lang, "left"), "right": vc.printed(lang, "right"),
        "both": vc.printed(lang, "both"), "none": vc.printed(lang, "none"),
        "minimal": vc.printed(lang, "minimal"),
        "standard": vc.printed(lang, "standard"), "verbose": vc.printed(lang, "verbose"),
        "as written": vc.printed(lang, "as written"),
    }  # fmt: skip
    return names.get(value, value)
