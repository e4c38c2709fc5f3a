"""One file to send: ``pack`` on the therapist's machine, ``import`` on the patient's (another routine
library), and ``show`` there gives the same timeline; every hostile archive is refused, nothing written."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path

import pypdf
import pytest
from audio_cli_helpers import probe
from click.testing import CliRunner

import voice_coach as vc
from voice_coach.cli.main import cli

NECK = """\
id = "neck"
title = "Neck stretch"
kind = "stretch"
equipment = ["a chair"]
notes = ["Stop if you feel dizzy."]
setup = ["Sit tall on the chair.", "Tilt your head to the {side}, and hold."]
release = "Come back to the middle."
hold = { default = "5s", min = "5s", max = "30s" }
sets = { default = 1, min = 1, max = 3 }
rest = "5s"
sides = ["right", "left"]
"""
BACK_CARE = 'id = "back-care"\ntitle = "Back care"\nroutines = ["neck", "kneeling-twist"]\n'


@pytest.fixture
def therapist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The therapist's routine library, with a routine and a session of their own; in effect."""
    library = tmp_path / "therapist" / "routines"
    library.mkdir(parents=True)
    (library / "neck.toml").write_text(NECK, "utf-8")
    (library / "back-care.toml").write_text(BACK_CARE, "utf-8")
    monkeypatch.setenv("VOICE_COACH_DATA_DIR", str(library.parent))
    return library


def patient(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Switch to the patient's (empty) data folder; their routine library, not made yet."""
    monkeypatch.setenv("VOICE_COACH_DATA_DIR", str(tmp_path / "patient"))
    return tmp_path / "patient" / "routines"


def show_json(runner: CliRunner, args: list[str]) -> dict[str, object]:
    done = runner.invoke(cli, ["show", *args, "--estimate", "--json"])
    assert done.exit_code == 0, done.output
    shown: dict[str, object] = json.loads(done.stdout)
    return shown


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (an empty dict when it does not exist)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_pack_then_import_then_show_gives_the_same_timeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner, therapist: Path
) -> None:
    choices = ["--sets", "2", "--set", "neck.hold=8s", "--sides", "left"]
    sent = tmp_path / "for-anna.zip"
    done = runner.invoke(cli, ["pack", "back-care", "-o", str(sent), "--url", "http://10.0.0.5/x/", *choices])
    assert done.exit_code == 0, done.output
    expected = show_json(runner, ["back-care", *choices])
    with zipfile.ZipFile(sent) as archive:
        names = sorted(archive.namelist())
        manifest = json.loads(archive.read("voice-coach-pack.json"))
        archive.extract("back-care.mp3", tmp_path / "out")
        archive.extract("back-care.pdf", tmp_path / "out")
    routines = ["routines/back-care.toml", "routines/neck.toml"]
    assert names == ["back-care.mp3", "back-care.pdf", *routines, "voice-coach-pack.json"]
    assert manifest["builtins"] == ["kneeling-twist"]  # every voice-coach has it: not packed
    info = probe(tmp_path / "out" / "back-care.mp3", "-show_format")
    duration = float(info["format"]["duration"]) - float(info["format"]["start_time"])
    assert abs(duration - expected["total_ms"] / 1000) < 2  # type: ignore[operator]
    handout = " ".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "out" / "back-care.pdf").pages)
    assert "Tilt your head to the left, and hold." in " ".join(handout.split())

    library = patient(tmp_path, monkeypatch)
    done = runner.invoke(cli, ["import", str(sent)])
    assert done.exit_code == 0, done.output
    command = "voice-coach play back-care --sets 2 --sides left --set neck.hold=8s"
    assert done.stdout == f"Imported back-care, neck into {library}\nPlay it: {command}\n"
    assert sorted(p.name for p in library.iterdir()) == ["back-care.toml", "neck.toml"]
    assert show_json(runner, command.split()[2:]) == expected


def make_pack(tmp_path: Path, therapist: Path, *args: str) -> Path:
    """A pack of ``back-care`` without audio (quick), through the library call."""
    options = vc.run_choices(**dict(zip(args[::2], args[1::2], strict=True)))  # type: ignore[arg-type]
    return vc.pack("back-care", tmp_path / "sent.zip", options, audio="none", library=therapist).path


