"""The 影像 page: the images of a census record (書影) with roles and captions, a viewer with the
page analysis drawn over the scan, "apply measured frame size to the record", and batch processing.

Threads (CONTRIBUTING rule 3): database calls go through ``self.run`` (the DB worker); decoding a
scan for display runs on a small thread pool (Pillow/OpenCV release the GIL); the analysis and the
damage mask run on a process pool (:mod:`guji.gui.imaging.tasks`, ``spawn`` start); results come
back to the GUI thread by signal, and a result for an image no longer shown is dropped.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from guji.errors import ValidationError
from guji.gui.imaging.viewer import OVERLAYS, ImageViewer, qimage_from_array
from guji.gui.pages import Page
from guji.gui.qt import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QIcon,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QObject,
    QPixmap,
    QPushButton,
    QShowEvent,
    QSize,
    QSpinBox,
    QSplitter,
    Qt,
    QToolButton,
    QVBoxLayout,
    QWidget,
    pyqtSignal,
)
from guji.gui.worker import error_text, run_op, show_error
from guji.images.service import RECORD_ROLES, with_dpi
from guji.services.context import Changes

if TYPE_CHECKING:
    from guji.gui.mainwindow import MainWindow


THUMB_PX = 72


@dataclass(frozen=True)
class EditorImage:
    """What the census editor's 影像 tab shows for one image (``label``/``path`` per its hook)."""

    label: str
    path: str
    image_id: int
    attachment_id: int
    record_id: int


class _Bridge(QObject):
    """Carries results from pool threads to the GUI thread (signals cross threads as queued calls)."""

    decoded = pyqtSignal(int, object)  # token, QImage or exception
    analysed = pyqtSignal(int, object)  # token, view_data dict or exception
    thumbnail = pyqtSignal(int, int, object)  # list token, attachment id, QImage or exception


def _decode(path: str, dpi: float | None) -> Any:
    """Runs on the decode thread: pixels → QImage (QImage, unlike QPixmap, is fine off the GUI thread)."""
    from imaging.io import load_image

    return qimage_from_array(load_image(path, dpi=dpi).pixels)


def _thumbnail(path: str, long_edge: int = THUMB_PX) -> Any:
    """Runs on the decode thread: a small QImage of the first page for the images list."""
    from imaging.derivatives import resize_long_edge
    from imaging.io import load_image

    return qimage_from_array(resize_long_edge(load_image(path).pixels, long_edge))


def _emit(bridge: QObject, name: str, *args: Any) -> None:
    """Emit ``bridge.<name>`` from a pool thread; after the page (and its bridge) is gone the result is
    simply dropped."""
    try:
        getattr(bridge, name).emit(*args)
    except RuntimeError:  # "wrapped C/C++ object … has been deleted"
        pass


