"""Where ``play`` sounds: ``voice-coach devices`` lists the outputs, ``play --device`` picks one.

Without ``--device`` the session goes to the system's default output through simpleaudio, as it always
did; a chosen device goes through PortAudio (``SounddeviceSink``), which can open any of them.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import click

import voice_coach as vc

DEVICE_HINT = "* marks the default; play on another with: voice-coach play ID --device INDEX|NAME"


def device_option(func: Any) -> Any:
    """``--device``: the output ``play`` sounds on."""
    return click.option(
        "--device",
        metavar="INDEX|NAME",
        help="The output to play on: its index or part of its name, as 'voice-coach devices' lists them "
        "[default: the system's default output].",
    )(func)


def output_sink(device: str | None, config: vc.UserConfig) -> vc.Sink | None:
    """The sink for ``--device``, else for ``device`` in the config file (a number is an index, anything
    else part of a name), opened once with silence so a device that cannot be used fails before the
    synthesis; None: the default output. An error about the config file's device names the file."""
    if device is not None:
        return vc.open_device(device)
    if config.device is None:
        return None
    try:
        return vc.open_device(config.device)
    except vc.UsageError as error:
        where = config.source or "the config file"
        raise vc.UsageError(f"{where}: {error.worded(lambda name: name)}") from error  # no options: as is


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the outputs as a JSON list.")
def devices(as_json: bool) -> None:
    """List the outputs play --device can use (* marks the default).

    Each line is the index and the name, then the system that offers it (ALSA, Core Audio...): give
    either to --device. Without --device, play uses the default.

    \b
    Examples:
        voice-coach devices
        voice-coach play spi --device 3
        voice-coach play spi --device "USB Audio"
    """
    outputs = vc.devices()
    if as_json:
        click.echo(
            json.dumps([dataclasses.asdict(device) for device in outputs], indent=2, ensure_ascii=False)
        )
        return
    if not outputs:
        click.echo(vc.no_outputs_message())
        return
    width = len(str(max(device.index for device in outputs)))
    for device in outputs:
        click.echo(f" {'*' if device.default else ' '} {device.index:>{width}}  {device.label}")
    click.echo(DEVICE_HINT)
