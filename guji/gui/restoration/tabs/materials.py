"""材料: the institution's materials with their stock (low stock marked), what this job used, and
adding a material or a receipt."""

from __future__ import annotations

from typing import Any

from guji.gui.qt import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    pyqtSignal,
)
from guji.gui.restoration.tabs.common import fill, table
from restoration.views import JobArchive, MaterialInput
from restoration.vocab import RestorationVocab


class MaterialsTab(QWidget):
    """``add_requested(MaterialInput)``: add the material of the form;
    ``receipt_requested(material_id, quantity)``: book a receipt of the selected material."""

    add_requested = pyqtSignal(object)
    receipt_requested = pyqtSignal(int, str)

    def __init__(self, vocab: RestorationVocab):
        super().__init__()
        self.vocab = vocab
        lay = QVBoxLayout(self)
        self.materials = table([self.tr("Name"), self.tr("Kind"), self.tr("Batch"), self.tr("Quantity"),
                                self.tr("Unit"), self.tr("Low stock at"), self.tr("Location")])
        lay.addWidget(self.materials, 1)
        self.used_label = QLabel()
        self.used_label.setWordWrap(True)
        lay.addWidget(self.used_label)
        row = QHBoxLayout()
        self.mat_kind = QComboBox()
        for term in self.vocab.terms("material_kinds"):
            self.mat_kind.addItem(term.zh, term.code)
        self.mat_name = QLineEdit()
        self.mat_name.setPlaceholderText(self.tr("name"))
        self.mat_batch = QLineEdit()
        self.mat_batch.setPlaceholderText(self.tr("batch"))
        self.mat_qty = QDoubleSpinBox()
        self.mat_qty.setRange(0, 1e9)
        self.mat_unit = QLineEdit("张")
        self.mat_unit.setMaximumWidth(50)
        self.mat_low = QDoubleSpinBox()
        self.mat_low.setRange(0, 1e9)
        for wdg in (self.mat_kind, self.mat_name, self.mat_batch, self.mat_qty, self.mat_unit):
            row.addWidget(wdg)
        row.addWidget(QLabel(self.tr("Low stock at")))
        row.addWidget(self.mat_low)
        b = QPushButton(self.tr("Add material"))
        b.clicked.connect(self.add_material)
        row.addWidget(b)
        b = QPushButton(self.tr("Receipt…"))
        b.clicked.connect(self.ask_receipt)
        row.addWidget(b)
        lay.addLayout(row)

    def add_material(self) -> None:
        self.add_requested.emit(MaterialInput(
            kind=self.mat_kind.currentData(), name=self.mat_name.text(), unit=self.mat_unit.text(),
            quantity=f"{self.mat_qty.value():.3f}", batch=self.mat_batch.text().strip() or None,
            low_stock=f"{self.mat_low.value():.3f}" if self.mat_low.value() else None))

    def ask_receipt(self) -> None:
        items = self.materials.selectedItems()
        if not items:
            return
        mid = items[0].data(Qt.ItemDataRole.UserRole)
        qty, ok = QInputDialog.getDouble(self, self.tr("Receipt"), self.tr("Quantity received:"), 1, 0, 1e9, 3)
        if ok and qty > 0:
            self.receipt_requested.emit(mid, f"{qty:.3f}")

    def show_archive(self, arch: JobArchive, materials: list[Any]) -> None:
        v = self.vocab
        fill(self.materials, [[m.name, v.label("material_kinds", m.kind), m.batch or "",
                               f"{m.quantity.normalize():f}", m.unit,
                               f"{m.low_stock.normalize():f}" if m.low_stock is not None else "", m.location or ""]
                              for m in materials], [m.id for m in materials])
        for r, m in enumerate(materials):
            if m.is_low:
                for c in range(self.materials.columnCount()):
                    it = self.materials.item(r, c)
                    if it is not None:
                        it.setBackground(Qt.GlobalColor.yellow)
        self.used_label.setText(self.tr("Used in this job: ") + ("；".join(
            f"{m.name} {m.quantity.normalize():f} {m.unit}" for m in arch.materials_used) or "—"))
