"""Excel export of the register: the seven-column layout plus every detail column.

The headers are the ones the Excel import reads (:data:`guji.census.sheet_columns.ALL_COLUMNS`), and
every cell is written in the form the import parses (分类 as ``史部·地理類``, 钤印 as
``天一閣（范欽）；汲古閣``, grades as their labels), so an export imported into another
database gives the same records (the holding institution and review state are not columns:
the import is always into one named institution, as drafts).

Records are read in batches in one read transaction through the census service's visibility
rule (:func:`guji.census.store.visible_filter`): a unit's staff export their unit's records,
the centre everything.

A text is written as entered, and always as text: one starting with ``=``, ``+``, ``-`` or ``@``
(a catalogue may hold ``=HYPERLINK(…)`` pasted from somewhere) is typed as a text cell, so that
Excel shows it and never runs it (:func:`guji.census.sheet_columns.text_cell`).
"""

from __future__ import annotations

import threading
from typing import IO, Any

from export.registry import ExportData, ExportResult
from guji.census import vocab
from guji.census.record import RecordData
from guji.census.sheet_columns import (
    ALL_COLUMNS,
    CORE_COLUMNS,
    Column,
    format_annotations,
    format_classification,
    format_seals,
    text_cell,
)
from guji.census.xlsx import column_letter
from guji.errors import GujiError
from guji.jobs import Progress, check_cancel
from guji.messages import msg

__all__ = ["render", "row_values"]


_LABELLED = {"grade": "grade", "damage_grade": "damage_grade", "frame_edge": "frame_measured_edge"}


def _cell(col: Column, d: RecordData) -> Any:
    kind, name = col.kind, col.field
    if kind == "class":
        return format_classification(d.class_branch, d.class_category, d.class_subcategory)
    if kind == "leaf":
        # 版式 is an input convenience that the import parses into 版口/边栏/鱼尾/书耳; the export
        # writes those detail columns exactly instead (a free-text 鱼尾 might not parse back).
        return None
    if kind == "seals":
        return format_seals(d.seals)
    if kind == "annotations":
        return format_annotations(d.annotations)
    value = getattr(d, name)
    if value is None:
        return None
    if kind == "bool":
        return "是" if value else "否"
    if name in _LABELLED:
        e = vocab.entry(_LABELLED[name], value)
        return e.label if e else value
    if name in ("frame_height_cm", "frame_width_cm"):
        return float(value)
    return value


def row_values(d: RecordData, columns: tuple[Column, ...] = ALL_COLUMNS) -> list[Any]:
    """The cells of one record in the order of ``columns``."""
    return [_cell(c, d) for c in columns]


def render(data: ExportData, out: IO[bytes], progress: Progress | None = None,
           cancel: threading.Event | None = None) -> ExportResult:
    """The register as an .xlsx workbook (the ``excel`` format of :mod:`export.registry`).

    Sheet 登记表: one header row (bold, frozen) with the core, optional and detail columns of
    the import, one record per row in census-number order (the records may come in any order).
    Raises :class:`guji.jobs.Cancelled` when ``cancel`` is set.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils.exceptions import IllegalCharacterError

    total = data.total
    n = 0
    # The register is ordered by census number, the records may come in id order: sort the rows
    # of the sheet by number (rows are small: memory is fine at 100,000 records).
    rows: list[tuple[str, list[Any]]] = []
    for rec in data.records:
        if n % 1000 == 0:
            check_cancel(cancel)
            if progress is not None and n:
                progress(0.8 * n / max(1, total), f"read {n}/{total}")
        rows.append((rec.data.census_number or "", row_values(rec.data)))
        n += 1
    check_cancel(cancel)
    rows.sort(key=lambda r: r[0])
    # The workbook is made only now, once the records are read (an unsaved write-only
    # workbook complains when it is garbage-collected).
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("登记表")
    ws.freeze_panes = "B2"
    for i, col in enumerate(ALL_COLUMNS, start=1):
        ws.column_dimensions[column_letter(i)].width = col.width + 4
    bold = Font(bold=True)
    core_fill = PatternFill("solid", fgColor="FFF2CC")
    header = []
    for col in ALL_COLUMNS:
        c = WriteOnlyCell(ws, value=col.header)
        c.data_type = "s"
        c.font = bold
        if col in CORE_COLUMNS:
            c.fill = core_fill
        header.append(c)
    ws.append(header)
    for num, values in rows:
        try:
            ws.append([text_cell(ws, v) for v in values])
        except IllegalCharacterError:
            # Stored before the register refused such characters: say which record to correct.
            raise GujiError(msg("census.export.unstorable", number=num)) from None
    if progress is not None:
        progress(0.9, "saving")
    wb.save(out)
    check_cancel(cancel)
    if progress is not None:
        progress(1.0, f"{n} records")
    return ExportResult("excel", "", n)
