"""The export page (导出): census XML, MARC, Excel, the printed catalogues and book labels.

The formats are those of the export registry (:data:`export.registry.EXPORTERS`) that
export a selection of records. The user picks one, filters (holding institution, review
state), the output file (and, for the illustrated catalogue, a folder of images named by
census number), then starts. The export runs through the exports service
(``app.exports.export``) on the DB worker with ``wants_progress``: its ``progress(fraction,
message)`` drives the progress bar and Cancel sets its ``cancel`` event; the service writes
to a temporary file and renames it at the end, so a cancelled export leaves nothing. Formats
whose module is not in this build are shown disabled with a tooltip saying why.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from export.registry import EXPORTERS, Exporter, ExportFilters, ExportResult
from guji.census.models import STATE_LABELS_ZH, ReviewState
from guji.gui.pages import Page
from guji.gui.qt import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
)
from guji.gui.worker import Job, error_text
from guji.jobs import Cancelled
from guji.services.context import Changes

if TYPE_CHECKING:
    from guji.gui.mainwindow import MainWindow


#: The formats the page offers: every registry entry that exports a selection of records.
KINDS: tuple[Exporter, ...] = tuple(e for e in EXPORTERS if e.selection == "records")


def run_export(app: Any, kind: Exporter, out: str, *, institution: str | None, state: str | None,
               images_dir: str | None, dpi: int, progress: Any = None, cancel: Any = None) -> ExportResult:
    """Run the export ``kind`` with the page's options through the exports service (on the DB worker)."""
    options: dict[str, Any] = {}
    if kind.option("images_dir") is not None:
        options["images_dir"] = images_dir or None
    if kind.option("dpi") is not None:
        options["dpi"] = dpi
    return app.exports.export(kind.key, out, filters=ExportFilters(institution=institution, state=state),
                              options=options, progress=progress, cancel=cancel)


