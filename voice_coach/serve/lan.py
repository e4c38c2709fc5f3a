"""Where a phone can reach this computer: its IPv4 addresses on the local network (read from the network
interfaces, without sending anything anywhere), and the phone's URL as a QR code for the terminal."""

from __future__ import annotations

import ipaddress
import socket
import struct
import sys

SIOCGIFADDR = 0x8915
"""Linux's ioctl for an interface's IPv4 address."""
QUIET_ZONE = 2
"""Light modules around the code, in modules."""
HALF_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}
"""The character drawing (upper, lower) modules, True where the foreground colour shows."""
BLACK_ON_WHITE, RESET = "\x1b[30;107m", "\x1b[0m"


def lan_addresses() -> list[str]:
    """The machine's private IPv4 addresses (no loopback, no link-local), sorted; empty when offline. The
    host name is resolved only where the interfaces can't be read: resolving it may ask a DNS server."""
    found = set(_interface_addresses()) or set(_host_addresses())
    return sorted((a for a in found if _usable(a)), key=lambda a: ipaddress.IPv4Address(a))


def _usable(address: str) -> bool:
    ip = ipaddress.IPv4Address(address)
    return ip.is_private and not ip.is_loopback and not ip.is_link_local and not ip.is_unspecified


def _interface_addresses() -> list[str]:
    """Each interface's address, asked of the kernel (Linux); none elsewhere."""
    if not sys.platform.startswith("linux"):
        return []
    import fcntl

    addresses = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            request = struct.pack("256s", name.encode()[:15])
            try:
                reply = fcntl.ioctl(probe.fileno(), SIOCGIFADDR, request)
            except OSError:  # no IPv4 address on this interface
                continue
            addresses.append(socket.inet_ntoa(reply[20:24]))
    return addresses


def _host_addresses() -> list[str]:
    """The addresses the host name resolves to (the way on systems without the ioctl)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return [str(info[4][0]) for info in infos]


def qr_text(url: str, *, colour: bool = True) -> str:
    """``url`` as a QR code for a terminal, two rows of modules per line of half blocks. With ``colour``
    the code sets its own colours (black modules on white, ANSI), so it reads right on a light or a dark
    terminal; without (``NO_COLOR``), the light modules are drawn, for the usual light-on-dark terminal."""
    import segno

    rows = [list(row) for row in segno.make(url, error="m").matrix_iter(border=QUIET_ZONE)]
    rows.append([0] * len(rows[0]))  # an odd last row is paired with a light one
    lines = []
    for upper, lower in zip(rows[::2], rows[1::2], strict=False):
        drawn = [(bool(a), bool(b)) if colour else (not a, not b) for a, b in zip(upper, lower, strict=True)]
        text = "".join(HALF_BLOCKS[pair] for pair in drawn)
        lines.append(f"{BLACK_ON_WHITE}{text}{RESET}" if colour else text)
    return "\n".join(lines) + "\n"
