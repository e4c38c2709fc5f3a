"""The printed handout: read back with a PDF parser (pypdf), its page rendered (pdfium) and its QR code
decoded (zxing-cpp), all independent of the code that wrote it."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pypdf
import pypdfium2
import pytest
import zxingcpp
from click.testing import CliRunner

import voice_coach as vc
from voice_coach.cli.main import cli
from voice_coach.compiler.timeline import Chapter, Hold, Say
from voice_coach.serve.lan import lan_addresses

URL = "http://192.168.1.20:8765/Xy3qAbCdEf/feed.xml"
DASH = "\u2013"  # the en dash the pain scale is printed with
GERMAN = Path(__file__).resolve().parent.parent / "compiler" / "german" / "nacken.toml"


def pdf_text(path: Path) -> str:
    """Every page's text, whitespace collapsed (lines wrap wherever the layout wraps them)."""
    pages = pypdf.PdfReader(path).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def qr_codes(path: Path) -> list[str]:
    """The text of every QR code on the first page, rendered at 144 dpi."""
    page = pypdfium2.PdfDocument(path)[0]
    image = np.ascontiguousarray(page.render(scale=2).to_numpy())
    codes = zxingcpp.read_barcodes(image)
    return [code.text for code in codes if code.format == zxingcpp.BarcodeFormat.QRCode]


def first_side_steps(timeline: vc.Timeline, routine_id: str) -> list[str]:
    """What the voice says as steps and release in a routine's first set: read off the timeline itself."""
    steps, inside, held = [], False, False
    for block in timeline.blocks:
        if isinstance(block, Chapter):
            if inside and (block.routine_id != routine_id or (block.side is not None and steps)):
                break
            inside = inside or block.routine_id == routine_id
        elif inside and isinstance(block, Hold):
            held = True
        elif inside and isinstance(block, Say) and block.role in ("step", "release"):
            if block.role == "step" and held:
                continue
            steps.append(block.text)
            if held:
                break
    return steps


def test_the_handout_holds_every_step_as_said_and_the_runs_settings(tmp_path: Path) -> None:
    timeline = vc.compile("kneeling-twist", hold="25s", sets=4, rest="15s", sides="left")
    vc.handout(timeline, tmp_path / "twist.pdf", url=URL)
    text = pdf_text(tmp_path / "twist.pdf")
    steps = first_side_steps(timeline, "kneeling-twist")
    assert len(steps) >= 3 and any("your left side" in step for step in steps)  # --sides left, filled in
    intro = next(b.text for b in timeline.blocks if isinstance(b, Say) and b.role == "intro")
    assert intro in text
    for number, step in enumerate(steps, 1):
        assert f"{number}. {step}" in text
    assert "Hold: 25 seconds" in text
    assert "Sets: 4 per side" in text
    assert "Sides: left" in text
    assert "Rest between sets: 15 seconds" in text
    assert "You need: a yoga mat" in text
    assert "Take care: This one takes balance." in text
    assert f"Date Done Pain before (0{DASH}10) Pain after (0{DASH}10) Notes" in text
    assert len(pypdf.PdfReader(tmp_path / "twist.pdf").pages) == 1


def test_a_sessions_handout_has_every_routine_with_its_steps_and_cautions(tmp_path: Path) -> None:
    timeline = vc.compile("spi", per_routine={"spi-massage": {"hold": "3m"}})
    vc.handout(timeline, tmp_path / "spi.pdf", paper="letter")
    text = pdf_text(tmp_path / "spi.pdf")
    for routine_id in timeline.routine_ids:
        for step in first_side_steps(timeline, routine_id):
            assert step in text, (routine_id, step)
    notes = [b.text for b in timeline.blocks if isinstance(b, Say) and b.role == "note"]
    assert notes and all(f"Take care: {note}" in text for note in notes)
    assert "Hold: 3 minutes · Sets: 1 per side · Sides: right, then left" in text
    assert "Then the other side: Now the left side." in text
    reader = pypdf.PdfReader(tmp_path / "spi.pdf")
    assert len(reader.pages) <= 2 * len(timeline.routine_ids)
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [612, 792]  # US Letter, in points
    assert qr_codes(tmp_path / "spi.pdf") == []  # no link, no code


def test_its_qr_code_decodes_to_the_link(tmp_path: Path) -> None:
    vc.handout(vc.compile("foam-roller"), tmp_path / "roller.pdf", url=URL)
    assert qr_codes(tmp_path / "roller.pdf") == [URL]
    assert URL in pdf_text(tmp_path / "roller.pdf").replace(" ", "")


