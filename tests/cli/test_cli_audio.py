"""The speaking commands end to end through click's CliRunner, with the real engines (pyttsx3 and Piper),
the real ffmpeg and the real simpleaudio into an ALSA null device: ``cache warm|info|clear``, ``voices``,
``export`` (every file decoded again and compared with ``show``) and ``play`` with its ``history``."""

from __future__ import annotations

import math
import os
import re
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyloudnorm
import pytest
from audio_cli_helpers import (
    BEND,
    HAS_PIPER,
    REACH,
    Stretch,
    cache_entries,
    decode,
    fails,
    ms,
    needs_piper,
    ok,
    phrases,
    probe,
    read_wav,
    show_json,
    spoken,
    srt_lines,
    write_session,
)
from click.testing import CliRunner

from voice_coach.audio.clip import Clip
from voice_coach.cli.main import cli
from voice_coach.durations import clock
from voice_coach.live.history import history_path
from voice_coach.speech.engines import EngineSettings
from voice_coach.speech.phrase_cache import PhraseCache
from voice_coach.speech.supply import synthesize_phrases
from voice_coach.wording import plural

PYTTSX3 = ["--engine", "pyttsx3"]
CUE_FORMATS = ("lrc", "srt", "vtt")


def cache_dir() -> Path:
    return Path(os.environ["VOICE_COACH_CACHE_DIR"])


# --- cache warm, info, clear -------------------------------------------------------------------------


def test_cache_warm_twice_synthesizes_nothing_the_second_time(runner: CliRunner, tmp_path: Path) -> None:
    session = str(write_session(tmp_path, REACH, BEND))
    count = len(phrases(show_json(runner, session, "--estimate", *PYTTSX3)))
    first = ok(runner, "cache", "warm", session, *PYTTSX3)
    assert first.stdout == f"{count} phrases synthesized, 0 already cached (pyttsx3, voice gmw/en)\n"
    assert len(cache_entries()) == count
    again = ok(runner, "cache", "warm", session, *PYTTSX3)
    assert again.stdout == f"0 phrases synthesized, {count} already cached (pyttsx3, voice gmw/en)\n"


def test_cache_warm_spi_with_the_default_engine_then_again(runner: CliRunner) -> None:
    """The speech issue's done-when: from an empty cache, then again: 0 synthesized (hibari, a few s)."""
    count = len(phrases(show_json(runner, "spi", "--estimate")))
    first = ok(runner, "cache", "warm", "spi")
    assert first.stdout == f"{count} phrases synthesized, 0 already cached (hibari, voice heart)\n"
    again = ok(runner, "cache", "warm", "spi")
    assert again.stdout == f"0 phrases synthesized, {count} already cached (hibari, voice heart)\n"
    assert len(cache_entries()) == count


