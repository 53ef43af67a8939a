"""The record was changed by someone else while it was being edited: reload, merge or overwrite.

Shown by the record editor when ``update_record`` refuses a save as stale. It says who
changed the record and when, and shows the three-way comparison of
:mod:`guji.census.merge` as a table: the items that differ between what was loaded,
what was typed and what is stored now. Items only one side changed are settled; for
each conflict the person picks mine or theirs. The dialog only decides: the editor
saves (on the database worker) what the dialog chose.

Choices (``choice`` once the dialog has finished):

* ``reload`` — discard the edits and show the record as stored now;
* ``merge`` — ``merged`` holds the merged record, to be saved over the current version;
* ``overwrite`` — after a second confirmation, save my data over the current version;
* None — keep editing (nothing saved; the next save asks again).

The dialog never blocks: it is opened with ``open()`` and the overwrite confirmation too,
so a test clicks its buttons like a person would.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from guji.census import vocab
from guji.census.merge import CONFLICT, MINE, SAME, THEIRS, RecordMerge
from guji.census.record import CODE_FIELDS, FIELD_LABELS, RecordData
from guji.gui.qt import (
    QAbstractItemView,
    QBrush,
    QColor,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    horizontal_header,
    vertical_header,
)
from guji.services.versions import StaleEdit

RELOAD = "reload"
MERGE = "merge"
OVERWRITE = "overwrite"
CELL_CHARS = 60  # longer values are cut in the cell; the tooltip holds the whole text
CONFLICT_BACKGROUND = "#fdecea"
COL_ITEM, COL_BASE, COL_MINE, COL_THEIRS, COL_RESULT = range(5)


class StaleDialog(QDialog):
    """Who changed the record and when; reload, merge field by field, or overwrite."""

    def __init__(self, parent: QWidget | None, error: StaleEdit, merge: RecordMerge, *, blocked: str = ""):
        """``blocked``: why the record cannot be saved now (locked by review), or ""; then only reload remains."""
        super().__init__(parent)
        self.error = error
        self.merge = merge
        self.choice: str | None = None
        self.merged: RecordData | None = None
        self.confirm_box: QMessageBox | None = None
        # item → {MINE: button, THEIRS: button}, for the conflicts only
        self.choice_buttons: dict[str, dict[str, QRadioButton]] = {}
        self.setWindowTitle(self.tr("Changed by someone else"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(900, min(640, 230 + 34 * len(merge.items)))

        layout = QVBoxLayout(self)
        # The service's words: which record, who changed it and when (catalogue ``edit.stale``).
        self.message = QLabel(str(error))
        self.message.setObjectName("stale_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.message)
        self.summary = QLabel(self._summary_text())
        self.summary.setObjectName("stale_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.table = QTableWidget(len(merge.items), 5)
        self.table.setObjectName("merge_table")
        self.table.setHorizontalHeaderLabels([self.tr("Item"), self.tr("When you opened it"), self.tr("Yours"),
                                              self.tr("Stored now"), self.tr("Keep")])
        vertical_header(self.table).setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the radio buttons take the focus, not the cells
        self.table.setWordWrap(True)
        header = horizontal_header(self.table)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in ((COL_ITEM, 110), (COL_BASE, 190), (COL_MINE, 190), (COL_THEIRS, 190)):
            self.table.setColumnWidth(col, width)
        for row, item in enumerate(merge.items):
            self._fill_row(row, item)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table, 1)

        self.hint = QLabel("")
        self.hint.setObjectName("stale_hint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)

        buttons = QHBoxLayout()
        self.reload_button = QPushButton(self.tr("Reload"))
        self.reload_button.setObjectName("stale_reload")
        self.reload_button.setToolTip(self.tr("Discard your edits and load the record as it is stored now"))
        self.reload_button.clicked.connect(self.choose_reload)
        self.merge_button = QPushButton(self.tr("Merge field by field"))
        self.merge_button.setObjectName("stale_merge")
        self.merge_button.setToolTip(self.tr("Keep the changes of both as the table shows, and save"))
        self.merge_button.clicked.connect(self.choose_merge)
        self.overwrite_button = QPushButton(self.tr("Overwrite…"))
        self.overwrite_button.setObjectName("stale_overwrite")
        self.overwrite_button.setToolTip(self.tr("Save your version over theirs (asks again first)"))
        self.overwrite_button.clicked.connect(self.ask_overwrite)
        self.keep_button = QPushButton(self.tr("Keep editing"))
        self.keep_button.setObjectName("stale_keep")
        self.keep_button.clicked.connect(self.reject)
        for b in (self.reload_button, self.merge_button, self.overwrite_button, self.keep_button):
            b.setAutoDefault(False)
        buttons.addWidget(self.reload_button)
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.overwrite_button)
        buttons.addStretch(1)
        buttons.addWidget(self.keep_button)
        layout.addLayout(buttons)

        self.blocked = blocked
        if blocked:
            self.merge_button.setEnabled(False)
            self.overwrite_button.setEnabled(False)
        self._update_state()

    # --- texts ---------------------------------------------------------------------------------------

    def _summary_text(self) -> str:
        items = self.merge.items
        if not items:
            return self.tr("Your version and the stored one hold the same values: merging saves them unchanged.")
        n_mine = sum(1 for i in items if i.outcome == MINE)
        n_theirs = sum(1 for i in items if i.outcome == THEIRS)
        n_conflicts = len(self.merge.conflicts)
        return (self.tr("%1 item(s) differ: %2 changed by you only, %3 by them only, %4 changed by both "
                        "differently (choose for each).")
                .replace("%1", str(len(items))).replace("%2", str(n_mine)).replace("%3", str(n_theirs))
                .replace("%4", str(n_conflicts)))

    def display(self, name: str, value: Any) -> str:
        """A value as staff read it (vocabulary labels for codes, lists as catalogue text)."""
        if value is None or value == "" or value == []:
            return "—"
        if name == "authors":
            return "；".join((f"（{a.dynasty}）" if a.dynasty else "") + a.name + (a.mode or "") for a in value)
        if name == "seals":
            return "；".join(s.text + (f"（{'，'.join(x for x in (s.owner, s.position) if x)}）"
                                       if (s.owner or s.position) else "") for s in value)
        if name == "annotations":
            return "；".join("".join(x for x in (a.person, a.kind) if x)
                            + (f"：{a.description}" if a.description else "") for a in value)
        if isinstance(value, bool):
            return self.tr("yes") if value else self.tr("no")
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        vname = CODE_FIELDS.get(name) or ("frame_measured_edge" if name == "frame_edge" else None)
        if vname is not None:
            e = vocab.entry(vname, str(value))
            if e is not None:
                return e.label
        return str(value)

    def _cell(self, name: str, value: Any, *, bold: bool = False) -> QTableWidgetItem:
        text = self.display(name, value)
        cell = QTableWidgetItem(text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…")
        cell.setToolTip(text)
        if bold:
            font = cell.font()
            font.setBold(True)
            cell.setFont(font)
        return cell

    def _fill_row(self, row: int, item: Any) -> None:
        label = QTableWidgetItem(FIELD_LABELS.get(item.name, item.name))
        label.setData(Qt.ItemDataRole.UserRole, item.name)
        self.table.setItem(row, COL_ITEM, label)
        self.table.setItem(row, COL_BASE, self._cell(item.name, item.base))
        self.table.setItem(row, COL_MINE, self._cell(item.name, item.mine, bold=item.mine != item.base))
        self.table.setItem(row, COL_THEIRS, self._cell(item.name, item.theirs, bold=item.theirs != item.base))
        if item.outcome == CONFLICT:
            box = QWidget()
            box.setObjectName(f"choice_{item.name}")
            lay = QHBoxLayout(box)
            lay.setContentsMargins(4, 0, 4, 0)
            mine = QRadioButton(self.tr("yours"))
            theirs = QRadioButton(self.tr("stored"))
            for side, b in ((MINE, mine), (THEIRS, theirs)):
                b.setObjectName(f"{item.name}_{side}")
                b.toggled.connect(lambda _on: self._update_state())
                lay.addWidget(b)
            lay.addStretch(1)
            self.table.setCellWidget(row, COL_RESULT, box)
            self.choice_buttons[item.name] = {MINE: mine, THEIRS: theirs}
            for col in range(COL_RESULT):
                cell = self.table.item(row, col)
                if cell is not None:
                    cell.setBackground(QBrush(QColor(CONFLICT_BACKGROUND)))
        else:
            text = {MINE: self.tr("yours (only you changed it)"), THEIRS: self.tr("stored (only they changed it)"),
                    SAME: self.tr("same change by both")}[item.outcome]
            self.table.setItem(row, COL_RESULT, QTableWidgetItem(text))

    # --- choosing ---------------------------------------------------------------------------------------

    def choices(self) -> dict[str, str]:
        """The side picked for each conflict picked so far."""
        out: dict[str, str] = {}
        for name, buttons in self.choice_buttons.items():
            for side, b in buttons.items():
                if b.isChecked():
                    out[name] = side
        return out

    def pick(self, name: str, side: str) -> None:
        """Pick ``side`` (MINE or THEIRS) for conflict ``name`` (what clicking its radio button does)."""
        self.choice_buttons[name][side].setChecked(True)

    def open_conflicts(self) -> list[str]:
        picked = self.choices()
        return [i.name for i in self.merge.conflicts if i.name not in picked]

    def _update_state(self) -> None:
        open_ = self.open_conflicts()
        if not self.blocked:
            self.merge_button.setEnabled(not open_)
        if self.blocked:
            self.hint.setText(self.blocked)
            self.hint.setStyleSheet("color: #c0392b;")
        elif open_:
            self.hint.setText(self.tr("Choose yours or stored for: %1").replace(
                "%1", "、".join(FIELD_LABELS.get(n, n) for n in open_)))
            self.hint.setStyleSheet("color: #9a6a00;")
        else:
            self.hint.setText(self.tr("Merging saves the items as the last column says."))
            self.hint.setStyleSheet("")

    def choose_reload(self) -> None:
        self.choice = RELOAD
        self.accept()

    def choose_merge(self) -> None:
        if self.blocked or self.open_conflicts():
            return
        self.merged = self.merge.result(self.choices())
        self.choice = MERGE
        self.accept()

    def ask_overwrite(self) -> None:
        """The second confirmation: "覆盖 {who} 的修改？" (non-blocking; its Overwrite button decides)."""
        if self.blocked:
            return
        who = self.error.who or self.tr("someone else")
        box = QMessageBox(self)
        box.setObjectName("confirm_overwrite")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Overwrite"))
        box.setText(self.tr("Overwrite the changes of %1?").replace("%1", who))
        lost = [FIELD_LABELS.get(i.name, i.name) for i in self.merge.items if i.outcome in (THEIRS, CONFLICT)]
        if lost:
            box.setInformativeText(self.tr("Their changes to these items will be replaced by yours: %1")
                                   .replace("%1", "、".join(lost)))
        yes = box.addButton(self.tr("Overwrite"), QMessageBox.ButtonRole.DestructiveRole)
        assert yes is not None  # addButton(text, role) always makes the button
        box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        yes.setObjectName("confirm_overwrite_yes")
        yes.clicked.connect(self._overwrite_confirmed)
        self.confirm_box = box
        box.open()

    def _overwrite_confirmed(self) -> None:
        self.choice = OVERWRITE
        self.accept()