def test_german_letters_print_as_selectable_text_in_an_embedded_font(tmp_path: Path) -> None:
    timeline = vc.compile(vc.load(GERMAN))
    vc.handout(timeline, tmp_path / "nacken.pdf")
    text = pdf_text(tmp_path / "nacken.pdf")
    assert "Deine Einheiten" in text and f"Schmerz vorher (0{DASH}10)" in text
    for step in first_side_steps(timeline, timeline.routine_ids[0]):
        assert step in text
    assert re.search(r"[äöüß]", text)
    fonts = pypdf.PdfReader(tmp_path / "nacken.pdf").pages[0]["/Resources"]["/Font"]
    descriptors = [font.get_object()["/FontDescriptor"] for font in fonts.values()]
    assert descriptors and all("/FontFile2" in d for d in descriptors)  # TrueType, embedded


def test_spanish_letters_print(tmp_path: Path) -> None:
    vc.handout(vc.compile("kneeling-twist", language="es"), tmp_path / "giro.pdf")
    text = pdf_text(tmp_path / "giro.pdf")
    assert f"Dolor después (0{DASH}10)" in text and "Página 1" in text


def test_the_cli_writes_it_and_refuses_to_overwrite(tmp_path: Path, runner: CliRunner) -> None:
    target = tmp_path / "twist.pdf"
    done = runner.invoke(cli, ["handout", "kneeling-twist", "-o", str(target), "--url", URL, "--sets", "5"])
    assert done.exit_code == 0, done.output
    assert done.stdout == f"Wrote {target} (1 routine, A4)\n"
    assert "Sets: 5 per side" in pdf_text(target)
    again = runner.invoke(cli, ["handout", "kneeling-twist", "-o", str(target)])
    assert again.exit_code == 2
    assert again.stderr == f"Error: {target} already exists: add --force to overwrite it\n"
    wrong = runner.invoke(cli, ["handout", "kneeling-twist", "-o", str(tmp_path / "twist.txt")])
    assert wrong.exit_code == 2 and "name it .pdf" in wrong.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["twist.pdf"]


@pytest.mark.parametrize("paper", ["a5", ""])
def test_an_unknown_paper_is_refused(tmp_path: Path, paper: str) -> None:
    with pytest.raises(vc.VoiceCoachError, match="paper: must be one of a4, letter"):
        vc.handout(vc.compile("foam-roller"), tmp_path / "x.pdf", paper=paper)
    assert list(tmp_path.iterdir()) == []


def test_a_progression_plan_is_printed_with_its_routines_settings(tmp_path: Path) -> None:
    plan = "Add 5 seconds a week, up to 30 seconds."
    vc.handout(vc.compile("spi"), tmp_path / "spi.pdf", progression={"foam-roller": plan})
    text = pdf_text(tmp_path / "spi.pdf")
    assert f"Progression: {plan}" in text and text.count("Progression:") == 1
    assert text.index("Foam roller stretch") < text.index(plan) < text.index("Kneeling twist stretch")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("192.168.1.20:8765/x/", "--url: '192.168.1.20:8765/x/' is not a web link; give the one"),
        ("http://x/" + "a" * 600, "--url: longer than 500 characters, too long for a QR code"),
    ],
)
def test_a_link_that_is_no_web_link_or_too_long_is_refused(
    tmp_path: Path, runner: CliRunner, url: str, problem: str
) -> None:
    done = runner.invoke(cli, ["handout", "foam-roller", "-o", str(tmp_path / "x.pdf"), "--url", url])
    assert done.exit_code == 2
    assert done.stderr.startswith(f"Error: {problem}") and done.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("given", "tail"), [("serve", ""), ("feed", "feed.xml")])
def test_url_serve_prints_the_link_serve_gives_phones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner, given: str, tail: str
) -> None:
    monkeypatch.setenv("VOICE_COACH_DATA_DIR", str(tmp_path / "data"))
    target = tmp_path / "roller.pdf"
    done = runner.invoke(cli, ["handout", "foam-roller", "-o", str(target), "--url", given])
    addresses = lan_addresses()
    if not addresses:  # a computer on no network: serve --lan says the same
        assert done.exit_code == 2 and "no local network address found" in done.stderr
        return
    assert done.exit_code == 0, done.output
    token = (tmp_path / "data" / "serve-token").read_text("ascii").strip()  # kept, as serve keeps it
    assert qr_codes(target) == [f"http://{addresses[0]}:8765/{token}/{tail}"]


def test_the_cli_prints_todays_step_and_the_progression_plan(tmp_path: Path, runner: CliRunner) -> None:
    target = tmp_path / "spi.pdf"
    done = runner.invoke(cli, ["handout", "spi", "-o", str(target), "--step", "3"])
    assert done.exit_code == 0, done.output
    text = pdf_text(target)
    expected = vc.compile("spi", step=3)  # the step's holds, as the voice says them
    hold = next(b for b in expected.blocks if isinstance(b, Hold) and b.routine_id == "kneeling-twist")
    assert hold.ms == 30_000 and "Hold: 30 seconds · Sets: 3 per side" in text
    assert text.count("Progression: Step 3 of 5") == 5  # the five stretches move; the massage does not
    assert "each step adds 5s to the hold then 1 set" in text