def test_changing_only_the_hold_synthesizes_only_the_countdown_it_adds(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Hold length changes no phrase, except which countdown cues a hold of that length has: "Halfway."
    from 30 s, "One minute left." from 90 s (README, --countdown standard)."""
    session = str(write_session(tmp_path, REACH, BEND))
    ok(runner, "cache", "warm", session, *PYTTSX3, "--hold", "45s")
    known = phrases(show_json(runner, session, *PYTTSX3, "--hold", "45s"))
    assert {"Halfway.", "Ten seconds left."} <= known
    for hold, new in [("4s", set()), ("17s", set()), ("1m", set()), ("2m", {"One minute left."})]:
        now = phrases(show_json(runner, session, "--estimate", "--hold", hold))
        time_left = {text for text in now - known if text.endswith(" to go.")}  # "About 3 minutes to go."
        assert now - known - time_left == new
        warm = ok(runner, "cache", "warm", session, *PYTTSX3, "--hold", hold)
        count = len(new | time_left)
        synthesized = f"{count} phrase{'' if count == 1 else 's'}"
        assert warm.stdout.startswith(f"{synthesized} synthesized, {len(now & known)} already cached"), hold
        known |= now
    assert len(cache_entries()) == len(known)


def test_more_sets_only_add_the_set_announcements(runner: CliRunner, tmp_path: Path) -> None:
    session = str(write_session(tmp_path, REACH))
    ok(runner, "cache", "warm", session, *PYTTSX3)
    warm = ok(runner, "cache", "warm", session, *PYTTSX3, "--sets", "3", "--rest", "9s")
    assert warm.stdout.startswith("2 phrases synthesized, ")  # "Set 1 of 3.", "Set 2 of 3."
    warm = ok(runner, "cache", "warm", session, *PYTTSX3, "--rest", "20s")
    assert warm.stdout.startswith("0 phrases synthesized, ")


def test_one_phrase_is_one_phrase(runner: CliRunner, tmp_path: Path) -> None:
    """Printed counts agree with their number: "1 phrase synthesized", "1 chapter"."""
    files = {}
    for name, step in (("first", "Reach up."), ("second", "Reach up high."), ("third", "Reach.")):
        files[name] = tmp_path / f"{name}.toml"  # the same routine, each with another step
        files[name].write_text(f'id = "tiny"\ntitle = "Tiny"\nkind = "locate"\nsetup = ["{step}"]\n', "utf-8")
    ok(runner, "cache", "warm", str(files["first"]), *PYTTSX3)
    count = len(phrases(show_json(runner, str(files["second"]), "--estimate", *PYTTSX3)))
    target = tmp_path / "second.wav"
    written = ok(runner, "export", str(files["second"]), *PYTTSX3, "-o", str(target))
    data = show_json(runner, str(files["second"]), *PYTTSX3)
    chapters = plural(len(data["chapters"]), "chapter")
    assert written.stdout == (
        f"Wrote {target} ({clock(data['total_ms'])}, {chapters}; 1 phrase synthesized, {count - 1} cached)\n"
    )
    warm = ok(runner, "cache", "warm", str(files["third"]), *PYTTSX3)
    assert warm.stdout == f"1 phrase synthesized, {count - 1} already cached (pyttsx3, voice gmw/en)\n"


def test_the_cache_folder_is_the_flags_then_the_environments_then_the_config_files(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Speaking commands and ``cache info`` find the same folder, in the same order."""
    config = tmp_path / "config.toml"
    config.write_text(f'cache_dir = "{tmp_path / "from-config"}"\n', "utf-8")
    monkeypatch.setenv("VOICE_COACH_CONFIG", str(config))
    session = str(write_session(tmp_path / "routines", REACH))
    ok(runner, "cache", "warm", session, *PYTTSX3)
    assert cache_dir().is_dir() and not (tmp_path / "from-config").exists(), "the environment wins"
    flag = tmp_path / "from-flag"
    ok(runner, "cache", "warm", session, *PYTTSX3, "--cache-dir", str(flag))
    assert ok(runner, "cache", "info", "--cache-dir", str(flag)).stdout.startswith(f"Location: {flag}\n")
    assert len(list(flag.rglob("*.wav"))) == len(list(cache_dir().rglob("*.wav"))) > 0
    monkeypatch.delenv("VOICE_COACH_CACHE_DIR")
    ok(runner, "cache", "warm", session, *PYTTSX3)
    assert (tmp_path / "from-config").is_dir(), "then the config file"


def test_cache_info_and_clear(runner: CliRunner, tmp_path: Path) -> None:
    folder = cache_dir()
    assert ok(runner, "cache", "info").stdout == f"Location: {folder}\nEntries:  0\nSize:     0.0 MB\n"
    assert ok(runner, "cache", "clear").stdout == f"Removed 0 cached phrases from {folder}\n"
    PhraseCache(folder).put("0" * 64, Clip(np.zeros(100, np.int16), 22050))
    assert ok(runner, "cache", "clear").stdout == f"Removed 1 cached phrase from {folder}\n"
    ok(runner, "cache", "warm", str(write_session(tmp_path, BEND)), *PYTTSX3)
    entries = cache_entries()
    size = sum(p.stat().st_size for p in entries) / 1_048_576
    assert ok(runner, "cache", "info").stdout == (
        f"Location: {folder}\nEntries:  {len(entries)}\nSize:     {size:.1f} MB\n"
    )
    (folder / "notes.txt").write_text("not a phrase")
    assert ok(runner, "cache", "clear").stdout == f"Removed {len(entries)} cached phrases from {folder}\n"
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    other = tmp_path / "other"
    assert ok(runner, "cache", "info", "--cache-dir", str(other)).stdout.startswith(f"Location: {other}\n")


# --- voices ------------------------------------------------------------------------------------------


def test_voices_lists_every_engine_with_its_default_voice_marked(runner: CliRunner) -> None:
    lines = ok(runner, "voices").stdout.splitlines()
    english = " * gmw/en                       English (Great Britain) [en-gb]"
    assert lines[:3] == [
        "hibari (default engine):",
        " * heart                        Heart (American English) [en-US]",
        "",
    ]
    if HAS_PIPER:
        assert lines[3:6] == [
            "piper:",
            " * en_US-joe-medium             Joe (Piper, medium quality) [en_US]",
            "",
        ]
    else:
        assert lines[3].startswith("piper: not available (the Piper engine needs piper-tts")
    assert english in lines and sum(line.startswith(" * ") for line in lines) == 2 + HAS_PIPER


def test_voices_of_one_engine(runner: CliRunner) -> None:
    lines = ok(runner, "voices", "--engine", "pyttsx3").stdout.splitlines()
    assert lines[0] == "pyttsx3:"
    assert [line for line in lines if line.startswith(" * ")] == [
        " * gmw/en                       English (Great Britain) [en-gb]"
    ]
    assert len(lines) > 50 and lines[-1] == ""


def test_voices_of_an_unknown_engine(runner: CliRunner) -> None:
    result = fails(
        runner,
        ["voices", "--engine", "nosuch"],
        2,
        "unknown engine 'nosuch'; choose one of: hibari, piper, pyttsx3",
    )
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["show", "export", "cache warm"])
@pytest.mark.parametrize("engine", ["hibari", "pyttsx3", pytest.param("piper", marks=needs_piper)])
def test_an_unknown_voice_names_the_voices_command(
    runner: CliRunner, tmp_path: Path, command: str, engine: str
) -> None:
    out = tmp_path / "out.mp3"
    args = [*command.split(), "kneeling-overhead", "--engine", engine, "--voice", "nosuch"]
    args += ["-o", str(out)] if command == "export" else []
    fails(
        runner,
        args,
        2,
        f"the {engine} engine has no voice 'nosuch'; "
        f"see the voices it has with: voice-coach voices --engine {engine}",
    )
    assert not out.exists() and cache_entries() == []


