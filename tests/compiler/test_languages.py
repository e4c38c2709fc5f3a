"""Language packs: every pack complete and well-formed; German and Spanish routines said in their language
only; a file's own ``[phrases]``; the language chosen by the file, its routines or the run."""

from __future__ import annotations

import re
import string
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from voice_coach.compiler.build import compile_target
from voice_coach.compiler.choices import RunChoices, run_choices
from voice_coach.compiler.phrases import Phrases, SideWord
from voice_coach.compiler.timeline import Chapter, Hold, Rest, Say, Timeline
from voice_coach.errors import RoutineError, UsageError
from voice_coach.routine.language import PHRASE_KEYS, available, language_pack, read_pack
from voice_coach.routine.loader import build_session, load_builtin, load_path
from voice_coach.routine.model import Routine, Session
from voice_coach.routine.routine_file import build_routine

NACKEN = Path(__file__).parent / "german" / "nacken.toml"
PACKS = sorted(available())
WORD = re.compile(r"[^\W\d_]+")


def pack_document(code: str) -> dict[str, Any]:
    folder = resources.files("voice_coach.routine") / "languages"
    return tomllib.loads((folder / f"{code}.toml").read_text("utf-8"))


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def filled(text: str, names: tuple[str, ...]) -> str:
    return text.format(**dict.fromkeys(names, SideWord("x", (("e", "x"), ("en", "x"), ("m", "x")))))


def words_of(text: str) -> set[str]:
    return {word.lower() for word in WORD.findall(re.sub(r"\{\w+\}", " ", text))}


def pack_words(code: str) -> set[str]:
    return set().union(*(words_of(text) for text in language_pack(code).phrases.values()))


def everything_said(timeline: Timeline) -> list[str]:
    """Every phrase and chapter name of a timeline."""
    texts = [b.text for b in timeline.blocks if isinstance(b, Say)]
    texts += [b.title for b in timeline.blocks if isinstance(b, Chapter)]
    return texts + [c.text for b in timeline.blocks if isinstance(b, Hold | Rest) for c in b.cues]


def said(timeline: Timeline, role: str) -> list[str]:
    return [b.text for b in timeline.blocks if isinstance(b, Say) and b.role == role]


def cues(timeline: Timeline) -> set[str]:
    return {c.text for b in timeline.blocks if isinstance(b, Hold | Rest) for c in b.cues}


def assert_no_english(timelines: list[Timeline], language: str) -> None:
    """No word of the English pack that the language's own pack does not use too ("Minute")."""
    english = pack_words("en") - pack_words(language)
    for timeline in timelines:
        assert timeline.language == language
        for text in everything_said(timeline):
            assert not words_of(text) & english, f"English in {text!r}"


def nacken() -> Routine:
    routine = load_path(NACKEN)
    assert isinstance(routine, Routine)
    return routine


# The packs.


def test_english_german_and_spanish_are_shipped() -> None:
    assert {"en", "de", "es"} <= set(PACKS)
    assert available()["de"] == "German"


@pytest.mark.parametrize("code", PACKS)
def test_every_pack_has_exactly_the_english_keys(code: str) -> None:
    document, english = pack_document(code), pack_document("en")
    assert sorted(document) == sorted(english)
    assert sorted(document["phrases"]) == sorted(english["phrases"]) == sorted(PHRASE_KEYS)


@pytest.mark.parametrize("code", PACKS)
def test_every_phrase_has_valid_placeholders(code: str) -> None:
    """Each phrase uses only its key's placeholders, and the same ones as English (a "one" form may spell
    its number instead: "eine Minute")."""
    english = language_pack("en").phrases
    for key, text in language_pack(code).phrases.items():
        used = placeholders(text)
        assert used <= set(PHRASE_KEYS[key]), f"{code}.toml: {key}"
        if not key.endswith("_one"):
            assert used == placeholders(english[key]), f"{code}.toml: {key} says {sorted(used)}"
        assert filled(text, PHRASE_KEYS[key]), key


def test_a_pack_missing_a_phrase_or_with_a_wrong_placeholder_is_refused() -> None:
    document = pack_document("de")
    del document["phrases"]["halfway"]
    with pytest.raises(RoutineError, match=r"x.toml: phrases: lacks halfway"):
        read_pack(document, "x", "x.toml")
    document = pack_document("de")
    document["phrases"]["rest"] = "Pause {set}."
    with pytest.raises(RoutineError, match=r"phrases.rest: cannot contain \{ or \}"):
        read_pack(document, "x", "x.toml")


