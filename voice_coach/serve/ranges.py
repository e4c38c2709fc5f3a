"""Serving a file so players can seek and resume: one byte range (``206``), ``416`` for a byte range that is
malformed or past the end, ``304`` for a copy the client has, and exact ``Content-Length`` and ``ETag``.

The file is opened before the response starts, so an entry evicted meanwhile is still served whole.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

CHUNK = 1 << 16
_RANGE = re.compile(r"(\d*)-(\d*)")


class Unsatisfiable(Exception):
    """A Range header that is malformed or asks for bytes the file does not have."""


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive ``(first, last)`` bytes a ``Range`` header asks for; None for the whole file (no
    header, a unit other than bytes, or several ranges, which a server may answer whole); ``Unsatisfiable``
    otherwise."""
    if header is None:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes":
        return None  # a unit this server does not know: ignored, as RFC 9110 asks
    parts = [_RANGE.fullmatch(part.strip()) for part in spec.split(",")]
    if not all(parts):
        raise Unsatisfiable
    if len(parts) > 1:
        return None
    match = parts[0]
    assert match is not None
    first, last = match.groups()
    if not first and not last:
        raise Unsatisfiable
    if not first:  # the last N bytes
        if int(last) == 0 or size == 0:
            raise Unsatisfiable
        return max(size - int(last), 0), size - 1
    if int(first) >= size or (last and int(last) < int(first)):
        raise Unsatisfiable
    return int(first), min(int(last), size - 1) if last else size - 1


def etag_of(path: Path, stat: os.stat_result) -> str:
    """A strong validator: the entry's content address (its folder's name) and the file's size and time."""
    seed = f"{path.parent.name}/{path.name}:{stat.st_size}:{stat.st_mtime_ns}"
    return '"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"'


def file_response(request: Request, path: Path, media_type: str, headers: dict[str, str]) -> Response:
    """``path`` answered as the request's Range, If-None-Match and If-Range headers ask."""
    file = path.open("rb")
    try:
        stat = os.fstat(file.fileno())
        etag = etag_of(path, stat)
        common = {**headers, "ETag": etag, "Accept-Ranges": "bytes", "Cache-Control": "private, max-age=3600"}
        if etag in _tags(request.headers.get("if-none-match")):
            file.close()
            return Response(status_code=304, headers=common)
        wanted = request.headers.get("range")
        if request.headers.get("if-range", etag) != etag:
            wanted = None
        try:
            span = byte_range(wanted, stat.st_size)
        except Unsatisfiable:
            file.close()
            return Response(status_code=416, headers={**common, "Content-Range": f"bytes */{stat.st_size}"})
        return _send(request, file, span, stat.st_size, media_type, common)
    except BaseException:
        file.close()
        raise


def _send(
    request: Request,
    file: BinaryIO,
    span: tuple[int, int] | None,
    size: int,
    media_type: str,
    headers: dict[str, str],
) -> Response:
    first, last = span if span is not None else (0, size - 1)
    length = last - first + 1 if size else 0
    headers = {**headers, "Content-Length": str(length)}
    status = 200
    if span is not None:
        status, headers["Content-Range"] = 206, f"bytes {first}-{last}/{size}"
    if request.method == "HEAD":
        file.close()
        return Response(status_code=status, headers=headers, media_type=media_type)
    return StreamingResponse(_chunks(file, first, length), status, headers, media_type)


def _chunks(file: BinaryIO, first: int, length: int) -> Iterator[bytes]:
    with file:
        file.seek(first)
        while length > 0 and (chunk := file.read(min(CHUNK, length))):
            length -= len(chunk)
            yield chunk


def _tags(header: str | None) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in (header or "").split(",") if tag.strip()]
