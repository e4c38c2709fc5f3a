"""One exception family; ``cli/main.py`` maps it to a message and an exit code.

A library message speaks of values (``hold``, ``only``); a face speaks its own words (``--hold``, a form
field). So a message that names an option writes it as a ``{placeholder}`` and lists it in ``options``:
``str(error)`` fills in the value's own name, ``error.worded(flag)`` whatever a face calls it.
"""

from __future__ import annotations

from collections.abc import Callable


class VoiceCoachError(Exception):
    """Base of every error a user should see as a message, never as a traceback."""

    exit_code = 1

    def __init__(self, message: str, *, options: tuple[str, ...] = ()) -> None:
        self.template = message
        self.options = options
        super().__init__(self.worded(lambda name: name))

    def worded(self, word: Callable[[str], str]) -> str:
        """The message with every option named as ``word(name)`` (the CLI: ``--name``)."""
        if not self.options:
            return self.template
        return self.template.format(**{name: word(name) for name in self.options})


def literal(text: str) -> str:
    """``text`` (a routine id, a file name) safe inside a message with ``options`` placeholders."""
    return text.replace("{", "{{").replace("}", "}}")


class RoutineError(VoiceCoachError):
    """A routine or session file (or an override) is malformed or invalid."""

    exit_code = 2


class UsageError(VoiceCoachError):
    """A command-line value is invalid (bad override, unknown routine id)."""

    exit_code = 2


class ChoiceError(UsageError):
    """A run's choice is invalid: ``name`` (``hold``, ``set``...), what was ``given`` and the ``problem``
    alone, so a face can word it as its own parsing errors are (``Invalid value for '--hold': ...``)."""

    def __init__(self, message: str, *, name: str, problem: str, given: str) -> None:
        super().__init__(message, options=(name,))
        self.name, self.problem, self.given = name, problem, given


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
