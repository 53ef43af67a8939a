"""Dye recipes on the desktop: the form of a new recipe, and the recipe library ranked against a target colour.

:class:`RecipeDialog` collects a :class:`restoration.views.RecipeInput` and hands
it to ``RestorationService.add_recipe`` on the database worker. The service is
the one judge of the input: its :class:`guji.errors.ValidationError` names the
field (``name``, ``dyes[1].amount``…), which the dialog marks next to the field
or on the grid row, staying open with everything as typed (nothing was written).

:class:`DyeGrid` is the dye list: dye / amount / unit rows keyed like a
spreadsheet — Tab and Enter move to the next cell, typing in the last row opens
a new one, so a recipe of several dyes is entered without the mouse.

:class:`RecipeLibraryPanel` shows ``rank_recipes_for(target)``: each past recipe
by the ΔE00 of its closest accepted trial, with ΔL* (positive = lighter, as
宁浅勿深 prefers) and swatches; it holds no data access of its own — the page
runs the ranking and opens the chosen recipe.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, SupportsFloat

from guji.errors import FieldProblem, GujiError, ValidationError
from guji.gui.qt import (
    QAbstractItemDelegate,
    QAbstractItemModel,
    QAbstractItemView,
    QBrush,
    QCheckBox,
    QColor,
    QComboBox,
    QCompleter,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QLabel,
    QLineEdit,
    QModelIndex,
    QPlainTextEdit,
    QPushButton,
    QShortcut,
    QSize,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    horizontal_header,
    pyqtSignal,
    vertical_header,
)
from guji.gui.restoration.charts import swatch_colour, swatch_icon
from guji.gui.restoration.grids import ACID, BAD, GOOD
from guji.gui.worker import error_text, show_error
from guji.services.context import Changes
from restoration.recipes import DEFAULT_TIE_EPSILON
from restoration.views import Lab, MaterialView, RecipeInput, RecipeMatch, RecipeView

if TYPE_CHECKING:
    from guji.gui.ops import Ops

UNITS = ("g/L", "ml/L")
ERROR_STYLE = "color: #c0392b;"
# The dynamic property the style sheet keys on; set on a field the service rejected.
_PROBLEM_SHEET = (
    'QLineEdit[problem="error"], QComboBox[problem="error"], QPlainTextEdit[problem="error"] '
    "{ border: 1px solid #c0392b; background: #fdf0ee; }"
    # The grid only gets a frame: its bad cells are the ones coloured.
    ' QTableWidget[problem="error"] { border: 1px solid #c0392b; }')


def _set_problem(w: QWidget, bad: bool) -> None:
    w.setProperty("problem", "error" if bad else "")
    # A dynamic property only restyles after the style is re-applied.
    style = w.style()
    assert style is not None  # a widget without a style of its own has the application's
    style.unpolish(w)
    style.polish(w)


def _swatch(lab: Sequence[SupportsFloat] | None) -> QIcon:
    """A colour swatch that keeps its colour in a selected row (the style would tint it)."""
    size = QSize(40, 18)
    icon = swatch_icon(lab, size)
    icon.addPixmap(icon.pixmap(size), QIcon.Mode.Selected)
    return icon


def _dye_row(field: str) -> tuple[int, str] | None:
    """``dyes[2].amount`` → (2, "amount"); ``dyes[2]`` → (2, ""); anything else → None."""
    if not field.startswith("dyes["):
        return None
    idx, _, rest = field[5:].partition("]")
    if not idx.isdigit():
        return None
    return int(idx), rest.lstrip(".")


class _DyeDelegate(QStyledItemDelegate):
    """A unit cell edits with a g/L · ml/L list; a dye cell completes from the inventory's dyes."""

    def __init__(self, grid: DyeGrid):
        super().__init__(grid)
        self.grid = grid

    def createEditor(  # noqa: N802 - Qt API
            self, parent: QWidget | None, option: QStyleOptionViewItem, index: QModelIndex) -> QWidget | None:
        if index.column() == DyeGrid.UNIT:
            combo = QComboBox(parent)
            combo.addItems(list(UNITS))
            return combo
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QLineEdit):
            row = index.row()
            editor.textEdited.connect(lambda _t, r=row: self.grid.typing_in(r))
            if index.column() == DyeGrid.DYE and self.grid.dye_names:
                completer = QCompleter(self.grid.dye_names, editor)
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                editor.setCompleter(completer)
        return editor

    def setEditorData(self, editor: QWidget | None, index: QModelIndex) -> None:  # noqa: N802 - Qt API
        if isinstance(editor, QComboBox):
            text = index.data() or UNITS[0]
            i = editor.findText(text)
            editor.setCurrentIndex(max(i, 0))
            return
        super().setEditorData(editor, index)

    def setModelData(  # noqa: N802 - Qt API
            self, editor: QWidget | None, model: QAbstractItemModel | None, index: QModelIndex) -> None:
        if isinstance(editor, QComboBox) and model is not None:
            model.setData(index, editor.currentText())
            return
        super().setModelData(editor, model, index)