# German.


def test_a_german_routine_is_framed_in_german() -> None:
    timeline = compile_target(nacken(), RunChoices())
    assert timeline.language == "de"
    assert said(timeline, "equipment") == ["Was du brauchst: ein Stuhl."]
    assert said(timeline, "intro") == ["2 Sätze à 30 Sekunden pro Seite."]
    assert said(timeline, "side") == ["Wir beginnen mit der rechten Seite."]
    assert said(timeline, "switch") == ["Jetzt die linke Seite."]
    assert said(timeline, "set") == ["Satz 1 von 2.", "Letzter Satz."] * 2
    assert said(timeline, "step")[:2] == [
        "Setz dich aufrecht auf den Stuhl.",
        "Neige den Kopf langsam nach rechts, und halte.",
    ]
    assert said(timeline, "outro") == ["Das war die Übung. Gut gemacht."]
    assert [b.title for b in timeline.blocks if isinstance(b, Chapter)][1:] == [
        "Nackendehnung, rechte Seite",
        "Nackendehnung, linke Seite",
    ]
    assert cues(timeline) == {
        "Drei, zwei, eins.",
        "Noch zehn Sekunden.",
        "Pause.",
        "Mach dich bereit.",
        "Nimm dir 10 Sekunden, um alles bereitzulegen.",
    }
    # The sides stay left/right inside the timeline (chapters, holds); only what is said is German.
    assert {b.side for b in timeline.blocks if isinstance(b, Hold)} == {"left", "right"}


def test_everything_a_german_routine_says_is_german() -> None:
    routine = nacken()
    runs = [
        compile_target(routine, RunChoices()),
        compile_target(routine, run_choices(countdown="verbose", hold="2m30s", sets=1)),
        compile_target(routine, run_choices(sides="left", rest="0")),
    ]
    assert cues(runs[1]) >= {"Noch eine Minute.", "Noch eine Minute und 30 Sekunden.", "Halbzeit."}
    assert said(runs[1], "intro") == ["ein Satz à 2 Minuten und 30 Sekunden pro Seite."]
    assert said(runs[2], "side") == ["Nur die linke Seite."]
    assert_no_english(runs, "de")


def german_session(tmp_path: Path, language: str | None) -> Session:
    """nacken and two more German stretches, in a session file that names ``language`` (or none)."""
    (tmp_path / "nacken.toml").write_text(NACKEN.read_text("utf-8"), "utf-8")
    for name, title in (("schultern", "Schulterkreisen"), ("ruecken", "Rückendehnung")):
        (tmp_path / f"{name}.toml").write_text(
            f'id = "{name}"\ntitle = "{title}"\nkind = "Dehnung"\nlanguage = "de"\n'
            'equipment = ["eine Matte oder ein Handtuch"]\nnotes = ["Danach: {next}."]\n'
            'setup = ["Kreise langsam, und halte."]\nhold = "20s"\n',
            "utf-8",
        )
    head = f'language = "{language}"\n' if language else ""
    (tmp_path / "abend.toml").write_text(
        head + 'id = "abend"\ntitle = "Abendprogramm"\nintro = "Heute: {routines}."\n'
        'outro = "Fertig: {count}."\nroutines = ["./nacken.toml", "./schultern.toml", "./ruecken.toml"]\n',
        "utf-8",
    )
    session = load_path(tmp_path / "abend.toml")
    assert isinstance(session, Session)
    return session


@pytest.mark.parametrize("language", ["de", None])
def test_a_german_session_is_framed_in_german(tmp_path: Path, language: str | None) -> None:
    """Said in the session's language, or, when it names none, in the one all its routines name."""
    timeline = compile_target(german_session(tmp_path, language), RunChoices())
    assert said(timeline, "intro")[0] == "Heute: 3 Dehnungen."
    assert said(timeline, "equipment")[0] == (
        "Was du für diese Einheit brauchst: ein Stuhl und eine Matte oder ein Handtuch."
    )
    assert said(timeline, "title") == ["Dehnung 1 von 3: Nackendehnung."]
    assert said(timeline, "next") == ["Dehnung 2 von 3: Schulterkreisen.", "Dehnung 3 von 3: Rückendehnung."]
    assert said(timeline, "note")[-2:] == ["Danach: Rückendehnung.", "Danach: das Ende der Einheit."]
    assert said(timeline, "outro") == ["Fertig: 3 Übungen."]
    two = compile_target(
        german_session(tmp_path, language), run_choices(only=["nacken", "ruecken"], countdown="verbose")
    )
    assert said(two, "intro")[0] == "Heute: Nackendehnung und Rückendehnung."
    assert_no_english([timeline, two], "de")


