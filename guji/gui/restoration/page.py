"""The restoration page: job list with filters, and the job editor with one tab per archive section.

The tabs (:mod:`guji.gui.restoration.tabs`, :class:`~guji.gui.restoration.photos.PhotosPanel`) show
the loaded archive and ask for changes by signal; this page runs every service call through
``ops`` (widgets only ever see the plain data of :mod:`restoration.views`). What a call changed goes
out through ``ops.changed``, to which this page (and every other) listens to reload.

Changes name the version the page loaded: the plan editor the plan's version (0 when
there was no plan), the workflow steps, the damage grade and the acceptance the job's.
When someone else changed the job meanwhile, the service refuses; the page says who
changed it and when and loads the job again (no merge: the person redoes the step on
what is stored now).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from guji.gui.ops import LONG
from guji.gui.pages import Page
from guji.gui.qt import (
    QComboBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from guji.gui.restoration.photos import PhotosPanel
from guji.gui.restoration.recipe_dialog import RecipeDialog
from guji.gui.restoration.tabs import (
    AcceptanceTab,
    ConditionTab,
    DyeingTab,
    MaterialsTab,
    OverviewTab,
    PhTab,
    PlanTab,
    SessionsTab,
)
from guji.gui.restoration.tabs.common import fill, table
from guji.gui.stale import show_stale
from guji.gui.worker import show_error
from guji.services.context import Changes
from guji.services.versions import StaleEdit
from restoration.views import JobArchive
from restoration.vocab import default_vocab

if TYPE_CHECKING:
    from guji.gui.mainwindow import MainWindow

STATES = ("assessment", "plan", "plan_approved", "in_treatment", "acceptance", "closed")


class RestorationPage(Page):
    """修复档案: the jobs the user may see, and the editor of the selected one."""

    nav_key = "restoration"

    def nav_title(self) -> str:
        return self.tr("Restoration")

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.vocab = default_vocab()
        self.job_id: int | None = None
        self.archive: JobArchive | None = None
        self.recipe_dialog: RecipeDialog | None = None
        layout = QVBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(split)
        split.addWidget(self._build_job_list())

        # --- the editor: one widget per tab
        self.editor = QWidget()
        el = QVBoxLayout(self.editor)
        el.setContentsMargins(0, 0, 0, 0)
        self.header = QLabel(self.tr("Select a job"))
        self.header.setObjectName("job_header")
        self.header.setWordWrap(True)
        el.addWidget(self.header)
        self.tabs = QTabWidget()
        el.addWidget(self.tabs, 1)
        v = self.vocab
        self.overview_tab = OverviewTab(v)
        self.condition_tab = ConditionTab(v)
        self.plan_tab = PlanTab(v)
        self.ph_tab = PhTab(v)
        self.dyeing_tab = DyeingTab(v)
        self.sessions_tab = SessionsTab(v)
        self.materials_tab = MaterialsTab(v)
        self.photos_tab = PhotosPanel(self.ops)
        self.photos_tab.setObjectName("photos_tab")
        self.acceptance_tab = AcceptanceTab(v)
        for tab, title in ((self.overview_tab, self.tr("Overview")), (self.condition_tab, self.tr("Condition")),
                           (self.plan_tab, self.tr("Plan")), (self.ph_tab, self.tr("pH")),
                           (self.dyeing_tab, self.tr("Dyeing")), (self.sessions_tab, self.tr("Sessions")),
                           (self.materials_tab, self.tr("Materials")), (self.photos_tab, self.tr("Photos")),
                           (self.acceptance_tab, self.tr("Acceptance"))):
            self.tabs.addTab(tab, title)
        self._connect_tabs()
        split.addWidget(self.editor)
        split.setStretchFactor(1, 3)
        split.setSizes([330, 950])
        self.editor.setEnabled(False)

    def _build_job_list(self) -> QWidget:
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
        self.jobs = table([self.tr("Job"), self.tr("State"), self.tr("Title"), self.tr("Restorers"),
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
        return left

    def _connect_tabs(self) -> None:
        """What each tab asks for → the service call that does it."""
        svc = self.app.restoration
        job_step = self._job_step
        self.overview_tab.action_requested.connect(self._action)
        self.overview_tab.report_requested.connect(lambda path: self.write_report(path))
        self.condition_tab.grade_requested.connect(
            lambda code, note: job_step(svc.confirm_damage_grade, code, note=note, versioned=True))
        self.condition_tab.assessment_requested.connect(
            lambda data: job_step(svc.record_assessment, data, then=self.condition_tab.assessment_saved))
        self.plan_tab.save_requested.connect(self._save_plan)
        self.ph_tab.save_requested.connect(lambda data: job_step(svc.record_ph_set, data, then=self.ph_tab.saved))
        self.dyeing_tab.trial_requested.connect(
            lambda rid, data: self.run(svc.record_trial, rid, data, changes=self._job_changes))
        self.dyeing_tab.new_recipe_requested.connect(self._new_recipe)
        self.dyeing_tab.rank_requested.connect(
            lambda target: self.run(svc.rank_recipes_for, target, on_done=self.dyeing_tab.recipe_library.set_matches))
        self.sessions_tab.record_requested.connect(lambda data: job_step(svc.record_session, data))
        self.materials_tab.add_requested.connect(lambda data: self.run(svc.add_material, data,
                                                                       changes=self._job_changes))
        self.materials_tab.receipt_requested.connect(
            lambda mid, qty: self.run(svc.adjust_stock, mid, qty, reason="receipt", changes=self._job_changes))
        self.acceptance_tab.accept_requested.connect(
            lambda quality, comments: job_step(svc.accept, quality, comments=comments, versioned=True))

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
        fill(self.jobs, [[r.job_number, self.vocab.label("job_states", r.state), r.title, "、".join(r.restorers),
                          r.opened_on] for r in rows], [r.id for r in rows])
        self.jobs.blockSignals(False)
        ids = [r.id for r in rows]
        if self.job_id is not None and self.job_id in ids:
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
        self.header.setText(f"<b>{j.job_number}</b>　{j.census_number}　{j.title}　·　"
                            f"{self.vocab.label('job_states', j.state)}" + ("　🔒" if j.locked else ""))
        roles = {r.value for r in self.app.actor.roles}
        self.overview_tab.show_archive(arch, roles)
        self.condition_tab.show_archive(arch)
        self.plan_tab.show_archive(arch)
        self.ph_tab.show_archive(arch)
        self.dyeing_tab.show_archive(arch, library, may_create="restorer" in roles)
        self.sessions_tab.show_archive(arch, months)
        self.materials_tab.show_archive(arch, materials)
        self.photos_tab.show_job(j, arch.photos)
        self.acceptance_tab.show_archive(arch)

    # ------------------------------------------------------------------ actions

    def _job_changes(self, _result: Any = None) -> Changes:
        """What a change on the shown job changed (the job is shown again from it)."""
        return Changes.of("restoration_job", [self.job_id] if self.job_id else [])

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
                self.ops.notify(self._job_changes())
        else:
            show_error(self, exc)

    def _job_step(self, fn: Any, *args: Any, then: Any = None, versioned: bool = False, **kwargs: Any) -> None:
        """Run ``fn(job_id, *args, **kwargs)`` on the shown job; ``versioned``: name the version loaded
        (a stale refusal loads the job again); ``then()`` runs after it succeeded."""
        if self.job_id is None:
            return
        if versioned:
            kwargs["expected_version"] = self.job_version()
        self.run(fn, self.job_id, *args, on_done=(lambda _r: then()) if then else None,
                 on_error=self._failed if versioned else None, changes=self._job_changes, **kwargs)

    def _action(self, key: str, reason: str | None) -> None:
        """A workflow step (submit plan, approve, …) on the shown job; ``reason`` for the steps that take one."""
        args = (reason,) if key in ("send_back", "reopen") else ()
        self._job_step(getattr(self.app.restoration, key), *args, versioned=True)

    def _save_plan(self, data: Any) -> None:
        if self.job_id is not None:
            self.run(self.app.restoration.save_plan, self.job_id, data, expected_version=self.plan_version(),
                     on_error=self._failed, changes=self._job_changes)

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
            if on_done:
                on_done(jid)

        self.run(work, on_done=opened, changes=lambda jid: Changes.of("restoration_job", [jid]))

    def _new_recipe(self) -> None:
        """Open the recipe form for the selected job (non-blocking; it saves through ``ops`` itself)."""
        if self.job_id is None or self.archive is None:
            return
        if self.recipe_dialog is not None:
            self.recipe_dialog.raise_()
            self.recipe_dialog.activateWindow()
            return
        job = self.archive.job
        dlg = RecipeDialog(self.ops, self.job_id, job.job_number, job_locked=job.locked, parent=self)
        dlg.created.connect(lambda recipe: setattr(self.dyeing_tab, "pending_recipe", recipe.id))
        dlg.finished.connect(lambda _r: setattr(self, "recipe_dialog", None))
        self.recipe_dialog = dlg
        dlg.open()

    def write_report(self, path: str, on_done: Any = None) -> None:
        """Write the selected job's archive PDF on the long lane (the report button's action without the dialog)."""
        from restoration.report import write_report

        app, jid = self.ops.long_app, self.job_id
        if jid is None:  # the report button is only offered with a job shown
            return

        def work() -> str:
            return str(write_report(app.restoration.archive(jid), path))

        self.run(work, lane=LONG, on_done=on_done or (lambda p: self.window_.show_status(
            self.tr("Wrote %1").replace("%1", p), 5000)))
