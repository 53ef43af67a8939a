"""Vault movements (出入库) on the desktop: the movement dialog of one item, and the out-now/overdue list."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from guji.census import vocab
from guji.census.vault import Location, MovementView
from guji.gui.qt import (
    QAbstractItemView,
    QCheckBox,
    QColor,
    QComboBox,
    QDate,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPushButton,
    QShortcut,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    horizontal_header,
    pyqtSignal,
    vertical_header,
)
from guji.gui.worker import run_op
from guji.services.context import Changes

if TYPE_CHECKING:
    from guji.gui.census.page import CensusPage


def purpose_label(code: str) -> str:
    e = vocab.entry("movement_purpose", code)
    return e.simplified if e is not None else code


def _when(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M") if value.tzinfo else value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    vertical_header(t).setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    horizontal_header(t).setStretchLastSection(True)
    horizontal_header(t).setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return t


class MovementDialog(QDialog):
    """Check one item out of the vault (purpose, to whom, due date, location, note) or back in."""

    def __init__(self, page: CensusPage, record_id: int):
        super().__init__(page)
        self.page = page
        self.record_id = record_id
        self.location: Location | None = None
        self.setWindowTitle(self.tr("Vault movements"))
        layout = QVBoxLayout(self)
        self.title_label = QLabel("")
        self.title_label.setWordWrap(True)
        layout.addWidget(self.title_label)
        self.location_label = QLabel("")
        self.location_label.setObjectName("location")
        self.location_label.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.location_label)

        self.out_box = QGroupBox(self.tr("Check out"))
        form = QFormLayout(self.out_box)
        self.purpose = QComboBox()
        for e in vocab.choices("movement_purpose"):
            self.purpose.addItem(e.simplified, e.code)
        self.to_whom = QLineEdit()
        self.to_whom.setObjectName("to_whom")
        due_row = QHBoxLayout()
        self.has_due = QCheckBox(self.tr("due"))
        self.due = QDateEdit(QDate.currentDate().addDays(14))
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.due.setEnabled(False)
        self.has_due.toggled.connect(self.due.setEnabled)
        due_row.addWidget(self.has_due)
        due_row.addWidget(self.due)
        due_row.addStretch(1)
        self.out_location = QLineEdit()
        self.out_note = QLineEdit()
        form.addRow(self.tr("Purpose"), self.purpose)
        form.addRow(self.tr("To whom"), self.to_whom)
        form.addRow(self.tr("Due date"), due_row)
        form.addRow(self.tr("Location"), self.out_location)
        form.addRow(self.tr("Note"), self.out_note)
        self.out_button = QPushButton(self.tr("Check out"))
        self.out_button.clicked.connect(self.check_out)
        form.addRow("", self.out_button)
        layout.addWidget(self.out_box)

        self.in_box = QGroupBox(self.tr("Check in"))
        row = QHBoxLayout(self.in_box)
        self.in_note = QLineEdit()
        self.in_note.setPlaceholderText(self.tr("Note on return (condition…)"))
        self.in_button = QPushButton(self.tr("Check in"))
        self.in_button.clicked.connect(self.check_in)
        row.addWidget(self.in_note, 1)
        row.addWidget(self.in_button)
        layout.addWidget(self.in_box)

        layout.addWidget(QLabel(self.tr("History")))
        self.history = _table([self.tr("Out"), self.tr("Purpose"), self.tr("To whom"), self.tr("Location"),
                               self.tr("Due date"), self.tr("Back"), self.tr("Note")])
        self.history.setObjectName("movement_history")
        layout.addWidget(self.history, 1)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        crow = QHBoxLayout()
        crow.addStretch(1)
        crow.addWidget(close)
        layout.addLayout(crow)
        QShortcut(QKeySequence("Esc"), self).activated.connect(self.reject)
        self.resize(720, 560)
        self.reload()

    def reload(self) -> None:
        app = self.page.app
        rid = self.record_id

        def load() -> tuple[Any, Location, list[MovementView]]:
            rows = app.search.rows([rid])
            return (rows[0] if rows else None), app.vault.location_of(rid), app.vault.history(rid)

        def show(result: tuple[Any, Location, list[MovementView]]) -> None:
            row, loc, history = result
            self.location = loc
            if row is not None:
                self.title_label.setText(f"{row.census_number}　{row.title}　{row.edition_statement or ''}")
            self.location_label.setText(loc.text)
            self.out_box.setEnabled(loc.in_vault)
            self.in_box.setEnabled(not loc.in_vault)
            self.history.setRowCount(len(history))
            for r, m in enumerate(history):
                values = (_when(m.out_at), purpose_label(m.purpose), m.to_whom, m.location or "",
                          str(m.due or ""), _when(m.returned_at),
                          "；".join(x for x in (m.note, m.return_note) if x))
                for c, v in enumerate(values):
                    self.history.setItem(r, c, QTableWidgetItem(v))
            self.history.resizeColumnsToContents()

        run_op(self.page.worker, self, load, on_done=show)

    def _changed(self, _changes: Changes) -> None:
        self.reload()

    def check_out(self) -> None:
        """出库 with the form's values (errors from the service shown in a dialog; nothing written)."""
        due = self.due.date().toPyDate() if self.has_due.isChecked() else None
        self.page.ops.run(self.page.app.vault.check_out, self.record_id, self.purpose.currentData(),
                          self.to_whom.text(), due=due, location=self.out_location.text() or None,
                          note=self.out_note.text() or None, parent=self, on_done=self._changed)

    def check_in(self) -> None:
        """入库."""
        self.page.ops.run(self.page.app.vault.check_in, self.record_id, self.in_note.text() or None,
                          parent=self, on_done=self._changed)


