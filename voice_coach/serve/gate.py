"""The door every request passes first: the token (else ``403`` and not a word more), then only small
``GET``/``HEAD`` requests whose path cannot climb out of the served folders, and a tiny ``POST`` to the one
route that takes one (``/rate/ID.json``: how the back feels after a session)."""

from __future__ import annotations

import secrets

from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from voice_coach.serve.slots import admit

MAX_QUERY_BYTES = 2048
"""Far more than every setting needs; a longer query is refused before it is parsed."""
POST_ROUTES = ("rate",)
"""The first path segments (after the token) that take a ``POST``."""
MAX_POST_BYTES = 256
"""Far more than ``pain=10`` needs; a larger body, or one of unknown length, is refused unread."""


class TokenGate:
    """ASGI middleware: answers a refused request itself, else hands it on with the token as ``root_path``
    (so routes are ``/routine/...`` and ``request.base_url`` ends in ``/TOKEN/``)."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        admit(scope)  # the token is right: the connection keeps its slot
        await self.app({**scope, "root_path": scope.get("root_path", "") + "/" + self.token}, receive, send)

    def refusal(self, scope: Scope) -> Response | None:
        """The answer to a request that goes no further, or None."""
        path: str = scope["path"]
        first, slash, _ = path.removeprefix("/").partition("/")
        if not secrets.compare_digest(first.encode(), self.token.encode()):
            return PlainTextResponse("Forbidden", 403)
        if scope["method"] == "POST" and path.split("/")[2:3] == [POST_ROUTES[0]]:
            if _body_length(scope) > MAX_POST_BYTES:
                return PlainTextResponse("Content Too Large", 413)
        elif scope["method"] not in ("GET", "HEAD"):
            return PlainTextResponse("Method Not Allowed", 405, headers={"Allow": "GET, HEAD"})
        if len(scope.get("query_string", b"")) > MAX_QUERY_BYTES:
            return PlainTextResponse("URI Too Long", 414)
        raw = (scope.get("raw_path") or path.encode()).lower()
        segments = path.split("/")
        if (
            b"%2f" in raw
            or b"%5c" in raw
            or "\\" in path
            or ".." in segments
            or "." in segments
            or "" in segments[2:-1]
        ):
            return PlainTextResponse("Not Found", 404)
        if not slash:
            return RedirectResponse(f"/{self.token}/", 307)
        return None


def _body_length(scope: Scope) -> int:
    """The request's declared body length; one without (chunked) counts as too large."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else MAX_POST_BYTES + 1
    return MAX_POST_BYTES + 1
