"""照片: the photographs of a restoration job on the restoration page.

:class:`PhotosPanel` is the page's 照片 tab. It shows the job's photographs as a grid whose rows are
leaves and whose columns are the stages (before / during / after), so the before and after of one
leaf sit side by side; a leaf with two photographs at one stage takes two rows. "Add photo…" picks
image files and hands each to ``RestorationService.add_photo_file`` on the database worker with the
stage, leaf and caption typed in the row beside it. The service is the one judge: its refusal
(ValidationError with field problems, PermissionDenied, Conflict) is shown in the tab with the field
marked, and nothing was written. Double-clicking a thumbnail opens :class:`PhotoViewerDialog`.

Threads (CONTRIBUTING rule 3): the panel never touches the database itself — the page gives it the
photographs of the archive it loaded, and adding runs through ``ops.run`` on the DB worker. Scans are
600 dpi masters of several MB, so decoding them (thumbnails and the larger view) runs on a small
thread pool, as the imaging page does (``imaging.io.load_image`` releases the GIL), and the QImage
comes back to the GUI thread by signal; QPixmaps are only made on the GUI thread.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from guji.errors import Conflict, GujiError, PermissionDenied, ValidationError
from guji.gui.imaging.viewer import ImageViewer, qimage_from_array
from guji.gui.qt import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QIcon,
    QImage,
    QLabel,
    QLineEdit,
    QModelIndex,
    QObject,
    QPixmap,
    QPushButton,
    QSize,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    horizontal_header,
    pyqtSignal,
    vertical_header,
)
from guji.gui.worker import show_error
from guji.models.user import Role
from guji.services.context import Changes
from restoration.views import JobView, PhotoView

if TYPE_CHECKING:
    from guji.gui.ops import Ops

#: Long edge of a grid thumbnail, in pixels.
THUMB_PX = 180
#: Long edge of the image in the larger view (a 600 dpi half-leaf is ~5800 px; this is plenty on screen).
LARGE_PX = 2400
STAGES = ("before", "during", "after")
ERROR_STYLE = "color: #c0392b;"
_PROBLEM_SHEET = ('QLineEdit[problem="error"], QComboBox[problem="error"] '
                  "{ border: 1px solid #c0392b; background: #fdf0ee; }")
IMAGE_FILTER = "*.jpg *.jpeg *.tif *.tiff *.png *.JPG *.JPEG *.TIF *.TIFF *.PNG"


def photo_path(photo: PhotoView) -> str | None:
    """The file to show for a photograph: the stored master, else the local file older rows name."""
    return photo.image_path or photo.file_path


def decode_scaled(path: str, long_edge: int) -> QImage:
    """Runs on a pool thread: the first page of ``path`` scaled so its long edge is at most
    ``long_edge`` (QImage, unlike QPixmap, may be made off the GUI thread). Raises
    :class:`imaging.io.ImageError` for an unreadable file."""
    from imaging.derivatives import resize_long_edge
    from imaging.io import load_image

    return qimage_from_array(resize_long_edge(load_image(path).pixels, long_edge))


def _leaf_key(leaf: str | None) -> tuple[int, list[Any]]:
    """Leaves in reading order: 2 before 10, "卷一 3" among its own volume; photos of no leaf last."""
    if leaf is None:
        return (1, [])
    return (0, [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", leaf) if p])


def photo_rows(photos: Sequence[PhotoView]) -> list[tuple[str | None, dict[str, PhotoView]]]:
    """The grid's rows: ``(leaf, {stage: photo})`` per leaf in reading order; the n-th photograph of a
    leaf at a stage goes in the leaf's n-th row, so a leaf takes as many rows as its busiest stage."""
    by_leaf: dict[str | None, dict[str, list[PhotoView]]] = {}
    for p in photos:
        by_leaf.setdefault(p.leaf, {}).setdefault(p.stage, []).append(p)
    rows: list[tuple[str | None, dict[str, PhotoView]]] = []
    for leaf in sorted(by_leaf, key=_leaf_key):
        stages = by_leaf[leaf]
        for n in range(max(len(v) for v in stages.values())):
            rows.append((leaf, {st: ps[n] for st, ps in stages.items() if n < len(ps)}))
    return rows


class _Bridge(QObject):
    """Carries decoded images from pool threads to the GUI thread (a queued signal)."""

    decoded = pyqtSignal(object, object)  # key, QImage or the exception


