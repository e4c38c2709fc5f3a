"""One exception family; ``cli.py`` maps it to a message and an exit code."""

from __future__ import annotations


class VoiceCoachError(Exception):
    """Base of every error a user should see as a message, never as a traceback."""

    exit_code = 1


class RoutineError(VoiceCoachError):
    """A routine or session file (or an override) is malformed or invalid."""

    exit_code = 2


class UsageError(VoiceCoachError):
    """A command-line value is invalid (bad override, unknown routine id)."""

    exit_code = 2


class SynthesisError(VoiceCoachError):
    """A text-to-speech engine is missing, misconfigured or failed on a phrase."""


class UnknownVoiceError(SynthesisError):
    """An engine or voice named on the command line or in the config file does not exist."""

    exit_code = 2


class CacheError(VoiceCoachError):
    """The phrase cache cannot be read or written."""


class ExportError(VoiceCoachError):
    """An audio file could not be written."""


class OutputError(ExportError):
    """The output path or an export option is invalid (wrong suffix, exists, no such folder)."""

    exit_code = 2


class PlaybackError(VoiceCoachError):
    """Live playback failed (for example: no audio device)."""
