"""Saying that a save was refused as stale: who changed the data, when, and what happens now.

Used where no merge is offered (restoration jobs, review steps, grade confirmation): the
person reads who changed it and when, and the page shows the data as it is now.
The census record editor offers more (:mod:`guji.gui.census.stale_dialog`).
"""

from __future__ import annotations

from guji.errors import Conflict
from guji.gui.qt import QCoreApplication, QWidget
from guji.gui.worker import show_error
from guji.services.versions import StaleEdit, local_time


def who_when(exc: StaleEdit) -> str:
    """"Changed by 王二（census.a2） at 2026-03-01 10:02." (or that someone else changed it)."""
    if exc.who is None:
        return QCoreApplication.translate("StaleNotice", "Someone else changed it after you opened it.")
    return (QCoreApplication.translate("StaleNotice", "Changed by %1 at %2.")
            .replace("%1", exc.who).replace("%2", local_time(exc.when)))


def show_stale(parent: QWidget | None, exc: StaleEdit, what_now: str) -> str:
    """Show who changed it and when, and ``what_now`` (e.g. "the job has been reloaded"); returns the text."""
    text = f"{who_when(exc)}\n{what_now}"
    show_error(parent, Conflict(text), QCoreApplication.translate("StaleNotice", "Changed by someone else"))
    return text
