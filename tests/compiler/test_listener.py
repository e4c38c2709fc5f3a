"""What the body hears, in every language (issue 23): sides that cannot be misread, overrides that keep to
the article, where the listener is, time to settle and to fetch things, and real German and Spanish."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest

import voice_coach as vc
from voice_coach.compiler.build import compile_target
from voice_coach.compiler.choices import RunChoices, run_choices
from voice_coach.compiler.cues import settle_ms
from voice_coach.compiler.timeline import Chapter, Hold, Pause, Rest, Say, Timeline, Tone
from voice_coach.compiler.wayfinding import FETCH_MS, TAIL_MS
from voice_coach.errors import UsageError
from voice_coach.routine.language import language_pack
from voice_coach.routine.loader import build_routine, load_builtin
from voice_coach.routine.model import Routine

LANGUAGES = ("en", "de", "es")
SIDED = ("spi-massage", "side-lying-overhead", "kneeling-twist", "standing-overhead")


def timeline_of(target: str, language: str = "en", **choices: object) -> Timeline:
    return compile_target(load_builtin(target), run_choices(language=language, **choices))  # type: ignore[arg-type]


def said(timeline: Timeline, role: str | None = None) -> list[str]:
    return [b.text for b in timeline.blocks if isinstance(b, Say) and role in (None, b.role)]


def side_words(language: str, side: str) -> set[str]:
    """Every form of ``side``'s word in ``language`` ("linke", "linken", ... for German left)."""
    pack = language_pack(language)
    return {pack.phrases[side]} | {pack.side_word(side, form) for form, _, _ in pack.side_forms}


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def steps_by_side(timeline: Timeline) -> list[tuple[str | None, str]]:
    """(the side being treated, text) of every spoken block, the side from the chapter marks."""
    side: str | None = None
    spoken = []
    for block in timeline.blocks:
        if isinstance(block, Chapter):
            side = block.side
        elif isinstance(block, Say):
            spoken.append((side, block.text))
    return spoken


# 1. One meaning for a side: the side being treated, said with how the move relates to it.


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("routine_id", SIDED)
@pytest.mark.parametrize("sides", ["both", "left", "right"])
def test_the_opposite_side_is_never_named_without_the_side_being_treated(
    language: str, routine_id: str, sides: str
) -> None:
    for side, text in steps_by_side(timeline_of(routine_id, language, sides=sides)):
        if side is None:
            continue
        other = "left" if side == "right" else "right"
        if words(text) & side_words(language, other):
            assert words(text) & side_words(language, side), f"{text!r} names only the {other} side"


@pytest.mark.parametrize(
    ("language", "twist"),
    [
        ("en", "Twist your torso to the right, away from your left side, and hold."),
        ("de", "Dreh den Oberkörper nach rechts, weg von deiner linken Seite, und halte."),
        ("es", "Gira el tronco hacia la derecha, alejándote del lado izquierdo, y mantén."),
    ],
)
def test_left_side_pain_twists_to_the_right_away_from_it(language: str, twist: str) -> None:
    """The article: it hurts "especially when twisting away from the side with the pain": that twist
    stretches it. ``--sides left`` is the left side treated, so the twist goes to the right."""
    timeline = timeline_of("kneeling-twist", language, sides="left")
    assert twist in said(timeline, "step")
    assert {h.side for h in timeline.blocks if isinstance(h, Hold)} == {"left"}


@pytest.mark.parametrize(
    ("language", "lie", "arm"),
    [
        (
            "en",
            "Lie down on your left side, so your right side faces up, with your head on the pillow.",
            "Stretch your right arm up over your head, and hold.",
        ),
        (
            "de",
            "Leg dich auf die linke Seite, sodass deine rechte Seite oben ist, den Kopf auf dem Kissen.",
            "Streck den rechten Arm über den Kopf, und halte.",
        ),
        (
            "es",
            "Túmbate sobre el lado izquierdo, de modo que el lado derecho quede arriba, con la cabeza sobre "
            "la almohada.",
            "Estira el brazo derecho por encima de la cabeza y mantén.",
        ),
    ],
)
def test_the_right_side_stretched_lying_on_the_left_says_so(language: str, lie: str, arm: str) -> None:
    steps = said(timeline_of("side-lying-overhead", language, sides="right"), "step")
    assert steps[:3:2] == [lie, arm]


# 2. Overrides within the article.


def test_hold_is_for_stretches_and_a_massage_has_its_own_length() -> None:
    timeline = timeline_of("spi", hold="45s", sets=1)
    lengths = {h.routine_id: h.ms for h in timeline.blocks if isinstance(h, Hold)}
    assert lengths.pop("spi-massage") == 150_000
    assert set(lengths.values()) == {45_000}
    massage = timeline_of("spi", massage="3m")
    assert {h.ms for h in massage.blocks if isinstance(h, Hold) and h.routine_id == "spi-massage"} == {
        180_000
    }


