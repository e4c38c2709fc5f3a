"""voice-coach: offline, voice-guided stretch and massage routines.

The library is the product; the command line is one face of it::

    import voice_coach as vc
    session = vc.load("spi")                                  # built-in id or a .toml file
    timeline = vc.compile(session, hold="20s", sets=4)        # the CLI's options, names and rules
    vc.export(timeline, "spi.mp3", cues=["lrc"])              # synthesis (cached), mix, MP3, tags, chapters
    vc.play(timeline)                                         # live, on the default sound device

Every error a user can cause is a ``VoiceCoachError`` (``RoutineError``, ``UsageError``, ``SynthesisError``,
``ExportError``, ``PlaybackError``) with a one-line message.
"""

from voice_coach.api import (
    Estimated,
    Exported,
    Played,
    Speech,
    Synthesized,
    VoiceCoachWarning,
    compile,
    cover_art,
    estimate,
    export,
    load,
    play,
    synthesize,
)
from voice_coach.catalog import Catalog, CatalogEntry, catalog
from voice_coach.compiler.build import CompileOptions
from voice_coach.compiler.options import compile_options
from voice_coach.compiler.timeline import Timeline
from voice_coach.errors import (
    ExportError,
    PlaybackError,
    RoutineError,
    SynthesisError,
    UsageError,
    VoiceCoachError,
)
from voice_coach.live.player import Outcome
from voice_coach.programme import (
    ProgressReport,
    Today,
    apply_progression,
    ask_pain_rating,
    log_session,
    progress,
    progress_chart,
    progress_csv,
    progress_text_chart,
    progression,
    remind,
    with_step,
)
from voice_coach.routine.loader import builtin_ids
from voice_coach.routine.model import Routine, Session

__version__ = "0.1.0"
__all__ = [
    "Catalog",
    "CatalogEntry",
    "CompileOptions",
    "Estimated",
    "ExportError",
    "Exported",
    "Outcome",
    "PlaybackError",
    "Played",
    "ProgressReport",
    "Routine",
    "RoutineError",
    "Session",
    "Speech",
    "SynthesisError",
    "Synthesized",
    "Timeline",
    "Today",
    "UsageError",
    "VoiceCoachError",
    "VoiceCoachWarning",
    "__version__",
    "apply_progression",
    "ask_pain_rating",
    "builtin_ids",
    "catalog",
    "compile",
    "compile_options",
    "cover_art",
    "estimate",
    "export",
    "load",
    "log_session",
    "play",
    "progress",
    "progress_chart",
    "progress_csv",
    "progress_text_chart",
    "progression",
    "remind",
    "synthesize",
    "with_step",
]
