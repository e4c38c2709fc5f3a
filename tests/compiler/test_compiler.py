"""Compiler and scheduler: golden timelines of built-ins, overrides, countdowns, cue collisions, properties.

Golden files: ``golden/<id>.json`` beside this file hold the scheduled timeline of every built-in with
estimated phrase lengths. After a deliberate change, regenerate them with
``UPDATE_GOLDEN=1 pytest tests/compiler/test_compiler.py`` and review the diff before committing.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voice_coach.compiler.build import compile_target
from voice_coach.compiler.choices import Overrides, RunChoices, Selection, apply_overrides, personal_overrides
from voice_coach.compiler.cues import COUNTDOWNS, CUE_SPACING_MS, Countdown, hold_cues
from voice_coach.compiler.estimate import estimate_ms
from voice_coach.compiler.phrases import Phrases
from voice_coach.compiler.schedule import CUE_GAP_MS, SAY_GAP_MS, Schedule, place_cues, schedule
from voice_coach.compiler.timeline import Chapter, Cue, Hold, Rest, Say, Timeline
from voice_coach.durations import parse_duration
from voice_coach.errors import UsageError
from voice_coach.output.script import timeline_json
from voice_coach.routine.library import builtin_ids
from voice_coach.routine.loader import load_builtin
from voice_coach.routine.model import Range, Routine, Session, SessionItem, Step
from voice_coach.routine.routine_file import build_routine

GOLDEN = Path(__file__).parent / "golden"
ENGLISH = Phrases.of("en")


def plan_of(target: Routine | Session, options: RunChoices | None = None) -> Schedule:
    return schedule(compile_target(target, options or RunChoices()), estimate_ms, 1000)


def options(**overrides: Any) -> RunChoices:
    """RunChoices with global overrides (``hold_ms=20_000``), a selection and a countdown level."""
    selection = overrides.pop("selection", Selection())
    countdown = overrides.pop("countdown", "standard")
    return RunChoices(Overrides(**overrides), selection, countdown)


def builtin_routine(routine_id: str) -> Routine:
    routine = load_builtin(routine_id)
    assert isinstance(routine, Routine)
    return routine


def holds(timeline: Timeline) -> list[tuple[str, str | None, int, int]]:
    """(routine, side, set, ms) of every hold, in order."""
    return [(b.routine_id, b.side, b.set, b.ms) for b in timeline.blocks if isinstance(b, Hold)]


def said(timeline: Timeline, role: str | None = None) -> list[str]:
    return [b.text for b in timeline.blocks if isinstance(b, Say) and (role is None or b.role == role)]


# Golden timelines.


@pytest.mark.parametrize("routine_id", builtin_ids())
def test_golden_timeline(routine_id: str) -> None:
    data = timeline_json(plan_of(load_builtin(routine_id)), "estimated")
    path = GOLDEN / f"{routine_id}.json"
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, "utf-8")
    assert path.exists(), f"no golden file for {routine_id}; run UPDATE_GOLDEN=1 pytest {__file__}"
    assert json.loads(path.read_text("utf-8")) == data, f"{path.name} differs; see the module docstring"


def test_no_stale_golden_files() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == builtin_ids()


def test_compiling_is_deterministic() -> None:
    spi = load_builtin("spi")
    assert compile_target(spi, RunChoices()) == compile_target(load_builtin("spi"), RunChoices())


# The program the issue asks for.


def test_kneeling_twist_twenty_seconds_four_sets() -> None:
    timeline = compile_target(load_builtin("kneeling-twist"), options(hold_ms=20_000, sets=4))
    expected = [("kneeling-twist", side, n, 20_000) for side in ("right", "left") for n in (1, 2, 3, 4)]
    assert holds(timeline) == expected
    blocks = list(timeline.blocks)
    last_right = max(i for i, b in enumerate(blocks) if isinstance(b, Hold) and b.side == "right")
    first_left = min(i for i, b in enumerate(blocks) if isinstance(b, Hold) and b.side == "left")
    between = blocks[last_right:first_left]
    assert [b.text for b in between if isinstance(b, Say) and b.role == "switch"] == ["Now the left side."]
    assert not [b for b in between if isinstance(b, Rest)], "no set rest across the side switch"
    assert said(timeline, "set") == ["Set 1 of 4.", "Set 2 of 4.", "Set 3 of 4.", "Last set."] * 2
    chapters = [b.title for b in blocks if isinstance(b, Chapter)]
    assert chapters == [
        "Kneeling twist stretch",
        "Kneeling twist stretch, right side",
        "Kneeling twist stretch, left side",
    ]
    # The routine's own mark shares its place with the first side's: one chapter per side, from 0.
    plan = schedule(timeline, estimate_ms, 1000)
    assert [(c.title, c.start) for c in plan.chapters()][:1] == [("Kneeling twist stretch, right side", 0)]
    assert [c.side for c in plan.chapters()] == ["right", "left"]


def test_spi_follows_the_order_of_care() -> None:
    timeline = compile_target(load_builtin("spi"), RunChoices())
    assert timeline.routine_ids == (
        "locate-spi",
        "spi-massage",
        "side-lying-overhead",
        "foam-roller",
        "kneeling-twist",
        "kneeling-overhead",
        "standing-overhead",
    )
    massage = [h for h in holds(timeline) if h[0] == "spi-massage"]
    assert massage == [("spi-massage", "right", 1, 150_000), ("spi-massage", "left", 1, 150_000)]
    between = [b for b in timeline.blocks if isinstance(b, Rest) and b.role == "between"]
    assert [b.ms for b in between] == [20_000] * 6
    assert said(timeline, "next")[:3] == [
        "Next up: Self-massage.",
        "Stretch 1 of 5: side-lying overhead stretch.",
        "Stretch 2 of 5: foam roller stretch.",
    ]


@pytest.mark.parametrize("routine_id", [i for i in builtin_ids() if i != "spi"])
def test_builtin_holds_and_sets_lie_in_the_article_ranges(routine_id: str) -> None:
    routine = load_builtin(routine_id)
    assert isinstance(routine, Routine)
    if routine.hold is None:
        assert routine.kind == "locate"
        return
    if routine.kind == "stretch":
        assert 15_000 <= routine.hold.default <= 30_000
        assert routine.sets.min == 3 and routine.sets.max == 5 and routine.sets.contains(routine.sets.default)
    else:
        assert (routine.hold.min, routine.hold.max) == (120_000, 180_000)


# Overrides land where they should.

TWIST = "kneeling-twist"


def test_hold_override_reaches_every_stretch_and_massage_its_own_option() -> None:
    """``hold`` is a stretch's hold; a massage (the article: 2-3 minutes a side) keeps its length unless
    ``massage`` sets it."""
    timeline = compile_target(load_builtin("spi"), options(hold_ms=25_000))
    by_routine = {h[0]: h[3] for h in holds(timeline)}
    assert by_routine.pop("spi-massage") == 150_000
    assert set(by_routine.values()) == {25_000}
    assert "locate-spi" not in by_routine
    both = compile_target(load_builtin("spi"), options(hold_ms=25_000, massage_ms=180_000))
    assert {h[3] for h in holds(both) if h[0] == "spi-massage"} == {180_000}
    alone = compile_target(load_builtin("spi-massage"), options(hold_ms=25_000))
    assert {h[3] for h in holds(alone)} == {150_000}


def test_sets_override() -> None:
    timeline = compile_target(load_builtin("foam-roller"), options(sets=5))
    assert [h[2] for h in holds(timeline)] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(("rest_ms", "rests"), [(15_000, [15_000] * 4), (0, [])])
def test_rest_override(rest_ms: int, rests: list[int]) -> None:
    timeline = compile_target(load_builtin(TWIST), options(rest_ms=rest_ms))
    assert [b.ms for b in timeline.blocks if isinstance(b, Rest) and b.role == "rest"] == rests


@pytest.mark.parametrize(
    ("choice", "sides"),
    [("left", ["left"]), ("right", ["right"]), ("both", ["right", "left"]), ("none", ["right"])],
)
def test_sides_override_on_a_sided_routine(choice: str, sides: list[str]) -> None:
    timeline = compile_target(load_builtin(TWIST), options(sides=choice))
    assert list(dict.fromkeys(h[1] for h in holds(timeline))) == sides
    if len(sides) == 1:
        assert said(timeline, "side") == [f"{sides[0].capitalize()} side only."]
        assert said(timeline, "switch") == []
    text = " ".join(said(timeline))
    assert "{" not in text and "to the ," not in text


def test_sides_none_drops_sides_where_no_step_names_one() -> None:
    routine = apply_overrides(_routine(sides=("left", "right")), Overrides(sides="none"))
    assert routine.sides == ()


def test_sides_on_a_routine_without_sides() -> None:
    """A single routine does what it is told; in a session only sided routines follow a global --sides."""
    alone = compile_target(load_builtin("foam-roller"), options(sides="both"))
    assert [h[1] for h in holds(alone)] == ["left"] * 3 + ["right"] * 3
    spi = compile_target(load_builtin("spi"), options(sides="left"))
    assert {h[0]: h[1] for h in holds(spi)} == {
        "spi-massage": "left",
        "side-lying-overhead": "left",
        "foam-roller": None,
        "kneeling-twist": "left",
        "kneeling-overhead": None,
        "standing-overhead": "left",
    }
    own = Selection(per_routine={"foam-roller": Overrides(sides="right")})
    spi = compile_target(load_builtin("spi"), options(selection=own))
    assert {h[1] for h in holds(spi) if h[0] == "foam-roller"} == {"right"}


def test_per_routine_override_beats_the_global_one() -> None:
    selection = Selection(per_routine={TWIST: Overrides(hold_ms=20_000, sets=4)})
    timeline = compile_target(load_builtin("spi"), options(hold_ms=25_000, selection=selection))
    by_routine: dict[str, set[int]] = {}
    for routine_id, _, _, ms in holds(timeline):
        by_routine.setdefault(routine_id, set()).add(ms)
    assert by_routine.pop(TWIST) == {20_000}
    assert by_routine.pop("spi-massage") == {150_000}
    assert set(map(frozenset, by_routine.values())) == {frozenset({25_000})}
    assert [h[2] for h in holds(timeline) if h[0] == TWIST] == [1, 2, 3, 4] * 2


def test_only_keeps_session_order_and_skip_drops() -> None:
    only = Selection(only=("standing-overhead", "foam-roller"))
    assert compile_target(load_builtin("spi"), options(selection=only)).routine_ids == (
        "foam-roller",
        "standing-overhead",
    )
    skip = Selection(skip=("locate-spi", "spi-massage"))
    assert compile_target(load_builtin("spi"), options(selection=skip)).routine_ids[:2] == (
        "side-lying-overhead",
        "foam-roller",
    )


def test_rest_after_overrides_the_session_rest() -> None:
    routines = [builtin_routine(i) for i in ("foam-roller", TWIST, "kneeling-overhead")]
    items = (SessionItem(routines[0], 0), SessionItem(routines[1], 45_000), SessionItem(routines[2], 5_000))
    session = Session("s", "S", "s.toml", items, rest_ms=20_000)
    timeline = compile_target(session, RunChoices())
    assert [b.ms for b in timeline.blocks if isinstance(b, Rest) and b.role == "between"] == [45_000]
    assert "Stretch 2 of 3: kneeling twist stretch." in said(timeline, "next")


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        (
            Selection(only=("nosuch",)),
            "--only nosuch: 'spi' has no routine 'nosuch'; its routines are: locate-spi, spi-massage, "
            "side-lying-overhead, foam-roller, kneeling-twist, kneeling-overhead, standing-overhead",
        ),
        (
            Selection(skip=("foam-rollr",)),
            "--skip foam-rollr: 'spi' has no routine 'foam-rollr'; did you mean 'foam-roller'? its routines "
            "are: locate-spi, spi-massage, side-lying-overhead, foam-roller, kneeling-twist, "
            "kneeling-overhead, standing-overhead",
        ),
        (
            Selection(only=("foam-roller",), skip=("foam-roller",)),
            "--only/--skip left no routine to run; see the routines with 'voice-coach show'",
        ),
    ],
)
def test_bad_selection(selection: Selection, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        compile_target(load_builtin("spi"), options(selection=selection))
    # The library names the values; the CLI words them as its flags.
    assert caught.value.worded(lambda name: f"--{name}") == message
    assert str(caught.value) == message.replace("--", "")


# Countdown levels.


FINAL, TEN, HALF = "Three, two, one.", "Ten seconds left.", "Halfway."


@pytest.mark.parametrize(
    ("countdown", "hold_ms", "during", "expected"),
    [
        ("none", 30_000, (), []),
        ("minimal", 30_000, (), [FINAL]),
        ("standard", 30_000, (), [FINAL, TEN]),
        ("standard", 39_999, (), [FINAL, TEN]),
        ("standard", 40_000, (), [FINAL, TEN, HALF]),
        ("standard", 15_000, (), [FINAL]),
        ("standard", 19_999, (), [FINAL]),
        ("standard", 5_000, (), [FINAL]),
        ("standard", 20_000, (), [FINAL, TEN]),
        ("standard", 150_000, ("Breathe.",), ["Breathe.", FINAL, TEN, "One minute left."]),
        ("verbose", 30_000, (), [FINAL, TEN, "20 seconds left."]),
        ("verbose", 60_000, ("B.",), ["B.", FINAL, TEN, *(f"{n} seconds left." for n in (20, 30, 40, 50))]),
        ("verbose", 70_000, (), [FINAL, TEN, HALF, "1 minute left."]),
        (
            "verbose",
            150_000,
            (),
            [FINAL, TEN, "One minute left.", HALF, "1 minute 30 seconds left.", "2 minutes left."],
        ),
    ],
)
def test_countdown_levels(
    countdown: Countdown, hold_ms: int, during: tuple[str, ...], expected: list[str]
) -> None:
    assert [c.text for c in hold_cues(hold_ms, during, countdown, ENGLISH)] == expected


def test_countdown_cues_are_anchored_to_the_end() -> None:
    cues = {c.text: c for c in hold_cues(40_000, (), "standard", ENGLISH)}
    assert {t: (c.anchor, c.offset_ms, c.window_ms) for t, c in cues.items()} == {
        "Three, two, one.": ("end", 0, 0),
        "Ten seconds left.": ("end", 10_000, 0),
        "Halfway.": ("end", 20_000, 0),
    }
    # Prompts are spread evenly, each free to move within half an interval either way.
    prompts = hold_cues(40_000, ("a", "b", "c"), "none", ENGLISH)
    assert [(c.anchor, c.offset_ms, c.window_ms) for c in prompts] == [
        ("start", 10_000, 5_000),
        ("start", 20_000, 5_000),
        ("start", 30_000, 5_000),
    ]


def test_countdown_in_a_scheduled_hold() -> None:
    timeline = compile_target(load_builtin("kneeling-overhead"), options(sets=1))
    plan = schedule(timeline, estimate_ms, 1000)
    slot = next(s for s in plan.slots if isinstance(s.block, Hold))
    assert slot.length == 30_000
    assert [(s.text, s.end) for s in slot.speech] == [
        ("Ten seconds left.", slot.end - 10_000),
        ("Three, two, one.", slot.end),
    ]


# The collision rule (schedule.place_cues): by priority; anchored cues are dropped (never moved) when outside
# or too close, prompts move within their window first.


def lengths(table: dict[str, int]) -> Callable[[str], int]:
    return lambda text: table[text]


def same(ms: int) -> int:
    return ms


def test_cue_longer_than_its_block_is_dropped() -> None:
    cue = Cue("Ten seconds left.", "end", 10_000, 4, "countdown")
    placed, lost = place_cues((cue,), 0, 5_000, lengths({"Ten seconds left.": 1_500}), same)
    assert placed == ()
    assert lost == [(cue, "does not fit in the block")]


def test_long_phrase_does_not_fit_a_tight_hold() -> None:
    cue = Cue("Three, two, one.", "end", 0, 5, "countdown")
    placed, lost = place_cues((cue,), 1_000, 2_000, lengths({"Three, two, one.": 2_001}), same)
    assert (placed, [why for _, why in lost]) == ((), ["does not fit in the block"])
    placed, lost = place_cues((cue,), 1_000, 2_000, lengths({"Three, two, one.": 2_000}), same)
    assert [(s.start, s.end) for s in placed] == [(1_000, 3_000)] and lost == []


def test_higher_priority_wins_and_the_other_is_dropped_not_moved() -> None:
    final = Cue("Three, two, one.", "end", 0, 5, "countdown")
    ten = Cue("Ten seconds left.", "end", 10_000, 4, "countdown")
    prompt = Cue("Breathe slowly and deeply.", "start", 1_000, 1, "prompt")
    table = {"Three, two, one.": 1_200, "Ten seconds left.": 1_500, "Breathe slowly and deeply.": 3_000}
    placed, lost = place_cues((prompt, ten, final), 0, 12_000, lengths(table), same)
    assert [(s.text, s.start, s.end) for s in placed] == [
        ("Ten seconds left.", 500, 2_000),
        ("Three, two, one.", 10_800, 12_000),
    ]
    assert lost == [(prompt, "would overlap another cue")]


@pytest.mark.parametrize(("gap", "kept"), [(CUE_GAP_MS, True), (CUE_GAP_MS - 1, False)])
def test_cues_need_a_quarter_second_between_them(gap: int, kept: bool) -> None:
    first = Cue("a", "start", 0, 5, "x")
    second = Cue("b", "start", 1_000 + gap, 1, "x")
    placed, lost = place_cues((first, second), 0, 10_000, lengths({"a": 1_000, "b": 1_000}), same)
    assert [s.text for s in placed] == (["a", "b"] if kept else ["a"])
    assert len(lost) == (0 if kept else 1)


def test_dropped_cues_are_reported_with_their_block() -> None:
    routine = _routine(hold=Range(3_000), during=("A very long breathing prompt that will never fit.",))
    plan = plan_of(routine, options(countdown="minimal"))
    index = next(i for i, b in enumerate(plan.timeline.blocks) if isinstance(b, Hold))
    assert [(d.text, d.block_index, d.reason) for d in plan.dropped] == [
        ("A very long breathing prompt that will never fit.", index, "does not fit in the block")
    ]


# Variables.


def test_variables_are_filled_everywhere() -> None:
    document = {
        "id": "vars",
        "title": "Vars",
        "kind": "stretch",
        "intro": "Do {sets} of {hold}, then {next}.",
        "notes": ["{sets}."],
        "setup": ["Set {set}, {side} side, not the {other}, hold {hold}."],
        "during": ["Breathe, {side} side, set {set}."],
        "hold": "45s",
        "sets": 2,
        "sides": ["left", "right"],
    }
    timeline = compile_target(build_routine(document, "vars.toml"), RunChoices())
    assert said(timeline, "intro") == ["Do 2 sets of 45 seconds, then the end of the session."]
    assert said(timeline, "note") == ["2 sets."]
    assert said(timeline, "step") == [
        f"Set {n}, {side} side, not the {other}, hold 45 seconds."
        for side, other in (("left", "right"), ("right", "left"))
        for n in (1, 2)
    ]
    prompts = [c.text for b in timeline.blocks if isinstance(b, Hold) for c in b.cues if c.role == "prompt"]
    assert prompts == [f"Breathe, {side} side, set {n}." for side in ("left", "right") for n in (1, 2)]


def test_next_is_the_following_routine_of_a_session() -> None:
    first = build_routine(
        {"id": "a", "title": "A", "kind": "k", "setup": ["Then {next}."]},
        "a.toml",
    )
    session = Session("s", "S", "s.toml", (SessionItem(first), SessionItem(builtin_routine(TWIST))))
    assert said(compile_target(session, RunChoices()), "step")[0] == "Then Kneeling twist stretch."


# Properties: any valid routine, any overrides, any phrase lengths.

TEXT = st.text(alphabet="abc ,.", min_size=1, max_size=30).filter(str.strip)


def _routine(**fields: Any) -> Routine:
    base: dict[str, Any] = {"id": "r", "title": "R", "kind": "stretch", "source": "r.toml"}
    base |= {"setup": (Step("Go."),), "hold": Range(20_000)}
    return Routine(**(base | fields))


@st.composite
def routines(draw: st.DrawFn) -> Routine:
    sides = draw(st.sampled_from([(), ("left",), ("right",), ("left", "right"), ("right", "left")]))
    has_hold = draw(st.booleans())
    variables = ["", " {set}", " {sets}", " {next}"] + [" {side}"] * bool(sides) + [" {hold}"] * has_hold
    phrase = st.builds(lambda t, v: t + v, TEXT, st.sampled_from(variables))
    step = st.builds(Step, phrase, st.integers(0, 5_000))
    hold = Range(draw(st.integers(1, 600_000))) if has_hold else None
    return Routine(
        id="r",
        title=draw(TEXT),
        kind="stretch",
        source="r.toml",
        equipment=tuple(draw(st.lists(TEXT, max_size=2))),
        intro=draw(st.none() | TEXT),
        notes=tuple(draw(st.lists(TEXT, max_size=2))),
        setup=tuple(draw(st.lists(step, min_size=1, max_size=3))),
        reentry=tuple(draw(st.lists(step, max_size=2))) if has_hold else (),
        release=draw(st.none() | step) if has_hold else None,
        during=tuple(draw(st.lists(phrase, max_size=4))) if has_hold else (),
        hold=hold,
        sets=Range(draw(st.integers(1, 6))) if has_hold else Range(1),
        rest_ms=draw(st.integers(0, 60_000)) if has_hold else 0,
        sides=sides,
        switch=draw(phrase),
    )


OVERRIDES = st.builds(
    Overrides,
    st.none() | st.integers(1, 300_000),
    st.none() | st.integers(1, 6),
    st.none() | st.integers(0, 30_000),
    st.none() | st.sampled_from(["left", "right", "both", "none"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    routines(),
    OVERRIDES,
    st.sampled_from(COUNTDOWNS),
    st.integers(1, 400),
    st.integers(0, 3_000),
    st.sampled_from([1000, 22_050, 44_100]),
)
def test_properties_of_any_routine(
    routine: Routine, overrides: Overrides, countdown: Countdown, per_char: int, base: int, rate: int
) -> None:
    def phrase_length(text: str) -> int:  # any lengths, in samples: cues must still never overlap
        return (len(text) * per_char + base) * rate // 1000

    timeline = compile_target(routine, RunChoices(overrides, countdown=countdown))
    plan = schedule(timeline, phrase_length, rate)
    applied = apply_overrides(routine, overrides)

    # Holds in the timeline are the routine's holds: every side, every set, the exact length.
    if applied.hold is None:
        assert holds(timeline) == []
    else:
        sides = applied.sides or (None,)
        numbers = range(1, applied.sets.default + 1)
        assert holds(timeline) == [("r", side, n, applied.hold.default) for side in sides for n in numbers]
    for slot in plan.slots:
        if isinstance(slot.block, Hold | Rest):
            assert slot.length == slot.block.ms * rate // 1000

    # Total time is the sum of the blocks, laid end to end.
    assert plan.total == sum(slot.length for slot in plan.slots)
    for slot, following in pairwise(plan.slots):
        assert following.start == slot.end

    # Speech never overlaps speech, and overlaid cues stay inside their block.
    speech = plan.speech()
    for before, after in pairwise(speech):
        assert before.end <= after.start, (before, after)
    for slot in plan.slots:
        assert all(slot.start <= s.start and s.end <= slot.end for s in slot.speech)
        if isinstance(slot.block, Say):
            assert slot.length == phrase_length(slot.block.text) + SAY_GAP_MS * rate // 1000

    # Chapters come in time order and tile the session from 0 to the end.
    chapters = plan.chapters()
    assert chapters and chapters[0].start == 0 and chapters[-1].end == plan.total
    for chapter, next_chapter in pairwise(chapters):
        assert chapter.start < chapter.end == next_chapter.start

    # No placeholder is left unfilled.
    assert not any("{" in text or "}" in text for text in timeline.phrases())


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from([i for i in builtin_ids() if i != "spi"]), min_size=1, max_size=7, unique=True),
    OVERRIDES,
    st.sampled_from(COUNTDOWNS),
)
def test_properties_of_any_session(ids: list[str], overrides: Overrides, countdown: Countdown) -> None:
    items = tuple(SessionItem(builtin_routine(i)) for i in ids)
    session = Session("s", "S", "s.toml", items, intro="Hello.", outro="Bye.")
    plan = plan_of(session, RunChoices(overrides, countdown=countdown))
    assert plan.timeline.routine_ids == tuple(ids)
    speech = plan.speech()
    assert all(a.end <= b.start for a, b in pairwise(speech))
    chapters = plan.chapters()
    assert [c.start for c in chapters] == sorted(c.start for c in chapters)
    assert plan.total == sum(slot.length for slot in plan.slots)
    # One chapter per routine and side, from 0, and none a stub: each holds a hold of its own.
    expected = [
        (r.id, side)
        for r in map(builtin_routine, ids)
        for side in apply_overrides(r, personal_overrides(r, RunChoices(overrides))).sides or (None,)
    ]
    assert [(c.routine_id, c.side) for c in chapters] == expected
    assert chapters[0].start == 0
    hold_starts = [slot.start for slot in plan.slots if isinstance(slot.block, Hold)]
    assert all(
        any(c.start <= h < c.end for h in hold_starts) for c in chapters if c.routine_id != "locate-spi"
    )


# What a listener on the mat hears: announce before instructing, equipment before it is needed, nothing twice.


def blocks_of(target: Routine | Session, **choices: Any) -> list[Any]:
    return list(compile_target(target, options(**choices)).blocks)


def test_the_switch_announces_and_the_setup_follows_before_the_hold() -> None:
    """A listener acts on the first instruction they hear: after a side switch it is the first setup step."""
    for routine_id in ("kneeling-twist", "standing-overhead", "side-lying-overhead", "spi-massage"):
        routine = builtin_routine(routine_id)
        blocks = blocks_of(routine)
        switch = next(i for i, b in enumerate(blocks) if isinstance(b, Say) and b.role == "switch")
        assert blocks[switch].text == f"Now the {routine.sides[1]} side."
        first_hold = next(i for i, b in enumerate(blocks) if i > switch and isinstance(b, Hold))
        steps = [b.text for b in blocks[switch:first_hold] if isinstance(b, Say) and b.role == "step"]
        assert len(steps) == len([s for s in routine.setup if not s.once]), routine_id


def test_a_user_routine_without_switch_gets_the_announcement() -> None:
    routine = _routine(sides=("left", "right"), setup=(Step("Reach to the {side}, and hold."),))
    assert said(compile_target(routine, RunChoices()), "switch") == ["Now the right side."]


def test_next_up_names_the_equipment_then_rests_and_never_repeats_the_title() -> None:
    blocks = blocks_of(load_builtin("spi"))
    for index, block in enumerate(blocks):
        if not (isinstance(block, Say) and block.role == "next"):
            continue
        chapter = next(b for b in reversed(blocks[:index]) if isinstance(b, Chapter))
        routine = builtin_routine(chapter.routine_id)
        assert block.text.endswith(f": {routine.title[0].lower()}{routine.title[1:]}.") or block.text == (
            f"Next up: {routine.title}."
        )
        after = [b for b in blocks[index + 1 :] if not isinstance(b, Chapter)]
        if isinstance(after[0], Say) and after[0].role == "time":  # then the time left, when it changed
            after = after[1:]
        if routine.equipment:
            assert isinstance(after[0], Say) and after[0].role == "equipment"
            assert after[0].text.startswith("You will need ") and all(
                e in after[0].text for e in routine.equipment
            )
            after = after[1:]
        # Then its intro and notes, then the rest (time to fetch it), whose "Get ready." leads into the steps.
        rest = next(
            i for i, b in enumerate(after) if not (isinstance(b, Say) and b.role in ("intro", "note"))
        )
        assert isinstance(after[rest], Rest) and after[rest].role == "between", (
            "the rest is the time to fetch it"
        )
        assert isinstance(after[rest + 1], Say) and after[rest + 1].role in ("side", "set", "step")
    spoken = said(compile_target(load_builtin("spi"), RunChoices()))
    for text, following in pairwise(spoken):
        if text.startswith("Next up: ") or ": " in text:
            assert following.lower() != text.split(": ", 1)[1].lower(), "the title is not said again"
    assert said(compile_target(load_builtin("spi"), RunChoices()), "title") == ["Find the muscle."]


def test_equipment_lists_read_as_a_listener_parses_them() -> None:
    routine = builtin_routine("foam-roller")
    assert said(compile_target(routine, RunChoices()), "equipment") == [
        "You will need a yoga mat, and a foam roller or an exercise ball."
    ]
    assert ENGLISH.spoken_list(["a", "b"]) == "a and b"
    assert ENGLISH.spoken_list(["a", "b", "c"]) == "a, b, and c"
    assert ENGLISH.spoken_list(["a"]) == "a"


def test_the_session_intro_lists_all_the_equipment_and_follows_the_selection() -> None:
    spi = load_builtin("spi")
    full = compile_target(spi, RunChoices())
    assert said(full, "intro")[:1] == [
        "Serratus posterior inferior program, for the lower back. Today: find the muscle, self-massage, "
        "and 5 stretches."
    ]
    assert said(full, "equipment")[0] == (
        "For this session, you will need a massage ball or a lower-back massager with a trigger point, "
        "a yoga mat, a pillow, a foam roller or an exercise ball, and a wall or a sturdy object."
    )
    two = compile_target(spi, options(selection=Selection(only=("kneeling-twist", "foam-roller"))))
    assert said(two, "intro")[:1] == [
        "Serratus posterior inferior program, for the lower back. Today: foam roller stretch and kneeling "
        "twist stretch."
    ]
    assert (
        said(two, "equipment")[0]
        == "For this session, you will need a yoga mat, and a foam roller or an exercise ball."
    )
    assert "Stretch 1 of 2: foam roller stretch." in said(two, "title")
    assert said(two, "equipment")[1:] == ["You will need a yoga mat."], "the first routine's was just said"
    one = compile_target(spi, options(selection=Selection(only=("side-lying-overhead",))))
    assert said(one, "intro")[:1] == [
        "Serratus posterior inferior program, for the lower back. Today: side-lying overhead stretch."
    ]
    assert said(one, "title") == [], "the intro just said it"
    assert said(one, "equipment") == ["You will need a pillow, and a yoga mat or a bed."]


def test_session_variables_count_and_routines() -> None:
    items = tuple(
        SessionItem(builtin_routine(i)) for i in ("foam-roller", "kneeling-twist", "kneeling-overhead")
    )
    session = Session("s", "S", "s.toml", items, intro="{count}: {routines}.", outro="Done: {count}.")
    timeline = compile_target(session, RunChoices())
    assert said(timeline, "intro")[0] == "3 routines: 3 stretches."
    assert said(timeline, "outro") == ["Done: 3 routines."]
    one = compile_target(session, options(selection=Selection(only=("kneeling-twist",))))
    assert said(one, "intro")[:1] == ["1 routine: kneeling twist stretch."]


@pytest.mark.parametrize(("sets", "words"), [(1, "1 set"), (2, "2 sets"), (5, "5 sets")])
def test_sets_are_spoken_with_a_noun_that_follows_the_number(sets: int, words: str) -> None:
    routine = dataclasses.replace(builtin_routine("foam-roller"), intro="{sets} of {hold}.")
    timeline = compile_target(routine, options(sets=sets))
    assert said(timeline, "intro") == [f"{words} of 30 seconds."]
    assert ENGLISH.counted(1, "routine") == "1 routine"
    assert (ENGLISH.plural("stretch"), ENGLISH.plural("massage"), ENGLISH.plural("body")) == (
        "stretches",
        "massages",
        "bodies",
    )


@given(st.integers(1, 600_000), st.lists(TEXT, max_size=5).map(tuple), st.sampled_from(COUNTDOWNS))
def test_density_rule(hold_ms: int, during: tuple[str, ...], countdown: Countdown) -> None:
    """At most one countdown cue per 10 s of hold, ending at least 10 s apart; "three, two, one" always."""
    cues = hold_cues(hold_ms, during, countdown, ENGLISH)
    counts = [c for c in cues if c.role == "countdown"]
    assert len([c for c in cues if c.role == "prompt"]) == len(during)
    if countdown == "none":
        assert counts == []
        return
    assert counts[0].text == "Three, two, one."
    assert len(counts) <= max(1, hold_ms // CUE_SPACING_MS)
    for a, b in itertools.combinations(counts, 2):
        assert abs(a.offset_ms - b.offset_ms) >= CUE_SPACING_MS


def test_a_prompt_moves_within_its_window_instead_of_being_dropped() -> None:
    minute = Cue("One minute left.", "end", 60_000, 3, "countdown")
    prompt = Cue("Breathe.", "start", 60_000, 1, "prompt", 10_000)
    table = {"One minute left.": 1_500, "Breathe.": 1_000}
    placed, lost = place_cues((prompt, minute), 0, 120_000, lengths(table), same)
    assert lost == []
    assert [(s.text, s.start) for s in placed] == [
        ("One minute left.", 58_500),
        ("Breathe.", 60_000 + CUE_GAP_MS),
    ]
    narrow = Cue("Breathe.", "start", 60_000, 1, "prompt", 100)
    placed, lost = place_cues((narrow, minute), 0, 120_000, lengths(table), same)
    assert lost == [(narrow, "would overlap another cue")], "no free place in its window: dropped"


@pytest.mark.parametrize("hold", ["2m", "2m30s", "3m"])
def test_the_massage_keeps_every_prompt(hold: str) -> None:
    routine = apply_overrides(builtin_routine("spi-massage"), Overrides(hold_ms=parse_duration(hold)))
    plan = plan_of(routine)
    assert plan.dropped == ()
    prompts = [s for slot in plan.slots for s in slot.speech if s.role == "prompt"]
    assert len(prompts) == 2 * len(routine.during)


def test_chapters_start_at_zero_one_per_routine_and_side() -> None:
    plan = plan_of(load_builtin("spi"))
    assert [(c.title, c.side) for c in plan.chapters()] == [
        ("Find the muscle", None),
        ("Self-massage, right side", "right"),
        ("Self-massage, left side", "left"),
        ("Side-lying overhead stretch, right side", "right"),
        ("Side-lying overhead stretch, left side", "left"),
        ("Foam roller stretch", None),
        ("Kneeling twist stretch, right side", "right"),
        ("Kneeling twist stretch, left side", "left"),
        ("Kneeling overhead stretch", None),
        ("Standing overhead stretch, right side", "right"),
        ("Standing overhead stretch, left side", "left"),
    ]
    assert plan.chapters()[0].start == 0
    assert min(c.end - c.start for c in plan.chapters()) > 30_000, "no stubs"
    alone = plan_of(builtin_routine("foam-roller"), RunChoices(lead_in_ms=3000))
    assert [(c.start, c.end) for c in alone.chapters()] == [(0, alone.total)]


def test_the_builtins_say_what_the_article_says() -> None:
    """Points of the article a listener needs, checked in the compiled words (issue 12, fidelity)."""
    lying = said(compile_target(builtin_routine("side-lying-overhead"), RunChoices()))
    assert "Lie down on your left side, so your right side faces up, with your head on the pillow." in lying
    assert "Stretch your right arm up over your head, and hold." in lying
    again = [text for text in lying if "over your head again" in text]
    assert len(again) == 4 and all(text.startswith("Arch your back slightly") for text in again)
    massage = " ".join(said(compile_target(builtin_routine("spi-massage"), RunChoices())))
    for words in (
        "With a massager that has a ramp",
        "Lie on your back",
        "Healthy muscle is not tender",
        "ease off",
    ):
        assert words in massage
    locate = " ".join(said(compile_target(builtin_routine("locate-spi"), RunChoices())))
    assert "level with your belly button" in locate and "up and out, to the bottom of your ribcage" in locate
    outro = said(compile_target(load_builtin("spi"), RunChoices()), "outro")[0]
    for habit in ("support for your lower back", "firm mattress", "pillow between your knees"):
        assert habit in outro
    spoken = " ".join(said(compile_target(load_builtin("spi"), RunChoices())))
    assert "ramp pointing out" not in spoken and "Sharp pain is not" not in spoken
