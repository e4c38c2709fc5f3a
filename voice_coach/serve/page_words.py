"""The words the page's scripts show (``static/player.js``, ``static/programme.js``), in the language the
routine is said in, from ``printed``'s table: the scripts carry no text of their own, so a German page
never shows an English "Pause" or "Set 2 of 3". They come as a JSON data element (not run, so the
page's content security policy allows it); ``{name}`` marks a value the script fills in."""

from __future__ import annotations

import json

import voice_coach as vc


def page_words(lang: str) -> dict[str, str]:
    """The scripts' words by the name they use, in ``lang``."""
    return {
        "making": vc.printed(lang, "Making your audio… {percent} %"),
        "set": vc.printed(lang, "Set {set} of {sets}"),
        "left": vc.printed(lang, "{time} left"),
        "pause": vc.printed(lang, "Pause"),
        "resume": vc.printed(lang, "Resume"),
        "tapAgain": vc.printed(lang, "Tap Play again to start."),
        "notPlayed": vc.printed(lang, "The audio could not be played; try again."),
        "unreachable": vc.printed(lang, "The server cannot be reached: is voice-coach serve running?"),
        "answered": vc.printed(lang, "The server answered {status}."),
        "kept": vc.printed(lang, "Kept: pain {pain}/10."),
        "nextTime": vc.printed(lang, "Next time: {summary}"),
        "notKept": vc.printed(lang, "Not kept; try again."),
    }


def words_element(lang: str) -> str:
    """``page_words`` as a ``<script type="application/json" id="words">`` element (``<`` escaped, so no
    word can end the element)."""
    text = json.dumps(page_words(lang), ensure_ascii=False).replace("<", "\\u003c")
    return f'<script type="application/json" id="words">{text}</script>'
