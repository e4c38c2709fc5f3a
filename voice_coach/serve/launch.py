"""A server ready to run: its sockets bound, its token read, its catalog and export cache made; what the
package's ``server`` call returns (``voice-coach serve`` announces its URLs, then runs it)."""

from __future__ import annotations

import contextlib
import logging
import socket
from dataclasses import dataclass
from pathlib import Path

import voice_coach as vc
from voice_coach.serve import server
from voice_coach.serve.app import Served, create_app
from voice_coach.serve.export_cache import ExportCache, exports_folder
from voice_coach.serve.lan import lan_addresses, qr_text
from voice_coach.serve.render import render_variant
from voice_coach.serve.tokens import server_token
from voice_coach.serve.variant import Defaults

LOCAL = "127.0.0.1"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Server:
    """A bound server: ``urls`` (this computer's first, then the local network's), whether its token is
    ``new``, and ``qr`` (the local network's URL as a QR code in text, black on white in ANSI colours) when
    it listens there; ``qr_plain`` is the same without colours, its light modules drawn, for a dark terminal
    that shows no colours (``NO_COLOR``, or not a terminal)."""

    urls: tuple[str, ...]
    new: bool
    qr: str | None
    served: Served
    token: str
    sockets: tuple[socket.socket, ...]
    qr_plain: str | None = None

    @property
    def feed_url(self) -> str:
        """The podcast feed, at the last URL (the one a phone reaches)."""
        return f"{self.urls[-1]}feed.xml"

    def run(self) -> None:
        """Serve until Ctrl-C (or SIGTERM); renders in progress are stopped and their files removed."""
        try:
            with contextlib.suppress(OSError):  # a link for 'remind'; serving matters more
                vc.keep_link(self.urls[-1])
            app = create_app(self.token, self.served)
            server.run(server.make_server(app, on_stop=self.served.cache.stop), list(self.sockets))
        finally:
            with contextlib.suppress(OSError):
                vc.forget_link()
            self.served.cache.close()


def bound_server(
    port: int,
    lan: bool,
    new_token: bool,
    library: Path | None,
    exports_bytes: int,
    chosen: tuple[vc.Speech, str, str],
) -> Server:
    """A server of ``library``'s routines on ``port`` (0: any free one), on this computer and with
    ``lan`` on the local network too, its exports made with the ``chosen`` voice, countdown and lead-in
    where a request chooses nothing; ``VoiceCoachError`` when it cannot listen or keep its token."""
    hosts = [LOCAL, *(_lan_hosts() if lan else [])]
    sockets = server.bind(hosts, port)
    token = _token(new_token)
    defaults = Defaults(*chosen)
    speech = defaults.speech
    cache = ExportCache(exports_folder(speech.cache_folder()), render_variant, max_bytes=exports_bytes)
    served = Served(vc.Catalog(library, speech, warn=log.warning), cache, defaults)
    bound_port = sockets[0].getsockname()[1]
    urls = tuple(f"http://{host}:{bound_port}/{token}/" for host in hosts)
    qr, plain = (qr_text(urls[1]), qr_text(urls[1], colour=False)) if lan else (None, None)
    return Server(urls, new_token, qr, served, token, tuple(sockets), plain)


def _lan_hosts() -> list[str]:
    found = lan_addresses()
    if not found:
        raise vc.VoiceCoachError("no local network address found: connect this computer to the phone's Wi-Fi")
    return found


def _token(new: bool) -> str:
    try:
        return server_token(new=new)
    except OSError as error:
        raise vc.VoiceCoachError(
            f"cannot keep the access token in {vc.data_folder()}: {error.strerror}"
        ) from None
