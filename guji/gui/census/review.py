"""Review (审核) on the desktop: the queue, the records awaiting me, and the review actions.

The actions (submit, approve, return with per-field comments, reopen with a
reason) are the ReviewService's; this module only asks for the comments and
shows what the service says (errors in dialogs). Actions started from the record
editor or the queue name the version of the record shown there: when someone changed
the record meanwhile, the step is refused, the person reads who changed it and when,
and what they looked at is loaded again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from guji.census.models import ReviewState
from guji.census.record import FIELD_LABELS, SCALAR_FIELDS
from guji.census.search import RecordRow
from guji.gui.census.model import state_label
from guji.gui.qt import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QObject,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    horizontal_header,
    pyqtSignal,
    vertical_header,
)
from guji.gui.stale import show_stale
from guji.gui.worker import run_op, show_error
from guji.services.context import Changes
from guji.services.versions import StaleEdit

if TYPE_CHECKING:
    from guji.gui.census.page import CensusPage

# Fields a reviewer may comment on, in register order (label shown, field name as data).
COMMENT_FIELDS: list[str] = list(SCALAR_FIELDS) + ["authors", "seals", "annotations", "parent_census_number",
                                                    "bound_with_census_number"]


class ReturnDialog(QDialog):
    """Ask for the comment of a return (返修) and, per field, what must be corrected."""

    def __init__(self, parent: QWidget | None, title: str = ""):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Return for correction"))
        layout = QVBoxLayout(self)
        if title:
            layout.addWidget(QLabel(title))
        layout.addWidget(QLabel(self.tr("Comment")))
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("return_comment")
        self.comment.setFixedHeight(70)
        layout.addWidget(self.comment)
        layout.addWidget(QLabel(self.tr("Comments on fields")))
        self.fields = QTableWidget(0, 2)
        self.fields.setObjectName("field_comments")
        self.fields.setHorizontalHeaderLabels([self.tr("Field"), self.tr("What to correct")])
        horizontal_header(self.fields).setStretchLastSection(True)
        vertical_header(self.fields).setVisible(False)
        self.fields.setColumnWidth(0, 140)
        layout.addWidget(self.fields)
        row = QHBoxLayout()
        add = QPushButton(self.tr("Add field comment"))
        add.clicked.connect(lambda: self.add_field_comment())
        remove = QPushButton(self.tr("Remove"))
        remove.clicked.connect(lambda: self.fields.removeRow(self.fields.currentRow()))
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 420)

    def add_field_comment(self, field: str | None = None, text: str = "") -> None:
        r = self.fields.rowCount()
        self.fields.insertRow(r)
        combo = QComboBox()
        for name in COMMENT_FIELDS:
            combo.addItem(FIELD_LABELS.get(name, name), name)
        if field is not None:
            combo.setCurrentIndex(max(0, combo.findData(field)))
        self.fields.setCellWidget(r, 0, combo)
        self.fields.setItem(r, 1, QTableWidgetItem(text))

    def values(self) -> tuple[str, dict[str, str]]:
        """(comment, {field: comment}) as entered; empty field comments are left out."""
        comments: dict[str, str] = {}
        for r in range(self.fields.rowCount()):
            combo = self.fields.cellWidget(r, 0)
            item = self.fields.item(r, 1)
            text = item.text().strip() if item is not None else ""
            if isinstance(combo, QComboBox) and text:
                comments[combo.currentData()] = text
        return self.comment.toPlainText().strip(), comments


class ReasonDialog(QDialog):
    """Ask for a reason (reopening an approved record)."""

    def __init__(self, parent: QWidget | None, title: str, prompt: str):
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(prompt))
        self.text = QPlainTextEdit()
        self.text.setFixedHeight(80)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def value(self) -> str:
        return self.text.toPlainText().strip()


class ReviewActions(QObject):
    """The review actions of the census page; each runs the service on the worker (its Changes go out
    through ``ops.changed``)."""

    def __init__(self, page: CensusPage):
        super().__init__(page)
        self.page = page

    def _run(self, fn: Any, *args: Any, on_done: Any = None, expected_version: int | None = None,
             on_stale: Any = None) -> None:
        """Run review step ``fn`` on the worker; ``expected_version``: the version of the record shown
        (None: not checked); ``on_stale()`` runs after a refusal as stale (to load the record again)."""
        def done(changes: Changes) -> None:
            if on_done is not None:
                on_done(changes)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, StaleEdit):
                show_stale(self.page, exc, self.tr("Nothing was done: the record changed after it was shown. "
                                                   "It is shown again as it is now; check it and try again."))
                if on_stale is not None:
                    on_stale()
            else:
                show_error(self.page, exc)

        kwargs: dict[str, Any] = {} if expected_version is None else {"expected_version": expected_version}
        self.page.ops.run(fn, *args, parent=self.page, on_done=done, on_error=failed, **kwargs)

    def submit(self, record_id: int, comment: str | None = None, on_done: Any = None, *,
               expected_version: int | None = None, on_stale: Any = None) -> None:
        self._run(self.page.app.review.submit_for_review, record_id, comment, on_done=on_done,
                  expected_version=expected_version, on_stale=on_stale)

    def approve(self, record_id: int, comment: str | None = None, on_done: Any = None, *,
                expected_version: int | None = None, on_stale: Any = None) -> None:
        self._run(self.page.app.review.approve, record_id, comment, on_done=on_done,
                  expected_version=expected_version, on_stale=on_stale)

    def return_record(self, record_id: int, comment: str, field_comments: dict[str, str],
                      on_done: Any = None, *, expected_version: int | None = None, on_stale: Any = None) -> None:
        self._run(self.page.app.review.return_for_correction, record_id, comment, field_comments, on_done=on_done,
                  expected_version=expected_version, on_stale=on_stale)

    def reopen(self, record_id: int, reason: str, on_done: Any = None, *,
               expected_version: int | None = None, on_stale: Any = None) -> None:
        self._run(self.page.app.review.reopen, record_id, reason, on_done=on_done,
                  expected_version=expected_version, on_stale=on_stale)

    def ask_return(self, record_id: int, on_done: Any = None, *, expected_version: int | None = None,
                   on_stale: Any = None) -> None:
        dialog = ReturnDialog(self.page)
        if dialog.exec():
            comment, fields = dialog.values()
            self.return_record(record_id, comment, fields, on_done=on_done, expected_version=expected_version,
                               on_stale=on_stale)

    def ask_reopen(self, record_id: int, on_done: Any = None, *, expected_version: int | None = None,
                   on_stale: Any = None) -> None:
        dialog = ReasonDialog(self.page, self.tr("Reopen record"),
                              self.tr("Why must this approved record be corrected?"))
        if dialog.exec():
            self.reopen(record_id, dialog.value(), on_done=on_done, expected_version=expected_version,
                        on_stale=on_stale)


class ReviewPanel(QWidget):
    """Counts per institution and state, and the records waiting for the signed-in user.

    ``open_requested(record_id)``: open the record in the editor; ``register_requested(institution
    code, state)``: show the register filtered to them."""

    open_requested = pyqtSignal(int)
    register_requested = pyqtSignal(object, object)

    def __init__(self, page: CensusPage):
        super().__init__()
        self.page = page
        self.awaiting_ids: list[int] = []
        layout = QVBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal)
        box = QGroupBox(self.tr("Queue"))
        bl = QVBoxLayout(box)
        self.queue = QTableWidget(0, 3)
        self.queue.setObjectName("review_queue")
        self.queue.setHorizontalHeaderLabels([self.tr("Institution"), self.tr("Review state"), self.tr("Records")])
        _plain(self.queue)
        self.queue_entries: list[Any] = []
        # A queue line opens the register filtered to that institution and state.
        self.queue.itemActivated.connect(lambda item: self.show_in_register(item.row()))
        bl.addWidget(self.queue)
        split.addWidget(box)
        box = QGroupBox(self.tr("Awaiting me"))
        bl = QVBoxLayout(box)
        self.awaiting = QTableWidget(0, 5)
        self.awaiting.setObjectName("awaiting_me")
        self.awaiting.setHorizontalHeaderLabels([self.tr("Census number"), self.tr("Title and juan"),
                                                 self.tr("Edition"), self.tr("Review state"), self.tr("Institution")])
        _plain(self.awaiting)
        self.awaiting.itemActivated.connect(lambda item: self._act(self.open_requested.emit))
        # The row selected is read again (its state and version): a step names the version shown.
        self.shown_versions: dict[int, int] = {}
        self.awaiting.itemSelectionChanged.connect(self._selected)
        bl.addWidget(self.awaiting)
        row = QHBoxLayout()
        b = QPushButton(self.tr("Open"))
        b.clicked.connect(lambda _c=False: self._act(self.open_requested.emit))
        row.addWidget(b)
        self.step_buttons: dict[str, QPushButton] = {}
        for key, text, fn in (("submit", self.tr("Submit for review"), self.page.review.submit),
                              ("approve", self.tr("Approve"), self.page.review.approve),
                              ("return", self.tr("Return for correction…"), self.page.review.ask_return),
                              ("reopen", self.tr("Reopen…"), self.page.review.ask_reopen)):
            b = QPushButton(text)
            b.clicked.connect(lambda _c=False, f=fn: self._step(f))
            self.step_buttons[key] = b
            row.addWidget(b)
        row.addStretch(1)
        bl.addLayout(row)
        split.addWidget(box)
        split.setSizes([300, 700])
        layout.addWidget(split)

    def show_in_register(self, row: int) -> None:
        """Filter the register to the institution and state of queue line ``row`` and show it."""
        if not 0 <= row < len(self.queue_entries):
            return
        e = self.queue_entries[row]
        self.register_requested.emit(e.institution_code, e.state)

    def selected_id(self) -> int | None:
        r = self.awaiting.currentRow()
        return self.awaiting_ids[r] if 0 <= r < len(self.awaiting_ids) else None

    def _act(self, fn: Any) -> None:
        rid = self.selected_id()
        if rid is not None:
            fn(rid)

    def _step(self, fn: Any) -> None:
        """A review step on the selected record, naming the version its row shows."""
        rid = self.selected_id()
        if rid is not None:
            fn(rid, expected_version=self.shown_versions.get(rid), on_stale=self.refresh)

    def _selected(self) -> None:
        """Read the selected record again: its row shows the state now, and a step names that version."""
        rid = self.selected_id()
        if rid is None:
            return

        def show(view: Any) -> None:
            if self.selected_id() != rid:
                return  # another row was selected meanwhile
            self.shown_versions[rid] = view.version
            self.awaiting.setItem(self.awaiting.currentRow(), 3, QTableWidgetItem(state_label(view.state)))

        def forget(_exc: BaseException) -> None:
            self.shown_versions.pop(rid, None)

        run_op(self.page.worker, None, self.page.app.census.get_record, rid, on_done=show, on_error=forget)

    def refresh(self) -> None:
        app = self.page.app

        def load() -> tuple[list[Any], list[RecordRow]]:
            return app.review.queue(), app.search.rows(app.review.awaiting_me())

        def show(result: tuple[list[Any], list[RecordRow]]) -> None:
            queue, rows = result
            order = {s.value: i for i, s in enumerate(ReviewState)}
            queue = sorted(queue, key=lambda e: (e.institution_code, order.get(e.state, 99)))
            self.queue_entries = queue
            self.queue.setRowCount(len(queue))
            for r, e in enumerate(queue):
                for c, v in enumerate((e.institution_name, state_label(e.state), str(e.count))):
                    self.queue.setItem(r, c, QTableWidgetItem(v))
            self.awaiting_ids = [row.id for row in rows]
            self.shown_versions.clear()
            self.awaiting.blockSignals(True)
            self.awaiting.setRowCount(len(rows))
            names = self.page.model.institution_names
            for r, row in enumerate(rows):
                for c, v in enumerate((row.census_number, row.title, row.edition_statement or "",
                                       state_label(row.state), names.get(row.institution_code, row.institution_code))):
                    self.awaiting.setItem(r, c, QTableWidgetItem(v))
            self.awaiting.blockSignals(False)
            self.queue.resizeColumnsToContents()
            self.awaiting.resizeColumnsToContents()
            self._selected()  # the row still selected is read again

        run_op(self.page.worker, None, load, on_done=show)


def _plain(table: QTableWidget) -> None:
    vertical_header(table).setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    horizontal_header(table).setStretchLastSection(True)
    horizontal_header(table).setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
