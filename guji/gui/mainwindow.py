"""The main window: navigation on the left (普查登记 / 修复档案 / 影像 / 导出 / 管理), pages on the right."""

from __future__ import annotations

from collections.abc import Callable

from guji.app import Guji
from guji.gui.census.page import CensusPage
from guji.gui.export.page import ExportPage
from guji.gui.imaging.page import ImagingPage
from guji.gui.ops import Ops
from guji.gui.pages import AdminPage, Page
from guji.gui.qt import (
    QAction,
    QCloseEvent,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSize,
    QStackedWidget,
    Qt,
    QWidget,
)
from guji.gui.restoration.page import RestorationPage
from guji.gui.worker import DbWorker
from guji.models.user import ROLE_LABELS_ZH

# The pages of the navigation, in order (the administration page follows them).
PAGES: tuple[type[Page], ...] = (CensusPage, RestorationPage, ImagingPage, ExportPage)


class MainWindow(QMainWindow):
    def __init__(self, app: Guji, worker: DbWorker | None = None):
        """``worker``: the browse lane (tests pass an inline one); the long lane follows its kind."""
        super().__init__()
        self.app = app
        self.ops = Ops(app, worker)
        self.worker = self.ops.browse
        self.setWindowTitle(self.tr("guji — ancient books census, restoration and imaging"))
        self.resize(QSize(1280, 800))

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(150)
        self.nav.setStyleSheet("QListWidget { font-size: 12pt; } QListWidget::item { padding: 8px; }")
        self.stack = QStackedWidget()
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.pages: dict[str, Page] = {}
        for page_class in PAGES:
            self.add_page(page_class(self))
        self.add_page(AdminPage(self))
        self.nav.currentRowChanged.connect(self._show_page)
        self.nav.setCurrentRow(0)

        status = self.statusBar()
        assert status is not None  # QMainWindow.statusBar() creates the bar on first use
        actor = app.actor
        roles = "、".join(ROLE_LABELS_ZH[r] for r in sorted(actor.roles, key=lambda r: r.value))
        self.db_label = QLabel(self.tr("Database: %1").replace("%1", app.db.name))
        self.db_label.setObjectName("db_label")
        self.user_label = QLabel(
            self.tr("User: %1 (%2) %3").replace("%1", actor.full_name or actor.login).replace("%2", roles)
            .replace("%3", actor.institution_name or self.tr("provincial centre"))
        )
        self.user_label.setObjectName("user_label")
        status.addWidget(self.db_label, 1)
        status.addPermanentWidget(self.user_label)

        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.addAction(quit_action)
        self.refresh_all()

    def add_page(self, page: Page) -> None:
        self.pages[page.nav_key] = page
        item = QListWidgetItem(page.nav_title())
        item.setData(Qt.ItemDataRole.UserRole, page.nav_key)
        self.nav.addItem(item)
        self.stack.addWidget(page)

    def _show_page(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentIndex(row)

    def show_page(self, key: str) -> Page:
        keys = list(self.pages)
        self.nav.setCurrentRow(keys.index(key))
        return self.pages[key]

    def show_status(self, text: str, timeout_ms: int) -> None:
        """A passing message in the status bar."""
        status = self.statusBar()
        assert status is not None  # QMainWindow.statusBar() creates the bar on first use
        status.showMessage(text, timeout_ms)

    def refresh_all(self) -> None:
        for page in self.pages.values():
            page.refresh(None)

    def closeEvent(self, event: QCloseEvent | None) -> None:  # noqa: N802 - Qt API
        self.ops.stop()
        super().closeEvent(event)


PageFactory = Callable[[MainWindow], Page]