class VaultPanel(QWidget):
    """Items out of the vault now (or only the overdue ones), oldest first.
    ``movement_requested(record_id)``: check the record out or in."""

    movement_requested = pyqtSignal(int)

    def __init__(self, page: CensusPage):
        super().__init__()
        self.page = page
        self.movements: list[MovementView] = []
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.overdue_only = QCheckBox(self.tr("Overdue only"))
        self.overdue_only.toggled.connect(lambda _c: self.refresh())
        row.addWidget(self.overdue_only)
        row.addStretch(1)
        self.open_button = QPushButton(self.tr("Check out / in…"))
        self.open_button.clicked.connect(self._open)
        row.addWidget(self.open_button)
        layout.addLayout(row)
        self.table = _table([self.tr("Census number"), self.tr("Title and juan"), self.tr("Purpose"),
                             self.tr("To whom"), self.tr("Location"), self.tr("Out"), self.tr("Due date")])
        self.table.setObjectName("out_now")
        self.table.itemActivated.connect(lambda _i: self._open())
        layout.addWidget(self.table)

    def _open(self) -> None:
        r = self.table.currentRow()
        if 0 <= r < len(self.movements):
            self.movement_requested.emit(self.movements[r].record_id)

    def refresh(self) -> None:
        app = self.page.app
        overdue = self.overdue_only.isChecked()

        def show(ms: list[MovementView]) -> None:
            self.movements = ms
            today = dt.date.today()
            self.table.setRowCount(len(ms))
            for r, m in enumerate(ms):
                values = (m.census_number, m.title, purpose_label(m.purpose), m.to_whom, m.location or "",
                          _when(m.out_at), str(m.due or ""))
                for c, v in enumerate(values):
                    item = QTableWidgetItem(v)
                    if m.overdue_on(today):
                        item.setForeground(QColor("#b03a2e"))
                    self.table.setItem(r, c, item)
            self.table.resizeColumnsToContents()

        run_op(self.page.worker, None, app.vault.overdue if overdue else app.vault.out_now, on_done=show)

