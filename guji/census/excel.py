"""Census registers in Excel: the template, a fast .xlsx reader, and the import.

Layout (one header row on the first sheet, one record per row):

- the seven core columns 普查编号, 索书号, 题名卷数, 著者, 版本, 册数, 存缺卷数 (all must be present;
  普查编号 may be empty in a row: the unit's next serial is assigned);
- optional columns 分类, 装帧, 版框高, 版框宽, 行款, 版式, 钤印, 批校题跋, 定级, 破损级别, 附注;
- detail columns the export writes so that export → import round-trips (卷数, 函数, 出版者, 版口 …,
  see :data:`DETAIL_COLUMNS`).

Headers are matched after folding (traditional/simplified, full/half width, spaces and brackets
ignored: ``冊數``, `` 册 数 ``, ``版框高（cm）`` all work). A header that is not recognised is an
error: its data would otherwise be lost silently.

Cell rules:

- formulas: the value Excel saved with the formula is used; a formula without a saved value
  (files written by programs that do not calculate) is an error for that cell;
- merged cells: a range merged down one column (a 版本 merged over rows 5–7) gives its value
  (the top-left cell's) to every row of the range; a range merged across columns is an error,
  because one value cannot fill two different items;
- empty rows are skipped; numbers stored as text, ``4.0`` and full-width digits are accepted;
- 分类: ``史部·地理類·總志之屬`` (any of ·/、. > as separator, 部/類/屬 words optional) or codes
  (``shi.dili``); 版框高/宽 in cm (``21.5``, ``21.5cm``); 行款 and 版式 through
  :mod:`guji.census.leaf_format` (版式 fills 版口/边栏/鱼尾/书耳 unless their own columns are given);
- 钤印: seals separated by ``；`` or ``;``, each ``印文（印主）［位置］`` with owner and position
  optional: ``天一閣（范欽）；汲古閣``;
- 批校题跋: items separated the same way, each ``人名+方式（說明）``: ``（清）黃丕烈跋（卷末手跋二則）；顧廣圻校``
  (方式 is one of 批 校 題 跋 識; a person whose name ends in one of these characters without a
  方式 is read as that 方式 — write the 方式 explicitly).

Every row becomes a :class:`~guji.census.record.RecordData` and is validated by the same
:func:`~guji.census.record.check` as the editor (in :meth:`CensusService.register_many`); a
problem's field is mapped back to the column it came from.

The whole file is read and every row validated before the write transaction starts, so other
desks keep saving and signing in while a large file is read; the rows are then written in one
transaction (all or nothing). A row is matched to a registered record by its 普查编号, or when
it has none by its 索书号 (see :mod:`guji.census.bulk`), so importing the same file again changes
nothing. Every import leaves a report workbook beside the input (:func:`report_file_for`): one
line per row with the 普查编号 given, matched or assigned — to paste back into the sheet — its
outcome and the problems found.

The reader (:func:`read_sheet`) parses the sheet XML with expat instead of openpyxl: openpyxl's
read-only mode reads about 5,000 rows/s of an 18-column sheet, which alone would use the whole
time budget of an import (``bench/import_excel.py`` prints both). It returns the saved values
exactly as openpyxl's ``data_only=True`` does (tests compare the two), and also tells formulas
without a saved value and merged ranges, which openpyxl's read-only mode cannot.
"""

from __future__ import annotations

import copyreg
import multiprocessing as mp
import os
import pickle
import tempfile
import time
import unicodedata
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from guji.census import vocab
from guji.census.record import FIELD_LABELS, RecordData, make_record_data
from guji.census.sheet_columns import (
    _BY_HEADER,
    _FIELD_HOME,
    ALL_COLUMNS,
    CORE_COLUMNS,
    DETAIL_COLUMNS,
    OPTIONAL_COLUMNS,
    TEMPLATE_COLUMNS,
    Column,
    _header_key,
    format_annotations,
    format_classification,
    format_seals,
    parse_annotations,
    parse_classification,
    parse_seals,
    set_text,
    text_cell,
)
from guji.census.xlsx import ExcelFileError, Sheet, cell_values, column_letter, read_sheet
from guji.errors import FieldProblem, GujiError
from guji.messages import Message, msg
from guji.services.context import Changes
from guji.text.fold import fold

__all__ = [
    "ALL_COLUMNS",
    "CORE_COLUMNS",
    "DETAIL_COLUMNS",
    "OPTIONAL_COLUMNS",
    "Column",
    "ExcelFileError",
    "ExcelImportError",
    "ImportReport",
    "RowIssue",
    "Sheet",
    "cell_values",
    "error_file_for",
    "format_annotations",
    "format_classification",
    "format_seals",
    "import_excel",
    "parse_annotations",
    "parse_classification",
    "parse_seals",
    "read_sheet",
    "report_file_for",
    "text_cell",
    "write_template",
]

ProgressFn = Callable[[float, str], None]


class ExcelImportError(GujiError):
    """The import could not finish (a process reading the file stopped or failed). Nothing was written."""


def _reduce_message(m: Message) -> tuple[Any, tuple[str, str | None]]:
    return Message, (str(m), m.key)


