"""Small QPainter charts of the restoration editor: pH before/after per leaf, hours per month; colour swatches."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import SupportsFloat

from guji.gui.qt import QColor, QIcon, QPainter, QPaintEvent, QPen, QPixmap, QRectF, QSize, Qt, QWidget
from restoration.srgb import lab_to_srgb

BEFORE = QColor("#b08d57")
AFTER = QColor("#3c6e91")
ACID = QColor("#c0392b")


def swatch_colour(lab: Sequence[SupportsFloat] | None) -> QColor:
    """The sRGB colour of an L*a*b* triple (grey when there is none)."""
    if lab is None:
        return QColor("#cccccc")
    r, g, b = lab_to_srgb([float(x) for x in lab])
    return QColor.fromRgbF(r, g, b)


def swatch_icon(lab: Sequence[SupportsFloat] | None, size: QSize | None = None) -> QIcon:
    """A small framed rectangle in the colour of ``lab`` (28×16 unless ``size`` is given)."""
    if size is None:
        size = QSize(28, 16)
    pm = QPixmap(size)
    pm.fill(swatch_colour(lab))
    p = QPainter(pm)
    p.setPen(QPen(QColor("#555555")))
    p.drawRect(0, 0, size.width() - 1, size.height() - 1)
    p.end()
    return QIcon(pm)


class PhChart(QWidget):
    """Bars of the mean pH per leaf before (brown) and after (blue) treatment, with the acidity line."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[tuple[str, float | None, float | None]] = []
        self.threshold = 5.5
        self.setMinimumHeight(150)

    def set_data(self, rows: Sequence[tuple[str, Decimal | None, Decimal | None]], threshold: Decimal) -> None:
        self.rows = [(leaf, float(a) if a is not None else None, float(b) if b is not None else None)
                     for leaf, a, b in rows]
        self.threshold = float(threshold)
        self.update()

    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        left, right, top, bottom = 34, 10, 22, 22
        lo, hi = 3.0, 10.0
        plot_h = h - top - bottom

        def y(v: float) -> float:
            return top + plot_h - (min(max(v, lo), hi) - lo) / (hi - lo) * plot_h

        p.fillRect(self.rect(), QColor("white"))
        p.setPen(QPen(QColor("#dddddd")))
        for t in range(3, 11):
            p.drawLine(left, int(y(t)), w - right, int(y(t)))
            p.setPen(QPen(QColor("#666666")))
            p.drawText(QRectF(0, y(t) - 8, left - 4, 16), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       str(t))
            p.setPen(QPen(QColor("#dddddd")))
        pen = QPen(ACID)
        pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(left, int(y(self.threshold)), w - right, int(y(self.threshold)))
        p.drawText(QRectF(w - right - 80, y(self.threshold) - 16, 80, 14), Qt.AlignmentFlag.AlignRight,
                   f"pH {self.threshold:g}")
        p.setPen(QPen(QColor("#333333")))
        p.drawText(QRectF(left, 2, 60, 16), Qt.AlignmentFlag.AlignLeft, self.tr("Before"))
        p.fillRect(QRectF(left - 12, 6, 9, 9), BEFORE)
        p.drawText(QRectF(left + 80, 2, 60, 16), Qt.AlignmentFlag.AlignLeft, self.tr("After"))
        p.fillRect(QRectF(left + 68, 6, 9, 9), AFTER)
        if not self.rows:
            p.drawText(QRectF(left, top, w - left - right, plot_h), Qt.AlignmentFlag.AlignCenter,
                       self.tr("No pH comparison yet"))
            p.end()
            return
        slot = (w - left - right) / len(self.rows)
        bw = max(2.0, min(slot * 0.35, 18.0))
        for i, (leaf, a, b) in enumerate(self.rows):
            x0 = left + i * slot + slot / 2
            if a is not None:
                p.fillRect(QRectF(x0 - bw, y(a), bw, y(lo) - y(a)), BEFORE)
            if b is not None:
                p.fillRect(QRectF(x0, y(b), bw, y(lo) - y(b)), AFTER)
            if len(self.rows) <= 30:
                p.setPen(QPen(QColor("#333333")))
                p.drawText(QRectF(x0 - slot / 2, h - bottom + 2, slot, 16), Qt.AlignmentFlag.AlignHCenter, leaf[:5])
        p.end()


class HoursChart(QWidget):
    """Hours worked per month (bars), with the leaves treated written above each bar."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[tuple[str, float, int]] = []
        self.setMinimumHeight(140)

    def set_data(self, rows: Sequence[tuple[str, Decimal, int]]) -> None:
        self.rows = [(label, float(h), leaves) for label, h, leaves in rows]
        self.update()

    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        w, h = self.width(), self.height()
        left, right, top, bottom = 34, 10, 20, 22
        p.fillRect(self.rect(), QColor("white"))
        p.setPen(QPen(QColor("#333333")))
        p.drawText(QRectF(left, 2, 200, 16), Qt.AlignmentFlag.AlignLeft, self.tr("Hours per month"))
        if not self.rows:
            p.drawText(QRectF(left, top, w - left - right, h - top - bottom), Qt.AlignmentFlag.AlignCenter,
                       self.tr("No sessions yet"))
            p.end()
            return
        top_h = max(r[1] for r in self.rows) or 1.0
        plot_h = h - top - bottom - 14
        slot = (w - left - right) / len(self.rows)
        bw = max(4.0, min(slot * 0.6, 40.0))
        for i, (label, hours, leaves) in enumerate(self.rows):
            x0 = left + i * slot + (slot - bw) / 2
            bh = hours / top_h * plot_h
            p.fillRect(QRectF(x0, h - bottom - bh, bw, bh), AFTER)
            p.drawText(QRectF(x0 - 20, h - bottom - bh - 15, bw + 40, 14), Qt.AlignmentFlag.AlignHCenter,
                       f"{hours:g} h / {leaves}")
            p.drawText(QRectF(left + i * slot, h - bottom + 2, slot, 16), Qt.AlignmentFlag.AlignHCenter, label)
        p.drawLine(left, h - bottom, w - right, h - bottom)
        p.end()
