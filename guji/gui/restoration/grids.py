"""Entry grids of the restoration editor.

:class:`PhGrid` is made for keying a pH set in fast: three columns (leaf,
position, pH), Enter commits and moves down (a new row appears at the end, the
leaf is carried down), every value is checked as it is typed with the same
:func:`restoration.ph.parse_ph_value` the service uses, and the statistics
(n, mean, median, min, max, SD, points under the acidity threshold) follow live.

:class:`TrialGrid` lists dye trials with swatches of the trial and target
colours, ΔE00 and ΔL*, pass/fail against the tolerance and darker-than-target
flags.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from guji.gui.qt import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QBrush,
    QColor,
    QKeyEvent,
    QKeySequence,
    QSize,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
    horizontal_header,
    pyqtSignal,
    vertical_header,
)
from guji.gui.restoration.charts import swatch_icon
from restoration import ph
from restoration.errors import FieldError
from restoration.views import TrialView

BAD = QColor("#f6c9c4")
ACID = QColor("#fde7c7")
GOOD = QColor("#d9f0d3")


class PhGrid(QTableWidget):
    """Leaf / position / pH rows, validated live; emits ``stats_changed`` with the valid points' statistics."""

    stats_changed = pyqtSignal(object)  # PhStatistics

    def __init__(self, parent: QWidget | None = None, threshold: Decimal = ph.DEFAULT_ACID_THRESHOLD):
        super().__init__(0, 3, parent)
        self.threshold = threshold
        self.setHorizontalHeaderLabels([self.tr("Leaf"), self.tr("Position"), self.tr("pH")])
        vertical_header(self).setDefaultSectionSize(22)
        # Typing starts editing (no editor opened merely by moving), so Enter can move on.
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        horizontal_header(self).setStretchLastSection(True)
        self.errors: dict[int, str] = {}
        self.itemChanged.connect(self._changed)
        self.add_row()

    def add_row(self, leaf: str = "", position: str = "", value: str = "") -> int:
        r = self.rowCount()
        self.insertRow(r)
        for c, text in enumerate((leaf, position, value)):
            self.setItem(r, c, QTableWidgetItem(text))
        return r

    def _text(self, r: int, c: int) -> str:
        """The cell's text ("" for a cell without an item)."""
        it = self.item(r, c)
        return it.text() if it else ""

    def _move_down(self, r: int, c: int) -> None:
        """Go to the cell below (a new row, with the leaf carried down, after the last) and edit it."""
        if r == self.rowCount() - 1:
            self.add_row(leaf=self._text(r, 0))
        self.setCurrentCell(r + 1, c)
        self.editItem(self.item(r + 1, c))

    def closeEditor(  # noqa: N802 - Qt API
            self, editor: QWidget | None, hint: QAbstractItemDelegate.EndEditHint) -> None:
        # The item delegate closes its editor on Enter with SubmitModelCache: that is
        # the moment to move down, as in a spreadsheet column.
        r, c = self.currentRow(), self.currentColumn()
        enter = hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint if enter else hint)
        if enter:
            self._move_down(r, c)

    def keyPressEvent(self, event: QKeyEvent | None) -> None:  # noqa: N802 - Qt API
        editing = self.state() == QAbstractItemView.State.EditingState
        if event is not None and not editing:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._move_down(self.currentRow(), self.currentColumn())
                return
            if event.matches(QKeySequence.StandardKey.Delete):
                for it in self.selectedItems():
                    it.setText("")
                return
        super().keyPressEvent(event)

    def _changed(self, item: QTableWidgetItem) -> None:
        self._validate_row(item.row())
        self.stats_changed.emit(self.statistics())

    def _validate_row(self, r: int) -> ph.PhPoint | None:
        self.blockSignals(True)
        try:
            leaf, pos, raw = (self._text(r, c).strip() for c in range(3))
            value_item = self.item(r, 2)
            self.errors.pop(r, None)
            point = None
            if raw or leaf or pos:
                try:
                    point = ph.PhPoint.create(leaf, pos, raw)
                except FieldError as exc:
                    self.errors[r] = exc.message
            for c in range(3):
                it = self.item(r, c)
                if it is None:
                    continue
                if r in self.errors:
                    it.setBackground(QBrush(BAD))
                    it.setToolTip(self.errors[r])
                elif point is not None and point.value < self.threshold and c == 2:
                    it.setBackground(QBrush(ACID))
                    it.setToolTip(self.tr("acidic (below %1)").replace("%1", str(self.threshold)))
                else:
                    it.setBackground(QBrush())
                    it.setToolTip("")
            if point is not None and value_item is not None and value_item.text() != str(point.value):
                value_item.setText(str(point.value))  # show what is stored: "5.1" → "5.10"
            return point
        finally:
            self.blockSignals(False)

    def points(self) -> list[ph.PhPoint]:
        """The valid points, in row order (rows with errors and empty rows are left out)."""
        out = []
        for r in range(self.rowCount()):
            p = self._validate_row(r)
            if p is not None:
                out.append(p)
        return out

    def raw_points(self) -> list[tuple[str, str, str]]:
        """Every non-empty row as typed (the service validates again and names a bad row)."""
        rows = []
        for r in range(self.rowCount()):
            leaf, pos, raw = (self._text(r, c).strip() for c in range(3))
            if leaf or pos or raw:
                rows.append((leaf, pos, raw))
        return rows

    def statistics(self) -> ph.PhStatistics:
        return ph.set_statistics(self.points(), threshold=self.threshold)

    def set_threshold(self, threshold: Decimal) -> None:
        self.threshold = threshold
        for r in range(self.rowCount()):
            self._validate_row(r)
        self.stats_changed.emit(self.statistics())

    def clear_points(self) -> None:
        self.setRowCount(0)
        self.errors.clear()
        self.add_row()
        self.stats_changed.emit(self.statistics())


