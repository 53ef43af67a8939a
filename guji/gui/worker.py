"""Background work for the desktop.

* :class:`DbWorker` — a thread that runs database calls one after another.
  SQLAlchemy sessions are not thread-safe, so each call opens and closes its own
  session on this thread and hands plain data back. The window has two of them
  (:mod:`guji.gui.ops`): one for browsing and one for long jobs.
* :class:`Job` — one queued call; its signals arrive on the GUI thread.
* :func:`run_op` — the three-line way for a widget to run a service call with a
  busy cursor, an error dialog and a callback (like Anki's ``CollectionOp``).

Long jobs receive plain ``progress(fraction, message)`` and ``cancel`` arguments
(a :class:`threading.Event`), so the CLI and the tests call the same functions.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from guji.errors import GujiError
from guji.gui.qt import QApplication, QMessageBox, QObject, Qt, QThread, QWidget, pyqtSignal, pyqtSlot


class Job(QObject):
    """A call waiting for or running on a worker. Lives on the GUI thread."""

    succeeded = pyqtSignal(object)
    failed = pyqtSignal(object)  # the exception
    progressed = pyqtSignal(float, str)
    finished = pyqtSignal()

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], *, wants_progress: bool):
        super().__init__()
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.cancel_event = threading.Event()
        self.wants_progress = wants_progress
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = threading.Event()

    def cancel(self) -> None:
        self.cancel_event.set()

    def _progress(self, fraction: float, message: str = "") -> None:
        self.progressed.emit(float(fraction), message)

    def execute(self) -> None:
        """Run the call (on whatever thread calls this) and emit the outcome."""
        try:
            kwargs = dict(self.kwargs)
            if self.wants_progress:
                kwargs.setdefault("progress", self._progress)
                kwargs.setdefault("cancel", self.cancel_event)
            self.result = self.fn(*self.args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
            self.error = exc
            if not isinstance(exc, GujiError):
                exc.__dict__["guji_traceback"] = traceback.format_exc()
            self.done.set()
            self.failed.emit(exc)
        else:
            self.done.set()
            self.succeeded.emit(self.result)
        finally:
            self.finished.emit()


class _Runner(QObject):
    submit = pyqtSignal(object)

    def __init__(self) -> None:
        super().__init__()
        # PyQt6's stub of connect() leaves out the connection-type argument it accepts.
        self.submit.connect(self._run, Qt.ConnectionType.QueuedConnection)  # type: ignore[call-arg]

    # Must be a declared slot: PyQt delivers a queued call to a plain Python
    # method through a proxy living in the connecting (GUI) thread, which would
    # run every database job on the GUI thread.
    @pyqtSlot(object)
    def _run(self, job: Job) -> None:
        job.execute()


class DbWorker(QObject):
    """Runs jobs one after another on a dedicated thread (or inline, for tests)."""

    def __init__(self, *, inline: bool = False, name: str = "guji-db"):
        super().__init__()
        self.inline = inline
        self._jobs: set[Job] = set()
        self._thread: QThread | None = None
        self._runner: _Runner | None = None
        if not inline:
            self._thread = QThread()
            self._thread.setObjectName(name)
            self._runner = _Runner()
            self._runner.moveToThread(self._thread)
            self._thread.start()

    def submit(
        self, fn: Callable[..., Any], *args: Any, wants_progress: bool = False,
        connect: Callable[[Job], None] | None = None, **kwargs: Any,
    ) -> Job:
        """Queue ``fn(*args, **kwargs)``; ``connect(job)`` runs first, so no signal can be missed."""
        job = Job(fn, args, kwargs, wants_progress=wants_progress)
        # Keep a reference until it finishes: a collected Job loses its signals.
        self._jobs.add(job)
        job.finished.connect(lambda j=job: self._jobs.discard(j))
        if connect is not None:
            connect(job)
        if self.inline:
            job.execute()
        else:
            assert self._runner is not None
            self._runner.submit.emit(job)
        return job

    def busy(self) -> bool:
        """Whether a job is queued or running here."""
        return bool(self._jobs)

    def stop(self) -> None:
        """Finish the queued jobs and end the thread (never terminate(): it can leave a transaction open)."""
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread = None


def error_text(exc: BaseException) -> str:
    if isinstance(exc, GujiError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    """An error dialog: a user's message for GujiError, the details of anything else (a bug)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if isinstance(exc, GujiError) else QMessageBox.Icon.Critical)
    box.setWindowTitle(title or QApplication.translate("guji", "guji"))
    box.setText(error_text(exc))
    tb = exc.__dict__.get("guji_traceback")
    if tb:
        box.setDetailedText(tb)
    if QApplication.platformName() in ("offscreen", "minimal"):
        # No one can click a modal dialog in tests or a headless run; keep it non-blocking.
        box.setModal(False)
        box.show()
        last_errors.append(box.text())
        return
    box.exec()


last_errors: list[str] = []


def run_op(
    worker: DbWorker,
    parent: QWidget | None,
    fn: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    **kwargs: Any,
) -> Job:
    """Run ``fn`` on the database worker; call ``on_done(result)`` on the GUI thread, or show the error."""
    if parent is not None:
        parent.setCursor(Qt.CursorShape.BusyCursor)

    def _restore() -> None:
        if parent is not None:
            parent.unsetCursor()

    def _ok(result: Any) -> None:
        _restore()
        if on_done is not None:
            on_done(result)

    def _err(exc: BaseException) -> None:
        _restore()
        (on_error or (lambda e: show_error(parent, e)))(exc)

    def _connect(job: Job) -> None:
        job.succeeded.connect(_ok)
        job.failed.connect(_err)

    return worker.submit(fn, *args, connect=_connect, **kwargs)
