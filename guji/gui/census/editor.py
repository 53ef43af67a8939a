"""The record editor (著录): one census record in tabs, checked by the service as staff type.

* Every keystroke restarts a ~300 ms timer; then ``app.census.check_record`` runs on
  the DB worker and its errors and warnings appear next to the named fields (red or
  amber border + message). Save re-checks on the worker and refuses while there
  are errors (the service refuses too).
* The edition statement is dated live with :func:`guji.census.era.parse_era` (pure
  and fast, so it runs on the GUI thread).
* Vocabulary fields are editable combo boxes; a value outside the list is marked
  "not in list" and sent in ``RecordData.free_text``.
* Locked (submitted/approved) records and records of another institution open
  read-only with the reason shown. Field comments of a return are shown at their
  fields.
* Grades are suggested (grading rules) and only stored when staff confirm them
  (``app.census.confirm_grade``).
* Every save, grade confirmation and review step passes the version of the record the
  editor loaded. A save refused as stale (someone else saved meanwhile) opens
  :class:`~guji.gui.census.stale_dialog.StaleDialog`: reload, merge field by field
  (:mod:`guji.census.merge`) or overwrite; a stale grade or review step says who changed
  the record and when and loads it again.
* The history tab says whether the record's audit entries are intact links of the
  tamper-evident audit chain (``app.audit.entity_chain_state``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from guji.census import vocab
from guji.census.era import EraParseError, parse_era
from guji.census.merge import LINK_FIELDS, LIST_FIELDS, changed_fields, three_way
from guji.census.models import STATE_LABELS_ZH, ReviewState
from guji.census.record import (
    FIELD_LABELS,
    AnnotationData,
    AuthorData,
    Checked,
    RecordData,
    RecordView,
    SealData,
    authors_from_statement,
    statement_from_authors,
)
from guji.errors import FieldProblem, ValidationError
from guji.gui.qt import (
    QAbstractItemView,
    QBrush,
    QColor,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QShortcut,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTimer,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from guji.gui.census.stale_dialog import MERGE, OVERWRITE, RELOAD, StaleDialog
from guji.gui.stale import show_stale
from guji.gui.worker import run_op, show_error
from guji.messages import msg
from guji.models.user import Role
from guji.services.permissions import can_edit_records_of
from guji.services.versions import StaleEdit

if TYPE_CHECKING:
    from guji.db.audit_chain import ChainProblem
    from guji.gui.census.page import CensusPage

CHECK_DEBOUNCE_MS = 300
ENTITY = "census_record"
HISTORY_LIMIT = 500  # what app.census.history returns at most; beyond it the entries are counted apart
# Vocabulary fields typed into editable combo boxes (field → vocabulary).
# Row tables' cells that choose from a vocabulary: (table, column) → vocabulary.
_ROW_COMBOS = {("seals", 2): "seal_position", ("annotations", 1): "annotation_kind",
               ("authors", 0): "dynasty", ("authors", 2): "author_mode"}
VOCAB_COMBOS = {"binding": "binding", "edition_type": "edition_type", "banko": "banko", "border": "border"}
MULTILINE = {"other_titles", "edition_supplement", "notes", "preface_colophon", "publisher_mark", "carvers",
             "taboo_notes", "incomplete_note", "storage_note", "acquisition"}
PROBLEM_STYLE = """
*[problem="error"] { border: 2px solid #c0392b; }
*[problem="warning"] { border: 2px solid #d68910; }
*[problem="comment"] { border: 2px solid #7d3c98; }
QLabel[msg="error"] { color: #c0392b; }
QLabel[msg="warning"] { color: #9a6a00; }
QLabel[msg="comment"] { color: #7d3c98; }
"""


@dataclass
class Slot:
    """One editable item: its widget, its message label, and how to read/write it."""

    name: str
    widget: QWidget
    message: QLabel
    kind: str  # text, multiline, vocab, code, bool, table
    mark: QLabel | None = None  # "not in list" mark of vocabulary combos


@dataclass(frozen=True)
class Loaded:
    """What the editor loads on the worker for one record."""

    view: RecordView | None
    comments: dict[str, str]
    history: list[Any]
    rounds: list[Any]
    suggestion: Any
    next_number: str | None
    institutions: list[Any]
    chain: ChainProblem | None = None  # the audit chain over this record's entries (None: intact)
    audit_entries: int = 0  # how many audit entries the record has


def fetch_loaded(app: Any, rid: int | None) -> Loaded:
    """Everything the editor shows for record ``rid`` (None: a new record). Runs on the worker."""
    insts = app.institutions.list()
    if rid is None:
        nxt = None
        if app.actor.institution_code:
            nxt = app.census.next_census_number()
        return Loaded(None, {}, [], [], None, nxt, insts)
    view = app.census.get_record(rid)
    history = app.census.history(rid)
    entries = len(history)
    if entries >= HISTORY_LIMIT:
        entries = len(app.audit.history(ENTITY, rid, limit=10_000_000))
    return Loaded(view, app.review.open_field_comments(rid), history, app.review.rounds(rid),
                  app.census.suggest_grade(rid), None, insts, app.audit.entity_chain_state(ENTITY, rid), entries)


def _set_prop(w: QWidget, name: str, value: str) -> None:
    if w.property(name) == value:
        return
    w.setProperty(name, value)
    style = w.style()
    if style is not None:
        style.unpolish(w)
        style.polish(w)


KEPT_OFF_FORM = ("edition_subtype",)


class RecordEditor(QDialog):
    """Edit or register one census record. ``record_id`` None: a new record."""

    def __init__(self, page: "CensusPage", record_id: int | None):
        super().__init__(page)
        self.page = page
        self.record_id = record_id
        self.view: RecordView | None = None
        self.read_only = False
        self.read_only_reason = ""
        self.last_check: Checked | None = None
        self.field_comments: dict[str, str] = {}
        self.slots: dict[str, Slot] = {}
        self.images: list[Any] = []
        self._statement_from_rows = ""  # the author statement as the rows last wrote it
        self._check_seq = 0
        self._loading = True
        self.stale_dialog: StaleDialog | None = None  # open while a stale save is being decided
        self._after_load: tuple[str, str] | None = None  # status text and style to show after the next load
        self.setWindowTitle(self.tr("Census record"))
        self.setStyleSheet(PROBLEM_STYLE)
        self.resize(980, 760)

        layout = QVBoxLayout(self)
        self.heading = QLabel("")
        self.heading.setObjectName("heading")
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.banner = QLabel("")
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fdf2e9; border: 1px solid #e59866; padding: 4px;")
        self.banner.hide()
        layout.addWidget(self.banner)
        inst_row = QHBoxLayout()
        self.institution_label = QLabel(self.tr("Institution"))
        self.institution = QComboBox()
        self.institution.setObjectName("institution")
        self.institution.currentIndexChanged.connect(lambda _i: self._edited())
        inst_row.addWidget(self.institution_label)
        inst_row.addWidget(self.institution, 1)
        layout.addLayout(inst_row)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("editor_tabs")
        layout.addWidget(self.tabs, 1)
        self._build_catalogue_tab()
        self._build_format_tab()
        self._build_seals_tab()
        self._build_annotations_tab()
        self._build_links_tab()
        self._build_grading_tab()
        self._build_images_tab()
        self._build_history_tab()

        self.summary = QLabel("")
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        buttons = QHBoxLayout()
        self.status = QLabel("")
        self.status.setObjectName("status")
        buttons.addWidget(self.status, 1)
        self.review_buttons: dict[str, QPushButton] = {}
        for step, text in (("submit", self.tr("Submit for review")), ("approve", self.tr("Approve")),
                           ("return", self.tr("Return for correction…")), ("reopen", self.tr("Reopen…"))):
            b = QPushButton(text)
            b.setObjectName(f"review_{step}")
            b.setAutoDefault(False)
            b.setEnabled(False)
            b.clicked.connect(lambda _c=False, s=step: self.review_step(s))
            self.review_buttons[step] = b
            buttons.addWidget(b)
        self.save_button = QPushButton(self.tr("Save (Ctrl+S)"))
        self.save_button.setObjectName("save")
        self.save_button.clicked.connect(self.save)
        self.save_button.setAutoDefault(False)
        close = QPushButton(self.tr("Close (Esc)"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=lambda: self.page.open_editor(None))

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DEBOUNCE_MS)
        self._timer.timeout.connect(self.validate)
        self.load()

    # --- building the tabs ----------------------------------------------------------------------

    def _form_tab(self, title: str) -> QFormLayout:
        inner = QWidget()
        form = QFormLayout(inner)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.tabs.addTab(scroll, title)
        return form

    def _message_label(self) -> QLabel:
        msg = QLabel("")
        msg.setWordWrap(True)
        msg.hide()
        return msg

    def _add(self, form: QFormLayout, name: str, widget: QWidget | None = None, *, extra: QWidget | None = None) -> Slot:
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
                edit.textChanged.connect(self._edited)
                widget, kind = edit, "multiline"
            else:
                line = QLineEdit()
                line.textEdited.connect(lambda _t: self._edited())
                widget, kind = line, "text"
        else:
            kind = "code" if isinstance(widget, QComboBox) else "text"
            if isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(lambda _i: self._edited())
        widget.setObjectName(name)
        msg = self._message_label()
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

    def _code_combo(self, vname: str, *, items: list[tuple[str, Any]] | None = None) -> QComboBox:
        combo = QComboBox()
        combo.addItem("", None)
        for label, code in items if items is not None else [(e.label, e.code) for e in vocab.choices(vname)]:
            combo.addItem(label, code)
        return combo

    def _build_catalogue_tab(self) -> None:
        form = self._form_tab(self.tr("Catalogue"))
        self._add(form, "census_number")
        self._add(form, "call_number")
        self._add(form, "title")
        self._add(form, "author_statement")
        form.addRow(self.tr("Authors by row"), self._build_authors_table())
        self.era_label = QLabel("")
        self.era_label.setObjectName("era_label")
        self.era_label.setWordWrap(True)
        self._add(form, "edition_statement")
        form.addRow(self.tr("Dating"), self.era_label)
        self._add(form, "volumes")
        self._add(form, "extant")
        self._add(form, "juan_count")
        self._add(form, "cases")
        self._add(form, "edition_type")
        self._add(form, "publisher")
        self._add(form, "publication_place")
        self._add(form, "edition_supplement")
        self._add(form, "binding")
        self._add(form, "class_branch", self._code_combo("classification", items=[
            (e.label, e.code) for e in vocab.choices("classification", depth=0)]))
        self._add(form, "class_category", self._code_combo("classification", items=[]))
        self._add(form, "class_subcategory", self._code_combo("classification", items=[]))
        self.slots["class_branch"].widget.currentIndexChanged.connect(  # type: ignore[attr-defined]
            lambda _i: self._fill_class_children("class_branch", "class_category"))
        self.slots["class_category"].widget.currentIndexChanged.connect(  # type: ignore[attr-defined]
            lambda _i: self._fill_class_children("class_category", "class_subcategory"))
        self._add(form, "other_titles")
        self._add(form, "notes")
        self._add(form, "incomplete_note")
        self._add(form, "preface_colophon")
        self._add(form, "publisher_mark")
        self._add(form, "carvers")
        self._add(form, "taboo_notes")
        self._add(form, "storage_note")
        self._add(form, "acquisition")
        self._edit("author_statement").textEdited.connect(lambda _t: self._authors_from_statement())
        self._edit("edition_statement").textChanged.connect(lambda _t: self.show_era())

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
        table.horizontalHeader().setStretchLastSection(True)
        table.setColumnWidth(0, 110)
        table.setColumnWidth(1, 260)
        table.verticalHeader().setVisible(False)
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
        add.clicked.connect(lambda: (self._add_table_row("authors"), self._authors_edited()))
        remove.clicked.connect(lambda: (table.removeRow(table.currentRow()), self._authors_edited()))
        row.addLayout(buttons)
        col.addLayout(row)
        msg = self._message_label()
        col.addWidget(msg)
        self.slots["authors"] = Slot("authors", table, msg, "table")
        self.authors_buttons = (add, remove)
        return box

    def _set_author_rows(self, authors: list[Any]) -> None:
        table: QTableWidget = self.slots["authors"].widget  # type: ignore[assignment]
        table.setRowCount(0)
        for a in authors:
            self._add_table_row("authors", (a.dynasty, a.name, a.mode))
        if self.read_only:  # new cell widgets start enabled
            self.set_read_only(True, self.read_only_reason)

    def author_rows(self) -> list[AuthorData]:
        """The authors table as :class:`AuthorData` (rows with nothing in them are left out)."""
        return [AuthorData(name, dynasty or None, mode or None) for dynasty, name, mode in self._table_rows("authors")]

    def _authors_from_statement(self) -> None:
        """The statement was typed in: its parse replaces the rows (when it names anyone)."""
        statement = self._edit("author_statement").text().strip()
        authors = authors_from_statement(statement) if statement else []
        if authors or not statement:
            self._set_author_rows(authors)
        self._edited()

    def _authors_edited(self) -> None:
        """A row was edited. A statement typed by hand is the transcription and is left alone;
        an empty one, or one these rows wrote, is written again from the rows."""
        if self._loading:
            return
        line = self._edit("author_statement")
        if not line.text().strip() or line.text() == self._statement_from_rows:
            self._statement_from_rows = statement_from_authors(self.author_rows()) or ""
            line.setText(self._statement_from_rows)
        self._edited()

    def _fill_class_children(self, parent_name: str, child_name: str) -> None:
        parent = self.slots[parent_name].widget.currentData()  # type: ignore[attr-defined]
        child: QComboBox = self.slots[child_name].widget  # type: ignore[assignment]
        current = child.currentData()
        child.blockSignals(True)
        child.clear()
        child.addItem("", None)
        if parent:
            for e in vocab.choices("classification", parent=parent):
                child.addItem(e.label, e.code)
        child.setCurrentIndex(max(0, child.findData(current)))
        child.blockSignals(False)

    def _build_format_tab(self) -> None:
        form = self._form_tab(self.tr("Leaf format"))
        self._add(form, "layout_statement")
        self._add(form, "frame_height_cm")
        self._add(form, "frame_width_cm")
        self._add(form, "frame_edge", self._code_combo("frame_measured_edge"))
        half = QComboBox()
        half.addItem("", None)
        half.addItem(self.tr("half-leaf frame (半框)"), True)
        half.addItem(self.tr("whole-leaf frame"), False)
        self._add(form, "frame_is_half", half)
        self._add(form, "lines_per_half_leaf")
        self._add(form, "chars_per_line")
        self._add(form, "commentary")
        self._add(form, "banko")
        self._add(form, "fishtail")
        self._add(form, "border")
        self._add(form, "shu_er")

    def _rows_tab(self, title: str, name: str, headers: list[str]) -> QTableWidget:
        page = QWidget()
        col = QVBoxLayout(page)
        table = QTableWidget(0, len(headers))
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        table.horizontalHeader().setStretchLastSection(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.itemChanged.connect(lambda _i: self._edited())
        col.addWidget(table, 1)
        msg = self._message_label()
        col.addWidget(msg)
        row = QHBoxLayout()
        add = QPushButton(self.tr("Add row"))
        remove = QPushButton(self.tr("Remove row"))
        add.clicked.connect(lambda: (self._add_table_row(name), self._edited()))
        remove.clicked.connect(lambda: (table.removeRow(table.currentRow()), self._edited()))
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        col.addLayout(row)
        self.tabs.addTab(page, title)
        self.slots[name] = Slot(name, table, msg, "table")
        setattr(self, f"{name}_buttons", (add, remove))
        return table

    def _build_seals_tab(self) -> None:
        self.seals = self._rows_tab(self.tr("Seals"), "seals", [self.tr("Seal text"), self.tr("Owner"),
                                                                 self.tr("Position")])
        self.seals.setColumnWidth(0, 260)
        self.seals.setColumnWidth(1, 200)

    def _build_annotations_tab(self) -> None:
        self.annotations = self._rows_tab(self.tr("Annotations and colophons"), "annotations",
                                          [self.tr("By"), self.tr("Kind"), self.tr("Description")])
        self.annotations.setColumnWidth(0, 160)

    def _add_table_row(self, name: str, values: tuple[str | None, ...] = ("", "", "")) -> None:
        table: QTableWidget = self.slots[name].widget  # type: ignore[assignment]
        table.blockSignals(True)
        r = table.rowCount()
        table.insertRow(r)
        for c, v in enumerate(values):
            if (name, c) in _ROW_COMBOS:
                vname = _ROW_COMBOS[(name, c)]
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
                combo.currentTextChanged.connect(
                    (lambda _t: self._authors_edited()) if name == "authors" else (lambda _t: self._edited()))
                combo.setEnabled(not self.read_only)
                table.setCellWidget(r, c, combo)
            else:
                table.setItem(r, c, QTableWidgetItem(v or ""))
        table.blockSignals(False)

    def _table_rows(self, name: str) -> list[tuple[str, ...]]:
        table: QTableWidget = self.slots[name].widget  # type: ignore[assignment]
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

    def _build_links_tab(self) -> None:
        page = QWidget()
        col = QVBoxLayout(page)
        form = QFormLayout()
        col.addLayout(form)
        self.open_parent_button = QPushButton(self.tr("Open"))
        self.open_parent_button.clicked.connect(lambda: self._open_link("parent"))
        self._add(form, "parent_census_number", extra=self.open_parent_button)
        self.open_bound_button = QPushButton(self.tr("Open"))
        self.open_bound_button.clicked.connect(lambda: self._open_link("bound"))
        self._add(form, "bound_with_census_number", extra=self.open_bound_button)
        col.addWidget(QLabel(self.tr("Parts (子目) of this collectanea")))
        self.children_list = QListWidget()
        self.children_list.setObjectName("children")
        self.children_list.itemActivated.connect(
            lambda item: self.page.open_editor(item.data(Qt.ItemDataRole.UserRole)))
        col.addWidget(self.children_list, 1)
        self.tabs.addTab(page, self.tr("Parts and links"))

    def _open_link(self, which: str) -> None:
        if self.view is None:
            return
        rid = self.view.parent_id if which == "parent" else self.view.bound_with_id
        if rid is not None:
            self.page.open_editor(rid)

    def _build_grading_tab(self) -> None:
        form = self._form_tab(self.tr("Grade and damage"))
        self.grade_label = QLabel("")
        self.grade_label.setObjectName("confirmed_grade")
        form.addRow(self.tr("Confirmed grade"), self.grade_label)
        self.suggestion_label = QLabel("")
        self.suggestion_label.setObjectName("suggestion")
        self.suggestion_label.setWordWrap(True)
        form.addRow(self.tr("Suggested"), self.suggestion_label)
        row = QHBoxLayout()
        self.grade_choice = self._code_combo("grade")
        self.grade_choice.setObjectName("grade_choice")
        self.confirm_button = QPushButton(self.tr("Confirm grade"))
        self.confirm_button.setObjectName("confirm_grade")
        self.confirm_button.clicked.connect(self.confirm_grade)
        row.addWidget(self.grade_choice, 1)
        row.addWidget(self.confirm_button)
        holder = QWidget()
        holder.setLayout(row)
        form.addRow(self.tr("Grade to confirm"), holder)
        self.grade_message = self._message_label()
        form.addRow("", self.grade_message)
        self.slots["grade"] = Slot("grade", self.grade_choice, self.grade_message, "grade")
        self._add(form, "damage_grade", self._code_combo("damage_grade"))
        self._add(form, "national_list_number")
        self._add(form, "provincial_list")

    def _build_images_tab(self) -> None:
        page = QWidget()
        col = QVBoxLayout(page)
        self.images_note = QLabel(self.tr("Page images of this record (书影) appear here once imaging is connected."))
        self.images_note.setWordWrap(True)
        col.addWidget(self.images_note)
        self.images_list = QListWidget()
        self.images_list.setObjectName("images")
        col.addWidget(self.images_list, 1)
        self.tabs.addTab(page, self.tr("Images"))

    def set_images(self, images: list[Any]) -> None:
        """Hook for the imaging capability: show ``images`` (objects with ``label``/``path``, or strings).

        Replaces the list; an item's UserRole data is the object given, for the imaging page to open.
        """
        self.images = list(images)
        self.images_note.setVisible(not self.images)
        self.images_list.clear()
        for img in self.images:
            text = getattr(img, "label", None) or getattr(img, "path", None) or str(img)
            item = QListWidgetItem(str(text))
            item.setData(Qt.ItemDataRole.UserRole, img)
            self.images_list.addItem(item)

    def _build_history_tab(self) -> None:
        page = QWidget()
        col = QVBoxLayout(page)
        col.addWidget(QLabel(self.tr("Review rounds")))
        self.rounds_tree = QTreeWidget()
        self.rounds_tree.setObjectName("rounds")
        self.rounds_tree.setHeaderLabels([self.tr("Step"), self.tr("By"), self.tr("When"), self.tr("Detail")])
        col.addWidget(self.rounds_tree, 1)
        col.addWidget(QLabel(self.tr("Change history")))
        self.history_tree = QTreeWidget()
        self.history_tree.setObjectName("history")
        self.history_tree.setHeaderLabels([self.tr("Action"), self.tr("By"), self.tr("When"), self.tr("Detail")])
        col.addWidget(self.history_tree, 1)
        self.chain_label = QLabel("")
        self.chain_label.setObjectName("chain_state")
        self.chain_label.setWordWrap(True)
        col.addWidget(self.chain_label)
        self.tabs.addTab(page, self.tr("History"))

    # --- reading and writing the form ----------------------------------------------------------------

    def _edit(self, name: str) -> QLineEdit:
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
        """Show ``value`` in field ``name`` without triggering a check."""
        slot = self.slots[name]
        w = slot.widget
        w.blockSignals(True)
        try:
            if slot.kind == "vocab":
                assert isinstance(w, QComboBox)
                w.setEditText("" if value is None else str(value))
            elif isinstance(w, QComboBox):
                if name in ("class_category", "class_subcategory"):
                    parent = "class_branch" if name == "class_category" else "class_category"
                    self._fill_class_children(parent, name)
                w.setCurrentIndex(max(0, w.findData(value)))
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText("" if value is None else str(value))
            elif isinstance(w, QLineEdit):
                w.setText("" if value is None else str(value))
        finally:
            w.blockSignals(False)
        if slot.kind == "vocab":
            self._update_mark(name)
        elif name == "edition_statement":
            self.show_era()

    def collect(self) -> RecordData:
        """The form as :class:`RecordData` (raw text; the service normalises and checks)."""
        values: dict[str, Any] = {}
        for name in RecordData.__dataclass_fields__:
            if name in self.slots and self.slots[name].kind not in ("table", "grade"):
                values[name] = self.value(name)
        free = {n for n in VOCAB_COMBOS if self.value(n) and not vocab.is_valid(VOCAB_COMBOS[n], self.value(n))}
        data = RecordData(**values, free_text=free, authors=self.author_rows())
        data.grade = self.view.data.grade if self.view is not None else None  # grades change only by confirmation
        if self.view is not None:
            # Entered elsewhere (Excel, census XML) and not on this form: kept as stored, never
            # cleared by a save from here. (The dating fields are not kept: the service dates
            # the record again from its edition statement.)
            for name in KEPT_OFF_FORM:
                setattr(data, name, getattr(self.view.data, name))
        data.seals = [SealData(t, o or None, p or None) for t, o, p in self._table_rows("seals")]
        data.annotations = [AnnotationData(p or None, k or None, d or None) for p, k, d in self._table_rows("annotations")]
        return data

    def institution_code(self) -> str | None:
        if self.view is not None:
            return self.view.institution_code
        return self.institution.currentData()

    # --- loading ---------------------------------------------------------------------------------------------

    def load(self) -> None:
        """Load the record (or the next number of a new one) on the worker, then fill the form."""
        self._loading = True
        self.status.setText(self.tr("loading…"))
        run_op(self.page.worker, self, fetch_loaded, self.page.app, self.record_id, on_done=self._show_loaded)

    def _show_loaded(self, loaded: Loaded, data: RecordData | None = None) -> None:
        """Fill the form from ``loaded``; ``data`` (a merge, or my edits to overwrite with) replaces the
        stored values in the fields while the loaded record stays the version the next save names."""
        self._loading = True
        actor = self.page.app.actor
        self.view = view = loaded.view
        self.institution.blockSignals(True)
        self.institution.clear()
        for inst in loaded.institutions:
            if not inst.is_centre or view is not None:
                self.institution.addItem(f"{inst.name}（{inst.code}）", inst.code)
        code = view.institution_code if view is not None else actor.institution_code
        self.institution.setCurrentIndex(max(0, self.institution.findData(code)))
        self.institution.setEnabled(view is None and actor.institution_code is None)
        self.institution.blockSignals(False)
        if data is None:
            data = view.data if view is not None else RecordData()
        for name, slot in self.slots.items():
            if slot.kind in ("table", "grade"):
                continue
            self.set_value(name, getattr(data, name, None))
        # Records saved before the rows existed (or imported without them) show the parse.
        self._set_author_rows(list(data.authors) or authors_from_statement(data.author_statement))
        for name, rows in (("seals", [(s.text, s.owner, s.position) for s in data.seals]),
                           ("annotations", [(a.person, a.kind, a.description) for a in data.annotations])):
            table: QTableWidget = self.slots[name].widget  # type: ignore[assignment]
            table.setRowCount(0)
            for values in rows:
                self._add_table_row(name, values)
        self.children_list.clear()
        for cid, num, title in (view.children if view is not None else ()):
            item = QListWidgetItem(f"{num}　{title}")
            item.setData(Qt.ItemDataRole.UserRole, cid)
            self.children_list.addItem(item)
        self.open_parent_button.setEnabled(view is not None and view.parent_id is not None)
        self.open_bound_button.setEnabled(view is not None and view.bound_with_id is not None)

        if view is None:
            self.heading.setText(self.tr("New record"))
            self.slots["census_number"].widget.setToolTip(
                self.tr("Leave empty to take the next number of the institution"))
            if loaded.next_number:
                self._edit("census_number").setPlaceholderText(
                    self.tr("next: %1").replace("%1", loaded.next_number))
        else:
            self.heading.setText(f"{view.census_number}　{data.title or ''}　"
                                 f"[{STATE_LABELS_ZH.get(ReviewState(view.state), view.state)}]")
        self._show_grade(data.grade, loaded.suggestion)
        self._show_history(loaded.history, loaded.rounds)
        self._show_chain(loaded)
        self.field_comments = dict(loaded.comments)

        # Read-only: locked by review, or not this user's institution.
        reason = ""
        if view is not None and view.locked:
            reason = self.tr("This record is %1 and locked: a reviewer must return or reopen it before it can be edited.")  # noqa: E501
            reason = reason.replace("%1", STATE_LABELS_ZH[ReviewState(view.state)])
        elif view is not None and not can_edit_records_of(actor, view.institution_id):
            reason = self.tr("Read only: you may not edit records of %1.").replace("%1", view.institution_name)
        elif view is None and not actor.has(Role.CENSUS, Role.ADMIN):
            reason = self.tr("Read only: registering records needs the role census staff.")
        self.set_read_only(bool(reason), reason)
        self._update_review_buttons()
        self._show_problems([], [])
        self.show_era()
        self._loading = False
        if self.status.text() == self.tr("loading…"):
            # What the step before the reload said ("Saved …") is shown once the record is.
            text, style = self._after_load or ("", "")
            self.status.setText(text)
            self.status.setStyleSheet(style)
        self._after_load = None
        if not self.read_only:
            self.validate()

    def _show_grade(self, grade: str | None, suggestion: Any) -> None:
        e = vocab.entry("grade", grade) if grade else None
        self.grade_label.setText(e.label if e is not None else self.tr("(not confirmed)"))
        self.show_suggestion(suggestion)
        self.grade_choice.blockSignals(True)
        pick = grade or (suggestion.grade if suggestion is not None else None)
        self.grade_choice.setCurrentIndex(max(0, self.grade_choice.findData(pick)))
        self.grade_choice.blockSignals(False)

    def show_suggestion(self, suggestion: Any) -> None:
        if suggestion is None:
            self.suggestion_label.setText(self.tr("(save the record to see a suggestion)"))
            return
        text = suggestion.label
        if suggestion.choices and len(suggestion.choices) > 1:
            labels = [vocab.entry("grade", c).label for c in suggestion.choices if vocab.entry("grade", c)]  # type: ignore[union-attr]
            text += " — " + self.tr("choose one of: %1").replace("%1", "、".join(labels))
        if suggestion.reasons:
            text += "\n" + "；".join(suggestion.reasons)
        if suggestion.unconfirmed_rule:
            text += "\n" + self.tr("(uses a rule that is not confirmed by the standard: check it)")
        self.suggestion_label.setText(text + "\n" + self.tr("A suggestion only: confirm the grade to store it."))

    def _show_history(self, history: list[Any], rounds: list[Any]) -> None:
        self.rounds_tree.clear()
        for r in rounds:
            top = QTreeWidgetItem([f"{r.round_no}·{ACTION_ZH.get(r.action, r.action)}", r.login, _when(r.at),
                                   f"{_state(r.from_state)} → {_state(r.to_state)}"
                                   + (f"：{r.comment}" if r.comment else "")])
            for fname, text in r.field_comments.items():
                QTreeWidgetItem(top, [self.tr("comment"), "", "", f"{FIELD_LABELS.get(fname, fname)}：{text}"])
            for fname, (old, new) in r.diff.items():
                QTreeWidgetItem(top, [self.tr("changed"), "", "", f"{FIELD_LABELS.get(fname, fname)}：{_short(old)} → {_short(new)}"])
            self.rounds_tree.addTopLevelItem(top)
        self.history_tree.clear()
        for h in history:
            top = QTreeWidgetItem([ACTION_ZH.get(h.action, h.action), h.login, _when(h.at), h.note or ""])
            top.setData(0, Qt.ItemDataRole.UserRole, h.id)
            for fname, change in (h.changes or {}).items():
                if isinstance(change, list) and len(change) == 2:
                    detail = f"{_short(change[0])} → {_short(change[1])}"
                else:
                    detail = _short(change)
                QTreeWidgetItem(top, ["", "", "", f"{FIELD_LABELS.get(fname, fname)}：{detail}"])
            self.history_tree.addTopLevelItem(top)
        for tree in (self.rounds_tree, self.history_tree):
            tree.setColumnWidth(0, 140)
            tree.setColumnWidth(1, 100)
            tree.setColumnWidth(2, 140)

    def _show_chain(self, loaded: Loaded) -> None:
        """The audit chain over this record's entries: intact (normal text) or where it breaks (red,
        with the entry named and its line in the history marked)."""
        self.chain_label.setStyleSheet("")
        if loaded.view is None:
            self.chain_label.setText("")
            return
        problem = loaded.chain
        if problem is None:
            self.chain_label.setText(msg("audit.chain.state_ok", entries=loaded.audit_entries))
            return
        text = msg(f"audit.chain.{problem.kind}", position=problem.position,
                   entry=problem.entry_id if problem.entry_id is not None else "-", expected="?")
        for i in range(self.history_tree.topLevelItemCount()):
            item = self.history_tree.topLevelItem(i)
            if item is None or item.data(0, Qt.ItemDataRole.UserRole) != problem.entry_id:
                continue
            text += "\n" + (self.tr("Entry %1: %2 by %3 at %4").replace("%1", str(problem.entry_id))
                            .replace("%2", item.text(0)).replace("%3", item.text(1)).replace("%4", item.text(2)))
            for c in range(self.history_tree.columnCount()):
                item.setForeground(c, QBrush(QColor("#c0392b")))
            self.history_tree.scrollToItem(item)
        self.chain_label.setText(text)
        self.chain_label.setStyleSheet("color: #c0392b; font-weight: bold;")

    def set_read_only(self, read_only: bool, reason: str = "") -> None:
        """Lock every input (locked record, or no right to edit) and show why."""
        self.read_only = read_only
        self.read_only_reason = reason
        for slot in self.slots.values():
            w = slot.widget
            if isinstance(w, (QLineEdit, QPlainTextEdit)):
                w.setReadOnly(read_only)
            elif isinstance(w, QComboBox):
                w.setEnabled(not read_only)
            elif isinstance(w, QTableWidget):
                w.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if read_only else
                                  QAbstractItemView.EditTrigger.AllEditTriggers)
                for r in range(w.rowCount()):
                    for c in range(w.columnCount()):
                        cw = w.cellWidget(r, c)
                        if cw is not None:
                            cw.setEnabled(not read_only)
        for name in ("seals", "annotations", "authors"):
            for b in getattr(self, f"{name}_buttons"):
                b.setEnabled(not read_only)
        self.save_button.setEnabled(not read_only)
        locked_state = self.view is not None and self.view.locked
        self.confirm_button.setEnabled(self.view is not None and not read_only and not locked_state)
        self.grade_choice.setEnabled(self.view is not None and not read_only)
        self._update_banner()

    def _update_banner(self) -> None:
        parts = []
        if self.read_only_reason:
            parts.append("■ " + self.read_only_reason)
        if self.field_comments:
            parts.append(self.tr("Returned for correction: see the comments at the marked fields."))
        self.banner.setText("\n".join(parts))
        self.banner.setVisible(bool(parts))

    # --- live feedback ----------------------------------------------------------------------------------------

    def _edited(self) -> None:
        if self._loading or self.read_only:
            return
        self._timer.start()

    def _vocab_edited(self, name: str) -> None:
        self._update_mark(name)
        self._edited()

    def _update_mark(self, name: str) -> None:
        slot = self.slots[name]
        value = self.value(name)
        if slot.mark is not None:
            slot.mark.setVisible(bool(value) and not vocab.is_valid(VOCAB_COMBOS[name], value))

    def show_era(self) -> None:
        """Date the edition statement as typed (pure parser: runs here, instantly)."""
        text = self._edit("edition_statement").text().strip()
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
        self.era_label.setText(_era_text(r) + ("" if not r.is_ambiguous else "\n" + self.tr("ambiguous: %1").replace(
            "%1", "；".join(_era_text(c) for c in r.ambiguous))))

    def validate(self) -> None:
        """Check the form on the worker (``app.census.check_record``) and show the problems."""
        self._timer.stop()
        if self.read_only:
            return
        self._check_seq += 1
        seq = self._check_seq
        data = self.collect()

        def done(checked: Checked) -> None:
            if seq != self._check_seq:
                return  # the user typed on meanwhile: a newer check is coming
            self.last_check = checked
            self._show_problems(checked.errors, checked.warnings)
            self._update_live_suggestion(checked.data)

        def failed(exc: BaseException) -> None:
            if seq == self._check_seq and isinstance(exc, ValidationError):
                self._show_problems(exc.problems, [])
            elif seq == self._check_seq:
                self.summary.setText(str(exc))

        run_op(self.page.worker, None, self.page.app.census.check_record, data, institution=self.institution_code(),
               record_id=self.record_id, on_done=done, on_error=failed)

    def _update_live_suggestion(self, data: RecordData) -> None:
        from guji.census.grading import suggest_grade

        try:
            rng = (data.year_start, data.year_end if data.year_end is not None else data.year_start) \
                if data.year_start is not None else None
            self.show_suggestion(suggest_grade(gregorian=rng, edition_type=data.edition_type))
        except ValueError:
            pass

    def _show_problems(self, errors: list[FieldProblem], warnings: list[FieldProblem]) -> None:
        """Mark fields: errors red, warnings amber, reviewer comments purple; the rest in the summary."""
        by_field: dict[str, list[tuple[str, str]]] = {}
        for level, problems in (("error", errors), ("warning", warnings)):
            for p in problems:
                by_field.setdefault(p.field, []).append((level, p.message))
        for fname, text in self.field_comments.items():
            by_field.setdefault(fname, []).append(("comment", self.tr("Reviewer: %1").replace("%1", text)))
        general: list[str] = []
        for fname, items in by_field.items():
            if fname not in self.slots:
                general.extend(f"{FIELD_LABELS.get(fname, fname)} {m}".strip() for _, m in items)
        for name, slot in self.slots.items():
            items = by_field.get(name, [])
            level = next((lv for lv in ("error", "comment", "warning") if any(i[0] == lv for i in items)), "")
            _set_prop(slot.widget, "problem", level)
            if items:
                slot.message.setText("\n".join(("⚠ " if lv != "comment" else "✎ ") + m for lv, m in items))
                _set_prop(slot.message, "msg", level)
                slot.message.show()
            else:
                slot.message.hide()
        n_err, n_warn = len(errors), len(warnings)
        text = ""
        if n_err or n_warn:
            text = self.tr("%1 error(s), %2 warning(s)").replace("%1", str(n_err)).replace("%2", str(n_warn))
            # Say which tabs hold them: a field on another tab is easy to miss.
            tabs = sorted({self._tab_of(f) for f in by_field if f in self.slots} - {""})
            if tabs:
                text += " — " + "、".join(tabs)
        if general:
            text += ("\n" if text else "") + "\n".join(general)
        self.summary.setText(text)
        self.summary.setStyleSheet("color: #c0392b;" if n_err else "color: #9a6a00;")
        self._update_banner()

    def _tab_of(self, name: str) -> str:
        w: QWidget | None = self.slots[name].widget
        while w is not None:
            for i in range(self.tabs.count()):
                if self.tabs.widget(i) is w:
                    return self.tabs.tabText(i)
            w = w.parentWidget()
        return ""

    def errors(self) -> dict[str, str]:
        """Field → message of the errors now shown (for tests and the status line)."""
        if self.last_check is None:
            return {}
        return {p.field: p.message for p in self.last_check.errors}

    # --- saving -------------------------------------------------------------------------------------------------

    def save(self) -> None:
        """Check again and save on the worker; refused (nothing written) while there are errors."""
        if self.read_only or self._loading:
            return
        self._timer.stop()
        self._check_seq += 1  # results of earlier checks are now stale
        app = self.page.app
        data = self.collect()
        rid = self.record_id
        institution = self.institution_code()
        version = self.view.version if self.view is not None else None

        def op() -> tuple[str, Any]:
            checked = app.census.check_record(data, institution=institution, record_id=rid)
            if checked.errors:
                return "invalid", checked
            if rid is None:
                return "saved", app.census.register_book(data, institution=institution)
            return "saved", app.census.update_record(rid, data, expected_version=version)

        def done(result: tuple[str, Any]) -> None:
            kind, value = result
            if kind == "invalid":
                self.last_check = value
                self._show_problems(value.errors, value.warnings)
                self.status.setText(self.tr("Not saved: correct the marked fields first."))
                self.status.setStyleSheet("color: #c0392b;")
                return
            self.status.setText(self.tr("Saved %1").replace("%1", value.census_number))
            self.status.setStyleSheet("color: #1d6a35;")
            self._after_load = (self.status.text(), "color: #1d6a35;")
            self.record_id = value.id
            self.load()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, StaleEdit) and rid is not None:
                self.status.setText(self.tr("Not saved: the record was changed by someone else."))
                self.status.setStyleSheet("color: #c0392b;")
                self._stale(exc, data)
            elif isinstance(exc, ValidationError):
                self._show_problems(exc.problems, [])
                self.status.setText(self.tr("Not saved: correct the marked fields first."))
                self.status.setStyleSheet("color: #c0392b;")
            else:
                show_error(self, exc)

        self.page.ops.run(op, parent=self, on_done=done, on_error=failed,
                          changes=lambda result: result[1].changes if result[0] == "saved" else None)

    # --- someone else saved meanwhile -------------------------------------------------------------------

    def edited_fields(self) -> list[str]:
        """The record items this form edits (what :meth:`collect` fills in from the widgets)."""
        scalars = [n for n in RecordData.__dataclass_fields__
                   if n in self.slots and self.slots[n].kind not in ("table", "grade")]
        return scalars + [n for n in LIST_FIELDS + LINK_FIELDS if n not in scalars]

    def unsaved_fields(self) -> list[str]:
        """The items whose value in the form differs from the loaded record (unsaved edits)."""
        if self.view is None or self.read_only:
            return []
        return changed_fields(self.view.data, self.collect(), fields=self.edited_fields())

    def _stale(self, exc: StaleEdit, mine: RecordData) -> None:
        """Load the record as stored now and ask: reload, merge field by field, or overwrite."""
        base = self.view
        rid = self.record_id
        if base is None or rid is None:
            show_error(self, exc)
            return

        def ask(loaded: Loaded) -> None:
            current = loaded.view
            assert current is not None
            merge = three_way(base.data, mine, current.data, fields=self.edited_fields())
            blocked = ""
            if current.locked:
                blocked = self.tr("The record is now %1 and locked: it can only be reloaded.").replace(
                    "%1", STATE_LABELS_ZH[ReviewState(current.state)])
            elif not can_edit_records_of(self.page.app.actor, current.institution_id):
                blocked = self.tr("Read only: you may not edit records of %1.").replace("%1", current.institution_name)
            dialog = StaleDialog(self, exc, merge, blocked=blocked)
            self.stale_dialog = dialog
            dialog.finished.connect(lambda _r: self._stale_decided(dialog, loaded, mine))
            dialog.open()

        run_op(self.page.worker, self, fetch_loaded, self.page.app, rid, on_done=ask)

    def _stale_decided(self, dialog: StaleDialog, loaded: Loaded, mine: RecordData) -> None:
        """Carry out the choice made in the stale dialog (the save goes through :meth:`save` again,
        naming the version just loaded, so a third person's save brings the dialog back)."""
        if self.stale_dialog is dialog:
            self.stale_dialog = None
        assert loaded.view is not None
        if dialog.choice == RELOAD:
            self._show_loaded(loaded)
            self.status.setText(self.tr("Reloaded: your edits were discarded."))
            self.status.setStyleSheet("")
        elif dialog.choice == MERGE and dialog.merged is not None:
            self._show_loaded(loaded, dialog.merged)
            self.save()
        elif dialog.choice == OVERWRITE:
            mine.grade = loaded.view.data.grade  # grades change only by confirmation
            self._show_loaded(loaded, mine)
            self.save()
        else:
            self.status.setText(self.tr("Not saved: the record was changed by someone else; your edits are "
                                        "still here."))
            self.status.setStyleSheet("color: #c0392b;")

    # --- grade and review steps ---------------------------------------------------------------------------

    def _refuse_unsaved(self) -> bool:
        """True (and say so) when the form holds edits that are not saved: a step would lose them."""
        unsaved = self.unsaved_fields()
        if not unsaved:
            return False
        self.status.setText(self.tr("Save your edits first (%1).").replace(
            "%1", "、".join(FIELD_LABELS.get(n, n) for n in unsaved)))
        self.status.setStyleSheet("color: #9a6a00;")
        return True

    def _after_stale_step(self, exc: BaseException) -> None:
        """A grade or review step refused: say who changed the record and when, and load it again."""
        if isinstance(exc, StaleEdit):
            show_stale(self, exc, self.tr("Nothing was changed. The record now shows what is stored; check it "
                                          "and try again."))
            self.load()
        else:
            show_error(self, exc)

    def confirm_grade(self) -> None:
        """Store the grade chosen in the grading tab (staff confirm; a suggestion is never stored by itself)."""
        if self.record_id is None or self.read_only or self.view is None or self._refuse_unsaved():
            return
        code = self.grade_choice.currentData()
        rid = self.record_id

        self.page.ops.run(self.page.app.census.confirm_grade, rid, code, expected_version=self.view.version,
                          parent=self, on_done=lambda _changes: self.load(), on_error=self._after_stale_step)

    def review_step(self, step: str) -> None:
        """A review step on this record (submit, approve, return, reopen), naming the version shown."""
        if self.view is None or self.record_id is None:
            return
        if step == "submit" and self._refuse_unsaved():
            return
        actions = self.page.review
        fn = {"submit": actions.submit, "approve": actions.approve, "return": actions.ask_return,
              "reopen": actions.ask_reopen}[step]
        fn(self.record_id, on_done=lambda _c: self.load(), expected_version=self.view.version,
           on_stale=self.load)

    def _update_review_buttons(self) -> None:
        view = self.view
        actor = self.page.app.actor
        state = view.state if view is not None else None
        reviewer = actor.has(Role.REVIEWER)
        enabled = {
            "submit": state in ("draft", "returned") and not self.read_only,
            "approve": reviewer and state in ("submitted", "unit_approved"),
            "return": reviewer and state in ("submitted", "unit_approved"),
            "reopen": reviewer and state in ("unit_approved", "centre_approved"),
        }
        for step, button in self.review_buttons.items():
            button.setEnabled(bool(enabled[step]))


def _state(value: str) -> str:
    try:
        return STATE_LABELS_ZH[ReviewState(value)]
    except ValueError:
        return value


def _when(value: Any) -> str:
    if value is None:
        return ""
    try:
        return (value.astimezone() if value.tzinfo else value).strftime("%Y-%m-%d %H:%M")
    except AttributeError:
        return str(value)


def _short(value: Any, limit: int = 60) -> str:
    text = "—" if value in (None, "", []) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Audit and review actions as staff call them.
ACTION_ZH = {"create": "新建", "update": "修改", "delete": "删除", "submit": "提交审核", "approve_unit": "单位审核通过",
             "approve_centre": "中心审核通过", "return": "返修", "reopen": "重新打开", "confirm_grade": "确认定级",
             "damage_grade": "破损定级", "import": "导入", "check_in": "入库"}
PRECISION_ZH = {"year": "确年", "era": "年号范围", "range": "年代区间", "dynasty": "朝代范围"}


def _era_text(r: Any) -> str:
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

