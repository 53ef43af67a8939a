"""Excel export of the register: the seven-column layout plus every detail column.

The headers are the ones the Excel import reads (:data:`guji.census.excel.ALL_COLUMNS`), and
every cell is written in the form the import parses (分类 as ``史部·地理類``, 钤印 as
``天一閣（范欽）；汲古閣``, grades as their labels), so an export imported into another
database gives the same records (the holding institution and review state are not columns:
the import is always into one named institution, as drafts).

Records are read in batches in one read transaction through the census service's visibility
rule (:func:`guji.census.service.visible_filter`): a unit's staff export their unit's records,
the centre everything.

A text is written as entered, and always as text: one starting with ``=``, ``+``, ``-`` or ``@``
(a catalogue may hold ``=HYPERLINK(…)`` pasted from somewhere) is typed as a text cell, so that
Excel shows it and never runs it (:func:`guji.census.excel.text_cell`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, select, true

from guji.census import vocab
from guji.census.excel import (
    ALL_COLUMNS,
    CORE_COLUMNS,
    Column,
    column_letter,
    format_annotations,
    format_classification,
    format_seals,
    text_cell,
)
from guji.census.models import CensusRecord, ReviewState
from guji.census.record import RecordData
from guji.census.service import visible_filter
from guji.errors import GujiError, NotFound, ValidationError
from guji.jobs import atomic_write
from guji.messages import msg
from guji.models.institution import Institution

Progress = Callable[[float, str], None]
BATCH = 1000

__all__ = ["export_excel", "ExcelExportCancelled", "row_values"]


class ExcelExportCancelled(GujiError):
    """The user cancelled the export; no file was left behind."""


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


def export_excel(app: Any, path: str | os.PathLike[str], *, institution: str | None = None,
                 state: str | None = None, progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> int:
    """Write the records ``app``'s user may see (optionally of one institution / review state) to an
    .xlsx file at ``path`` and return how many were written.

    Sheet 登记表: one header row (bold, frozen) with the core, optional and detail columns of
    the import, one record per row in census-number order. The file is written beside the
    target and renamed into place, so a failed or cancelled export leaves no partial file.
    Raises :class:`NotFound` for an unknown institution code, :class:`ValidationError` for an
    unknown state, :class:`ExcelExportCancelled` when ``cancel`` is set.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    from export.census_xml import iter_records

    if state is not None and state not in {s.value for s in ReviewState}:
        raise ValidationError(f"unknown review state {state!r}: one of "
                              + ", ".join(s.value for s in ReviewState), "state")
    target = Path(path)
    n = 0
    with app.ctx.read() as s:
        codes = {inst.id: inst.code for inst in s.scalars(select(Institution))}
        cond: Any = visible_filter(app.actor)
        cond = true() if cond is True else cond
        if institution is not None:
            from guji.services.institutions import parse_institution_code

            region, unit = parse_institution_code(institution)
            inst_id = s.scalar(select(Institution.id).where(Institution.region_code == region,
                                                            Institution.unit_code == unit))
            if inst_id is None:
                raise NotFound(f"no institution with the code {institution}")
            cond = and_(cond, CensusRecord.institution_id == inst_id)
        if state is not None:
            cond = and_(cond, CensusRecord.state == state)
        total = s.scalar(select(func.count()).select_from(CensusRecord).where(cond)) or 0
        # iter_records reads in id order; the register is ordered by census number, so sort the
        # rows of the sheet by number (rows are small: memory is fine at 100,000 records).
        rows: list[tuple[str, list[Any]]] = []
        for batch in iter_records(s, cond, codes, BATCH):
            if cancel is not None and cancel.is_set():
                raise ExcelExportCancelled("export cancelled; no file was written")
            for rec in batch:
                rows.append((rec.data.census_number or "", row_values(rec.data)))
            n += len(batch)
            if progress is not None:
                progress(0.8 * n / max(1, total), f"read {n}/{total}")
    rows.sort(key=lambda r: r[0])
    # The workbook is made only now, once the selection is known to be valid (an unsaved
    # write-only workbook complains when it is garbage-collected).
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

    from openpyxl.utils.exceptions import IllegalCharacterError

    for num, values in rows:
        try:
            ws.append([text_cell(ws, v) for v in values])
        except IllegalCharacterError:
            # Stored before the register refused such characters: say which record to correct.
            raise GujiError(msg("census.export.unstorable", number=num)) from None
    if progress is not None:
        progress(0.9, f"saving {target.name}")
    with atomic_write(target) as fh:
        wb.save(fh)
        if cancel is not None and cancel.is_set():
            raise ExcelExportCancelled("export cancelled; no file was written")
    if progress is not None:
        progress(1.0, f"{n} records written to {target.name}")
    return n
