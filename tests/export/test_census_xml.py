"""Census XML export: validity against the XSD, selection, visibility, streaming, marks, the CLI, round trip."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from lxml import etree

from export.census_exchange import NS, schema
from export.census_xml import content_hash
from guji.app import Guji
from guji.census.record import RecordData
from guji.census.store import record_data
from guji.errors import NotFound, ValidationError
from guji.jobs import Cancelled
from tests.conftest import ADMIN_PASSWORD, admin_for, make_db
from tests.export.census_xml_helpers import (
    canonical,
    counts,
    export_bytes,
    full_record,
    import_census_xml,
    write_census_xml,
)

N = {"c": NS}


def _register_pair(app: Guji) -> tuple[str, str]:
    a = app.census.register_book(full_record(), institution="210000-0101")
    b = app.census.register_book(
        full_record(title="墨子十五卷", extant=None, juan_count=15, parent_census_number=a.census_number,
                    national_list_number=None, binding="蝴蝶装（改）", free_text={"binding"}),
        institution="210000-0101")
    return a.census_number, b.census_number


def test_export_validates_and_carries_every_field(org: dict[str, Guji]) -> None:
    admin = org["admin"]
    a, _b = _register_pair(admin)
    admin.census.register_book(RecordData(title="詩經", edition_statement="清刻本", volumes=1),
                               institution="220000-0101")
    doc = export_bytes(admin)
    root = etree.fromstring(doc)
    schema().assertValid(root)
    assert root.get("formatVersion") == "1.0"
    assert root.findtext("c:header/c:recordCount", namespaces=N) == "3"
    insts = [i.get("code") for i in root.iterfind("c:institutions/c:institution", N)]
    assert insts == ["210000-0101", "220000-0101"]  # only the holders of exported records
    rec = root.find("c:records/c:record", N)
    assert rec.findtext("c:identifiers/c:censusNumber", namespaces=N) == a
    assert rec.findtext("c:identifiers/c:directoryNumber[@level='national']", namespaces=N) == "03832"
    assert [t.text for t in rec.iterfind("c:title/c:otherTitle", N)] == ["金華志", "婺州府志"]
    assert rec.find("c:preservation/c:grade", N).get("relicLevel") == "二級珍貴文物"
    assert rec.findtext("c:seals/c:seal[2]/c:text", namespaces=N) == "㐀㐁之印"
    second = root.findall("c:records/c:record", N)[1]
    assert second.find("c:relations/c:parent", N).get("censusNumber") == a
    assert second.find("c:physicalDescription/c:binding", N).get("free") == "true"
    # Every stated field of the full record is in the document: imported back, nothing is lost.
    original = admin.census.find_by_number(a).data
    assert all(getattr(original, f) not in (None, []) for f in vars(original)
               if f not in ("census_number", "class_category", "class_subcategory", "parent_census_number",
                            "bound_with_census_number", "free_text"))


def test_round_trip_into_an_empty_database(org: dict[str, Guji], tmp_path: Path) -> None:
    admin = org["admin"]
    a, b = _register_pair(admin)
    admin.census.update_record(admin.census.find_by_number(a).id,
                               full_record(census_number=a, bound_with_census_number=b))
    org["census_a"].review.submit_for_review(admin.census.find_by_number(b).id)
    first = export_bytes(admin)

    other = admin_for(make_db(str(tmp_path / "other.sqlite3")))
    rep = import_census_xml(other, __import__("io").BytesIO(first))
    assert sorted(rep.new) == sorted([a, b]) and rep.institutions_created == ["210000-0101"]
    second = export_bytes(other)
    assert canonical(first) == canonical(second)
    for number in (a, b):
        mine, theirs = admin.census.find_by_number(number), other.census.find_by_number(number)
        assert mine.data == theirs.data and mine.state == theirs.state
    assert other.census.find_by_number(b).state == "submitted"


def test_selection_by_institution_and_state(org: dict[str, Guji]) -> None:
    admin = org["admin"]
    _a, b = _register_pair(admin)
    admin.census.register_book(RecordData(title="詩經", edition_statement="清刻本", volumes=1),
                               institution="220000-0101")
    org["census_a"].review.submit_for_review(admin.census.find_by_number(b).id)
    only_b = etree.fromstring(export_bytes(admin, institution="220000-0101"))
    assert [e.text for e in only_b.iterfind(".//c:censusNumber", N)] == ["220000-0101-0000001"]
    assert only_b.find("c:header/c:selection", N).get("institution") == "220000-0101"
    submitted = etree.fromstring(export_bytes(admin, state="submitted"))
    assert [e.text for e in submitted.iterfind(".//c:censusNumber", N)] == [b]
    with pytest.raises(NotFound):
        export_bytes(admin, institution="210000-0999")
    with pytest.raises(ValidationError, match="unknown review state"):
        export_bytes(admin, state="approved")


def test_unit_user_exports_only_their_records(org: dict[str, Guji]) -> None:
    _register_pair(org["admin"])
    org["admin"].census.register_book(RecordData(title="詩經", edition_statement="清刻本", volumes=1),
                                      institution="220000-0101")
    doc = etree.fromstring(export_bytes(org["census_b"]))
    schema().assertValid(doc)
    assert [e.text for e in doc.iterfind(".//c:censusNumber", N)] == ["220000-0101-0000001"]
    assert doc.find("c:header/c:exportingInstitution", N).get("code") == "220000-0101"
    assert [i.get("code") for i in doc.iterfind("c:institutions/c:institution", N)] == ["220000-0101"]


def test_export_marks_exchange_hashes_and_audits(org: dict[str, Guji], tmp_path: Path) -> None:
    admin = org["admin"]
    a, _ = _register_pair(admin)
    before = counts(admin)
    out = tmp_path / "census.xml"
    n = write_census_xml(admin, out)
    assert n == 2 and out.exists()
    after = counts(admin)
    assert after["hashes"] == 2 and after["versions"] == before["versions"]  # bookkeeping is not an edit
    view = admin.census.find_by_number(a)
    with admin.ctx.read() as s:
        from guji.census.models import CensusRecord

        rec = s.get(CensusRecord, view.id)
        assert rec.exchange_hash == content_hash(record_data(rec, s), "210000-0101", rec.state)
    assert admin.audit.history("census_xml")[0].action == "export"
    write_census_xml(admin, tmp_path / "copy.xml", mark=False)
    assert counts(admin)["audit"] == after["audit"]


def test_cancel_and_progress_leave_no_file_and_no_marks(org: dict[str, Guji], tmp_path: Path) -> None:
    admin = org["admin"]
    _register_pair(admin)
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    seen: list[float] = []
    write_census_xml(admin, tmp_path / "ok.xml", progress=lambda f, m: seen.append(f))
    assert seen and seen[-1] == 1.0
    cancel = threading.Event()
    cancel.set()
    before = counts(admin)
    with pytest.raises(Cancelled):
        write_census_xml(admin, tmp_path / "cancelled.xml", cancel=cancel)
    assert not (tmp_path / "cancelled.xml").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["ok.xml"]
    assert counts(admin) == before


def test_text_xml_cannot_carry_is_a_clear_error(org: dict[str, Guji], tmp_path: Path) -> None:
    admin = org["admin"]
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    saved = admin.census.register_book(RecordData(title="墨子十五卷", edition_statement="清刻本", volumes=1),
                                       institution="210000-0101")
    # The register refuses such text now; older rows (or rows written around it) may still hold it.
    from sqlalchemy import update as sa_update

    from guji.census.models import CensusRecord
    with admin.ctx.write() as s:
        s.execute(sa_update(CensusRecord.__table__).where(CensusRecord.__table__.c.id == saved.id)
                  .values(title="墨子\x01十五卷"))
    before = counts(admin)
    with pytest.raises(ValidationError, match="210000-0101-0000001 holds text XML cannot carry"):
        write_census_xml(admin, tmp_path / "bad.xml")
    assert list(tmp_path.iterdir()) == [] and counts(admin) == before


def test_empty_register_exports_a_valid_document(org: dict[str, Guji]) -> None:
    doc = etree.fromstring(export_bytes(org["admin"]))
    schema().assertValid(doc)
    assert doc.findtext("c:header/c:recordCount", namespaces=N) == "0"


@pytest.mark.postgres
def test_round_trip_on_postgresql(any_org: dict[str, Guji], tmp_path: Path) -> None:
    admin = any_org["admin"]
    _register_pair(admin)
    first = export_bytes(admin)
    schema().assertValid(etree.fromstring(first))
    other = admin_for(make_db(str(tmp_path / "other.sqlite3")))
    import_census_xml(other, __import__("io").BytesIO(first))
    assert canonical(export_bytes(other)) == canonical(first)
    # and back into the first database: everything is unchanged
    rep = import_census_xml(admin, __import__("io").BytesIO(export_bytes(other)))
    assert len(rep.unchanged) == 2 and not rep.new and not rep.conflicts


def test_cli_export_and_import(org: dict[str, Guji], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    from guji.cli.main import main

    admin = org["admin"]
    _register_pair(admin)
    db = str(admin.db.url.database)
    monkeypatch.setenv("GUJI_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("GUJI_LANG", "en")
    out = tmp_path / "x.xml"
    assert main(["--db", db, "--user", "admin", "export", "census-xml", "--out", str(out)]) == 0
    schema().assertValid(etree.parse(str(out)))
    assert main(["--db", db, "--user", "admin", "import", "census-xml", str(out), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "dry run, nothing written: 2 records: 0 new, 0 updated, 2 unchanged" in text
    assert main(["--db", db, "--user", "admin", "import", "census-xml", str(tmp_path / "missing.xml")]) == 1
    assert "cannot read" in capsys.readouterr().err
