"""概况: what the job is, the workflow steps the signed-in person may take now, and the archive PDF."""

from __future__ import annotations

from guji.gui.qt import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    pyqtSignal,
)
from guji.gui.restoration.tabs.common import grade_zh
from restoration.views import JobArchive
from restoration.vocab import RestorationVocab

# Display labels of the service's priority codes (data, like the vocabulary labels).
PRIORITY_ZH = {"low": "低", "normal": "普通", "high": "高", "urgent": "紧急"}
# Steps that need a reason typed in.
WITH_REASON = ("send_back", "reopen")


class OverviewTab(QWidget):
    """``action_requested(step, reason)``: a workflow step (reason None for steps without one);
    ``report_requested(path)``: write the archive PDF to ``path``."""

    action_requested = pyqtSignal(str, object)
    report_requested = pyqtSignal(str)

    def __init__(self, vocab: RestorationVocab):
        super().__init__()
        self.vocab = vocab
        self.job_number = ""
        lay = QVBoxLayout(self)
        self.ident = QLabel()
        self.ident.setObjectName("identification")
        self.ident.setTextFormat(Qt.TextFormat.RichText)
        self.ident.setWordWrap(True)
        lay.addWidget(self.ident)
        row = QHBoxLayout()
        self.step_buttons: dict[str, QPushButton] = {}
        for key, label in [("submit_plan", self.tr("Submit plan")), ("approve_plan", self.tr("Approve plan")),
                           ("start_treatment", self.tr("Start treatment")),
                           ("submit_for_acceptance", self.tr("Submit for acceptance")),
                           ("send_back", self.tr("Send back…")), ("reopen", self.tr("Reopen…")),
                           ("close", self.tr("Return to vault"))]:
            b = QPushButton(label)
            b.clicked.connect(lambda _c=False, k=key: self.ask_action(k))
            self.step_buttons[key] = b
            row.addWidget(b)
        row.addStretch(1)
        self.report_button = QPushButton(self.tr("Report PDF…"))
        self.report_button.setObjectName("report_button")
        self.report_button.clicked.connect(self.ask_report)
        row.addWidget(self.report_button)
        lay.addLayout(row)
        self.progress_label = QLabel()
        lay.addWidget(self.progress_label)
        lay.addStretch(1)

    def ask_action(self, key: str) -> None:
        """Ask for the reason when the step needs one, then request the step."""
        if key in WITH_REASON:
            reason, ok = QInputDialog.getText(self, self.tr("Reason"), self.tr("Why?"))
            if not ok:
                return
            self.action_requested.emit(key, reason)
        else:
            self.action_requested.emit(key, None)

    def ask_report(self) -> None:
        if not self.job_number:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save archive PDF"), f"{self.job_number}.pdf",
                                              "PDF (*.pdf)")
        if path:
            self.report_requested.emit(path)

    def show_archive(self, arch: JobArchive, roles: set[str]) -> None:
        j = arch.job
        self.job_number = j.job_number
        restorers = "、".join(r[2] for r in j.restorers) or "—"
        suggested = (f"（{self.tr('suggested')} {grade_zh(j.damage_grade_suggested)}）"
                     if j.damage_grade_suggested else "")
        rows = [(self.tr("Census number"), j.census_number), (self.tr("Title"), j.title),
                (self.tr("Edition"), j.edition or "—"), (self.tr("Volumes"), j.volumes or "—"),
                (self.tr("Institution"), j.institution_name), (self.tr("Requester"), j.requester),
                (self.tr("Priority"), PRIORITY_ZH.get(j.priority, j.priority)), (self.tr("Restorers"), restorers),
                (self.tr("Reviewer"), j.reviewer[2] if j.reviewer else "—"),
                (self.tr("Scope"), " ".join(x for x in (j.volumes_scope, j.leaves_scope) if x) or "—"),
                (self.tr("Opened"), j.opened_on), (self.tr("Damage grade"), grade_zh(j.damage_grade) + suggested)]
        self.ident.setText("<table cellpadding=3>" + "".join(
            f"<tr><td><b>{k}</b></td><td>{val}</td></tr>" for k, val in rows) + "</table>")
        self._update_actions(roles, j.state, j.returned_to_vault_at is not None)
        p = arch.progress
        if p is not None and p.planned_leaves:
            self.progress_label.setText(self.tr("Progress: %1 of %2 leaves, %3 h").replace("%1", str(p.done_leaves))
                                        .replace("%2", str(p.planned_leaves)).replace("%3", f"{p.hours:g}"))
        else:
            self.progress_label.setText("")

    def _update_actions(self, roles: set[str], state: str, returned: bool) -> None:
        restorer, reviewer = "restorer" in roles, "reviewer" in roles
        enabled = {
            "submit_plan": restorer and state == "assessment",
            "approve_plan": reviewer and state == "plan",
            "start_treatment": restorer and state == "plan_approved",
            "submit_for_acceptance": restorer and state == "in_treatment",
            "send_back": reviewer and state not in ("assessment", "closed"),
            "reopen": reviewer and state == "closed",
            "close": state == "closed" and not returned,
        }
        for key, b in self.step_buttons.items():
            b.setEnabled(enabled[key])


__all__ = ["PRIORITY_ZH", "OverviewTab"]