# A catalogue message (a problem found in a worker process) crosses to the importing process with
# its key: pickling a str subclass by default rebuilds it from the text alone.
copyreg.pickle(Message, _reduce_message)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):  # a date typed into a text column (入藏 1950-01-01)
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    s = str(value).strip()
    return s or None


_TRUE = {"是", "有", "y", "yes", "true", "1", "半框", "√", "✓"}
_FALSE = {"否", "无", "n", "no", "false", "0", "全框", "×"}


def _bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    key = unicodedata.normalize("NFKC", str(value)).strip().lower()
    key = fold(key) or key
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(f"must be 是 or 否, not {value!r}")


# ------------------------------------------------------------------------------ report

@dataclass(frozen=True)
class RowIssue:
    """One problem: spreadsheet ``row`` (1 = header), ``column`` header as written (or its
    letter when it has none), the cell ``value`` and the ``message``."""

    row: int
    column: str
    value: Any
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        val = "" if self.value is None else f" [{self.value}]"
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}{val}: {self.message}"


@dataclass
class ImportReport:
    """What an import did (``written``) or, in a dry run or when errors stopped it, would do.

    ``created``/``updated``/``skipped`` count rows; ``errors`` and ``warnings`` are
    :class:`RowIssue`; ``report_file`` is the report workbook written beside the input (every
    row: its census number, outcome and problems), ``error_file`` the same file when it lists
    errors or warnings (else None); ``numbers`` maps rows to census numbers (given, matched or
    assigned), ``outcomes`` every data row to ``new``, ``updated``, ``unchanged``, ``conflict``
    or ``error``; ``matched`` the rows matched by their call number to it, ``assigned`` the rows
    given a new serial.
    """

    path: Path
    institution: str
    dry_run: bool = False
    all_or_nothing: bool = True
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # header as written → field
    unknown_headers: list[str] = field(default_factory=list)
    error_file: Path | None = None
    report_file: Path | None = None
    written: bool = False
    cancelled: bool = False
    elapsed_s: float = 0.0
    numbers: dict[int, str] = field(default_factory=dict)
    outcomes: dict[int, str] = field(default_factory=dict)
    matched: dict[int, str] = field(default_factory=dict)
    assigned: frozenset[int] = frozenset()
    changes: Changes = field(default_factory=lambda: Changes("census_record"))
    row_numbers: dict[int, str] = field(default_factory=dict)  # every row whose number is known
    allow_duplicates: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.cancelled

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    def summary(self) -> str:
        """One paragraph for the CLI and the wizard's last page."""
        if self.cancelled:
            return f"{self.path.name}: cancelled; nothing was written"
        head = f"{self.path.name}: {self.rows} rows"
        counts = f"{self.created} new, {self.updated} updated, {self.skipped} unchanged (skipped)"
        if self.written:
            tail = f"; {self.error_rows} rows with errors were left out" if self.errors else ""
            return f"{head}: {counts}{tail}"
        if self.errors:
            return (f"{head}: {len(self.errors)} errors in {self.error_rows} rows; nothing was written "
                    f"(without the errors: {counts})")
        return f"{head}: dry run, would write {counts}"


def report_file_for(path: str | Path) -> Path:
    """Where the report of an import of ``path`` goes: ``NAME.report.xlsx`` beside it."""
    p = Path(path)
    return p.with_name(p.stem + ".report.xlsx")


error_file_for = report_file_for  # the report lists the problems too


_OUTCOME = {"created": "new", "updated": "updated", "skipped": "unchanged", "conflict": "conflict", "error": "error"}


def _report_rows(report: ImportReport) -> Iterator[list[Any]]:
    """One line per data row: row, census number, outcome, what there is to say about it."""
    said: dict[int, list[str]] = {}
    for i in sorted(report.errors + report.warnings, key=lambda i: (i.row, i.severity != "error")):
        said.setdefault(i.row, []).append(f"{i.column}: {i.message}" if i.column else i.message)
    shown = report.written or report.dry_run
    blocked = bool(report.errors) and not report.written and not report.dry_run
    labels = {o: msg(f"census.report.outcome_{o}") for o in _OUTCOME.values()}
    assigned = msg("census.report.assigned" if report.written else "census.report.assigned_preview")
    not_written = msg("census.report.not_written")
    for row in sorted(report.outcomes):
        outcome = report.outcomes[row]
        notes = said.get(row)
        number = report.row_numbers.get(row)
        if row in report.assigned:
            if shown:
                notes = [assigned, *(notes or ())]
            else:
                number = None  # not taken: nothing was written
        elif row in report.matched:
            notes = [msg("census.report.matched", call_number=report.matched[row]), *(notes or ())]
        if blocked and outcome in ("new", "updated"):
            notes = [*(notes or ()), not_written]
        yield [row, number or None, labels.get(outcome, outcome), "\n".join(notes) if notes else None]