def _emit(bridge: _Bridge, *args: Any) -> None:
    """Emit ``bridge.decoded`` from a pool thread; once the widget (and its bridge) is gone the result
    is dropped."""
    try:
        bridge.decoded.emit(*args)
    except RuntimeError:  # "wrapped C/C++ object … has been deleted"
        pass


def _submit(pool: cf.ThreadPoolExecutor, bridge: _Bridge, key: Any, path: str, long_edge: int) -> bool:
    def done(fut: cf.Future[Any]) -> None:
        try:
            result = fut.result()
        except BaseException as exc:  # noqa: BLE001 - shown in place of the image
            result = exc
        _emit(bridge, key, result)

    try:
        pool.submit(decode_scaled, path, long_edge).add_done_callback(done)
    except RuntimeError:  # the pool is shut down (the application is quitting)
        return False
    return True


class _ThumbDelegate(QStyledItemDelegate):
    """Draws a cell as the thumbnail with its caption centred underneath."""

    def initStyleOption(  # noqa: N802 - Qt API
            self, option: QStyleOptionViewItem | None, index: QModelIndex) -> None:
        super().initStyleOption(option, index)
        if option is None:
            return
        option.decorationPosition = option.Position.Top
        option.decorationAlignment = Qt.AlignmentFlag.AlignCenter
        option.displayAlignment = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        option.features |= option.ViewItemFeature.WrapText


class PhotoGrid(QTableWidget):
    """Rows = leaves, columns = before / during / after; a cell holds one photograph (its
    :class:`PhotoView` under ``UserRole``). ``open_requested(photo)`` on double-click."""

    open_requested = pyqtSignal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, len(STAGES), parent)
        self.setHorizontalHeaderLabels([self.stage_label(s) for s in STAGES])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setIconSize(QSize(THUMB_PX, THUMB_PX))
        self.setItemDelegate(_ThumbDelegate(self))
        self.setWordWrap(True)
        horizontal_header(self).setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the columns stretch to fit
        vertical_header(self).setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical_header(self).setDefaultSectionSize(THUMB_PX + 3 * self.fontMetrics().height() + 12)
        vertical_header(self).setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cellDoubleClicked.connect(self._double_clicked)

    def stage_label(self, stage: str) -> str:
        return {"before": self.tr("Before"), "during": self.tr("During"), "after": self.tr("After")}.get(stage, stage)

    def leaf_label(self, leaf: str | None) -> str:
        return self.tr("Leaf %1").replace("%1", leaf) if leaf is not None else self.tr("No leaf")

    def set_photos(self, photos: Sequence[PhotoView], thumbnails: dict[str, QImage | BaseException]) -> None:
        """Show ``photos``; ``thumbnails`` (by SHA-256) holds the images decoded so far."""
        rows = photo_rows(photos)
        self.clearContents()
        self.setRowCount(len(rows))
        self.setVerticalHeaderLabels([self.leaf_label(leaf) for leaf, _ in rows])
        for r, (_leaf, cells) in enumerate(rows):
            for c, stage in enumerate(STAGES):
                p = cells.get(stage)
                if p is None:
                    item = QTableWidgetItem()
                    item.setFlags(Qt.ItemFlag.NoItemFlags)
                else:
                    item = QTableWidgetItem(p.caption or "")
                    item.setData(Qt.ItemDataRole.UserRole, p)
                    item.setToolTip("\n".join(x for x in (
                        f"{self.stage_label(p.stage)} · {self.leaf_label(p.leaf)}", p.caption or "",
                        f"SHA-256 {p.sha256}", photo_path(p) or self.tr("not in the image store")) if x))
                    self._show_thumbnail(item, thumbnails.get(p.sha256))
                self.setItem(r, c, item)

    def _show_thumbnail(self, item: QTableWidgetItem, image: QImage | BaseException | None) -> None:
        p: PhotoView = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(image, QImage):
            item.setIcon(QIcon(QPixmap.fromImage(image)))
            item.setText(p.caption or "")
        elif isinstance(image, BaseException) or photo_path(p) is None:
            item.setText("\n".join(x for x in (self.tr("(image cannot be shown)"), p.caption) if x))
        else:
            item.setText("\n".join(x for x in (self.tr("loading…"), p.caption) if x))

    def set_thumbnail(self, sha256: str, image: QImage | BaseException) -> None:
        """Put a decoded thumbnail on every cell showing that image."""
        for r in range(self.rowCount()):
            for c in range(self.columnCount()):
                item = self.item(r, c)
                if item is None:
                    continue
                p = item.data(Qt.ItemDataRole.UserRole)
                if p is not None and p.sha256 == sha256:
                    self._show_thumbnail(item, image)

    def photo_at(self, row: int, column: int) -> PhotoView | None:
        item = self.item(row, column)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _double_clicked(self, row: int, column: int) -> None:
        p = self.photo_at(row, column)
        if p is not None:
            self.open_requested.emit(p)


