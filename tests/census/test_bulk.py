"""The streaming Excel import (guji.census.bulk + guji.census.excel): in-process and on worker
processes it reads, validates and writes the same thing, all or nothing, and leaves no process behind.

Every file here is a real .xlsx written by openpyxl (formulas get their saved values by editing
the sheet XML, as Excel would have saved them). The blocks are made small (``_CHUNK``) so that a
few hundred rows make a multi-block file: ``excel._CHUNK`` is monkeypatched, and the read spec
carries the block size to the spawned worker processes (:func:`small_chunk`). The tests check
the workers really used the small blocks (one "read" progress message per block).
"""

from __future__ import annotations

import json
import multiprocessing
import re
import threading
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from sqlalchemy import create_engine, func, select, text

from guji.app import Guji
from guji.census import excel
from guji.census.bulk import comparable, numbered, prepare
from guji.census.excel import ExcelFileError, error_file_for, import_excel
from guji.census.models import CensusRecord, SerialCounter
from guji.census.record import AnnotationData, AuthorData, RecordData, SealData
from guji.census.store import record_data
from guji.db.engine import Database
from guji.models.audit import AuditEntry
from tests.census.excel_helpers import CORE, INST_A, good_row, write_xlsx
from tests.conftest import PASSWORD, admin_for, make_db

CHUNK = 50  # rows per block in these tests (2000 in production)
HEADERS = [*CORE, "版框高", "行款", "钤印", "附注", "所属丛书", "合订"]
SHEET = "xl/worksheets/sheet1.xml"


def num(serial: int) -> str:
    return f"210000-0101-{serial:07d}"


def unnumbered(r: int, **over: Any) -> dict[str, Any]:
    """A row without a census number; its own call number and title (it is not a duplicate)."""
    return good_row(None, **{"索书号": f"無號{r}", "题名卷数": f"無號書{r}", **over})


# --- fixtures: small blocks everywhere, two fresh databases --------------------------------------------

@pytest.fixture
def small_chunk(monkeypatch: pytest.MonkeyPatch) -> int:
    """Blocks of :data:`CHUNK` rows (the read spec carries the size to the worker processes)."""
    monkeypatch.setattr(excel, "_CHUNK", CHUNK)
    return CHUNK


@contextmanager
def _pg_database(server: str) -> Iterator[str]:
    """A new, empty PostgreSQL database (as conftest's pg_url, which gives only one per test)."""
    name = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(server.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    try:
        yield f"{server.rpartition('/')[0]}/{name}"
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def census_user(url: str, dbs: list[Database]) -> Guji:
    """A fresh database with institution A and its census user, signed in (what the imports need)."""
    db = make_db(url)
    dbs.append(db)
    admin = admin_for(db)
    admin.institutions.add_institution("遼寧省圖書館", "210000", "0101")
    admin.users.add_user("census.a", PASSWORD, ["census"], institution=INST_A)
    return Guji.sign_in(db, "census.a", PASSWORD)


@contextmanager
def _urls(kind: str, request: pytest.FixtureRequest, tmp_path: Path, n: int) -> Iterator[list[str]]:
    if kind == "sqlite":
        yield [str(tmp_path / f"db{i}.sqlite3") for i in range(n)]
        return
    server = request.getfixturevalue("pg_server")
    with ExitStack() as stack:
        yield [stack.enter_context(_pg_database(server)) for _ in range(n)]


@contextmanager
def _apps(kind: str, request: pytest.FixtureRequest, tmp_path: Path, n: int) -> Iterator[list[Guji]]:
    dbs: list[Database] = []
    with _urls(kind, request, tmp_path, n) as urls:
        try:
            yield [census_user(u, dbs) for u in urls]
        finally:
            for d in dbs:
                d.dispose()


BOTH = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BOTH)
def two_apps(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[Guji]]:
    """The census user of institution A in two fresh databases of the same kind."""
    with _apps(request.param, request, tmp_path, 2) as apps:
        yield apps


@pytest.fixture
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Guji]:
    with _apps("sqlite", request, tmp_path, 1) as apps:
        yield apps[0]


