"""The pipeline's calls: load → compile → synthesize → export or play. The CLI and any other face (a
server, a script) reach them through the package (``import voice_coach as vc``), so every path goes down
the stages once.

    import voice_coach as vc
    session = vc.load("spi")
    timeline = vc.compile(session, hold="20s", sets=4, countdown="minimal")
    vc.export(timeline, "spi.mp3", cues=["lrc"])
    vc.play(timeline)

Options have the CLI's names and rules (``hold``, ``sets``, ``engine``, ``rate``...). Errors are
``VoiceCoachError``s naming the value (``hold``), never tracebacks from deep inside.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Unpack

from voice_coach.api_types import (
    Estimated,
    Exported,
    Played,
    Speech,
    Synthesized,
    Warn,
)
from voice_coach.api_types import default_warn as _warn
from voice_coach.audio.clip import Clip
from voice_coach.audio.mixer import CEILING_DBTP, Mix, mix, phrase_lengths
from voice_coach.audio.music_file import check_music, read_music
from voice_coach.compiler.build import compile_target
from voice_coach.compiler.choices import Given, RunChoices, run_choices
from voice_coach.compiler.estimate import estimate_ms
from voice_coach.compiler.schedule import Schedule, schedule
from voice_coach.compiler.timeline import Timeline
from voice_coach.durations import clock, format_duration
from voice_coach.errors import UsageError, literal
from voice_coach.live.device import Clock, SimpleaudioSink, Sink
from voice_coach.live.keys import Keys
from voice_coach.live.player import Listener, StartAt, play_session
from voice_coach.live.steps import Status
from voice_coach.output.cover import read_cover, title_cover
from voice_coach.output.export import write as write_export
from voice_coach.output.formats import check_output
from voice_coach.progress import Progress
from voice_coach.routine.loader import load_target
from voice_coach.routine.model import Routine, Session
from voice_coach.speech.engines import get_engine, settings_for
from voice_coach.speech.lengths import cached_lengths
from voice_coach.speech.phrase_cache import PhraseCache
from voice_coach.speech.supply import PhraseSupply, SpokenPhrases, synthesize_phrases

MAX_SESSION_MS = 12 * 3_600_000
"""Longer than any sane session, short enough that a WAV of it stays well under the format's 4 GiB."""


def load(ref: str | os.PathLike[str], library: str | os.PathLike[str] | None = None) -> Routine | Session:
    """The routine or session ``ref`` names: a ``.toml`` file, else an id of the routine ``library``
    (default: the user's routine folder) or a built-in (``spi``); ``RoutineError`` naming the file, key
    and fix when it is invalid. A session's routines are found the same way."""
    return load_target(str(ref), Path(library).expanduser() if library is not None else None)


def compile(
    target: Routine | Session | str | os.PathLike[str],
    choices: RunChoices | None = None,
    *,
    warn: Warn | None = None,
    **given: Unpack[Given],
) -> Timeline:
    """The timeline of ``target`` with the run's choices: either ``choices`` or the values ``given`` by
    name (``hold="20s"``, ``sets=4``, ``massage="3m"``...: ``compiler.choices.Given``, checked by
    ``run_choices``). A value outside the range a routine's file recommends is passed to ``warn``
    (default: a ``VoiceCoachWarning``), once, naming the range.

    Refused (``UsageError``) if the choices make it absurdly long (over 12 hours).
    """
    if choices is None:
        choices = run_choices(**given)
    loaded = target if isinstance(target, Routine | Session) else load(target)
    timeline = compile_target(loaded, choices)
    for message in timeline.warnings:
        (warn or _warn)(message)
    total = schedule(timeline, estimate_ms, 1000).total
    if total > MAX_SESSION_MS:
        raise UsageError(
            f"{literal(timeline.id)}: with these settings the session would last about {clock(total)}; "
            f"the limit is {format_duration(MAX_SESSION_MS)}: lower {{sets}}, {{hold}} or {{rest}}",
            options=("sets", "hold", "rest"),
        )
    return timeline


