"""修复记录: the job's work sessions with their totals, the restorers' hours by month, and a new session."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from guji.gui.qt import (
    QDateEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    pyqtSignal,
)
from guji.gui.restoration.charts import HoursChart
from guji.gui.restoration.tabs.common import fill, table
from restoration.views import JobArchive, SessionInput
from restoration.vocab import RestorationVocab


class SessionsTab(QWidget):
    """``record_requested(SessionInput)``: record the session of the form."""

    record_requested = pyqtSignal(object)

    def __init__(self, vocab: RestorationVocab):
        super().__init__()
        self.vocab = vocab
        lay = QVBoxLayout(self)
        self.sessions = table([self.tr("Date"), self.tr("Restorer"), self.tr("Hours"), self.tr("Leaves"),
                               self.tr("Operations"), self.tr("Materials"), self.tr("Notes")])
        lay.addWidget(self.sessions, 1)
        self.totals_label = QLabel()
        lay.addWidget(self.totals_label)
        self.hours_chart = HoursChart()
        self.hours_chart.setObjectName("hours_chart")
        lay.addWidget(self.hours_chart)
        row = QHBoxLayout()
        self.session_day = QDateEdit()
        self.session_day.setCalendarPopup(True)
        self.session_day.setDate(dt.date.today())
        self.session_hours = QDoubleSpinBox()
        self.session_hours.setRange(0, 24)
        self.session_hours.setDecimals(2)
        self.session_leaves = QDoubleSpinBox()
        self.session_leaves.setDecimals(0)
        self.session_leaves.setRange(0, 100000)
        self.session_ops = QLineEdit()
        self.session_ops.setPlaceholderText(self.tr("operations, e.g. 补洞 溜口"))
        self.session_notes = QLineEdit()
        self.session_notes.setPlaceholderText(self.tr("notes"))
        for label, wdg in ((self.tr("Date"), self.session_day), (self.tr("Hours"), self.session_hours),
                           (self.tr("Leaves"), self.session_leaves)):
            row.addWidget(QLabel(label))
            row.addWidget(wdg)
        row.addWidget(self.session_ops, 1)
        row.addWidget(self.session_notes, 1)
        b = QPushButton(self.tr("Record session"))
        b.clicked.connect(self.record)
        row.addWidget(b)
        lay.addLayout(row)

    def record(self) -> None:
        qd = self.session_day.date()
        self.record_requested.emit(SessionInput(
            day=dt.date(qd.year(), qd.month(), qd.day()), hours=f"{self.session_hours.value():.2f}",
            leaves=int(self.session_leaves.value()), operations=self.session_ops.text().split(),
            notes=self.session_notes.text().strip() or None))

    def show_archive(self, arch: JobArchive, months: list[Any]) -> None:
        """The job's sessions and totals; ``months``: the restorers' totals by month (the last 12 charted)."""
        v = self.vocab
        fill(self.sessions, [[s.day, s.restorer, f"{s.hours:g}", s.leaves,
                              "、".join(v.label("operations", o) for o in s.operations),
                              "；".join(f"{m.name} {m.quantity.normalize():f}{m.unit}" for m in s.materials),
                              s.notes or ""] for s in arch.sessions])
        t = arch.totals
        self.totals_label.setText(
            self.tr("Total: %1 sessions, %2 h, %3 leaves, %4 leaves/h").replace("%1", str(t.sessions))
            .replace("%2", f"{t.hours:g}").replace("%3", str(t.leaves))
            .replace("%4", f"{t.leaves_per_hour:.2f}" if t.leaves_per_hour is not None else "—") if t else "")
        by_month: dict[tuple[int, int], list[Any]] = {}
        for m in months:
            acc = by_month.setdefault((m.year, m.month), [Decimal(0), 0])
            acc[0] += m.hours
            acc[1] += m.leaves
        self.hours_chart.set_data([(f"{y}-{mo:02d}", h, lv) for (y, mo), (h, lv) in sorted(by_month.items())][-12:])