class DyeGrid(QTableWidget):
    """Rows of (dye, amount, unit) typed like a spreadsheet; there is always an empty row at the end."""

    DYE, AMOUNT, UNIT = 0, 1, 2

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 3, parent)
        self.dye_names: list[str] = []
        self.setHorizontalHeaderLabels([self.tr("Dye"), self.tr("Amount"), self.tr("Unit")])
        vertical_header(self).setDefaultSectionSize(24)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setTabKeyNavigation(True)
        self.setItemDelegate(_DyeDelegate(self))
        h = horizontal_header(self)
        h.setSectionResizeMode(self.DYE, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(self.AMOUNT, QHeaderView.ResizeMode.Interactive)
        h.setSectionResizeMode(self.UNIT, QHeaderView.ResizeMode.Interactive)
        self.setColumnWidth(self.AMOUNT, 90)
        self.setColumnWidth(self.UNIT, 70)
        self.setToolTip(self.tr("Tab or Enter moves to the next cell; typing in the last row adds a row"))
        self.errors: dict[int, str] = {}  # grid row → message of the service
        self.itemChanged.connect(self._edited)
        self.add_row()

    def add_row(self, dye: str = "", amount: str = "", unit: str = UNITS[0]) -> int:
        r = self.rowCount()
        self.blockSignals(True)
        try:
            self.insertRow(r)
            for c, text in enumerate((dye, amount, unit)):
                self.setItem(r, c, QTableWidgetItem(text))
        finally:
            self.blockSignals(False)
        return r

    def set_rows(self, rows: Sequence[tuple[str, str, str]]) -> None:
        """Replace the rows (an empty row is kept at the end)."""
        self.setRowCount(0)
        self.errors.clear()
        for dye, amount, unit in rows:
            self.add_row(dye, amount, unit)
        self.add_row()

    def typing_in(self, row: int) -> None:
        """A key was typed in ``row``: keep an empty row after the last one filled."""
        if row == self.rowCount() - 1:
            self.add_row()

    def remove_current_row(self) -> None:
        r = self.currentRow()
        if r < 0:
            return
        self.removeRow(r)
        self.errors = {(k if k < r else k - 1): v for k, v in self.errors.items() if k != r}
        if self.rowCount() == 0 or not self._is_empty(self.rowCount() - 1):
            self.add_row()

    def _text(self, r: int, c: int) -> str:
        it = self.item(r, c)
        return it.text().strip() if it is not None else ""

    def _is_empty(self, r: int) -> bool:
        return not self._text(r, self.DYE) and not self._text(r, self.AMOUNT)

    def rows(self) -> list[tuple[int, tuple[str, str, str]]]:
        """(grid row, (dye, amount, unit)) of every row with a dye or an amount, as typed."""
        return [(r, (self._text(r, self.DYE), self._text(r, self.AMOUNT), self._text(r, self.UNIT)))
                for r in range(self.rowCount()) if not self._is_empty(r)]

    def mark(self, row: int, column: int | None, message: str) -> None:
        """Show the service's message on a row (red cells; the named column, or the whole row)."""
        self.errors[row] = message
        self.blockSignals(True)
        try:
            for c in range(self.columnCount()):
                it = self.item(row, c)
                if it is None:
                    continue
                bad = column is None or c == column
                it.setBackground(QBrush(BAD) if bad else QBrush())
                it.setToolTip(message if bad else "")
        finally:
            self.blockSignals(False)

    def clear_marks(self) -> None:
        self.blockSignals(True)
        try:
            for r in list(self.errors):
                for c in range(self.columnCount()):
                    it = self.item(r, c)
                    if it is not None:
                        it.setBackground(QBrush())
                        it.setToolTip("")
            self.errors.clear()
        finally:
            self.blockSignals(False)

    def _edited(self, item: QTableWidgetItem) -> None:
        # A corrected cell loses its mark at once; the service judges again on Save.
        if item.row() in self.errors:
            self.blockSignals(True)
            item.setBackground(QBrush())
            item.setToolTip("")
            self.blockSignals(False)
        if item.row() == self.rowCount() - 1 and not self._is_empty(item.row()):
            self.add_row()

    def closeEditor(  # noqa: N802 - Qt API
            self, editor: QWidget | None, hint: QAbstractItemDelegate.EndEditHint) -> None:
        # Enter commits with SubmitModelCache; make it move on like Tab does.
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            hint = QAbstractItemDelegate.EndEditHint.EditNextItem
        super().closeEditor(editor, hint)

    def keyPressEvent(self, event: QKeyEvent | None) -> None:  # noqa: N802 - Qt API
        if event is not None and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not (event.modifiers() & Qt.KeyboardModifier.ControlModifier) \
                and self.state() != QAbstractItemView.State.EditingState:
            it = self.currentItem()
            if it is not None:
                self.editItem(it)
            return
        super().keyPressEvent(event)


class RecipeDialog(QDialog):
    """新建染纸配方: the recipe form; Save runs ``add_recipe`` on the worker and closes only on success.

    ``created`` is emitted with the new :class:`RecipeView` before the dialog closes.
    """

    created = pyqtSignal(object)  # RecipeView

    def __init__(self, ops: Ops, job_id: int | None, job_label: str | None = None, *,
                 job_locked: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.ops = ops
        self.job_id = job_id
        self.setWindowTitle(self.tr("New dye recipe"))
        self.setStyleSheet(_PROBLEM_SHEET)
        self.resize(QSize(620, 640))
        lay = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.messages: dict[str, QLabel] = {}
        self.fields: dict[str, QWidget] = {}

        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. 紅茶染竹紙"))
        self.base_paper = QComboBox()
        self.base_paper.setIconSize(QSize(28, 16))
        self.base_paper.addItem(self.tr("(none)"), None)
        self.grid = DyeGrid()
        self.grid.setObjectName("dye_grid")
        self.grid.setMinimumHeight(150)
        self.mordant = QLineEdit()
        self.mordant.setPlaceholderText(self.tr("e.g. 明礬 (alum)"))
        self.temperature = QLineEdit()
        self.temperature.setPlaceholderText(self.tr("e.g. 60"))
        self.dips = QLineEdit()
        self.dips.setPlaceholderText(self.tr("e.g. 3"))
        self.minutes = QLineEdit()
        self.minutes.setPlaceholderText(self.tr("e.g. 15"))
        self.drying = QLineEdit()
        self.drying.setPlaceholderText(self.tr("e.g. 陰乾"))
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(70)
        self.link_job = QCheckBox(self.tr("Made for job %1").replace("%1", job_label or str(job_id or "")))
        # An accepted (locked) job takes no new recipes; the recipe can still go into the library.
        self.link_job.setChecked(job_id is not None and not job_locked)
        self.link_job.setEnabled(job_id is not None and not job_locked)
        if job_locked:
            self.link_job.setToolTip(self.tr("the job is accepted and locked"))

        def add(label: str, key: str, widget: QWidget) -> None:
            box = QVBoxLayout()
            box.setSpacing(1)
            box.addWidget(widget)
            msg = QLabel()
            msg.setObjectName(f"error_{key}")
            msg.setStyleSheet(ERROR_STYLE)
            msg.setWordWrap(True)
            msg.hide()
            box.addWidget(msg)
            form.addRow(label, box)
            self.messages[key] = msg
            self.fields[key] = widget

        add(self.tr("Name"), "name", self.name)
        add(self.tr("Base paper"), "base_paper_id", self.base_paper)
        dyes = QWidget()
        dl = QVBoxLayout(dyes)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.grid, 1)
        buttons = QHBoxLayout()
        self.add_row_button = QPushButton(self.tr("Add row"))
        self.add_row_button.clicked.connect(self._add_row)
        self.remove_row_button = QPushButton(self.tr("Remove row"))
        self.remove_row_button.clicked.connect(self.grid.remove_current_row)
        buttons.addWidget(self.add_row_button)
        buttons.addWidget(self.remove_row_button)
        buttons.addStretch(1)
        dl.addLayout(buttons)
        add(self.tr("Dyes"), "dyes", dyes)
        self.fields["dyes"] = self.grid
        add(self.tr("Mordant"), "mordant", self.mordant)
        add(self.tr("Bath temperature (°C)"), "bath_temperature_c", self.temperature)
        add(self.tr("Dips"), "dips", self.dips)
        add(self.tr("Minutes"), "minutes", self.minutes)
        add(self.tr("Drying"), "drying", self.drying)
        add(self.tr("Notes"), "notes", self.notes)
        add("", "job_id", self.link_job)
        lay.addLayout(form, 1)

        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet(ERROR_STYLE)
        lay.addWidget(self.summary)
        row = QHBoxLayout()
        hint = QLabel(self.tr("Ctrl+Enter saves"))
        hint.setStyleSheet("color: #777;")
        row.addWidget(hint)
        row.addStretch(1)
        self.save_button = QPushButton(self.tr("Save recipe"))
        self.save_button.setObjectName("save_recipe")
        self.cancel_button = QPushButton(self.tr("Cancel"))
        for b in (self.save_button, self.cancel_button):
            # No default button: Enter moves between fields instead of saving half a form.
            b.setAutoDefault(False)
            b.setDefault(False)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        row.addWidget(self.save_button)
        row.addWidget(self.cancel_button)
        lay.addLayout(row)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self).activated.connect(self.save)
        self.name.setFocus()
        self._dye_rows: list[int] = []  # dyes[i] of the last input → its grid row
        self._load_inventory()

    # --- inventory ------------------------------------------------------------------------------

    def _load_inventory(self) -> None:
        svc = self.ops.app.restoration

        def load() -> tuple[list[MaterialView], list[MaterialView]]:
            return svc.materials(kind="repair_paper"), svc.materials(kind="dye")

        self.ops.run(load, parent=self, on_done=self.set_inventory, on_error=lambda e: self.summary.setText(
            self.tr("Inventory not loaded: %1").replace("%1", error_text(e))))

    def set_inventory(self, result: tuple[list[MaterialView], list[MaterialView]]) -> None:
        """Fill the base-paper list (repair papers, with their colour) and the dye-name completion."""
        papers, dyes = result
        current = self.base_paper.currentData()
        self.base_paper.clear()
        self.base_paper.addItem(self.tr("(none)"), None)
        for m in papers:
            label = "　".join(x for x in (m.name, m.batch or "", f"{m.quantity.normalize():f} {m.unit}") if x)
            if m.colour is not None:
                self.base_paper.addItem(swatch_icon(m.colour), label, m.id)
            else:
                self.base_paper.addItem(label, m.id)
        i = self.base_paper.findData(current)
        self.base_paper.setCurrentIndex(max(0, i))
        self.grid.dye_names = sorted({m.name for m in dyes})

    # --- input --------------------------------------------------------------------------------

    def _add_row(self) -> None:
        r = self.grid.rowCount() - 1 if self.grid._is_empty(self.grid.rowCount() - 1) else self.grid.add_row()
        self.grid.setFocus()
        self.grid.setCurrentCell(r, DyeGrid.DYE)
        self.grid.editItem(self.grid.item(r, DyeGrid.DYE))

    @staticmethod
    def _whole(text: str) -> Any:
        """A whole number as int (for the service to range-check), the text itself otherwise, '' → None."""
        t = text.strip()
        if not t:
            return None
        try:
            return int(t)
        except ValueError:
            return t  # the service names it: "a whole number ≥ 0"

    def collect(self) -> RecipeInput:
        """The form as typed, for ``add_recipe`` (which validates it)."""
        rows = self.grid.rows()
        self._dye_rows = [r for r, _ in rows]
        return RecipeInput(
            name=self.name.text(), dyes=[cells for _, cells in rows], base_paper_id=self.base_paper.currentData(),
            mordant=self.mordant.text().strip() or None, bath_temperature_c=self.temperature.text().strip() or None,
            dips=self._whole(self.dips.text()), minutes=self._whole(self.minutes.text()),
            drying=self.drying.text().strip() or None, notes=self.notes.toPlainText().strip() or None,
            job_id=self.job_id if self.link_job.isChecked() else None)

    def save(self) -> None:
        """Run ``add_recipe`` on the worker: close on success, mark the fields on a ValidationError."""
        if not self.save_button.isEnabled():
            return
        data = self.collect()
        self.show_problems([])
        self.save_button.setEnabled(False)

        def done(view: RecipeView) -> None:
            self.save_button.setEnabled(True)
            self.created.emit(view)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            if isinstance(exc, ValidationError):
                self.show_problems(exc.problems)
            elif isinstance(exc, GujiError):  # refused (permission, locked job): say so, keep the form
                self.summary.setText(self.tr("Not saved: %1").replace("%1", error_text(exc)))
            else:
                show_error(self, exc)

        self.ops.run(self.ops.app.restoration.add_recipe, data, parent=self, on_done=done, on_error=failed,
                     changes=lambda view: Changes.of("restoration_recipe", [view.id]))

    # --- problems --------------------------------------------------------------------------------

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        """Mark each problem next to its field (a dye on its grid row); the rest in the summary line."""
        for key, label in self.messages.items():
            label.hide()
            label.setText("")
            _set_problem(self.fields[key], False)
        self.grid.clear_marks()
        general: list[str] = []
        for p in problems:
            at = _dye_row(p.field)
            if at is not None:
                i, part = at
                row = self._dye_rows[i] if i < len(self._dye_rows) else None
                column = {"dye": DyeGrid.DYE, "amount": DyeGrid.AMOUNT, "unit": DyeGrid.UNIT}.get(part)
                if row is not None:
                    self.grid.mark(row, column, p.message)
                    self._say("dyes", self.tr("Row %1: %2").replace("%1", str(row + 1)).replace("%2", p.message))
                    continue
            key = p.field if p.field in self.messages else ("dyes" if p.field.startswith("dyes") else "")
            if key:
                self._say(key, p.message)
            else:
                general.append(p.message)
        lines = [self.tr("Not saved: correct the marked fields.")] if problems else []
        self.summary.setText("\n".join(lines + general))

    def _say(self, key: str, message: str) -> None:
        label = self.messages[key]
        label.setText(("\n" if label.text() else "").join(x for x in (label.text(), "⚠ " + message) if x))
        label.show()
        _set_problem(self.fields[key], True)

    def errors(self) -> dict[str, str]:
        """Field → message shown now (a dye row as ``dyes#<grid row>``), for tests and the status line."""
        out = {k: lab.text() for k, lab in self.messages.items() if lab.isVisibleTo(self) and lab.text()}
        out.update({f"dyes#{r}": m for r, m in self.grid.errors.items()})
        return out

    def keyPressEvent(self, event: QKeyEvent | None) -> None:  # noqa: N802 - Qt API
        if event is None:
            return
        # Enter in a field moves on (Tab does too); Ctrl+Enter saves; Esc cancels. The shortcuts catch
        # Ctrl+Enter first in an active window; a field's ignored Ctrl+Enter ends up here otherwise.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.save()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focus = self.focusWidget()
            if focus is not None and self.grid.isAncestorOf(focus):
                return  # the grid moves on by itself (an editor's Enter comes back up here)
            if isinstance(focus, QPushButton):
                focus.click()
                return
            self.focusNextChild()
            return
        super().keyPressEvent(event)


