"""定级与破损: the confirmed grade, the suggestion of the grading rules, confirming a grade, and the
damage grade and list numbers."""

from __future__ import annotations

from typing import Any

from guji.census import vocab
from guji.gui.census.editor_tabs.fields import FieldTab, Slot, code_combo, message_label
from guji.gui.qt import QHBoxLayout, QLabel, QPushButton, QWidget, pyqtSignal


class GradingTab(FieldTab):
    """``confirm_requested(code)``: store the grade chosen (a suggestion is never stored by itself)."""

    confirm_requested = pyqtSignal(object)

    def __init__(self) -> None:
        super().__init__()
        form = self.scrolled_form()
        self.grade_label = QLabel("")
        self.grade_label.setObjectName("confirmed_grade")
        form.addRow(self.tr("Confirmed grade"), self.grade_label)
        self.suggestion_label = QLabel("")
        self.suggestion_label.setObjectName("suggestion")
        self.suggestion_label.setWordWrap(True)
        form.addRow(self.tr("Suggested"), self.suggestion_label)
        row = QHBoxLayout()
        self.grade_choice = code_combo("grade")
        self.grade_choice.setObjectName("grade_choice")
        self.confirm_button = QPushButton(self.tr("Confirm grade"))
        self.confirm_button.setObjectName("confirm_grade")
        self.confirm_button.clicked.connect(lambda: self.confirm_requested.emit(self.grade_choice.currentData()))
        row.addWidget(self.grade_choice, 1)
        row.addWidget(self.confirm_button)
        holder = QWidget()
        holder.setLayout(row)
        form.addRow(self.tr("Grade to confirm"), holder)
        self.grade_message = message_label()
        form.addRow("", self.grade_message)
        self.slots["grade"] = Slot("grade", self.grade_choice, self.grade_message, "grade")
        self.add_field(form, "damage_grade", code_combo("damage_grade"))
        self.add_field(form, "national_list_number")
        self.add_field(form, "provincial_list")

    def show_grade(self, grade: str | None, suggestion: Any) -> None:
        """The confirmed grade, the suggestion, and the choice set to the grade (else the suggestion)."""
        e = vocab.entry("grade", grade) if grade else None
        self.grade_label.setText(e.label if e is not None else self.tr("(not confirmed)"))
        self.show_suggestion(suggestion)
        self.grade_choice.blockSignals(True)
        pick = grade or (suggestion.grade if suggestion is not None else None)
        self.grade_choice.setCurrentIndex(max(0, self.grade_choice.findData(pick)))
        self.grade_choice.blockSignals(False)

    def show_suggestion(self, suggestion: Any) -> None:
        if suggestion is None:
            self.suggestion_label.setText(self.tr("(save the record to see a suggestion)"))
            return
        text = suggestion.label
        if suggestion.choices and len(suggestion.choices) > 1:
            entries = [vocab.entry("grade", c) for c in suggestion.choices]
            labels = [e.label for e in entries if e]
            text += " — " + self.tr("choose one of: %1").replace("%1", "、".join(labels))
        if suggestion.reasons:
            text += "\n" + "；".join(suggestion.reasons)
        if suggestion.unconfirmed_rule:
            text += "\n" + self.tr("(uses a rule that is not confirmed by the standard: check it)")
        self.suggestion_label.setText(text + "\n" + self.tr("A suggestion only: confirm the grade to store it."))

    def enable_confirming(self, *, saved: bool, read_only: bool, locked: bool) -> None:
        """A grade is confirmed only on a saved record one may edit, and not while it is locked by review."""
        self.confirm_button.setEnabled(saved and not read_only and not locked)
        self.grade_choice.setEnabled(saved and not read_only)