class PhotoViewerDialog(QDialog):
    """One photograph larger: scaled to fit, zoom with the wheel, pan by dragging (the imaging
    viewer). The image is decoded on the panel's pool; ``loaded`` tells when it is shown."""

    loaded = pyqtSignal()

    def __init__(self, parent: QWidget, photo: PhotoView, title: str):
        super().__init__(parent)
        self.photo = photo
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        lay = QVBoxLayout(self)
        self.caption = QLabel(photo.caption or "")
        self.caption.setWordWrap(True)
        self.caption.setVisible(bool(photo.caption))
        lay.addWidget(self.caption)
        self.viewer = ImageViewer()
        self.viewer.setObjectName("photo_viewer")
        lay.addWidget(self.viewer, 1)
        self.status = QLabel(self.tr("loading…"))
        lay.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(820, 960)
        self.bridge = _Bridge()
        self.bridge.decoded.connect(self._decoded)

    def load(self, pool: cf.ThreadPoolExecutor) -> None:
        path = photo_path(self.photo)
        if path is None:
            self.status.setText(self.tr("The image store has no file for this photograph."))
        elif not _submit(pool, self.bridge, self.photo.id, path, LARGE_PX):
            self.status.setText("")

    def _decoded(self, _key: Any, image: Any) -> None:
        if isinstance(image, QImage):
            self.viewer.set_image(image)
            self.status.setText(f"SHA-256 {self.photo.sha256}")
        else:
            self.status.setText(self.tr("The image cannot be shown: %1").replace("%1", str(image)))
            self.status.setStyleSheet(ERROR_STYLE)
        self.loaded.emit()


