"""The "Import Excel…" hook: runs ``guji.census.excel.import_excel`` on the worker with progress and cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from guji.gui.qt import QDialog, QFileDialog, QLabel, QPlainTextEdit, QProgressDialog, Qt, QVBoxLayout, QWidget
from guji.gui.worker import show_error

if TYPE_CHECKING:
    from guji.gui.census.page import CensusPage


def report_text(report: Any) -> str:
    """A readable summary of an ImportReport (read by attribute name, so its exact class may evolve)."""
    lines = []
    for name in ("new", "updated", "skipped", "errors"):
        value = getattr(report, name, None)
        if value is None:
            continue
        count = len(value) if isinstance(value, (list, tuple, dict)) else value
        lines.append(f"{name}: {count}")
    problems = getattr(report, "row_errors", None) or getattr(report, "errors", None)
    if isinstance(problems, (list, tuple)):
        lines.append("")
        for p in problems[:500]:
            lines.append(str(p))
    return "\n".join(lines) or str(report)


class ReportDialog(QDialog):
    def __init__(self, parent: QWidget | None, report: Any):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import report"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Rows new / updated / skipped / with errors, then the row errors:")))
        self.text = QPlainTextEdit(report_text(report))
        self.text.setReadOnly(True)
        layout.addWidget(self.text)
        self.resize(640, 480)


def run_import(page: "CensusPage", path: str, *, institution: str | None, dry_run: bool = False) -> Any:
    """Run the import on the worker with a progress dialog and a cancel button; returns the Job."""
    from guji.census.excel import import_excel  # type: ignore[import-not-found]

    progress = QProgressDialog(page.tr("Importing…"), page.tr("Cancel"), 0, 1000, page)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)
    app = page.app

    def work(*, progress: Any, cancel: Any) -> Any:
        return import_excel(app, path, institution=institution, dry_run=dry_run, progress=progress, cancel=cancel)

    def connect(job: Any) -> None:
        job.progressed.connect(lambda f, m: (progress.setValue(int(f * 1000)), progress.setLabelText(m or "")))
        progress.canceled.connect(job.cancel)
        job.succeeded.connect(lambda report: (progress.close(), ReportDialog(page, report).show(),
                                              page.refresh(None)))
        job.failed.connect(lambda exc: (progress.close(), show_error(page, exc)))

    return page.worker.submit(work, wants_progress=True, connect=connect)


def ask_import(page: "CensusPage") -> None:
    path, _ = QFileDialog.getOpenFileName(page, page.tr("Import Excel…"), "", "Excel (*.xlsx)")
    if path:
        run_import(page, path, institution=page.app.actor.institution_code)
