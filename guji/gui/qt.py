"""Every Qt import of the desktop goes through here (one place for version checks and work-arounds)."""

from __future__ import annotations

from PyQt6.QtCore import (  # noqa: F401
    QAbstractItemModel,
    QAbstractTableModel,
    QByteArray,
    QCoreApplication,
    QDate,
    QEvent,
    QItemSelectionModel,
    QLibraryInfo,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSettings,
    QSize,
    QSizeF,
    QSortFilterProxyModel,
    Qt,
    QThread,
    QTimer,
    QTranslator,
    QUrl,
    pyqtSignal,
    pyqtSlot,
)
from PyQt6.QtGui import (  # noqa: F401
    QAction,
    QBrush,
    QCloseEvent,
    QColor,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QIcon,
    QImage,
    QInputMethodEvent,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
    QShortcut,
    QShowEvent,
    QStandardItem,
    QStandardItemModel,
    QTransform,
    QValidator,
    QWheelEvent,
)
from PyQt6.QtWidgets import (  # noqa: F401
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPixmapItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QStatusBar,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QTextEdit,
    QToolBar,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)


# PyQt6 types the header getters as Optional, but a QTableView creates both headers in its
# constructor and only a setter could replace them; these return them with that checked.
def horizontal_header(view: QTableView) -> QHeaderView:
    header = view.horizontalHeader()
    assert header is not None
    return header


def vertical_header(view: QTableView) -> QHeaderView:
    header = view.verticalHeader()
    assert header is not None
    return header


def read_only_table(headers: list[str]) -> QTableWidget:
    """A read-only table selecting whole rows, its last column stretched."""
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    vertical_header(t).setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    horizontal_header(t).setStretchLastSection(True)
    horizontal_header(t).setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return t
