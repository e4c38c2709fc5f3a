"""How an engine reads words it would otherwise get wrong: the run's lexicon applied to a phrase just
before the engine gets it.

A lexicon entry is (word, respelling, phonemes). An engine that takes phonemes (``Engine.PHONEMES``:
hibari, in misaki's alphabet, written ``[word](/phonemes/)``) gets the phonemes; any other engine the
respelling ("ser-RAY-tus"). Words match whole and in any case. Only the engine sees the result: the
timeline, cue sheets, captions and chapters keep the written words, while the phrase cache keys each phrase
on the text the engine is given, so a changed lexicon entry is heard at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

Reading = tuple[str, str, str]
"""(word, respelling, phonemes); either may be "": the engine that needs it reads the word as written."""


def spoken(text: str, lexicon: Iterable[Reading], phonemes: bool) -> str:
    """``text`` as the engine should be given it: each lexicon word replaced by its phonemes (an engine
    that takes them) or its respelling."""
    for word, respelling, sounds in lexicon:
        if phonemes and sounds:
            text = _word(word).sub(_marked(sounds), text)
        elif respelling:
            text = _word(word).sub(respelling.replace("\\", "\\\\"), text)
    return text


def _marked(sounds: str) -> Callable[[re.Match[str]], str]:
    """A replacement that keeps the written word and gives its phonemes: ``[Serratus](/.../)``."""
    return lambda match: f"[{match.group(0)}](/{sounds}/)"


def _word(word: str) -> re.Pattern[str]:
    """``word`` alone, in any case, not inside a longer word or a replacement already made."""
    return re.compile(rf"(?<![\w\[-]){re.escape(word)}(?![\w\]-])", re.IGNORECASE)
