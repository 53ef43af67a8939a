"""The page-image viewer: zoom (wheel, +/-), pan (drag), fit, rotate the view by 90°, and overlays
of the page analysis (page box, block frame, 版心 split line, column lines, damage mask).

All overlay coordinates are pixels of the original image as loaded (what
:func:`imaging.analyze.analyze` returns), so the overlays are children of the
scene in image coordinates and follow every zoom and rotation of the view.

The analysis reports the frame as the axis-aligned hull of the (slightly rotated)
printed frame; the viewer draws the rotated rectangle inside that hull, turned by
``skew_deg``, so the outline lies on the printed lines rather than around them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from guji.gui.qt import (
    QBrush,
    QColor,
    QFont,
    QGraphicsItem,
    QGraphicsPixmapItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QImage,
    QKeyEvent,
    QPainter,
    QPen,
    QPixmap,
    QPointF,
    QPolygonF,
    QRectF,
    QResizeEvent,
    Qt,
    QTransform,
    QWheelEvent,
    pyqtSignal,
)

#: Overlay names, in the order of their check boxes.
OVERLAYS = ("page_box", "frames", "split", "columns", "damage")

COLOURS = {
    "page_box": QColor(30, 120, 255),
    "frames": QColor(0, 190, 60),
    "split": QColor(230, 0, 200),
    "columns": QColor(255, 150, 0),
    "damage": QColor(230, 0, 0),
}

ZOOM_STEP = 1.25
ZOOM_MIN, ZOOM_MAX = 0.01, 40.0


def _image_over(data: memoryview, w: int, h: int, stride: int, fmt: QImage.Format) -> QImage:
    """A QImage reading ``data`` in place; callers copy it before the buffer goes away."""
    # PyQt6's stub types the pixel data as bytes, but any buffer is accepted (no copy of the array).
    return QImage(data, w, h, stride, fmt)  # type: ignore[call-overload]


def qimage_from_array(pixels: np.ndarray) -> QImage:
    """A QImage owning a copy of uint8 BGR ``(H, W, 3)`` or grey ``(H, W)`` pixels."""
    pixels = np.ascontiguousarray(pixels)
    h, w = pixels.shape[:2]
    if pixels.ndim == 2:
        img = _image_over(pixels.data, w, h, int(pixels.strides[0]), QImage.Format.Format_Grayscale8)
    else:
        img = _image_over(pixels.data, w, h, int(pixels.strides[0]), QImage.Format.Format_BGR888)
    return img.copy()  # detach from the numpy buffer


def mask_image(mask: np.ndarray, colour: QColor, alpha: int = 110) -> QImage:
    """A transparent RGBA image, ``colour`` at ``alpha`` where ``mask`` is True."""
    h, w = mask.shape[:2]
    rgba = np.zeros((h, w, 4), np.uint8)
    rgba[mask] = (colour.red(), colour.green(), colour.blue(), alpha)
    img = _image_over(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888)
    return img.copy()


def rotated_frame(box: list[int] | tuple[int, ...], skew_deg: float) -> list[tuple[float, float]]:
    """Corners (TL, TR, BR, BL) of the rectangle, turned by ``skew_deg`` (counter-clockwise on
    screen), whose axis-aligned hull is ``box``. Falls back to ``box`` itself when the hull is
    too thin to hold such a rectangle."""
    x0, y0, x1, y1 = (float(v) for v in box)
    big_w, big_h = x1 - x0, y1 - y0
    t = math.radians(skew_deg)
    c, s = math.cos(t), abs(math.sin(t))
    det = c * c - s * s
    w = (c * big_w - s * big_h) / det if det > 1e-6 else big_w
    h = (c * big_h - s * big_w) / det if det > 1e-6 else big_h
    if w <= 0 or h <= 0 or abs(skew_deg) < 1e-3:
        return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ct, st = math.cos(t), math.sin(t)
    out = []
    for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
        # counter-clockwise on screen, y pointing down
        out.append((cx + dx * ct + dy * st, cy - dx * st + dy * ct))
    return out


class ImageViewer(QGraphicsView):
    """A zoomable, pannable view of one page with analysis overlays.

    ``set_image`` shows pixels; ``set_analysis`` draws the overlays of an analysis dict
    (and ``damage``: a boolean mask with the scale from original to mask pixels).
    ``overlay_items[name]`` lists the scene items of each overlay (for tests and toggling).
    """

    zoomChanged = pyqtSignal(float)

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.setObjectName("image_viewer")
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setBackgroundBrush(QBrush(QColor(60, 60, 60)))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.pixmap_item: QGraphicsPixmapItem | None = None
        self.overlay_items: dict[str, list[QGraphicsItem]] = {name: [] for name in OVERLAYS}
        self.visible: dict[str, bool] = dict.fromkeys(OVERLAYS, True)
        self.rotation_deg = 0
        self.image_size: tuple[int, int] | None = None
        self._fit_on_resize = True

    # --- content ---------------------------------------------------------------------------

    def clear(self) -> None:
        self._scene.clear()
        self.pixmap_item = None
        self.overlay_items = {name: [] for name in OVERLAYS}
        self.image_size = None

    def set_image(self, image: QImage | np.ndarray) -> None:
        """Show a page (replacing the previous one and its overlays) and fit it in the view."""
        if isinstance(image, np.ndarray):
            image = qimage_from_array(image)
        self.clear()
        self.pixmap_item = self._scene.addPixmap(QPixmap.fromImage(image))
        assert self.pixmap_item is not None
        self.pixmap_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.pixmap_item.setZValue(0)
        self.image_size = (image.width(), image.height())
        self._scene.setSceneRect(QRectF(0, 0, image.width(), image.height()))
        self._fit_on_resize = True
        self.fit()

    def clear_overlays(self) -> None:
        for items in self.overlay_items.values():
            for item in items:
                self._scene.removeItem(item)
        self.overlay_items = {name: [] for name in OVERLAYS}

    def _pen(self, name: str, width: float = 2.5, dashed: bool = False) -> QPen:
        pen = QPen(COLOURS[name])
        pen.setCosmetic(True)  # same width on screen at every zoom
        pen.setWidthF(width)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        return pen

    def _add(self, name: str, item: QGraphicsItem | None, z: float) -> None:
        # The scene's addRect/addLine are typed Optional but always return the new item.
        assert item is not None
        item.setZValue(z)
        item.setVisible(self.visible[name])
        self.overlay_items[name].append(item)

    def set_analysis(self, analysis: dict[str, Any] | None, damage: tuple[np.ndarray, float] | None = None) -> None:
        """Draw the overlays of an analysis (replacing earlier ones). ``damage`` is ``(mask, scale)``
        with mask pixels = original pixels × scale."""
        self.clear_overlays()
        if not analysis:
            return
        skew = float(analysis.get("skew_deg") or 0.0)
        pb = analysis.get("page_box")
        if pb:
            x0, y0, x1, y1 = pb
            self._add("page_box", self._scene.addRect(QRectF(x0, y0, x1 - x0, y1 - y0),
                                                      self._pen("page_box", 2.0, dashed=True)), 3)
        frames = analysis.get("frames") or []
        for f in frames:
            corners = rotated_frame(f["box"], skew)
            poly = QGraphicsPolygonItem(QPolygonF([QPointF(x, y) for x, y in corners]))
            poly.setPen(self._pen("frames", 2.5))
            self._scene.addItem(poly)
            self._add("frames", poly, 4)
            if f.get("height_cm") is not None and f.get("width_cm") is not None:
                label = QGraphicsSimpleTextItem(f"{f['height_cm']:.1f} × {f['width_cm']:.1f} cm")
                font = QFont()
                font.setPointSize(12)
                font.setBold(True)
                label.setFont(font)
                label.setBrush(QBrush(COLOURS["frames"]))
                # Keep the label readable at any zoom: it ignores the view's scale, sits just above
                # the frame's top-left corner (offset in screen pixels) on a light backing.
                label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
                label.setPos(corners[0][0], corners[0][1])
                label.setTransform(QTransform.fromTranslate(2, -label.boundingRect().height() - 4))
                backing = QGraphicsRectItem(label.boundingRect().adjusted(-3, -1, 3, 1), label)
                backing.setBrush(QBrush(QColor(255, 255, 255, 210)))
                backing.setPen(QPen(Qt.PenStyle.NoPen))
                backing.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent, True)
                self._scene.addItem(label)
                self._add("frames", label, 6)
        sx = analysis.get("split_x")
        if sx is not None:
            ref = frames[0]["box"] if frames else pb
            if ref:
                cy = (ref[1] + ref[3]) / 2
                half = (ref[3] - ref[1]) / 2
                t = math.radians(skew)
                dx, dy = half * math.sin(t), half * math.cos(t)
                line = self._scene.addLine(sx - dx, cy - dy, sx + dx, cy + dy, self._pen("split", 2.5))
                self._add("split", line, 5)
        for x in analysis.get("columns") or []:
            # Only when the analyser reports column lines (x positions in original pixels).
            ref = frames[0]["box"] if frames else pb
            if ref and isinstance(x, (int, float)):
                self._add("columns", self._scene.addLine(x, ref[1], x, ref[3], self._pen("columns", 1.0)), 5)
        if damage is not None:
            mask, scale = damage
            if mask is not None and mask.any():
                item = self._scene.addPixmap(QPixmap.fromImage(mask_image(mask, COLOURS["damage"])))
                assert item is not None
                item.setScale(1.0 / scale if scale else 1.0)
                self._add("damage", item, 2)

    def has_overlay(self, name: str) -> bool:
        return bool(self.overlay_items.get(name))

    def set_overlay_visible(self, name: str, on: bool) -> None:
        self.visible[name] = on
        for item in self.overlay_items.get(name, []):
            item.setVisible(on)

    # --- view ------------------------------------------------------------------------------

    def zoom_factor(self) -> float:
        t = self.transform()
        return math.hypot(t.m11(), t.m12())

    def zoom_by(self, factor: float) -> None:
        current = self.zoom_factor()
        target = min(ZOOM_MAX, max(ZOOM_MIN, current * factor))
        if current > 0 and target != current:
            self._fit_on_resize = False
            self.scale(target / current, target / current)
            self.zoomChanged.emit(self.zoom_factor())

    def zoom_in(self) -> None:
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / ZOOM_STEP)

    def actual_size(self) -> None:
        self.zoom_by(1.0 / max(self.zoom_factor(), 1e-9))

    def fit(self) -> None:
        """Fit the whole page in the view (keeping the view's rotation)."""
        if self.pixmap_item is None:
            return
        self.fitInView(self.pixmap_item, Qt.AspectRatioMode.KeepAspectRatio)
        self._fit_on_resize = True
        self.zoomChanged.emit(self.zoom_factor())

    def rotate_view(self, degrees: int = 90) -> None:
        """Turn the view (not the image) by a multiple of 90°."""
        self.rotate(degrees)
        self.rotation_deg = (self.rotation_deg + degrees) % 360
        if self._fit_on_resize:
            self.fit()

    def wheelEvent(self, event: QWheelEvent | None) -> None:  # noqa: N802 - Qt API
        if event is None:
            return
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(ZOOM_STEP ** steps)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent | None) -> None:  # noqa: N802 - Qt API
        key = event.key() if event is not None else None
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key == Qt.Key.Key_Minus:
            self.zoom_out()
        elif key == Qt.Key.Key_0:
            self.fit()
        elif key == Qt.Key.Key_R:
            self.rotate_view(90)
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent | None) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self._fit_on_resize:
            self.fit()
