"""``voice-coach serve``: the routines on a phone, through a small web server on this computer."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import click

import voice_coach as vc
from voice_coach.cli.options import SpeechChoices, speech_options
from voice_coach.config import load_config
from voice_coach.serve import server
from voice_coach.serve.app import Served, create_app
from voice_coach.serve.export_cache import ExportCache, exports_folder
from voice_coach.serve.lan import lan_addresses, qr_text
from voice_coach.serve.render import render_variant
from voice_coach.serve.tokens import data_folder, server_token
from voice_coach.serve.variant import Defaults

LOCAL = "127.0.0.1"
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
    config = load_config()
    chosen = speech.speech(config)
    hosts = [LOCAL, *(_lan_hosts() if lan else [])]
    sockets = server.bind(hosts, port)
    token = _token(new_token)
    assert chosen.cache_dir is not None  # SpeechChoices names the folder
    cache = ExportCache(exports_folder(Path(chosen.cache_dir)), render_variant, max_bytes=exports_size)
    defaults = Defaults(chosen, config.countdown or "standard", config.lead_in or "1s")
    catalog = vc.Catalog(library or config.library(), chosen, warn=logging.getLogger(__name__).warning)
    served = Served(catalog, cache, defaults)
    _announce(hosts, sockets[0].getsockname()[1], token, lan)
    if new_token:
        click.echo("This is a new access token: old links and feed subscriptions no longer work.")
    try:
        server.run(server.make_server(create_app(token, served)), sockets)
    finally:
        cache.close()
    click.echo("Stopped.")


def _lan_hosts() -> list[str]:
    found = lan_addresses()
    if not found:
        raise click.ClickException(
            "no local network address found: connect this computer to the phone's Wi-Fi"
        )
    return found


def _token(new: bool) -> str:
    try:
        token = server_token(new=new)
    except OSError as error:
        raise click.ClickException(
            f"cannot keep the access token in {data_folder()}: {error.strerror}"
        ) from None
    return token


def _announce(hosts: list[str], port: int, token: str, lan: bool) -> None:
    urls = [f"http://{host}:{port}/{token}/" for host in hosts]
    click.echo(f"Serving on {urls[0]}")
    if lan:
        for url in urls[1:]:
            click.echo(f"On your phone (same Wi-Fi): {url}")
        click.echo(qr_text(urls[1]), nl=False)
    click.echo(f"Podcast feed: {urls[-1]}feed.xml")
    click.echo("Anyone with these links can listen: share them only with your own devices. Ctrl-C stops.")
