"""修复方案: the job's treatment plan as stored, and the form that saves a new version of it."""

from __future__ import annotations

from guji.gui.qt import (
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
    pyqtSignal,
)
from restoration.views import JobArchive, PlanInput
from restoration.vocab import RestorationVocab


class PlanTab(QWidget):
    """``save_requested(PlanInput)``: save the plan of the form."""

    save_requested = pyqtSignal(object)

    def __init__(self, vocab: RestorationVocab):
        super().__init__()
        self.vocab = vocab
        lay = QVBoxLayout(self)
        self.plan_label = QLabel()
        self.plan_label.setWordWrap(True)
        self.plan_label.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.plan_label)
        box = QGroupBox(self.tr("Edit plan"))
        form = QHBoxLayout(box)
        self.plan_ops = QListWidget()
        for term in self.vocab.terms("operations"):
            it = QListWidgetItem(term.zh)
            it.setData(Qt.ItemDataRole.UserRole, term.code)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Unchecked)
            self.plan_ops.addItem(it)
        form.addWidget(self.plan_ops, 1)
        f = QFormLayout()
        self.plan_hours = QDoubleSpinBox()
        self.plan_hours.setRange(0, 99999)
        self.plan_leaves = QSpinBox()
        self.plan_leaves.setRange(0, 1000000)
        self.plan_description = QLineEdit()
        f.addRow(self.tr("Estimated hours"), self.plan_hours)
        f.addRow(self.tr("Planned leaves"), self.plan_leaves)
        f.addRow(self.tr("Description"), self.plan_description)
        b = QPushButton(self.tr("Save plan"))
        b.clicked.connect(self.save)
        f.addRow(b)
        form.addLayout(f, 2)
        lay.addWidget(box, 1)

    def _op_items(self) -> list[QListWidgetItem]:
        """The operation check items (item(i) is None only for i out of range)."""
        items = [self.plan_ops.item(i) for i in range(self.plan_ops.count())]
        return [it for it in items if it is not None]

    def plan_input(self) -> PlanInput:
        ops = [it.data(Qt.ItemDataRole.UserRole) for it in self._op_items()
               if it.checkState() == Qt.CheckState.Checked]
        return PlanInput(operations=ops, estimated_hours=f"{self.plan_hours.value():.2f}",
                         planned_leaves=self.plan_leaves.value() or None,
                         description=self.plan_description.text().strip() or None)

    def save(self) -> None:
        self.save_requested.emit(self.plan_input())

    def show_archive(self, arch: JobArchive) -> None:
        v = self.vocab
        if not arch.plan:
            self.plan_label.setText(self.tr("No plan yet"))
            return
        pl = arch.plan
        ops = "、".join(v.label("operations", o) for o in pl.operations)
        mats = "；".join(f"{m.name} {m.quantity.normalize():f} {m.unit}" for m in pl.materials) or "—"
        approved = (pl.approved_by + " " + pl.approved_at.strftime("%Y-%m-%d")) if pl.approved_by and pl.approved_at \
            else self.tr("not yet")
        self.plan_label.setText(
            f"<p><b>{self.tr('Operations')}</b>：{ops}</p><p><b>{self.tr('Materials')}</b>：{mats}</p>"
            f"<p><b>{self.tr('Estimated hours')}</b>：{pl.estimated_hours or '—'}　"
            f"<b>{self.tr('Planned leaves')}</b>：{pl.planned_leaves or '—'}</p>"
            f"<p>{pl.description or ''}</p><p><b>{self.tr('Approved')}</b>：{approved}</p>")
        chosen = set(pl.operations)
        for it in self._op_items():
            it.setCheckState(Qt.CheckState.Checked if it.data(Qt.ItemDataRole.UserRole) in chosen
                             else Qt.CheckState.Unchecked)
        self.plan_hours.setValue(float(pl.estimated_hours or 0))
        self.plan_leaves.setValue(pl.planned_leaves or 0)
        self.plan_description.setText(pl.description or "")
