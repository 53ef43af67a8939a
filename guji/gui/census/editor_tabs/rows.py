"""钤印 and 批校题跋: a record's seals or annotations as an editable table of rows."""

from __future__ import annotations

from guji.gui.census.editor_tabs.fields import FieldTab, Slot, add_table_row, message_label, table_rows
from guji.gui.qt import QAbstractItemView, QHBoxLayout, QPushButton, QTableWidget, QVBoxLayout, horizontal_header


class RowsTab(FieldTab):
    """One rows table, field ``name`` of the record (``seals`` or ``annotations``)."""

    def __init__(self, name: str, headers: list[str]) -> None:
        super().__init__()
        self.name = name
        col = QVBoxLayout(self)
        table = QTableWidget(0, len(headers))
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        horizontal_header(table).setStretchLastSection(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.itemChanged.connect(lambda _i: self.edited.emit())
        col.addWidget(table, 1)
        msg = message_label()
        col.addWidget(msg)
        row = QHBoxLayout()
        add = QPushButton(self.tr("Add row"))
        remove = QPushButton(self.tr("Remove row"))

        def on_add() -> None:
            self.add_row()
            self.edited.emit()

        def on_remove() -> None:
            table.removeRow(table.currentRow())
            self.edited.emit()

        add.clicked.connect(on_add)
        remove.clicked.connect(on_remove)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        col.addLayout(row)
        self.table = table
        self.buttons = (add, remove)
        self.slots[name] = Slot(name, table, msg, "table")

    def add_row(self, values: tuple[str | None, ...] = ("", "", "")) -> None:
        add_table_row(self.table, self.name, values, enabled=not self.read_only, on_combo=self.edited.emit)

    def set_rows(self, rows: list[tuple[str | None, ...]]) -> None:
        self.table.setRowCount(0)
        for values in rows:
            self.add_row(values)

    def rows(self) -> list[tuple[str, ...]]:
        return table_rows(self.table)

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        for b in self.buttons:
            b.setEnabled(not read_only)
