"""The words voice-coach itself prints or says around a routine (the script's marks, the progression's
reasons, where a session stopped, the status line, the pain question), in the language the routine is
said in: ``printed("de", "set {set} of {sets}", set=2, sets=3)`` is "Satz 2 von 3".

A routine's own words come from its file and the language packs; these are the program's. The English
text is the key, so the code reads as it prints; ``TRANSLATIONS`` gives every other language's text for
each key (a test checks that every key the code uses has one in every language, so a German run never
prints a German-English mix). A language with no table here gets the English text.
"""

from __future__ import annotations

from dataclasses import dataclass

from voice_coach.printed_tables import TRANSLATIONS


def printed(language: str, english: str, **values: object) -> str:
    """``english`` in ``language`` (a language pack's code), with ``values`` filled in."""
    text = TRANSLATIONS.get(language, {}).get(english, english)
    return text.format(**values) if values else text


def printed_count(language: str, count: int, one: str, many: str, **values: object) -> str:
    """``one`` (a key with ``{count}``) for a count of 1, else ``many``, with the count (and ``values``)
    filled in."""
    return printed(language, one if count == 1 else many, count=count, **values)


def translated_languages() -> tuple[str, ...]:
    """The languages with their own table (English is the keys themselves)."""
    return tuple(TRANSLATIONS)


@dataclass(frozen=True)
class Wording:
    """Words kept to be printed later, in whichever language is asked for then: a key of ``printed``
    and its values. ``str()`` gives the English."""

    english: str
    values: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, english: str, **values: object) -> Wording:
        """``english`` with ``values``, to print later."""
        return cls(english, tuple(values.items()))

    def said_in(self, language: str) -> str:
        """The words in ``language``."""
        return printed(language, self.english, **dict(self.values))

    def __str__(self) -> str:
        return self.said_in("en")
