"""voice-coach: offline, voice-guided stretch and massage routines.

The library is the product; the command line and the server are faces of it, and use nothing else::

    import voice_coach as vc
    session = vc.load("spi")                                  # built-in id, library id or a .toml file
    timeline = vc.compile(session, hold="20s", sets=4)        # the CLI's options, names and rules
    vc.export(timeline, "spi.mp3", cues=["lrc"])              # synthesis (cached), mix, MP3, tags, chapters
    vc.play(timeline)                                         # live, on the default sound device

Besides the pipeline: the therapist's hand-over (``handout``, ``pack``, ``import_pack``), the catalog
of routines (``catalog``, ``new_routine``), voices and the phrase cache
(``voices``, ``say``, ``cache_info``, ``clear_cache``), the history and where to start again
(``history``, ``record``, ``start_point``), sound devices (``devices``, ``open_device``,
``voice_commands``), the settings (``load_config``), the server for phones (``server``) and the
programme over weeks (``progression``, ``log_session``, ``progress_report``, ``progress_chart``,
``remind``).

Every error a user can cause is a ``VoiceCoachError`` (``RoutineError``, ``UsageError``, ``ChoiceError``,
``SynthesisError``, ``ExportError``, ``PlaybackError``) with a one-line message.
"""

from voice_coach import interrupts
from voice_coach.api import compile, cover_art, estimate, export, load, play, synthesize
from voice_coach.api_types import Estimated, Exported, Played, Speech, Synthesized, VoiceCoachWarning
from voice_coach.catalog import Catalog, CatalogEntry, catalog, new_routine
from voice_coach.compiler.choices import SIDE_CHOICES, RunChoices, run_choices
from voice_coach.compiler.cues import COUNTDOWNS
from voice_coach.compiler.timeline import Timeline
from voice_coach.config import UserConfig, load_config
from voice_coach.cpu import usable_cores
from voice_coach.devices import devices, media_keys, open_device, voice_commands
from voice_coach.durations import clock, format_duration
from voice_coach.errors import (
    ChoiceError,
    ExportError,
    PlaybackError,
    RoutineError,
    SynthesisError,
    UsageError,
    VoiceCoachError,
)
from voice_coach.files import data_folder
from voice_coach.handover import PAPERS as HANDOUT_PAPERS
from voice_coach.handover import handout, progression_plan
from voice_coach.live.device import Sink
from voice_coach.live.history import HISTORY_COLUMNS, HistoryEntry, entry_columns, format_entry, history_path
from voice_coach.live.keys import KEY_HELP, TerminalKeys, open_keys
from voice_coach.live.outcome import Outcome
from voice_coach.live.pain_question import SPOKEN_ANSWER_LANGUAGES
from voice_coach.live.resume import StartAt
from voice_coach.live.sounddevice_sink import OutputDevice, no_outputs_message
from voice_coach.live.status import format_status
from voice_coach.live.steps import Status
from voice_coach.output.cuesheets import FORMATS as CUE_FORMATS
from voice_coach.output.cuesheets import unknown_format
from voice_coach.output.formats import sample_rate_problem
from voice_coach.output.script import script_lines, timeline_json
from voice_coach.pack import PACK_AUDIO, Packed, pack
from voice_coach.printed import printed
from voice_coach.programme import (
    ProgressReport,
    Today,
    apply_progression,
    ask_pain_rating,
    log_session,
    progress_chart,
    progress_csv,
    progress_report,
    progress_text_chart,
    progression,
    remind,
    with_step,
)
from voice_coach.routine.library import builtin_ids, known_ids
from voice_coach.routine.model import Routine, Session
from voice_coach.routine.problems import each_problem
from voice_coach.routine.routine_file import MAX_SETS
from voice_coach.routine.translations import language_advice
from voice_coach.serving import forget_link, keep_link, phone_link, running_link, server
from voice_coach.sessions import history, record, start_point
from voice_coach.settings import config_file, settings_in_effect
from voice_coach.speaking import ClearedCache, EngineVoices, cache_info, clear_cache, say, voices
from voice_coach.unpack import Imported, import_pack
from voice_coach.wording import plural

__version__ = "0.1.0"
__all__ = [
    "COUNTDOWNS",
    "CUE_FORMATS",
    "HANDOUT_PAPERS",
    "HISTORY_COLUMNS",
    "KEY_HELP",
    "MAX_SETS",
    "PACK_AUDIO",
    "SIDE_CHOICES",
    "SPOKEN_ANSWER_LANGUAGES",
    "Catalog",
    "CatalogEntry",
    "ChoiceError",
    "ClearedCache",
    "EngineVoices",
    "Estimated",
    "ExportError",
    "Exported",
    "HistoryEntry",
    "Imported",
    "Outcome",
    "OutputDevice",
    "Packed",
    "PlaybackError",
    "Played",
    "ProgressReport",
    "Routine",
    "RoutineError",
    "RunChoices",
    "Session",
    "Sink",
    "Speech",
    "StartAt",
    "Status",
    "SynthesisError",
    "Synthesized",
    "TerminalKeys",
    "Timeline",
    "Today",
    "UsageError",
    "UserConfig",
    "VoiceCoachError",
    "VoiceCoachWarning",
    "__version__",
    "apply_progression",
    "ask_pain_rating",
    "builtin_ids",
    "cache_info",
    "catalog",
    "clear_cache",
    "clock",
    "compile",
    "config_file",
    "cover_art",
    "data_folder",
    "devices",
    "each_problem",
    "entry_columns",
    "estimate",
    "export",
    "forget_link",
    "format_duration",
    "format_entry",
    "format_status",
    "handout",
    "history",
    "history_path",
    "import_pack",
    "interrupts",
    "keep_link",
    "known_ids",
    "language_advice",
    "load",
    "load_config",
    "log_session",
    "media_keys",
    "new_routine",
    "no_outputs_message",
    "open_device",
    "open_keys",
    "pack",
    "phone_link",
    "play",
    "plural",
    "printed",
    "progress_chart",
    "progress_csv",
    "progress_report",
    "progress_text_chart",
    "progression",
    "progression_plan",
    "record",
    "remind",
    "run_choices",
    "running_link",
    "sample_rate_problem",
    "say",
    "script_lines",
    "server",
    "settings_in_effect",
    "start_point",
    "synthesize",
    "timeline_json",
    "unknown_format",
    "usable_cores",
    "voice_commands",
    "voices",
    "with_step",
]  # fmt: skip