def test_a_voice_can_be_named_by_its_name(runner: CliRunner, tmp_path: Path) -> None:
    data = show_json(
        runner, str(write_session(tmp_path, BEND)), *PYTTSX3, "--voice", "english (great britain)"
    )
    assert data["timing"] == "exact, pyttsx3 voice gmw/en"


# --- export: the main job ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Exported:
    """One real export, and ``show --json`` of the same target with the same options."""

    target: list[str]
    """The routine argument and options, without -o."""
    cache: Path
    mp3: Path
    stdout: str
    show: dict[str, Any]
    rate: int
    """The engine's sample rate, which the MP3 keeps."""


ENGINE_CASES = {
    "pyttsx3": lambda folder: [str(write_session(folder, REACH, BEND)), *PYTTSX3],
    "hibari": lambda folder: ["kneeling-overhead", "--sets", "1"],
    "piper": lambda folder: ["kneeling-overhead", "--sets", "1", "--engine", "piper"],
}
RATES = {"pyttsx3": 22050, "hibari": 24000, "piper": 22050}


@pytest.fixture(
    scope="module",
    params=["pyttsx3", "hibari", pytest.param("piper", marks=needs_piper)],
    ids=["pyttsx3", "hibari", "piper"],
)
def exported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Exported:
    """An MP3 with every cue sheet, made once per engine (pyttsx3: a small session; hibari, the default
    engine, and Piper: kneeling-overhead with one set)."""
    folder = tmp_path_factory.mktemp(f"export-{request.param}")
    cache = folder / "cache"
    runner = CliRunner(env={"VOICE_COACH_CONFIG": os.devnull})
    target = [*ENGINE_CASES[request.param](folder), "--cache-dir", str(cache)]
    mp3 = folder / "out" / "session.mp3"
    mp3.parent.mkdir()
    result = ok(runner, "export", *target, "-o", str(mp3), "--cues", ",".join(CUE_FORMATS))
    return Exported(target, cache, mp3, result.stdout, show_json(runner, *target), RATES[request.param])