def _write_report(report: ImportReport) -> None:
    """The report workbook beside the input; a report that cannot be saved is a warning, not a
    failure (the import itself may already be committed)."""
    from guji.census.xlsx_write import Table, write_tables

    target = report_file_for(report.path)
    issues = sorted(report.errors + report.warnings, key=lambda i: (i.row, i.severity != "error"))
    level = {"error": msg("census.report.level_error"), "warning": msg("census.report.level_warning")}
    rows = Table(msg("census.report.sheet_rows_dry" if report.dry_run else "census.report.sheet_rows"),
                 [msg("census.report.col_row"), msg("census.report.col_number"), msg("census.report.col_outcome"),
                  msg("census.report.col_message")], _report_rows(report), (8, 24, 10, 90))
    problems = Table(msg("census.report.sheet_problems"),
                     [msg("census.report.col_row"), msg("census.report.col_column"), msg("census.report.col_value"),
                      msg("census.report.col_problem"), msg("census.report.col_level")],
                     ([i.row, i.column, None if i.value is None else str(i.value), i.message, level[i.severity]]
                      for i in issues), (8, 16, 30, 70, 8))
    try:
        report.report_file = write_tables(target, [rows, problems])
    except OSError as exc:
        report.report_file = None
        report.warnings.append(RowIssue(0, "", None, msg("census.report.unwritable", path=str(target),
                                                          reason=exc.strerror or str(exc)), "warning"))
    report.error_file = report.report_file if (report.errors or report.warnings) else None


def _forget_report(path: Path) -> None:
    """Remove the report of an earlier import of ``path`` (it would be taken for this one's)."""
    try:
        report_file_for(path).unlink()
    except OSError:
        pass


# ------------------------------------------------------------------------------ import

@dataclass
class _Layout:
    columns: list[tuple[int, Column, str]]  # (index, column, header as written)
    home: dict[str, str]  # field → header as written


def _layout(header: dict[int, Any], header_row: int, issues: list[RowIssue]) -> _Layout:
    cols: list[tuple[int, Column, str]] = []
    seen: dict[str, str] = {}
    for idx in sorted(header):
        written = _text(header[idx])
        if written is None:
            continue
        col = _BY_HEADER.get(_header_key(written))
        if col is None:
            issues.append(RowIssue(header_row, written, written, "unknown column: rename it to one of the "
                                   "template's headers or delete it (its data would not be imported)"))
            continue
        if col.header in seen:
            issues.append(RowIssue(header_row, written, written, f"the column {col.header} appears twice "
                                   f"({seen[col.header]} and {written})"))
            continue
        seen[col.header] = written
        cols.append((idx, col, written))
    for c in CORE_COLUMNS:
        if c.header not in seen:
            issues.append(RowIssue(header_row, c.header, None, f"the core column {c.header} is missing "
                                   "(the seven core columns must all be present, even if empty)"))
    home = {c.field: w for _, c, w in cols}
    for fld, owner in _FIELD_HOME.items():
        if fld not in home:
            home[fld] = home.get(owner) or FIELD_LABELS.get(fld, fld)
    return _Layout(cols, home)


_UNITS = {"frame_height_cm": "厘米", "frame_width_cm": "厘米"}


def _row_data(cells: dict[int, Any], layout: _Layout, row: int,
              issues: list[RowIssue], warnings: list[RowIssue] | None = None) -> RecordData:
    values: dict[str, Any] = {}
    leaf = None
    for idx, col, written in layout.columns:
        v = cells.get(idx)
        if v is None:
            continue
        kind = col.kind
        if type(v) is str:  # most cells: a text or number column's text is the cell trimmed (what _text gives)
            trimmed = v.strip()
            if not trimmed:
                continue
            if kind == "text" or kind == "number":
                values[col.field] = trimmed
                continue
        elif isinstance(v, str) and not v.strip():
            continue
        try:
            if kind == "text":
                values[col.field] = _text(v)
            elif kind == "raw":
                if isinstance(v, str):
                    v = v.strip()
                    # Units people type after the number: 4冊, 2函, 21.5厘米 (check() reads cm and 公分).
                    unit = _UNITS.get(col.field)
                    if unit and v.endswith(unit):
                        v = v.removesuffix(unit).strip()
                    if col.field in ("volumes", "cases") and v[-1:] in ("册", "冊", "函"):
                        v = v[:-1].strip()
                values[col.field] = v
            elif kind == "number":
                values[col.field] = _text(v)
            elif kind == "bool":
                values[col.field] = _bool(v)
            elif kind == "class":
                b, c, s = parse_classification(_text(v) or "")
                values.update(class_branch=b, class_category=c, class_subcategory=s)
            elif kind == "leaf":
                leaf = (written, _text(v))
            elif kind == "seals":
                values["seals"] = parse_seals(_text(v) or "")
            elif kind == "annotations":
                values["annotations"] = parse_annotations(_text(v) or "")
        except ValueError as exc:
            issues.append(RowIssue(row, written, v, str(exc)))
    if leaf is not None and leaf[1]:
        fill, problem = _leaf_fill(leaf[1])
        if problem:
            issues.append(RowIssue(row, leaf[0], leaf[1], problem))
        if "frame_height_cm" in values:
            fill = tuple(kv for kv in fill if kv[0] not in ("frame_height_cm", "frame_width_cm"))
        for k, v in fill:
            if values.get(k) is None:
                values[k] = v
    layout_text = values.get("layout_statement")
    if layout_text and warnings is not None and not _layout_understood(layout_text):
        warnings.append(RowIssue(row, layout.home.get("layout_statement", "行款"), layout_text,
                                 "no lines/characters count found (write e.g. 半葉十行行二十字); kept as written",
                                 "warning"))
    return make_record_data(values)


