"""Live audio on an output device the user chose, through sounddevice (PortAudio).

simpleaudio always opens the system's default output; PortAudio lists every output (``voice-coach
devices``) and opens any of them, by index or by (part of) its name. The sink follows the same contract as
``SimpleaudioSink``: one buffer at a time, handed over without blocking, asked whether it still sounds.

Each buffer gets a stream of its own, fed from PortAudio's thread by a callback, and closed once it has
played or been stopped, so no stream outlives its buffer. A device that cannot take the voice's rate, or
mono, gets the buffer resampled to its own rate, or copied to both channels: a USB headset often takes
48 kHz stereo only.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from voice_coach.audio.dsp import resample
from voice_coach.errors import PlaybackError, UsageError, literal
from voice_coach.live.device import NO_DEVICE_HELP, Playing, import_sounddevice, quiet_alsa, quiet_stderr

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

LIST_HELP = "list them with 'voice-coach devices'"


@dataclass(frozen=True)
class OutputDevice:
    """An output PortAudio offers: its index (stable while the hardware stays the same), name, host API
    (ALSA, Core Audio, WASAPI...), channels, own rate, and whether it is the system's default."""

    index: int
    name: str
    host_api: str
    channels: int
    sample_rate: int
    default: bool

    @property
    def label(self) -> str:
        """``name, host API``: the whole string a ``--device`` name is matched against."""
        return f"{self.name}, {self.host_api}"


def output_devices() -> list[OutputDevice]:
    """Every device PortAudio can play through, in its own order (the indexes ``--device`` takes)."""
    return [device for device in _all_devices(_import_sounddevice()) if device.channels > 0]


def find_output(choice: str | int) -> OutputDevice:
    """The output ``choice`` names: an index, or words found in order in its name and host API (any
    case), as PortAudio matches them. ``UsageError`` when none or several match, or it has no outputs."""
    sounddevice = _import_sounddevice()
    devices = _all_devices(sounddevice)
    if isinstance(choice, str) and not choice.strip():
        raise _unknown(choice)
    if isinstance(choice, int):
        found = next((device for device in devices if device.index == choice), None)
    else:
        try:
            index = sounddevice.query_devices(choice, kind="output")["index"]
        except ValueError:  # no match, or several: say which
            raise _no_match(choice, devices) from None
        found = next(device for device in devices if device.index == index)
    if found is None:
        raise _unknown(choice)
    if found.channels == 0:
        raise UsageError(
            f'{{device}} {_quoted(choice)}: "{literal(found.name)}" is an input, not an output; {LIST_HELP}',
            options=("device",),
        )
    return found


