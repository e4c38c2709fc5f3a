"""Language packs: every phrase voice-coach adds to a routine's own words, one file per language
(``languages/<code>.toml``, package data), and the checks of a file's ``language`` and ``[phrases]``.

A pack is part of the routine format: a routine or session file chooses one with ``language = "de"`` and
may replace any of its phrases in a ``[phrases]`` table with the pack's keys. The compiler says them
(``compiler.phrases``); this module only reads and checks them, so a bad file fails when it is loaded.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from voice_coach.routine.model import SIDE_VARIABLES, SIDES, VARIABLES, Reading
from voice_coach.routine.table import Table, check_text, described
from voice_coach.routine.toml_file import parse_toml

DEFAULT_LANGUAGE = "en"
COUNTED = ("set", "routine", "hour", "minute", "second")
"""Nouns said with a number: each has a ``<noun>_one`` and a ``<noun>_many`` phrase with ``{count}``."""
PHRASE_KEYS: dict[str, tuple[str, ...]] = {
    "left": (),
    "right": (),
    "title": ("title",),
    "equipment": ("items",),
    "next_up": ("title",),
    "numbered": ("kind", "number", "count", "title"),
    "time_to_go": ("duration",),
    "rest_between": ("duration",),
    "fetch": ("duration",),
    "routine_outro": (),
    "session_equipment": ("items",),
    "end_of_session": (),
    "start_side": ("side",),
    "one_side": ("side",),
    "switch": VARIABLES,
    "side_chapter": ("title", "side"),
    "set_number": ("set", "sets"),
    "last_set": (),
    "rest": (),
    "get_ready": (),
    "three_two_one": (),
    "ten_seconds_left": (),
    "one_minute_left": (),
    "halfway": (),
    "time_left": ("duration",),
    "list_two": ("first", "last"),
    "list_many": ("first", "last"),
    "or": (),
    **{f"{noun}_{form}": ("count",) for noun in COUNTED for form in ("one", "many")},
    "duration_parts": ("first", "last"),
}
"""Every phrase of a pack, with the placeholders it may use (none has to use any)."""
PACK_KEYS = ("name", "plural_one", "plural_endings", "lowercase_titles", "side_forms", "lexicon", "phrases")
READING_KEYS = ("say", "phonemes")


@dataclass(frozen=True)
class LanguagePack:
    """One language's phrases (``PHRASE_KEYS``, all present) and its rules for plurals and titles."""

    code: str
    name: str
    phrases: dict[str, str]
    plural_one: tuple[int, ...] = (1,)
    """Counts said with a ``*_one`` phrase; every other count takes ``*_many``."""
    plural_endings: tuple[tuple[str, str], ...] = (("", "s"),)
    """(ending, replacement) in order: the plural of a routine's kind replaces the first that matches."""
    lowercase_titles: bool = True
    """Whether a title inside a sentence starts lowercase (English, Spanish; not German)."""
    side_forms: tuple[tuple[str, str, str], ...] = ()
    """(form, left, right): the side words a sentence may ask for with ``{side:FORM}`` ("den {side:en}
    Arm" → "den linken Arm"). A language with forms needs one in every ``{side}`` of a routine's text."""
    lexicon: tuple[Reading, ...] = ()
    """How the engines should read words of the built-in content ("serratus", "massager")."""

    def side_word(self, side: str, form: str) -> str:
        """``left``/``right`` said in ``form`` ("" : the pack's own ``left``/``right`` phrase)."""
        for name, left, right in self.side_forms:
            if name == form:
                return left if side == "left" else right
        return self.phrases[side]

    def described_forms(self) -> str:
        """``adverb (links), e (linke), ...``, for messages."""
        return ", ".join(f"{name} ({left})" for name, left, _ in self.side_forms)


def available() -> dict[str, str]:
    """Every language voice-coach speaks: code → name (English), in code order."""
    return dict(_names())


@cache
def _names() -> tuple[tuple[str, str], ...]:
    folder = resources.files("voice_coach.routine") / "languages"
    codes = sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))
    return tuple((code, language_pack(code).name) for code in codes)


def described_languages() -> str:
    """``de (German), en (English), es (Spanish)``, for messages."""
    return ", ".join(f"{code} ({name})" for code, name in available().items())


def check_language(value: object) -> str:
    """``value`` if it names a language pack; ValueError listing the languages otherwise."""
    if not isinstance(value, str):
        raise ValueError(f'must be a language code such as "de", got {described(value)}')
    if value not in available():
        known = described_languages()
        raise ValueError(f"{value!r} is not a language voice-coach speaks; available: {known}")
    return value


@cache
def language_pack(code: str) -> LanguagePack:
    """The pack of language ``code`` (checked with ``check_language``), read once per process."""
    source = f"language pack {code}.toml"
    raw = (resources.files("voice_coach.routine") / "languages" / f"{code}.toml").read_bytes()
    return read_pack(parse_toml(raw, source), code, source)


def read_pack(document: dict[str, Any], code: str, source: str) -> LanguagePack:
    """A pack from a parsed file: every key of ``PHRASE_KEYS`` present, with its placeholders only."""
    table = Table(document, source)
    table.check_keys(PACK_KEYS)
    phrases = dict(read_phrases(table))
    missing = [key for key in PHRASE_KEYS if key not in phrases]
    if missing:
        raise table.fail("phrases", f"lacks {', '.join(missing)}; a pack has every phrase of en.toml")
    pack = LanguagePack(
        code,
        table.text("name", (), required=True) or code,
        phrases,
        tuple(_whole_numbers(table, "plural_one")),
        tuple(_endings(table)),
        _flag(table, "lowercase_titles"),
        _side_forms(table),
        read_lexicon(table),
    )
    for key, text in phrases.items():
        check_side_forms(table.fail_at, f"phrases.{key}", text, pack)
    return pack


