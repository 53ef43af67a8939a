"""The tabs of the census record editor, one widget per tab.

The tabs of fields (:class:`~guji.gui.census.editor_tabs.fields.FieldTab`) build, read, write and
lock their fields and emit ``edited`` when the user changes one; the others show what the editor
loaded. Requests leave a tab as signals (``confirm_requested``, ``open_requested``); the editor
(:mod:`guji.gui.census.editor`) assembles the tabs, checks and saves.
"""

from guji.gui.census.editor_tabs.catalogue import CatalogueTab
from guji.gui.census.editor_tabs.fields import VOCAB_COMBOS, FieldTab, Slot
from guji.gui.census.editor_tabs.format import FormatTab
from guji.gui.census.editor_tabs.grading import GradingTab
from guji.gui.census.editor_tabs.history import ACTION_ZH, HistoryTab
from guji.gui.census.editor_tabs.images import ImagesTab
from guji.gui.census.editor_tabs.links import LinksTab
from guji.gui.census.editor_tabs.rows import RowsTab

__all__ = ["ACTION_ZH", "VOCAB_COMBOS", "CatalogueTab", "FieldTab", "FormatTab", "GradingTab", "HistoryTab",
           "ImagesTab", "LinksTab", "RowsTab", "Slot"]