def stats_text(st: ph.PhStatistics) -> str:
    """One line of pH statistics for labels."""
    if not st.n:
        return "n = 0"
    sd = f"{st.stdev:.2f}" if st.stdev is not None else "—"
    return (f"n = {st.n}   x̄ = {st.mean:.2f}   median = {st.median:.2f}   min = {st.minimum:.2f}   "
            f"max = {st.maximum:.2f}   SD = {sd}   pH < {st.threshold}: {len(st.acidic)}")


class TrialGrid(QTableWidget):
    """Dye trials: #, swatches (trial, target), L*a*b*, ΔE00, ΔE*ab, ΔL*, verdict."""

    def __init__(self, parent: QWidget | None = None):
        headers = ["#", self.tr("Trial"), self.tr("Target"), self.tr("Trial L*a*b*"), self.tr("Target L*a*b*"),
                   "ΔE00", "ΔE*ab", "ΔL*", self.tr("Result")]
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(headers)
        vertical_header(self).setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        horizontal_header(self).setStretchLastSection(True)
        self.setIconSize(QSize(40, 18))

    def set_trials(self, trials: Sequence[TrialView], tolerance: float) -> None:
        self.setRowCount(len(trials))
        for r, t in enumerate(trials):
            def lab(x: Sequence[Decimal]) -> str:
                return " / ".join(f"{float(v):.2f}" for v in x)

            verdict = self.tr("pass") if t.passes else self.tr("fail")
            if t.darker:
                verdict += " · " + self.tr("darker than original")
            if t.accepted:
                verdict += " · " + self.tr("accepted")
            cells = [str(t.seq), "", "", lab(t.measured), lab(t.target), f"{t.de00:.2f}", f"{t.de_ab:.2f}",
                     f"{t.dl:+.2f}", verdict]
            for c, text in enumerate(cells):
                it = QTableWidgetItem(text)
                if c == 1:
                    it.setIcon(swatch_icon(t.measured, QSize(40, 18)))
                elif c == 2:
                    it.setIcon(swatch_icon(t.target, QSize(40, 18)))
                elif c in (5, 8):
                    it.setBackground(QBrush(GOOD if t.passes and not t.darker else BAD if not t.passes else ACID))
                if c == 7 and t.darker:
                    it.setForeground(QBrush(QColor("#b03a2e")))
                it.setData(Qt.ItemDataRole.UserRole, t.id)
                self.setItem(r, c, it)
        self.resizeColumnsToContents()
        self.setToolTip(self.tr("pass when ΔE00 ≤ %1").replace("%1", f"{tolerance:g}"))