def test_export_says_what_it_wrote(exported: Exported) -> None:
    data, mp3 = exported.show, exported.mp3
    written = ", ".join(str(p) for p in [mp3, *(mp3.with_suffix(f".{k}") for k in CUE_FORMATS)])
    count = len(phrases(data))
    assert exported.stdout == (
        f"Wrote {written} ({clock(data['total_ms'])}, {plural(len(data['chapters']), 'chapter')}; "
        f"{count} phrases synthesized, 0 cached)\n"
    )
    assert sorted(p.name for p in mp3.parent.iterdir()) == sorted(
        f"session.{kind}" for kind in ("mp3", *CUE_FORMATS)
    )


def test_the_mp3_lasts_exactly_what_show_says(exported: Exported) -> None:
    stream = probe(exported.mp3, "-show_streams")["streams"][0]
    rate = exported.rate
    assert (stream["codec_name"], stream["channels"], stream["sample_rate"]) == ("mp3", 1, str(rate))
    samples = decode(exported.mp3, rate)
    assert abs(ms(len(samples), rate) - exported.show["total_ms"]) <= 50
    assert np.abs(samples.astype(np.int32)).max() > 3000, "speech is audible"


def test_the_mp3_chapters_are_shows(exported: Exported) -> None:
    chapters = probe(exported.mp3, "-show_chapters")["chapters"]
    found = [(c["tags"]["title"], c["start"], c["end"]) for c in chapters]
    assert found == [(c["title"], c["start_ms"], c["end_ms"]) for c in exported.show["chapters"]]
    assert all(c["time_base"] == "1/1000" for c in chapters)
    tags = probe(exported.mp3, "-show_format")["format"]["tags"]
    title = exported.show["title"]
    assert (tags["title"], tags["artist"], tags["album"]) == (title, "voice-coach", title)


def test_the_cue_sheets_say_every_phrase_at_shows_time(exported: Exported) -> None:
    expected = spoken(exported.show)
    for kind in ("srt", "vtt"):
        found = srt_lines(exported.mp3.with_suffix(f".{kind}").read_text())
        assert [(t, s) for t, s, _ in found] == [(t, s) for t, s, _ in expected], kind
        assert all(abs(e - end) <= 1 for (_, _, e), (_, _, end) in zip(found, expected, strict=True)), kind
    lrc = exported.mp3.with_suffix(".lrc").read_text().splitlines()
    total = exported.show["total_ms"] // 1000
    assert lrc[:4] == [
        f"[ti:{exported.show['title']}]",
        "[ar:voice-coach]",
        f"[al:{exported.show['title']}]",
        f"[length:{total // 60:02d}:{total % 60:02d}]",
    ]
    assert lrc[4:] == [
        f"[{start // 60_000:02d}:{start // 1000 % 60:02d}.{start % 1000 // 10:02d}]{text}"
        for text, start, _ in expected
    ]


def test_split_writes_a_folder_whose_files_add_up_to_the_whole(exported: Exported) -> None:
    runner = CliRunner()
    target = exported.mp3.parent / "parts.mp3"
    result = ok(runner, "export", *exported.target, "-o", str(target), "--split", "--cues", "lrc")
    folder = target.with_suffix("")
    assert result.stdout.startswith(f"Wrote {folder} (")
    assert not target.exists()
    chapters = exported.show["chapters"]
    names = [f"{n:02d} {c['title']}.mp3" for n, c in enumerate(chapters, 1)]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["parts.m3u8", *names, *(n.replace(".mp3", ".lrc") for n in names)]
    )
    playlist = (folder / "parts.m3u8").read_text().splitlines()
    assert playlist[:2] == ["#EXTM3U", f"#PLAYLIST:{exported.show['title']}"]
    assert playlist[3::2] == names
    assert all(
        re.fullmatch(rf"#EXTINF:\d+,voice-coach - {re.escape(c['title'])}", line)
        for line, c in zip(playlist[2::2], chapters, strict=True)
    )
    starts = [0, *(c["start_ms"] for c in chapters[1:])]
    lengths = [ms(len(decode(folder / name, exported.rate)), exported.rate) for name in names]
    for length, start, chapter in zip(lengths, starts, chapters, strict=True):
        assert abs(length - (chapter["end_ms"] - start)) <= 50, chapter
    assert abs(sum(lengths) - exported.show["total_ms"]) <= 50


# --- export: options and refusals --------------------------------------------------------------------


@pytest.fixture
def session(tmp_path: Path, runner: CliRunner) -> str:
    """A small session, its phrases already in this test's cache."""
    path = str(write_session(tmp_path / "routines", REACH, BEND))
    ok(runner, "cache", "warm", path, *PYTTSX3)
    return path


