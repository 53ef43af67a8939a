"""破损状况: the assessments' findings and paper, the damage grade, and the form of a new assessment."""

from __future__ import annotations

from typing import cast

from guji.gui.qt import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
    horizontal_header,
    pyqtSignal,
)
from guji.gui.restoration.tabs.common import fill, num, table
from restoration.views import AssessmentInput, JobArchive
from restoration.vocab import RestorationVocab


class ConditionTab(QWidget):
    """``grade_requested(code, note)``: confirm the damage grade (note None when none was typed);
    ``assessment_requested(AssessmentInput)``: record the assessment of the form."""

    grade_requested = pyqtSignal(str, object)
    assessment_requested = pyqtSignal(object)

    def __init__(self, vocab: RestorationVocab):
        super().__init__()
        self.vocab = vocab
        lay = QVBoxLayout(self)
        self.paper_label = QLabel()
        self.paper_label.setWordWrap(True)
        lay.addWidget(self.paper_label)
        self.findings = table([self.tr("Scope"), self.tr("Damage"), self.tr("Extent"), self.tr("Metric")])
        lay.addWidget(self.findings, 1)
        self.grade_label = QLabel()
        self.grade_label.setWordWrap(True)
        lay.addWidget(self.grade_label)
        row = QHBoxLayout()
        self.grade_combo = QComboBox()
        from restoration.grading import dat64_profile

        for g in dat64_profile().grades:
            self.grade_combo.addItem(g.zh, g.code)
        self.grade_note = QLineEdit()
        self.grade_note.setPlaceholderText(self.tr("reason, when overriding the suggestion"))
        b = QPushButton(self.tr("Confirm damage grade"))
        b.clicked.connect(self.confirm_grade)
        row.addWidget(QLabel(self.tr("Damage grade")))
        row.addWidget(self.grade_combo)
        row.addWidget(self.grade_note, 1)
        row.addWidget(b)
        lay.addLayout(row)
        box = QGroupBox(self.tr("New assessment"))
        form = QHBoxLayout(box)
        self.assess_findings = QTableWidget(4, 2)
        self.assess_findings.setHorizontalHeaderLabels([self.tr("Damage"), self.tr("Extent")])
        horizontal_header(self.assess_findings).setStretchLastSection(True)
        self.assess_findings.setToolTip(self.tr("damage type (e.g. 虫蛀) and extent: % of area, count, or pH"))
        form.addWidget(self.assess_findings, 2)
        f = QFormLayout()
        self.assess_volume = QSpinBox()
        self.assess_volume.setRange(0, 9999)
        self.assess_leaves = QLineEdit()
        self.assess_leaves.setPlaceholderText("1-40")
        self.assess_paper = QLineEdit()
        self.assess_fibres = QLineEdit()
        self.assess_fibres.setPlaceholderText("竹 80, 稻草 20")
        self.assess_lab = QLineEdit()
        self.assess_lab.setPlaceholderText("78.20 3.10 18.40")
        self.assess_source = QComboBox()
        self.assess_source.addItem(self.tr("colorimeter"), "colorimeter")
        self.assess_source.addItem(self.tr("scan"), "scan")
        self.assess_illuminant = QComboBox()
        for term in self.vocab.terms("illuminant_observers"):
            self.assess_illuminant.addItem(term.zh, term.code)
        f.addRow(self.tr("Volume"), self.assess_volume)
        f.addRow(self.tr("Leaves"), self.assess_leaves)
        f.addRow(self.tr("Paper"), self.assess_paper)
        f.addRow(self.tr("Fibres"), self.assess_fibres)
        f.addRow("L*a*b*", self.assess_lab)
        f.addRow(self.tr("Measured by"), self.assess_source)
        f.addRow(self.tr("Illuminant"), self.assess_illuminant)
        b = QPushButton(self.tr("Save assessment"))
        b.clicked.connect(self.save_assessment)
        f.addRow(b)
        form.addLayout(f, 1)
        lay.addWidget(box)

    def confirm_grade(self) -> None:
        self.grade_requested.emit(self.grade_combo.currentData(), self.grade_note.text().strip() or None)

    def save_assessment(self) -> None:
        self.assessment_requested.emit(self.assessment_input())

    def assessment_saved(self) -> None:
        """The assessment was recorded: empty the findings for the next one."""
        self.assess_findings.clearContents()

    def assessment_input(self) -> AssessmentInput:
        """The assessment form as input (the service validates it and names a bad field)."""
        findings = []
        table = self.assess_findings
        for r in range(table.rowCount()):
            items = [table.item(r, c) for c in range(2)]
            cells = [it.text().strip() if it else "" for it in items]
            if not any(cells):
                continue
            metric = "percent"
            for term in self.vocab.terms("damage_types"):
                if cells[0] in (term.code, term.zh) or cells[0] in term.zh.split("/"):
                    metric = str(term.extra.get("metric", "percent"))
            findings.append((cells[0], metric, cells[1].rstrip("%")))
        fibres = []
        for part in self.assess_fibres.text().replace("，", ",").split(","):
            bits = part.split()
            if len(bits) == 2:
                fibres.append((bits[0], bits[1].rstrip("%")))
            elif part.strip():
                fibres.append((part.strip(), ""))
        leaves = self.assess_leaves.text().replace("–", "-").split("-")
        leaf_from = int(leaves[0]) if leaves[0].strip().isdigit() else None
        leaf_to = int(leaves[-1]) if leaves[-1].strip().isdigit() else leaf_from
        lab_text = self.assess_lab.text().replace(",", " ").split()
        return AssessmentInput(
            findings=findings, volume=self.assess_volume.value() or None, leaf_from=leaf_from, leaf_to=leaf_to,
            paper_type=self.assess_paper.text().strip() or None, fibres=fibres,
            # Typed as a triple, but the service checks the count itself and names the field.
            colour=cast("tuple[str, str, str]", tuple(lab_text)) if lab_text else None,
            colour_source=self.assess_source.currentData() if lab_text else None,
            illuminant_observer=self.assess_illuminant.currentData() if lab_text else None)

    def show_archive(self, arch: JobArchive) -> None:
        v = self.vocab
        frows = []
        paper = []
        for a in arch.assessments:
            scope = (f"{a.volume}冊 " if a.volume else "") + (f"{a.leaf_from}–{a.leaf_to}" if a.leaf_from else "")
            for f in a.findings:
                frows.append([scope or "—", f.label, f"{f.value.normalize():f}",
                              {"percent": "%", "count": self.tr("count"), "ph": "pH"}.get(f.metric, f.metric)])
            if a.colour:
                fibres = "、".join(f"{v.label('fibres', x)} {p_.normalize():f}%" for x, p_ in a.fibres)
                paper.append(f"{a.paper_type or ''} {fibres}　L*a*b* {' / '.join(num(x) for x in a.colour)}")
        fill(self.findings, frows)
        self.paper_label.setText("\n".join(paper) or self.tr("No paper colour recorded"))
        g = arch.grade
        self.grade_label.setText((self.tr("Suggested: %1").replace("%1", g.label) + "\n" + "\n".join(g.reasons))
                                 if g else self.tr("No assessment yet"))
        if g:
            self.grade_combo.setCurrentIndex(max(0, self.grade_combo.findData(arch.job.damage_grade or g.code)))