class ImagingPage(Page):
    """See the module docstring. ``show_record(id)``, ``open_image(image_id)``, ``open_file(path)``,
    ``apply_frame()`` and ``open_batch()`` are the actions; tests call them directly."""

    nav_key = "imaging"
    #: Processes for analyses; None: every core. Tests may lower it.
    pool_workers: int | None = None

    def nav_title(self) -> str:
        return self.tr("Imaging")

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.record_id: int | None = None
        self.record_number: str | None = None
        self.image_id: int | None = None
        self.image_path: str | None = None
        self.image_dpi: float | None = None
        self.analysis: dict[str, Any] | None = None
        self._damage: Any = None
        self._token = 0
        self._image_ready = False
        self._pool: cf.ProcessPoolExecutor | None = None
        self._decoder = cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="guji-decode")
        self.bridge = _Bridge()
        self.bridge.decoded.connect(self._on_decoded)
        self.bridge.analysed.connect(self._on_analysed)
        self.bridge.thumbnail.connect(self._on_thumbnail)
        self._list_token = 0
        self.batch_dialogs: list[Any] = []
        app_instance = QApplication.instance()
        if app_instance is not None:
            app_instance.aboutToQuit.connect(self.shutdown)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._build_side())
        split.addWidget(self._build_viewer())
        split.setStretchFactor(1, 1)
        split.setSizes([320, 960])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)
        self._hook_census_editor()

    # --- building ---------------------------------------------------------------------------------

    def _build_side(self) -> QWidget:
        side = QWidget()
        col = QVBoxLayout(side)
        col.setContentsMargins(0, 0, 0, 0)
        box = QGroupBox(self.tr("Census record"))
        bl = QVBoxLayout(box)
        row = QHBoxLayout()
        self.number_edit = QLineEdit()
        self.number_edit.setObjectName("record_number")
        self.number_edit.setPlaceholderText(self.tr("Census number"))
        self.number_edit.returnPressed.connect(self._show_typed_record)
        row.addWidget(self.number_edit, 1)
        show = QPushButton(self.tr("Show"))
        show.clicked.connect(lambda: self._show_typed_record())
        row.addWidget(show)
        bl.addLayout(row)
        use_selected = QPushButton(self.tr("Record selected in the register"))
        use_selected.clicked.connect(lambda: self._show_register_selection())
        bl.addWidget(use_selected)
        self.record_label = QLabel(self.tr("No record chosen."))
        self.record_label.setObjectName("record_label")
        self.record_label.setWordWrap(True)
        bl.addWidget(self.record_label)
        bl.addWidget(QLabel(self.tr("Images of the record (书影):")))
        self.images_list = QListWidget()
        self.images_list.setObjectName("record_images")
        self.images_list.setIconSize(QSize(THUMB_PX, THUMB_PX))
        self.images_list.currentItemChanged.connect(self._on_image_item)
        bl.addWidget(self.images_list, 1)
        form = QHBoxLayout()
        self.role_combo = QComboBox()
        self.role_combo.setObjectName("image_role")
        self.role_combo.addItems(list(RECORD_ROLES))
        form.addWidget(self.role_combo)
        self.caption_edit = QLineEdit()
        self.caption_edit.setObjectName("image_caption")
        self.caption_edit.setPlaceholderText(self.tr("Caption"))
        form.addWidget(self.caption_edit, 1)
        bl.addLayout(form)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add images…"))
        self.add_button.setObjectName("add_images")
        self.add_button.clicked.connect(lambda: self._choose_images())
        self.save_caption_button = QPushButton(self.tr("Save role/caption"))
        self.save_caption_button.clicked.connect(lambda: self.save_caption())
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Remove the image from this record (the stored scan is kept)"))
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        for b in (self.add_button, self.save_caption_button, self.remove_button):
            row.addWidget(b)
        bl.addLayout(row)
        col.addWidget(box, 1)

        box = QGroupBox(self.tr("Files"))
        bl = QVBoxLayout(box)
        open_file = QPushButton(self.tr("Open a scan file…"))
        open_file.clicked.connect(lambda: self._choose_file())
        bl.addWidget(open_file)
        batch = QPushButton(self.tr("Batch processing…"))
        batch.setObjectName("open_batch")
        batch.clicked.connect(lambda: self.open_batch())
        bl.addWidget(batch)
        col.addWidget(box)
        return side

    def _build_viewer(self) -> QWidget:
        panel = QWidget()
        col = QVBoxLayout(panel)
        col.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.viewer = ImageViewer()
        for text, tip, slot in (
            ("+", self.tr("Zoom in (+ or the mouse wheel)"), self.viewer.zoom_in),
            ("−", self.tr("Zoom out (-)"), self.viewer.zoom_out),
            (self.tr("Fit"), self.tr("Fit the page in the window (0)"), self.viewer.fit),
            (self.tr("1:1"), self.tr("Actual pixels"), self.viewer.actual_size),
            (self.tr("Rotate 90°"), self.tr("Turn the view by 90° (R); the image is not changed"),
             lambda: self.viewer.rotate_view(90)),
        ):
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            bar.addWidget(b)
        bar.addSpacing(12)
        labels = {"page_box": self.tr("Page box"), "frames": self.tr("Frame"), "split": self.tr("Split line"),
                  "columns": self.tr("Column lines"), "damage": self.tr("Damage")}
        self.overlay_boxes: dict[str, QCheckBox] = {}
        for name in OVERLAYS:
            cb = QCheckBox(labels[name])
            cb.setObjectName(f"overlay_{name}")
            cb.setChecked(True)
            cb.toggled.connect(lambda on, n=name: self.viewer.set_overlay_visible(n, on))
            self.overlay_boxes[name] = cb
            bar.addWidget(cb)
        bar.addStretch(1)
        col.addLayout(bar)
        col.addWidget(self.viewer, 1)
        self.info = QLabel(self.tr("Choose a record's image or open a scan file."))
        self.info.setObjectName("analysis_info")
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        col.addWidget(self.info)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Resolution:")))
        self.dpi_spin = QSpinBox()
        self.dpi_spin.setObjectName("dpi")
        self.dpi_spin.setRange(0, 20000)
        self.dpi_spin.setSingleStep(50)
        self.dpi_spin.setSuffix(" dpi")
        self.dpi_spin.setSpecialValueText(self.tr("from the file"))
        self.dpi_spin.setToolTip(self.tr("The scanning resolution, for scans whose file does not say it "
                                         "(or says it wrongly); the frame size in cm depends on it"))
        self.dpi_spin.valueChanged.connect(lambda _v: self._show_analysis())
        row.addWidget(self.dpi_spin)
        self.apply_button = QPushButton(self.tr("Apply measured frame size to the record"))
        self.apply_button.setObjectName("apply_frame")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(lambda: self.apply_frame())
        row.addWidget(self.apply_button)
        self.apply_result = QLabel("")
        self.apply_result.setObjectName("apply_result")
        self.apply_result.setWordWrap(True)
        row.addWidget(self.apply_result, 1)
        col.addLayout(row)
        return panel

    # --- pools ------------------------------------------------------------------------------------

    def pool(self) -> cf.ProcessPoolExecutor:
        """The analysis process pool (spawned: forking a process with Qt threads can deadlock)."""
        if self._pool is None:
            n = self.pool_workers or max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                                         else (os.cpu_count() or 1))
            self._pool = cf.ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("spawn"))
        return self._pool

    def shutdown(self) -> None:
        """Stop the pools without waiting for running analyses (their results are dropped)."""
        self._token += 1
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._decoder.shutdown(wait=False, cancel_futures=True)

    # --- record and its images ----------------------------------------------------------------------

    def refresh(self, changes: Changes | None = None) -> None:
        if self.record_id is None:
            return
        if changes is None or changes.kind == "stored_image" or (
                changes.kind in ("record_image", "census_record") and self.record_id in changes.ids):
            self.show_record(self.record_id, keep_image=True)

    def showEvent(self, event: QShowEvent | None) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self.record_id is None:
            self._show_register_selection(quiet=True)

    def _show_register_selection(self, quiet: bool = False) -> None:
        census = self.window_.pages.get("census")
        rid = census.current_id() if census is not None and hasattr(census, "current_id") else None
        if rid is not None:
            self.show_record(rid)
        elif not quiet:
            self.record_label.setText(self.tr("Select a record in the census register first."))

    def _show_typed_record(self) -> None:
        number = self.number_edit.text().strip()
        if number:
            self.run(self.app.census.find_by_number, number, on_done=lambda v: self.show_record(v.id))

    def show_record(self, record_id: int, *, keep_image: bool = False) -> None:
        """Show a record's images (and the first of them in the viewer unless ``keep_image``)."""
        app = self.app

        def load() -> tuple[Any, list[Any]]:
            return app.census.get_record(record_id), app.images.images_of_record(record_id)

        def shown(result: tuple[Any, list[Any]]) -> None:
            view, images = result
            self.record_id = view.id
            self.record_number = view.census_number
            self.number_edit.setText(view.census_number)
            d = view.data
            frame = (f"{d.frame_height_cm} × {d.frame_width_cm} cm" if d.frame_height_cm is not None
                     else self.tr("not recorded"))
            self.record_label.setText(
                f"{view.census_number}  {d.title or ''}\n" + self.tr("Frame (版框): %1").replace("%1", frame)
                + (f"  {self.tr('Lines')}: {d.lines_per_half_leaf}" if d.lines_per_half_leaf else ""))
            self.images_list.blockSignals(True)
            self.images_list.clear()
            for a in images:
                name = a.image.original_name or a.image.sha256[:12]
                text = f"{a.seq}. {a.role}  {a.caption or ''}".rstrip() + f"\n{name}"
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, a)
                self.images_list.addItem(item)
                if keep_image and a.image.id == self.image_id:
                    self.images_list.setCurrentItem(item)
            self.images_list.blockSignals(False)
            self._request_thumbnails(images)
            if not keep_image and images:
                self.images_list.setCurrentRow(0)
            self._update_apply()

        self.run(load, on_done=shown)

    def _request_thumbnails(self, images: list[Any]) -> None:
        self._list_token += 1
        token = self._list_token
        for a in images:
            def done(fut: cf.Future[Any], aid: int = a.attachment_id) -> None:
                try:
                    result = fut.result()
                except BaseException as exc:  # noqa: BLE001 - a missing thumbnail is not an error to show
                    result = exc
                _emit(self.bridge, "thumbnail", token, aid, result)
            try:
                self._decoder.submit(_thumbnail, a.image.path).add_done_callback(done)
            except RuntimeError:
                return

    def _on_thumbnail(self, token: int, attachment_id: int, image: Any) -> None:
        if token != self._list_token or isinstance(image, BaseException):
            return
        for row in range(self.images_list.count()):
            item = self.images_list.item(row)
            if item is None:
                continue
            att = item.data(Qt.ItemDataRole.UserRole)
            if att is not None and att.attachment_id == attachment_id:
                item.setIcon(QIcon(QPixmap.fromImage(image)))

    def _current_attachment(self) -> Any:
        item = self.images_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _on_image_item(self, current: QListWidgetItem | None, _previous: Any = None) -> None:
        if current is None:
            return
        att = current.data(Qt.ItemDataRole.UserRole)
        self.role_combo.setCurrentText(att.role)
        self.caption_edit.setText(att.caption or "")
        self.open_image(att.image.id)

    def _choose_images(self) -> None:
        if self.record_id is None:
            self.record_label.setText(self.tr("Choose a record first."))
            return
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Add images to the record"), "",
                                                self.tr("Images (*.tif *.tiff *.jpg *.jpeg *.png);;All files (*)"))
        if files:
            self.add_files(files)

    def add_files(self, paths: list[str]) -> None:
        """Add scans to the store and attach them to the shown record with the chosen role and caption."""
        if self.record_id is None:
            return
        rid, role, caption = self.record_id, self.role_combo.currentText(), self.caption_edit.text() or None
        app = self.app

        def add() -> list[Any]:
            return [app.images.add_to_record(p, rid, role, caption) for p in paths]

        def done(atts: list[Any]) -> None:
            if atts:
                self.open_image(atts[-1].image.id)

        def failed(exc: BaseException) -> None:
            self.show_record(rid, keep_image=True)
            show_error(self, exc)

        self.run(add, on_done=done, on_error=failed, changes=Changes.of("record_image", [rid], record_id=rid))

    def save_caption(self) -> None:
        att = self._current_attachment()
        if att is None:
            return
        rid = att.owner_id
        self.run(self.app.images.update_record_image, att.attachment_id, role=self.role_combo.currentText(),
                 caption=self.caption_edit.text(), changes=Changes.of("record_image", [rid], record_id=rid))

    def remove_selected(self) -> None:
        att = self._current_attachment()
        if att is None:
            return
        self.run(self.app.images.detach, att.attachment_id)  # its Changes go out through ops.changed

    # --- viewing -------------------------------------------------------------------------------------

    def open_image(self, image_id: int) -> None:
        """Show a stored image with its stored analysis (computed on the pool, then stored, if none)."""
        app = self.app

        def load() -> tuple[Any, Any]:
            return app.images.get_image(image_id), app.images.stored_analysis(image_id)

        self.run(load, on_done=lambda r: self._load(r[0].path, r[0].dpi, r[1], image_id))

    def open_file(self, path: str, dpi: float | None = None) -> None:
        """Show a scan file that is not in the store (analysed on the pool, not stored)."""
        self._load(path, dpi, None, None)

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a scan"), "",
                                              self.tr("Images (*.tif *.tiff *.jpg *.jpeg *.png);;All files (*)"))
        if path:
            self.open_file(path)

    def _load(self, path: str, dpi: float | None, analysis: dict[str, Any] | None, image_id: int | None) -> None:
        from guji.gui.imaging.tasks import view_data

        self._token += 1
        token = self._token
        self.image_id, self.image_path, self.image_dpi = image_id, path, dpi
        self.analysis, self._damage, self._image_ready = None, None, False
        self.viewer.clear()
        self.apply_result.setText("")
        self._update_apply()
        self.info.setText(self.tr("Loading %1…").replace("%1", os.path.basename(path)))

        def relay(signal: str) -> Any:
            def done(fut: cf.Future[Any]) -> None:
                try:
                    result = fut.result()
                except BaseException as exc:  # noqa: BLE001 - shown on the GUI thread
                    result = exc
                _emit(self.bridge, signal, token, result)
            return done

        try:
            self._decoder.submit(_decode, path, dpi).add_done_callback(relay("decoded"))
            self.pool().submit(view_data, path, dpi, analysis).add_done_callback(relay("analysed"))
        except RuntimeError as exc:  # pools shut down (the application is quitting)
            self.info.setText(error_text(exc))

    def _on_decoded(self, token: int, result: Any) -> None:
        if token != self._token:
            return
        if isinstance(result, BaseException):
            self.info.setText(self.tr("Cannot show this image: %1").replace("%1", error_text(result)))
            return
        self.viewer.set_image(result)
        self._image_ready = True
        self._show_analysis()

    def _on_analysed(self, token: int, result: Any) -> None:
        if token != self._token:
            return
        if isinstance(result, BaseException):
            self.info.setText(self.tr("The analysis failed: %1").replace("%1", error_text(result)))
            return
        self.analysis = result["analysis"]
        self._damage = (result["mask"], result["mask_scale"])
        self._show_analysis()
        self._update_apply()
        if result["computed"] and self.image_id is not None:
            # Store it so the next viewer and "apply frame size" need not recompute; a user who may
            # not store analyses (a reviewer) still sees it.
            run_op(self.worker, None, self.app.images.save_analysis, self.image_id, self.analysis,
                   on_error=lambda e: None)

    def dpi_override(self) -> float | None:
        """The resolution typed by the user (None: the file's)."""
        return float(self.dpi_spin.value()) if self.dpi_spin.value() > 0 else None

    def shown_analysis(self) -> dict[str, Any] | None:
        """The analysis as shown: at the typed resolution when there is one."""
        if self.analysis is None:
            return None
        dpi = self.dpi_override()
        return with_dpi(self.analysis, dpi) if dpi is not None else self.analysis

    def _show_analysis(self) -> None:
        a = self.shown_analysis()
        if a is None:
            return
        if self._image_ready:
            self.viewer.set_analysis(a, self._damage)
            self._sync_overlay_boxes()
        self.info.setText(self.describe(a))

    def _sync_overlay_boxes(self) -> None:
        for name, cb in self.overlay_boxes.items():
            has = self.viewer.has_overlay(name)
            cb.setEnabled(has)
            cb.setToolTip("" if has else self.tr("Not in this analysis"))
            self.viewer.set_overlay_visible(name, cb.isChecked())

    def describe(self, a: dict[str, Any]) -> str:
        """One paragraph summarising an analysis for the info line."""
        parts = [f"{a.get('width')} × {a.get('height')} px",
                 (f"{a['dpi']:g} dpi" if a.get("dpi") else self.tr("no resolution in the file")),
                 self.tr("skew %1°").replace("%1", f"{a.get('skew_deg', 0):+.2f}")]
        frames = a.get("frames") or []
        if frames:
            f = frames[0]
            if f.get("height_cm") is not None:
                parts.append(self.tr("frame %1 × %2 cm").replace("%1", f"{f['height_cm']:.1f}")
                             .replace("%2", f"{f['width_cm']:.1f}"))
            else:
                x0, y0, x1, y1 = f["box"]
                parts.append(self.tr("frame %1 × %2 px").replace("%1", str(y1 - y0)).replace("%2", str(x1 - x0)))
        else:
            parts.append(self.tr("no frame found"))
        if a.get("split_x") is not None:
            parts.append(self.tr("uncut leaf, 版心 at x = %1").replace("%1", str(a["split_x"])))
        if a.get("lines_per_half_leaf"):
            parts.append(self.tr("%1 lines per half-leaf").replace("%1", str(a["lines_per_half_leaf"])))
        parts.append(self.tr("damage %1%").replace("%1", f"{a.get('damage_pct', 0):.2f}"))
        if a.get("paper_lab"):
            L, aa, b = a["paper_lab"]
            parts.append(f"L*a*b* (D65) {L:.1f}, {aa:.1f}, {b:.1f}")
        return " · ".join(parts)

    # --- frame size into the record ------------------------------------------------------------------

    def _update_apply(self) -> None:
        ok = self.record_id is not None and self.image_id is not None
        self.apply_button.setEnabled(ok)
        self.apply_button.setToolTip("" if ok else self.tr("Show an image of a census record first"))

    def apply_frame(self) -> None:
        """Write the frame measured on the shown image into the record (app.images.apply_measured_frame)."""
        if self.record_id is None or self.image_id is None:
            return
        rid, iid = self.record_id, self.image_id

        def done(res: Any) -> None:
            text = (self.tr("%1: frame %2 × %3 cm written").replace("%1", res.census_number)
                    .replace("%2", str(res.frame_height_cm)).replace("%3", str(res.frame_width_cm)))
            if res.frame_is_half:
                text += self.tr(" (half-leaf, 半框)")
            if res.lines_filled:
                text += self.tr("; lines per half-leaf %1").replace("%1", str(res.lines_per_half_leaf))
            self.apply_result.setStyleSheet("color: #1a7f37;")
            self.apply_result.setText(text)

        def failed(exc: BaseException) -> None:
            self.apply_result.setStyleSheet("color: #b00020;")
            if isinstance(exc, ValidationError):
                self.apply_result.setText("; ".join(p.message for p in exc.problems))
            else:
                self.apply_result.setText(error_text(exc))
            show_error(self, exc)

        self.run(self.app.images.apply_measured_frame, rid, iid, dpi=self.dpi_override(), on_done=done,
                 on_error=failed)

    # --- batch -----------------------------------------------------------------------------------------

    def open_batch(self, workers: int | None = None) -> Any:
        from guji.gui.imaging.batch import BatchDialog

        dialog = BatchDialog(self, workers=workers)
        self.batch_dialogs.append(dialog)
        dialog.finished.connect(lambda _r, d=dialog: self.batch_dialogs.remove(d) if d in self.batch_dialogs else None)
        dialog.show()
        return dialog

    # --- the census editor's 影像 tab ---------------------------------------------------------------------

    def _hook_census_editor(self) -> None:
        """Feed the census editor's images tab whenever the census page opens an editor on a record
        (its ``editor_opened`` signal)."""
        census = self.window_.pages.get("census")
        opened = getattr(census, "editor_opened", None)
        if opened is not None:
            opened.connect(lambda editor, rid: self.feed_editor(editor, rid) if rid is not None else None)

    def feed_editor(self, editor: Any, record_id: int) -> None:
        """Give an editor the record's images; double-clicking one shows it on this page."""
        app = self.app

        def load() -> list[EditorImage]:
            return [EditorImage(f"{a.seq}. {a.role}  {a.caption or ''}  ({a.image.original_name or ''})",
                                a.image.path, a.image.id, a.attachment_id, record_id)
                    for a in app.images.images_of_record(record_id)]

        def shown(items: list[EditorImage]) -> None:
            try:
                editor.set_images(items)
            except RuntimeError:  # the editor was closed meanwhile
                return
            if not getattr(editor, "_guji_imaging_hooked", False):
                editor._guji_imaging_hooked = True
                editor.image_activated.connect(lambda img: self._open_from_editor(img, record_id))

        run_op(self.worker, None, load, on_done=shown, on_error=lambda e: None)

    def _open_from_editor(self, img: Any, record_id: int) -> None:
        self.window_.show_page("imaging")
        self.show_record(record_id, keep_image=True)
        if isinstance(img, EditorImage):
            self.open_image(img.image_id)