def test_values_outside_the_files_ranges_warn_once_naming_the_range() -> None:
    caught: list[str] = []
    vc.compile("spi", hold="45s", sets=1, massage="45s", warn=caught.append)
    assert caught == [
        "massage 45 s is shorter than 2\u20133 min for spi-massage",
        "hold 45 s is longer than 15\u201330 s for side-lying-overhead and standing-overhead",
        "sets 1 is fewer than 3\u20135 for side-lying-overhead, foam-roller, kneeling-twist, "
        "kneeling-overhead and standing-overhead",
        "massage 45 s is too short for the 5 prompts of spi-massage; some will not be said (give it at "
        "least 1m10s)",
    ]
    within: list[str] = []
    vc.compile("spi", hold="30s", sets=5, massage="3m", warn=within.append)
    assert within == []
    with pytest.warns(vc.VoiceCoachWarning, match=r"hold 45 s is longer than 15\u201330 s for side-lying"):
        vc.compile("side-lying-overhead", hold="45s")


# 4. Where am I.


WHERE = {
    "en": ("Stretch 2 of 5: foam roller stretch.", "About ", "Take 20 seconds to get what you need."),
    "de": (
        "Dehnung 2 von 5: Dehnung mit der Faszienrolle.",
        "Noch etwa ",
        "Nimm dir 20 Sekunden, um alles bereitzulegen.",
    ),
    "es": (
        "Estiramiento 2 de 5: estiramiento con rodillo.",
        "Tiempo restante: unos ",
        "Tómate 20 segundos para preparar lo que necesitas.",
    ),
}


@pytest.mark.parametrize(
    ("language", "numbered", "to_go", "rest"), [(code, *lines) for code, lines in WHERE.items()]
)
def test_the_listener_knows_where_they_are(language: str, numbered: str, to_go: str, rest: str) -> None:
    timeline = timeline_of("spi", language)
    assert numbered in said(timeline, "next")
    times = said(timeline, "time")
    # said before most routines: not where the rounded time left has not changed since the one before
    assert len(times) >= len(timeline.routine_ids) - 2 and all(t.startswith(to_go) for t in times)
    minutes = [int(re.findall(r"\d+", t)[0]) for t in times]
    assert minutes == sorted(minutes, reverse=True) and len(set(minutes)) == len(minutes), "never twice"
    assert minutes[0] >= 30 and minutes[-1] <= 6
    between = [b for b in timeline.blocks if isinstance(b, Rest) and b.role == "between"]
    assert len(between) == len(timeline.routine_ids) - 1
    assert all(rest in {c.text for c in b.cues} for b in between[1:])
    *_, outro, chime, tail = timeline.blocks
    assert isinstance(outro, Say) and outro.role == "outro"
    assert isinstance(chime, Tone) and chime.kind == "close"
    assert isinstance(tail, Pause) and tail.ms >= TAIL_MS >= 3000


def test_a_routine_alone_ends_with_the_closing_chime_too() -> None:
    *_, chime, tail = timeline_of("foam-roller").blocks
    assert isinstance(chime, Tone) and chime.kind == "close" and isinstance(tail, Pause)


# 5. Settle time: the hold counted is the hold done.


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_hold_starts_after_time_to_make_the_moves_just_described(language: str) -> None:
    blocks = timeline_of("spi", language).blocks
    for index, block in enumerate(blocks):
        if isinstance(block, Tone) and block.kind == "start":
            pause, cue = blocks[index - 1], blocks[index - 2]
            assert isinstance(pause, Pause) and isinstance(cue, Say)
            assert pause.ms >= settle_ms(cue.text) >= 1000
    assert settle_ms("Hold.") == 1000
    long = "Lean back, arms crossed, and twist to the left again, away from your right side. Hold."
    assert settle_ms(long) == 3200


# 6. Time to fetch equipment, and the phrasing fixes.


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("routine_id", ["side-lying-overhead", "foam-roller", "spi-massage"])
def test_a_routine_alone_leaves_time_to_fetch_what_it_names(language: str, routine_id: str) -> None:
    blocks = timeline_of(routine_id, language).blocks
    named = next(i for i, b in enumerate(blocks) if isinstance(b, Say) and b.role == "equipment")
    first_step = next(
        i for i, b in enumerate(blocks) if isinstance(b, Say) and b.role in ("side", "set", "step")
    )
    waited = sum(b.ms for b in blocks[named:first_step] if isinstance(b, Rest | Pause))
    assert waited >= FETCH_MS >= 10_000


def test_phrasing_follows_the_article_and_the_listener() -> None:
    massage = timeline_of("spi-massage")
    text = " ".join(said(massage) + [c.text for b in massage.blocks if isinstance(b, Hold) for c in b.cues])
    assert "If steady pressure feels good" in text and "still pressure" not in text
    assert sum("Lie on your back" in t for t in said(massage)) == 1, "not said again to someone lying there"
    assert "Kneel upright on your mat or your knee pad." in said(timeline_of("kneeling-overhead"))


# 7. Real languages.