def estimate(timeline: Timeline, speech: Speech | None = None, *, warn: Warn | None = None) -> Estimated:
    """``timeline`` scheduled without synthesizing anything (instantly): each phrase's length read from
    the phrase cache where ``speech`` said it before (exact), else guessed by the engine's model at the
    rate (``compiler.estimate``). The engine, voice and rate are checked as ``synthesize`` checks them."""
    speech = speech or Speech()
    settings = settings_for(timeline.language, speech.settings(), warn or _warn, timeline.lexicon)
    known = cached_lengths(timeline.phrases(), settings, speech.cache(warn or _warn))
    rate = known.sample_rate or 1000

    def length(text: str) -> int:
        if text in known.samples:
            return known.samples[text]
        return estimate_ms(text, known.engine, known.speed) * rate // 1000

    return Estimated(timeline, schedule(timeline, length, rate), known)


def synthesize(
    timeline: Timeline,
    speech: Speech | None = None,
    *,
    sample_rate: int | None = None,
    progress: Progress | None = None,
    warn: Warn | None = None,
) -> Synthesized:
    """Every phrase of ``timeline`` spoken (from the cache, or synthesized and cached), scheduled to the
    sample at ``sample_rate`` (default: the voice's own rate)."""
    speech = speech or Speech()
    cache = speech.cache(warn or _warn)
    settings = settings_for(timeline.language, speech.settings(), warn or _warn, timeline.lexicon)
    result = synthesize_phrases(timeline.phrases(), settings, cache, progress)
    rate = sample_rate or result.sample_rate
    lengths = result.length if rate == result.sample_rate else phrase_lengths(result.clips, rate)
    return Synthesized(timeline, schedule(timeline, lengths, rate), result, cache)


def export(
    session: Timeline | Synthesized,
    output: str | os.PathLike[str],
    speech: Speech | None = None,
    *,
    bitrate: str = "64k",
    sample_rate: int | None = None,
    split: bool = False,
    cues: Sequence[str] = (),
    music: str | os.PathLike[str] | None = None,
    loudness: float | None = -16.0,
    force: bool = False,
    progress: Progress | None = None,
    warn: Warn | None = None,
    chapters_json: bool = False,
    cover: str | os.PathLike[str] | None = None,
) -> Exported:
    """Write ``session`` to ``output`` (``.mp3``, ``.m4b`` or ``.wav``) with tags, chapters, cover art and
    ``cues`` (``lrc``, ``srt``, ``vtt``); synthesizes what is not synthesized yet, encoding as it goes.

    The output, the music file and the ``cover`` (a JPEG or PNG; default: one drawn with the title) are
    checked before any synthesis, so a bad path fails at once. ``chapters_json``: a Podcasting 2.0
    chapters file beside the audio. ``split``: a folder with one file per chapter and a playlist.
    ``loudness``: LUFS for every phrase, or None to keep the voice's level. Nothing is left at the target
    if anything fails.
    """
    warn = warn or _warn
    art = read_cover(cover) if cover is not None else None
    timeline, rate, phrases, cache = _voice(session, speech, sample_rate, warn)
    target = check_output(output, force=force, split=split, cue_formats=cues, bitrate=bitrate, rate=rate,
                          chapters_json=chapters_json)  # fmt: skip
    bed = _music(music)
    with phrases() as supply:
        ceiling = target.format.ceiling(music=bed is not None)
        audio = Mix(timeline, supply.clip, rate, loudness_lufs=loudness, music=bed, ceiling_dbtp=ceiling)
        reporting = _with_synthesis(progress, supply)
        if reporting is not None and isinstance(supply, PhraseSupply):  # also while waiting for a phrase
            supply.on_wait = lambda: reporting("synthesize", *supply.progress())
        known = audio.schedule() if split else None  # a file per chapter needs the chapters first
        paths = write_export(audio, known, target, progress=reporting,
                             check_peaks=bed is not None, cover=art)  # fmt: skip
        spoken = Synthesized(timeline, audio.schedule(), supply.result(), cache)
    _warn_dropped(spoken.schedule, warn)
    return Exported(tuple(paths), spoken)


