"""The census page (普查登记): search box and filters over the register table, review queue, vault.

Every database call runs on the DB worker; the table holds ids and fetches row
text by page (:mod:`guji.gui.census.model`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from guji.census import vocab
from guji.census.models import STATE_LABELS_ZH, ReviewState
from guji.census.search import RecordRow, SearchFilters
from guji.gui.census.model import PAGE_SIZE, RegisterModel
from guji.gui.pages import Page
from guji.gui.qt import (
    QAbstractItemView,
    QAction,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    Qt,
    QTableView,
    QTabWidget,
    QTimer,
    QToolButton,
    QVBoxLayout,
    QWidget,
    horizontal_header,
    pyqtSignal,
    vertical_header,
)
from guji.gui.worker import run_op
from guji.services.context import Changes

if TYPE_CHECKING:
    from guji.gui.census.review import ReviewPanel
    from guji.gui.census.vault import VaultPanel
    from guji.gui.mainwindow import MainWindow

SEARCH_DEBOUNCE_MS = 250


class CensusPage(Page):
    """普查登记: the whole register in one table, searched with one box and a few filters."""

    nav_key = "census"
    # (editor, record id or None) after an editor opened: the imaging page feeds its 影像 tab.
    editor_opened = pyqtSignal(object, object)

    def nav_title(self) -> str:
        return self.tr("Census register")

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self._sort = "census_number"
        self._descending = False
        self._search_seq = 0
        self.done_search_seq = 0  # the last search whose full id list is in the table
        self.match_count: int | None = None
        self.editors: list[Any] = []
        self.last_import_report: Any = None
        self.institutions: list[Any] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)

        # --- actions -------------------------------------------------------------------
        bar = QHBoxLayout()
        self.new_action = self._action(self.tr("New record"), QKeySequence("Ctrl+N"), lambda: self.open_editor(None))
        self.open_action = self._action(self.tr("Open"), None, self._open_current)
        self.move_action = self._action(self.tr("Check out / in…"), None, self._movement_current)
        self.submit_action = self._action(self.tr("Submit for review"), None,
                                          lambda: self._on_current(self.review.submit))
        self.approve_action = self._action(self.tr("Approve"), None, lambda: self._on_current(self.review.approve))
        self.return_action = self._action(self.tr("Return for correction…"), None,
                                          lambda: self._on_current(self.review.ask_return))
        self.reopen_action = self._action(self.tr("Reopen…"), None, lambda: self._on_current(self.review.ask_reopen))
        self.import_action = self._action(self.tr("Import Excel…"), None, self._import_excel)
        for act in (self.new_action, self.open_action, self.move_action, None, self.submit_action,
                    self.approve_action, self.return_action, self.reopen_action, None, self.import_action):
            if act is None:
                bar.addSpacing(12)
                continue
            b = QToolButton()
            b.setDefaultAction(act)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            bar.addWidget(b)
        bar.addStretch(1)
        layout.addLayout(bar)

        # --- search box and filters ----------------------------------------------------------
        row = QHBoxLayout()
        self.search_box = QLineEdit()
        self.search_box.setObjectName("search_box")
        self.search_box.setPlaceholderText(self.tr("Search title, author, edition, census or call number…"))
        self.search_box.setClearButtonEnabled(True)
        row.addWidget(self.search_box, 3)
        self.count_label = QLabel("")
        self.count_label.setObjectName("count_label")
        self.count_label.setMinimumWidth(120)
        row.addWidget(self.count_label)
        layout.addLayout(row)

        frow = QHBoxLayout()
        self.dynasty_filter = self._filter_combo(self.tr("Dynasty"),
                                                 [(d.label, d.label) for d in vocab.dynasties()])
        self.edition_filter = self._filter_combo(self.tr("Edition type"),
                                                 [(e.label, e.label) for e in vocab.choices("edition_type", depth=0)])
        self.grade_filter = self._filter_combo(self.tr("Grade"), [(e.label, e.code) for e in vocab.choices("grade")])
        self.damage_filter = self._filter_combo(self.tr("Damage"),
                                                [(e.label, e.code) for e in vocab.choices("damage_grade")])
        self.institution_filter = self._filter_combo(self.tr("Institution"), [])
        self.state_filter = self._filter_combo(self.tr("Review state"),
                                               [(STATE_LABELS_ZH[s], s.value) for s in ReviewState])
        for label, combo in ((self.tr("Dynasty"), self.dynasty_filter), (self.tr("Edition type"), self.edition_filter),
                             (self.tr("Grade"), self.grade_filter), (self.tr("Damage"), self.damage_filter),
                             (self.tr("Institution"), self.institution_filter),
                             (self.tr("Review state"), self.state_filter)):
            frow.addWidget(QLabel(label))
            frow.addWidget(combo)
        frow.addWidget(QLabel(self.tr("Years")))
        self.year_from = self._year_box()
        self.year_to = self._year_box()
        frow.addWidget(self.year_from)
        frow.addWidget(QLabel("–"))
        frow.addWidget(self.year_to)
        self.clear_filters_button = QPushButton(self.tr("Clear"))
        self.clear_filters_button.clicked.connect(self.clear_filters)
        frow.addWidget(self.clear_filters_button)
        frow.addStretch(1)
        layout.addLayout(frow)

        # --- register table, review queue, vault -------------------------------------------------
        self.tabs = QTabWidget()
        # Literal strings, so the translation tool finds them.
        headers = {
            "census_number": self.tr("Census number"), "call_number": self.tr("Call number"),
            "title": self.tr("Title and juan"), "author_statement": self.tr("Author"),
            "edition_statement": self.tr("Edition"), "volumes": self.tr("Volumes"),
            "extant": self.tr("Extant juan"), "state": self.tr("Review state"),
            "institution_code": self.tr("Institution"),
        }
        self.model = RegisterModel(self._fetch_rows, headers, parent=self)
        self.table = QTableView()
        self.table.setObjectName("register")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        horizontal_header(self.table).setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        # Connected after the indicator is set: setting it asks the model to sort.
        self.model.sortRequested.connect(self._sort_by)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        vh = vertical_header(self.table)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring: a million rows stay fast
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)
        vh.setVisible(False)
        hh = horizontal_header(self.table)
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        for col, width in enumerate((155, 75, 200, 150, 200, 40, 85, 65, 150)):
            self.table.setColumnWidth(col, width)
        self.table.activated.connect(lambda idx: self.open_editor(self.model.id_at(idx.row())))
        self.tabs.addTab(self.table, self.tr("Register"))

        from guji.gui.census.review import ReviewActions, ReviewPanel
        from guji.gui.census.vault import VaultPanel

        self.review = ReviewActions(self)
        self.review_panel = ReviewPanel(self)
        self.review_panel.open_requested.connect(lambda rid: self.open_editor(rid))
        self.review_panel.register_requested.connect(self.show_in_register)
        self.tabs.addTab(self.review_panel, self.tr("Review queue"))
        self.vault_panel = VaultPanel(self)
        self.vault_panel.movement_requested.connect(lambda rid: self.open_movement(rid))
        self.tabs.addTab(self.vault_panel, self.tr("Vault"))
        layout.addWidget(self.tabs, 1)
        # The queue counts group the whole register: on a big database they are loaded
        # only while their tab is shown, so they never hold up the register's pages.
        self._stale_panels: set[QWidget] = {self.review_panel, self.vault_panel}
        self.tabs.currentChanged.connect(lambda _i: self._refresh_panel(self.tabs.currentWidget()))

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.search)
        self.search_box.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_box.returnPressed.connect(self.search)
        for combo in (self.dynasty_filter, self.edition_filter, self.grade_filter, self.damage_filter,
                      self.institution_filter, self.state_filter):
            combo.currentIndexChanged.connect(lambda _i: self.search())
        for box in (self.year_from, self.year_to):
            box.valueChanged.connect(lambda _v: self._search_timer.start())

    # --- building blocks -----------------------------------------------------------------------

    def _action(self, text: str, key: QKeySequence | None, slot: Callable[[], Any]) -> QAction:
        act = QAction(text, self)
        if key is not None:
            act.setShortcut(key)
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        act.triggered.connect(lambda _checked=False: slot())
        self.addAction(act)
        return act

    def _filter_combo(self, name: str, items: list[tuple[str, Any]]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"filter_{name}")
        combo.addItem(self.tr("(any)"), None)
        for label, value in items:
            combo.addItem(label, value)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(4)
        return combo

    def _year_box(self) -> QSpinBox:
        box = QSpinBox()
        box.setRange(0, 2100)
        box.setSpecialValueText(" ")  # 0 = no bound
        box.setMinimumWidth(70)
        return box

    # --- searching -------------------------------------------------------------------------------

    def filters(self) -> SearchFilters:
        """The filters as set beside the search box."""
        return SearchFilters(
            dynasty=self.dynasty_filter.currentData(), edition_type=self.edition_filter.currentData(),
            grade=self.grade_filter.currentData(), damage_grade=self.damage_filter.currentData(),
            institution=self.institution_filter.currentData(), state=self.state_filter.currentData(),
            year_from=self.year_from.value() or None, year_to=self.year_to.value() or None,
        )

    def clear_filters(self) -> None:
        for combo in (self.dynasty_filter, self.edition_filter, self.grade_filter, self.damage_filter,
                      self.institution_filter, self.state_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        for box in (self.year_from, self.year_to):
            box.blockSignals(True)
            box.setValue(0)
            box.blockSignals(False)
        self.search()

    def search(self, *, keep: bool = False) -> None:
        """Run the search on the worker; ``keep``: same search again (update rows in place)."""
        self._search_timer.stop()
        self._search_seq += 1
        seq = self._search_seq
        app = self.app
        query = self.search_box.text()
        filters = self.filters()
        sort, desc = self._sort, self._descending
        if query.strip() and not keep and sort == "census_number" and not self._sort_chosen:
            sort = "rank"  # typed words: best matches first unless the user chose a column
        self.count_label.setText(self.tr("searching…"))

        def preview(page: Any) -> None:
            if seq != self._search_seq:
                return
            self.model.set_preview(page.rows)
            if not page.total_capped:
                self.count_label.setText(self.tr("%1 records").replace("%1", f"{page.total:,}"))
            else:
                self.count_label.setText(self.tr("more than %1 records, counting…").replace("%1", f"{page.total:,}"))

        def done(ids: list[int]) -> None:
            if seq != self._search_seq:
                return  # a newer search was started meanwhile
            if keep:
                self.model.update_ids(ids)
            else:
                self.model.adopt_ids(ids)
            self.match_count = len(ids)
            self.done_search_seq = seq
            self.count_label.setText(self.tr("%1 records").replace("%1", f"{len(ids):,}"))

        def failed(exc: BaseException) -> None:
            if seq == self._search_seq:
                from guji.gui.worker import error_text

                self.count_label.setText(error_text(exc))

        if not keep:
            # The first page first: on a million records the whole id list takes seconds,
            # the first rows milliseconds (the worker runs the two in this order).
            run_op(self.worker, None, app.search.search, query, filters, sort=sort, descending=desc,
                   limit=PAGE_SIZE, on_done=preview, on_error=failed)
        run_op(self.worker, None, app.search.ids, query, filters, sort=sort, descending=desc, on_done=done,
               on_error=failed)

    _sort_chosen = False

    def _sort_by(self, sort: str, descending: bool) -> None:
        self._sort, self._descending, self._sort_chosen = sort, descending, True
        self.search()

    def _fetch_rows(self, ids: list[int], on_rows: Callable[[list[RecordRow]], None]) -> None:
        run_op(self.worker, None, self.app.search.rows, ids, on_done=on_rows,
               on_error=lambda exc: self.window_.show_status(str(exc), 5000))

    # --- refresh after changes ---------------------------------------------------------------------

    def refresh(self, changes: Changes | None = None) -> None:
        if changes is None:
            self._load_institutions()
            self.search()
            self._refresh_panel(self.review_panel)
            self._refresh_panel(self.vault_panel)
            return
        if changes.kind == "census_record":
            self.model.mark_stale(changes.ids)
            if changes.detail.get("created") or changes.detail.get("deleted") or self._filtered():
                self.search(keep=True)
            self._refresh_panel(self.review_panel)
        elif changes.kind == "vault":
            self._refresh_panel(self.vault_panel)
        elif changes.kind == "institution":
            self._load_institutions()

    def _refresh_panel(self, panel: QWidget | None) -> None:
        """Reload ``panel`` (review queue, vault list) now if its tab is shown, else when it is shown next.

        Any other widget (the register's own tab) is left alone.
        """
        shown: ReviewPanel | VaultPanel
        for shown in (self.review_panel, self.vault_panel):
            if panel is not shown:
                continue
            if self.tabs.currentWidget() is shown:
                self._stale_panels.discard(shown)
                shown.refresh()
            else:
                self._stale_panels.add(shown)

    def _filtered(self) -> bool:
        f = self.filters()
        return any(v is not None for v in vars(f).values()) or bool(self.search_box.text().strip())

    def _load_institutions(self) -> None:
        def show(insts: list[Any]) -> None:
            self.institutions = insts
            self.model.institution_names = {i.code: i.name for i in insts}
            current = self.institution_filter.currentData()
            self.institution_filter.blockSignals(True)
            self.institution_filter.clear()
            self.institution_filter.addItem(self.tr("(any)"), None)
            for i in insts:
                self.institution_filter.addItem(i.name, i.code)
            idx = self.institution_filter.findData(current)
            self.institution_filter.setCurrentIndex(max(idx, 0))
            self.institution_filter.blockSignals(False)
            if self.model.rowCount():
                self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 0)

        run_op(self.worker, None, self.app.institutions.list, on_done=show)

    # --- actions on the current row -------------------------------------------------------------------

    def current_id(self) -> int | None:
        idx = self.table.currentIndex()
        return self.model.id_at(idx.row()) if idx.isValid() else None

    def select_id(self, record_id: int) -> bool:
        row = self.model.row_of(record_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _on_current(self, fn: Callable[[int], Any]) -> None:
        rid = self.current_id()
        if rid is None:
            self.window_.show_status(self.tr("Select a record first."), 4000)
            return
        fn(rid)

    def _open_current(self) -> None:
        self._on_current(self.open_editor)

    def _movement_current(self) -> None:
        self._on_current(self.open_movement)

    def open_editor(self, record_id: int | None) -> Any:
        """Open the record editor on ``record_id`` (None: a new record). Returns the dialog."""
        from guji.gui.census.editor import RecordEditor

        editor = RecordEditor(self, record_id)
        editor.open_requested.connect(lambda rid: self.open_editor(rid))
        self.editors.append(editor)
        editor.finished.connect(lambda _r, e=editor: self.editors.remove(e) if e in self.editors else None)
        editor.show()
        self.editor_opened.emit(editor, record_id)
        return editor

    def show_in_register(self, institution_code: str | None, state: str | None) -> None:
        """Filter the register to ``institution_code`` and review ``state`` and show it."""
        for combo, value in ((self.institution_filter, institution_code), (self.state_filter, state)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)
        self.search()
        self.tabs.setCurrentIndex(0)

    def open_movement(self, record_id: int) -> Any:
        from guji.gui.census.vault import MovementDialog

        dialog = MovementDialog(self, record_id)
        dialog.show()
        return dialog

    def _import_excel(self) -> None:
        from guji.gui.census.importer import ask_import

        ask_import(self)

