"""The "Import Excel…" hook: runs ``guji.census.excel.import_excel`` on the worker with progress and cancel.

The import module belongs to the Excel engineer; this file only asks for the file,
shows progress with a cancel button and shows the report (rows new / updated /
skipped / with errors, and the row-level problems). The report is read by
attribute name so the two can evolve separately.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from guji.errors import PermissionDenied
from guji.gui.ops import LONG
from guji.gui.qt import (
    QCheckBox,
    QCoreApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QProgressDialog,
    Qt,
    QVBoxLayout,
    QWidget,
)
from guji.gui.worker import Job, show_error

if TYPE_CHECKING:
    from guji.gui.census.page import CensusPage


def _count(value: Any) -> int:
    return len(value) if isinstance(value, (list, tuple, dict, set)) else int(value or 0)


class ReportDialog(QDialog):
    """The outcome of an import: counts, then every row-level error and warning."""

    def __init__(self, parent: QWidget | None, report: Any):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import report"))
        layout = QVBoxLayout(self)
        created = _count(getattr(report, "created", 0))
        updated = _count(getattr(report, "updated", 0))
        skipped = _count(getattr(report, "skipped", 0))
        errors = list(getattr(report, "errors", []) or [])
        warnings = list(getattr(report, "warnings", []) or [])
        head = (self.tr("New: %1   Updated: %2   Skipped: %3   Errors: %4   Warnings: %5")
                .replace("%1", str(created)).replace("%2", str(updated)).replace("%3", str(skipped))
                .replace("%4", str(len(errors))).replace("%5", str(len(warnings))))
        self.counts = QLabel(head)
        self.counts.setObjectName("counts")
        self.counts.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.counts)
        if getattr(report, "cancelled", False):
            state = self.tr("Cancelled: nothing was written.")
        elif getattr(report, "dry_run", False):
            state = self.tr("Trial run: nothing was written.")
        elif getattr(report, "written", True):
            state = self.tr("The rows were written.")
        else:
            state = self.tr("Nothing was written: correct the errors and import again.")
        layout.addWidget(QLabel(state))
        error_file = getattr(report, "error_file", None)
        if error_file:
            layout.addWidget(QLabel(self.tr("The problems are also saved in %1").replace("%1", str(error_file))))
        self.text = QPlainTextEdit("\n".join([str(e) for e in errors] + [f"⚠ {w}" for w in warnings]))
        self.text.setObjectName("row_errors")
        self.text.setReadOnly(True)
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(680, 480)


def run_import(page: CensusPage, path: str, *, institution: str, dry_run: bool = False,
               on_report: Any = None) -> Job:
    """Run the import on the long lane with a progress dialog and a cancel button; returns the Job.

    ``on_report(report)`` is called after the report dialog is shown (tests use it).
    """
    from guji.census.excel import import_excel

    progress = QProgressDialog(QCoreApplication.translate("CensusPage", "Importing…"),
                               QCoreApplication.translate("CensusPage", "Cancel"), 0, 1000, page)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    app = page.ops.long_app  # the long lane's own services

    def work(*, progress: Any, cancel: Any) -> Any:
        return import_excel(app, path, institution=institution, dry_run=dry_run, progress=progress, cancel=cancel)

    def succeeded(report: Any) -> None:
        progress.close()
        dialog = ReportDialog(page, report)
        page.last_import_report = dialog
        dialog.show()
        changes = getattr(report, "changes", None)
        if getattr(report, "written", False) and not dry_run:
            page.refresh(None) if changes is None or not changes.ids else page.ops.notify(changes)
        if on_report is not None:
            on_report(report)

    def failed(exc: BaseException) -> None:
        progress.close()
        show_error(page, exc, QCoreApplication.translate("CensusPage", "Import Excel…"))

    def progressed(fraction: float, message: str) -> None:
        progress.setValue(int(fraction * 1000))
        progress.setLabelText(message or "")

    def connect(job: Job) -> None:
        job.progressed.connect(progressed)
        progress.canceled.connect(job.cancel)
        job.succeeded.connect(succeeded)
        job.failed.connect(failed)

    return page.ops.submit(work, lane=LONG, wants_progress=True, connect=connect)


class ImportDialog(QDialog):
    """Choose the file and whether to make a trial run first."""

    def __init__(self, page: CensusPage):
        super().__init__(page)
        self.setWindowTitle(self.tr("Import Excel…"))
        layout = QVBoxLayout(self)
        text = self.tr("Rows are checked with the editor's rules; with any error nothing is written, and the problems are listed by row.")  # noqa: E501
        layout.addWidget(QLabel(text))
        self.dry_run = QCheckBox(self.tr("Trial run (check only, write nothing)"))
        layout.addWidget(self.dry_run)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def ask_import(page: CensusPage) -> None:
    """The action: pick an .xlsx file and import it into the user's institution."""
    institution = page.app.actor.institution_code
    if not institution:
        show_error(page, PermissionDenied(
            QCoreApplication.translate("CensusPage", "Only census staff of an institution import registers.")))
        return
    path, _ = QFileDialog.getOpenFileName(
        page, QCoreApplication.translate("CensusPage", "Import Excel…"), "", "Excel (*.xlsx)")
    if not path:
        return
    options = ImportDialog(page)
    if options.exec():
        run_import(page, path, institution=institution, dry_run=options.dry_run.isChecked())
