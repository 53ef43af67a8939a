"""The export page (offscreen, real database): run exports with progress, cancel, unavailable formats."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest

from guji.app import Guji
from tests.export.catalogue_data import register_samples

pytestmark = pytest.mark.gui


def window_for(app: Guji, qtbot, *, inline: bool = True):  # type: ignore[no-untyped-def]
    from guji.gui.mainwindow import MainWindow
    from guji.gui.worker import DbWorker

    window = MainWindow(app, DbWorker(inline=inline))
    qtbot.addWidget(window)
    return window, window.show_page("export")


def test_register_pdf_from_the_page(gui_app, org: dict[str, Guji], qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from guji.gui.export.page import ExportPage

    app = org["census_a"]
    register_samples(app)
    _window, page = window_for(app, qtbot)
    assert isinstance(page, ExportPage)
    page.select_kind("register")
    assert not page.images.isVisibleTo(page) and not page.dpi.isVisibleTo(page)
    page.out.setText(str(tmp_path / "register"))  # the suffix is added
    seen: list[int] = []
    page.progress.valueChanged.connect(seen.append)
    page.start.click()
    out = tmp_path / "register.pdf"
    assert out.exists() and page.out.text() == str(out)
    assert page.progress.value() == 1000 and len(seen) > 3
    assert "12" in page.status.text() and str(out) in page.status.text()
    assert page.start.isEnabled() and not page.cancel.isEnabled()
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "墨子十五卷" in text


def test_filters_and_other_kinds(gui_app, org: dict[str, Guji], qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    register_samples(org["census_a"])
    register_samples(org["census_b"], [dict(title="吉林通志一百二十二卷", edition_statement="清光緒刻本", volumes=40)])
    _window, page = window_for(org["centre_reviewer"], qtbot)
    assert page.institution.findData("220000-0101") > 0  # institutions loaded on the worker
    page.institution.setCurrentIndex(page.institution.findData("220000-0101"))
    page.select_kind("marc_iso")
    page.out.setText(str(tmp_path / "b.mrc"))
    page.start.click()
    import pymarc

    with open(tmp_path / "b.mrc", "rb") as fh:
        assert [r["001"].data for r in pymarc.MARCReader(fh, to_unicode=True, force_utf8=True)] == [
            "220000-0101-0000001"]
    page.select_kind("labels")
    assert page.out.text().endswith("b.pdf")  # the suffix follows the kind
    page.state.setCurrentIndex(page.state.findData("centre_approved"))
    page.start.click()
    assert "0" in page.status.text() and (tmp_path / "b.pdf").exists()
    page.select_kind("illustrated")
    assert page.images.isVisibleTo(page) and page.dpi.isVisibleTo(page)


def test_missing_output_and_bad_folder_are_reported(gui_app, org: dict[str, Guji], qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _window, page = window_for(org["census_a"], qtbot)
    page.select_kind("register")
    page.out.setText("")
    assert page.start_export() is None
    assert "输出文件" in page.status.text() or "output file" in page.status.text().lower()
    page.out.setText(str(tmp_path / "no" / "x.pdf"))
    page.start.click()
    assert "does not exist" in page.status.text() and not (tmp_path / "no").exists()
    assert page.start.isEnabled()


def test_cancel_from_the_page(gui_app, org: dict[str, Guji], qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A real export on the threaded worker, held at its first progress report until Cancel is clicked."""
    from guji.gui.export import page as page_module

    register_samples(org["census_a"])
    window, page = window_for(org["census_a"], qtbot, inline=False)
    started = threading.Event()
    real = page_module.run_export

    def gated(*args, progress=None, cancel=None, **kw):  # type: ignore[no-untyped-def]
        def held(fraction: float, message: str) -> None:
            progress(fraction, message)
            started.set()
            cancel.wait(10)

        return real(*args, progress=held, cancel=cancel, **kw)

    monkeypatch.setattr(page_module, "run_export", gated)
    page.select_kind("register")
    out = tmp_path / "c.pdf"
    page.out.setText(str(out))
    page.start.click()
    assert started.wait(10)
    qtbot.waitUntil(lambda: page.cancel.isEnabled(), timeout=5000)
    assert not page.start.isEnabled()
    page.cancel.click()
    qtbot.waitUntil(lambda: page.job is None, timeout=20000)
    assert not out.exists() and list(tmp_path.glob("*.part")) == []
    assert "取消" in page.status.text() or "cancelled" in page.status.text().lower()
    window.ops.stop()


def test_screenshot(gui_app, org: dict[str, Guji], qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window, page = window_for(org["census_a"], qtbot)
    window.resize(1100, 700)
    page.select_kind("illustrated")
    window.show()
    shot = tmp_path / "export.png"
    assert window.grab().save(str(shot)) and shot.stat().st_size > 10_000
