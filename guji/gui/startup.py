"""From command-line arguments to a signed-in main window (or a clear error dialog)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from guji.app import Guji
from guji.db.engine import Database, resolve_url
from guji.errors import GujiError
from guji.gui import fonts, i18n
from guji.gui.qt import QApplication, QMessageBox, QTimer
from guji.paths import user_data_dir

if TYPE_CHECKING:
    from guji.gui.mainwindow import MainWindow


def _fail(message: str) -> int:
    print(f"guji-desktop: error: {message}", file=sys.stderr)
    if QApplication.platformName() not in ("offscreen", "minimal"):
        QMessageBox.critical(None, "guji", message)
    return 1


def _demo_db_url(args: argparse.Namespace) -> str:
    if args.db:
        return args.db
    return str(user_data_dir() / "demo.sqlite3")


def _open_or_create_demo(url: str) -> Guji:
    """Open ``url``; if it has no schema yet, create it with the demo data. Sign in as the demo user."""
    from guji.demo import DEMO_LOGIN, DEMO_PASSWORD, create_demo_database

    resolved = resolve_url(url)
    path = resolved.database if resolved.get_backend_name() == "sqlite" else None
    if path and not Path(path).exists():
        return create_demo_database(url)
    db = Database.open(url)
    from guji.db.migrate import current_revision

    if current_revision(db) is None:
        db.dispose()
        return create_demo_database(url)
    return Guji.sign_in(db, DEMO_LOGIN, DEMO_PASSWORD)


def start(qapp: QApplication, args: argparse.Namespace) -> int:
    qapp.setApplicationName("guji")
    qapp.setOrganizationName("guji")
    fonts.apply_app_font(qapp)
    i18n.install(args.lang)

    app: Guji | None = None
    try:
        if args.demo:
            app = _open_or_create_demo(_demo_db_url(args))
        elif args.first_run_demo and not args.db and not os.environ.get("GUJI_DB") \
                and not (user_data_dir() / "guji.sqlite3").exists():
            app = _open_or_create_demo(str(user_data_dir() / "guji.sqlite3"))
        else:
            db = Database.open(args.db)
            from guji.db.migrate import check_schema

            if not db.anonymous:  # a desk of a shared database reads nothing before signing in
                check_schema(db)
            login = args.user or os.environ.get("GUJI_USER")
            password = os.environ.get("GUJI_PASSWORD")
            if login and password is not None:
                app = Guji.sign_in(db, login, password)
            elif args.screenshot:
                return _fail("--screenshot needs --user NAME and GUJI_PASSWORD (or --demo)")
            else:
                from guji.gui.login import LoginDialog

                dialog = LoginDialog(db, login or ("demo" if args.first_run_demo else ""))
                if not dialog.exec() or dialog.app is None:
                    return 0
                app = dialog.app
    except GujiError as exc:
        return _fail(str(exc))

    from guji.gui.mainwindow import MainWindow

    window = MainWindow(app)
    if args.page:
        if args.page not in window.pages:
            return _fail(f"no page {args.page!r}; pages are {', '.join(window.pages)}")
        window.show_page(args.page)
    window.show()
    if args.screenshot:
        return _screenshot(qapp, window, args.screenshot)
    code = qapp.exec()
    return int(code)


def _screenshot(qapp: QApplication, window: MainWindow, path: str) -> int:
    """Let the queued database jobs and layouts settle, then grab the window."""
    deadline = 200  # × 25 ms = 5 s at most for the pages to load their data
    for _ in range(deadline):
        qapp.processEvents()
        if not window.ops.busy():
            break
        QTimer.singleShot(25, lambda: None)
        qapp.processEvents()
        import time

        time.sleep(0.025)
    for _ in range(5):
        qapp.processEvents()
    ok = window.grab().save(path)
    window.close()
    if not ok:
        return _fail(f"cannot write the screenshot {path}")
    print(path)
    return 0
