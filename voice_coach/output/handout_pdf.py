"""A handout laid out as a printable PDF (A4 or Letter): reportlab's page layout, a TrueType font embedded
(so the text is selectable and German and Spanish letters print), a vector QR code of the phone's link.

The font is Bitstream Vera, which ships inside reportlab's wheel (the font DejaVu grew from): it covers
every letter of Latin-1, so ä, ß, ñ and ¿ print on any machine, with no system font to find. reportlab
(BSD) is imported only here, when a handout is made, so other commands never load it.
"""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voice_coach.errors import ExportError, OutputError
from voice_coach.files import replace_atomically
from voice_coach.output.formats import check_document
from voice_coach.output.handout_content import Handout, HandoutRoutine

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

PAPERS = ("a4", "letter")
FONT, BOLD = "HandoutSans", "HandoutSans-Bold"
MARGIN_PT = 48
QR_PT = 110


def write_handout(handout: Handout, path: Path, *, paper: str = "a4", force: bool = False) -> Path:
    """Write ``handout`` to ``path`` (checked first); nothing is left at ``path`` if anything fails."""
    if paper not in PAPERS:
        raise OutputError(f"{{paper}}: must be one of {', '.join(PAPERS)}", options=("paper",))
    check_document(path, ".pdf", "a handout is a PDF", force=force)
    data = handout_pdf(handout, paper)
    try:
        replace_atomically(path, lambda raw: raw.write(data))
    except OSError as error:
        raise ExportError(f"{path}: cannot write the handout ({error.strerror})") from None
    return path


def handout_pdf(handout: Handout, paper: str = "a4") -> bytes:
    """The handout as the bytes of a PDF."""
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.platypus import SimpleDocTemplate

    _register_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4 if paper == "a4" else LETTER,
        leftMargin=MARGIN_PT,
        rightMargin=MARGIN_PT,
        topMargin=MARGIN_PT,
        bottomMargin=MARGIN_PT,
        title=handout.title,
        author="voice-coach",
        lang=handout.language,
        initialFontName=FONT,  # else the page starts in Helvetica, a font not embedded
    )
    footer = _footer(handout)
    document.build(story(handout, document.width), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _register_fonts() -> None:
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    fonts = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(fonts / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(fonts / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def styles() -> dict[str, Any]:
    """The paragraph styles: large, plain type for a reader who may be in pain and without glasses."""
    from reportlab.lib.styles import ParagraphStyle

    body = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=15, spaceAfter=3)
    return {
        "body": body,
        "title": ParagraphStyle("title", body, fontName=BOLD, fontSize=20, leading=25, spaceAfter=8),
        "heading": ParagraphStyle("heading", body, fontName=BOLD, fontSize=15, leading=19, spaceBefore=14),
        "label": ParagraphStyle("label", body, fontName=BOLD, spaceBefore=6),
        "step": ParagraphStyle("step", body, leftIndent=18, firstLineIndent=-18),
        "small": ParagraphStyle("small", body, fontSize=8, leading=10),
        "caution": ParagraphStyle("caution", body, leftIndent=8, borderPadding=4),
    }


def story(handout: Handout, width: float) -> list[Flowable]:
    """Everything on the pages, in order: the header with the QR code, each routine, the session log."""
    from reportlab.platypus import KeepTogether

    look = styles()
    flow: list[Flowable] = [header(handout, width, look)]
    flow += [KeepTogether(routine_flow(r, handout, look)) for r in handout.routines]
    flow.append(KeepTogether(log_flow(handout, width, look)))
    return flow


def _text(text: str) -> str:
    """``text`` for reportlab's paragraph markup: ``&``, ``<`` and ``>`` escaped (``html.escape`` is light to
    import; ``xml.sax.saxutils`` pulled urllib into every start-up)."""
    return html.escape(text, quote=False)


def header(handout: Handout, width: float, look: dict[str, Any]) -> Flowable:
    """The title, with the QR code and its link beside it when there is a link."""
    from reportlab.platypus import Paragraph, Table, TableStyle

    title = Paragraph(_text(handout.title), look["title"])
    if handout.url is None:
        return title
    code = [qr_code(handout.url, QR_PT), Paragraph(_text(handout.words.scan), look["small"])]
    code.append(Paragraph(_text(handout.url), look["small"]))
    table = Table([[title, code]], colWidths=[width - QR_PT - 8, QR_PT + 8])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (1, 0), (1, 0), 4),
            ]
        )
    )
    return table