@lru_cache(maxsize=2048)
def _layout_understood(text: str) -> bool:
    """Whether a 行款 statement gives a line or character count (the editor derives them from it)."""
    from guji.census.leaf_format import LeafFormatError, parse_leaf_format

    try:
        lf = parse_leaf_format(text)
    except LeafFormatError:
        return False
    return lf.lines_per_half_leaf is not None or lf.chars_per_line is not None or lf.chars_irregular


@lru_cache(maxsize=2048)  # 版式 statements repeat a lot within a register
def _leaf_fill(text: str) -> tuple[tuple[tuple[str, Any], ...], str | None]:
    """What a 版式 statement gives: ((field, value) …) and a problem message (or None)."""
    from guji.census.leaf_format import LeafFormatError, parse_leaf_format

    try:
        lf = parse_leaf_format(text)
    except LeafFormatError as exc:
        return (), str(exc)
    left = [u for u in lf.unparsed if u not in ("有", "無", "无")]
    problem = None
    if left:
        problem = ("not understood: " + "、".join(left)
                   + " (write 版口, 边栏, 鱼尾 terms such as 白口，四周雙邊，單黑魚尾)")
    fill: list[tuple[str, Any]] = [
        ("banko", lf.banko), ("border", lf.border), ("fishtail", "".join(y.text for y in lf.yuwei) or None),
        ("shu_er", "有" if lf.shu_er else None), ("lines_per_half_leaf", lf.lines_per_half_leaf),
        ("chars_per_line", lf.chars_per_line)]
    if lf.frame_height_cm is not None:
        fill += [("frame_height_cm", str(lf.frame_height_cm)), ("frame_width_cm", str(lf.frame_width_cm))]
    return tuple((k, v) for k, v in fill if v is not None), problem


def _merge_fill(sheet: Sheet, header_row: int, issues: list[RowIssue],
                names: dict[int, str]) -> dict[tuple[int, int], tuple[int, int]]:
    """Cells covered by a vertical merge → the top-left cell whose value they take."""
    fill: dict[tuple[int, int], tuple[int, int]] = {}
    for r1, c1, r2, c2 in sheet.merged:
        if r2 < header_row:
            continue
        if c1 != c2:
            for r in range(max(r1, header_row), r2 + 1):
                issues.append(RowIssue(r, names.get(c1, column_letter(c1)), None,
                                       f"cells {column_letter(c1)}{r1}:{column_letter(c2)}{r2} are merged across "
                                       "columns: unmerge them (one value cannot fill two items)"))
            continue
        if r1 <= header_row:
            issues.append(RowIssue(header_row, names.get(c1, column_letter(c1)), None,
                                   f"cells {column_letter(c1)}{r1}:{column_letter(c2)}{r2} merge the header with "
                                   "data: unmerge them"))
            continue
        for r in range(r1 + 1, r2 + 1):
            fill[(r, c1)] = (r1, c1)
    return fill


def import_excel(app: Any, path: str | Path, *, institution: str, dry_run: bool = False,
                 all_or_nothing: bool = True, progress: ProgressFn | None = None,
                 cancel: Any = None, workers: int | None = None, allow_duplicates: bool = False) -> ImportReport:
    """Import a census register from an .xlsx file into ``institution`` (code ``210000-0101``).

    Reads the first sheet (see the module docstring for the layout and cell rules), validates
    every row with the editor's rules and writes them through
    :meth:`CensusService.register_stream` in one transaction: all-or-nothing by default (any
    error → nothing written); with ``all_or_nothing=False`` the rows with errors are left out
    and the others written. Re-importing a file updates changed drafts/returned records and
    skips unchanged ones, matched by census number or, for rows without one, by call number;
    changes to locked records are conflicts (errors). Likely duplicates (same title and edition
    as a record of the institution or another row) are errors unless ``allow_duplicates``.

    The file is read and its rows validated on ``workers`` processes (default: up to four, for
    sheets larger than a couple of megabytes; 0: all in this process) before anything is written.
    Returns an :class:`ImportReport`; the report workbook ``NAME.report.xlsx`` beside the input
    lists every row (census number given, matched or assigned; outcome; problems) and every
    problem. Raises :class:`ExcelFileError` when the file cannot be read at all (damaged, a zip
    bomb, row numbers beyond Excel's sheet), :class:`ExcelImportError` when a reading process
    stopped, and :class:`PermissionDenied`/:class:`NotFound` (before reading) when the user may
    not import into the institution; nothing is written then. ``progress(fraction, message)``
    and ``cancel`` (``threading.Event``) as for every long job; a cancelled import writes nothing.
    """
    from guji.census.bulk import paused_gc

    with paused_gc():
        try:
            return _import_excel(app, Path(path), institution, dry_run, all_or_nothing, progress, cancel, workers,
                                 allow_duplicates)
        except (ExcelFileError, ExcelImportError):
            _forget_report(Path(path))
            raise