# --- helpers ---------------------------------------------------------------------------------------------

def run(app: Guji, path: Path, **kw: Any) -> Any:
    return import_excel(app, path, institution=INST_A, **kw)


def with_saved_values(path: Path, values: dict[str, tuple[str | None, Any]]) -> Path:
    """Give formula cells the value Excel saves with them: ``{"F31": (None, 4), "C141": ("str", "…")}``
    (the cell type, the saved value). Rewrites the workbook in place."""
    with zipfile.ZipFile(path) as src:
        items = [(i, src.read(i)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item, data in items:
            if item.filename == SHEET:
                xml = data.decode("utf-8")
                for ref, (t, value) in values.items():
                    pattern = re.compile(rf'<c r="{ref}"><f>([^<]*)</f><v\s*/?>(?:</v>)?</c>')
                    typ = f' t="{t}"' if t else ""
                    cached = f'<c r="{ref}"{typ}><f>{{}}</f><v>{value}</v></c>'
                    xml, n = pattern.subn(lambda m, cached=cached: cached.format(m.group(1)), xml)
                    assert n == 1, ref
                data = xml.encode("utf-8")
            dst.writestr(item, data)
    return path


def sheet_rows(rows: dict[int, dict[str, Any]], last: int) -> list[dict[str, Any]]:
    """Rows 2..last of a sheet from {row number: row}, empty where none is given."""
    return [rows.get(r, {}) for r in range(2, last + 1)]


def report_of(rep: Any) -> dict[str, Any]:
    """Everything an import reports, comparable between two runs."""
    return {
        "errors": [(e.row, e.column, e.value, e.message, e.severity) for e in rep.errors],
        "warnings": [(e.row, e.column, e.value, e.message, e.severity) for e in rep.warnings],
        "counts": (rep.rows, rep.created, rep.updated, rep.skipped),
        "flags": (rep.written, rep.dry_run, rep.cancelled, rep.all_or_nothing),
        "numbers": rep.numbers, "columns": rep.columns, "unknown": rep.unknown_headers,
        "summary": rep.summary(),
    }


def database_of(app: Guji) -> dict[str, Any]:
    """The census content of a database by census number (ids may differ between databases)."""
    with app.db.read_session() as s:
        recs = s.scalars(select(CensusRecord).order_by(CensusRecord.census_number)).all()
        by_id = {r.id: r.census_number for r in recs}
        records = {}
        for r in recs:
            records[r.census_number] = (
                r.serial, r.state, r.search_key, r.title_key, r.edition_key,
                sorted(r.search_grams) if r.search_grams is not None else None,
                by_id.get(r.parent_id), by_id.get(r.bound_with_id),
                json.dumps(comparable(record_data(r, s)), ensure_ascii=False, sort_keys=True))
        audits = sorted((by_id.get(int(a.entity_id), a.entity_id), a.action, json.dumps(a.changes, sort_keys=True),
                         a.note, a.login)
                        for a in s.scalars(select(AuditEntry).where(AuditEntry.entity == "census_record")))
        fts: list[Any] = []
        if app.db.is_sqlite:
            fts = sorted((by_id.get(row[0]), *row[1:]) for row in s.execute(
                text("SELECT rowid, title, people, edition, ids, other, facets FROM census_fts")))
        serials = sorted((c.institution_id, c.last_serial) for c in s.scalars(select(SerialCounter)))
    return {"records": records, "audits": audits, "fts": fts, "serials": serials}


def totals(app: Guji) -> dict[str, Any]:
    """Row counts of everything an import writes."""
    with app.db.read_session() as s:
        out: dict[str, Any] = {
            "records": s.scalar(select(func.count()).select_from(CensusRecord)),
            "audit": s.scalar(select(func.count()).select_from(AuditEntry)),
            "serials": sorted((c.institution_id, c.last_serial) for c in s.scalars(select(SerialCounter))),
            "max_id": s.scalar(select(func.max(CensusRecord.id))),
        }
        for table in ("record_author", "record_seal", "record_annotation"):
            out[table] = s.scalar(text(f"SELECT count(*) FROM {table}"))
        if app.db.is_sqlite:
            out["fts"] = s.scalar(text("SELECT count(*) FROM census_fts"))
        else:
            out["grams"] = s.scalar(select(func.count()).select_from(CensusRecord)
                                    .where(CensusRecord.search_grams.is_not(None)))
    return out


def hits(app: Guji, query: str) -> list[str]:
    return sorted(r.census_number for r in app.search.search(query, limit=500).rows)


def read_messages(seen: list[tuple[float, str]]) -> int:
    """The progress messages of the reading: one per block."""
    return sum(1 for _, m in seen if m.startswith("read "))


def no_children_left() -> None:
    assert multiprocessing.active_children() == []
    assert not [t for t in threading.enumerate() if t.name.startswith("QueueFeederThread")]


# --- 1. numbered() is prepare() with the number given up front ---------------------------------------------

RECORDS = [
    RecordData(call_number="善123", title="墨子十五卷", author_statement="（清）孫詒讓撰",
               edition_statement="明萬曆刻本", volumes=4),
    RecordData(title="史記一百三十卷", edition_statement="清乾隆四年武英殿刻本", volumes=20, author_statement=None,
               national_list_number="02345", notes="有蟲蛀", layout_statement="半葉十行行二十字",
               frame_height_cm=Decimal("21.5"), frame_width_cm=Decimal("14.2"), grade="2B",
               seals=[SealData("天一閣", "范欽", "卷端"), SealData("汲古閣")],
               annotations=[AnnotationData("（清）黃丕烈", "跋", "卷末手跋二則")],
               authors=[AuthorData("司馬遷", "漢", "撰")], parent_census_number="210000-0101-0000007"),
    RecordData(call_number="ABC 12-3|x", title="文選六十卷", edition_statement="宋刻本", volumes=1, extant="存卷一至三",
               bound_with_census_number="２１００００－０１０１－０００００９９"),
]
NUMBERS = ["210000-0101-0000001", "210000-0101-0000010", "210000-0101-1000000", "210000-0101-9999999",
           "210000-0101-0123456"]


@pytest.mark.parametrize("sqlite", [True, False], ids=["sqlite", "postgres"])
@pytest.mark.parametrize("which", range(len(RECORDS)))
def test_numbered_equals_prepare_with_the_number(sqlite: bool, which: int) -> None:
    d = RECORDS[which]
    for number in NUMBERS:
        late = prepare(7, replace(d, census_number=None), sqlite=sqlite)
        assert late.errors == () and late.number is None
        up_front = prepare(7, replace(d, census_number=number), sqlite=sqlite)
        assert up_front.errors == () and up_front.number == number
        got = numbered(late, number)
        # Field by field first, for a readable failure; then the whole tuple.
        assert got.record == up_front.record
        assert got.fts == up_front.fts
        assert got.search_key == up_front.search_key
        assert got.grams == up_front.grams
        assert json.loads(got.changes) == json.loads(up_front.changes)
        assert got.changes == up_front.changes  # the same JSON text, keys in the same order
        assert got == up_front
        assert got.data() == up_front.data()
        # SQLite writes the FTS5 columns, PostgreSQL the grams.
        assert (got.grams is None) is sqlite and (len(got.fts) == 5) is sqlite


# --- 2. in-process and on workers: the same reports and the same database ------------------------------

LAST = 302  # data rows 2..302: blocks of 50 rows 0..6, block 3 (rows 152..201) empty


def block(row: int) -> int:
    return (row - 2) // CHUNK


def hard_register(tmp_path: Path, name: str = "hard.xlsx") -> Path:
    """A register with every kind of cell the import treats specially, several across block boundaries."""
    rows: dict[int, dict[str, Any]] = {r: good_row(r) for r in range(2, 300) if not 152 <= r <= 201}
    rows[2] = good_row(2, 所属丛书=num(280))  # a child whose 叢書 comes in the last block
    rows[3] = good_row(None, 索书号="善3", 题名卷数="子目三卷", 所属丛书=num(281))  # …and one without a number
    rows[60] = good_row(60, 合订=num(250))  # bound with a record three blocks later
    rows[280] = good_row(280, 题名卷数="叢書集成十卷")
    rows[281] = good_row(281, 题名卷数="知不足齋叢書三十集")
    rows[250] = good_row(250, 题名卷数="合訂本二卷")
    for top in (50, 100):  # 版本 merged over rows 50–53 and 100–103: across the ends of blocks 0 and 1
        rows[top] = good_row(top, 版本="清乾隆三十年武英殿刻本")
        for r in range(top + 1, top + 4):
            rows[r] = good_row(r, 版本=None)
    rows[10] = good_row(10, 册数="12")  # numbers stored as text
    rows[11] = good_row(11, 册数="４", 版框高="２１.５")  # full-width digits
    rows[12] = good_row(None, 普查编号="２１００００－０１０１－０００００１２", 索书号="善12")
    rows[13] = good_row(13, 册数="7冊", 版框高="21.5厘米")
    rows[14] = good_row(14, 册数=4.0)
    rows[20] = good_row(20, 册数="abc")  # bad cells
    rows[21] = good_row(21, 版框高="abc")
    rows[120] = good_row(120, 册数=0)
    rows[30] = good_row(30, 册数="=1+3")  # a formula with its saved value
    rows[31] = good_row(31, 册数="=2+2")  # a formula without one
    rows[151] = {"索书号": "=1+1"}  # formula-only rows without saved values: the last row of block 2 …
    rows[LAST] = {"附注": '="a"&"b"'}  # … and the last row of the sheet, alone in block 6
    rows[141] = good_row(141, 题名卷数='="史記"&"一百三十卷"')  # a text formula with its saved value
    rows[142] = {"普查编号": '="210000-0101-"&"0000142"', "索书号": '="善"&142', "题名卷数": '="漢書"&"一百卷"',
                 "著者": '="（漢）班固撰"', "版本": '="明"&"刻本"', "册数": "=2*3"}  # a row of formulas only
    for r in (40, 41, 210, 299):  # without a census number: serials after the highest given
        rows[r] = good_row(None, 索书号=f"善{r}", 题名卷数=f"無號書{r}")
    rows[230] = good_row(5, 索书号="重號")  # the number of row 5, three blocks later
    rows[70] = good_row(70, 行款="行款不詳")  # warnings
    rows[71] = good_row(71, 索书号=None)
    rows[80] = good_row(80, 钤印="天一閣（范欽）；汲古閣［卷端］", 附注="有蟲蛀")
    rows[90] = good_row(90, 题名卷数="史記一百三十卷", 版本="清乾隆四年武英殿刻本")
    # Rich text: the fast path hands over to expat from here (in the worker of block 5; the other
    # worker skips the row unparsed and stays on the fast path).
    rows[260] = good_row(260, 附注=CellRichText(["有", TextBlock(InlineFont(b=True), "朱筆"), "批點"]))
    rows.pop(95)  # an empty row inside a block
    rows[96] = {"索书号": "   "}  # a row of blanks only

    def setup(ws: Any) -> None:
        ws.merge_cells("E50:E53")
        ws.merge_cells("E100:E103")

    path = write_xlsx(tmp_path / name, sheet_rows(rows, LAST), HEADERS, setup=setup)
    return with_saved_values(path, {
        "F30": (None, 4), "C141": ("str", "史記一百三十卷"), "A142": ("str", "210000-0101-0000142"),
        "B142": ("str", "善142"), "C142": ("str", "漢書一百卷"), "D142": ("str", "（漢）班固撰"),
        "E142": ("str", "明刻本"), "F142": (None, 6)})


EXPECTED_ERRORS = {(20, "册数"), (21, "版框高"), (31, "册数"), (120, "册数"), (151, "索书号"), (230, "普查编号"),
                   (LAST, "附注")}


def test_workers_and_in_process_give_the_same_reports_and_database(
        two_apps: list[Guji], tmp_path: Path, small_chunk: int) -> None:
    path = hard_register(tmp_path)
    blocks = block(LAST) + 1
    results: dict[int, dict[str, Any]] = {}
    for workers, app in zip((0, 2), two_apps, strict=True):
        seen: list[tuple[float, str]] = []
        out: dict[str, Any] = {}
        # A dry run (all or nothing: with these errors nothing would be written), then partial mode
        # writes the good rows (writing all or nothing is test_error_in_the_last_block_writes_nothing).
        out["empty"] = totals(app)
        out["dry"] = report_of(run(app, path, workers=workers, dry_run=True,
                                   progress=lambda f, m, seen=seen: seen.append((f, m))))
        assert read_messages(seen) == blocks  # the workers too used blocks of CHUNK rows
        values = [f for f, _ in seen]
        assert values == sorted(values) and values[0] == 0.0 and values[-1] == 1.0
        assert totals(app) == out["empty"]
        out["partial"] = report_of(run(app, path, workers=workers, all_or_nothing=False))
        out["db"] = database_of(app)
        out["totals"] = totals(app)
        out["search"] = {q: hits(app, q) for q in ("史记", "天一阁", "武英殿", "无号书", "汉书", "0000012", "善12",
                                                    "丛书", "虫蛀", "朱笔")}
        out["history"] = [h.action for h in app.census.history(app.census.find_by_number(num(60)).id)]
        results[workers] = out
    a, b = results[0], results[2]
    for key in ("dry", "partial", "db", "totals", "search", "history"):
        assert a[key] == b[key], key

    # And what they agree on is right.
    dry, partial = a["dry"], a["partial"]
    assert {(r, c) for r, c, *_ in dry["errors"]} == EXPECTED_ERRORS
    assert dry["flags"][:2] == (False, True) and dry["errors"] == partial["errors"]
    assert dry["counts"] == partial["counts"] and dry["numbers"] == partial["numbers"]
    msgs = {(r, c): m for r, c, _, m, _ in partial["errors"]}
    assert "formula without a saved value" in msgs[(31, "册数")] and "formula without" in msgs[(151, "索书号")]
    assert "formula without" in msgs[(LAST, "附注")]
    assert "appears twice" in msgs[(230, "普查编号")] and "row 5" in msgs[(230, "普查编号")]
    assert "centimetres" in msgs[(21, "版框高")] and "whole number" in msgs[(20, "册数")]
    assert any(w[0] == 70 and "kept as written" in w[3] for w in partial["warnings"])
    assert any(w[0] == 71 and w[1] == "索书号" for w in partial["warnings"])
    read = sum(1 for r in range(2, 300) if not 152 <= r <= 201) - 2 + 1  # rows 95 and 96 are empty; row 302
    good = read - len(EXPECTED_ERRORS)
    assert partial["counts"] == (read, good, 0, 0) and partial["flags"][0] is True
    db = a["db"]["records"]
    assert len(db) == good
    # Serials after the highest number given (298), in the order the rows were settled (row 3 waited for its 叢書).
    assert [partial["numbers"][r] for r in (12, 40, 41, 210, 299, 3)] == [
        num(12), num(299), num(300), num(301), num(302), num(303)]
    assert a["db"]["serials"][0][1] == 303
    assert db[num(2)][6] == num(280) and db[num(303)][6] == num(281) and db[num(60)][7] == num(250)
    for r in (50, 51, 52, 53, 100, 103):
        assert json.loads(db[num(r)][8])["edition_statement"] == "清乾隆三十年武英殿刻本"
    assert json.loads(db[num(54)][8])["edition_statement"] == "明萬曆刻本"
    for r, volumes in ((10, 12), (11, 4), (12, 4), (13, 7), (14, 4), (30, 4), (142, 6)):
        assert json.loads(db[num(r)][8])["volumes"] == volumes, r
    assert json.loads(db[num(11)][8])["frame_height_cm"] == "21.5"
    assert json.loads(db[num(141)][8])["title"] == "史記一百三十卷"
    assert json.loads(db[num(142)][8])["title"] == "漢書一百卷"
    assert json.loads(db[num(5)][8])["call_number"] == "善5"
    assert json.loads(db[num(260)][8])["notes"] == "有朱筆批點"
    assert a["search"]["史记"] == [num(90), num(141)] and a["search"]["汉书"] == [num(142)]
    assert a["search"]["无号书"] == [num(299), num(300), num(301), num(302)]
    assert a["search"]["0000012"] == [num(12)] and a["search"]["天一阁"] == [num(80)]
    assert a["search"]["朱笔"] == [num(260)]
    assert len(a["db"]["audits"]) == good and {x[1] for x in a["db"]["audits"]} == {"create"}
    assert a["history"] == ["create"]


# --- 3. all or nothing: an error in the last block undoes the blocks written before it --------------------

# The worker processes do not touch the database: in-process is enough to cover PostgreSQL's writer too.
@pytest.mark.parametrize("kind, workers", [("sqlite", 0), ("sqlite", 2), pytest.param("postgres", 0,
                                                                                     marks=pytest.mark.postgres)])
def test_error_in_the_last_block_writes_nothing(request: pytest.FixtureRequest, tmp_path: Path, small_chunk: int,
                                                kind: str, workers: int) -> None:
    with _apps(kind, request, tmp_path, 1) as apps:
        _error_in_the_last_block(apps[0], tmp_path, workers)


def _error_in_the_last_block(app: Guji, tmp_path: Path, workers: int) -> None:
    first = run(app, write_xlsx(tmp_path / "first.xlsx", [good_row(1), good_row(None), good_row(2)]), workers=0)
    assert first.written and first.created == 3
    before = totals(app)
    before_db = database_of(app)
    assert before["serials"][0][1] == 3
    rows = [unnumbered(r, 钤印="天一閣（范欽）", 批校题跋="顧廣圻校") if r % 7 == 0 else
            good_row(r + 10, 钤印="天一閣（范欽）", 批校题跋="顧廣圻校") for r in range(1, 231)]
    rows[-1] = good_row(240, 册数="abc")  # sheet row 231, in block 4 (the last)
    path = write_xlsx(tmp_path / "last.xlsx", rows)
    seen: list[tuple[float, str]] = []
    rep = run(app, path, workers=workers, progress=lambda f, m: seen.append((f, m)))
    assert read_messages(seen) == 5
    assert [(e.row, e.column, e.value) for e in rep.errors] == [(231, "册数", "abc")]
    assert "whole number" in rep.errors[0].message
    assert not rep.written and rep.created == 229 and "nothing was written" in rep.summary()
    assert totals(app) == before and database_of(app) == before_db
    assert hits(app, "天一阁") == []
    # The report beside the file names the row and the column.
    import openpyxl

    saved = list(openpyxl.load_workbook(error_file_for(path)).worksheets[1].iter_rows(values_only=True))
    assert [r[:3] for r in saved if r[4] == "错误"] == [(231, "册数", "abc")]
    # Nothing was taken: the next serial is still 4, and the fixed file goes in whole.
    assert app.census.next_census_number(INST_A) == num(4)
    rows[-1] = good_row(240, 钤印="天一閣（范欽）")
    rep = run(app, write_xlsx(tmp_path / "last.xlsx", rows), workers=0)
    assert rep.written and rep.errors == [] and rep.created == 230
    assert totals(app)["records"] == 233 and len(hits(app, "天一阁")) == 230
    assert rep.numbers[8] == num(241)  # the first row without a number: after the highest given (240)
    no_children_left()


# --- 4. re-import: matched by census number -------------------------------------------------------------

@pytest.mark.parametrize("kind, workers", [("sqlite", 2), pytest.param("postgres", 0, marks=pytest.mark.postgres)])
def test_reimport_updates_and_skips_by_census_number(request: pytest.FixtureRequest, tmp_path: Path,
                                                     small_chunk: int, kind: str, workers: int) -> None:
    with _apps(kind, request, tmp_path, 1) as apps:
        _reimport(apps[0], tmp_path, workers)


def _reimport(app: Guji, tmp_path: Path, workers: int) -> None:
    rows = [good_row(r) for r in range(1, 181)]  # blocks 0..3
    path = write_xlsx(tmp_path / "re.xlsx", rows)
    rep = run(app, path, workers=0)
    assert (rep.created, rep.updated, rep.skipped) == (180, 0, 0) and rep.written
    after_first = totals(app)

    rep = run(app, path, workers=0)  # unchanged: every row skipped, nothing written
    assert (rep.created, rep.updated, rep.skipped) == (0, 0, 180) and rep.errors == [] and rep.written
    assert totals(app) == after_first

    rows[0] = good_row(1, 册数=9)  # changed in block 0 …
    rows[120] = good_row(121, 题名卷数="墨子閒詁十五卷")  # … and in block 2
    rows += [good_row(r) for r in range(181, 186)] + [good_row(None, 题名卷数="新書")]
    path = write_xlsx(tmp_path / "re.xlsx", rows)
    dry = run(app, path, workers=0, dry_run=True)
    assert (dry.created, dry.updated, dry.skipped) == (6, 2, 178) and not dry.written
    assert totals(app) == after_first
    rep = run(app, path, workers=workers)
    assert (rep.created, rep.updated, rep.skipped) == (6, 2, 178) and rep.written and rep.errors == []
    assert rep.numbers[len(rows) + 1] == num(186)
    assert "6 new, 2 updated, 178 unchanged" in rep.summary()
    now = totals(app)
    assert now["records"] == 186 and now["audit"] == after_first["audit"] + 8
    r1 = app.census.find_by_number(num(1))
    assert r1.data.volumes == 9
    hist = app.census.history(r1.id)
    assert [h.action for h in hist] == ["update", "create"] and hist[0].changes["volumes"] == [4, 9]
    assert "re.xlsx" in (hist[0].note or "")
    assert app.census.find_by_number(num(121)).data.title == "墨子閒詁十五卷"
    assert hits(app, "闲诂") == [num(121)] and hits(app, "墨子十五卷121") == []
    # Once more: all skipped, the row without a number too (matched by its call number).
    rep = run(app, path, workers=0)
    assert (rep.created, rep.updated, rep.skipped) == (0, 0, 186) and rep.errors == []
    assert rep.matched == {len(rows) + 1: "善0"} and rep.numbers[len(rows) + 1] == num(186)
    no_children_left()


# --- 5. cancel while the workers read ------------------------------------------------------------------

@pytest.mark.parametrize("workers", [0, 2])
def test_cancel_mid_stream(app: Guji, tmp_path: Path, small_chunk: int, workers: int) -> None:
    path = write_xlsx(tmp_path / "cancel.xlsx", [good_row(r) if r % 5 else unnumbered(r) for r in range(1, 501)])
    before = totals(app)
    cancel = threading.Event()
    seen: list[str] = []

    def progress(fraction: float, message: str) -> None:
        seen.append(message)
        if message.startswith("read ") and read_messages([(0, m) for m in seen]) == 2:
            cancel.set()  # after the second block: the workers are still reading the rest

    rep = run(app, path, workers=workers, progress=progress, cancel=cancel)
    assert rep.cancelled and not rep.written and rep.created == 0 and "cancelled" in rep.summary()
    assert 2 <= read_messages([(0, m) for m in seen]) < 10
    assert totals(app) == before
    no_children_left()
    # Nothing is left half-done: the same file imports whole afterwards.
    rep = run(app, path, workers=0)
    assert rep.written and rep.created == 500


class _FailingCancel:
    """A cancel flag whose check fails on its third call (the desktop's flag gone with its window…):
    an error in the importing process while the workers are still reading the rest."""

    def __init__(self) -> None:
        self.calls = 0

    def is_set(self) -> bool:
        self.calls += 1
        if self.calls >= 3:
            raise RuntimeError("the cancel flag is gone")
        return False


@pytest.mark.parametrize("kind", BOTH)
def test_error_while_writing_stops_the_workers(request: pytest.FixtureRequest, tmp_path: Path, small_chunk: int,
                                               kind: str) -> None:
    """Regression: the worker processes stayed alive (blocked on their full queues) after an error in
    the writing process, for as long as the exception — caught, or even deleted, as it sits in a
    reference cycle — was not garbage-collected."""
    with _apps(kind, request, tmp_path, 1) as apps:
        app = apps[0]
        rows = [good_row(r) for r in range(1, 501)]  # 10 blocks
        before = totals(app)
        with pytest.raises(RuntimeError, match="cancel flag is gone") as info:
            run(app, write_xlsx(tmp_path / "w.xlsx", rows), workers=2, cancel=_FailingCancel())
        no_children_left()  # while the exception (and its traceback) is still held
        assert info.value is not None
        # A value longer than its column is a row error (PostgreSQL would refuse it on write).
        rows[60] = good_row(61, 索书号="善" * 150)
        rep = run(app, write_xlsx(tmp_path / "w.xlsx", rows), workers=2)
        assert [(e.row, e.column) for e in rep.errors] == [(62, "索书号")] and "too long" in rep.errors[0].message
        assert totals(app) == before
        no_children_left()


# --- 6. a damaged sheet, noticed by a worker -------------------------------------------------------------

def _truncated_sheet(good: Path, out: Path, at_row: int, keep: int) -> Path:
    """The workbook with its sheet XML cut ``keep`` bytes into row ``at_row`` (the zip itself is sound,
    so opening the file and reading the header work: the cut is met while reading the rows)."""
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == SHEET:
                data = data[:data.index(f'<row r="{at_row}"'.encode()) + keep]
            dst.writestr(item, data)
    return out


@pytest.mark.parametrize("workers, cuts", [
    (2, [(170, 60)]),  # in the middle of a row of block 3 (worker 1's)
    (0, [(250, 60), (120, 0)]),  # … of block 4; right after a complete row
])
def test_damaged_sheet_is_refused(app: Guji, tmp_path: Path, small_chunk: int, workers: int,
                                  cuts: list[tuple[int, int]]) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", [good_row(r) for r in range(1, 301)])
    before = totals(app)
    for at_row, keep in cuts:
        bad = _truncated_sheet(good, tmp_path / "broken.xlsx", at_row, keep)
        with pytest.raises(ExcelFileError) as info:
            run(app, bad, workers=workers)
        message = str(info.value)
        assert message.startswith("broken.xlsx is damaged: "), message
        assert "Traceback" not in message and "\n" not in message
        assert totals(app) == before
        assert not error_file_for(bad).exists()
        no_children_left()
    assert run(app, good, workers=0).created == 300  # the sound file still goes in


# --- 7. progress ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("workers, dry_run", [(0, True), (2, False)])
def test_progress_increases_to_the_end(app: Guji, tmp_path: Path, small_chunk: int, workers: int,
                                       dry_run: bool) -> None:
    # Long texts make the sheet XML larger than one read of the reader (1 MiB): the position moves.
    filler = "清乾隆三十年武英殿刻本" * 12
    rows = [good_row(r, 附注=f"{filler}{r}") if r % 4 else unnumbered(r, 附注=f"{filler}{r}") for r in range(1, 1201)]
    path = write_xlsx(tmp_path / "progress.xlsx", rows)
    seen: list[tuple[float, str]] = []
    rep = run(app, path, workers=workers, dry_run=dry_run, progress=lambda f, m: seen.append((f, m)))
    assert rep.errors == [] and rep.created == 1200 and rep.written is not dry_run
    values = [f for f, _ in seen]
    assert values == sorted(values), values
    assert values[0] == 0.0 and values[-1] == 1.0 and all(0.0 <= v <= 1.0 for v in values)
    assert any(0.0 < v < 0.9 for v in values)  # the reading moved on before the end
    assert read_messages(seen) == 1200 // CHUNK
    assert seen[-1][1] == rep.summary()
    assert "read 1200 rows" in [m for _, m in seen]
    no_children_left()
