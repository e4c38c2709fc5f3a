"""``voice-coach serve``: the routines on a phone, through a small web server on this computer."""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path

import click

import voice_coach as vc
from voice_coach.cli.options import SpeechChoices, speech_options

_SIZE = re.compile(r"(\d+)\s*([kmg]?)i?b?", re.IGNORECASE)


def parse_size(ctx: click.Context, param: click.Parameter, value: str) -> int:
    """``500M``, ``2G`` or a number of bytes, as bytes."""
    match = _SIZE.fullmatch(value.strip())
    if match is None or int(match.group(1)) == 0:
        raise click.BadParameter(f"{value!r} is not a size such as 500M or 2G")
    power = " kmg".index(match.group(2).lower() or " ")
    return int(match.group(1)) << (10 * power)


@click.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="The port to listen on (0: any free one).",
)
@click.option(
    "--lan",
    is_flag=True,
    help="Also listen on the local network, for a phone on the same Wi-Fi; shows a QR code.",
)
@click.option(
    "--new-token",
    is_flag=True,
    help="Make a new access token: old links and feed subscriptions stop working.",
)
@click.option(
    "--routines",
    "library",
    type=click.Path(file_okay=False, path_type=Path),
    help="Your routines folder [default: the one 'list' shows].",
)
@click.option(
    "--exports-size",
    default="1G",
    show_default=True,
    callback=parse_size,
    metavar="SIZE",
    help="Disk space kept exports may use; the oldest go first.",
)
@speech_options
def serve(
    port: int, lan: bool, new_token: bool, library: Path | None, exports_size: int, speech: SpeechChoices
) -> None:
    """Serve the routines to a phone: player, downloads, podcast feed.

    Every URL holds a secret token (kept in your data folder; --new-token replaces it). Without --lan only
    this computer can connect. Exports are made on first use and kept. Ctrl-C stops.

    \b
    Examples:
        voice-coach serve
        voice-coach serve --lan --port 8080
    """
    logging.basicConfig(format="Warning: %(message)s", level=logging.WARNING)
    config = vc.load_config()
    running = vc.server(
        port=port, lan=lan, new_token=new_token, library=library or config.library(),
        speech=speech.speech(config), countdown=config.countdown, lead_in=config.lead_in,
        exports_bytes=exports_size,
    )  # fmt: skip
    click.echo(f"Serving on {running.urls[0]}")
    if lan:
        for url in running.urls[1:]:
            click.echo(f"On your phone (same Wi-Fi): {url}")
        click.echo(running.qr if _colour() else running.qr_plain, nl=False)
    click.echo(f"Podcast feed: {running.feed_url}")
    click.echo("Anyone with these links can listen: share them only with your own devices. Ctrl-C stops.")
    if new_token:
        click.echo("This is a new access token: old links and feed subscriptions no longer work.")
    running.run()
    click.echo("Stopped.")


def _colour() -> bool:
    """Whether the QR code may set its own colours: on a terminal, unless ``NO_COLOR`` is set."""
    return "NO_COLOR" not in os.environ and sys.stdout.isatty()
