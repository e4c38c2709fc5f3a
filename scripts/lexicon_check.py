"""Are the lexicon's words heard? Each phrase of a routine that says a word of the built-in lexicon is
spoken by the default engine twice, as written and with the lexicon applied (as voice-coach gives it to the
engine), and an independent recognizer, pocketsphinx 5 with its US English model, transcribes both: a
word counts as heard in a phrase when the transcript has it. A word the recognizer's dictionary lacks
("serratus") is added to it with the pronunciation the lexicon aims at (``EXTRA_WORDS``).

Every phrase is counted as often as the routine says it (the massage says "massager" in six cues). Used by
``scripts/bench.py`` (the ``lexicon`` rows); alone::

    .venv/bin/python scripts/lexicon_check.py spi
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter

from compare_engines import recognize

EXTRA_WORDS = {"serratus": "S ER EY T AH S"}
"""Lexicon words missing from pocketsphinx's dictionary, in its phone set: how the lexicon says them."""


def occurrences(target: str, language: str = "en") -> tuple[Counter[str], tuple[tuple[str, str, str], ...]]:
    """How often the compiled ``target`` says each phrase, and the run's lexicon."""
    import voice_coach as vc
    from voice_coach.compiler.timeline import Hold, Rest, Say

    timeline = vc.compile(vc.load(target), language=language)
    said: Counter[str] = Counter()
    for block in timeline.blocks:
        if isinstance(block, Say):
            said[block.text] += 1
        elif isinstance(block, Hold | Rest):
            said.update(cue.text for cue in block.cues)
    return said, timeline.lexicon


def heard(target: str) -> dict[str, dict[str, int]]:
    """Per lexicon word: phrases that say it (``cues``), and in how many the recognizer heard it
    (``plain``: as written, ``lexicon``: as voice-coach speaks it)."""
    from voice_coach.speech.engines import get_engine
    from voice_coach.speech.engines.base import Rate
    from voice_coach.speech.lexicon import spoken

    said, lexicon = occurrences(target)
    engine = get_engine(None)
    voice = engine.default_voice()
    figures: dict[str, dict[str, int]] = {}
    for word, _, _ in lexicon:
        counts = {"cues": 0, "plain": 0, "lexicon": 0}
        for text, times in said.items():
            if not re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE):
                continue
            counts["cues"] += times
            for kind, given in (("plain", text), ("lexicon", spoken(text, lexicon, engine.PHONEMES))):
                clip = engine.synthesize(given, voice, Rate(), 1.0)
                counts[kind] += times * (
                    word.lower() in recognize(clip.samples, clip.rate, tuple(EXTRA_WORDS.items()))
                )
        if counts["cues"]:
            figures[word] = counts
    return figures


if __name__ == "__main__":
    print(json.dumps(heard(sys.argv[1] if len(sys.argv) > 1 else "spi"), indent=1))
