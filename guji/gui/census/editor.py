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

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from guji.census import vocab
from guji.census.merge import LINK_FIELDS, LIST_FIELDS, changed_fields, three_way
from guji.census.models import STATE_LABELS_ZH, ReviewState
from guji.census.record import (
    FIELD_LABELS,
    AnnotationData,
    Checked,
    RecordData,
    RecordView,
    SealData,
    authors_from_statement,
)
from guji.errors import FieldProblem, ValidationError
from guji.gui.census.editor_tabs import (
    VOCAB_COMBOS,
    CatalogueTab,
    FieldTab,
    FormatTab,
    GradingTab,
    HistoryTab,
    ImagesTab,
    LinksTab,
    RowsTab,
    Slot,
)
from guji.gui.census.stale_dialog import MERGE, OVERWRITE, RELOAD, StaleDialog
from guji.gui.qt import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QListWidget,
    QPushButton,
    QShortcut,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
    pyqtSignal,
)
from guji.gui.stale import show_stale
from guji.gui.worker import run_op, show_error
from guji.models.user import Role
from guji.services.permissions import can_edit_records_of
from guji.services.versions import StaleEdit

if TYPE_CHECKING:
    from guji.db.audit_chain import ChainProblem
    from guji.gui.census.page import CensusPage

CHECK_DEBOUNCE_MS = 300
ENTITY = "census_record"
HISTORY_LIMIT = 500  # what app.census.history returns at most; beyond it the entries are counted apart
PROBLEM_STYLE = """
*[problem="error"] { border: 2px solid #c0392b; }
*[problem="warning"] { border: 2px solid #d68910; }
*[problem="comment"] { border: 2px solid #7d3c98; }
QLabel[msg="error"] { color: #c0392b; }
QLabel[msg="warning"] { color: #9a6a00; }
QLabel[msg="comment"] { color: #7d3c98; }
"""
# Entered elsewhere (Excel, census XML) and not on this form: kept as stored by a save from here.
KEPT_OFF_FORM = ("edition_subtype",)

__all__ = ["Loaded", "RecordEditor", "Slot", "fetch_loaded"]


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


