"""Every phrase the compiler adds to a routine's own words, in the run's language, and the rules that join
them: lists, counts with their nouns, durations, plurals, sides.

The words come from a language pack (``routine/languages/<code>.toml``, read by ``routine.language``) with
the session's and routine's own ``[phrases]`` on top. The compiler writes no words of any language
anywhere else: cue text comes from the routine files, framing phrases from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from voice_coach.durations import spoken_duration
from voice_coach.routine.language import DEFAULT_LANGUAGE, LanguagePack, language_pack

SENTENCES = frozenset((
    "equipment", "next_up", "routine_outro", "session_equipment", "start_side", "one_side", "set_number",
    "last_set", "rest", "get_ready", "three_two_one", "ten_seconds_left", "one_minute_left", "halfway",
    "time_left", "numbered", "time_to_go", "rest_between", "fetch",
))  # fmt: skip
"""Phrases said as sentences: their first letter is a capital ("{side} side only." → "Left side only.").
A title is said as its file writes it."""


@dataclass(frozen=True)
class Phrases:
    """One language's phrases, with a file's own ``[phrases]`` applied: what the compiler says."""

    pack: LanguagePack
    texts: dict[str, str]

    @classmethod
    def of(cls, language: str = DEFAULT_LANGUAGE, overrides: Iterable[tuple[str, str]] = ()) -> Phrases:
        """The phrases of ``language`` (a checked pack code) with ``overrides`` (pack key, text) on top."""
        pack = language_pack(language)
        return cls(pack, pack.phrases).overridden(overrides)

    @property
    def language(self) -> str:
        return self.pack.code

    def overridden(self, overrides: Iterable[tuple[str, str]]) -> Phrases:
        """These phrases with some replaced (keys checked by the loader)."""
        more = dict(overrides)
        return replace(self, texts={**self.texts, **more}) if more else self

    def say(self, key: str, **values: object) -> str:
        """The phrase ``key`` with its placeholders filled; a sentence starts with a capital."""
        text = " ".join(self.texts[key].format(**values).split())
        return sentence_start(text) if key in SENTENCES else text

    def counted(self, count: int, noun: str) -> str:
        """``1 set``, ``3 sets``: the number with its noun, by the language's plural rule."""
        form = "one" if count in self.pack.plural_one else "many"
        return self.say(f"{noun}_{form}", count=count)

    def plural(self, noun: str) -> str:
        """The plural of a routine's kind (``stretch`` → ``stretches``) by the pack's endings."""
        ending, replacement = next((e, r) for e, r in self.pack.plural_endings if noun.endswith(e))
        return noun[: len(noun) - len(ending)] + replacement

    def side(self, side: str) -> SideWord:
        """How ``left`` or ``right`` is said: the file's or pack's word, and the forms ``{side:FORM}`` asks
        for (``den {side:en} Arm``)."""
        forms = {form: self.pack.side_word(side, form) for form, _, _ in self.pack.side_forms}
        return SideWord(self.texts[side], tuple(forms.items()))

    def duration(self, ms: int) -> str:
        """A length as said: ``30 seconds``, ``2 minutes 30 seconds`` (``2 Minuten und 30 Sekunden``)."""
        return spoken_duration(ms, self.counted, self._joined_duration)

    def _joined_duration(self, parts: list[str]) -> str:
        if len(parts) == 1:
            return parts[0]
        return self.say("duration_parts", first=" ".join(parts[:-1]), last=parts[-1])

    def spoken_list(self, items: tuple[str, ...] | list[str]) -> str:
        """A list as a listener parses it: ``a``; ``a and b``; ``a, b, and c`` (in English).

        Two items are joined like many (``list_many``) when either offers a choice ("a yoga mat, and a foam
        roller or a ball"), so the pause falls between the items, not inside one.
        """
        if len(items) <= 1:
            return "".join(items)
        choice = any(len(self.alternatives(item)) > 1 for item in items)
        key = "list_many" if len(items) > 2 or choice else "list_two"
        return self.say(key, first=", ".join(items[:-1]), last=items[-1])

    def alternatives(self, item: str) -> list[str]:
        """The choices an equipment item offers: ``a yoga mat or a bed`` → ``[a yoga mat, a bed]``."""
        return [part.strip() for part in item.split(f" {self.texts['or']} ")]

    def mid_sentence(self, title: str) -> str:
        """A title said inside a sentence: ``Self-massage`` → ``self-massage`` (``QL stretch`` stays; a
        German title keeps its capital)."""
        lower = self.pack.lowercase_titles and title[1:2].islower()
        return title[:1].lower() + title[1:] if lower else title


@dataclass(frozen=True)
class SideWord:
    """A side as a phrase says it: ``{side}`` is ``plain``, ``{side:en}`` the form named ``en``."""

    plain: str
    forms: tuple[tuple[str, str], ...] = ()

    def __format__(self, spec: str) -> str:
        return dict(self.forms).get(spec, self.plain) if spec else self.plain

    def __str__(self) -> str:
        return self.plain


def sentence_start(text: str) -> str:
    """``text`` with its first letter capitalized, as the start of a spoken sentence."""
    return text[:1].upper() + text[1:]
