"""历史: a record's review rounds, its change history, and whether its audit entries are intact links
of the tamper-evident audit chain."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from guji.census.models import STATE_LABELS_ZH, ReviewState
from guji.census.record import FIELD_LABELS
from guji.gui.qt import QBrush, QColor, QLabel, Qt, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget
from guji.messages import msg

if TYPE_CHECKING:
    from guji.db.audit_chain import ChainProblem

# Audit and review actions as staff call them.
ACTION_ZH = {"create": "新建", "update": "修改", "delete": "删除", "submit": "提交审核", "approve_unit": "单位审核通过",
             "approve_centre": "中心审核通过", "return": "返修", "reopen": "重新打开", "confirm_grade": "确认定级",
             "damage_grade": "破损定级", "import": "导入", "check_in": "入库"}


def _state(value: str) -> str:
    try:
        return STATE_LABELS_ZH[ReviewState(value)]
    except ValueError:
        return value


def _when(value: Any) -> str:
    if value is None:
        return ""
    try:
        return (value.astimezone() if value.tzinfo else value).strftime("%Y-%m-%d %H:%M")
    except AttributeError:
        return str(value)


def _short(value: Any, limit: int = 60) -> str:
    text = "—" if value in (None, "", []) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class HistoryTab(QWidget):
    def __init__(self) -> None:
        super().__init__()
        col = QVBoxLayout(self)
        col.addWidget(QLabel(self.tr("Review rounds")))
        self.rounds_tree = QTreeWidget()
        self.rounds_tree.setObjectName("rounds")
        self.rounds_tree.setHeaderLabels([self.tr("Step"), self.tr("By"), self.tr("When"), self.tr("Detail")])
        col.addWidget(self.rounds_tree, 1)
        col.addWidget(QLabel(self.tr("Change history")))
        self.history_tree = QTreeWidget()
        self.history_tree.setObjectName("history")
        self.history_tree.setHeaderLabels([self.tr("Action"), self.tr("By"), self.tr("When"), self.tr("Detail")])
        col.addWidget(self.history_tree, 1)
        self.chain_label = QLabel("")
        self.chain_label.setObjectName("chain_state")
        self.chain_label.setWordWrap(True)
        col.addWidget(self.chain_label)

    def show_history(self, history: list[Any], rounds: list[Any]) -> None:
        self.rounds_tree.clear()
        for r in rounds:
            top = QTreeWidgetItem([f"{r.round_no}·{ACTION_ZH.get(r.action, r.action)}", r.login, _when(r.at),
                                   f"{_state(r.from_state)} → {_state(r.to_state)}"
                                   + (f"：{r.comment}" if r.comment else "")])
            for fname, text in r.field_comments.items():
                QTreeWidgetItem(top, [self.tr("comment"), "", "", f"{FIELD_LABELS.get(fname, fname)}：{text}"])
            for fname, (old, new) in r.diff.items():
                QTreeWidgetItem(top, [self.tr("changed"), "", "",
                                      f"{FIELD_LABELS.get(fname, fname)}：{_short(old)} → {_short(new)}"])
            self.rounds_tree.addTopLevelItem(top)
        self.history_tree.clear()
        for h in history:
            top = QTreeWidgetItem([ACTION_ZH.get(h.action, h.action), h.login, _when(h.at), h.note or ""])
            top.setData(0, Qt.ItemDataRole.UserRole, h.id)
            for fname, change in (h.changes or {}).items():
                if isinstance(change, list) and len(change) == 2:
                    detail = f"{_short(change[0])} → {_short(change[1])}"
                else:
                    detail = _short(change)
                QTreeWidgetItem(top, ["", "", "", f"{FIELD_LABELS.get(fname, fname)}：{detail}"])
            self.history_tree.addTopLevelItem(top)
        for tree in (self.rounds_tree, self.history_tree):
            tree.setColumnWidth(0, 140)
            tree.setColumnWidth(1, 100)
            tree.setColumnWidth(2, 140)

    def show_chain(self, saved: bool, problem: ChainProblem | None, entries: int) -> None:
        """The audit chain over the record's entries: intact (normal text) or where it breaks (red,
        with the entry named and its line in the history marked). ``saved`` False: a new record."""
        self.chain_label.setStyleSheet("")
        if not saved:
            self.chain_label.setText("")
            return
        if problem is None:
            self.chain_label.setText(msg("audit.chain.state_ok", entries=entries))
            return
        text: str = msg(f"audit.chain.{problem.kind}", position=problem.position,
                        entry=problem.entry_id if problem.entry_id is not None else "-", expected="?")
        for i in range(self.history_tree.topLevelItemCount()):
            item = self.history_tree.topLevelItem(i)
            if item is None or item.data(0, Qt.ItemDataRole.UserRole) != problem.entry_id:
                continue
            text += "\n" + (self.tr("Entry %1: %2 by %3 at %4").replace("%1", str(problem.entry_id))
                            .replace("%2", item.text(0)).replace("%3", item.text(1)).replace("%4", item.text(2)))
            for c in range(self.history_tree.columnCount()):
                item.setForeground(c, QBrush(QColor("#c0392b")))
            self.history_tree.scrollToItem(item)
        self.chain_label.setText(text)
        self.chain_label.setStyleSheet("color: #c0392b; font-weight: bold;")