def routine_flow(routine: HandoutRoutine, handout: Handout, look: dict[str, Any]) -> list[Flowable]:
    """One routine: title, what it needs, its settings, its steps, what to do while holding, cautions."""
    from reportlab.platypus import Paragraph

    words = handout.words
    flow: list[Flowable] = []
    if routine.title != handout.title:  # a routine alone: the page's title already names it
        flow.append(Paragraph(_text(routine.title), look["heading"]))
    if routine.intro:
        flow.append(Paragraph(_text(routine.intro), look["body"]))
    if routine.equipment:
        flow.append(_labelled(words.equipment, ", ".join(routine.equipment), look))
    if routine.settings:
        flow.append(Paragraph(" · ".join(f"<b>{_text(k)}:</b> {_text(v)}" for k, v in routine.settings),
                              look["body"]))  # fmt: skip
    if routine.progression:
        flow.append(_labelled(words.progression, routine.progression, look))
    flow.append(Paragraph(_text(words.steps), look["label"]))
    flow += [Paragraph(f"{i}. {_text(step)}", look["step"]) for i, step in enumerate(routine.steps, 1)]
    if routine.while_holding:
        flow.append(_labelled(words.while_holding, " ".join(routine.while_holding), look))
    if routine.switch:
        flow.append(_labelled(words.switch, routine.switch, look))
    flow += [
        Paragraph(f"<b>{_text(words.cautions)}:</b> {_text(c)}", look["caution"]) for c in routine.cautions
    ]
    return flow


def _labelled(label: str, text: str, look: dict[str, Any]) -> Flowable:
    from reportlab.platypus import Paragraph

    return Paragraph(f"<b>{_text(label)}:</b> {_text(text)}", look["body"])


def log_flow(handout: Handout, width: float, look: dict[str, Any]) -> list[Flowable]:
    """The table to fill in by hand: date, a box to tick, pain before and after (0 to 10), notes."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    words = handout.words
    head = [Paragraph(f"<b>{_text(w)}</b>", look["small"])
            for w in (words.date, words.done, words.pain_before, words.pain_after, words.notes)]  # fmt: skip
    rows = [head] + [["", tick_box(), "", "", ""] for _ in range(handout.tracking_rows)]
    columns = [width * share for share in (0.16, 0.1, 0.15, 0.15, 0.44)]
    table = Table(rows, colWidths=columns, rowHeights=[None] + [21] * handout.tracking_rows, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # the empty cells' too: no other font on the page
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 1), (1, -1), "CENTER"),
    ]))  # fmt: skip
    title = Paragraph(_text(words.log_title), look["heading"])
    return [title, Paragraph(_text(words.log_hint), look["body"]), table]


def _footer(handout: Handout) -> Any:
    """Draws the title and page number at the foot of every page."""

    def draw(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawString(MARGIN_PT, MARGIN_PT / 2, f"{handout.title} · voice-coach")
        canvas.drawRightString(
            document.pagesize[0] - MARGIN_PT, MARGIN_PT / 2, f"{handout.words.page} {document.page}"
        )
        canvas.restoreState()

    return draw


def qr_code(url: str, size: float) -> Flowable:
    """A QR code of ``url`` drawn as vector squares (sharp at any printer's resolution), with its quiet
    zone of four modules."""
    import segno

    rows = [list(row) for row in segno.make_qr(url, error="m").matrix_iter(border=4)]
    module = size / len(rows)
    squares = [
        (x * module, size - (y + 1) * module)
        for y, row in enumerate(rows)
        for x, dark in enumerate(row)
        if dark
    ]
    return _shape(
        size, size, lambda canvas: [canvas.rect(x, y, module, module, stroke=0, fill=1) for x, y in squares]
    )


def tick_box() -> Flowable:
    """An empty square to tick by hand."""
    return _shape(11, 11, lambda canvas: canvas.rect(0, 0, 11, 11, stroke=1, fill=0))


def _shape(width: float, height: float, paint: Any) -> Flowable:
    """A flowable of ``width`` x ``height`` points that ``paint(canvas)`` draws: lines and fills only,
    so no font is added to the page (reportlab's drawings would add Helvetica, not embedded)."""
    from reportlab.platypus import Flowable as Base

    class Shape(Base):  # type: ignore[misc]
        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return width, height

        def draw(self) -> None:
            paint(self.canv)

    return Shape()
