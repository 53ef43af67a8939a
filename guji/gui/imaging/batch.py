"""The batch dialog: choose scans and an output folder, deskew/crop/split options, then run
:func:`imaging.batch.process_batch` in the background with a progress bar, a cancel button and the
per-file errors listed as they come.

The batch touches no database, so it runs on its own background thread (a second
:class:`guji.gui.worker.DbWorker` used as a plain job runner) rather than queueing behind the
database calls; ``process_batch`` itself spreads the pages over a process pool, one per core.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from guji.gui.qt import (
    QCheckBox,
    QCloseEvent,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from guji.gui.worker import DbWorker, Job, error_text
from imaging.batch import expand_inputs, process_batch


class BatchDialog(QDialog):
    """Process many scans into derivatives. ``start()`` runs; ``cancel()`` stops promptly and cleanly.

    ``workers`` (None: every core) is passed to ``process_batch``; tests use 0 (in the worker thread)
    to stay fast. After a run, ``report`` is the :class:`imaging.batch.BatchReport`.
    """

    def __init__(self, parent: QWidget | None = None, *, workers: int | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Batch processing of scans"))
        self.resize(720, 560)
        self.workers = workers
        self.runner: DbWorker | None = None
        self.job: Job | None = None
        self.report: Any = None

        col = QVBoxLayout(self)
        col.addWidget(QLabel(self.tr("Scans (files or folders):")))
        self.files = QListWidget()
        self.files.setObjectName("batch_files")
        col.addWidget(self.files, 2)
        row = QHBoxLayout()
        add_files = QPushButton(self.tr("Add files…"))
        add_files.clicked.connect(self._choose_files)
        add_folder = QPushButton(self.tr("Add folder…"))
        add_folder.clicked.connect(self._choose_folder)
        remove = QPushButton(self.tr("Remove"))
        remove.clicked.connect(self._remove_selected)
        for b in (add_files, add_folder, remove):
            row.addWidget(b)
        row.addStretch(1)
        col.addLayout(row)

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Output folder:")))
        self.out_dir = QLineEdit()
        self.out_dir.setObjectName("batch_out")
        row.addWidget(self.out_dir, 1)
        choose_out = QPushButton(self.tr("Choose…"))
        choose_out.clicked.connect(self._choose_out)
        row.addWidget(choose_out)
        col.addLayout(row)

        row = QHBoxLayout()
        self.deskew = QCheckBox(self.tr("Deskew"))
        self.crop = QCheckBox(self.tr("Crop to the page"))
        self.split = QCheckBox(self.tr("Split uncut leaves at the 版心"))
        for box in (self.deskew, self.crop, self.split):
            box.setChecked(True)
            row.addWidget(box)
        row.addStretch(1)
        col.addLayout(row)

        self.progress = QProgressBar()
        self.progress.setObjectName("batch_progress")
        self.progress.setRange(0, 1000)
        col.addWidget(self.progress)
        self.status = QLabel("")
        self.status.setObjectName("batch_status")
        self.status.setWordWrap(True)
        col.addWidget(self.status)
        col.addWidget(QLabel(self.tr("Problems:")))
        self.errors = QListWidget()
        self.errors.setObjectName("batch_errors")
        col.addWidget(self.errors, 1)

        row = QHBoxLayout()
        row.addStretch(1)
        self.start_button = QPushButton(self.tr("Start"))
        self.start_button.setObjectName("batch_start")
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("batch_cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.close)
        for b in (self.start_button, self.cancel_button, self.close_button):
            b.setAutoDefault(False)
            row.addWidget(b)
        col.addLayout(row)

    # --- choosing -------------------------------------------------------------------------------

    def add_paths(self, paths: list[str]) -> None:
        known = set(self.paths())
        for p in paths:
            if p and p not in known:
                self.files.addItem(p)
                known.add(p)

    def paths(self) -> list[str]:
        items = [self.files.item(i) for i in range(self.files.count())]
        return [it.text() for it in items if it is not None]

    def _choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Choose scans"), "",
                                                self.tr("Images (*.tif *.tiff *.jpg *.jpeg *.png);;All files (*)"))
        self.add_paths(files)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder of scans"))
        if folder:
            self.add_paths([folder])

    def _choose_out(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose the output folder"))
        if folder:
            self.out_dir.setText(folder)

    def _remove_selected(self) -> None:
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))

    # --- running -----------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.job is not None and not self.job.done.is_set()

    def start(self) -> Job | None:
        """Start the batch in the background; returns the job (None when the input is incomplete)."""
        if self.running:
            return self.job
        paths = self.paths()
        out = self.out_dir.text().strip()
        if not paths:
            self.status.setText(self.tr("Add scans first."))
            return None
        if not out:
            self.status.setText(self.tr("Choose an output folder first."))
            return None
        n = len(expand_inputs(paths))
        self.errors.clear()
        self.progress.setValue(0)
        self.report = None
        self.status.setText(self.tr("Processing %1 file(s)…").replace("%1", str(n)))
        self._set_running(True)
        if self.runner is None:
            self.runner = DbWorker(name="guji-imaging-batch")

        def connect(job: Job) -> None:
            job.progressed.connect(self._on_progress)
            job.succeeded.connect(self._on_done)
            job.failed.connect(self._on_failed)

        self.job = self.runner.submit(
            process_batch, paths, out, deskew=self.deskew.isChecked(), crop=self.crop.isChecked(),
            split=self.split.isChecked(), workers=self.workers, wants_progress=True, connect=connect)
        return self.job

    def cancel(self) -> None:
        """Ask the batch to stop: no new page starts, running pages stop within seconds, no partial files."""
        if self.job is not None and self.running:
            self.job.cancel()
            self.status.setText(self.tr("Cancelling…"))
            self.cancel_button.setEnabled(False)

    def _set_running(self, on: bool) -> None:
        self.start_button.setEnabled(not on)
        self.cancel_button.setEnabled(on)
        for w in (self.deskew, self.crop, self.split, self.out_dir, self.files):
            w.setEnabled(not on)

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(fraction * 1000))
        self.status.setText(message)
        # process_batch reports a failed page as "i/n name: <error>"; list those as they come.
        if ": " in message and not message.endswith(": done") and "/" in message.split(" ", 1)[0]:
            self.errors.addItem(message.split(" ", 1)[1])

    def _on_done(self, report: Any) -> None:
        self.report = report
        self._set_running(False)
        # The report is the authority: rebuild the list from it (progress messages may be coalesced).
        self.errors.clear()
        for r in report.errors:
            self.errors.addItem(r.error or Path(r.path).name)
        ok, bad = len(report.ok), len(report.errors)
        text = (self.tr("Cancelled: %1 done, %2 failed. Report: %3") if report.cancelled
                else self.tr("Finished: %1 done, %2 failed. Report: %3"))
        self.status.setText(text.replace("%1", str(ok)).replace("%2", str(bad)).replace("%3", report.report_path))
        if not report.cancelled:
            self.progress.setValue(1000)

    def _on_failed(self, exc: BaseException) -> None:
        self._set_running(False)
        self.status.setText(self.tr("The batch stopped: %1").replace("%1", error_text(exc)))

    def closeEvent(self, event: QCloseEvent | None) -> None:  # noqa: N802 - Qt API
        """Closing cancels a running batch and waits for it to clean up (never kills the thread)."""
        if self.running:
            self.cancel()
        if self.runner is not None:
            self.runner.stop()
            self.runner = None
        super().closeEvent(event)
