"""验收: the job's acceptances (voided ones with their reason) and signing a new one."""

from __future__ import annotations

from guji.gui.qt import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget, pyqtSignal
from guji.gui.restoration.tabs.common import fill, table
from restoration.views import JobArchive
from restoration.vocab import RestorationVocab


class AcceptanceTab(QWidget):
    """``accept_requested(quality_grade, comments)``: accept and sign (comments None when none typed)."""

    accept_requested = pyqtSignal(str, object)

    def __init__(self, vocab: RestorationVocab):
        super().__init__()
        self.vocab = vocab
        lay = QVBoxLayout(self)
        self.acceptances = table([self.tr("No."), self.tr("Quality grade"), self.tr("Comments"),
                                  self.tr("Signed by"), self.tr("Signed at"), self.tr("Voided")])
        lay.addWidget(self.acceptances, 1)
        row = QHBoxLayout()
        self.quality = QComboBox()
        for t in self.vocab.terms("quality_grades"):
            self.quality.addItem(t.zh, t.code)
        self.accept_comments = QLineEdit()
        self.accept_comments.setPlaceholderText(self.tr("comments"))
        b = QPushButton(self.tr("Accept and sign"))
        b.clicked.connect(self.accept)
        row.addWidget(QLabel(self.tr("Quality grade")))
        row.addWidget(self.quality)
        row.addWidget(self.accept_comments, 1)
        row.addWidget(b)
        lay.addLayout(row)

    def accept(self) -> None:
        self.accept_requested.emit(self.quality.currentData(), self.accept_comments.text().strip() or None)

    def show_archive(self, arch: JobArchive) -> None:
        v = self.vocab
        fill(self.acceptances, [[a.seq, v.label("quality_grades", a.quality_grade), a.comments or "", a.signed_name,
                                 a.signed_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                                 (a.void_reason or "") if a.voided_at else ""] for a in arch.acceptances])
