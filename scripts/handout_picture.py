"""Draw docs/handout.png, the README's picture of a handout's first page: the handout of the kneeling twist
(20 s holds, 4 sets) with a QR code of an example link, its first page rendered at 96 dpi by pdfium.

Run from the repository: ``.venv/bin/python scripts/handout_picture.py`` (needs the ``test`` extra).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pypdfium2

import voice_coach as vc

PICTURE = Path(__file__).resolve().parent.parent / "docs" / "handout.png"
EXAMPLE_URL = "http://192.168.1.20:8765/Xy3qAbCdEf/"


def main() -> None:
    timeline = vc.compile("kneeling-twist", hold="20s", sets=4)
    with tempfile.TemporaryDirectory() as folder:
        pdf = vc.handout(timeline, Path(folder) / "handout.pdf", url=EXAMPLE_URL)
        page = pypdfium2.PdfDocument(pdf)[0]
        image = page.render(scale=96 / 72).to_pil().convert("L")
        image.save(PICTURE, optimize=True)
    print(f"Wrote {PICTURE} ({image.width}x{image.height})")


if __name__ == "__main__":
    main()
