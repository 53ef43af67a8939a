"""Book labels (書標): an A4 sheet of self-adhesive labels, one per record.

Each label carries a QR code of the census number (what a scanner at the vault
desk reads), the census number in print, the call number large, a short title
and the holding institution. The default sheet is 3 × 8 labels of 70 × 37 mm
(the common A4 label stock); other stocks are a :class:`LabelSheet`. ``start``
skips the first positions of a partly used sheet.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import IO

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from export import fonts
from export.fonts import PRIMARY, MissingChars
from export.registry import ExportData, ExportRecord, ExportResult
from guji.errors import FieldProblem, ValidationError
from guji.jobs import Progress, check_cancel

__all__ = ["LabelSheet", "build_labels", "check_start", "render", "short_title"]


@dataclass(frozen=True)
class LabelSheet:
    """Geometry of a label stock, in millimetres (A4 portrait)."""

    columns: int = 3
    rows: int = 8
    label_w: float = 70.0
    label_h: float = 37.0
    margin_left: float = 0.0
    margin_top: float = 0.5
    gap_x: float = 0.0
    gap_y: float = 0.0
    padding: float = 3.0  # printers cannot print to the edge; nothing important within this

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def check(self) -> None:
        """Raise :class:`ValidationError` when the labels do not fit on A4 or are too small for a QR code."""
        w = self.margin_left + self.columns * self.label_w + (self.columns - 1) * self.gap_x
        h = self.margin_top + self.rows * self.label_h + (self.rows - 1) * self.gap_y
        if self.columns < 1 or self.rows < 1:
            raise ValidationError(FieldProblem("sheet", "a sheet needs at least one row and one column"))
        if w > 210.01 or h > 297.01:
            raise ValidationError(FieldProblem("sheet", f"{self.columns} × {self.rows} labels of {self.label_w} × "
                                                        f"{self.label_h} mm do not fit on A4"))
        if self.label_h - 2 * self.padding < 15 or self.label_w < 40:
            raise ValidationError(FieldProblem("sheet",
                                               "labels are too small for a readable QR code (min. 40 × 21 mm)"))


def _fit(text: str, width: float, size: float, missing: MissingChars | None = None) -> str:
    """``text`` cut (with …) so that it fits ``width`` at ``size``."""
    if fonts.text_width(text, size) <= width:
        return text
    while text and fonts.text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def short_title(title: str, width: float, size: float, lines: int = 2) -> list[str]:
    """The title broken into at most ``lines`` lines of ``width`` points, the last cut with … if needed."""
    out: list[str] = []
    rest = title
    while rest and len(out) < lines:
        if len(out) == lines - 1:
            out.append(_fit(rest, width, size))
            break
        n = len(rest)
        while n > 1 and fonts.text_width(rest[:n], size) > width:
            n -= 1
        out.append(rest[:n])
        rest = rest[n:]
    return out


def _draw_label(c: Canvas, x: float, y: float, sheet: LabelSheet, rec: ExportRecord, missing: MissingChars,
                outline: bool) -> None:
    """One label with its lower-left corner at (x, y) points."""
    w, h, pad = sheet.label_w * mm, sheet.label_h * mm, sheet.padding * mm
    if outline:
        c.saveState()
        c.setStrokeColor(colors.HexColor("#cccccc"))
        c.setLineWidth(0.3)
        c.setDash(1, 2)
        c.roundRect(x, y, w, h, 2 * mm)
        c.restoreState()
    # QR code: square, full inner height on the left. Level M survives a scuffed label.
    q = h - 2 * pad
    widget = QrCodeWidget(rec.census_number, barLevel="M", barBorder=2)
    bx0, by0, bx1, by1 = widget.getBounds()
    d = Drawing(q, q, transform=[q / (bx1 - bx0), 0, 0, q / (by1 - by0), 0, 0])
    d.add(widget)
    renderPDF.draw(d, c, x + pad * 0.6, y + pad)
    # Text block on the right.
    tx = x + pad * 0.6 + q + 1.5 * mm
    tw = x + w - pad - tx
    top = y + h - pad
    c.setFillColor(colors.black)
    fonts.draw_text(c, tx, top - 7, _fit(rec.census_number, tw, 7), 7, missing=missing)
    call = rec.data.call_number or ""
    size = 13.0
    while size > 8 and fonts.text_width(call, size) > tw:
        size -= 0.5
    fonts.draw_text(c, tx, top - 7 - 5 - size, _fit(call, tw, size, missing), size, missing=missing)
    ty = top - 7 - 5 - size - 4
    for line in short_title(rec.data.title or "", tw, 8.5):
        ty -= 10.5
        fonts.draw_text(c, tx, ty, line, 8.5, missing=missing)
    c.setFillColor(colors.HexColor("#444444"))
    fonts.draw_text(c, tx, y + pad, _fit(rec.institution_name, tw, 6), 6, missing=missing)


def check_start(start: int, sheet: LabelSheet) -> None:
    """Raise :class:`ValidationError` unless ``start`` is a label position of ``sheet``."""
    if not 0 <= start < sheet.per_page:
        raise ValidationError(FieldProblem("start", f"start must be 0–{sheet.per_page - 1} (label positions on a "
                                                    f"sheet of {sheet.per_page})", start))


def build_labels(records: list[ExportRecord], out: IO[bytes], *, sheet: LabelSheet | None = None,
                 start: int = 0, outline: bool = True, progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> ExportResult:
    """Write a label sheet PDF of ``records`` (in the given order) to the binary file ``out``.

    ``start`` skips that many positions on the first sheet (a partly used sheet);
    ``outline`` draws faint cut lines (for plain paper). Raises :class:`ValidationError`
    for a bad sheet or start, :class:`guji.jobs.Cancelled` on cancel.
    """
    sheet = sheet or LabelSheet()
    sheet.check()
    check_start(start, sheet)
    missing = MissingChars()
    page_h = A4[1]
    pages = 0
    with fonts.binary_streams():
        fonts.register_fonts()
        # types-reportlab declares initialFontName a float; reportlab takes a font name there.
        c = Canvas(out, pagesize=A4, initialFontName=PRIMARY)  # type: ignore[arg-type]
        c.setTitle("書標")
        c.setCreator("guji")
        pos = start
        for i, rec in enumerate(records):
            check_cancel(cancel)
            if pos == sheet.per_page:
                c.showPage()
                pages += 1
                pos = 0
            row, col = divmod(pos, sheet.columns)
            x = (sheet.margin_left + col * (sheet.label_w + sheet.gap_x)) * mm
            y = page_h - (sheet.margin_top + (row + 1) * sheet.label_h + row * sheet.gap_y) * mm
            _draw_label(c, x, y, sheet, rec, missing, outline)
            pos += 1
            if progress and i % 24 == 0:
                progress((i + 1) / len(records), f"label {i + 1} / {len(records)}")
        c.showPage()
        pages += 1
        c.save()
    w = missing.warning()
    if progress:
        progress(1.0, f"{len(records)} labels")
    return ExportResult("labels", "", len(records), "labels", pages, (w,) if w else (), tuple(missing.sorted()))


def render(data: ExportData, out: IO[bytes], progress: Progress | None = None,
           cancel: threading.Event | None = None) -> ExportResult:
    """Book labels of the records (the ``labels`` format of :mod:`export.registry`); options
    ``start``, ``outline`` and ``sheet`` (a :class:`LabelSheet`)."""
    o = data.options
    return build_labels(list(data.records), out, sheet=o.get("sheet"), start=int(o.get("start") or 0),
                        outline=bool(o.get("outline", True)), progress=progress, cancel=cancel)
