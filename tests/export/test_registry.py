"""The export registry is the one list of formats; the renderers in export/ touch no database."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from export.registry import EXPORTERS, ExportData, ExportFilters, ExportRecord, by_key, commands
from guji.census.record import RecordData

EXPORT_DIR = Path(__file__).resolve().parents[2] / "export"
# What a renderer must not import: the ORM, the models, the database layer.
FORBIDDEN = ("sqlalchemy", "guji.models", "guji.census.models", "guji.db", "guji.census.service",
             "guji.census.store", "guji.services", "guji.app")


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
    return names


def test_no_renderer_imports_the_database() -> None:
    modules = sorted(EXPORT_DIR.glob("*.py"))
    assert len(modules) >= 8
    bad = {f"{p.name}: {name}" for p in modules for name in _imports(p)
           if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)}
    assert not bad, f"export/ modules importing the data side: {sorted(bad)}"


def test_every_format_has_a_label_a_renderer_and_a_unique_key() -> None:
    keys = [e.key for e in EXPORTERS]
    assert len(keys) == len(set(keys))
    assert set(keys) == {"census_xml", "marc_xml", "marc_iso", "excel", "register", "illustrated", "labels", "iiif"}
    for e in EXPORTERS:
        assert str(e.label) and e.label.key == e.label_key
        assert e.suffix.startswith(".") and callable(e.render)
        assert by_key(e.key) is e
    with pytest.raises(KeyError):
        by_key("nope")


def test_the_command_line_offers_exactly_the_registry() -> None:
    from guji.cli.export import exporter_for
    from guji.cli.main import build_parser

    parser = build_parser()
    seen = []
    for command, exporters in commands().items():
        for e in exporters:
            argv = ["export", command]
            if e.selection == "record":
                argv.append("210000-0101-0000001")
            argv += ["--out", f"x{e.suffix}"]
            if e.variant is not None:
                argv += [f"--{e.variant[0]}", e.variant[1]]
            for o in e.options:
                if o.required:
                    argv += [o.flag, "https://example.org/iiif"]
            args = parser.parse_args(argv)
            seen.append(exporter_for(args).key)
    assert seen == [e.key for e in EXPORTERS]
    sub = next(a for a in parser._subparsers._group_actions[0].choices["export"]._actions
               if a.dest == "format")
    assert list(sub.choices) == list(commands())


def test_a_renderer_takes_plain_data(tmp_path: Path) -> None:
    rec = ExportRecord(7, RecordData(census_number="210000-0101-0000007", title="墨子十五卷", volumes=2),
                       "210000-0101", "遼寧省圖書館", "draft")
    out = tmp_path / "m.xml"
    with open(out, "wb") as fh:
        result = by_key("marc_xml").render(ExportData([rec], 1), fh)
    assert result.count == 1 and result.unit == "records" and b"210000-0101-0000007" in out.read_bytes()


@pytest.mark.gui
def test_the_export_page_offers_the_registrys_record_formats(gui_app, org, qtbot) -> None:  # type: ignore[no-untyped-def]
    from guji.gui.export.page import ExportPage
    from guji.gui.mainwindow import MainWindow
    from guji.gui.worker import DbWorker

    window = MainWindow(org["census_a"], DbWorker(inline=True))
    qtbot.addWidget(window)
    page = window.show_page("export")
    assert isinstance(page, ExportPage)
    offered = [page.kind.itemData(i) for i in range(page.kind.count())]
    assert offered == [e.key for e in EXPORTERS if e.selection == "records"]
    assert [page.kind.itemText(i) for i in range(page.kind.count())] == [
        str(e.label) for e in EXPORTERS if e.selection == "records"]


def test_every_file_export_is_in_the_audit_log(org, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from guji.errors import ValidationError
    from guji.models.audit import AuditEntry

    clerk = org["census_a"]
    clerk.census.register_book(RecordData(title="墨子十五卷", edition_statement="明萬曆刻本", volumes=4))
    result = clerk.exports.export("marc_xml", tmp_path / "a.xml")
    with clerk.db.read_session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "export")
                          .order_by(AuditEntry.id.desc())).first()
    assert entry is not None and (entry.login, entry.entity) == ("census.a", "marc_xml")
    assert result.count == 1 and "a.xml" in (entry.note or "")
    # A refused export (an unknown state) writes neither a file nor a log entry.
    with pytest.raises(ValidationError):
        clerk.exports.export("marc_xml", tmp_path / "b.xml", filters=ExportFilters(state="nonsense"))
    with clerk.db.read_session() as s:
        assert len(s.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()) == 1
    assert not (tmp_path / "b.xml").exists()


def test_export_rows_fill_record_data_by_position() -> None:
    """The streaming export passes each row to RecordData by position (the fast path): its fields
    must be the scalar fields in SCALAR_FIELDS order, then the child lists and the two links."""
    from guji.services.exports import _POSITIONAL

    assert _POSITIONAL
