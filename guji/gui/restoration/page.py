"""The restoration page: job list with filters, and the job editor with one tab per archive section.

Every service call runs on the database worker (``self.run``); widgets only ever
see the plain data of :mod:`restoration.views`.

Changes name the version the page loaded: the plan editor the plan's version (0 when
there was no plan), the workflow steps, the damage grade and the acceptance the job's.
When someone else changed the job meanwhile, the service refuses; the page says who
changed it and when and loads the job again (no merge: the person redoes the step on
what is stored now).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from guji.gui.ops import LONG
from guji.gui.pages import Page
from guji.gui.qt import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from guji.gui.restoration.charts import HoursChart, PhChart
from guji.gui.restoration.grids import PhGrid, TrialGrid, stats_text
from guji.gui.restoration.photos import PhotosPanel
from guji.gui.restoration.recipe_dialog import RecipeDialog, RecipeLibraryPanel
from guji.gui.stale import show_stale
from guji.gui.worker import show_error
from guji.services.context import Changes
from guji.services.versions import StaleEdit
from restoration.views import (
    AssessmentInput,
    JobArchive,
    MaterialInput,
    PhSetInput,
    PlanInput,
    SessionInput,
    TrialInput,
)
from restoration.vocab import default_vocab

if TYPE_CHECKING:
    from guji.gui.mainwindow import MainWindow

# Display labels of the service's priority codes (data, like the vocabulary labels).
PRIORITY_ZH = {"low": "低", "normal": "普通", "high": "高", "urgent": "紧急"}
STATES = ("assessment", "plan", "plan_approved", "in_treatment", "acceptance", "closed")


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.horizontalHeader().setStretchLastSection(True)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return t


def _fill(table: QTableWidget, rows: list[list[Any]], data: list[Any] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if data is not None:
                item.setData(Qt.ItemDataRole.UserRole, data[r])
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


def _num(v: Any, places: int = 2) -> str:
    if v is None:
        return "—"
    return f"{float(v):.{places}f}"


class RestorationPage(Page):
    """修复档案: the jobs the user may see, and the editor of the selected one."""

    nav_key = "restoration"

    def nav_title(self) -> str:
        return self.tr("Restoration")

    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self.vocab = default_vocab()
        self.job_id: int | None = None
        self.archive: JobArchive | None = None
        layout = QVBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(split)

        # --- job list with filters
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        filters = QFormLayout()
        self.state_filter = QComboBox()
        self.state_filter.addItem(self.tr("All states"), None)
        for s in STATES:
            self.state_filter.addItem(self.vocab.label("job_states", s), s)
        self.restorer_filter = QLineEdit()
        self.restorer_filter.setPlaceholderText(self.tr("restorer login"))
        self.institution_filter = QComboBox()
        self.institution_filter.addItem(self.tr("All institutions"), None)
        filters.addRow(self.tr("State"), self.state_filter)
        filters.addRow(self.tr("Restorer"), self.restorer_filter)
        filters.addRow(self.tr("Institution"), self.institution_filter)
        ll.addLayout(filters)
        self.jobs = _table([self.tr("Job"), self.tr("State"), self.tr("Title"), self.tr("Restorers"),
                            self.tr("Opened")])
        self.jobs.setObjectName("jobs")
        ll.addWidget(self.jobs, 1)
        self.new_job_button = QPushButton(self.tr("New job…"))
        self.new_job_button.clicked.connect(self._new_job)
        ll.addWidget(self.new_job_button)
        self.state_filter.currentIndexChanged.connect(lambda _i: self.reload_jobs())
        self.institution_filter.currentIndexChanged.connect(lambda _i: self.reload_jobs())
        self.restorer_filter.editingFinished.connect(self.reload_jobs)
        self.jobs.itemSelectionChanged.connect(self._job_selected)
        split.addWidget(left)

        # --- the editor
        self.editor = QWidget()
        el = QVBoxLayout(self.editor)
        el.setContentsMargins(0, 0, 0, 0)
        self.header = QLabel(self.tr("Select a job"))
        self.header.setObjectName("job_header")
        self.header.setWordWrap(True)
        el.addWidget(self.header)
        self.tabs = QTabWidget()
        el.addWidget(self.tabs, 1)
        self._build_overview()
        self._build_condition()
        self._build_plan()
        self._build_ph()
        self._build_dyeing()
        self._build_sessions()
        self._build_materials()
        self._build_photos()
        self._build_acceptance()
        split.addWidget(self.editor)
        split.setStretchFactor(1, 3)
        split.setSizes([330, 950])
        self.editor.setEnabled(False)

    # ------------------------------------------------------------------ building

    def _build_overview(self) -> None:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.ident = QLabel()
        self.ident.setObjectName("identification")
        self.ident.setTextFormat(Qt.TextFormat.RichText)
        self.ident.setWordWrap(True)
        lay.addWidget(self.ident)
        row = QHBoxLayout()
        self.actions: dict[str, QPushButton] = {}
        for key, label in [("submit_plan", self.tr("Submit plan")), ("approve_plan", self.tr("Approve plan")),
                           ("start_treatment", self.tr("Start treatment")),
                           ("submit_for_acceptance", self.tr("Submit for acceptance")),
                           ("send_back", self.tr("Send back…")), ("reopen", self.tr("Reopen…")),
                           ("close", self.tr("Return to vault"))]:
            b = QPushButton(label)
            b.clicked.connect(lambda _c=False, k=key: self._action(k))
            self.actions[key] = b
            row.addWidget(b)
        row.addStretch(1)
        self.report_button = QPushButton(self.tr("Report PDF…"))
        self.report_button.setObjectName("report_button")
        self.report_button.clicked.connect(self._report)
        row.addWidget(self.report_button)
        lay.addLayout(row)
        self.progress_label = QLabel()
        lay.addWidget(self.progress_label)
        lay.addStretch(1)
        self.tabs.addTab(w, self.tr("Overview"))

    def _build_condition(self) -> None:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.paper_label = QLabel()
        self.paper_label.setWordWrap(True)
        lay.addWidget(self.paper_label)
        self.findings = _table([self.tr("Scope"), self.tr("Damage"), self.tr("Extent"), self.tr("Metric")])
        lay.addWidget(self.findings, 1)
        self.grade_label = QLabel()
        self.grade_label.setWordWrap(True)
        lay.addWidget(self.grade_label)
        row = QHBoxLayout()
        self.grade_combo = QComboBox()
        from restoration.grading import dat64_profile

        for g in dat64_profile().grades:
            self.grade_combo.addItem(g.zh, g.code)
        self.grade_note = QLineEdit()
        self.grade_note.setPlaceholderText(self.tr("reason, when overriding the suggestion"))
        b = QPushButton(self.tr("Confirm damage grade"))
        b.clicked.connect(self._confirm_grade)
        row.addWidget(QLabel(self.tr("Damage grade")))
        row.addWidget(self.grade_combo)
        row.addWidget(self.grade_note, 1)
        row.addWidget(b)
        lay.addLayout(row)
        box = QGroupBox(self.tr("New assessment"))
        form = QHBoxLayout(box)
        self.assess_findings = QTableWidget(4, 2)
        self.assess_findings.setHorizontalHeaderLabels([self.tr("Damage"), self.tr("Extent")])
        self.assess_findings.horizontalHeader().setStretchLastSection(True)
        self.assess_findings.setToolTip(self.tr("damage type (e.g. 虫蛀) and extent: % of area, count, or pH"))
        form.addWidget(self.assess_findings, 2)
        f = QFormLayout()
        self.assess_volume = QSpinBox()
        self.assess_volume.setRange(0, 9999)
        self.assess_leaves = QLineEdit()
        self.assess_leaves.setPlaceholderText("1-40")
        self.assess_paper = QLineEdit()
        self.assess_fibres = QLineEdit()
        self.assess_fibres.setPlaceholderText("竹 80, 稻草 20")
        self.assess_lab = QLineEdit()
        self.assess_lab.setPlaceholderText("78.20 3.10 18.40")
        self.assess_source = QComboBox()
        self.assess_source.addItem(self.tr("colorimeter"), "colorimeter")
        self.assess_source.addItem(self.tr("scan"), "scan")
        self.assess_illuminant = QComboBox()
        for term in self.vocab.terms("illuminant_observers"):
            self.assess_illuminant.addItem(term.zh, term.code)
        f.addRow(self.tr("Volume"), self.assess_volume)
        f.addRow(self.tr("Leaves"), self.assess_leaves)
        f.addRow(self.tr("Paper"), self.assess_paper)
        f.addRow(self.tr("Fibres"), self.assess_fibres)
        f.addRow("L*a*b*", self.assess_lab)
        f.addRow(self.tr("Measured by"), self.assess_source)
        f.addRow(self.tr("Illuminant"), self.assess_illuminant)
        b = QPushButton(self.tr("Save assessment"))
        b.clicked.connect(self._save_assessment)
        f.addRow(b)
        form.addLayout(f, 1)
        lay.addWidget(box)
        self.tabs.addTab(w, self.tr("Condition"))

    def _build_plan(self) -> None:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.plan_label = QLabel()
        self.plan_label.setWordWrap(True)
        self.plan_label.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.plan_label)
        box = QGroupBox(self.tr("Edit plan"))
        form = QHBoxLayout(box)
        self.plan_ops = QListWidget()
        for term in self.vocab.terms("operations"):
            it = QListWidgetItem(term.zh)
            it.setData(Qt.ItemDataRole.UserRole, term.code)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Unchecked)
            self.plan_ops.addItem(it)
        form.addWidget(self.plan_ops, 1)
        f = QFormLayout()
        self.plan_hours = QDoubleSpinBox()
        self.plan_hours.setRange(0, 99999)
        self.plan_leaves = QSpinBox()
        self.plan_leaves.setRange(0, 1000000)
        self.plan_description = QLineEdit()
        f.addRow(self.tr("Estimated hours"), self.plan_hours)
        f.addRow(self.tr("Planned leaves"), self.plan_leaves)
        f.addRow(self.tr("Description"), self.plan_description)
        b = QPushButton(self.tr("Save plan"))
        b.clicked.connect(self._save_plan)
        f.addRow(b)
        form.addLayout(f, 2)
        lay.addWidget(box, 1)
        self.tabs.addTab(w, self.tr("Plan"))

    def _build_ph(self) -> None:
        w = QWidget()
        lay = QHBoxLayout(w)
        left = QVBoxLayout()
        self.ph_sets = _table([self.tr("Set"), self.tr("Date"), "n", self.tr("Mean"), self.tr("Min"), self.tr("Max"),
                               "SD", self.tr("Acidic")])
        left.addWidget(self.ph_sets, 1)
        self.ph_chart = PhChart()
        self.ph_chart.setObjectName("ph_chart")
        left.addWidget(self.ph_chart, 1)
        lay.addLayout(left, 3)
        box = QGroupBox(self.tr("New pH set"))
        form = QVBoxLayout(box)
        f = QFormLayout()
        self.ph_kind = QComboBox()
        for t in self.vocab.terms("ph_set_kinds"):
            self.ph_kind.addItem(t.zh, t.code)
        self.ph_method = QComboBox()
        for t in self.vocab.terms("ph_methods"):
            self.ph_method.addItem(t.zh, t.code)
        self.ph_instrument = QLineEdit()
        f.addRow(self.tr("Stage"), self.ph_kind)
        f.addRow(self.tr("Method"), self.ph_method)
        f.addRow(self.tr("Instrument"), self.ph_instrument)
        form.addLayout(f)
        self.ph_grid = PhGrid()
        self.ph_grid.setObjectName("ph_grid")
        form.addWidget(self.ph_grid, 1)
        self.ph_stats = QLabel(stats_text(self.ph_grid.statistics()))
        self.ph_stats.setObjectName("ph_stats")
        self.ph_stats.setWordWrap(True)
        self.ph_grid.stats_changed.connect(lambda st: self.ph_stats.setText(stats_text(st)))
        form.addWidget(self.ph_stats)
        b = QPushButton(self.tr("Save pH set"))
        b.clicked.connect(self._save_ph)
        form.addWidget(b)
        lay.addWidget(box, 2)
        self.tabs.addTab(w, self.tr("pH"))

    def _build_dyeing(self) -> None:
        w = QWidget()
        outer = QVBoxLayout(w)
        outer.setContentsMargins(0, 0, 0, 0)
        split = QSplitter(Qt.Orientation.Vertical)
        outer.addWidget(split)
        top = QWidget()
        lay = QVBoxLayout(top)
        row = QHBoxLayout()
        self.recipe_combo = QComboBox()
        self.recipe_combo.currentIndexChanged.connect(lambda _i: self._show_recipe())
        row.addWidget(QLabel(self.tr("Recipe")))
        row.addWidget(self.recipe_combo, 1)
        self.new_recipe_button = QPushButton(self.tr("New recipe…"))
        self.new_recipe_button.setObjectName("new_recipe")
        self.new_recipe_button.clicked.connect(self._new_recipe)
        row.addWidget(self.new_recipe_button)
        lay.addLayout(row)
        self.recipe_label = QLabel()
        self.recipe_label.setWordWrap(True)
        lay.addWidget(self.recipe_label)
        self.trials = TrialGrid()
        self.trials.setObjectName("trials")
        lay.addWidget(self.trials, 1)
        row = QHBoxLayout()
        self.trial_lab = []
        for name, lo, hi in (("L*", 0, 100), ("a*", -128, 128), ("b*", -128, 128)):
            sb = QDoubleSpinBox()
            sb.setRange(lo, hi)
            sb.setDecimals(2)
            row.addWidget(QLabel(name))
            row.addWidget(sb)
            self.trial_lab.append(sb)
        self.trial_illuminant = QComboBox()
        for t in self.vocab.terms("illuminant_observers"):
            self.trial_illuminant.addItem(t.zh, t.code)
        row.addWidget(self.trial_illuminant)
        b = QPushButton(self.tr("Record trial"))
        b.clicked.connect(self._record_trial)
        row.addWidget(b)
        lay.addLayout(row)
        split.addWidget(top)
        self.recipe_library = RecipeLibraryPanel()
        self.recipe_library.setObjectName("recipe_library")
        self.recipe_library.rank_requested.connect(self._rank_library)
        self.recipe_library.open_requested.connect(self._open_library_recipe)
        split.addWidget(self.recipe_library)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.recipe_dialog: RecipeDialog | None = None
        self._pending_recipe: int | None = None
        self.tabs.addTab(w, self.tr("Dyeing"))

    def _build_sessions(self) -> None:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.sessions = _table([self.tr("Date"), self.tr("Restorer"), self.tr("Hours"), self.tr("Leaves"),
                                self.tr("Operations"), self.tr("Materials"), self.tr("Notes")])
        lay.addWidget(self.sessions, 1)
        self.totals_label = QLabel()
        lay.addWidget(self.totals_label)
        self.hours_chart = HoursChart()
        self.hours_chart.setObjectName("hours_chart")
        lay.addWidget(self.hours_chart)
        row = QHBoxLayout()
        self.session_day = QDateEdit()
        self.session_day.setCalendarPopup(True)
        self.session_day.setDate(dt.date.today())
        self.session_hours = QDoubleSpinBox()
        self.session_hours.setRange(0, 24)
        self.session_hours.setDecimals(2)
        self.session_leaves = QDoubleSpinBox()
        self.session_leaves.setDecimals(0)
        self.session_leaves.setRange(0, 100000)
        self.session_ops = QLineEdit()
        self.session_ops.setPlaceholderText(self.tr("operations, e.g. 补洞 溜口"))
        self.session_notes = QLineEdit()
        self.session_notes.setPlaceholderText(self.tr("notes"))
        for label, wdg in ((self.tr("Date"), self.session_day), (self.tr("Hours"), self.session_hours),
                           (self.tr("Leaves"), self.session_leaves)):
            row.addWidget(QLabel(label))
            row.addWidget(wdg)
        row.addWidget(self.session_ops, 1)
        row.addWidget(self.session_notes, 1)
        b = QPushButton(self.tr("Record session"))
        b.clicked.connect(self._record_session)
        row.addWidget(b)
        lay.addLayout(row)
        self.tabs.addTab(w, self.tr("Sessions"))

    def _build_materials(self) -> None:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.materials = _table([self.tr("Name"), self.tr("Kind"), self.tr("Batch"), self.tr("Quantity"),
                                 self.tr("Unit"), self.tr("Low stock at"), self.tr("Location")])
        lay.addWidget(self.materials, 1)
        self.used_label = QLabel()
        self.used_label.setWordWrap(True)
        lay.addWidget(self.used_label)
        row = QHBoxLayout()
        self.mat_kind = QComboBox()
        for term in self.vocab.terms("material_kinds"):
            self.mat_kind.addItem(term.zh, term.code)
        self.mat_name = QLineEdit()
        self.mat_name.setPlaceholderText(self.tr("name"))
        self.mat_batch = QLineEdit()
        self.mat_batch.setPlaceholderText(self.tr("batch"))
        self.mat_qty = QDoubleSpinBox()
        self.mat_qty.setRange(0, 1e9)
        self.mat_unit = QLineEdit("张")
        self.mat_unit.setMaximumWidth(50)
        self.mat_low = QDoubleSpinBox()
        self.mat_low.setRange(0, 1e9)
        for wdg in (self.mat_kind, self.mat_name, self.mat_batch, self.mat_qty, self.mat_unit):
            row.addWidget(wdg)
        row.addWidget(QLabel(self.tr("Low stock at")))
        row.addWidget(self.mat_low)
        b = QPushButton(self.tr("Add material"))
        b.clicked.connect(self._add_material)
        row.addWidget(b)
        b = QPushButton(self.tr("Receipt…"))
        b.clicked.connect(self._receipt)
        row.addWidget(b)
        lay.addLayout(row)
        self.tabs.addTab(w, self.tr("Materials"))

    def _build_photos(self) -> None:
        self.photos_tab = PhotosPanel(self)
        self.photos_tab.setObjectName("photos_tab")
        self.photos_tab.added.connect(
            lambda photos: self.ops.notify(Changes.of("restoration_photo", [p.id for p in photos])))
        self.tabs.addTab(self.photos_tab, self.tr("Photos"))

    def _build_acceptance(self) -> None:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.acceptances = _table([self.tr("No."), self.tr("Quality grade"), self.tr("Comments"),
                                   self.tr("Signed by"), self.tr("Signed at"), self.tr("Voided")])
        lay.addWidget(self.acceptances, 1)
        row = QHBoxLayout()
        self.quality = QComboBox()
        for t in self.vocab.terms("quality_grades"):
            self.quality.addItem(t.zh, t.code)
        self.accept_comments = QLineEdit()
        self.accept_comments.setPlaceholderText(self.tr("comments"))
        b = QPushButton(self.tr("Accept and sign"))
        b.clicked.connect(self._accept)
        row.addWidget(QLabel(self.tr("Quality grade")))
        row.addWidget(self.quality)
        row.addWidget(self.accept_comments, 1)
        row.addWidget(b)
        lay.addLayout(row)
        self.tabs.addTab(w, self.tr("Acceptance"))

    # ------------------------------------------------------------------ loading

    def refresh(self, changes: Changes | None = None) -> None:
        if changes is not None and not changes.kind.startswith("restoration"):
            return
        if self.institution_filter.count() == 1:
            self.run(self.app.institutions.list, on_done=self._fill_institutions)
        self.reload_jobs()

    def _fill_institutions(self, insts: list[Any]) -> None:
        self.institution_filter.blockSignals(True)
        for i in insts:
            self.institution_filter.addItem(i.name, i.id)
        self.institution_filter.blockSignals(False)

    def reload_jobs(self) -> None:
        app = self.app
        state = self.state_filter.currentData()
        inst = self.institution_filter.currentData()
        restorer = self.restorer_filter.text().strip() or None
        self.run(lambda: app.restoration.list_jobs(state=state, restorer=restorer, institution_id=inst),
                 on_done=self._show_jobs)

    def _show_jobs(self, rows: list[Any]) -> None:
        self.jobs.blockSignals(True)
        _fill(self.jobs, [[r.job_number, self.vocab.label("job_states", r.state), r.title, "、".join(r.restorers),
                           r.opened_on] for r in rows], [r.id for r in rows])
        self.jobs.blockSignals(False)
        ids = [r.id for r in rows]
        if self.job_id in ids:
            self.jobs.selectRow(ids.index(self.job_id))
            self.load_job(self.job_id)
        elif rows:
            self.jobs.selectRow(0)
        else:
            self.editor.setEnabled(False)
            self.photos_tab.clear()

    def _job_selected(self) -> None:
        items = self.jobs.selectedItems()
        if items:
            self.load_job(items[0].data(Qt.ItemDataRole.UserRole))

    def load_job(self, job_id: int) -> None:
        self.job_id = job_id
        app = self.app

        def load() -> tuple[JobArchive, list[Any], list[Any], list[Any]]:
            arch = app.restoration.archive(job_id)
            library = app.restoration.recipes()
            months = app.restoration.restorer_month_totals()
            return arch, library, months, app.restoration.materials()

        self.run(load, on_done=self._show)

    def _show(self, result: tuple[JobArchive, list[Any], list[Any], list[Any]]) -> None:
        arch, library, months, materials = result
        self.archive = arch
        j = arch.job
        self.editor.setEnabled(True)
        v = self.vocab
        self.header.setText(f"<b>{j.job_number}</b>　{j.census_number}　{j.title}　·　"
                            f"{v.label('job_states', j.state)}" + ("　🔒" if j.locked else ""))
        restorers = "、".join(r[2] for r in j.restorers) or "—"
        rows = [(self.tr("Census number"), j.census_number), (self.tr("Title"), j.title),
                (self.tr("Edition"), j.edition or "—"), (self.tr("Volumes"), j.volumes or "—"),
                (self.tr("Institution"), j.institution_name), (self.tr("Requester"), j.requester),
                (self.tr("Priority"), PRIORITY_ZH.get(j.priority, j.priority)), (self.tr("Restorers"), restorers),
                (self.tr("Reviewer"), j.reviewer[2] if j.reviewer else "—"),
                (self.tr("Scope"), " ".join(x for x in (j.volumes_scope, j.leaves_scope) if x) or "—"),
                (self.tr("Opened"), j.opened_on), (self.tr("Damage grade"), self._grade(j.damage_grade)
                                                   + (f"（{self.tr('suggested')} {self._grade(j.damage_grade_suggested)}）"
                                                      if j.damage_grade_suggested else ""))]
        self.ident.setText("<table cellpadding=3>" + "".join(
            f"<tr><td><b>{k}</b></td><td>{val}</td></tr>" for k, val in rows) + "</table>")
        self._update_actions(j.state, j.locked, j.returned_to_vault_at is not None)
        p = arch.progress
        if p is not None and p.planned_leaves:
            self.progress_label.setText(self.tr("Progress: %1 of %2 leaves, %3 h").replace("%1", str(p.done_leaves))
                                        .replace("%2", str(p.planned_leaves)).replace("%3", f"{p.hours:g}"))
        else:
            self.progress_label.setText("")

        # condition
        frows = []
        paper = []
        for a in arch.assessments:
            scope = (f"{a.volume}冊 " if a.volume else "") + (f"{a.leaf_from}–{a.leaf_to}" if a.leaf_from else "")
            for f in a.findings:
                frows.append([scope or "—", f.label, f"{f.value.normalize():f}",
                              {"percent": "%", "count": self.tr("count"), "ph": "pH"}.get(f.metric, f.metric)])
            if a.colour:
                paper.append(f"{a.paper_type or ''} " + "、".join(f"{v.label('fibres', x)} {p_.normalize():f}%" for x, p_ in a.fibres)
                             + f"　L*a*b* {' / '.join(_num(x) for x in a.colour)}")
        _fill(self.findings, frows)
        self.paper_label.setText("\n".join(paper) or self.tr("No paper colour recorded"))
        g = arch.grade
        self.grade_label.setText((self.tr("Suggested: %1").replace("%1", g.label) + "\n" + "\n".join(g.reasons))
                                 if g else self.tr("No assessment yet"))
        if g:
            self.grade_combo.setCurrentIndex(max(0, self.grade_combo.findData(j.damage_grade or g.code)))

        # plan
        if arch.plan:
            pl = arch.plan
            ops = "、".join(v.label("operations", o) for o in pl.operations)
            mats = "；".join(f"{m.name} {m.quantity.normalize():f} {m.unit}" for m in pl.materials) or "—"
            self.plan_label.setText(
                f"<p><b>{self.tr('Operations')}</b>：{ops}</p><p><b>{self.tr('Materials')}</b>：{mats}</p>"
                f"<p><b>{self.tr('Estimated hours')}</b>：{pl.estimated_hours or '—'}　"
                f"<b>{self.tr('Planned leaves')}</b>：{pl.planned_leaves or '—'}</p>"
                f"<p>{pl.description or ''}</p><p><b>{self.tr('Approved')}</b>："
                f"{(pl.approved_by + ' ' + pl.approved_at.strftime('%Y-%m-%d')) if pl.approved_by and pl.approved_at else self.tr('not yet')}</p>")
            chosen = set(pl.operations)
            for i in range(self.plan_ops.count()):
                it = self.plan_ops.item(i)
                it.setCheckState(Qt.CheckState.Checked if it.data(Qt.ItemDataRole.UserRole) in chosen
                                 else Qt.CheckState.Unchecked)
            self.plan_hours.setValue(float(pl.estimated_hours or 0))
            self.plan_leaves.setValue(pl.planned_leaves or 0)
            self.plan_description.setText(pl.description or "")
        else:
            self.plan_label.setText(self.tr("No plan yet"))

        # pH
        _fill(self.ph_sets, [[v.label("ph_set_kinds", s.kind), s.measured_on, s.stats.n, _num(s.stats.mean),
                              _num(s.stats.minimum), _num(s.stats.maximum), _num(s.stats.stdev),
                              len(s.stats.acidic)] for s in arch.ph_sets])
        self.ph_grid.set_threshold(arch.acid_threshold)
        self.ph_chart.set_data([(c.leaf, c.earlier_mean, c.later_mean) for c in arch.ph_comparison],
                               arch.acid_threshold)

        # dyeing: the job's recipes first, then the rest of the library
        self._library = list(arch.recipes) + [r for r in library if r.id not in {x.id for x in arch.recipes}]
        self.recipe_combo.blockSignals(True)
        current = self._pending_recipe if self._pending_recipe is not None else self.recipe_combo.currentData()
        self._pending_recipe = None
        self.recipe_combo.clear()
        for r in self._library:
            self.recipe_combo.addItem(r.name, r.id)
        if current is not None and self.recipe_combo.findData(current) >= 0:
            self.recipe_combo.setCurrentIndex(self.recipe_combo.findData(current))
        self.recipe_combo.blockSignals(False)
        self._show_recipe()
        self.new_recipe_button.setEnabled("restorer" in {r.value for r in self.app.actor.roles})
        # the library ranked against the original paper colour (the latest assessment that measured it)
        measured = [a for a in arch.assessments if a.colour is not None]
        target = max(measured, key=lambda a: a.id).colour if measured else None
        if self.recipe_library.set_job_target(j.id, target):
            self._rank_library(self.recipe_library.target_lab())

        # sessions
        _fill(self.sessions, [[s.day, s.restorer, f"{s.hours:g}", s.leaves,
                               "、".join(v.label("operations", o) for o in s.operations),
                               "；".join(f"{m.name} {m.quantity.normalize():f}{m.unit}" for m in s.materials),
                               s.notes or ""] for s in arch.sessions])
        t = arch.totals
        self.totals_label.setText(
            self.tr("Total: %1 sessions, %2 h, %3 leaves, %4 leaves/h").replace("%1", str(t.sessions))
            .replace("%2", f"{t.hours:g}").replace("%3", str(t.leaves))
            .replace("%4", f"{t.leaves_per_hour:.2f}" if t.leaves_per_hour is not None else "—") if t else "")
        by_month: dict[tuple[int, int], list[Any]] = {}
        for m in months:
            acc = by_month.setdefault((m.year, m.month), [Decimal(0), 0])
            acc[0] += m.hours
            acc[1] += m.leaves
        self.hours_chart.set_data([(f"{y}-{mo:02d}", h, lv) for (y, mo), (h, lv) in sorted(by_month.items())][-12:])

        # materials
        _fill(self.materials, [[m.name, v.label("material_kinds", m.kind), m.batch or "",
                                f"{m.quantity.normalize():f}", m.unit,
                                f"{m.low_stock.normalize():f}" if m.low_stock is not None else "", m.location or ""]
                               for m in materials], [m.id for m in materials])
        for r, m in enumerate(materials):
            if m.is_low:
                for c in range(self.materials.columnCount()):
                    self.materials.item(r, c).setBackground(Qt.GlobalColor.yellow)
        self.used_label.setText(self.tr("Used in this job: ") + ("；".join(
            f"{m.name} {m.quantity.normalize():f} {m.unit}" for m in arch.materials_used) or "—"))

        # photographs
        self.photos_tab.show_job(j, arch.photos)

        # acceptance
        _fill(self.acceptances, [[a.seq, v.label("quality_grades", a.quality_grade), a.comments or "", a.signed_name,
                                  a.signed_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                                  (a.void_reason or "") if a.voided_at else ""] for a in arch.acceptances])

    def _grade(self, code: str | None) -> str:
        if not code:
            return "—"
        from restoration.grading import dat64_profile

        try:
            return dat64_profile().grade(code).zh
        except Exception:  # noqa: BLE001 - a centre profile's code shows as itself
            return code

    def _show_recipe(self) -> None:
        rid = self.recipe_combo.currentData()
        r = next((x for x in getattr(self, "_library", []) if x.id == rid), None)
        if r is None or self.archive is None:
            self.recipe_label.setText(self.tr("No recipe"))
            self.trials.set_trials([], 0)
            return
        dyes = "；".join(f"{d} {a.normalize():f} {u}" for d, a, u in r.dyes)
        self.recipe_label.setText(" 　".join(x for x in (
            dyes, f"{self.tr('base paper')} {r.base_paper.name}" if r.base_paper else "",
            f"{r.bath_temperature_c} °C" if r.bath_temperature_c is not None else "",
            f"{r.dips} ×" if r.dips else "", r.drying or "") if x))
        self.trials.set_trials(r.trials, self.archive.de00_tolerance)

    def _update_actions(self, state: str, locked: bool, returned: bool) -> None:
        roles = {r.value for r in self.app.actor.roles}
        restorer, reviewer = "restorer" in roles, "reviewer" in roles
        enabled = {
            "submit_plan": restorer and state == "assessment",
            "approve_plan": reviewer and state == "plan",
            "start_treatment": restorer and state == "plan_approved",
            "submit_for_acceptance": restorer and state == "in_treatment",
            "send_back": reviewer and state not in ("assessment", "closed"),
            "reopen": reviewer and state == "closed",
            "close": state == "closed" and not returned,
        }
        for key, b in self.actions.items():
            b.setEnabled(enabled[key])

    # ------------------------------------------------------------------ actions

    def _done(self, _result: Any = None) -> None:
        self.ops.notify(Changes.of("restoration_job", [self.job_id] if self.job_id else []))

    def job_version(self) -> int | None:
        """The version of the job as loaded (what a change to it names), None before one is loaded."""
        if self.archive is None or self.archive.job.id != self.job_id:
            return None
        return self.archive.job.version

    def plan_version(self) -> int:
        """The version of the plan as loaded; 0 when the job had no plan."""
        plan = self.archive.plan if self.archive is not None and self.archive.job.id == self.job_id else None
        return plan.version if plan is not None else 0

    def _failed(self, exc: BaseException) -> None:
        """A refused change: a stale one says who changed the job and when and loads it again."""
        if isinstance(exc, StaleEdit):
            number = self.archive.job.job_number if self.archive is not None else ""
            show_stale(self, exc, self.tr("Nothing was saved. %1 has been loaded again as it is now; make your "
                                          "change again if it is still needed.").replace("%1", number))
            if self.job_id is not None:
                self.ops.notify(Changes.of("restoration_job", [self.job_id]))
        else:
            show_error(self, exc)

    def _action(self, key: str) -> None:
        if self.job_id is None:
            return
        svc = self.app.restoration
        jid = self.job_id
        version = self.job_version()
        if key in ("send_back", "reopen"):
            reason, ok = QInputDialog.getText(self, self.tr("Reason"), self.tr("Why?"))
            if not ok:
                return
            self.run(getattr(svc, key), jid, reason, expected_version=version, on_done=self._done,
                     on_error=self._failed)
        else:
            self.run(getattr(svc, key), jid, expected_version=version, on_done=self._done, on_error=self._failed)

    def _confirm_grade(self) -> None:
        if self.job_id is not None:
            self.run(self.app.restoration.confirm_damage_grade, self.job_id, self.grade_combo.currentData(),
                     note=self.grade_note.text().strip() or None, expected_version=self.job_version(),
                     on_done=self._done, on_error=self._failed)

    def _new_job(self) -> None:
        number, ok = QInputDialog.getText(self, self.tr("New job"), self.tr("Census number of the item:"))
        if not ok or not number.strip():
            return
        requester, ok = QInputDialog.getText(self, self.tr("New job"), self.tr("Requested by:"))
        if not ok:
            return
        self.open_job(number.strip(), requester.strip())

    def open_job(self, census_number: str, requester: str, on_done: Any = None) -> None:
        """Open a job on the record with ``census_number`` (checks the item out of the vault)."""
        app = self.app

        def work() -> int:
            rec = app.census.find_by_number(census_number)
            return app.restoration.open_job(rec.id, requester=requester).id

        def opened(jid: int) -> None:
            self.job_id = jid
            self._done()
            if on_done:
                on_done(jid)

        self.run(work, on_done=opened)

    def assessment_input(self) -> AssessmentInput:
        """The assessment form as input (the service validates it and names a bad field)."""
        findings = []
        for r in range(self.assess_findings.rowCount()):
            cells = [(self.assess_findings.item(r, c).text().strip() if self.assess_findings.item(r, c) else "")
                     for c in range(2)]
            if not any(cells):
                continue
            metric = "percent"
            for term in self.vocab.terms("damage_types"):
                if cells[0] in (term.code, term.zh) or cells[0] in term.zh.split("/"):
                    metric = str(term.extra.get("metric", "percent"))
            findings.append((cells[0], metric, cells[1].rstrip("%")))
        fibres = []
        for part in self.assess_fibres.text().replace("，", ",").split(","):
            bits = part.split()
            if len(bits) == 2:
                fibres.append((bits[0], bits[1].rstrip("%")))
            elif part.strip():
                fibres.append((part.strip(), ""))
        leaves = self.assess_leaves.text().replace("–", "-").split("-")
        leaf_from = int(leaves[0]) if leaves[0].strip().isdigit() else None
        leaf_to = int(leaves[-1]) if leaves[-1].strip().isdigit() else leaf_from
        lab_text = self.assess_lab.text().replace(",", " ").split()
        return AssessmentInput(
            findings=findings, volume=self.assess_volume.value() or None, leaf_from=leaf_from, leaf_to=leaf_to,
            paper_type=self.assess_paper.text().strip() or None, fibres=fibres,
            colour=tuple(lab_text) if lab_text else None,  # type: ignore[arg-type]
            colour_source=self.assess_source.currentData() if lab_text else None,
            illuminant_observer=self.assess_illuminant.currentData() if lab_text else None)

    def _save_assessment(self) -> None:
        if self.job_id is None:
            return

        def saved(_r: Any) -> None:
            self.assess_findings.clearContents()
            self._done()

        self.run(self.app.restoration.record_assessment, self.job_id, self.assessment_input(), on_done=saved)

    def _save_plan(self) -> None:
        if self.job_id is None:
            return
        ops = [self.plan_ops.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.plan_ops.count())
               if self.plan_ops.item(i).checkState() == Qt.CheckState.Checked]
        data = PlanInput(operations=ops, estimated_hours=f"{self.plan_hours.value():.2f}",
                         planned_leaves=self.plan_leaves.value() or None,
                         description=self.plan_description.text().strip() or None)
        self.run(self.app.restoration.save_plan, self.job_id, data, expected_version=self.plan_version(),
                 on_done=self._done, on_error=self._failed)

    def _add_material(self) -> None:
        data = MaterialInput(kind=self.mat_kind.currentData(), name=self.mat_name.text(), unit=self.mat_unit.text(),
                             quantity=f"{self.mat_qty.value():.3f}", batch=self.mat_batch.text().strip() or None,
                             low_stock=f"{self.mat_low.value():.3f}" if self.mat_low.value() else None)
        self.run(self.app.restoration.add_material, data, on_done=self._done)

    def _receipt(self) -> None:
        items = self.materials.selectedItems()
        if not items:
            return
        mid = items[0].data(Qt.ItemDataRole.UserRole)
        qty, ok = QInputDialog.getDouble(self, self.tr("Receipt"), self.tr("Quantity received:"), 1, 0, 1e9, 3)
        if ok and qty > 0:
            self.run(self.app.restoration.adjust_stock, mid, f"{qty:.3f}", reason="receipt", on_done=self._done)

    def _save_ph(self) -> None:
        if self.job_id is None:
            return
        data = PhSetInput(kind=self.ph_kind.currentData(), method=self.ph_method.currentData(),
                          points=self.ph_grid.raw_points(), instrument=self.ph_instrument.text().strip() or None)

        def saved(_r: Any) -> None:
            self.ph_grid.clear_points()
            self._done()

        self.run(self.app.restoration.record_ph_set, self.job_id, data, on_done=saved)

    def _record_trial(self) -> None:
        rid = self.recipe_combo.currentData()
        if rid is None:
            return
        data = TrialInput(measured=tuple(f"{sb.value():.2f}" for sb in self.trial_lab),  # type: ignore[arg-type]
                          illuminant_observer=self.trial_illuminant.currentData(), job_id=self.job_id)
        self.run(self.app.restoration.record_trial, rid, data, on_done=self._done)

    def _new_recipe(self) -> None:
        """Open the recipe form for the selected job (non-blocking; it saves through the worker itself)."""
        if self.job_id is None or self.archive is None:
            return
        if self.recipe_dialog is not None:
            self.recipe_dialog.raise_()
            self.recipe_dialog.activateWindow()
            return
        job = self.archive.job
        dlg = RecipeDialog(self, self.job_id, job.job_number, job_locked=job.locked)
        dlg.created.connect(self._recipe_created)
        dlg.finished.connect(lambda _r: setattr(self, "recipe_dialog", None))
        self.recipe_dialog = dlg
        dlg.open()

    def _recipe_created(self, recipe: Any) -> None:
        self._pending_recipe = recipe.id  # select it once the job is reloaded
        self.ops.notify(Changes.of("restoration_recipe", [recipe.id]))

    def _rank_library(self, target: Any) -> None:
        self.run(self.app.restoration.rank_recipes_for, target, on_done=self.recipe_library.set_matches)

    def _open_library_recipe(self, recipe_id: int) -> None:
        i = self.recipe_combo.findData(recipe_id)
        if i >= 0:
            self.recipe_combo.setCurrentIndex(i)
            self.recipe_combo.setFocus()

    def _record_session(self) -> None:
        if self.job_id is None:
            return
        qd = self.session_day.date()
        data = SessionInput(day=dt.date(qd.year(), qd.month(), qd.day()), hours=f"{self.session_hours.value():.2f}",
                            leaves=int(self.session_leaves.value()), operations=self.session_ops.text().split(),
                            notes=self.session_notes.text().strip() or None)
        self.run(self.app.restoration.record_session, self.job_id, data, on_done=self._done)

    def _accept(self) -> None:
        if self.job_id is not None:
            self.run(self.app.restoration.accept, self.job_id, self.quality.currentData(),
                     comments=self.accept_comments.text().strip() or None, expected_version=self.job_version(),
                     on_done=self._done, on_error=self._failed)

    def _report(self) -> None:
        if self.archive is None:
            return
        name = f"{self.archive.job.job_number}.pdf"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save archive PDF"), name, "PDF (*.pdf)")
        if path:
            self.write_report(path)

    def write_report(self, path: str, on_done: Any = None) -> None:
        """Write the selected job's archive PDF on the worker (the button's action without the dialog)."""
        from restoration.report import write_report

        app, jid = self.ops.long_app, self.job_id

        def work() -> str:
            return str(write_report(app.restoration.archive(jid), path))

        self.run(work, lane=LONG, on_done=on_done or (lambda p: self.window_.statusBar().showMessage(
            self.tr("Wrote %1").replace("%1", p), 5000)))