def test_german_words_durations_and_plurals() -> None:
    german = Phrases.of("de")
    assert [german.duration(ms) for ms in (1000, 60_000, 150_000, 3_601_000)] == [
        "eine Sekunde",
        "eine Minute",
        "2 Minuten und 30 Sekunden",
        "eine Stunde und eine Sekunde",
    ]
    assert [german.counted(n, "set") for n in (0, 1, 2)] == ["0 Sätze", "ein Satz", "2 Sätze"]
    assert [german.plural(kind) for kind in ("Dehnung", "Massage", "Mobilisation")] == [
        "Dehnungen",
        "Massagen",
        "Mobilisationen",
    ]
    assert german.spoken_list(["a", "b", "c"]) == "a, b und c"
    assert german.mid_sentence("Nackendehnung") == "Nackendehnung", "German nouns keep their capital"


def test_german_side_words_may_name_the_sides() -> None:
    text = NACKEN.read_text("utf-8").replace('["right", "left"]', '["rechts", "links"]')
    routine = build_routine(tomllib.loads(text), "nacken.toml")
    assert routine.sides == ("right", "left")
    assert compile_target(routine, RunChoices()) == compile_target(nacken(), RunChoices())


# Spanish.

SPANISH = {
    "id": "cuello",
    "title": "Estiramiento de cuello",
    "kind": "estiramiento",
    "language": "es",
    "equipment": ["una silla", "una toalla o un cojín"],
    "intro": "{sets} de {hold}.",
    "setup": [{"say": "Siéntate recto en la silla.", "pause": "2s"}, "Inclina la cabeza hacia la {side:f}."],
    "reentry": ["Otra vez hacia la {side:f}."],
    "release": "Vuelve al centro despacio.",
    "hold": "30s",
    "sets": 2,
    "rest": "10s",
    "sides": ["derecha", "izquierda"],
}


def test_a_spanish_routine_is_framed_in_spanish() -> None:
    routine = build_routine(SPANISH, "cuello.toml")
    assert routine.sides == ("right", "left")
    timeline = compile_target(routine, RunChoices())
    assert said(timeline, "equipment") == ["Necesitarás una silla y una toalla o un cojín."]
    assert said(timeline, "intro") == ["2 series de 30 segundos."]
    assert said(timeline, "side") == ["Empezamos por el lado derecho."]
    assert said(timeline, "switch") == ["Ahora, el lado izquierdo."]
    assert said(timeline, "set") == ["Serie 1 de 2.", "Última serie."] * 2
    assert "Inclina la cabeza hacia la derecha." in said(timeline, "step")
    assert said(timeline, "outro") == ["Fin de la rutina. Buen trabajo."]
    assert cues(timeline) == {
        "Tres, dos, uno.",
        "Quedan diez segundos.",
        "Descansa.",
        "Prepárate.",
        "Tómate 10 segundos para preparar lo que necesitas.",
    }
    runs = [
        timeline,
        compile_target(routine, run_choices(countdown="verbose", hold="2m30s")),
        compile_target(routine, run_choices(sides="left")),
    ]
    assert cues(runs[1]) >= {
        "Queda un minuto.",
        "Tiempo restante: un minuto y 30 segundos.",
        "Vamos por la mitad.",
    }
    assert said(runs[2], "side") == ["Solo el lado izquierdo."]
    assert_no_english(runs, "es")


def test_spanish_words_durations_and_plurals() -> None:
    spanish = Phrases.of("es")
    assert spanish.duration(3_661_000) == "una hora un minuto y un segundo"
    assert spanish.counted(1, "routine") == "una rutina"
    assert [spanish.plural(k) for k in ("estiramiento", "masaje", "relajación")] == [
        "estiramientos",
        "masajes",
        "relajaciones",
    ]
    assert spanish.spoken_list(["a", "b", "c"]) == "a, b y c"
    assert spanish.mid_sentence("Estiramiento de cuello") == "estiramiento de cuello"