class PhotosPanel(QWidget):
    """照片 tab; see the module docstring. The page calls :meth:`show_job` with each archive it loads
    and :meth:`clear` without a job; ``added(list[PhotoView])`` fires after photographs were added
    (their change goes out through ``ops.changed``, which reloads the archive)."""

    added = pyqtSignal(object)

    def __init__(self, ops: Ops):
        super().__init__()
        self.ops = ops
        self.job: JobView | None = None
        self.photos: list[PhotoView] = []
        self.thumbnails: dict[str, QImage | BaseException] = {}
        self._pending: set[str] = set()
        self.viewer_dialog: PhotoViewerDialog | None = None
        self.pool = cf.ThreadPoolExecutor(max_workers=2, thread_name_prefix="guji-photo")
        self.bridge = _Bridge()
        self.bridge.decoded.connect(self._on_thumbnail)
        app_instance = QApplication.instance()
        if app_instance is not None:
            app_instance.aboutToQuit.connect(self.shutdown)
        self.setStyleSheet(_PROBLEM_SHEET)

        lay = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("photo_summary")
        lay.addWidget(self.summary)
        self.grid = PhotoGrid()
        self.grid.setObjectName("photo_grid")
        self.grid.open_requested.connect(self.open_photo)
        lay.addWidget(self.grid, 1)

        row = QHBoxLayout()
        self.stage = QComboBox()
        for s in STAGES:
            self.stage.addItem(self.grid.stage_label(s), s)
        self.leaf = QLineEdit()
        self.leaf.setPlaceholderText(self.tr("e.g. 3 or 卷一 3"))
        self.leaf.setMaximumWidth(160)
        self.caption = QLineEdit()
        self.caption.setPlaceholderText(self.tr("caption, e.g. 虫蛀、书脑残缺"))
        self.add_button = QPushButton(self.tr("Add photo…"))
        self.add_button.setObjectName("add_photo")
        self.add_button.clicked.connect(self._add_clicked)
        for label, w in ((self.tr("Stage"), self.stage), (self.tr("Leaf"), self.leaf),
                         (self.tr("Caption"), self.caption)):
            row.addWidget(QLabel(label))
            row.addWidget(w, 1 if w is self.caption else 0)
        row.addWidget(self.add_button)
        lay.addLayout(row)
        self.message = QLabel()
        self.message.setObjectName("photo_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.message)
        self._fields = {"stage": self.stage, "leaf": self.leaf, "caption": self.caption}
        for w in (self.leaf, self.caption):
            w.textEdited.connect(lambda _t, w=w: self._set_problem(w, False))
        self.stage.currentIndexChanged.connect(lambda _i: self._set_problem(self.stage, False))
        self.clear()

    # ------------------------------------------------------------------ showing

    def clear(self) -> None:
        """No job selected."""
        self.job = None
        self.photos = []
        self.grid.set_photos([], self.thumbnails)
        self.summary.setText(self.tr("Select a job"))
        self._show_message("")
        self._update_button()

    def show_job(self, job: JobView, photos: Sequence[PhotoView]) -> None:
        """Show ``job``'s photographs (a refusal shown for the same job stays until the next attempt)."""
        if self.job is None or self.job.id != job.id:
            self._show_message("")
            self._mark_fields([])
        self.job = job
        self.photos = list(photos)
        self.grid.set_photos(self.photos, self.thumbnails)
        counts = {s: sum(1 for p in self.photos if p.stage == s) for s in STAGES}
        self.summary.setText(
            self.tr("%1 photographs: %2 before, %3 during, %4 after. Double-click a photograph to see it larger.")
            .replace("%1", str(len(self.photos))).replace("%2", str(counts["before"]))
            .replace("%3", str(counts["during"])).replace("%4", str(counts["after"]))
            if self.photos else self.tr("No photographs yet. Add the before, during and after photographs of "
                                        "each leaf; they are kept in the image store."))
        self._update_button()
        self._request_thumbnails()

    def refusal_reason(self, job: JobView) -> str:
        """Why the signed-in user may not add photographs of ``job`` ("" if they may), mirroring the
        service's rule (restorers of the job's institution, the assigned ones when it has any; not once
        locked). Only for the button: the service decides, and its refusal is shown."""
        actor = self.ops.app.actor
        if Role.RESTORER not in actor.roles:
            return self.tr("Only restorers may add photographs.")
        if job.institution_id != actor.institution_id:
            return self.tr("The job belongs to another institution.")
        if job.restorers and actor.user_id not in {r[0] for r in job.restorers}:
            return self.tr("You are not assigned to this job.")
        if job.locked:
            return self.tr("The job was accepted and is locked; a reviewer must reopen it first.")
        return ""

    def _update_button(self) -> None:
        why = self.refusal_reason(self.job) if self.job is not None else self.tr("Select a job")
        self.add_button.setEnabled(not why)
        self.add_button.setToolTip(why or self.tr("Add image files (TIFF, JPEG, PNG) as photographs at the "
                                                  "stage and leaf given"))

    def _request_thumbnails(self) -> None:
        for p in self.photos:
            path = photo_path(p)
            if path is None or p.sha256 in self.thumbnails or p.sha256 in self._pending:
                continue
            if _submit(self.pool, self.bridge, p.sha256, path, THUMB_PX):
                self._pending.add(p.sha256)

    def _on_thumbnail(self, sha256: str, image: Any) -> None:
        self._pending.discard(sha256)
        self.thumbnails[sha256] = image
        self.grid.set_thumbnail(sha256, image)

    def thumbnails_ready(self) -> bool:
        """Every photograph shown has its thumbnail (or its decoding failed): for tests."""
        return not (self._pending & {p.sha256 for p in self.photos})

    def open_photo(self, photo: PhotoView) -> PhotoViewerDialog:
        """Open ``photo`` larger in a (non-modal) dialog."""
        title = f"{self.grid.stage_label(photo.stage)} · {self.grid.leaf_label(photo.leaf)}"
        if self.job is not None:
            title = f"{self.job.job_number}　{title}"
        dlg = PhotoViewerDialog(self, photo, title)
        dlg.finished.connect(lambda _r, d=dlg: self._viewer_closed(d))
        self.viewer_dialog = dlg
        dlg.show()
        dlg.load(self.pool)
        return dlg

    def _viewer_closed(self, dlg: PhotoViewerDialog) -> None:
        if self.viewer_dialog is dlg:
            self.viewer_dialog = None

    def shutdown(self) -> None:
        """Stop the decoding pool without waiting (pending results are dropped)."""
        self.pool.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ adding

    def _add_clicked(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Add photographs"), "",
                                                self.tr("Images") + f" ({IMAGE_FILTER})")
        if paths:
            self.add_files(paths)

    def add_files(self, paths: Sequence[str]) -> None:
        """Add each file as a photograph at the stage, leaf and caption in the form, on the worker.

        Each file is one service call, so a refused file writes nothing while the others are added; a
        refusal that is not about the file (permission, a missing job) stops the rest."""
        if self.job is None:
            return
        svc = self.ops.app.restoration
        jid = self.job.id
        stage = self.stage.currentData()
        leaf = self.leaf.text().strip() or None
        caption = self.caption.text().strip() or None
        files = [os.fspath(p) for p in paths]

        def work() -> list[tuple[str, PhotoView | GujiError]]:
            out: list[tuple[str, PhotoView | GujiError]] = []
            for path in files:
                try:
                    out.append((path, svc.add_photo_file(jid, path, stage, leaf=leaf, caption=caption)))
                except (ValidationError, Conflict) as exc:
                    out.append((path, exc))
                except GujiError as exc:
                    out.append((path, exc))
                    break
            return out

        self._mark_fields([])
        self._show_message(self.tr("Adding…"))
        self.add_button.setEnabled(False)
        self.ops.run(work, parent=self, on_done=self._added, on_error=self._failed,
                     changes=lambda results: Changes.of("restoration_photo", [
                         r.id for _p, r in results if isinstance(r, PhotoView)]) if any(
                         isinstance(r, PhotoView) for _p, r in results) else None)

    def _added(self, results: list[tuple[str, PhotoView | GujiError]]) -> None:
        added = [r for _p, r in results if isinstance(r, PhotoView)]
        refused = [(p, r) for p, r in results if not isinstance(r, PhotoView)]
        lines = []
        if added:
            lines.append(self.tr("Added %1 photograph(s).").replace("%1", str(len(added))))
        for path, exc in refused:
            text, name = self.refusal_text(exc), os.path.basename(path)
            # The store's file problems already name the file.
            lines.append(text if name in text else f"{name}：{text}")
        if refused and not added:
            lines.append(self.tr("Nothing was added."))
        fields = [pr.field for _p, e in refused if isinstance(e, ValidationError) for pr in e.problems]
        self._mark_fields(fields)
        self._show_message("\n".join(lines), error=bool(refused))
        self._update_button()
        if added:
            self.caption.clear()
            self.added.emit(added)

    def _failed(self, exc: BaseException) -> None:
        self._update_button()
        self._show_message(self.refusal_text(exc), error=True)
        if not isinstance(exc, GujiError):
            show_error(self, exc)  # a bug: the details go to the dialog

    def refusal_text(self, exc: BaseException) -> str:
        """A refusal as the tab shows it: each field problem on its own line, named by its label."""
        if isinstance(exc, ValidationError):
            labels = {"file": self.tr("File"), "stage": self.tr("Stage"), "leaf": self.tr("Leaf"),
                      "caption": self.tr("Caption")}
            return "；".join(f"{labels.get(p.field, p.field)}：{p.message}" if p.field else p.message
                            for p in exc.problems)
        if isinstance(exc, PermissionDenied):
            return self.tr("Not permitted: %1").replace("%1", str(exc))
        if isinstance(exc, Conflict):
            return self.tr("Refused: %1").replace("%1", str(exc))
        if isinstance(exc, GujiError):
            return str(exc)
        return f"{type(exc).__name__}: {exc}"

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setVisible(bool(text))

    def _set_problem(self, w: QWidget, bad: bool) -> None:
        w.setProperty("problem", "error" if bad else "")
        # A dynamic property only restyles after the style is re-applied.
        style = w.style()
        assert style is not None  # a widget without a style of its own has the application's
        style.unpolish(w)
        style.polish(w)

    def _mark_fields(self, fields: Sequence[str]) -> None:
        for name, w in self._fields.items():
            self._set_problem(w, name in fields)

    def problem_fields(self) -> list[str]:
        """The form fields now marked as refused (for tests)."""
        return [n for n, w in self._fields.items() if w.property("problem") == "error"]
