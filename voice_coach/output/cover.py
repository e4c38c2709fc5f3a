"""Cover art, which phone players show instead of a blank square: the user's own JPEG or PNG (checked
before synthesis), or a generated square PNG with the session's title.

The generated cover needs no imaging library: numpy draws a gradient, a disc and the title in a small
built-in bitmap font (capitals, digits, common punctuation; accents are dropped, other scripts left
out: the title tag keeps the full text), and ``png`` writes the file with zlib.
"""

from __future__ import annotations

import os
import struct
import textwrap
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voice_coach.errors import OutputError, literal

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Pixels = npt.NDArray[np.float32]

SIZE = 600
"""The generated cover's width and height in pixels: what podcast and audiobook apps ask for at least."""
MAX_BYTES = 10_000_000
"""The largest cover file accepted: it is copied into every file written (each of a split)."""
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_START = b"\xff\xd8\xff"

_GLYPHS = (
    "AEHHVHHH BUHHUHHU CEHGGGHE DUHHHHHU EVGGUGGV FVGGUGGG GEHGNHHF HHHHVHHH IE44444E J72222IC KHIKOKIH "
    "LGGGGGGV MHRLLHHH NHHPLJHH OEHHHHHE PUHHUGGG QEHHHLID RUHHUKIH SFGGE11U TV444444 UHHHHHHE VHHHHHA4 "
    "WHHHLLLA XHHA4AHH YHHA4444 ZV1248GV 0EHJLPHE 14C4444E 2EH1248V 3V2421HE 426AIV22 5VGU11HE 668GUHHE "
    "7V124888 8EHHEHHE 9EHHF12C -000V000 .00000CC ,0000C48 '4480000 !4444404 ?EH12404 &CIK8LID /01248G0 "
    "+044V440 (2488842 )8422248 :0CC0CC0"
)
"""A 5x7 bitmap font: each glyph is its character and seven rows, each a base-32 digit whose five bits
are the row's pixels, left to right."""
FONT = {glyph[0]: [int(row, 32) for row in glyph[1:]] for glyph in _GLYPHS.split()}

_TOP, _BOTTOM = (27, 94, 110), (14, 38, 62)
_SUN, _TEXT, _SMALL_TEXT = (244, 177, 92), (250, 247, 240), (168, 200, 204)
_MARGIN, _TEXT_TOP, _TEXT_BOTTOM = 40, 372, 540


@dataclass(frozen=True)
class Cover:
    """An image to embed: its bytes and MIME type (``image/png`` or ``image/jpeg``)."""

    data: bytes
    mime: str


def read_cover(path: str | os.PathLike[str]) -> Cover:
    """The JPEG or PNG image at ``path``; OutputError (one line) if it is missing, unreadable, too large
    or not such an image. Call it before synthesis."""
    path = Path(path)
    name = literal(str(path))
    if not path.is_file():
        problem = "is not a file" if path.exists() else "does not exist"
        raise OutputError(f"cover art {name} {problem}")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise OutputError(f"cover art {name} is {size / 1e6:.1f} MB: use an image under 10 MB")
        data = path.read_bytes()
    except OSError as error:
        raise OutputError(f"cannot read cover art {name}: {error.strerror or error}") from error
    mime = image_type(data)
    if mime is None:
        raise OutputError(f"cover art {name} is not a JPEG or PNG image")
    return Cover(data, mime)


def image_type(data: bytes) -> str | None:
    """``image/png`` or ``image/jpeg`` from the first bytes of ``data``; None for anything else."""
    if data.startswith(PNG_SIGNATURE):
        return "image/png"
    if data.startswith(JPEG_START):
        return "image/jpeg"
    return None


