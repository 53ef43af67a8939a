"""著录: the catalogue fields of a record, its authors as rows, and the dating of its edition statement."""

from __future__ import annotations

from typing import Any

from guji.census import vocab
from guji.census.era import EraParseError, parse_era
from guji.census.record import AuthorData, authors_from_statement, statement_from_authors
from guji.gui.census.editor_tabs.fields import FieldTab, Slot, add_table_row, code_combo, message_label, table_rows
from guji.gui.qt import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
    horizontal_header,
    vertical_header,
)

PRECISION_ZH = {"year": "确年", "era": "年号范围", "range": "年代区间", "dynasty": "朝代范围"}


def era_text(r: Any) -> str:
    """A dating of :func:`parse_era` as staff read it: 清 康熙 13年 甲寅 → 1674 （确年）."""
    parts = [p for p in (r.dynasty, r.era if r.era != r.dynasty else None) if p]
    if r.year_of_era:
        parts.append("元年" if r.year_of_era == 1 else f"{r.year_of_era}年")
    if r.ganzhi:
        parts.append(r.ganzhi)
    if r.gregorian:
        lo, hi = r.gregorian
        parts.append(f"→ {lo}" if lo == hi else f"→ {lo}–{hi}")
    parts.append(f"（{PRECISION_ZH.get(r.precision, r.precision)}）")
    return " ".join(parts)


