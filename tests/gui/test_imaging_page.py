"""The imaging page (offscreen, real database, inline DB worker, real analysis process pool):
viewer and overlays, record images, apply measured frame, batch dialog, the census editor's images."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from guji.app import Guji
from guji.census.record import RecordData
from tests.conftest import SCANS

pytestmark = pytest.mark.gui

BOOK4 = SCANS / "book4" / "1.jpg"


@pytest.fixture(autouse=True)
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GUJI_IMAGE_STORE", str(tmp_path / "store"))
    return tmp_path / "store"


@pytest.fixture
def window(gui_app, org: dict[str, Guji], qtbot):  # type: ignore[no-untyped-def]
    from guji.gui.imaging.page import ImagingPage
    from guji.gui.mainwindow import MainWindow
    from guji.gui.worker import DbWorker

    ImagingPage.pool_workers = 1  # one spawned process is enough here
    win = MainWindow(org["census_a"], DbWorker(inline=True))
    qtbot.addWidget(win)
    yield win
    win.pages["imaging"].shutdown()


def record(app: Guji) -> int:
    return app.census.register_book(RecordData(title="墨子十五卷", author_statement="（周）墨翟撰",
                                               edition_statement="清乾隆三十年武英殿刻本", volumes=4)).id


def test_viewer_draws_and_toggles_overlays(gui_app, qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.gui.imaging.viewer import ImageViewer, rotated_frame

    viewer = ImageViewer()
    qtbot.addWidget(viewer)
    viewer.resize(600, 400)
    viewer.set_image(np.full((300, 400, 3), 220, np.uint8))
    mask = np.zeros((150, 200), bool)
    mask[10:30, 10:40] = True
    analysis = {"width": 400, "height": 300, "skew_deg": 0.5, "page_box": [5, 5, 395, 295], "split_x": 200,
                "frames": [{"box": [40, 30, 360, 270], "height_cm": 20.3, "width_cm": 27.1}],
                "columns": [80, 120, 160]}
    viewer.set_analysis(analysis, (mask, 0.5))
    counts = {k: len(v) for k, v in viewer.overlay_items.items()}
    assert counts == {"page_box": 1, "frames": 2, "split": 1, "columns": 3, "damage": 1}
    # the page, its overlays, and the light backing of the frame-size label (a child of the label)
    assert len(viewer.scene().items()) == 1 + sum(counts.values()) + 1
    damage = viewer.overlay_items["damage"][0]
    assert damage.sceneBoundingRect().width() == pytest.approx(400)  # mask scaled back to image pixels
    viewer.set_overlay_visible("frames", False)
    assert not any(i.isVisible() for i in viewer.overlay_items["frames"])
    viewer.set_overlay_visible("frames", True)
    assert all(i.isVisible() for i in viewer.overlay_items["frames"])
    # the drawn frame is the turned rectangle inside the reported hull, touching all four sides
    corners = rotated_frame([40, 30, 360, 270], 0.5)
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    assert (min(xs), min(ys), max(xs), max(ys)) == pytest.approx((40, 30, 360, 270), abs=1e-6)
    assert corners[1][1] < corners[0][1]  # counter-clockwise: the top line rises to the right
    fit = viewer.zoom_factor()
    viewer.zoom_in()
    assert viewer.zoom_factor() == pytest.approx(fit * 1.25)
    viewer.zoom_out()
    viewer.rotate_view(90)
    assert viewer.rotation_deg == 90
    viewer.fit()
    assert viewer.zoom_factor() > 0
    viewer.set_analysis({"page_box": [0, 0, 10, 10], "frames": [], "split_x": None})
    assert {k: len(v) for k, v in viewer.overlay_items.items()} == {
        "page_box": 1, "frames": 0, "split": 0, "columns": 0, "damage": 0}


def test_page_shows_record_image_with_overlays_and_applies_the_frame(window, org, qtbot) -> None:  # type: ignore[no-untyped-def]
    app = org["census_a"]
    rid = record(app)
    att = app.images.add_to_record(BOOK4, rid, "卷端", "卷一首葉")
    page = window.show_page("imaging")
    page.show_record(rid)
    assert page.images_list.count() == 1 and "卷一首葉" in page.images_list.item(0).text()
    qtbot.waitUntil(lambda: page.viewer.has_overlay("frames") and page.viewer.pixmap_item is not None,
                    timeout=60_000)
    assert page.viewer.image_size == (3213, 5811)
    assert len(page.viewer.overlay_items["page_box"]) == 1 and len(page.viewer.overlay_items["frames"]) == 2
    assert page.viewer.has_overlay("damage")
    assert not page.overlay_boxes["split"].isEnabled()  # a cut half-leaf has no 版心 line
    assert "厘米" in page.info.text()  # the translated "cm" of the frame size
    # the analysis computed on the pool was stored through the service
    assert app.images.stored_analysis(att.image.id) == page.analysis | {"path": att.image.relpath}
    assert page.apply_button.isEnabled()
    page.apply_button.click()
    d = app.census.get_record(rid).data
    assert d.frame_height_cm is not None and Decimal("17") < d.frame_height_cm < Decimal("19.5")
    assert str(d.frame_height_cm) in page.apply_result.text()
    assert str(d.frame_height_cm) in page.record_label.text()  # the page refreshed from the change


def test_apply_frame_shows_the_refusal(window, org, qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.gui import worker

    app = org["census_a"]
    rid = record(app)
    att = app.images.add_to_record(BOOK4, rid)
    app.images.analyze(att.image.id)
    app.review.submit_for_review(rid)
    page = window.show_page("imaging")
    page.record_id, page.image_id = rid, att.image.id
    worker.last_errors.clear()
    page.apply_frame()
    assert "locked" in page.apply_result.text() and worker.last_errors
    assert app.census.get_record(rid).data.frame_height_cm is None


def _page_png(path: Path) -> Path:
    img = Image.new("RGB", (300, 220), (235, 225, 200))
    for x in range(30, 270):
        for y in (20, 21, 198, 199):
            img.putpixel((x, y), (20, 20, 20))
    for y in range(20, 200):
        for x in (30, 31, 268, 269):
            img.putpixel((x, y), (20, 20, 20))
    img.save(path)
    return path


def test_batch_dialog_progress_and_errors(window, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = window.show_page("imaging")
    dialog = page.open_batch(workers=0)
    qtbot.addWidget(dialog)
    bad = tmp_path / "notes.png"
    bad.write_text("not a scan", encoding="utf-8")
    dialog.add_paths([str(_page_png(tmp_path / "a.png")), str(_page_png(tmp_path / "b.png")), str(bad)])
    dialog.out_dir.setText(str(tmp_path / "out"))
    dialog.split.setChecked(False)
    assert dialog.start() is not None
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60_000)
    assert dialog.progress.value() == 1000
    assert dialog.errors.count() == 1 and "notes.png" in dialog.errors.item(0).text()
    assert sorted(p.name for p in (tmp_path / "out" / "web").iterdir()) == ["a.jpg", "b.jpg"]
    assert dialog.start_button.isEnabled() and not dialog.cancel_button.isEnabled()
    dialog.close()


def test_batch_dialog_cancel(window, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = window.show_page("imaging")
    dialog = page.open_batch(workers=0)
    qtbot.addWidget(dialog)
    src = _page_png(tmp_path / "p.png")
    paths = []
    for i in range(40):
        dst = tmp_path / f"p{i:02d}.png"
        dst.write_bytes(src.read_bytes())
        paths.append(str(dst))
    dialog.add_paths(paths)
    dialog.out_dir.setText(str(tmp_path / "out"))
    dialog.start()
    dialog.cancel()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60_000)
    assert dialog.report.cancelled and len(dialog.report.ok) < 40
    assert (tmp_path / "out" / "report.json").exists()
    dialog.close()


def test_census_editor_images_tab_is_fed(window, org, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    census = window.pages["census"]
    app = org["census_a"]
    rid = record(app)
    app.images.add_to_record(_page_png(tmp_path / "a.png"), rid, "牌記", "內封")
    editor = census.open_editor(rid)
    qtbot.addWidget(editor)
    if not hasattr(editor, "set_images"):
        pytest.skip("the census editor has no images hook")
    assert editor.images_list.count() == 1 and "內封" in editor.images_list.item(0).text()
    # double-clicking the image in the editor shows it on the imaging page
    from guji.gui.qt import Qt

    item = editor.images_list.item(0)
    editor.images_list.itemDoubleClicked.emit(item)
    page = window.pages["imaging"]
    assert window.stack.currentWidget() is page and page.record_id == rid
    assert page.image_id == item.data(Qt.ItemDataRole.UserRole).image_id
    editor.close()


def test_typed_resolution_measures_a_scan_without_one(window, org, qtbot) -> None:  # type: ignore[no-untyped-def]
    app = org["census_a"]
    rid = record(app)
    att = app.images.add_to_record(SCANS / "book2" / "1.png", rid)  # uncut leaf, no DPI in the file
    page = window.show_page("imaging")
    page.show_record(rid)
    qtbot.waitUntil(lambda: page.viewer.has_overlay("split") and page.viewer.pixmap_item is not None,
                    timeout=60_000)
    assert "厘米" not in page.info.text() and "像素" in page.info.text()  # px only, no resolution
    qtbot.waitUntil(lambda: not page.images_list.item(0).icon().isNull(), timeout=20_000)  # thumbnail
    page.dpi_spin.setValue(200)
    assert page.shown_analysis()["dpi"] == 200 and len(page.viewer.overlay_items["frames"]) == 2  # + size label
    page.apply_button.click()
    d = app.census.get_record(rid).data
    assert d.frame_is_half is True and d.frame_width_cm is not None
    assert app.images.stored_analysis(att.image.id)["dpi"] is None  # the stored analysis keeps the file's