def rewritten(source: Path, target: Path, extra: dict[str, bytes | zipfile.ZipInfo]) -> Path:
    """A copy of the zip ``source`` with more members."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            new.writestr(item, old.read(item))
        for name, content in extra.items():
            if isinstance(content, zipfile.ZipInfo):
                new.writestr(content, b"neck.toml")
            else:
                new.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return target


def symlink_member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def with_huge_member(source: Path, target: Path) -> Path:
    """``source`` plus a member whose central directory claims 4 GB (a lying header)."""
    with_member = rewritten(source, target, {"audio.mp3": b"x" * 100})
    data = bytearray(with_member.read_bytes())
    entry = data.rfind(b"PK\x01\x02")  # the last member's central directory record
    data[entry + 24 : entry + 28] = (0xFFFFFFF0).to_bytes(4, "little")  # its uncompressed size
    target.write_bytes(bytes(data))
    return target


HOSTILE = {
    "climbs out": (lambda s, t: rewritten(s, t, {"../evil.toml": NECK.encode()}), "climbs out"),
    "absolute": (lambda s, t: rewritten(s, t, {"/etc/evil.toml": NECK.encode()}), "is an absolute path"),
    "drive": (lambda s, t: rewritten(s, t, {"C:/evil.toml": NECK.encode()}), "is an absolute path"),
    "link": (lambda s, t: rewritten(s, t, {"l": symlink_member("routines/link.toml")}), "is a link"),
    "too many": (
        lambda s, t: rewritten(s, t, {f"notes/{n}.txt": b"" for n in range(120)}),
        "members; a pack has at most 100",
    ),
    "bomb": (lambda s, t: rewritten(s, t, {"audio.mp3": bytes(20 << 20)}), "-fold (a zip bomb?)"),
    "huge": (with_huge_member, "bytes; the limit is 1073741824"),
    "broken routine": (
        lambda s, t: rewritten(s, t, {"routines/bad.toml": b'id = "bad"\ntitle = 3\n'}),
        "bad.toml: title:",
    ),
    "shadows a built-in": (
        lambda s, t: rewritten(s, t, {"routines/spi.toml": BACK_CARE.replace("back-care", "spi").encode()}),
        "its 'spi' would be used instead of the built-in routine of that id: use --force to accept that",
    ),
    "not routines/ID.toml": (
        lambda s, t: rewritten(s, t, {"routines/x/y.toml": b""}),
        "is not routines/ID.toml",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_pack_is_refused_in_one_line_with_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner, therapist: Path, case: str
) -> None:
    make, problem = HOSTILE[case]
    hostile = make(make_pack(tmp_path, therapist), tmp_path / "hostile.zip")
    library = patient(tmp_path, monkeypatch)
    before = snapshot(tmp_path)
    done = runner.invoke(cli, ["import", str(hostile)])
    assert done.exit_code == 2, done.output
    assert done.stderr.startswith(f"Error: {hostile}: ") and done.stderr.count("\n") == 1
    assert problem in done.stderr and done.stderr.endswith("; nothing was imported\n")
    assert snapshot(tmp_path) == before and not library.exists()


def test_a_pack_with_choices_that_do_not_compile_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, therapist: Path
) -> None:
    sent = make_pack(tmp_path, therapist)
    with zipfile.ZipFile(sent) as old:
        manifest = json.loads(old.read("voice-coach-pack.json"))
        members = {item.filename: old.read(item) for item in old.infolist()}
    manifest["choices"] = {"hold": "-5s"}
    members["voice-coach-pack.json"] = json.dumps(manifest).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as new:
        for name, data in members.items():
            new.writestr(name, data)
    (tmp_path / "bad.zip").write_bytes(buffer.getvalue())
    library = patient(tmp_path, monkeypatch)
    with pytest.raises(vc.UsageError, match=r"voice-coach-pack\.json: hold: a duration cannot be negative"):
        vc.import_pack(tmp_path / "bad.zip")
    assert not library.exists()


def test_a_routine_of_the_patients_is_replaced_only_with_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner, therapist: Path
) -> None:
    sent = make_pack(tmp_path, therapist, "hold", "10s")
    library = patient(tmp_path, monkeypatch)
    assert runner.invoke(cli, ["import", str(sent)]).exit_code == 0
    again = runner.invoke(cli, ["import", str(sent)])  # the same files: nothing to do, no refusal
    assert again.exit_code == 0 and again.stdout.startswith(f"Nothing new: {library} already has")
    (library / "neck.toml").write_text(NECK.replace("Neck stretch", "My neck"), "utf-8")
    before = snapshot(library)
    refused = runner.invoke(cli, ["import", str(sent)])
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"Error: {sent}: your routine 'neck' ({library / 'neck.toml'}) differs from the pack's: "
        "use --force to replace it; nothing was imported\n"
    )
    assert snapshot(library) == before
    forced = runner.invoke(cli, ["import", str(sent), "--force"])
    assert forced.exit_code == 0 and forced.stdout.startswith(f"Imported neck into {library}")
    assert (library / "neck.toml").read_text("utf-8") == NECK


def test_a_session_listing_a_routine_by_path_cannot_be_packed(tmp_path: Path, therapist: Path) -> None:
    (tmp_path / "neck.toml").write_text(NECK, "utf-8")
    session = tmp_path / "mine.toml"
    session.write_text('id = "mine"\ntitle = "Mine"\nroutines = ["neck.toml"]\n', "utf-8")
    with pytest.raises(
        vc.UsageError, match=r"lists the routine 'neck\.toml' by path; put it in your routine"
    ):
        vc.pack(session, tmp_path / "mine.zip", audio="none")
    assert not (tmp_path / "mine.zip").exists()


def test_a_built_in_pack_holds_no_routine_files_and_imports_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, therapist: Path
) -> None:
    packed = vc.pack("kneeling-twist", tmp_path / "twist.zip", vc.run_choices(sets=4), audio="none")
    assert packed.members == ("voice-coach-pack.json", "kneeling-twist.pdf")
    library = patient(tmp_path, monkeypatch)
    imported = vc.import_pack(packed.path)
    assert imported.written == () and not library.exists()
    assert imported.command == "voice-coach play kneeling-twist --sets 4"


def test_a_pack_records_the_programmes_step_and_import_plays_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, runner: CliRunner, therapist: Path
) -> None:
    sent = tmp_path / "spi.zip"
    done = runner.invoke(cli, ["pack", "spi", "-o", str(sent), "--audio", "none", "--step", "2"])
    assert done.exit_code == 0, done.output
    expected = show_json(runner, ["spi", "--step", "2"])
    patient(tmp_path, monkeypatch)
    done = runner.invoke(cli, ["import", str(sent)])
    assert done.exit_code == 0, done.output
    assert done.stdout.endswith("Play it: voice-coach play spi --step 2\n")
    assert show_json(runner, ["spi", "--step", "2"]) == expected != show_json(runner, ["spi"])


def test_a_pack_can_carry_reminders(tmp_path: Path, runner: CliRunner, therapist: Path) -> None:
    sent = tmp_path / "twist.zip"
    args = [
        "pack",
        "kneeling-twist",
        "-o",
        str(sent),
        "--audio",
        "none",
        "--remind",
        "mon,thu",
        "--at",
        "07:30",
    ]
    done = runner.invoke(cli, args)
    assert done.exit_code == 0, done.output
    with zipfile.ZipFile(sent) as archive:
        calendar = archive.read("kneeling-twist.ics").decode("utf-8")
        assert "kneeling-twist.ics" in json.loads(archive.read("voice-coach-pack.json"))["files"]
    assert calendar.startswith("BEGIN:VCALENDAR") and "RRULE:FREQ=WEEKLY;BYDAY=MO,TH" in calendar
    assert "T073000" in calendar
    bad = runner.invoke(cli, [*args[:3], str(tmp_path / "bad.zip"), "--audio", "none", "--remind", "moonday"])
    assert bad.exit_code == 2 and "days" in bad.stderr and not (tmp_path / "bad.zip").exists()
