"""What the record editor's tabs share: a field with its message label (:class:`Slot`), the tab of
fields (:class:`FieldTab`) that builds, reads, writes and locks them, and rows tables whose cells
may choose from a vocabulary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from guji.census import vocab
from guji.census.record import FIELD_LABELS
from guji.gui.qt import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    pyqtSignal,
)

# Vocabulary fields typed into editable combo boxes (field → vocabulary).
VOCAB_COMBOS = {"binding": "binding", "edition_type": "edition_type", "banko": "banko", "border": "border"}
# Row tables' cells that choose from a vocabulary: (table, column) → vocabulary.
ROW_COMBOS = {("seals", 2): "seal_position", ("annotations", 1): "annotation_kind",
              ("authors", 0): "dynasty", ("authors", 2): "author_mode"}
MULTILINE = {"other_titles", "edition_supplement", "notes", "preface_colophon", "publisher_mark", "carvers",
             "taboo_notes", "incomplete_note", "storage_note", "acquisition"}


@dataclass
class Slot:
    """One editable item: its widget, its message label, and how to read/write it."""

    name: str
    widget: QWidget
    message: QLabel
    kind: str  # text, multiline, vocab, code, bool, table, grade
    mark: QLabel | None = None  # "not in list" mark of vocabulary combos


def message_label() -> QLabel:
    """The label under a field where its problems are shown (hidden while there are none)."""
    label = QLabel("")
    label.setWordWrap(True)
    label.hide()
    return label


def code_combo(vname: str, *, items: list[tuple[str, Any]] | None = None) -> QComboBox:
    """A closed list of a vocabulary's entries (data: the code), with an empty first choice."""
    combo = QComboBox()
    combo.addItem("", None)
    for label, code in items if items is not None else [(e.label, e.code) for e in vocab.choices(vname)]:
        combo.addItem(label, code)
    return combo


def add_table_row(table: QTableWidget, name: str, values: tuple[str | None, ...], *, enabled: bool,
                  on_combo: Callable[[], None]) -> None:
    """Append a row to rows table ``name``; vocabulary cells (:data:`ROW_COMBOS`) become combo boxes
    whose change calls ``on_combo``. No signal of the table fires."""
    table.blockSignals(True)
    r = table.rowCount()
    table.insertRow(r)
    for c, v in enumerate(values):
        if (name, c) in ROW_COMBOS:
            vname = ROW_COMBOS[(name, c)]
            combo = QComboBox()
            combo.setEditable(vname != "annotation_kind")  # annotation kinds are a closed list
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            combo.addItem("")
            for e in vocab.choices(vname):
                combo.addItem(e.label)
            if v:
                i = combo.findText(v)
                if i >= 0:
                    combo.setCurrentIndex(i)
                else:
                    combo.setEditText(v)
            combo.currentTextChanged.connect(lambda _t: on_combo())
            combo.setEnabled(enabled)
            table.setCellWidget(r, c, combo)
        else:
            table.setItem(r, c, QTableWidgetItem(v or ""))
    table.blockSignals(False)


def table_rows(table: QTableWidget) -> list[tuple[str, ...]]:
    """The rows of a rows table as text (rows with nothing in them left out)."""
    out = []
    for r in range(table.rowCount()):
        cells = []
        for c in range(table.columnCount()):
            w = table.cellWidget(r, c)
            if isinstance(w, QComboBox):
                cells.append(w.currentText().strip())
            else:
                item = table.item(r, c)
                cells.append(item.text().strip() if item is not None else "")
        if any(cells):
            out.append(tuple(cells))
    return out


def lock_table(table: QTableWidget, read_only: bool) -> None:
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if read_only else
                          QAbstractItemView.EditTrigger.AllEditTriggers)
    for r in range(table.rowCount()):
        for c in range(table.columnCount()):
            cw = table.cellWidget(r, c)
            if cw is not None:
                cw.setEnabled(not read_only)


