"""The 照片 tab of the restoration page: real scans added through the tab land in the image store and the
job (the service lists them) and show side by side per leaf; a refused file (corrupt, a bad leaf, a
duplicate) is shown in the tab with nothing written; users who may not add see the button disabled."""

from __future__ import annotations

from pathlib import Path

import pytest

from guji.app import Guji
from guji.gui.qt import QFileDialog, Qt
from tests.conftest import SCANS
from tests.gui.test_restoration_page import window_for
from tests.restoration.conftest import open_job, to_state

BEFORE = SCANS / "book4" / "1.jpg"  # 600 dpi colour half-leaf, 3213 × 5811
AFTER = SCANS / "book1" / "1.png"  # black-and-white half-leaf


@pytest.fixture(autouse=True)
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An image store of this test's own."""
    root = tmp_path / "store"
    monkeypatch.setenv("GUJI_IMAGE_STORE", str(root))
    return root


def photos_tab(page):  # type: ignore[no-untyped-def]
    for i in range(page.tabs.count()):
        if page.tabs.tabText(i) == "照片":
            page.tabs.setCurrentIndex(i)
            return page.photos_tab
    raise AssertionError("no 照片 tab")


def pick(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    """The file dialog returns ``paths`` (as if chosen)."""
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(p) for p in paths], "")))


def add_through_tab(qtbot, monkeypatch, tab, path: Path, stage: str, leaf: str = "", caption: str = "") -> None:  # type: ignore[no-untyped-def]
    tab.stage.setCurrentIndex(tab.stage.findData(stage))
    tab.leaf.setText(leaf)
    tab.caption.setText(caption)
    pick(monkeypatch, path)
    assert tab.add_button.isEnabled()
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)


