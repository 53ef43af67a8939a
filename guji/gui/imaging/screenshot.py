"""A screenshot of the imaging page with a scan and its overlays (for the docs and for checking by eye).

    python -m guji.gui.imaging.screenshot SCAN OUT.png [--dpi N] [--zoom-frame]

Builds a throw-away database (one institution, one census user, one record), attaches the scan to
the record, shows it on the imaging page, waits for the analysis overlays, and saves the window.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m guji.gui.imaging.screenshot")
    p.add_argument("scan")
    p.add_argument("out")
    p.add_argument("--size", default="1400x900", help="window size WxH")
    p.add_argument("--apply", action="store_true", help="also press 'apply measured frame size'")
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = tempfile.mkdtemp(prefix="guji-shot-")
    os.environ["GUJI_HOME"] = home

    from guji.app import Guji
    from guji.census.record import RecordData
    from guji.db import migrate
    from guji.db.engine import Database
    from guji.gui import fonts, i18n
    from guji.gui.qt import QApplication
    from guji.services import auth

    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)  # the only application object this process creates
    fonts.apply_app_font(qapp)
    i18n.install(os.environ.get("GUJI_LANG", "zh_CN"))
    db = Database.open(os.path.join(home, "shot.sqlite3"), create=True)
    migrate.upgrade(db)
    admin = Guji(db, auth.bootstrap_admin(db, "admin", "admin-pass-1", "管理員"))
    admin.institutions.add_institution("遼寧省圖書館", "210000", "0101")
    admin.users.add_user("zhang.census", "secret-pass-1", ["census"], institution="210000-0101", full_name="張著錄")
    app = Guji.sign_in(db, "zhang.census", "secret-pass-1")
    rec = app.census.register_book(RecordData(title="墨子十五卷", author_statement="（周）墨翟撰",
                                              edition_statement="清乾隆三十年武英殿刻本", volumes=4))
    app.images.add_to_record(args.scan, rec.id, "卷端", "卷一首葉")

    from guji.gui.imaging.page import ImagingPage
    from guji.gui.mainwindow import MainWindow
    from guji.gui.worker import DbWorker

    window = MainWindow(app, DbWorker())
    w, h = (int(v) for v in args.size.split("x"))
    window.resize(w, h)
    page = window.show_page("imaging")
    assert isinstance(page, ImagingPage)
    window.show()
    page.show_record(rec.id)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (page.viewer.has_overlay("frames") or "failed" in page.info.text()):
        qapp.processEvents()
        time.sleep(0.02)
    if args.apply:
        page.apply_frame()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not page.apply_result.text():
            qapp.processEvents()
            time.sleep(0.02)
    for _ in range(20):
        qapp.processEvents()
        time.sleep(0.01)
    ok = window.grab().save(args.out, "PNG")
    print(f"{args.out}: {'saved' if ok else 'NOT saved'}; {page.info.text()}")
    page.shutdown()
    window.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
