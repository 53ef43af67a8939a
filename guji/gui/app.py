"""``guji-desktop``: start the desktop (login, main window), or take a screenshot of it."""

from __future__ import annotations

import argparse
import os
import sys

from guji import __version__


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="guji-desktop", description="guji desktop")
    p.add_argument("--version", action="version", version=f"guji {__version__}")
    p.add_argument("--db", metavar="URL", help="database URL or SQLite file (default: GUJI_DB, else the per-user file)")
    p.add_argument("--user", metavar="NAME", help="sign in as NAME with the password in GUJI_PASSWORD (no dialog)")
    p.add_argument("--demo", action="store_true",
                   help="use a demo database (created with demo data if missing) and sign in as its demo administrator")
    p.add_argument("--first-run-demo", action="store_true",
                   help="on a machine with no database yet, create it with demo data (what `make run` does)")
    p.add_argument("--screenshot", metavar="PATH", help="open the main window, save a PNG of it and exit")
    p.add_argument("--page", default=None, help="page to show first (census, restoration, imaging, export, admin)")
    p.add_argument("--lang", default=os.environ.get("GUJI_LANG", "zh_CN"), help="zh_CN (default) or en")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Qt must be imported only after argparse handled --help/--version, so that
    # those work on a machine without a display.
    from guji.gui.qt import QApplication

    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)  # the only application object this process creates
    from guji.gui.startup import start

    return start(qapp, args)


if __name__ == "__main__":
    sys.exit(main())