class RecordEditor(QDialog):
    """Edit or register one census record. ``record_id`` None: a new record.

    The tabs (:mod:`guji.gui.census.editor_tabs`) hold the fields; this dialog assembles them, loads
    the record, checks it as staff type, saves, and runs the grade and review steps.
    """

    open_requested = pyqtSignal(object)  # a record id to open in another editor; None: a new record
    image_activated = pyqtSignal(object)  # an image of the 影像 tab was double-clicked (see ImagesTab)

    def __init__(self, page: CensusPage, record_id: int | None):
        super().__init__(page)
        self.ops = page.ops
        self.app = page.app
        self.review = page.review  # the review steps (shared with the register's review panel)
        self.record_id = record_id
        self.view: RecordView | None = None
        self.read_only = False
        self.read_only_reason = ""
        self.last_check: Checked | None = None
        self.field_comments: dict[str, str] = {}
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
        self.catalogue_tab = CatalogueTab()
        self.format_tab = FormatTab()
        self.seals_tab = RowsTab("seals", [self.tr("Seal text"), self.tr("Owner"), self.tr("Position")])
        self.seals_tab.table.setColumnWidth(0, 260)
        self.seals_tab.table.setColumnWidth(1, 200)
        self.annotations_tab = RowsTab("annotations", [self.tr("By"), self.tr("Kind"), self.tr("Description")])
        self.annotations_tab.table.setColumnWidth(0, 160)
        self.links_tab = LinksTab()
        self.grading_tab = GradingTab()
        self.images_tab = ImagesTab()
        self.history_tab = HistoryTab()
        self.field_tabs: list[FieldTab] = [self.catalogue_tab, self.format_tab, self.seals_tab, self.annotations_tab,
                                           self.links_tab, self.grading_tab]
        for tab, title in ((self.catalogue_tab, self.tr("Catalogue")), (self.format_tab, self.tr("Leaf format")),
                           (self.seals_tab, self.tr("Seals")),
                           (self.annotations_tab, self.tr("Annotations and colophons")),
                           (self.links_tab, self.tr("Parts and links")),
                           (self.grading_tab, self.tr("Grade and damage")), (self.images_tab, self.tr("Images")),
                           (self.history_tab, self.tr("History"))):
            self.tabs.addTab(tab, title)
        # Every field by name, and which tab holds it.
        self.slots: dict[str, Slot] = {}
        self._tab_of_field: dict[str, FieldTab] = {}
        for field_tab in self.field_tabs:
            field_tab.edited.connect(self._edited)
            for name, slot in field_tab.slots.items():
                self.slots[name] = slot
                self._tab_of_field[name] = field_tab
        self.links_tab.open_requested.connect(lambda rid: self.open_requested.emit(rid))
        self.grading_tab.confirm_requested.connect(self.confirm_grade)
        self.images_tab.image_activated.connect(self.image_activated)

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
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.save)
        QShortcut(QKeySequence("Ctrl+N"), self).activated.connect(lambda: self.open_requested.emit(None))

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DEBOUNCE_MS)
        self._timer.timeout.connect(self.validate)
        self.load()

    # --- the images hook ------------------------------------------------------------------------------

    @property
    def images_list(self) -> QListWidget:
        return self.images_tab.images_list

    def set_images(self, images: list[Any]) -> None:
        """Hook for the imaging capability: show ``images`` in the 影像 tab (see :meth:`ImagesTab.set_images`)."""
        self.images_tab.set_images(images)

    # --- reading and writing the form ----------------------------------------------------------------

    def value(self, name: str) -> Any:
        """The raw value of field ``name`` as shown (text; combo data for code fields)."""
        return self._tab_of_field[name].value(name)

    def set_value(self, name: str, value: Any) -> None:
        """Show ``value`` in field ``name`` without triggering a check."""
        self._tab_of_field[name].set_value(name, value)

    def _scalar_fields(self) -> list[str]:
        return [n for n in RecordData.__dataclass_fields__
                if n in self.slots and self.slots[n].kind not in ("table", "grade")]

    def collect(self) -> RecordData:
        """The form as :class:`RecordData` (raw text; the service normalises and checks)."""
        values: dict[str, Any] = {name: self.value(name) for name in self._scalar_fields()}
        free = {n for n in VOCAB_COMBOS if self.value(n) and not vocab.is_valid(VOCAB_COMBOS[n], self.value(n))}
        data = RecordData(**values, free_text=free, authors=self.catalogue_tab.author_rows())
        data.grade = self.view.data.grade if self.view is not None else None  # grades change only by confirmation
        if self.view is not None:
            # Entered elsewhere and not on this form: kept as stored, never cleared by a save from
            # here. (The dating fields are not kept: the service dates the record again from its
            # edition statement.)
            for name in KEPT_OFF_FORM:
                setattr(data, name, getattr(self.view.data, name))
        data.seals = [SealData(t, o or None, p or None) for t, o, p in self.seals_tab.rows()]
        data.annotations = [AnnotationData(p or None, k or None, d or None) for p, k, d in self.annotations_tab.rows()]
        return data

    def institution_code(self) -> str | None:
        if self.view is not None:
            return self.view.institution_code
        return self.institution.currentData()

    # --- loading ---------------------------------------------------------------------------------------------

    def load(self) -> None:
        """Load the record (or the next number of a new one) on the worker, then fill the form."""
        self._set_loading(True)
        self.status.setText(self.tr("loading…"))
        run_op(self.ops.browse, self, fetch_loaded, self.app, self.record_id, on_done=self._show_loaded)

    def _set_loading(self, loading: bool) -> None:
        self._loading = loading
        self.catalogue_tab.loading = loading

    def _show_loaded(self, loaded: Loaded, data: RecordData | None = None) -> None:
        """Fill the form from ``loaded``; ``data`` (a merge, or my edits to overwrite with) replaces the
        stored values in the fields while the loaded record stays the version the next save names."""
        self._set_loading(True)
        actor = self.app.actor
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
        for name in self._scalar_fields() + [n for n in self.slots if n not in RecordData.__dataclass_fields__
                                             and self.slots[n].kind not in ("table", "grade")]:
            self.set_value(name, getattr(data, name, None))
        # Records saved before the rows existed (or imported without them) show the parse.
        self.catalogue_tab.set_author_rows(list(data.authors) or authors_from_statement(data.author_statement))
        self.seals_tab.set_rows([(s.text, s.owner, s.position) for s in data.seals])
        self.annotations_tab.set_rows([(a.person, a.kind, a.description) for a in data.annotations])
        self.links_tab.show_links(view)

        census_number = self.catalogue_tab.line("census_number")
        if view is None:
            self.heading.setText(self.tr("New record"))
            census_number.setToolTip(self.tr("Leave empty to take the next number of the institution"))
            if loaded.next_number:
                census_number.setPlaceholderText(self.tr("next: %1").replace("%1", loaded.next_number))
        else:
            self.heading.setText(f"{view.census_number}　{data.title or ''}　"
                                 f"[{STATE_LABELS_ZH.get(ReviewState(view.state), view.state)}]")
        self.grading_tab.show_grade(data.grade, loaded.suggestion)
        self.history_tab.show_history(loaded.history, loaded.rounds)
        self.history_tab.show_chain(view is not None, loaded.chain, loaded.audit_entries)
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
        self.catalogue_tab.show_era()
        self._set_loading(False)
        if self.status.text() == self.tr("loading…"):
            # What the step before the reload said ("Saved …") is shown once the record is.
            text, style = self._after_load or ("", "")
            self.status.setText(text)
            self.status.setStyleSheet(style)
        self._after_load = None
        if not self.read_only:
            self.validate()

    def set_read_only(self, read_only: bool, reason: str = "") -> None:
        """Lock every input (locked record, or no right to edit) and show why."""
        self.read_only = read_only
        self.read_only_reason = reason
        for tab in self.field_tabs:
            tab.set_read_only(read_only)
        self.save_button.setEnabled(not read_only)
        self.grading_tab.enable_confirming(saved=self.view is not None, read_only=read_only,
                                           locked=self.view is not None and self.view.locked)
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

        run_op(self.ops.browse, None, self.app.census.check_record, data, institution=self.institution_code(),
               record_id=self.record_id, on_done=done, on_error=failed)

    def _update_live_suggestion(self, data: RecordData) -> None:
        from guji.census.grading import suggest_grade

        try:
            rng = (data.year_start, data.year_end if data.year_end is not None else data.year_start) \
                if data.year_start is not None else None
            self.grading_tab.show_suggestion(suggest_grade(gregorian=rng, edition_type=data.edition_type))
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
            tabs = sorted({self.tabs.tabText(self.tabs.indexOf(self._tab_of_field[f]))
                           for f in by_field if f in self.slots})
            if tabs:
                text += " — " + "、".join(tabs)
        if general:
            text += ("\n" if text else "") + "\n".join(general)
        self.summary.setText(text)
        self.summary.setStyleSheet("color: #c0392b;" if n_err else "color: #9a6a00;")
        self._update_banner()

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
        app = self.app
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

        self.ops.run(op, parent=self, on_done=done, on_error=failed,
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
            elif not can_edit_records_of(self.app.actor, current.institution_id):
                blocked = self.tr("Read only: you may not edit records of %1.").replace("%1", current.institution_name)
            dialog = StaleDialog(self, exc, merge, blocked=blocked)
            self.stale_dialog = dialog
            dialog.finished.connect(lambda _r: self._stale_decided(dialog, loaded, mine))
            dialog.open()

        run_op(self.ops.browse, self, fetch_loaded, self.app, rid, on_done=ask)

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

    def confirm_grade(self, code: str | None = None) -> None:
        """Store grade ``code`` (default: the one chosen in the grading tab); staff confirm, a suggestion
        is never stored by itself."""
        if self.record_id is None or self.read_only or self.view is None or self._refuse_unsaved():
            return
        if code is None:
            code = self.grading_tab.grade_choice.currentData()
        self.ops.run(self.app.census.confirm_grade, self.record_id, code, expected_version=self.view.version,
                     parent=self, on_done=lambda _changes: self.load(), on_error=self._after_stale_step)

    def review_step(self, step: str) -> None:
        """A review step on this record (submit, approve, return, reopen), naming the version shown."""
        if self.view is None or self.record_id is None:
            return
        if step == "submit" and self._refuse_unsaved():
            return
        actions = self.review
        steps: dict[str, Callable[..., None]] = {"submit": actions.submit, "approve": actions.approve,
                                                 "return": actions.ask_return, "reopen": actions.ask_reopen}
        fn = steps[step]
        fn(self.record_id, on_done=lambda _c: self.load(), expected_version=self.view.version,
           on_stale=self.load)

    def _update_review_buttons(self) -> None:
        view = self.view
        actor = self.app.actor
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