class CatalogueTab(FieldTab):
    """The catalogue fields. The author statement and the author rows follow each other: a statement
    typed in replaces the rows with its parse; a row edited rewrites a statement that is empty or was
    written by the rows (one typed by hand is the transcription and stays). The edition statement is
    dated as it is typed (a pure parser, so on the GUI thread)."""

    def __init__(self) -> None:
        super().__init__()
        self.loading = False  # set by the editor while it fills the form
        self._statement_from_rows = ""  # the author statement as the rows last wrote it
        form = self.scrolled_form()
        self.add_field(form, "census_number")
        self.add_field(form, "call_number")
        self.add_field(form, "title")
        self.add_field(form, "author_statement")
        form.addRow(self.tr("Authors by row"), self._build_authors_table())
        self.era_label = QLabel("")
        self.era_label.setObjectName("era_label")
        self.era_label.setWordWrap(True)
        self.add_field(form, "edition_statement")
        form.addRow(self.tr("Dating"), self.era_label)
        for name in ("volumes", "extant", "juan_count", "cases", "edition_type", "publisher", "publication_place",
                     "edition_supplement", "binding"):
            self.add_field(form, name)
        self.add_field(form, "class_branch", code_combo("classification", items=[
            (e.label, e.code) for e in vocab.choices("classification", depth=0)]))
        self.add_field(form, "class_category", code_combo("classification", items=[]))
        self.add_field(form, "class_subcategory", code_combo("classification", items=[]))
        self._combo("class_branch").currentIndexChanged.connect(
            lambda _i: self._fill_class_children("class_branch", "class_category"))
        self._combo("class_category").currentIndexChanged.connect(
            lambda _i: self._fill_class_children("class_category", "class_subcategory"))
        for name in ("other_titles", "notes", "incomplete_note", "preface_colophon", "publisher_mark", "carvers",
                     "taboo_notes", "storage_note", "acquisition"):
            self.add_field(form, name)
        self.line("author_statement").textEdited.connect(lambda _t: self._authors_from_statement())
        self.line("edition_statement").textChanged.connect(lambda _t: self.show_era())

    def _build_authors_table(self) -> QWidget:
        """The authors as rows (朝代, 著者, 著作方式): filled from the statement as it is typed,
        editable row by row. The statement stays as transcribed; the rows are what is stored
        as the structured authors."""
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(1)
        table = QTableWidget(0, 3)
        table.setObjectName("authors")
        table.setHorizontalHeaderLabels([self.tr("Dynasty"), self.tr("Name"), self.tr("Mode")])
        horizontal_header(table).setStretchLastSection(True)
        table.setColumnWidth(0, 110)
        table.setColumnWidth(1, 260)
        vertical_header(table).setVisible(False)
        table.setFixedHeight(118)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.itemChanged.connect(lambda _i: self._authors_edited())
        row = QHBoxLayout()
        row.addWidget(table, 1)
        buttons = QVBoxLayout()
        add = QPushButton(self.tr("Add author"))
        remove = QPushButton(self.tr("Remove author"))
        for b in (add, remove):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)

        def on_add() -> None:
            self.add_author_row()
            self._authors_edited()

        def on_remove() -> None:
            table.removeRow(table.currentRow())
            self._authors_edited()

        add.clicked.connect(on_add)
        remove.clicked.connect(on_remove)
        row.addLayout(buttons)
        col.addLayout(row)
        msg = message_label()
        col.addWidget(msg)
        self.authors = table
        self.slots["authors"] = Slot("authors", table, msg, "table")
        self.authors_buttons = (add, remove)
        return box

    # --- authors ------------------------------------------------------------------------------------

    def add_author_row(self, values: tuple[str | None, ...] = ("", "", "")) -> None:
        add_table_row(self.authors, "authors", values, enabled=not self.read_only, on_combo=self._authors_edited)

    def set_author_rows(self, authors: list[Any]) -> None:
        self.authors.setRowCount(0)
        for a in authors:
            self.add_author_row((a.dynasty, a.name, a.mode))

    def author_rows(self) -> list[AuthorData]:
        """The authors table as :class:`AuthorData` (rows with nothing in them are left out)."""
        return [AuthorData(name, dynasty or None, mode or None) for dynasty, name, mode in table_rows(self.authors)]

    def _authors_from_statement(self) -> None:
        """The statement was typed in: its parse replaces the rows (when it names anyone)."""
        statement = self.line("author_statement").text().strip()
        authors = authors_from_statement(statement) if statement else []
        if authors or not statement:
            self.set_author_rows(authors)
        self.edited.emit()

    def _authors_edited(self) -> None:
        """A row was edited. A statement typed by hand is the transcription and is left alone;
        an empty one, or one these rows wrote, is written again from the rows."""
        if self.loading:
            return
        line = self.line("author_statement")
        if not line.text().strip() or line.text() == self._statement_from_rows:
            self._statement_from_rows = statement_from_authors(self.author_rows()) or ""
            line.setText(self._statement_from_rows)
        self.edited.emit()

    # --- classification and dating -------------------------------------------------------------------

    def _combo(self, name: str) -> QComboBox:
        widget = self.slots[name].widget
        assert isinstance(widget, QComboBox)  # the classification slots are code combos
        return widget

    def _fill_class_children(self, parent_name: str, child_name: str) -> None:
        parent = self._combo(parent_name).currentData()
        child = self._combo(child_name)
        current = child.currentData()
        child.blockSignals(True)
        child.clear()
        child.addItem("", None)
        if parent:
            for e in vocab.choices("classification", parent=parent):
                child.addItem(e.label, e.code)
        child.setCurrentIndex(max(0, child.findData(current)))
        child.blockSignals(False)

    def set_value(self, name: str, value: Any) -> None:
        if name in ("class_category", "class_subcategory"):
            # The child list holds the entries under the parent now shown.
            self._fill_class_children("class_branch" if name == "class_category" else "class_category", name)
        super().set_value(name, value)
        if name == "edition_statement":
            self.show_era()

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)  # the authors table is one of the slots
        for b in self.authors_buttons:
            b.setEnabled(not read_only)

    def show_era(self) -> None:
        """Date the edition statement as typed (pure parser: runs here, instantly)."""
        text = self.line("edition_statement").text().strip()
        if not text:
            self.era_label.setText("")
            return
        try:
            r = parse_era(text)
        except EraParseError as exc:
            self.era_label.setText(self.tr("cannot date: %1").replace("%1", exc.reason))
            self.era_label.setStyleSheet("color: #9a6a00;")
            return
        self.era_label.setStyleSheet("color: #1d6a35;")
        self.era_label.setText(era_text(r) + ("" if not r.is_ambiguous else "\n" + self.tr("ambiguous: %1").replace(
            "%1", "；".join(era_text(c) for c in r.ambiguous))))