class FieldTab(QWidget):
    """A tab of record fields. ``edited`` is emitted when the user changes one of them; the editor
    reads and writes them through :meth:`value` and :meth:`set_value` and marks their problems
    through :attr:`slots`."""

    edited = pyqtSignal()

    def __init__(self) -> None:
        super().__init__()
        self.slots: dict[str, Slot] = {}
        self.read_only = False

    def scrolled_form(self) -> QFormLayout:
        """Make this tab a scrolled form and return the form."""
        inner = QWidget()
        form = QFormLayout(inner)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        return form

    def add_field(self, form: QFormLayout, name: str, widget: QWidget | None = None, *,
                  extra: QWidget | None = None) -> Slot:
        """Add field ``name`` to ``form`` with its message label; the widget kind is chosen by the field."""
        mark = None
        if widget is None:
            if name in VOCAB_COMBOS:
                combo = QComboBox()
                combo.setEditable(True)
                combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
                combo.addItem("")
                for e in vocab.choices(VOCAB_COMBOS[name]):
                    combo.addItem(e.label)
                combo.setCurrentIndex(0)
                combo.editTextChanged.connect(lambda _t, n=name: self._vocab_edited(n))
                widget = combo
                mark = QLabel(self.tr("not in list"))
                mark.setStyleSheet("color: #9a6a00; font-style: italic;")
                mark.hide()
                kind = "vocab"
            elif name in MULTILINE:
                edit = QPlainTextEdit()
                edit.setTabChangesFocus(True)  # keyboard-first: Tab moves on, as in every other field
                edit.setFixedHeight(54)
                edit.textChanged.connect(self.edited)
                widget, kind = edit, "multiline"
            else:
                line = QLineEdit()
                line.textEdited.connect(lambda _t: self.edited.emit())
                widget, kind = line, "text"
        else:
            kind = "code" if isinstance(widget, QComboBox) else "text"
            if isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(lambda _i: self.edited.emit())
        widget.setObjectName(name)
        msg = message_label()
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(1)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(widget, 1)
        if mark is not None:
            row.addWidget(mark)
        if extra is not None:
            row.addWidget(extra)
        col.addLayout(row)
        col.addWidget(msg)
        form.addRow(FIELD_LABELS.get(name, name), box)
        slot = Slot(name, widget, msg, kind, mark)
        self.slots[name] = slot
        return slot

    def line(self, name: str) -> QLineEdit:
        w = self.slots[name].widget
        assert isinstance(w, QLineEdit)
        return w

    def value(self, name: str) -> Any:
        """The raw value of field ``name`` as shown (text; combo data for code fields)."""
        slot = self.slots[name]
        w = slot.widget
        if slot.kind == "vocab":
            assert isinstance(w, QComboBox)
            return w.currentText().strip() or None
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText().strip() or None
        if isinstance(w, QLineEdit):
            return w.text().strip() or None
        return None

    def set_value(self, name: str, value: Any) -> None:
        """Show ``value`` in field ``name`` without emitting ``edited``."""
        slot = self.slots[name]
        w = slot.widget
        w.blockSignals(True)
        try:
            if slot.kind == "vocab":
                assert isinstance(w, QComboBox)
                w.setEditText("" if value is None else str(value))
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(max(0, w.findData(value)))
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText("" if value is None else str(value))
            elif isinstance(w, QLineEdit):
                w.setText("" if value is None else str(value))
        finally:
            w.blockSignals(False)
        if slot.kind == "vocab":
            self.update_mark(name)

    def set_read_only(self, read_only: bool) -> None:
        """Lock (or unlock) every field of this tab."""
        self.read_only = read_only
        for slot in self.slots.values():
            w = slot.widget
            if isinstance(w, (QLineEdit, QPlainTextEdit)):
                w.setReadOnly(read_only)
            elif isinstance(w, QComboBox):
                w.setEnabled(not read_only)
            elif isinstance(w, QTableWidget):
                lock_table(w, read_only)

    def _vocab_edited(self, name: str) -> None:
        self.update_mark(name)
        self.edited.emit()

    def update_mark(self, name: str) -> None:
        """Show "not in list" beside a vocabulary field whose text is not one of its entries."""
        slot = self.slots[name]
        value = self.value(name)
        if slot.mark is not None:
            slot.mark.setVisible(bool(value) and not vocab.is_valid(VOCAB_COMBOS[name], value))
