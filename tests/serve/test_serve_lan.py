"""What ``--lan`` shows: this machine's private addresses (found without sending anything) and a QR code."""

from __future__ import annotations

import ipaddress

import segno

from voice_coach.serve.lan import lan_addresses, qr_text

URL = "http://192.168.1.20:8765/" + "t" * 43 + "/"
UPPER_LOWER = {" ": (False, False), "▀": (True, False), "▄": (False, True), "█": (True, True)}


def test_lan_addresses_are_private_and_never_loopback() -> None:
    for address in lan_addresses():
        ip = ipaddress.IPv4Address(address)
        assert ip.is_private and not ip.is_loopback and not ip.is_link_local


def drawn_modules(text: str, *, colour: bool) -> list[list[bool]]:
    """The modules ``text`` shows in the foreground colour, two rows per line."""
    rows: list[list[bool]] = []
    for line in text.splitlines():
        if colour:
            assert line.startswith("\x1b[30;107m") and line.endswith("\x1b[0m"), "black on white, then reset"
            line = line.removeprefix("\x1b[30;107m").removesuffix("\x1b[0m")
        pairs = [UPPER_LOWER[char] for char in line]
        rows += [[upper for upper, _ in pairs], [lower for _, lower in pairs]]
    return rows


def test_the_qr_code_draws_dark_modules_dark_whatever_the_terminal_background() -> None:
    """With its own colours (black foreground on white), the foreground blocks are the code's dark
    modules: a scanner reads it on a light terminal as on a dark one, without inversion."""
    modules = [[bool(m) for m in row] for row in segno.make(URL, error="m").matrix_iter(border=2)]
    coloured = drawn_modules(qr_text(URL), colour=True)
    assert coloured[: len(modules)] == modules and not any(any(row) for row in coloured[len(modules) :])
    plain = drawn_modules(qr_text(URL, colour=False), colour=False)
    assert plain[: len(modules)] == [[not m for m in row] for row in modules], "light on a dark terminal"