# Rows per chunk handed to a worker (and per batch written).
_CHUNK = 2000
# Sheets smaller than this (uncompressed XML) are validated in this process: starting a worker
# costs about a second.
_POOL_MIN_BYTES = 3 << 20
_UNREADABLE = "_unreadable"  # field of the problem that marks a row the import could not read


def _import_excel(app: Any, path: Path, institution: str, dry_run: bool, all_or_nothing: bool,
                  progress: ProgressFn | None, cancel: Any, workers: int | None,
                  allow_duplicates: bool) -> ImportReport:
    from guji.census.bulk import Prepared, bulk_options, failed

    started = time.perf_counter()
    report = ImportReport(path=path, institution=institution, dry_run=dry_run, all_or_nothing=all_or_nothing,
                          allow_duplicates=allow_duplicates)

    def say(fraction: float, message: str) -> None:
        if progress is not None:
            progress(fraction, message)

    app.census.import_target(institution)  # permission first, before the file is read
    sheet = read_sheet(path)
    say(0.0, f"reading {path.name}")
    if workers is None:
        workers = min(4, os.cpu_count() or 1) if sheet.size >= _POOL_MIN_BYTES else 0
    issues: list[RowIssue] = []
    layout: _Layout | None = None
    header_row = 0
    core_missing = False
    names: dict[int, str] = {}
    head = sheet.rows()
    for row, cells in head:
        if not any(_text(v) for v in cells.values()):
            continue
        header_row = row
        for (r, c), text in list(sheet.bad_cells.items()):
            if r == row:
                issues.append(RowIssue(row, column_letter(c), None, text))
        layout = _layout(cells, row, issues)
        report.columns = {w: c.field for _, c, w in layout.columns}
        report.unknown_headers = [i.column for i in issues if i.message.startswith("unknown column")]
        core_missing = any("core column" in i.message for i in issues)
        names = {idx: w for idx, _, w in layout.columns}
        break
    head.close()
    if layout is None:
        issues.append(RowIssue(1, "", None, "the first sheet is empty: it needs a header row with the core "
                               "columns 普查编号, 索书号, 题名卷数, 著者, 版本, 册数, 存缺卷数"))
    if layout is None or core_missing:  # without the core columns no row can be read
        report.errors = sorted(issues, key=lambda i: i.row)
        _write_report(report)
        report.elapsed_s = time.perf_counter() - started
        say(1.0, report.summary())
        return report

    fill = _merge_fill(sheet, header_row, issues, names)
    spec = _ReadSpec(path, header_row, layout, names, fill, frozenset(i.row for i in issues if i.row > header_row),
                     app.db.is_sqlite, max(1, workers), _CHUNK)
    # Read and validate every row first, with no transaction open: other desks go on saving and
    # signing in meanwhile (on SQLite the write transaction locks the whole database).
    with _Held() as held:
        if issues:  # problems of the header (an unknown column…) block an all-or-nothing import too
            held.add([failed(header_row, (FieldProblem(_UNREADABLE, "the header has problems"),))])
        blocks = _blocks_on_workers(spec) if workers > 0 else _read_part(spec, 0)
        try:
            for block in blocks:
                if cancel is not None and cancel.is_set():
                    report.cancelled = True
                    report.elapsed_s = time.perf_counter() - started
                    return report
                issues.extend(block.issues)
                report.warnings.extend(block.warnings)
                report.rows += block.rows
                if block.pickled is not None:
                    held.add_pickled(block.pickled)
                else:
                    held.add(block.prepared)
                say(0.9 * min(1.0, block.position / max(1, block.size)), f"read {report.rows} rows")
        finally:
            blocks.close()  # stops and joins the worker processes (see below)
        say(0.9, msg("census.import.validated", rows=report.rows))

        total = len(held)

        def batches() -> Iterator[list[Prepared]]:
            for i, batch in enumerate(held.batches()):
                yield batch
                say(0.9 + 0.02 * (i + 1) / total, msg("census.import.writing", done=i + 1, total=total))

        with bulk_options(allow_duplicates=allow_duplicates):
            result = app.census.register_stream(
                batches(), institution=institution, dry_run=dry_run, all_or_nothing=all_or_nothing,
                progress=say, cancel=cancel, note=f"Excel import: {path.name}")
    if result.cancelled:
        report.cancelled = True
        report.elapsed_s = time.perf_counter() - started
        return report
    for key, p in result.errors:
        if p.field != _UNREADABLE:  # already in issues, with the cell it came from
            issues.append(_issue(key, p, layout, "error"))
    for key, p in result.warnings:
        report.warnings.append(_issue(key, p, layout, "warning"))
    report.warnings.sort(key=lambda i: i.row)
    report.created, report.updated, report.skipped = result.created, result.updated, result.skipped
    report.written = result.written
    report.numbers = result.numbers
    report.row_numbers = result.row_numbers
    report.matched = result.matched
    report.assigned = result.assigned
    report.outcomes = {k: _OUTCOME.get(v, v) for k, v in result.outcome.items() if k != header_row}
    report.changes = result.changes
    report.errors = sorted(issues, key=lambda i: i.row)
    _write_report(report)
    report.elapsed_s = time.perf_counter() - started
    say(1.0, report.summary())
    return report


