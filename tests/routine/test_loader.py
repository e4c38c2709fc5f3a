"""The loader: a corpus of bad files, each with the exact message it must give (loader and CLI), and fuzzing.

Every file in ``bad/*.toml`` beside this file has one fault, explained in its first line, and its expected
message in ``bad/expected.json``. Faults that cannot live in a small text file (binary, not UTF-8, huge, a
directory, a missing file, a FIFO, a symlink loop) are made in a temporary directory by the tests below.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voice_coach.cli.main import cli
from voice_coach.compiler.build import compile_target
from voice_coach.compiler.choices import RunChoices
from voice_coach.compiler.estimate import estimate_ms
from voice_coach.compiler.schedule import schedule
from voice_coach.errors import RoutineError, UsageError
from voice_coach.routine.library import builtin_ids
from voice_coach.routine.loader import SESSION_KEYS, build_session, load_builtin, load_path, load_target
from voice_coach.routine.model import Range, Routine, Session, Step
from voice_coach.routine.routine_file import ROUTINE_KEYS, build_routine
from voice_coach.routine.toml_file import parse_toml

BAD = Path(__file__).parent / "bad"
EXPECTED: dict[str, str] = json.loads((BAD / "expected.json").read_text("utf-8"))
CASES = sorted(EXPECTED)
ROUTINE = 'id = "ok"\ntitle = "Ok"\nkind = "stretch"\nsetup = ["Kneel, and hold."]\nhold = "20s"\n'


def test_corpus_is_complete() -> None:
    """Every bad file has an expected message, every message a file, and there are plenty of them."""
    assert sorted(p.name for p in BAD.glob("*.toml")) == CASES
    assert len(CASES) >= 40
    for name in CASES:
        assert (BAD / name).read_text("utf-8").startswith("# "), f"{name}: first line should say the fault"
        assert EXPECTED[name].startswith(f"{name}: ")


@pytest.mark.parametrize("name", CASES)
def test_loader_message(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    with pytest.raises(RoutineError) as caught:
        load_path(Path(name))
    assert str(caught.value) == EXPECTED[name]


@pytest.mark.parametrize("name", CASES)
def test_validate_message(name: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    result = runner.invoke(cli, ["validate", name])
    assert (result.exit_code, result.stdout) == (2, "")
    if "more problem" not in EXPECTED[name]:  # several are listed one by one: see below
        assert result.stderr == f"Error: {EXPECTED[name]}\n"


@pytest.mark.parametrize("name", CASES)
def test_show_message(name: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    result = runner.invoke(cli, ["show", name])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {EXPECTED[name]}\n")


def test_validate_reports_every_bad_file_and_passes_good_ones(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "good.toml").write_text(ROUTINE, "utf-8")
    monkeypatch.chdir(BAD)
    names = ["range-hold-zero.toml", str(tmp_path / "good.toml"), "sides-unknown.toml"]
    result = runner.invoke(cli, ["validate", *names])
    assert result.exit_code == 2
    assert result.stdout == f"ok: {tmp_path / 'good.toml'}: routine 'ok', about 00:33\n"
    assert result.stderr == (
        f"Error: {EXPECTED['range-hold-zero.toml']}\nError: {EXPECTED['sides-unknown.toml']}\n"
        "2 of 3 files are invalid\n"
    )


def test_validate_lists_every_problem_of_a_file(runner: CliRunner, tmp_path: Path) -> None:
    keys = ", ".join(sorted(ROUTINE_KEYS))
    path = tmp_path / "three.toml"
    path.write_text(
        'id = "Three Mistakes"\ntitle = "Three"\nkind = "stretch"\nsetup = ["Kneel."]\n'
        'hold = "0s"\nsets = 99\nsied = ["left"]\n',
        "utf-8",
    )
    result = runner.invoke(cli, ["validate", str(path)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        f"Error: {path}: sied: unknown key; did you mean 'sides'? allowed keys: {keys}",
        f"Error: {path}: id: 'Three Mistakes' is not a valid id; use 1 to 64 lowercase letters, digits "
        "and -, e.g. my-stretch",
        f"Error: {path}: hold: must be longer than zero (got '0s'); use e.g. 30s",
        f"Error: {path}: sets: must be from 1 to 50, got 99",
    ]
    shown = runner.invoke(cli, ["show", str(path), "--estimate"])
    assert shown.stderr == (
        f"Error: {path}: sied: unknown key; did you mean 'sides'? allowed keys: {keys} "
        "(and 3 more problems in this file)\n"
    )


def test_validate_lists_every_bad_routine_of_a_session(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "morning.toml"
    path.write_text(
        'id = "morning"\ntitle = "Morning"\nrest = "soon"\n'
        'routines = ["foam-roler", "kneeling-twist", "./none.toml", "kneeling-twist"]\n',
        "utf-8",
    )
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: {path}: rest: 'soon' is not a duration; "
        "use e.g. 30, 30s, 30 sec, 2 min, 1m30s, 1 min 30 s or 1:30",
        f"Error: {path}: routines[0]: no built-in routine or session 'foam-roler'; did you mean "
        f"'foam-roller'? built-ins: {', '.join(builtin_ids())}, or give a path ending in .toml",
        f"Error: {path}: routines[2]: {tmp_path / 'none.toml'}: no such file",
        f"Error: {path}: routines[3]: repeats 'kneeling-twist' (also routines[1]); list each routine once",
    ]


# Faults made on the fly: (file name, how to make it, expected message after "NAME: ").
def _write(data: bytes) -> Any:
    return lambda path: path.write_bytes(data)


def _huge(path: Path) -> None:
    with path.open("wb") as handle:  # sparse: ten gigabytes that take no disk, to prove nothing is read
        handle.truncate(10**10)


def _loop(path: Path) -> None:
    path.symlink_to(path.name)


LATIN1 = ROUTINE.encode() + b'intro = "Caf\xe9 au lait"\n'
DEEP = b"a = " + b"[\n" * 50_000 + b"]\n" * 50_000
UTF16 = (
    """is UTF-16 text (Notepad's "Unicode"); save it as UTF-8 (in Notepad: File, Save as, Encoding: UTF-8)"""
)
MADE = [
    ("latin1.toml", _write(LATIN1), "line 6: not UTF-8 text; save the file as UTF-8"),
    ("notepad.toml", _write(ROUTINE.encode("utf-16")), UTF16),
    ("utf16-le.toml", _write(ROUTINE.encode("utf-16-le")), UTF16),
    ("utf16-be.toml", _write(ROUTINE.encode("utf-16-be")), UTF16),
    ("binary.toml", _write(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "is a binary file, not a TOML routine"),
    ("big.toml", _write(b"#" * 300_000), "is 300000 bytes; a routine file must be under 256 KB"),
    ("huge.toml", _huge, "is 10000000000 bytes; a routine file must be under 256 KB"),
    ("folder.toml", lambda path: path.mkdir(), "is a directory; give a routine file (*.toml)"),
    ("missing.toml", lambda path: None, "no such file"),
    ("fifo.toml", lambda path: os.mkfifo(path), "is not a regular file; give a routine file (*.toml)"),
    ("loop.toml", _loop, "cannot be read (Too many levels of symbolic links)"),
    ("deep.toml", _write(DEEP), "line 17: lists or tables are nested too deeply to be a routine"),
    ("deep-inline.toml", _write(ROUTINE.encode() + b"x = " + b"{a = " * 17 + b"1" + b"}" * 17),
     "line 6: lists or tables are nested too deeply to be a routine"),
    ("dotted.toml", _write(ROUTINE.encode() + b"a" + b".a" * 16 + b" = 1\n"),
     "line 6: a key has more than 16 dotted parts; a routine needs two or three"),
    ("dotted-header.toml", _write(ROUTINE.encode() + b"[a" + b" . a" * 16 + b"]\n"),
     "line 6: a key has more than 16 dotted parts; a routine needs two or three"),
    ("dotted-inline.toml", _write(ROUTINE.encode() + b"x = { b = 1, " + b"a." * 16 + b"a = 1 }\n"),
     "line 6: a key has more than 16 dotted parts; a routine needs two or three"),
    ("dotted-huge.toml", _write(b"a" + b".a" * 99_999 + b" = 1\n"),
     "line 1: is 200003 characters long; keep lines under 10000"),
    ("long-line.toml", _write(ROUTINE.encode() + b'notes = ["' + b"x" * 10_000 + b'"]\n'),
     "line 6: is 10012 characters long; keep lines under 10000"),
]  # fmt: skip


def test_dots_and_brackets_in_strings_and_numbers_are_not_counted(tmp_path: Path) -> None:
    """Only the shape of the document counts: text, comments and numbers may hold any dots or brackets."""
    text = ROUTINE.replace('hold = "20s"', 'hold = { default = "20s", min = 15.0, max = "30s" }')
    text += 'notes = ["' + "a." * 20 + '", """a' + "[" * 20 + '""", \'a' + "{{" * 10 + "'] # "
    text += "." * 20 + "\n"
    path = tmp_path / "ok.toml"
    path.write_text(text, "utf-8")
    assert load_path(path).notes[1] == "a" + "[" * 20


@pytest.mark.parametrize(("name", "make", "message"), MADE, ids=[m[0] for m in MADE])
def test_made_faults(
    name: str, make: Any, message: str, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    make(tmp_path / name)
    with pytest.raises(RoutineError) as caught:
        load_path(Path(name))
    assert str(caught.value) == f"{name}: {message}"
    for command in (["validate", name], ["show", name]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"Error: {name}: {message}\n")
        assert "Traceback" not in result.output


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 0 would not stop root, so the refusal is simulated where the file is opened."""

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied", str(self))

    path = tmp_path / "secret.toml"
    path.write_text(ROUTINE, "utf-8")
    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(RoutineError) as caught:
        load_path(path)
    assert str(caught.value) == f"{path}: cannot be read (Permission denied)"


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """Windows editors often save UTF-8 with a BOM; the file is still fine."""
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + ROUTINE.encode())
    routine = load_path(path)
    assert isinstance(routine, Routine)
    assert routine.id == "ok"


def test_show_unknown_id_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["show", "foam-rollr"])
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: no built-in routine or session 'foam-rollr'; did you mean 'foam-roller'? "
        "run 'voice-coach list', or give a path to a .toml file\n"
    )
    with pytest.raises(UsageError):
        load_target("nosuch")


# What valid files turn into.


@pytest.mark.parametrize("routine_id", builtin_ids())
def test_builtins_load(routine_id: str) -> None:
    target = load_builtin(routine_id)
    assert target.id == routine_id
    assert target.source == f"built-in:{routine_id}"


def test_full_routine_file(tmp_path: Path) -> None:
    path = tmp_path / "full.toml"
    path.write_text(
        ROUTINE.replace('hold = "20s"', 'hold = { default = "20s", min = "15s", max = "30s" }')
        + 'equipment = "a mat"\nintro = "Do {sets} sets of {hold}."\nnotes = "Gently."\n'
        + 'reentry = "Again, to the {side}."\nrelease = { say = "Relax.", pause = "1.5s" }\n'
        + 'during = ["Breathe,   slowly."]\nsets = { default = 3, min = 3, max = 5 }\nrest = 10\n'
        + 'sides = ["right", "left"]\nswitch = "Now the {side}."\n',
        "utf-8",
    )
    assert load_path(path) == Routine(
        id="ok",
        title="Ok",
        kind="stretch",
        source=str(path),
        equipment=("a mat",),
        intro="Do {sets} sets of {hold}.",
        notes=("Gently.",),
        setup=(Step("Kneel, and hold."),),
        reentry=(Step("Again, to the {side}."),),
        release=Step("Relax.", 1500),
        during=("Breathe, slowly.",),
        hold=Range(20_000, 15_000, 30_000),
        sets=Range(3, 3, 5),
        rest_ms=10_000,
        sides=("right", "left"),
        switch="Now the {side}.",
    )


def test_session_file_resolves_ids_and_relative_paths(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "ok.toml").write_text(ROUTINE, "utf-8")
    path = tmp_path / "session.toml"
    path.write_text(
        'id = "s"\ntitle = "S"\nintro = "Hello."\nrest = "5s"\n'
        'routines = ["foam-roller", { routine = "mine/ok.toml", rest_after = 0 }, "locate-spi"]\n',
        "utf-8",
    )
    session = load_path(path)
    assert isinstance(session, Session)
    assert [item.routine.id for item in session.items] == ["foam-roller", "ok", "locate-spi"]
    assert [item.rest_after_ms for item in session.items] == [None, 0, None]
    assert (session.rest_ms, session.intro, session.outro) == (5000, "Hello.", None)
    assert session.items[1].routine.source == str(tmp_path / "mine" / "ok.toml")


def test_session_rest_defaults_to_twenty_seconds() -> None:
    session = build_session({"id": "s", "title": "S", "routines": ["foam-roller"]}, "s.toml", None)
    assert session.rest_ms == 20_000


def test_language_and_phrases_are_read() -> None:
    doc = tomllib.loads(
        ROUTINE + 'language = "de"\nsides = ["links", "rechts"]\n[phrases]\nrest = "Erholung."\n'
    )
    routine = build_routine(doc, "x.toml")
    assert (routine.language, routine.sides, routine.phrases) == (
        "de",
        ("left", "right"),
        (("rest", "Erholung."),),
    )
    assert build_routine(tomllib.loads(ROUTINE), "x.toml").language is None
    document = {"id": "s", "title": "S", "routines": ["foam-roller"], "language": "es"}
    session = build_session({**document, "phrases": {"rest": "Pausa."}}, "s.toml", None)
    assert (session.language, session.phrases) == ("es", (("rest", "Pausa."),))


def test_literal_braces_in_cues() -> None:
    doc = tomllib.loads(ROUTINE.replace("Kneel, and hold.", "Say {{hello}}."))
    assert build_routine(doc, "x.toml").setup == (Step("Say {{hello}}."),)


# Fuzzing: whatever a TOML document holds, the loader answers with a RoutineError or a model that compiles.

keys = st.sampled_from(
    [*ROUTINE_KEYS, *SESSION_KEYS, "say", "pause", "default", "min", "max", "routine", "rest_after"]
) | st.text(max_size=8)
SCALARS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["30s", "1m30s", "0", "-5s", "10h", "2m", "{side}", "{set} of {sets}", "{", "}}", "{x}"]),
    st.sampled_from(["left", "right", "up", "foam-roller", "spi", "nosuch", "x.toml", "../up/x.toml", ""]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.times(),
    st.datetimes(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)
DURATIONS = st.sampled_from(["20s", "1m", "2.5s", "0", "0.0004s", "1h", 30, 0.5, "61m"])
STEP = st.text(min_size=1, max_size=20) | st.fixed_dictionaries(
    {"say": st.text(min_size=1, max_size=20)}, optional={"pause": DURATIONS | SCALARS}
)
LANGUAGES = st.sampled_from(["de", "en", "es", "fr", "", "DE"]) | SCALARS
PHRASES = (
    st.dictionaries(
        st.sampled_from(["rest", "switch", "set_number", "left", "right", "or", "list_two", "title", "nope"]),
        SCALARS,
        max_size=3,
    )
    | SCALARS
)
PLAUSIBLE = st.fixed_dictionaries(
    {"id": st.just("fuzz"), "title": st.just("Fuzz"), "kind": st.just("stretch"), "setup": st.lists(STEP)},
    optional={
        "hold": SCALARS | st.dictionaries(st.sampled_from(["default", "min", "max"]), SCALARS),
        "sets": SCALARS | st.dictionaries(st.sampled_from(["default", "min", "max"]), st.integers(-2, 60)),
        "rest": SCALARS,
        "sides": st.lists(st.sampled_from(["left", "right", "up"]), max_size=3),
        "during": st.lists(st.text(max_size=10), max_size=3),
        "release": STEP | VALUES,
        "reentry": st.lists(STEP, max_size=2),
        "switch": SCALARS,
        "intro": st.text(max_size=20) | SCALARS,
        "language": LANGUAGES,
        "phrases": PHRASES,
    },
)
ITEM = st.sampled_from(
    [*builtin_ids(), "nosuch", "x.toml", "../foam-roller-copy.toml"]
) | st.fixed_dictionaries(
    {"routine": st.sampled_from(builtin_ids())}, optional={"rest_after": DURATIONS | SCALARS}
)
SESSIONS = st.fixed_dictionaries(
    {"id": st.just("fuzz"), "title": st.just("Fuzz"), "routines": st.lists(ITEM, max_size=4)},
    optional={
        "rest": DURATIONS | SCALARS,
        "intro": st.text(max_size=20),
        "outro": SCALARS,
        "language": LANGUAGES,
        "phrases": PHRASES,
    },
)
DOCUMENTS = st.dictionaries(keys, VALUES, max_size=8) | PLAUSIBLE | SESSIONS


def toml_text(document: dict[str, Any]) -> str:
    """A tiny TOML writer: every value inline, one ``key = value`` line per top-level key."""
    return "".join(f"{toml_key(key)} = {toml_value(value)}\n" for key, value in document.items())


def toml_key(key: str) -> str:
    return toml_string(key)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else ("inf" if value > 0 else "-inf")
            if math.isinf(value)
            else repr(value)
        )
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_string(text: str) -> str:
    escaped = (
        c
        if c not in '"\\' and ord(c) >= 0x20 and ord(c) != 0x7F
        else ("\\" + c if c in '"\\' else f"\\u{ord(c):04x}")
        for c in text
    )
    return '"' + "".join(escaped) + '"'


@given(DOCUMENTS)
def test_toml_writer_round_trips(document: dict[str, Any]) -> None:
    loaded = tomllib.loads(toml_text(document))
    assert loaded.keys() == document.keys()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_any_document_gives_a_routine_error_or_a_routine_that_compiles(document: dict[str, Any]) -> None:
    raw = toml_text(document).encode("utf-8")
    try:
        parsed = parse_toml(raw, "fuzz.toml")
        target: Routine | Session = (
            build_session(parsed, "fuzz.toml", BAD / "ok")
            if "routines" in parsed
            else build_routine(parsed, "fuzz.toml")
        )
    except RoutineError as error:
        assert str(error).startswith("fuzz.toml: ")
        assert "\n" not in str(error)
        return
    plan = schedule(compile_target(target, RunChoices()), estimate_ms, 1000)
    assert plan.total > 0


@given(st.binary(max_size=200))
def test_any_bytes_give_a_routine_error_or_a_document(raw: bytes) -> None:
    try:
        parsed = parse_toml(raw, "bytes.toml")
    except RoutineError as error:
        assert str(error).startswith("bytes.toml: ")
    else:
        assert isinstance(parsed, dict)


SESSION_ALLOWED = (
    "id, intro, language, lexicon, outro, phrases, progression, rest, routines, title, translations"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'routine = ["foam-roller"]\noutro = "Done."\n',
            f"routine: unknown key; did you mean 'routines'? allowed keys: {SESSION_ALLOWED}",
        ),
        (
            'routnies = ["foam-roller"]\n',
            f"routnies: unknown key; did you mean 'routines'? allowed keys: {SESSION_ALLOWED}",
        ),
        (
            'Routines = ["foam-roller"]\n',
            f"Routines: unknown key; did you mean 'routines'? allowed keys: {SESSION_ALLOWED}",
        ),
    ],
)
def test_a_file_like_a_session_gets_the_sessions_suggestions(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "morning.toml"
    path.write_text('id = "morning"\ntitle = "Morning"\n' + text, "utf-8")
    with pytest.raises(RoutineError) as caught:
        load_path(path)
    assert str(caught.value) == f"{path}: {message}"


def test_a_routine_with_a_routines_like_key_is_still_a_routine(tmp_path: Path) -> None:
    path = tmp_path / "twist.toml"
    path.write_text(ROUTINE + 'routine = "x"\n', "utf-8")
    with pytest.raises(RoutineError) as caught:
        load_path(path)
    assert str(caught.value).startswith(f"{path}: routine: unknown key; allowed keys: during, equipment, ")


def test_the_config_file_is_bounded_like_a_routine(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("a" + ".a" * 20 + ' = "x"\n', "utf-8")
    monkeypatch.setenv("VOICE_COACH_CONFIG", str(config))
    result = runner.invoke(cli, ["show", "spi", "--estimate"])
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {config}: line 1: a key has more than 16 dotted parts; a routine needs two or three\n",
    )


@pytest.mark.parametrize(
    ("say", "problem"),
    [
        ("1" + "0" * 494, "has a number of 495 digits; write numbers of 15 digits at most, or in words"),
        ("Hold 1,000,000,000,000,000,000 breaths.",
         "has a number of 19 digits; write numbers of 15 digits at most, or in words"),
        ("$😀", "'$😀' has no letters or digits to say; write the words to say"),
        ("😀", "'😀' has no letters or digits to say; write the words to say"),
    ],
)  # fmt: skip
def test_validate_refuses_text_that_synthesis_would_fail_on(
    runner: CliRunner, tmp_path: Path, say: str, problem: str
) -> None:
    path = tmp_path / "unsayable.toml"
    path.write_text(ROUTINE + f"intro = {toml_string(say)}\n", "utf-8")
    result = runner.invoke(cli, ["validate", str(path)])
    assert (result.exit_code, result.stderr) == (2, f"Error: {path}: intro: {problem}\n")


def test_numbers_people_count_and_emoji_among_words_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "fine.toml"
    intro = 'intro = "Pay $😀 now: 3 sets of 999,999,999,999,999 breaths, 1.5 each."\n'
    path.write_text(ROUTINE + intro, "utf-8")
    assert load_path(path).intro