def test_an_existing_file_needs_force(runner: CliRunner, session: str, tmp_path: Path) -> None:
    target = tmp_path / "out.wav"
    target.write_bytes(b"the old export")
    args = ["export", session, *PYTTSX3, "-o", str(target)]
    fails(runner, args, 2, f"{target} already exists: add --force to overwrite it")
    assert target.read_bytes() == b"the old export"
    ok(runner, *args, "--force")
    assert read_wav(target)[1] == 22050
    target.with_suffix(".srt").write_text("old cues")
    fails(runner, [*args, "--cues", "srt"], 2, f"{target} already exists: add --force to overwrite it")
    target.unlink()
    fails(
        runner,
        [*args, "--cues", "srt"],
        2,
        f"{target.with_suffix('.srt')} already exists: add --force to overwrite it",
    )
    (tmp_path / "parts").mkdir()
    fails(
        runner,
        ["export", session, *PYTTSX3, "-o", str(tmp_path / "parts.mp3"), "--split"],
        2,
        f"{tmp_path / 'parts'} already exists: add --force to overwrite it",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.srt", "parts", "routines"]


REFUSED = [
    (["-o", "{tmp}/out.ogg"], 2, "cannot tell the format of {tmp}/out.ogg: name it .mp3, .m4b or .wav"),
    (["-o", "{tmp}/missing/out.mp3"], 2, "cannot write {tmp}/missing/out.mp3: {tmp}/missing does not exist"),
    (["-o", "{tmp}/a-file/out.mp3"], 2, "cannot write {tmp}/a-file/out.mp3: {tmp}/a-file is not a folder"),
    (
        ["-o", "{tmp}/folder.mp3"],
        2,
        "{tmp}/folder.mp3 is a folder: give a file name inside it, such as {tmp}/folder.mp3/session.mp3",
    ),
    (
        ["-o", "{tmp}/out.mp3", "--bitrate", "fast"],
        2,
        "bitrate 'fast' is not valid: use an MP3 bitrate at 22050 Hz: one of 8k, 16k, 24k, 32k, 40k, 48k, "
        "56k, 64k, 80k, 96k, 112k, 128k, 144k, 160k",
    ),
    (
        ["-o", "{tmp}/out.mp3", "--bitrate", "100k"],
        2,
        "bitrate '100k' is not valid: use an MP3 bitrate at 22050 Hz: one of 8k, 16k, 24k, 32k, 40k, 48k, "
        "56k, 64k, 80k, 96k, 112k, 128k, 144k, 160k",
    ),
    (
        ["-o", "{tmp}/out.mp3", "--bitrate", "192k"],
        2,
        "an MP3 at 22050 Hz cannot have the bitrate 192k: use one of 8k, 16k, 24k, 32k, 40k, 48k, 56k, 64k, "
        "80k, 96k, 112k, 128k, 144k, 160k (higher ones need --sample-rate 32000 or more)",
    ),
    (
        ["-o", "{tmp}/out.mp3", "--bitrate", "144k", "--sample-rate", "44100"],
        2,
        "an MP3 at 44100 Hz cannot have the bitrate 144k: use one of 32k, 40k, 48k, 56k, 64k, 80k, 96k, "
        "112k, 128k, 160k, 192k, 224k, 256k, 320k",
    ),
    (
        ["-o", "{tmp}/out.mp3", "--music", "{tmp}/no-song.mp3"],
        2,
        "music file {tmp}/no-song.mp3 does not exist",
    ),
    (
        ["-o", "{tmp}/out.mp3", "--music", "{tmp}/folder.mp3"],
        2,
        "Invalid value for '--music': File '{tmp}/folder.mp3' is a directory.",
    ),
    (
        ["-o", "{tmp}/out.mp3", "--cues", "txt"],
        2,
        "Invalid value for '--cues': unknown cue sheet format 'txt'; use any of lrc, srt, vtt",
    ),
    (
        ["-o", "{tmp}/out.mp3", "--loudness", "loud"],
        2,
        "Invalid value for '--loudness': 'loud' is not a number of LUFS (e.g. -16) or 'off'",
    ),
    (
        ["-o", "{tmp}/out.mp3", "--loudness", "-60"],
        2,
        "Invalid value for '--loudness': -60 is outside -40..-5 LUFS; -16 suits speech on phones",
    ),
    (
        ["-o", "{tmp}/out.mp3", "--loudness", "0"],
        2,
        "Invalid value for '--loudness': 0 is outside -40..-5 LUFS; -16 suits speech on phones",
    ),
    (
        ["-o", "{tmp}/out.mp3", "--loudness", "nan"],
        2,
        "Invalid value for '--loudness': nan is outside -40..-5 LUFS; -16 suits speech on phones",
    ),
    (
        ["-o", "{tmp}/out.mp3", "--sample-rate", "23000"],
        2,
        "Invalid value for '--sample-rate': an MP3 cannot have 23000 Hz; "
        "use one of 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000",
    ),
    (
        ["-o", "{tmp}/out.mp3", "--sample-rate", "7999"],
        2,
        "Invalid value for '--sample-rate': 7999 is not in the range 8000<=x<=48000.",
    ),
]


@pytest.mark.parametrize(("options", "exit_code", "message"), REFUSED, ids=[" ".join(r[0]) for r in REFUSED])
def test_bad_export_options_are_refused_before_any_synthesis(
    runner: CliRunner, tmp_path: Path, options: list[str], exit_code: int, message: str
) -> None:
    (tmp_path / "folder.mp3").mkdir()
    (tmp_path / "a-file").write_text("")
    args = ["export", "kneeling-overhead", *PYTTSX3, *(o.format(tmp=tmp_path) for o in options)]
    fails(runner, args, exit_code, message.format(tmp=tmp_path))
    assert cache_entries() == [] and not cache_dir().exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "folder.mp3"]


