"""pH: the job's measured pH sets with their statistics and chart, and the grid of a new set."""

from __future__ import annotations

from guji.gui.qt import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    pyqtSignal,
)
from guji.gui.restoration.charts import PhChart
from guji.gui.restoration.grids import PhGrid, stats_text
from guji.gui.restoration.tabs.common import fill, num, table
from restoration.views import JobArchive, PhSetInput
from restoration.vocab import RestorationVocab


class PhTab(QWidget):
    """``save_requested(PhSetInput)``: record the set in the grid."""

    save_requested = pyqtSignal(object)

    def __init__(self, vocab: RestorationVocab):
        super().__init__()
        self.vocab = vocab
        lay = QHBoxLayout(self)
        left = QVBoxLayout()
        self.ph_sets = table([self.tr("Set"), self.tr("Date"), "n", self.tr("Mean"), self.tr("Min"), self.tr("Max"),
                              "SD", self.tr("Acidic")])
        left.addWidget(self.ph_sets, 1)
        self.ph_chart = PhChart()
        self.ph_chart.setObjectName("ph_chart")
        left.addWidget(self.ph_chart, 1)
        lay.addLayout(left, 3)
        box = QGroupBox(self.tr("New pH set"))
        form = QVBoxLayout(box)
        f = QFormLayout()
        self.ph_kind = QComboBox()
        for t in self.vocab.terms("ph_set_kinds"):
            self.ph_kind.addItem(t.zh, t.code)
        self.ph_method = QComboBox()
        for t in self.vocab.terms("ph_methods"):
            self.ph_method.addItem(t.zh, t.code)
        self.ph_instrument = QLineEdit()
        f.addRow(self.tr("Stage"), self.ph_kind)
        f.addRow(self.tr("Method"), self.ph_method)
        f.addRow(self.tr("Instrument"), self.ph_instrument)
        form.addLayout(f)
        self.ph_grid = PhGrid()
        self.ph_grid.setObjectName("ph_grid")
        form.addWidget(self.ph_grid, 1)
        self.ph_stats = QLabel(stats_text(self.ph_grid.statistics()))
        self.ph_stats.setObjectName("ph_stats")
        self.ph_stats.setWordWrap(True)
        self.ph_grid.stats_changed.connect(lambda st: self.ph_stats.setText(stats_text(st)))
        form.addWidget(self.ph_stats)
        b = QPushButton(self.tr("Save pH set"))
        b.clicked.connect(self.save)
        form.addWidget(b)
        lay.addWidget(box, 2)

    def save(self) -> None:
        self.save_requested.emit(PhSetInput(kind=self.ph_kind.currentData(), method=self.ph_method.currentData(),
                                            points=self.ph_grid.raw_points(),
                                            instrument=self.ph_instrument.text().strip() or None))

    def saved(self) -> None:
        """The set was recorded: empty the grid for the next one."""
        self.ph_grid.clear_points()

    def show_archive(self, arch: JobArchive) -> None:
        v = self.vocab
        fill(self.ph_sets, [[v.label("ph_set_kinds", s.kind), s.measured_on, s.stats.n, num(s.stats.mean),
                             num(s.stats.minimum), num(s.stats.maximum), num(s.stats.stdev),
                             len(s.stats.acidic)] for s in arch.ph_sets])
        self.ph_grid.set_threshold(arch.acid_threshold)
        self.ph_chart.set_data([(c.leaf, c.earlier_mean, c.later_mean) for c in arch.ph_comparison],
                               arch.acid_threshold)