class RecipeLibraryPanel(QGroupBox):
    """配方库: past recipes ranked by ΔE00 to a target colour (the job's original paper by default).

    Emits ``rank_requested(target)`` with the target as three strings and
    ``open_requested(recipe_id)``; the page runs the service and calls
    :meth:`set_matches`.
    """

    rank_requested = pyqtSignal(object)  # (L, a, b) as text
    open_requested = pyqtSignal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Recipe library"))
        self.matches: list[RecipeMatch] = []
        self._ranked = False
        self.job_id: int | None = None
        self.job_target: tuple[Decimal, Decimal, Decimal] | None = None
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Target")))
        self.target_swatch = QLabel()
        self.target_swatch.setFixedSize(QSize(40, 20))
        self.target_swatch.setObjectName("target_swatch")
        row.addWidget(self.target_swatch)
        self.target: list[QDoubleSpinBox] = []
        for name, lo, hi in (("L*", 0, 100), ("a*", -128, 128), ("b*", -128, 128)):
            sb = QDoubleSpinBox()
            sb.setRange(lo, hi)
            sb.setDecimals(2)
            sb.valueChanged.connect(lambda _v: self._paint_target())
            row.addWidget(QLabel(name))
            row.addWidget(sb)
            self.target.append(sb)
        self.from_job_button = QPushButton(self.tr("Original paper"))
        self.from_job_button.setToolTip(self.tr("the original paper colour of the job's latest assessment"))
        self.from_job_button.clicked.connect(self._reset_to_job)
        row.addWidget(self.from_job_button)
        self.rank_button = QPushButton(self.tr("Rank"))
        self.rank_button.setObjectName("rank_button")
        self.rank_button.clicked.connect(self.request_rank)
        row.addWidget(self.rank_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #666;")
        lay.addWidget(self.note)
        headers = ["#", self.tr("Sample"), self.tr("Recipe"), "ΔE00", "ΔL*", "ΔE*ab", self.tr("Result"),
                   self.tr("Dyes")]
        self.table = QTableWidget(0, len(headers))
        self.table.setObjectName("library")
        self.table.setHorizontalHeaderLabels(headers)
        vertical_header(self.table).setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        horizontal_header(self.table).setStretchLastSection(True)
        self.table.setIconSize(QSize(40, 18))
        self.table.setToolTip(self.tr("ΔL* > 0: lighter than the target. Recipes within %1 ΔE00 of each other "
                                      "count as equally close, and the lighter goes first (宁浅勿深). "
                                      "Double-click opens the recipe.").replace("%1", f"{DEFAULT_TIE_EPSILON:g}"))
        self.table.itemDoubleClicked.connect(lambda _it: self.open_selected())
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.open_button = QPushButton(self.tr("Open recipe"))
        self.open_button.setObjectName("open_recipe")
        self.open_button.clicked.connect(self.open_selected)
        row.addWidget(self.open_button)
        lay.addLayout(row)
        self._paint_target()

    def target_lab(self) -> tuple[str, str, str]:
        lightness, a, b = (f"{sb.value():.2f}" for sb in self.target)
        return lightness, a, b

    def set_target(self, lab: Sequence[Any]) -> None:
        for sb, v in zip(self.target, lab, strict=True):
            sb.setValue(float(v))

    def set_job_target(self, job_id: int | None, target: Lab | None) -> bool:
        """The job's original paper colour; the spin boxes follow it when the job changes.

        Returns whether there is a target to rank against.
        """
        changed = job_id != self.job_id
        self.job_id = job_id
        self.job_target = target
        self.from_job_button.setEnabled(target is not None)
        if changed:
            self.table.setRowCount(0)
            self.matches = []
            self._ranked = False
            if target is not None:
                self.set_target(target)
            else:
                self.note.setText(self.tr("No original paper colour in the assessment: enter the target L*a*b* "
                                          "and rank."))
        # Same job reloaded (after a trial, say): rank again against what the user chose.
        return target is not None or self._ranked

    def _reset_to_job(self) -> None:
        if self.job_target is not None:
            self.set_target(self.job_target)
            self.request_rank()

    def _paint_target(self) -> None:
        c = swatch_colour([sb.value() for sb in self.target])
        self.target_swatch.setStyleSheet(f"background: {c.name()}; border: 1px solid #555;")

    def request_rank(self) -> None:
        self.rank_requested.emit(self.target_lab())

    def set_matches(self, matches: Sequence[RecipeMatch]) -> None:
        """Show the ranked recipes (the service's order, kept as it is)."""
        self.matches = list(matches)
        self._ranked = True
        self.table.setRowCount(len(self.matches))
        for r, m in enumerate(self.matches):
            trial = next((t for t in m.recipe.trials if t.id == m.trial_id), None)
            darker = m.dl < 0
            verdict = self.tr("pass") if m.passes else self.tr("fail")
            if darker:
                verdict += " · " + self.tr("darker than target")
            dyes = "；".join(f"{d} {a.normalize():f} {u}" for d, a, u in m.recipe.dyes)
            cells = [str(m.rank), "", m.recipe.name, f"{m.de00:.2f}", f"{m.dl:+.2f}", f"{m.de_ab:.2f}", verdict,
                     dyes]
            for c, text in enumerate(cells):
                it = QTableWidgetItem(text)
                it.setData(Qt.ItemDataRole.UserRole, m.recipe.id)
                if c == 1:
                    it.setIcon(_swatch(trial.measured if trial else None))
                    if trial is not None:
                        it.setToolTip(" / ".join(f"{float(v):.2f}" for v in trial.measured))
                elif c in (3, 6):
                    it.setBackground(QBrush(GOOD if m.passes and not darker else BAD if not m.passes else ACID))
                if c == 4 and darker:
                    it.setForeground(QBrush(QColor("#b03a2e")))
                self.table.setItem(r, c, it)
        self.table.resizeColumnsToContents()
        if self.matches:
            self.table.selectRow(0)
            self.note.setText(self.tr("%1 recipes with an accepted trial, closest first").replace(
                "%1", str(len(self.matches))))
        else:
            self.note.setText(self.tr("No recipe of the library has an accepted trial yet."))

    def ranked_ids(self) -> list[int]:
        """Recipe ids in the order shown."""
        return [m.recipe.id for m in self.matches]

    def open_selected(self) -> None:
        selection = self.table.selectionModel()
        rows = selection.selectedRows() if selection is not None else []
        if rows:
            self.open_requested.emit(self.matches[rows[0].row()].recipe.id)