def test_before_and_after_side_by_side(gui_app, org: dict[str, Guji], qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    jid = open_job(org)
    w, page = window_for(org["restorer_a"], qtbot)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    tab = photos_tab(page)
    assert "尚无照片" in tab.summary.text() and tab.grid.rowCount() == 0
    assert tab.add_button.text() == "添加照片…" and tab.add_button.isEnabled()

    add_through_tab(qtbot, monkeypatch, tab, BEFORE, "before", "1", "虫蛀、书脑残缺")
    assert "已添加 1 张照片" in tab.message.text()
    add_through_tab(qtbot, monkeypatch, tab, AFTER, "after", "1", "补洞后")

    photos = org["restorer_a"].restoration.photos(jid)
    assert [(p.stage, p.leaf, p.caption) for p in photos] == [("before", "1", "虫蛀、书脑残缺"),
                                                              ("after", "1", "补洞后")]
    assert all(p.image_path and Path(p.image_path).is_file() for p in photos)
    # one row for leaf 1: before in the first column, after in the third, nothing during
    g = tab.grid
    assert g.rowCount() == 1 and g.verticalHeaderItem(0).text() == "叶 1"
    assert [g.horizontalHeaderItem(c).text() for c in range(3)] == ["修复前", "修复中", "修复后"]
    assert g.photo_at(0, 0).id == photos[0].id and g.photo_at(0, 2).id == photos[1].id
    assert g.photo_at(0, 1) is None
    assert "2 张照片" in tab.summary.text()
    # thumbnails are decoded off the GUI thread and arrive by signal
    qtbot.waitUntil(tab.thumbnails_ready, timeout=30_000)
    for c in (0, 2):
        icon = g.item(0, c).icon()
        assert not icon.isNull()
        size = icon.availableSizes()[0]
        assert max(size.width(), size.height()) <= 180
    assert g.item(0, 0).text() == "虫蛀、书脑残缺"
    tab.grab().save("/tmp/photos.png")
    w.grab().save("/tmp/photos_window.png")

    # a second "before" of leaf 1 takes a second row of that leaf; a photo of leaf 2 its own row
    add_through_tab(qtbot, monkeypatch, tab, AFTER, "before", "1")
    add_through_tab(qtbot, monkeypatch, tab, BEFORE, "during", "2")
    assert g.rowCount() == 3
    assert [g.verticalHeaderItem(r).text() for r in range(3)] == ["叶 1", "叶 1", "叶 2"]
    assert g.photo_at(1, 0).stage == "before" and g.photo_at(1, 2) is None and g.photo_at(2, 1).leaf == "2"

    # double-click opens the photograph larger
    rect = g.visualItemRect(g.item(0, 0))
    # a real double-click: press/release, then the double-click event (the view wants the press first)
    qtbot.mouseClick(g.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(g.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dlg = tab.viewer_dialog
    assert dlg is not None and dlg.isVisible() and dlg.photo.id == photos[0].id
    with qtbot.waitSignal(dlg.loaded, timeout=30_000):
        pass
    assert dlg.viewer.pixmap_item is not None
    assert max(dlg.viewer.image_size) == 2400  # scaled from 5811 px, not the full master
    dlg.grab().save("/tmp/photo_viewer.png")
    dlg.close()
    assert tab.viewer_dialog is None


def test_refusals_are_shown_and_nothing_is_added(gui_app, org: dict[str, Guji], qtbot, monkeypatch,  # type: ignore[no-untyped-def]
                                                 tmp_path: Path) -> None:
    jid = open_job(org)
    r = org["restorer_a"].restoration
    _w, page = window_for(org["restorer_a"], qtbot)
    tab = photos_tab(page)

    bad = tmp_path / "corrupt.jpg"
    bad.write_bytes(b"\x13\x37 not an image at all " * 40)
    add_through_tab(qtbot, monkeypatch, tab, bad, "before", "1")
    text = tab.message.text()
    assert "corrupt.jpg" in text and "文件" in text and "未添加任何照片" in text
    assert tab.message.styleSheet() and tab.grid.rowCount() == 0
    assert r.photos(jid) == []
    assert tab.add_button.isEnabled()  # nothing changed: the user may try again

    # a field problem marks the field
    add_through_tab(qtbot, monkeypatch, tab, bad, "before", "叶" * 41)
    assert "叶：" in tab.message.text() and "40" in tab.message.text()
    assert tab.problem_fields() == ["leaf"]
    assert r.photos(jid) == []
    tab.resize(1000, 500)
    tab.grab().save("/tmp/photos_refused.png")
    tab.leaf.textEdited.emit("1")  # editing the field clears the mark
    assert tab.problem_fields() == []

    # the same image at the same stage and leaf twice: a Conflict, the first one stays alone
    good = tmp_path / "good.png"
    from PIL import Image

    Image.new("RGB", (120, 80), (220, 200, 160)).save(good)
    add_through_tab(qtbot, monkeypatch, tab, good, "before", "1")
    assert len(r.photos(jid)) == 1 and tab.grid.rowCount() == 1
    add_through_tab(qtbot, monkeypatch, tab, good, "before", "1")
    assert "拒绝" in tab.message.text() and "already a before photograph" in tab.message.text()
    assert len(r.photos(jid)) == 1 and tab.grid.rowCount() == 1

    # several files at once: the corrupt one is refused, the other added
    other = tmp_path / "other.png"
    Image.new("RGB", (80, 120), (120, 100, 60)).save(other)
    tab.leaf.setText("2")
    pick(monkeypatch, bad, other)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert "已添加 1 张照片" in tab.message.text() and "corrupt.jpg" in tab.message.text()
    assert [(p.leaf, p.sha256) for p in r.photos(jid)][1][0] == "2" and len(r.photos(jid)) == 2


def test_who_may_not_add_sees_the_button_disabled(gui_app, org: dict[str, Guji], qtbot) -> None:  # type: ignore[no-untyped-def]
    jid = open_job(org)
    _w, page = window_for(org["reviewer_a"], qtbot)
    assert page.job_id == jid
    tab = photos_tab(page)
    assert not tab.add_button.isEnabled() and "修复师" in tab.add_button.toolTip()

    # a closed (locked) job: its restorer may not add either
    to_state(org, jid, "closed")
    _w2, page2 = window_for(org["restorer_a"], qtbot)
    tab2 = photos_tab(page2)
    assert page2.job_id == jid and not tab2.add_button.isEnabled() and "锁定" in tab2.add_button.toolTip()