def read_language(table: Table) -> str | None:
    """A file's ``language``: a pack's code, or None when the file names none."""
    if not table.has("language"):
        return None
    try:
        return check_language(table.get("language"))
    except ValueError as error:
        raise table.fail("language", str(error)) from None


def read_phrases(table: Table) -> tuple[tuple[str, str], ...]:
    """A file's ``[phrases]`` table: pack keys only (unknown ones refused with the list), each phrase with
    the placeholders its key allows."""
    sub = table.table("phrases", PHRASE_KEYS)
    if sub is None:
        return ()
    return tuple((key, check_text(value, sub, key, PHRASE_KEYS[key])) for key, value in sub.data.items())


def read_lexicon(table: Table) -> tuple[Reading, ...]:
    """A file's ``[lexicon]``: ``word = "respelling"``, or ``word = { say = "...", phonemes = "..." }``
    (phonemes in the alphabet of the engines that take them: misaki's, for hibari)."""
    sub = _lexicon_table(table)
    if sub is None:
        return ()
    readings: list[Reading] = []
    for word, value in sub.data.items():
        if not word.strip() or " " in word.strip():
            raise sub.fail(word, "a lexicon entry is one word; write each word of a phrase on its own")
        if isinstance(value, str):
            readings.append((word, check_text(value, sub, word, ()), ""))
            continue
        entry = sub.table(word, READING_KEYS)
        if entry is None or not entry.data:
            raise sub.fail(word, 'must be a respelling, or { say = "...", phonemes = "..." }')
        say, phonemes = entry.text("say", ()), entry.text("phonemes", ())
        readings.append((word, say or "", phonemes or ""))
    return tuple(readings)


def _lexicon_table(table: Table) -> Table | None:
    value = table.get("lexicon")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise table.fail(
            "lexicon",
            f'must be a table of words, such as {{ serratus = "ser-RAY-tus" }}, got {described(value)}',
        )
    return Table(value, table.source, table.where("lexicon"))


def check_side_forms(fail: Any, where: str, text: str, pack: LanguagePack) -> None:
    """Nothing if every ``{side:FORM}`` in ``text`` names a form of ``pack``; ``fail(where, problem)``
    raised otherwise (the form is the language's: German ``en``, Spanish ``m``)."""
    known = {name for name, _, _ in pack.side_forms}
    for name, form in side_placeholders(text):
        if form and form not in known:
            forms = (
                f"its forms: {pack.described_forms()}" if known else "it has one form: write {" + name + "}"
            )
            raise fail(where, f"{{{name}:{form}}}: {pack.name} has no side form {form!r}; {forms}")


def side_placeholders(text: str) -> list[tuple[str, str]]:
    """(variable, form) of every ``{side}``/``{other}`` in ``text`` ("" when it names no form)."""
    return [
        (name, spec or "") for _, name, spec, _ in string.Formatter().parse(text) if name in SIDE_VARIABLES
    ]


def missing_form_advice(where: str, text: str, pack: LanguagePack) -> list[str]:
    """A warning for each ``{side}`` without a form in a language that needs one."""
    if not pack.side_forms:
        return []
    return [
        f"{where}: {{{name}}} has no form, so it is said {pack.phrases['left']!r}/{pack.phrases['right']!r}; "
        f"{pack.name} needs the form the sentence asks for, {{{name}:FORM}}: {pack.described_forms()}"
        for name, form in side_placeholders(text)
        if not form
    ]


def side_names(language: str | None) -> dict[str, str]:
    """What a routine file may write in ``sides``: ``left``/``right``, and the language's own words for
    them (``links``/``rechts``), each mapped to ``left`` or ``right``."""
    names = {side: side for side in SIDES}
    if language is not None:
        names |= {language_pack(language).phrases[side]: side for side in SIDES}
    return names


def _side_forms(table: Table) -> tuple[tuple[str, str, str], ...]:
    value = table.get("side_forms")
    if not isinstance(value, dict) or not all(
        isinstance(v, list) and len(v) == 2 and all(isinstance(w, str) for w in v) for v in value.values()
    ):
        raise table.fail("side_forms", 'must be a table of forms, each ["left word", "right word"]')
    return tuple((str(name), str(pair[0]), str(pair[1])) for name, pair in value.items())


def _whole_numbers(table: Table, key: str) -> list[int]:
    value = table.get(key)
    if not isinstance(value, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in value):
        raise table.fail(key, f"must be a list of whole numbers, such as [1], got {described(value)}")
    return value


def _endings(table: Table) -> list[tuple[str, str]]:
    value = table.get("plural_endings")
    pairs: list[Any] = value if isinstance(value, list) else [None]
    if not all(isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) for s in p) for p in pairs):
        raise table.fail("plural_endings", 'must be a list of ["ending", "replacement"] pairs')
    if not pairs or pairs[-1][0] != "":
        raise table.fail("plural_endings", 'must end with a pair for every other word, such as ["", "s"]')
    return [(str(ending), str(replacement)) for ending, replacement in pairs]


def _flag(table: Table, key: str) -> bool:
    value = table.get(key)
    if not isinstance(value, bool):
        raise table.fail(key, f"must be true or false, got {described(value)}")
    return value