def tone_wav(path: Path, seconds: float, rate: int = 44100) -> Path:
    """A stereo 16-bit WAV of a quiet 220 Hz tone."""
    t = np.arange(int(seconds * rate)) / rate
    mono = (np.sin(2 * math.pi * 220 * t) * 8000).astype(np.int16)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.repeat(mono, 2).tobytes())
    return path


def hold_middles(data: dict[str, Any], rate: int) -> list[slice]:
    """One second of each hold, from 0.25 s into it, where no cue is said (in samples)."""
    spans = []
    for block in data["blocks"]:
        if block["type"] == "hold":
            quiet_until = min(
                [c["start_ms"] for c in block["cues"]] or [block["start_ms"] + block["duration_ms"]]
            )
            if quiet_until - block["start_ms"] >= 1500:
                start = (block["start_ms"] + 250) * rate // 1000
                spans.append(slice(start, start + rate))
    assert spans
    return spans


@pytest.mark.parametrize("kind", ["wav", "mp3"])
def test_music_plays_under_the_session(runner: CliRunner, session: str, tmp_path: Path, kind: str) -> None:
    music = tone_wav(tmp_path / "song.wav", 2.5)
    if kind == "mp3":
        subprocess.run(["ffmpeg", "-v", "error", "-i", str(music), str(tmp_path / "song.mp3")], check=True)
        music = tmp_path / "song.mp3"
    plain, with_music = tmp_path / "plain.wav", tmp_path / "music.wav"
    ok(runner, "export", session, *PYTTSX3, "-o", str(plain))
    ok(runner, "export", session, *PYTTSX3, "-o", str(with_music), "--music", str(music))
    data = show_json(runner, session, *PYTTSX3)
    (quiet, rate), (bed, _) = read_wav(plain), read_wav(with_music)
    assert ms(len(bed), rate) == ms(len(quiet), rate) == data["total_ms"]
    for middle in hold_middles(data, rate):
        assert np.abs(quiet[middle].astype(np.int32)).max() == 0, "a hold is silent without music"
        assert np.sqrt(np.mean(np.square(bed[middle].astype(np.float64)))) > 100, "the music plays in a hold"


def test_exporting_again_gives_the_same_file_and_another_timing_the_same_loudness(
    runner: CliRunner, session: str, tmp_path: Path
) -> None:
    first, again, longer = tmp_path / "first.mp3", tmp_path / "again.mp3", tmp_path / "longer.wav"
    ok(runner, "export", session, *PYTTSX3, "-o", str(first))
    ok(runner, "export", session, *PYTTSX3, "-o", str(again))
    assert again.read_bytes() == first.read_bytes()
    assert sorted(p.name for p in cache_dir().glob("*.json")) == []  # nothing kept beside the phrases
    ok(runner, "export", session, *PYTTSX3, "-o", str(longer), "--rest", "20s")
    samples, rate = read_wav(longer)
    # About 1.2 LU under for this session of espeak's short phrases (see tests/test_streaming.py).
    assert abs(pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64) / 32768) - -16) < 1.5