# --- reading and validating the data rows, on worker processes --------------------------------------
#
# The rows after the header are cut into blocks of _CHUNK rows; with N parts, part k reads, maps
# and validates (bulk.prepare) the blocks k, k+N, k+2N… — each worker opens the file itself and
# its reader skips the other parts' rows without parsing their cells, so nothing but the prepared
# rows crosses between processes. This process takes the blocks in order and writes them.

@dataclass(frozen=True)
class _ReadSpec:
    path: Path
    header_row: int
    layout: _Layout
    names: dict[int, str]
    fill: dict[tuple[int, int], tuple[int, int]]  # merged cell → the top-left cell it takes its value from
    unreadable: frozenset[int]  # rows already in error (merged across columns)
    sqlite: bool
    parts: int
    chunk: int  # rows per block (the workers are spawned: they see this, not a patched module global)


@dataclass
class _Block:
    index: int
    prepared: list[Any]
    issues: list[RowIssue]
    warnings: list[RowIssue]
    rows: int  # data rows (not empty) in the block
    position: int  # bytes of sheet XML read, of size
    size: int
    pickled: bytes | None = None  # from a worker: the prepared rows, still pickled (see _Held)


class _Held:
    """The checked rows of an import between reading and writing.

    Blocks read in this process are kept as they are; blocks from the worker processes arrive
    pickled and go to a temporary file as they are, so that the rows of a large register are
    not all in memory at once (about 3.5 KB a row as objects, 2 KB pickled): they are unpickled
    one batch at a time while they are written.
    """

    def __init__(self) -> None:
        self._items: list[list[Any] | tuple[int, int]] = []
        self._file: Any = None

    def __enter__(self) -> _Held:
        return self

    def __exit__(self, *exc: object) -> None:
        self._items = []
        if self._file is not None:
            self._file.close()

    def __len__(self) -> int:
        return len(self._items)

    def add(self, rows: list[Any]) -> None:
        self._items.append(rows)

    def add_pickled(self, data: bytes) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="guji-import-")  # noqa: SIM115 - closed by __exit__
        at = self._file.seek(0, os.SEEK_END)
        self._file.write(data)
        self._items.append((at, len(data)))

    def batches(self) -> Iterator[list[Any]]:
        """Every batch in order (each given out once: what the writer does not keep is freed)."""
        for i, item in enumerate(self._items):
            self._items[i] = []
            if isinstance(item, tuple):
                self._file.seek(item[0])
                yield pickle.loads(self._file.read(item[1]))
            else:
                yield item