class ExportPage(Page):
    """导出: one form for every export, with a progress bar and Cancel."""

    nav_key = "export"

    def nav_title(self) -> str:
        return self.tr("Export")

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.job: Job | None = None
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Export records"))
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        layout.addWidget(title)

        box = QGroupBox(self.tr("What and which records"))
        form = QFormLayout(box)
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for k in KINDS:
            self.kind.addItem(str(k.label), k.key)
        form.addRow(self.tr("Export"), self.kind)
        self.institution = QComboBox()
        self.institution.setObjectName("institution")
        self.institution.addItem(self.tr("All institutions I may see"), None)
        form.addRow(self.tr("Holding institution"), self.institution)
        self.state = QComboBox()
        self.state.setObjectName("state")
        self.state.addItem(self.tr("Any review state"), None)
        for s in ReviewState:
            self.state.addItem(STATE_LABELS_ZH[s], s.value)
        form.addRow(self.tr("Review state"), self.state)
        layout.addWidget(box)

        box = QGroupBox(self.tr("Files"))
        form = QFormLayout(box)
        self.out = QLineEdit()
        self.out.setObjectName("out")
        self.out.setPlaceholderText(self.tr("File to write"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse_out)
        row = QHBoxLayout()
        row.addWidget(self.out, 1)
        row.addWidget(browse)
        form.addRow(self.tr("Output file"), self._wrap(row))
        self.images = QLineEdit()
        self.images.setObjectName("images")
        self.images.setPlaceholderText(self.tr("Folder of images named by census number (210000-0101-0000001.jpg)"))
        self.images_browse = QPushButton(self.tr("Browse…"))
        self.images_browse.clicked.connect(self._browse_images)
        row = QHBoxLayout()
        row.addWidget(self.images, 1)
        row.addWidget(self.images_browse)
        self.images_label = QLabel(self.tr("Images (書影)"))
        form.addRow(self.images_label, self._wrap(row))
        self.dpi = QSpinBox()
        self.dpi.setObjectName("dpi")
        self.dpi.setRange(100, 600)
        self.dpi.setSingleStep(50)
        self.dpi.setValue(200)
        self.dpi.setSuffix(" dpi")
        self.dpi_label = QLabel(self.tr("Image print resolution"))
        form.addRow(self.dpi_label, self.dpi)
        layout.addWidget(box)

        row = QHBoxLayout()
        self.start = QPushButton(self.tr("Start export"))
        self.start.setObjectName("start")
        self.start.clicked.connect(self.start_export)
        self.cancel = QPushButton(self.tr("Cancel"))
        self.cancel.setObjectName("cancel")
        self.cancel.setEnabled(False)
        self.cancel.clicked.connect(self.cancel_export)
        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)
        row.addWidget(self.start)
        row.addWidget(self.cancel)
        row.addWidget(self.progress, 1)
        layout.addLayout(row)
        self.status = QLabel("")
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.details = QPlainTextEdit()
        self.details.setObjectName("details")
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(140)
        self.details.setPlaceholderText(self.tr("Warnings of the last export appear here."))
        layout.addWidget(self.details)
        layout.addStretch(1)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.kind.setCurrentIndex(0)
        self._kind_changed()

    @staticmethod
    def _wrap(row: QHBoxLayout) -> QWidget:
        w = QWidget()
        row.setContentsMargins(0, 0, 0, 0)
        w.setLayout(row)
        return w

    # --- options -------------------------------------------------------------------------------

    def current_kind(self) -> Exporter:
        key = self.kind.currentData()
        return next(k for k in KINDS if k.key == key)

    def select_kind(self, key: str) -> None:
        """Choose the export ``key`` (``register``, ``marc_iso``…); raises KeyError for an unknown key."""
        i = self.kind.findData(key)
        if i < 0:
            raise KeyError(key)
        self.kind.setCurrentIndex(i)

    def _kind_changed(self) -> None:
        kind = self.current_kind()
        images = kind.option("images_dir") is not None
        dpi = kind.option("dpi") is not None
        for w in (self.images, self.images_browse, self.images_label):
            w.setVisible(images)
        self.dpi.setVisible(dpi)
        self.dpi_label.setVisible(dpi)
        text = self.out.text().strip()
        if text:
            p = Path(text)
            if p.suffix.lower() != kind.suffix:
                self.out.setText(str(p.with_suffix(kind.suffix)))
        self._update_buttons()

    def _update_buttons(self) -> None:
        running = self.job is not None
        self.start.setEnabled(not running)
        self.cancel.setEnabled(running)
        for w in (self.kind, self.institution, self.state, self.out, self.images, self.dpi):
            w.setEnabled(not running)

    def _browse_out(self) -> None:
        kind = self.current_kind()
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export to"), self.out.text() or f"export{kind.suffix}",
                                              kind.file_filter)
        if path:
            self.out.setText(path)

    def _browse_images(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Folder of images"), self.images.text())
        if path:
            self.images.setText(path)

    def refresh(self, changes: Changes | None = None) -> None:
        if changes is not None and changes.kind != "institution":
            return
        app = self.app

        def show(insts: list[Any]) -> None:
            current = self.institution.currentData()
            while self.institution.count() > 1:
                self.institution.removeItem(1)
            for i in insts:
                self.institution.addItem(f"{i.name} ({i.code})", i.code)
            idx = self.institution.findData(current)
            self.institution.setCurrentIndex(max(idx, 0))

        self.run(app.institutions.list, on_done=show)

    # --- running -------------------------------------------------------------------------------

    def start_export(self) -> Job | None:
        """Start the chosen export on the DB worker; returns its job (None when the form is incomplete)."""
        if self.job is not None:
            return None
        kind = self.current_kind()
        out = self.out.text().strip()
        if not out:
            self._finish_text(self.tr("Choose the output file first."), error=True)
            return None
        if Path(out).suffix == "":
            out += kind.suffix
            self.out.setText(out)
        self.details.clear()
        self.progress.setValue(0)
        self.status.setText(self.tr("Exporting…"))
        self.status.setStyleSheet("")
        kwargs = dict(institution=self.institution.currentData(), state=self.state.currentData(),
                      images_dir=self.images.text().strip() or None, dpi=self.dpi.value())

        def connect(job: Job) -> None:
            self.job = job
            self._update_buttons()
            job.progressed.connect(self._on_progress)
            job.succeeded.connect(lambda result, o=out: self._on_done(result, o))
            job.failed.connect(self._on_failed)
            job.finished.connect(self._on_finished)

        return self.ops.submit(run_export, self.ops.long_app, kind, out, lane="long", wants_progress=True,
                               connect=connect, **kwargs)

    def cancel_export(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.status.setText(self.tr("Cancelling…"))

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if message:
            self.status.setText(self.tr("Exporting…") + " " + message)

    def _on_done(self, result: ExportResult, out: str) -> None:
        self.progress.setValue(1000)
        summary = str(result.summary())
        self._finish_text(summary)
        if result.warnings:
            self.details.setPlainText("\n".join(result.warnings))
            self.status.setText(summary + " " + self.tr("(with warnings, see below)"))

    def _on_failed(self, exc: BaseException) -> None:
        self.progress.setValue(0)
        if isinstance(exc, Cancelled):
            self._finish_text(self.tr("Export cancelled; no file was written."))
        else:
            self._finish_text(self.tr("Export failed: %1").replace("%1", error_text(exc)), error=True)
            tb = exc.__dict__.get("guji_traceback")
            if tb:
                self.details.setPlainText(tb)

    def _on_finished(self) -> None:
        self.job = None
        self._update_buttons()

    def _finish_text(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #a00000;" if error else "")


__all__ = ["KINDS", "ExportPage", "Qt", "run_export"]
