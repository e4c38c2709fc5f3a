"""A run in German or Spanish prints only German or Spanish: ``show``'s every line, ``play``'s status and
stop lines, the handout's progression sentence; and every word the program prints has a translation."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

import voice_coach as vc
from voice_coach.cli.main import cli
from voice_coach.compiler.timeline import Hold
from voice_coach.live.outcome import Outcome
from voice_coach.live.status import format_status
from voice_coach.live.steps import build_step_map, status_at
from voice_coach.printed import translated_languages
from voice_coach.printed_tables import TRANSLATIONS

PACKAGE = Path(vc.__file__).parent
ENGLISH = {
    "progression", "hold", "rest", "set", "sets", "of", "step", "steps", "chime", "lead", "settle",
    "tail", "total", "estimated", "exact", "voice", "phrase", "phrases", "cached", "words", "left",
    "right", "side", "sides", "pain", "session", "sessions", "rated", "yet", "first", "chose", "stopped",
    "about", "paused", "waiting", "the", "to", "each", "adds", "after", "or", "less", "rise", "more", "back",
}  # fmt: skip
"""English words of the program's own text; none of them is a German or Spanish word of the built-ins."""
SPANISH_TOO = {"total"}


def english_words(text: str, language: str) -> set[str]:
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    return words & ENGLISH - (SPANISH_TOO if language == "es" else set())


def keys_in_code() -> set[str]:
    """Every literal text the package hands ``printed``, ``printed_count`` or ``Wording.of``."""
    keys = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            texts = {"printed": node.args[1:2], "printed_count": node.args[2:4], "of": node.args[:1]}
            for arg in texts.get(str(name), []):
                branches = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]
                keys |= {b.value for b in branches if isinstance(b, ast.Constant) and type(b.value) is str}
    return keys


@pytest.mark.parametrize("language", ["de", "es"])
def test_every_printed_text_has_a_translation(language: str) -> None:
    used = keys_in_code()
    assert len(used) > 30, "the scan finds the calls"
    assert sorted(used - TRANSLATIONS[language].keys()) == []
    assert set(translated_languages()) == set(TRANSLATIONS)
    assert TRANSLATIONS["de"].keys() == TRANSLATIONS["es"].keys()


@pytest.mark.parametrize(
    ("language", "step", "header"),
    [
        ("de", [], "Steigerung: halten 20 s, 3 Sätze (Stufe 1 von 5): noch keine bewertete Einheit, "
                   "also die erste Stufe"),
        ("de", ["--step", "3"], "Steigerung: halten 30 s, 3 Sätze (Stufe 3 von 5): die Stufe, die du "
                                "gewählt hast"),
        ("es", [], "Progresión: mantener 20 s, 3 series (nivel 1 de 5): aún no hay sesiones valoradas, "
                   "así que el primer nivel"),
        ("es", ["--step", "3"], "Progresión: mantener 30 s, 3 series (nivel 3 de 5): el nivel que elegiste"),
    ],
)  # fmt: skip
def test_show_prints_every_line_in_the_runs_language(
    runner: CliRunner, language: str, step: list[str], header: str
) -> None:
    shown = runner.invoke(cli, ["show", "spi", "--language", language, "--estimate", *step])
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[1] == header
    assert [line for line in lines if english_words(line, language)] == []


def test_show_in_english_is_unchanged(runner: CliRunner) -> None:
    lines = runner.invoke(cli, ["show", "spi", "--estimate"]).stdout.splitlines()
    header = "Progression: hold 20 s, 3 sets (step 1 of 5): no rated sessions yet, so the first step"
    assert lines[1] == header
    assert any(line.endswith("HOLD 20s (set 1 of 3, right)") for line in lines)
    assert re.fullmatch(r"Total \d\d:\d\d \(estimated for .* phrases cached\)", lines[-1])


def twist(language: str) -> vc.Estimated:
    timeline = vc.compile("kneeling-twist", language=language, lead_in=0)
    return vc.estimate(timeline, vc.Speech(engine="pyttsx3"))


@pytest.mark.parametrize(
    ("language", "stopped", "status"),
    [
        ("de", r"Angehalten bei \d\d:\d\d von \d\d:\d\d \(rechte Seite, Satz 2 von 3\)\.",
         r"Drehdehnung im Knien \(rechts\) \| Satz 2 von 3 \| Halten \d+s \| \[#*-*\] noch \d\d:\d\d"),
        ("es", r"Detenido en \d\d:\d\d de \d\d:\d\d \(lado derecho, serie 2 de 3\)\.",
         r".+ \(derecha\) \| serie 2 de 3 \| Mantener \d+s \| \[#*-*\] quedan \d\d:\d\d"),
        ("en", r"Stopped at \d\d:\d\d of \d\d:\d\d \(right side, set 2 of 3\)\.",
         r"Kneeling twist stretch \(right\) \| set 2 of 3 \| Hold \d+s \| \[#*-*\] \d\d:\d\d left"),
    ],
)  # fmt: skip
def test_plays_stop_and_status_lines_are_in_the_sessions_language(
    language: str, stopped: str, status: str
) -> None:
    plan = twist(language).schedule
    hold = [s for s in plan.slots if isinstance(s.block, Hold)][1]  # set 2 of the right side
    middle = (hold.start + hold.end) // 2
    played = vc.Played(Outcome("quit", middle, ((0, middle),), plan.rate), plan)
    assert re.fullmatch(stopped, played.summary), played.summary
    line = format_status(status_at(build_step_map(plan), middle), 200)
    assert re.fullmatch(status, line), line
    paused = format_status(status_at(build_step_map(plan), middle, paused=True), 30)
    assert paused.startswith({"de": "Pausiert", "es": "En pausa", "en": "Paused"}[language]), paused


def test_a_finished_sessions_summary_counts_in_its_language() -> None:
    plan = twist("de").schedule
    played = vc.Played(Outcome("finished", plan.total, ((0, plan.total),), plan.rate), plan)
    assert re.fullmatch(r"Drehdehnung im Knien: \d+ min, 1 Dehnung", played.summary), played.summary


def pdf_text(path: Path) -> str:
    """Every page's text, whitespace collapsed (as the handout tests read it)."""
    return " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(path).pages)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("de", "Steigerung: Stufe 3 von 5 (die Stufe, die du gewählt hast); jede Stufe bringt 5s mehr "
               "Haltezeit, dann 1 Satz mehr am oberen Ende der Haltezeit, nach 2 Einheiten in Folge mit "
               "Schmerz 3 oder weniger, und ein Anstieg um 2 oder mehr führt eine Stufe zurück."),
        ("es", "Progresión: Nivel 3 de 5 (el nivel que elegiste); cada nivel añade 5s más al mantener y "
               "después 1 serie más al llegar al máximo del mantenimiento, tras 2 sesiones seguidas con "
               "dolor 3 o menos, y una subida de 2 o más baja un nivel."),
    ],
)  # fmt: skip
def test_the_handouts_every_line_is_in_the_runs_language(
    tmp_path: Path, runner: CliRunner, language: str, sentence: str
) -> None:
    target = tmp_path / "spi.pdf"
    done = runner.invoke(cli, ["handout", "spi", "-o", str(target), "--language", language, "--step", "3"])
    assert done.exit_code == 0, done.output
    text = pdf_text(target)
    assert text.count(sentence) == 5, text  # each of the five stretches
    assert english_words(text.replace("voice-coach", ""), language) == set()
