"""子目: the collectanea a record belongs to, what it is bound with, and its parts."""

from __future__ import annotations

from guji.census.record import RecordView
from guji.gui.census.editor_tabs.fields import FieldTab
from guji.gui.qt import QFormLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, Qt, QVBoxLayout, pyqtSignal


class LinksTab(FieldTab):
    """``open_requested(record_id)``: open the linked record (the parent, the one bound with, or a part)."""

    open_requested = pyqtSignal(int)

    def __init__(self) -> None:
        super().__init__()
        self.view: RecordView | None = None
        col = QVBoxLayout(self)
        form = QFormLayout()
        col.addLayout(form)
        self.open_parent_button = QPushButton(self.tr("Open"))
        self.open_parent_button.clicked.connect(lambda: self._open_link("parent"))
        self.add_field(form, "parent_census_number", extra=self.open_parent_button)
        self.open_bound_button = QPushButton(self.tr("Open"))
        self.open_bound_button.clicked.connect(lambda: self._open_link("bound"))
        self.add_field(form, "bound_with_census_number", extra=self.open_bound_button)
        col.addWidget(QLabel(self.tr("Parts (子目) of this collectanea")))
        self.children_list = QListWidget()
        self.children_list.setObjectName("children")
        self.children_list.itemActivated.connect(
            lambda item: self.open_requested.emit(item.data(Qt.ItemDataRole.UserRole)))
        col.addWidget(self.children_list, 1)

    def show_links(self, view: RecordView | None) -> None:
        """The parts and the open buttons of the record as loaded (None: a new record)."""
        self.view = view
        self.children_list.clear()
        for cid, num, title in (view.children if view is not None else ()):
            item = QListWidgetItem(f"{num}　{title}")
            item.setData(Qt.ItemDataRole.UserRole, cid)
            self.children_list.addItem(item)
        self.open_parent_button.setEnabled(view is not None and view.parent_id is not None)
        self.open_bound_button.setEnabled(view is not None and view.bound_with_id is not None)

    def _open_link(self, which: str) -> None:
        if self.view is None:
            return
        rid = self.view.parent_id if which == "parent" else self.view.bound_with_id
        if rid is not None:
            self.open_requested.emit(rid)