class SounddeviceSink:
    """Plays through the output ``device`` names (see ``find_output``); ``UsageError`` at once if it
    names none, ``PlaybackError`` when the device is there but cannot be opened."""

    def __init__(self, device: str | int) -> None:
        self.device = find_output(device)
        self.sounddevice = _import_sounddevice()
        self.formats: dict[int, tuple[int, int]] = {}
        quiet_alsa()  # ALSA's own messages would repeat, in its words, the error raised

    def start(self, samples: npt.NDArray[np.int16], rate: int) -> Playing:
        """Start ``samples`` (mono) playing; returns at once."""
        device_rate, channels = self._format(rate)
        if device_rate != rate:
            samples = _to_int16(resample(samples.astype("float32"), rate, device_rate))
        return _StreamPlaying(self.sounddevice, self.device, samples, device_rate, channels)

    def check(self, rate: int = 22050) -> None:
        """Open the device with a few milliseconds of silence; ``PlaybackError`` if it cannot be.

        Worth calling before a long synthesis, so a device that is gone or busy fails at once.
        """
        import numpy as np

        self.start(np.zeros(max(1, rate // 200), dtype=np.int16), rate).stop()

    def _format(self, rate: int) -> tuple[int, int]:
        """The (rate, channels) to open the device with: the voice's rate and mono if it takes them, else
        stereo, else its own rate."""
        if rate in self.formats:
            return self.formats[rate]
        tried = [(rate, 1), (rate, 2), (self.device.sample_rate, 1), (self.device.sample_rate, 2)]
        refusal: Exception | None = None
        for device_rate, channels in tried:
            try:
                with quiet_stderr():
                    self.sounddevice.check_output_settings(
                        self.device.index, channels=channels, dtype="int16", samplerate=device_rate
                    )
            except (self.sounddevice.PortAudioError, ValueError) as error:
                refusal = refusal or error
                continue
            self.formats[rate] = (device_rate, channels)
            return device_rate, channels
        raise open_error(self.device, refusal or ValueError("no usable format"))


class _StreamPlaying:
    """One buffer on its own PortAudio stream: the callback copies the next block out of ``samples`` and
    stops the stream after the last one (PortAudio still plays what it holds, then reports it finished)."""

    def __init__(
        self, sounddevice: Any, device: OutputDevice, samples: npt.NDArray[np.int16], rate: int, channels: int
    ) -> None:
        self.samples, self.done = samples, 0
        self.finished = threading.Event()
        self.stop_block = sounddevice.CallbackStop
        try:
            with quiet_stderr():
                self.stream = sounddevice.OutputStream(
                    samplerate=rate, channels=channels, dtype="int16", device=device.index,
                    callback=self._fill, finished_callback=self.finished.set,
                )  # fmt: skip
        except (sounddevice.PortAudioError, ValueError) as error:
            raise open_error(device, error) from error
        try:
            with quiet_stderr():
                self.stream.start()
        except sounddevice.PortAudioError as error:
            self.stream.close()
            raise open_error(device, error) from error

    def _fill(self, out: Any, frames: int, time: Any, status: Any) -> None:
        """PortAudio's thread asks for ``frames`` more: the next samples on every channel, then silence."""
        block = self.samples[self.done : self.done + frames]
        out[: len(block)] = block[:, None]
        out[len(block) :] = 0
        self.done += len(block)
        if self.done >= len(self.samples):
            raise self.stop_block

    def is_playing(self) -> bool:
        """Whether the buffer still sounds; the stream is closed as soon as it is known not to."""
        if not self.finished.is_set():
            return True
        self._close()
        return False

    def stop(self) -> None:
        """Cut the buffer off and close its stream."""
        self._close()

    def _close(self) -> None:
        if not self.stream.closed:
            self.stream.abort()
            self.stream.close()


def open_error(device: OutputDevice, error: Exception) -> PlaybackError:
    """The error for an output that is listed but cannot be opened (``error`` is PortAudio's)."""
    detail = " ".join(str(error).split()) or type(error).__name__
    return PlaybackError(
        f'The output "{device.label}" could not be opened ({detail}). Check that it is connected and '
        f"not used by another program, or choose another: {LIST_HELP}"
    )


def no_outputs_message() -> str:
    """What ``voice-coach devices`` says when PortAudio finds no output at all."""
    return f"No output devices were found. {NO_DEVICE_HELP}"


def _all_devices(sounddevice: Any) -> list[OutputDevice]:
    """Every device PortAudio knows (outputs and inputs), the default output marked."""
    try:
        with quiet_stderr():
            listed = sounddevice.query_devices()
            apis = sounddevice.query_hostapis()
            default = sounddevice.default.device[1]
    except sounddevice.PortAudioError as error:
        raise PlaybackError(
            f"PortAudio could not list the audio devices ({error}). {NO_DEVICE_HELP}"
        ) from error
    return [_device(info, apis[info["hostapi"]]["name"], default) for info in listed]


def _device(info: dict[str, Any], host_api: str, default: int) -> OutputDevice:
    """One of ``query_devices``' dictionaries as an ``OutputDevice``."""
    index = int(info["index"])
    channels, rate = int(info["max_output_channels"]), round(info["default_samplerate"])
    return OutputDevice(index, str(info["name"]), str(host_api), channels, rate, index == default)


def _no_match(choice: str, devices: list[OutputDevice]) -> UsageError:
    """No output matched ``choice``, or several did: then name them, so the user can pick one."""
    several = [device for device in devices if device.channels and _in_order(choice, device.label)]
    if len(several) < 2:
        return _unknown(choice)
    names = ", ".join(f"{device.index} {device.name}" for device in several)
    return UsageError(
        f"{{device}} {_quoted(choice)}: several outputs match ({literal(names)}); "
        "give its index or more of its name",
        options=("device",),
    )


def _in_order(choice: str, label: str) -> bool:
    """Whether the words of ``choice`` appear in ``label`` in that order, ignoring case (PortAudio's rule
    in sounddevice)."""
    position, text = 0, label.lower()
    for word in choice.lower().split():
        position = text.find(word, position)
        if position < 0:
            return False
        position += len(word)
    return True


def _unknown(choice: str | int) -> UsageError:
    return UsageError(
        f"{{device}} {_quoted(choice)}: no such output device; {LIST_HELP}", options=("device",)
    )


def _quoted(choice: str | int) -> str:
    """An index as it is, a name in quotes (it may hold spaces and colons), safe in a message template."""
    return str(choice) if isinstance(choice, int) else f'"{literal(choice)}"'


def _to_int16(samples: Any) -> npt.NDArray[np.int16]:
    import numpy as np

    result: npt.NDArray[np.int16] = np.clip(np.rint(samples), -32768, 32767).astype(np.int16)
    return result


def _import_sounddevice() -> Any:
    return import_sounddevice("Choosing an output device needs", PlaybackError)