def title_cover(title: str, artist: str = "") -> Cover:
    """A ``SIZE`` square PNG: a teal gradient, a warm disc, ``title`` in large capitals below it and
    ``artist`` small at the bottom. The same title always gives the same bytes."""
    import numpy as np

    shade = np.linspace(0.0, 1.0, SIZE, dtype=np.float32)[:, None, None]
    image = np.asarray(_TOP, np.float32) * (1 - shade) + np.asarray(_BOTTOM, np.float32) * shade
    image = np.repeat(image, SIZE, axis=1)
    _ring(image, (SIZE // 2, 200), 118, None, _SUN, 1.0)
    _ring(image, (SIZE // 2, 200), 142, 3.0, _SUN, 0.55)
    lines, scale = layout(printable(title))
    height = len(lines) * 10 * scale - 3 * scale
    top = (_TEXT_TOP + _TEXT_BOTTOM - height) // 2
    for number, line in enumerate(lines):
        _text(image, line, top + number * 10 * scale, scale, _TEXT)
    small = layout(printable(artist), lines=1, scales=(2,))[0]
    if small:
        _text(image, small[0], SIZE - 36, 2, _SMALL_TEXT)
    return Cover(png(np.rint(image).astype(np.uint8)), "image/png")


def printable(text: str) -> str:
    """``text`` in the font's characters: capitals, accents dropped (``ü`` → ``U``), others left out."""
    folded = unicodedata.normalize("NFKD", text.upper())
    kept = "".join(c if c in FONT else " " for c in folded if not unicodedata.combining(c))
    return " ".join(kept.split())


def layout(
    text: str, lines: int = 3, scales: tuple[int, ...] = (9, 8, 7, 6, 5, 4, 3)
) -> tuple[list[str], int]:
    """``text`` wrapped in at most ``lines`` lines at the largest of ``scales`` (pixels per font pixel)
    that fits the cover's width and text area; at the smallest, what does not fit ends in ``...``."""
    for scale in scales:
        width = (SIZE - 2 * _MARGIN + scale) // (6 * scale)
        wrapped = textwrap.wrap(text, width, break_on_hyphens=False)
        fits_height = len(wrapped) * 10 * scale - 3 * scale <= _TEXT_BOTTOM - _TEXT_TOP
        if len(wrapped) <= lines and fits_height:
            return wrapped, scale
    return textwrap.wrap(text, width, max_lines=lines, placeholder="..."), scales[-1]


def png(pixels: npt.NDArray[np.uint8]) -> bytes:
    """An 8-bit RGB PNG file of ``pixels`` (height x width x 3), rows filtered by "Sub" (type 1)."""
    import numpy as np

    height, width, _ = pixels.shape
    rows = pixels.reshape(height, width * 3)
    filtered = rows.copy()
    filtered[:, 3:] = rows[:, 3:] - rows[:, :-3]  # wraps modulo 256, as PNG's filter does
    raw = np.hstack((np.ones((height, 1), np.uint8), filtered)).tobytes()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 6))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _ring(
    image: Pixels,
    centre: tuple[int, int],
    radius: float,
    width: float | None,
    colour: tuple[int, int, int],
    opacity: float,
) -> None:
    """Paint a smooth-edged disc (``width`` None) or a ring ``width`` pixels wide onto ``image``."""
    import numpy as np

    reach = int(radius + (width or 0) + 2)
    top, left = max(centre[1] - reach, 0), max(centre[0] - reach, 0)
    area = image[top : centre[1] + reach, left : centre[0] + reach]
    ys, xs = np.ogrid[top : top + area.shape[0], left : left + area.shape[1]]
    distance = np.hypot(xs - centre[0], ys - centre[1]).astype(np.float32)
    edge = radius - distance if width is None else width / 2 - np.abs(distance - radius)
    alpha = np.clip(edge + 0.5, 0.0, 1.0)[..., None] * opacity
    area *= 1 - alpha
    area += alpha * np.asarray(colour, np.float32)


def _text(image: Pixels, line: str, top: int, scale: int, colour: tuple[int, int, int]) -> None:
    """Paint ``line`` (font characters) centred across ``image``, ``scale`` pixels per font pixel."""
    import numpy as np

    advance = 6 * scale
    left = (SIZE - (len(line) * advance - scale)) // 2
    block = np.ones((scale, scale), bool)
    for index, char in enumerate(line):
        rows = FONT.get(char)
        if rows is None:
            continue  # a space
        bits = np.array([[(row >> (4 - x)) & 1 for x in range(5)] for row in rows], bool)
        mask = np.kron(bits, block)
        x = left + index * advance
        image[top : top + 7 * scale, x : x + 5 * scale][mask] = colour