def _voice(
    session: Timeline | Synthesized, speech: Speech | None, sample_rate: int | None, warn: Warn
) -> tuple[Timeline, int, Callable[[], PhraseSupply | SpokenPhrases], PhraseCache]:
    """What a session is said with, checked before any synthesis: its timeline, the rate to render at
    (``sample_rate``, else the voice's own), its phrases when asked for (already spoken, or synthesized
    as they are needed) and the phrase cache."""
    if isinstance(session, Synthesized):
        spoken = SpokenPhrases(session.speech)
        return session.timeline, sample_rate or session.schedule.rate, lambda: spoken, session.cache
    speech = speech or Speech()
    settings = settings_for(session.language, speech.settings(), warn, session.lexicon)
    cache = speech.cache(warn)
    rate = sample_rate or get_engine(settings.engine).sample_rate
    return session, rate, lambda: PhraseSupply(session.phrases(), settings, cache), cache


def play(
    session: Timeline | Synthesized,
    speech: Speech | None = None,
    *,
    music: str | os.PathLike[str] | None = None,
    loudness: float | None = -16.0,
    sink: Sink | None = None,
    keys: Keys | None = None,
    on_status: Callable[[Status], None] | None = None,
    clock: Clock | None = None,
    warn: Warn | None = None,
    start: StartAt | None = None,
    listener: Listener | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> Played:
    """Speak ``session`` live on ``sink`` (default: the sound device), with optional ``keys``, voice
    commands (``listener``) and status and notice callbacks, from ``start`` (default: the top); how it
    ended. The device and music are checked before any synthesis; playing starts once the first phrases
    are spoken, while the rest are synthesized (see ``live.player``)."""
    if sink is None:
        device = SimpleaudioSink()
        device.check()  # before the slow synthesis: a machine without sound fails at once
        sink = device
    warn, bed = warn or _warn, _music(music)
    live = functools.partial(
        play_session, sink=sink, keys=keys, on_status=on_status, clock=clock, start=start, listener=listener,
        on_notice=on_notice,
    )  # fmt: skip
    if isinstance(session, Synthesized):
        known = session.schedule
        return Played(live(mixed(session, bed, loudness)), known, known.ms(known.total))
    speech = speech or Speech()
    settings = settings_for(session.language, speech.settings(), warn, session.lexicon)
    rate = get_engine(settings.engine).sample_rate
    expected = estimate(session, speech, warn=lambda message: None).schedule
    with PhraseSupply(session.phrases(), settings, speech.cache(warn)) as supply:
        audio = Mix(session, supply.clip, rate, loudness_lufs=loudness, music=bed)
        outcome = live(audio, ready=supply.ready, expected_total=expected.ms(expected.total) * rate // 1000)
        audio.place_ready(supply.ready)  # every phrase spoken by now: the whole length is known
    plan = audio.placed_schedule()  # the whole schedule unless the session was stopped early
    _warn_dropped(plan, warn)
    if audio.finished:
        return Played(outcome, plan, plan.ms(plan.total))
    whole = estimate(session, speech, warn=lambda message: None)  # lengths cached since count exactly
    return Played(outcome, plan, whole.schedule.ms(whole.schedule.total), not whole.exact)


def cover_art(timeline: Timeline) -> bytes:
    """The PNG an export of ``timeline`` gets when no ``cover`` is given (600x600, its title drawn), for a
    player that shows artwork beside the audio, such as a phone's lock screen."""
    return title_cover(timeline.title, timeline.artist).data


def mixed(
    session: Synthesized, bed: Clip | None, loudness: float | None, ceiling_dbtp: float = CEILING_DBTP
) -> Mix:
    """The session's mix at its schedule's rate, with an optional ducked music bed."""
    clips = session.speech.clips
    return mix(session.schedule, clips, loudness_lufs=loudness, music=bed, ceiling_dbtp=ceiling_dbtp)


def _music(music: str | os.PathLike[str] | None) -> Clip | None:
    """The music file's audio (checked readable first), or None."""
    return read_music(check_music(Path(music))) if music is not None else None


def _warn_dropped(plan: Schedule, warn: Warn) -> None:
    for dropped in plan.dropped:
        warn(f'cue "{dropped.text}" dropped: {dropped.reason}')


def _with_synthesis(progress: Progress | None, supply: PhraseSupply | SpokenPhrases) -> Progress | None:
    """``progress`` that reports the synthesis while it runs, then what the caller reports."""
    if progress is None:
        return None

    def report(stage: str, done: int, total: int) -> None:
        if supply.done():
            progress(stage, done, total)
        else:
            progress("synthesize", *supply.progress())

    return report
