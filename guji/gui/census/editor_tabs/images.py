"""影像: the page images (书影) of a record, as the imaging page gives them."""

from __future__ import annotations

from typing import Any

from guji.gui.qt import QLabel, QListWidget, QListWidgetItem, Qt, QVBoxLayout, QWidget, pyqtSignal


class ImagesTab(QWidget):
    """``image_activated(image)``: an image was double-clicked (the object given to :meth:`set_images`)."""

    image_activated = pyqtSignal(object)

    def __init__(self) -> None:
        super().__init__()
        self.images: list[Any] = []
        col = QVBoxLayout(self)
        self.images_note = QLabel(self.tr("Page images of this record (书影) appear here once imaging is connected."))
        self.images_note.setWordWrap(True)
        col.addWidget(self.images_note)
        self.images_list = QListWidget()
        self.images_list.setObjectName("images")
        self.images_list.itemDoubleClicked.connect(
            lambda item: self.image_activated.emit(item.data(Qt.ItemDataRole.UserRole)))
        col.addWidget(self.images_list, 1)

    def set_images(self, images: list[Any]) -> None:
        """Show ``images`` (objects with ``label``/``path``, or strings); an item's UserRole data is the
        object given, for the imaging page to open."""
        self.images = list(images)
        self.images_note.setVisible(not self.images)
        self.images_list.clear()
        for img in self.images:
            text = getattr(img, "label", None) or getattr(img, "path", None) or str(img)
            item = QListWidgetItem(str(text))
            item.setData(Qt.ItemDataRole.UserRole, img)
            self.images_list.addItem(item)