def _read_part(spec: _ReadSpec, part: int) -> Generator[_Block, None, None]:
    """The blocks of one part, in order (empty blocks included), up to the sheet's last row."""
    from guji.census.bulk import failed, prepare

    sheet = read_sheet(spec.path)
    header, parts, layout, names, chunk = spec.header_row, spec.parts, spec.layout, spec.names, spec.chunk
    sources = set(spec.fill.values())
    source_rows = {r for r, _ in sources}
    fill_by_row: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    for (r, c), src in spec.fill.items():
        fill_by_row.setdefault(r, []).append((c, src))
    merged_values: dict[tuple[int, int], Any] = {}
    unreadable = (FieldProblem(_UNREADABLE, "the row could not be read"),)

    def block_of(r: int) -> int:
        return (r - header - 1) // chunk

    def want(r: int) -> bool:
        return r > header and (block_of(r) % parts == part or r in source_rows)

    index = part  # the block being filled
    block = _Block(index, [], [], [], 0, 0, sheet.size)
    seen: set[int] = set()

    def close(b: _Block) -> _Block:
        # A row whose only cell is a formula without a value never reaches the loop.
        lo, hi = header + 1 + b.index * chunk, header + (b.index + 1) * chunk
        for (r, c), text in sorted(sheet.bad_cells.items()):
            if lo <= r <= hi and r not in seen:
                seen.add(r)
                b.issues.append(RowIssue(r, names.get(c, column_letter(c)), None, text))
                b.rows += 1
                b.prepared.append(failed(r, unreadable))
        b.prepared.sort(key=lambda p: p.key)
        b.position = sheet.position
        return b

    for row, cells in sheet.rows(want=want):
        if spec.fill:
            # Merged ranges: remember the top-left values and give them to the cells below.
            for c in list(cells):
                if (row, c) in sources:
                    merged_values[(row, c)] = cells[c]
            for c, src in fill_by_row.get(row, ()):
                if src in merged_values and c not in cells:
                    cells[c] = merged_values[src]
        b = block_of(row)
        if b % parts != part:
            continue  # a merge source of another part's block
        while index < b:
            yield close(block)
            index += parts
            block = _Block(index, [], [], [], 0, 0, sheet.size)
        bad = False
        if sheet.bad_cells:
            for c in set(cells) | set(names):
                problem = sheet.bad_cells.get((row, c))
                if problem is not None:
                    block.issues.append(RowIssue(row, names.get(c, column_letter(c)), None, problem))
                    cells.pop(c, None)
                    bad = True
        if not bad and row not in spec.unreadable and not any(
                not (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue  # an empty row
        seen.add(row)
        block.rows += 1
        if bad or row in spec.unreadable:
            block.prepared.append(failed(row, unreadable))
            continue
        before = len(block.issues)
        d = _row_data(cells, layout, row, block.issues, block.warnings)
        block.prepared.append(failed(row, unreadable) if len(block.issues) > before
                              else prepare(row, d, sqlite=spec.sqlite))
    last = block_of(max(sheet.last_row, max((r for r, _ in sheet.bad_cells), default=0)))
    while index <= last:
        yield close(block)
        index += parts
        block = _Block(index, [], [], [], 0, 0, sheet.size)


_DONE = "done"


def _worker(spec: _ReadSpec, part: int, out: Any) -> None:
    """A worker process: send the blocks of one part on ``out`` (a pipe), then _DONE (or the error)."""
    import gc
    import threading

    gc.disable()  # as in the importing process (paused_gc): the process ends with the import
    parent = mp.parent_process()
    if parent is not None:  # end with the importing process, even when it is killed
        threading.Thread(target=_exit_with, args=(parent.sentinel,), name="guji-excel-parent", daemon=True).start()
    try:
        for block in _read_part(spec, part):
            rows, block.prepared = block.prepared, []
            out.send(block)  # what the import reports as it reads …
            out.send_bytes(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))  # … and what it keeps for later
        out.send(_DONE)
    except ExcelFileError as exc:
        _send_quietly(out, ("error", "excel", str(exc), getattr(exc.args[0] if exc.args else None, "key", None)))
    except BaseException as exc:  # noqa: BLE001 - reported in the importing process
        _send_quietly(out, ("error", type(exc).__name__, str(exc)[:500], None))
    finally:
        out.close()


def _exit_with(sentinel: int) -> None:
    """Wait until the importing process is gone (its end of the spawn pipe closes), then end this one:
    a worker left behind would read on, or wait forever to send."""
    from multiprocessing.connection import wait

    wait([sentinel])
    os._exit(3)


def _send_quietly(out: Any, message: Any) -> None:
    try:
        out.send(message)
    except (OSError, ValueError):  # the importing process is gone: nobody to tell
        pass


def _receive(conn: Any, proc: Any, *, raw: bool = False) -> Any:
    """The next message of a worker (``raw``: as bytes); :class:`ExcelImportError` when it died
    without sending it."""
    from multiprocessing.connection import wait

    while True:
        wait([conn, proc.sentinel])
        if conn.poll():
            try:
                return conn.recv_bytes() if raw else conn.recv()
            except (EOFError, OSError):  # it died, perhaps halfway through a message
                break
        elif not proc.is_alive():
            break
    proc.join(timeout=5)
    raise ExcelImportError(msg("census.import.worker_died", code=proc.exitcode))


def _blocks_on_workers(spec: _ReadSpec) -> Generator[_Block, None, None]:
    """Every block in order, read by ``spec.parts`` worker processes.

    Each worker sends on its own pipe, whose sending end only the worker holds: when it dies the
    pipe ends, and this process knows at once (a queue shared by all would wait forever on a
    message cut short). The workers watch this process in turn (:func:`_exit_with`).
    """
    # spawn, not fork: the desktop calls this from its database thread, and forking a process
    # with threads (Qt's among them) is unsafe.
    ctx = mp.get_context("spawn")
    conns: list[Any] = []
    procs: list[Any] = []
    try:
        for k in range(spec.parts):
            receiver, sender = ctx.Pipe(duplex=False)
            conns.append(receiver)
            proc = ctx.Process(target=_worker, args=(spec, k, sender), name=f"guji-excel-{k}", daemon=True)
            try:
                proc.start()
            finally:
                sender.close()
            procs.append(proc)
        index = 0
        while True:
            k = index % spec.parts
            message = _receive(conns[k], procs[k])
            if message == _DONE:
                return
            if isinstance(message, tuple):
                _, kind, text, key = message
                if kind == "excel":
                    raise ExcelFileError(Message(text, key) if key else text)
                raise ExcelImportError(msg("census.import.worker_failed", error=f"{kind}: {text}"))
            assert message.index == index, (message.index, index)
            message.pickled = _receive(conns[k], procs[k], raw=True)
            yield message
            index += 1
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        for proc in procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)
        for c in conns:
            c.close()


def _issue(row: int, p: FieldProblem, layout: _Layout, severity: str) -> RowIssue:
    column = layout.home.get(p.field) or FIELD_LABELS.get(p.field, p.field)
    value = p.value
    if isinstance(value, Decimal):
        value = str(value)
    return RowIssue(row, column, value, p.message, severity)


# ------------------------------------------------------------------------------ template

