"""The desktop shell: fonts, translation, sign-in, main window, screenshot, errors (offscreen)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from guji.app import Guji
from tests.conftest import PASSWORD

pytestmark = pytest.mark.gui

SAMPLE = "普查登記萬曆刻本鈐印修復档案"


def test_bundled_font_covers_chinese(gui_app) -> None:  # type: ignore[no-untyped-def]
    from guji.gui import fonts
    from guji.gui.qt import QFont, QFontMetrics

    families = fonts.register_fonts()
    assert fonts.PRIMARY_FAMILY in families
    assert gui_app.font().family() == fonts.PRIMARY_FAMILY
    metrics = QFontMetrics(QFont(fonts.PRIMARY_FAMILY))
    assert all(metrics.inFontUcs4(ord(c)) for c in SAMPLE)


def test_text_is_drawn_not_boxes(gui_app) -> None:  # type: ignore[no-untyped-def]
    """Two different characters must draw different pixels (tofu boxes all look alike)."""
    from guji.gui.qt import QColor, QFont, QImage, QPainter, Qt

    def draw(ch: str) -> bytes:
        img = QImage(64, 64, QImage.Format.Format_Grayscale8)
        img.fill(QColor("white"))
        p = QPainter(img)
        f = QFont(gui_app.font())
        f.setPixelSize(48)
        p.setFont(f)
        p.setPen(QColor("black"))
        p.drawText(img.rect(), Qt.AlignmentFlag.AlignCenter, ch)
        p.end()
        ptr = img.constBits()
        ptr.setsize(img.sizeInBytes())
        return bytes(ptr)

    glyphs = {ch: draw(ch) for ch in "萬曆刻本"}
    assert len(set(glyphs.values())) == 4
    assert all(sum(1 for b in g if b < 128) > 60 for g in glyphs.values())


def test_translation_is_installed(gui_app) -> None:  # type: ignore[no-untyped-def]
    from guji.gui.qt import QCoreApplication

    assert QCoreApplication.translate("MainWindow", "Census register") == "普查登记"


def test_main_window_shows_database_and_user(gui_app, org: dict[str, Guji], qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.gui.mainwindow import MainWindow
    from guji.gui.worker import DbWorker

    window = MainWindow(org["census_a"], DbWorker(inline=True))
    qtbot.addWidget(window)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles[0] == "普查登记" and "系统管理" in titles
    assert org["admin"].db.name in window.db_label.text()
    assert "著录员" in window.user_label.text() and "遼寧省圖書館" in window.user_label.text()
    admin_page = window.show_page("admin")
    assert admin_page.institutions.rowCount() == 3
    assert admin_page.users.rowCount() == 3  # a unit's clerk sees the accounts of their own institution


def test_worker_thread_delivers_results_by_signal(gui_app, admin: Guji, qtbot) -> None:  # type: ignore[no-untyped-def]
    import threading

    from guji.gui.worker import DbWorker

    worker = DbWorker()
    seen: dict[str, object] = {}

    def work() -> list[str]:
        seen["thread"] = threading.current_thread().name
        return [u.login for u in admin.users.list_users()]

    job = worker.submit(work)
    with qtbot.waitSignal(job.succeeded, timeout=5000) as blocker:
        pass
    assert blocker.args == [["admin"]]
    assert seen["thread"] != threading.main_thread().name
    worker.stop()


def test_login_dialog(gui_app, org: dict[str, Guji], qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.gui.login import LoginDialog

    dialog = LoginDialog(org["admin"].db, "census.a")
    qtbot.addWidget(dialog)
    dialog.password_edit.setText("wrong")
    assert not dialog.try_sign_in()
    assert "用户名或密码不正确" in dialog.message.text()
    assert dialog.app is None
    dialog.password_edit.setText(PASSWORD)
    assert dialog.try_sign_in()
    assert dialog.app is not None and dialog.app.actor.login == "census.a"


def _desktop(*args: str, env: dict[str, str] | None = None, home: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("guji-desktop")
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin"), "QT_QPA_PLATFORM": "offscreen", "GUJI_HOME": str(home),
                **(env or {})}
    return subprocess.run([str(exe), *args], env=full_env, capture_output=True, text=True, timeout=180)


@pytest.mark.slow
def test_demo_screenshot(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    result = _desktop("--demo", "--screenshot", str(shot), home=tmp_path)
    assert result.returncode == 0, result.stderr
    from PIL import Image

    img = Image.open(shot).convert("L")
    assert img.size[0] >= 1000 and img.size[1] >= 600
    hist = img.histogram()
    assert sum(hist[:128]) > 500  # text and lines were drawn
    assert (tmp_path / "demo.sqlite3").exists()


@pytest.mark.parametrize(
    "args,env,message",
    [
        (["--db", "mysql://u@h/x", "--screenshot", "x.png"], {}, "unsupported database"),
        (["--db", "/nonexistent/x.sqlite3", "--screenshot", "x.png"], {}, "no database at"),
        (["--screenshot", "x.png"], {"GUJI_DB": "{db}"}, "--user"),
        (["--user", "admin", "--screenshot", "x.png"], {"GUJI_DB": "{db}", "GUJI_PASSWORD": "bad"},
         "用户名或密码不正确"),
    ],
)
def test_desktop_errors(tmp_path: Path, admin: Guji, args: list[str], env: dict[str, str], message: str) -> None:
    env = {k: v.replace("{db}", str(admin.db.url.database)) for k, v in env.items()}
    result = _desktop(*args, env=env, home=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr
    assert not (tmp_path / "x.png").exists()


@pytest.mark.slow
def test_first_run_creates_the_embedded_database_with_demo_data(tmp_path: Path) -> None:
    """What `make run` does on a new machine: the per-user SQLite file appears, with demo data."""
    shot = tmp_path / "first.png"
    result = _desktop("--first-run-demo", "--screenshot", str(shot), home=tmp_path)
    assert result.returncode == 0, result.stderr
    db_file = tmp_path / "guji.sqlite3"
    assert db_file.exists() and shot.exists()
    import sqlite3

    con = sqlite3.connect(db_file)
    try:
        assert con.execute("select count(*) from institution").fetchone()[0] >= 3
        assert con.execute("select count(*) from user_account where login = 'demo'").fetchone()[0] == 1
    finally:
        con.close()
    # A second start does not re-create it: without a user it asks for one (here: refuses to screenshot).
    again = _desktop("--first-run-demo", "--screenshot", str(tmp_path / "second.png"), home=tmp_path)
    assert again.returncode == 1 and "--user" in again.stderr