@pytest.mark.parametrize("language", ["de", "es"])
def test_the_programme_is_said_in_one_language_only(language: str) -> None:
    english = {"the", "your", "and", "side", "left", "right", "hold", "with", "you", "stretch", "over"}
    timeline = timeline_of("spi", language, sides="left")
    texts = said(timeline) + [c.text for b in timeline.blocks if isinstance(b, Hold | Rest) for c in b.cues]
    texts += [b.title for b in timeline.blocks if isinstance(b, Chapter)]
    for text in texts:
        assert not words(text) & english, f"English in {text!r}"


FORMS = {
    "de": [
        "unter die rechte Seite deines unteren Rückens",
        "Heb den rechten Arm über den Kopf.",
        "Wir beginnen mit der rechten Seite.",
        "Jetzt die linke Seite.",
        "Was du brauchst: ein Massageball",
    ],
    "es": [
        "bajo el lado derecho de la zona lumbar",
        "Levanta el brazo derecho por encima de la cabeza.",
        "Empezamos por el lado derecho.",
        "Ahora, el lado izquierdo.",
        "Necesitarás una pelota de masaje",
    ],
}


@pytest.mark.parametrize(("language", "expected"), FORMS.items())
def test_side_words_take_the_form_their_sentence_needs(language: str, expected: list[str]) -> None:
    text = " ".join(said(timeline_of("spi-massage", language)))
    for words_said in expected:
        assert words_said in text
    hip = " ".join(said(timeline_of("standing-overhead", language)))
    assert ("die rechte Hüfte" if language == "de" else "la cadera derecha") in hip


def test_a_language_the_routine_is_not_written_in_is_refused_with_the_ones_it_has() -> None:
    document = {
        "id": "mine",
        "title": "Mine",
        "kind": "stretch",
        "setup": ["Reach up, and hold."],
        "hold": "20s",
    }
    mine = build_routine(document, "mine.toml")
    with pytest.raises(UsageError) as caught:
        compile_target(mine, run_choices(language="de"))
    assert caught.value.worded(lambda name: f"--{name}") == (
        "--language: 'mine' has no German text; it is written in: en (English)"
    )
    assert compile_target(mine, RunChoices()).language == "en"


def test_a_side_without_the_form_its_language_needs_is_flagged_and_a_wrong_form_refused() -> None:
    document = {
        "id": "nacken", "title": "Nacken", "kind": "Dehnung", "language": "de", "hold": "20s",
        "sides": ["right", "left"], "setup": ["Heb den {side} Arm, und halte."],
    }  # fmt: skip
    routine = build_routine(document, "nacken.toml")
    assert isinstance(routine, Routine)
    advice = vc.language_advice(routine)
    assert advice == [
        "nacken.toml: setup[0]: {side} has no form, so it is said 'links'/'rechts'; German needs the form "
        "the sentence asks for, {side:FORM}: adverb (links), e (linke), en (linken), er (linker), es (linkes)"
    ]
    fixed = build_routine({**document, "setup": ["Heb den {side:en} Arm, und halte."]}, "nacken.toml")
    assert vc.language_advice(fixed) == []
    assert "Heb den rechten Arm, und halte." in said(compile_target(fixed, RunChoices()))
    with pytest.raises(
        vc.RoutineError, match=r"setup\[0\]: \{side:m\}: German has no side form 'm'; its forms"
    ):
        build_routine({**document, "setup": ["Heb den {side:m} Arm."]}, "nacken.toml")
    assert all(not vc.language_advice(load_builtin(i)) for i in vc.builtin_ids())


def test_the_equipment_frame_takes_any_noun_phrase() -> None:
    """German says equipment after a colon, in the nominative the file writes: never "brauchst ein
    stabiler Stuhl"."""
    document = {
        "id": "s", "title": "S", "kind": "Dehnung", "language": "de", "equipment": ["ein stabiler Stuhl"],
        "setup": ["Setz dich, und halte."], "hold": "20s",
    }  # fmt: skip
    timeline = compile_target(build_routine(document, "s.toml"), RunChoices())
    assert said(timeline, "equipment") == ["Was du brauchst: ein stabiler Stuhl."]
    for first, second in pairwise(said(timeline)):
        assert first != second


def test_the_config_files_language_is_used_where_the_file_is_written_in_it() -> None:
    """``language = "de"`` in the config file is a preference: a routine written only in English is said in
    English, not refused (``--language de`` would refuse it)."""
    preferred = run_choices(preferred_language="de")
    assert compile_target(load_builtin("kneeling-twist"), preferred).language == "de"
    document = {
        "id": "mine",
        "title": "Mine",
        "kind": "stretch",
        "setup": ["Reach up, and hold."],
        "hold": "20s",
    }
    assert compile_target(build_routine(document, "mine.toml"), preferred).language == "en"
    chosen = run_choices(language="en", preferred_language="de")
    assert compile_target(load_builtin("kneeling-twist"), chosen).language == "en"
