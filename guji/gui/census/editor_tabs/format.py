"""版式: the leaf format of a record (frame size, lines and characters, block features)."""

from __future__ import annotations

from guji.gui.census.editor_tabs.fields import FieldTab, code_combo
from guji.gui.qt import QComboBox


class FormatTab(FieldTab):
    def __init__(self) -> None:
        super().__init__()
        form = self.scrolled_form()
        self.add_field(form, "layout_statement")
        self.add_field(form, "frame_height_cm")
        self.add_field(form, "frame_width_cm")
        self.add_field(form, "frame_edge", code_combo("frame_measured_edge"))
        half = QComboBox()
        half.addItem("", None)
        half.addItem(self.tr("half-leaf frame (半框)"), True)
        half.addItem(self.tr("whole-leaf frame"), False)
        self.add_field(form, "frame_is_half", half)
        for name in ("lines_per_half_leaf", "chars_per_line", "commentary", "banko", "fishtail", "border", "shu_er"):
            self.add_field(form, name)