def test_loudness_target_and_off(runner: CliRunner, session: str, tmp_path: Path) -> None:
    quiet, off = tmp_path / "quiet.wav", tmp_path / "off.wav"
    ok(runner, "export", session, *PYTTSX3, "-o", str(quiet), "--loudness", "-24")
    ok(runner, "export", session, *PYTTSX3, "-o", str(off), "--loudness", "off")
    samples, rate = read_wav(quiet)
    measured = pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64) / 32768)
    assert abs(measured - -24) <= 1
    # 'off' keeps the voice's own level: the first phrase is the engine's clip, sample for sample.
    data = show_json(runner, session, *PYTTSX3)
    first = next(b for b in data["blocks"] if b["type"] == "say")
    assert first["text"] == "Stretch 1 of 2: reach."
    clip = synthesize_phrases([first["text"]], EngineSettings(engine="pyttsx3"), PhraseCache(cache_dir()))[
        first["text"]
    ]
    start = first["start_ms"] * rate // 1000
    kept, _ = read_wav(off)
    assert np.array_equal(kept[start : start + len(clip.samples)], clip.samples)
    assert not np.array_equal(samples[start : start + len(clip.samples)], clip.samples)


def test_sample_rate(runner: CliRunner, session: str, tmp_path: Path) -> None:
    total = show_json(runner, session, *PYTTSX3)["total_ms"]
    wav, mp3 = tmp_path / "out.wav", tmp_path / "out.mp3"
    ok(runner, "export", session, *PYTTSX3, "-o", str(wav), "--sample-rate", "44100")
    samples, rate = read_wav(wav)
    assert rate == 44100 and abs(ms(len(samples), rate) - total) <= 10
    ok(runner, "export", session, *PYTTSX3, "-o", str(mp3), "--sample-rate", "44100", "--bitrate", "96k")
    stream = probe(mp3, "-show_streams")["streams"][0]
    assert (stream["sample_rate"], stream["channels"]) == ("44100", 1)
    assert abs(ms(len(decode(mp3, 44100)), 44100) - total) <= 50


# --- play, into the real simpleaudio ------------------------------------------------------------------


def alsa_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    """Point ALSA (and so simpleaudio) at a configuration of our own, whatever the machine has."""
    path = tmp_path / "asound.conf"
    path.write_text(text + "\n")
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(path))


def test_play_through_the_null_device_then_history_lists_it(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alsa_config(tmp_path, monkeypatch, "pcm.!default { type null }")
    session = str(write_session(tmp_path, Stretch("bend", "Bend", "Bend left.", hold="3s")))
    assert ok(runner, "history").stdout == f"No sessions yet (they are recorded in {history_path()}).\n"
    total = show_json(runner, session, *PYTTSX3, "--rate", "200")["total_ms"]
    played = ok(runner, "play", session, *PYTTSX3, "--rate", "200")
    assert played.stdout == f"Tiny: {total // 1000} s, 1 stretch\n"
    assert played.stderr == "", "no status line without a terminal, no ALSA noise"
    listed = ok(runner, "history").stdout.split("\n", 1)[1]  # after the column headers
    assert re.fullmatch(
        rf"\d{{4}}-\d\d-\d\d \d\d:\d\d  {clock(total)} of {clock(total)} +Tiny  \(tiny\) +completed +"
        r"engine=pyttsx3 rate=200\n",
        listed,
    ), listed


def test_play_without_an_audio_device_fails_before_any_synthesis(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    system = "</usr/share/alsa/alsa.conf>\n" if Path("/usr/share/alsa/alsa.conf").exists() else ""
    alsa_config(tmp_path, monkeypatch, system + 'pcm.!default { type plug slave.pcm "hw:voicecoachnone" }')
    result = runner.invoke(cli, ["play", "kneeling-overhead", *PYTTSX3])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No audio output was found (") and result.stderr.count("\n") == 1
    assert "'aplay -l'" in result.stderr and "'voice-coach export'" in result.stderr
    assert result.stdout == ""
    assert not cache_dir().exists(), "nothing was synthesized"
    assert not history_path().exists()
