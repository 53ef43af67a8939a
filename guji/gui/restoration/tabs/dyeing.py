"""染纸: the dye recipes (the job's first, then the library), their trials, and the library ranked
against the job's paper colour."""

from __future__ import annotations

from typing import Any

from guji.gui.qt import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
    pyqtSignal,
)
from guji.gui.restoration.grids import TrialGrid
from guji.gui.restoration.recipe_dialog import RecipeLibraryPanel
from restoration.views import JobArchive, TrialInput
from restoration.vocab import RestorationVocab


class DyeingTab(QWidget):
    """``trial_requested(recipe_id, TrialInput)``: record a trial of the chosen recipe;
    ``new_recipe_requested()``: open the recipe form; ``rank_requested((L, a, b))``: rank the library
    against that colour (the answer goes to ``recipe_library.set_matches``)."""

    trial_requested = pyqtSignal(int, object)
    new_recipe_requested = pyqtSignal()
    rank_requested = pyqtSignal(object)

    def __init__(self, vocab: RestorationVocab):
        super().__init__()
        self.vocab = vocab
        self.archive: JobArchive | None = None
        self.library: list[Any] = []
        self.pending_recipe: int | None = None  # selected once the job is shown again (a recipe just made)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        split = QSplitter(Qt.Orientation.Vertical)
        outer.addWidget(split)
        top = QWidget()
        lay = QVBoxLayout(top)
        row = QHBoxLayout()
        self.recipe_combo = QComboBox()
        self.recipe_combo.currentIndexChanged.connect(lambda _i: self._show_recipe())
        row.addWidget(QLabel(self.tr("Recipe")))
        row.addWidget(self.recipe_combo, 1)
        self.new_recipe_button = QPushButton(self.tr("New recipe…"))
        self.new_recipe_button.setObjectName("new_recipe")
        self.new_recipe_button.clicked.connect(self.new_recipe_requested)
        row.addWidget(self.new_recipe_button)
        lay.addLayout(row)
        self.recipe_label = QLabel()
        self.recipe_label.setWordWrap(True)
        lay.addWidget(self.recipe_label)
        self.trials = TrialGrid()
        self.trials.setObjectName("trials")
        lay.addWidget(self.trials, 1)
        row = QHBoxLayout()
        self.trial_lab = []
        for name, lo, hi in (("L*", 0, 100), ("a*", -128, 128), ("b*", -128, 128)):
            sb = QDoubleSpinBox()
            sb.setRange(lo, hi)
            sb.setDecimals(2)
            row.addWidget(QLabel(name))
            row.addWidget(sb)
            self.trial_lab.append(sb)
        self.trial_illuminant = QComboBox()
        for t in self.vocab.terms("illuminant_observers"):
            self.trial_illuminant.addItem(t.zh, t.code)
        row.addWidget(self.trial_illuminant)
        b = QPushButton(self.tr("Record trial"))
        b.clicked.connect(self.record_trial)
        row.addWidget(b)
        lay.addLayout(row)
        split.addWidget(top)
        self.recipe_library = RecipeLibraryPanel()
        self.recipe_library.setObjectName("recipe_library")
        self.recipe_library.rank_requested.connect(self.rank_requested)
        self.recipe_library.open_requested.connect(self.select_recipe)
        split.addWidget(self.recipe_library)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

    def record_trial(self) -> None:
        rid = self.recipe_combo.currentData()
        if rid is None:
            return
        job_id = self.archive.job.id if self.archive is not None else None
        lightness, a, b = (f"{sb.value():.2f}" for sb in self.trial_lab)
        data = TrialInput(measured=(lightness, a, b),
                          illuminant_observer=self.trial_illuminant.currentData(), job_id=job_id)
        self.trial_requested.emit(rid, data)

    def select_recipe(self, recipe_id: int) -> None:
        i = self.recipe_combo.findData(recipe_id)
        if i >= 0:
            self.recipe_combo.setCurrentIndex(i)
            self.recipe_combo.setFocus()

    def show_archive(self, arch: JobArchive, library: list[Any], *, may_create: bool) -> None:
        """Show the job's recipes first, then the rest of ``library``; rank the library against the
        job's original paper colour (the latest assessment that measured it) when that changed."""
        self.archive = arch
        self.library = list(arch.recipes) + [r for r in library if r.id not in {x.id for x in arch.recipes}]
        self.recipe_combo.blockSignals(True)
        current = self.pending_recipe if self.pending_recipe is not None else self.recipe_combo.currentData()
        self.pending_recipe = None
        self.recipe_combo.clear()
        for r in self.library:
            self.recipe_combo.addItem(r.name, r.id)
        if current is not None and self.recipe_combo.findData(current) >= 0:
            self.recipe_combo.setCurrentIndex(self.recipe_combo.findData(current))
        self.recipe_combo.blockSignals(False)
        self._show_recipe()
        self.new_recipe_button.setEnabled(may_create)
        measured = [a for a in arch.assessments if a.colour is not None]
        target = max(measured, key=lambda a: a.id).colour if measured else None
        if self.recipe_library.set_job_target(arch.job.id, target):
            self.rank_requested.emit(self.recipe_library.target_lab())

    def _show_recipe(self) -> None:
        rid = self.recipe_combo.currentData()
        r = next((x for x in self.library if x.id == rid), None)
        if r is None or self.archive is None:
            self.recipe_label.setText(self.tr("No recipe"))
            self.trials.set_trials([], 0)
            return
        dyes = "；".join(f"{d} {a.normalize():f} {u}" for d, a, u in r.dyes)
        self.recipe_label.setText(" 　".join(x for x in (
            dyes, f"{self.tr('base paper')} {r.base_paper.name}" if r.base_paper else "",
            f"{r.bath_temperature_c} °C" if r.bath_temperature_c is not None else "",
            f"{r.dips} ×" if r.dips else "", r.drying or "") if x))
        self.trials.set_trials(r.trials, self.archive.de00_tolerance)