# A file's own phrases.


def test_a_routine_overrides_phrases() -> None:
    document = {
        **tomllib.loads(NACKEN.read_text("utf-8")),
        "phrases": {
            "rest": "Erholung.",
            "set_number": "Runde {set} von {sets}.",
            "right": "nach rechts",
            "start_side": "Wir beginnen {side}.",
        },
    }
    timeline = compile_target(build_routine(document, "nacken.toml"), RunChoices())
    assert said(timeline, "set")[0] == "Runde 1 von 2."
    assert "Erholung." in cues(timeline) and "Pause." not in cues(timeline)
    assert said(timeline, "side") == ["Wir beginnen nach rechts."]


def test_a_session_overrides_phrases_for_all_its_routines() -> None:
    document = {
        "id": "s",
        "title": "S",
        "routines": ["foam-roller", "kneeling-twist"],
        "phrases": {"next_up": "And now: {title}.", "get_ready": "Ready?", "last_set": "Final set."},
    }
    timeline = compile_target(build_session(document, "s.toml", None), RunChoices())
    assert said(timeline, "next") == ["Stretch 2 of 2: kneeling twist stretch."]
    assert "Ready?" in cues(timeline) and "Get ready." not in cues(timeline)
    assert said(timeline, "set").count("Final set.") == 3  # foam roller, then both sides of the twist


def test_unknown_phrase_keys_are_refused_with_the_list() -> None:
    document = {**SPANISH, "phrases": {"get_redy": "¿Listo?"}}
    with pytest.raises(RoutineError) as caught:
        build_routine(document, "cuello.toml")
    message = str(caught.value)
    assert message.startswith("cuello.toml: phrases.get_redy: unknown key; did you mean 'get_ready'?")
    assert "allowed keys: duration_parts, end_of_session, equipment, fetch, get_ready," in message


def test_phrases_may_use_only_their_own_placeholders() -> None:
    with pytest.raises(RoutineError, match=r"phrases.next_up: unknown variable \{titel\}; did you mean"):
        build_routine({**SPANISH, "phrases": {"next_up": "Ahora: {titel}."}}, "cuello.toml")


# Choosing the language.


def test_an_unknown_language_is_refused_naming_the_languages() -> None:
    with pytest.raises(RoutineError) as caught:
        build_routine({**SPANISH, "language": "fr"}, "cuello.toml")
    assert str(caught.value) == (
        "cuello.toml: language: 'fr' is not a language voice-coach speaks; "
        "available: de (German), en (English), es (Spanish)"
    )
    with pytest.raises(RoutineError, match=r"s.toml: language: must be a language code"):
        build_session({"id": "s", "title": "S", "routines": [], "language": ["de"]}, "s.toml", None)
    with pytest.raises(UsageError) as usage:
        run_choices(language="deu")
    assert usage.value.worded(lambda name: f"--{name}") == (
        "--language: 'deu' is not a language voice-coach speaks; available: de (German), en (English), "
        "es (Spanish)"
    )


def test_the_run_may_choose_a_language_the_file_is_written_in() -> None:
    twist = load_builtin("kneeling-twist")
    assert compile_target(twist, RunChoices()).language == "en"
    german = compile_target(twist, run_choices(language="de"))
    assert german.language == "de"
    assert said(german, "side") == ["Wir beginnen mit der rechten Seite."]
    assert "Dreh den Oberkörper nach links, weg von deiner rechten Seite, und halte." in said(german, "step")
    assert_no_english([german], "de")


def test_a_language_the_file_is_not_written_in_is_refused_never_mixed() -> None:
    with pytest.raises(UsageError) as caught:
        compile_target(nacken(), run_choices(language="en"))
    assert caught.value.worded(lambda name: f"--{name}") == (
        "--language: 'nacken' has no English text; it is written in: de (German)"
    )
    session = build_session({"id": "s", "title": "S", "routines": ["foam-roller"]}, "s.toml", None)
    with_intro = build_session(
        {"id": "s", "title": "S", "intro": "Hi.", "routines": ["foam-roller"]}, "s.toml", None
    )
    assert compile_target(session, run_choices(language="es")).language == "es", "no words of its own"
    with pytest.raises(UsageError, match=r"'s' has no Spanish text; it is written in: en \(English\)"):
        compile_target(with_intro, run_choices(language="es"))
