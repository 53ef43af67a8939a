"""The page interface of the main window and the pages of the foundation (overview, administration)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from guji.gui.qt import (
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    read_only_table,
)
from guji.models.user import ROLE_LABELS_ZH, Role
from guji.services.context import Changes

if TYPE_CHECKING:
    from guji.app import Guji
    from guji.gui.mainwindow import MainWindow
    from guji.gui.ops import Ops
    from guji.gui.worker import DbWorker


class Page(QWidget):
    """A page of the main window. ``refresh`` is called with what each operation changed
    (the page subscribes to ``ops.changed``) and with None to reload everything."""

    nav_key = ""

    def __init__(self, window: MainWindow):
        super().__init__()
        self.window_ = window
        window.ops.changed.connect(self.refresh)

    @property
    def app(self) -> Guji:
        return self.window_.app

    @property
    def ops(self) -> Ops:
        return self.window_.ops

    @property
    def worker(self) -> DbWorker:
        """The browse lane (what :meth:`run` uses)."""
        return self.window_.ops.browse

    def nav_title(self) -> str:
        return self.nav_key

    def refresh(self, changes: Changes | None = None) -> None:
        """Reload what this page shows (None: everything)."""

    def run(self, fn: Any, *args: Any, on_done: Any = None, **kwargs: Any) -> Any:
        """``ops.run`` with this page as the parent (busy cursor, error dialog); see :meth:`Ops.run`."""
        return self.ops.run(fn, *args, parent=self, on_done=on_done, **kwargs)


def _fill(table: QTableWidget, rows: list[list[Any]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


class AdminPage(Page):
    """Institutions and user accounts (administrators change them; everyone may look)."""

    nav_key = "admin"

    def nav_title(self) -> str:
        return self.tr("Administration")

    def __init__(self, window: MainWindow):
        super().__init__(window)
        layout = QVBoxLayout(self)
        box = QGroupBox(self.tr("Institutions"))
        bl = QVBoxLayout(box)
        self.institutions = read_only_table([self.tr("Code"), self.tr("Name"), self.tr("Provincial centre")])
        self.institutions.setObjectName("institutions")
        bl.addWidget(self.institutions)
        layout.addWidget(box)
        box = QGroupBox(self.tr("Users"))
        bl = QVBoxLayout(box)
        self.users = read_only_table([self.tr("Login"), self.tr("Name"), self.tr("Roles"), self.tr("Institution"),
                             self.tr("State")])
        self.users.setObjectName("users")
        bl.addWidget(self.users)
        row = QHBoxLayout()
        row.addStretch(1)
        self.reload_button = QPushButton(self.tr("Reload"))
        self.reload_button.clicked.connect(lambda: self.refresh(None))
        row.addWidget(self.reload_button)
        bl.addLayout(row)
        layout.addWidget(box)

    def refresh(self, changes: Changes | None = None) -> None:
        if changes is not None and changes.kind not in ("institution", "user"):
            return
        app = self.app

        def load() -> tuple[list[Any], list[Any]]:
            return app.institutions.list(), app.users.list_users()

        def show(result: tuple[list[Any], list[Any]]) -> None:
            insts, users = result
            _fill(self.institutions, [[i.code, i.name, "✓" if i.is_centre else ""] for i in insts])
            role_order = list(Role)
            _fill(self.users, [
                [u.login, u.full_name, "、".join(ROLE_LABELS_ZH[r] for r in sorted(u.roles, key=role_order.index)),
                 u.institution_name or self.tr("(centre)"), self.tr("active") if u.active else self.tr("disabled")]
                for u in users
            ])

        self.run(load, on_done=show)