_INSTRUCTIONS = [
    "古籍普查登记 Excel 模板 · 填写说明",
    "",
    "1. 第一张工作表是登记表：第一行是表头，每行登记一部书。不要改动表头文字；可以删去不用的选填列，"
    "但七个核心列（普查编号、索书号、题名卷数、著者、版本、册数、存缺卷数）必须保留。",
    "2. 普查编号格式为 PPPPPP-UUUU-NNNNNNN（省代码-单位代码-七位流水号），例如 210000-0101-0000001。已有编号照录；"
    "留空则导入时按本单位下一个流水号自动编号。",
    "3. 册数填正整数；全角数字、文本形式的数字均可。题名卷数如“墨子十五卷”；著者如“（明）王懋德（明）陸鳳儀纂修”；"
    "版本如“明萬曆刻本”。",
    "4. 分类写作“史部·地理類·總志之屬”（部、類、屬，可只写到部或類）。版框高、版框宽以厘米计，如 21.5。",
    "5. 行款如“半葉十行行二十字”；版式如“白口，四周雙邊，單黑魚尾”。",
    "6. 钤印：多方印以“；”分隔，印主写在括号内，位置写在方括号内，如“天一閣（范欽）；汲古閣［卷端］”。",
    "7. 批校题跋：多条以“；”分隔，写作“人名+方式（说明）”，方式为批、校、題、跋、識，如“（清）黃丕烈跋（卷末手跋二則）"
    "；顧廣圻校”。",
    "8. 装帧、定级、破损级别请从下拉列表或右侧词表中选择。",
    "9. 公式只取 Excel 保存的计算结果；合并单元格（同一列上下合并）视为每一行都填了该值；左右合并的单元格不能导入。"
    "空行自动跳过。",
    "10. 导入默认“全部或全不”：只要有一处错误，就一条也不写入。每次导入都在原文件旁保存导入报告 文件名.report.xlsx："
    "逐行列出普查编号（填写的、对应到的或导入时分配的）、结果（新建、更新、未变、冲突、错误）和问题；"
    "导入时分配的普查编号请填回本表。",
    "11. 同一文件再次导入时，按普查编号比对；没有普查编号的行按本单位的索书号比对。内容未变的跳过，"
    "有改动的更新（仅限草稿和返修记录；已提交或已审核的记录不会被修改，报告为冲突）。",
    "12. 与本单位已有记录或本表其他行题名卷数、版本都相同的新行视为疑似重复，报告为错误；"
    "确为复本时以“允许重复”导入（命令行 --allow-duplicates）。",
]


def _vocab_labels(name: str, depth: int | None = None) -> list[str]:
    return [e.label for e in vocab.choices(name, depth=depth)]


def write_template(path: str | Path) -> Path:
    """Write the empty register template to ``path`` (.xlsx) and return the path.

    Sheet 1 登记表: the core and optional headers (bold, sized, frozen), with drop-downs for
    装帧, 定级 and 破损级别 taken from the vocabularies; sheet 2 说明: instructions and the
    vocabulary lists (装帧, 定级, 破损级别, 版本类型, 四部分类).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    target = Path(path)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "登记表"
    bold = Font(bold=True)
    core_fill = PatternFill("solid", fgColor="FFF2CC")
    for i, col in enumerate(TEMPLATE_COLUMNS, start=1):
        cell = set_text(ws.cell(row=1, column=i), col.header)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if col in CORE_COLUMNS:
            cell.fill = core_fill
        ws.column_dimensions[column_letter(i)].width = col.width + 4
    ws.freeze_panes = "B2"

    info = wb.create_sheet("说明")
    info.column_dimensions["A"].width = 100
    for r, line in enumerate(_INSTRUCTIONS, start=1):
        c = set_text(info.cell(row=r, column=1), line) if line else info.cell(row=r, column=1)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if r == 1:
            c.font = Font(bold=True, size=14)
    lists = [
        ("装帧", _vocab_labels("binding")),
        ("定级", _vocab_labels("grade")),
        ("破损级别", _vocab_labels("damage_grade")),
        ("版本类型", _vocab_labels("edition_type")),
        ("分类（部·類）", [format_classification(*(list(e.path) + [None, None])[:3]) or ""
                         for e in vocab.choices("classification") if e.depth <= 1]),
    ]
    ranges: dict[str, str] = {}
    for j, (title, labels) in enumerate(lists):
        letter = column_letter(3 + j)
        info.column_dimensions[letter].width = 16 if j < 4 else 24
        set_text(info.cell(row=1, column=3 + j), title).font = bold
        for r, label in enumerate(labels, start=2):
            set_text(info.cell(row=r, column=3 + j), label)
        ranges[title] = f"'说明'!${letter}$2:${letter}${len(labels) + 1}"
    for header, key in (("装帧", "装帧"), ("定级", "定级"), ("破损级别", "破损级别")):
        idx = next(i for i, c in enumerate(TEMPLATE_COLUMNS, start=1) if c.header == header)
        dv = DataValidation(type="list", formula1=ranges[key], allow_blank=True, showErrorMessage=False)
        dv.prompt = f"从词表中选择{header}"
        dv.showInputMessage = True
        ws.add_data_validation(dv)
        dv.add(f"{column_letter(idx)}2:{column_letter(idx)}100000")
    try:
        wb.save(target)
    except OSError as exc:
        raise ExcelFileError(f"cannot write {target}: {exc.strerror}") from None
    return target
