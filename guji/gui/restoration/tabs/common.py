"""Helpers shared by the restoration tabs: read-only tables and number and grade text."""

from __future__ import annotations

from typing import Any

from guji.gui.qt import (
    Qt,
    QTableWidget,
    QTableWidgetItem,
    read_only_table,
)

table = read_only_table  # the tabs' name for it


def fill(t: QTableWidget, rows: list[list[Any]], data: list[Any] | None = None) -> None:
    """Show ``rows`` in ``t``; ``data[r]`` (when given) is the UserRole data of row r's cells."""
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if data is not None:
                item.setData(Qt.ItemDataRole.UserRole, data[r])
            t.setItem(r, c, item)
    t.resizeColumnsToContents()


def num(v: Any, places: int = 2) -> str:
    if v is None:
        return "—"
    return f"{float(v):.{places}f}"


def grade_zh(code: str | None) -> str:
    """The damage grade's name (DA/T 64.1 profile); a centre profile's code shows as itself."""
    if not code:
        return "—"
    from restoration.grading import dat64_profile

    try:
        return dat64_profile().grade(code).zh
    except Exception:  # noqa: BLE001 - a centre profile's code shows as itself
        return code
