"""Security headers on every response, refusals included: a CSP that allows no inline script and no
framing, no MIME sniffing, no referrer."""

from __future__ import annotations

import pytest
from conftest import TOKEN
from starlette.testclient import TestClient

ROOT = f"/{TOKEN}/"


@pytest.mark.parametrize(
    "path",
    ["/", ROOT, ROOT + "routine/spi", ROOT + "variant/spi.json?hold=abc", ROOT + "audio/spi.mp3",
     ROOT + "static/style.css", ROOT + "feed.xml", ROOT + "nothing-here", f"/{TOKEN}"],
)  # fmt: skip
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path, follow_redirects=False).headers
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in headers["content-security-policy"].split(";")
        if directive.strip()
    }
    assert policy["script-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
