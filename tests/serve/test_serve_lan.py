"""What ``--lan`` shows: this machine's private addresses (found without sending anything) and a QR code."""

from __future__ import annotations

import ipaddress

from voice_coach.serve.lan import lan_addresses, qr_text


def test_lan_addresses_are_private_and_never_loopback() -> None:
    for address in lan_addresses():
        ip = ipaddress.IPv4Address(address)
        assert ip.is_private and not ip.is_loopback and not ip.is_link_local


def test_the_qr_code_is_drawn_with_block_characters() -> None:
    lines = qr_text("http://192.168.1.20:8765/" + "t" * 43 + "/").splitlines()
    assert len(lines) > 10 and len({len(line) for line in lines}) == 1
    assert set("".join(lines)) <= set(" █▀▄")
