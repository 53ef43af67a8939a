"""Census XML import: hostile files refused, schema and register checks, permissions, merge outcomes,
dry run, all-or-nothing. Every refused file is checked to have written nothing."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from lxml import etree

from export.census_exchange import NS
from export.census_xml_import import InvalidExchangeFile, UnsafeXml
from guji.app import Guji
from guji.census.record import RecordData
from guji.errors import PermissionDenied, ValidationError
from guji.jobs import Cancelled
from tests.conftest import admin_for, make_db
from tests.export.census_xml_helpers import counts, export_bytes, full_record, import_census_xml

N = {"c": NS}
INST_A = "210000-0101"


@pytest.fixture
def package(org: dict[str, Guji]) -> bytes:
    """A unit's package: two records of institution A, exported by the administrator."""
    admin = org["admin"]
    a = admin.census.register_book(full_record(), institution=INST_A)
    admin.census.register_book(full_record(title="墨子十五卷", extant=None, juan_count=15,
                                           parent_census_number=a.census_number), institution=INST_A)
    return export_bytes(admin, mark=False)


@pytest.fixture
def empty(tmp_path: Path) -> Guji:
    """A second, empty database (the centre that receives the package) with its administrator."""
    return admin_for(make_db(str(tmp_path / "centre.sqlite3")))


def _import(app: Guji, doc: bytes, **kw: object):  # type: ignore[no-untyped-def]
    return import_census_xml(app, io.BytesIO(doc), **kw)  # type: ignore[arg-type]


def _edit(doc: bytes, fn) -> bytes:  # type: ignore[no-untyped-def]
    root = etree.fromstring(doc)
    fn(root)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


# ------------------------------------------------------------------------------ hostile files

HEADER = ('<censusExchange xmlns="urn:guji:census:1.0" formatVersion="1.0"><header><formatVersion>1.0'
          '</formatVersion><exportedAt>2026-01-01T00:00:00Z</exportedAt><exportedBy login="x"/><software>x'
          '</software><selection/><recordCount>1</recordCount></header><institutions><institution '
          'code="210000-0101" regionCode="210000" unitCode="0101"><name>遼寧省圖書館</name></institution>'
          '</institutions><records>')
RECORD = ('<record><identifiers><censusNumber>210000-0101-0000001</censusNumber></identifiers><title>'
          '<mainTitle>{title}</mainTitle></title><edition><statement>清刻本</statement></edition>'
          '<physicalDescription><volumes>1</volumes></physicalDescription><location><institution '
          'code="210000-0101"/></location><review state="draft"/></record>')
FOOTER = "</records></censusExchange>"


def _doc(title: str = "詩經", prolog: str = "") -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>' + prolog + HEADER + RECORD.format(title=title)
            + FOOTER).encode("utf-8")


HOSTILE = {
    "xxe_file": _doc("&xxe;", '<!DOCTYPE censusExchange [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
    "xxe_http": _doc("&xxe;", '<!DOCTYPE censusExchange [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/secret">]>'),
    "billion_laughs": _doc("&l9;", "<!DOCTYPE censusExchange [" + '<!ENTITY l0 "哈哈">' + "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10)) + "]>"),
    "external_dtd": _doc("詩經", '<!DOCTYPE censusExchange SYSTEM "http://127.0.0.1:9/census.dtd">'),
    "external_dtd_file": _doc("詩經", '<!DOCTYPE censusExchange SYSTEM "file:///etc/passwd">'),
    "parameter_entity": _doc("詩經", '<!DOCTYPE censusExchange [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>'),
    "empty_doctype": _doc("詩經", "<!DOCTYPE censusExchange>"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_documents_are_refused_and_nothing_is_written(org: dict[str, Guji], name: str) -> None:
    admin = org["admin"]
    before = counts(admin)
    with pytest.raises((UnsafeXml, InvalidExchangeFile)) as err:
        _import(admin, HOSTILE[name])
    msg = str(err.value)
    assert "DOCTYPE" in msg or "entit" in msg
    assert "root:" not in msg  # nothing of /etc/passwd leaks into the message
    assert counts(admin) == before


def test_entity_reference_without_doctype_is_refused(org: dict[str, Guji]) -> None:
    before = counts(org["admin"])
    with pytest.raises(InvalidExchangeFile, match="entity"):
        _import(org["admin"], _doc("&xxe;"))
    assert counts(org["admin"]) == before


def test_xinclude_is_not_processed(org: dict[str, Guji]) -> None:
    doc = _doc('<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/>')
    before = counts(org["admin"])
    with pytest.raises(InvalidExchangeFile, match=r"does not follow census XML 1\.0") as err:
        _import(org["admin"], doc)
    assert "root:" not in str(err.value)
    assert counts(org["admin"]) == before


@pytest.mark.parametrize("doc, match", [
    (b"", "not a valid census XML|empty"),
    (b"not xml at all", "not a valid census XML"),
    (b"<other xmlns='urn:x'/>", "not a census XML 1.0 file"),
    (_doc().replace(b"</records></censusExchange>", b"</records>"), "not a valid census XML|truncated"),
    (_doc().replace(b'formatVersion="1.0"', b'formatVersion="2.0"'), "this program reads version 1.0"),
    (_doc().replace(b"<records>", b"<records><extra/>"), "'extra' is not allowed in <records>"),
    (_doc().replace(b"<header>", b"<header><bogus/>"), "header .line 1. does not follow census XML 1.0"),
    (_doc().replace(b"</records>", b"</records><records/>"), "in this order"),
    (_doc().replace(b"<volumes>1</volumes>", b"<volumes>many</volumes>"), "does not follow census XML 1.0"),
    (_doc().replace(b"210000-0101-0000001", b"210000-0101-1"), "does not follow census XML 1.0"),
])
def test_malformed_or_invalid_files_are_refused(org: dict[str, Guji], doc: bytes, match: str) -> None:
    before = counts(org["admin"])
    with pytest.raises(InvalidExchangeFile, match=match):
        _import(org["admin"], doc)
    assert counts(org["admin"]) == before


def test_an_invalid_record_late_in_the_file_rolls_back_the_earlier_ones(package: bytes, empty: Guji) -> None:
    def break_second(root):  # type: ignore[no-untyped-def]
        recs = root.findall("c:records/c:record", N)
        recs[1].find("c:title/c:mainTitle", N).addnext(etree.Element(f"{{{NS}}}bogus"))
    before = counts(empty)
    with pytest.raises(InvalidExchangeFile, match="210000-0101-0000002"):
        _import(empty, _edit(package, break_second))
    assert counts(empty) == before


def test_records_failing_the_register_checks_are_all_listed_and_nothing_written(package: bytes,
                                                                               empty: Guji) -> None:
    def spoil(root):  # type: ignore[no-untyped-def]
        recs = root.findall("c:records/c:record", N)
        recs[0].find("c:physicalDescription/c:volumes", N).text = "0"
        recs[1].find("c:physicalDescription/c:binding", N).text = "鐵裝"
    before = counts(empty)
    with pytest.raises(ValidationError) as err:
        _import(empty, _edit(package, spoil))
    fields = err.value.fields
    assert "210000-0101-0000001 volumes" in fields and "210000-0101-0000002 binding" in fields
    assert counts(empty) == before


def test_duplicate_number_missing_institution_and_broken_link(package: bytes, empty: Guji) -> None:
    def dup(root):  # type: ignore[no-untyped-def]
        recs = root.find("c:records", N)
        recs.append(etree.fromstring(etree.tostring(recs[0])))
    with pytest.raises(ValidationError, match="given twice"):
        _import(empty, _edit(package, dup))

    def no_inst(root):  # type: ignore[no-untyped-def]
        insts = root.find("c:institutions", N)
        for i in list(insts):
            insts.remove(i)
    with pytest.raises(ValidationError, match="not listed in <institutions>"):
        _import(empty, _edit(package, no_inst))

    def orphan(root):  # type: ignore[no-untyped-def]
        recs = root.find("c:records", N)
        recs.remove(recs[0])  # the 子目 stays, pointing at a 叢書 that is nowhere
    with pytest.raises(ValidationError, match="no record with the census number 210000-0101-0000001"):
        _import(empty, _edit(package, orphan))
    assert counts(empty)["records"] == 0 and counts(empty)["institutions"] == 0


def test_cancel_rolls_back(package: bytes, empty: Guji) -> None:
    cancel = threading.Event()
    cancel.set()
    before = counts(empty)
    with pytest.raises(Cancelled):
        _import(empty, package, cancel=cancel)
    assert counts(empty) == before


# ------------------------------------------------------------------------------ permissions

def test_unit_user_imports_only_their_own_institution(org: dict[str, Guji], package: bytes) -> None:
    b = org["census_b"]
    before = counts(b)
    with pytest.raises(PermissionDenied, match="not to your institution"):
        _import(b, package)
    assert counts(b) == before
    with pytest.raises(PermissionDenied, match="needs the role"):
        _import(org["reviewer_a"], package)
    assert counts(b) == before


def test_unit_user_cannot_create_institutions(tmp_path: Path, package: bytes) -> None:
    from tests.conftest import build_org

    apps = build_org(admin_for(make_db(str(tmp_path / "unit.sqlite3"))))

    def move(root):  # type: ignore[no-untyped-def]
        for el in root.iter(f"{{{NS}}}institution"):
            if el.get("code") == INST_A:
                el.set("code", "210000-0777")
                if el.get("unitCode"):
                    el.set("unitCode", "0777")
        for el in root.iter(f"{{{NS}}}censusNumber"):
            el.text = el.text.replace("-0101-", "-0777-")
        for el in root.iter(f"{{{NS}}}parent"):
            el.set("censusNumber", el.get("censusNumber").replace("-0101-", "-0777-"))
    doc = _edit(package, move)
    before = counts(apps["census_a"])
    with pytest.raises(PermissionDenied, match="only a centre administrator may create institutions"):
        _import(apps["census_a"], doc)
    assert counts(apps["census_a"]) == before


def test_unit_user_import_keeps_review_state_local(org: dict[str, Guji], package: bytes, tmp_path: Path) -> None:
    submitted = _edit(package, lambda r: [e.set("state", "centre_approved") for e in r.iter(f"{{{NS}}}review")])
    other = admin_for(make_db(str(tmp_path / "unit2.sqlite3")))
    from tests.conftest import build_org

    apps = build_org(other)
    rep = _import(apps["census_a"], submitted)
    assert len(rep.new) == 2 and rep.institutions_created == []
    assert {apps["census_a"].census.find_by_number(n).state for n in rep.new} == {"draft"}
    again = _import(apps["census_a"], submitted)
    assert len(again.unchanged) == 2 and not again.updated


# ------------------------------------------------------------------------------ merging

def test_new_then_unchanged_and_institutions_created(package: bytes, empty: Guji) -> None:
    dry = _import(empty, package, dry_run=True)
    assert dry.dry_run and len(dry.new) == 2 and dry.institutions_created == [INST_A]
    assert counts(empty)["records"] == 0 and counts(empty)["institutions"] == 0
    before = counts(empty)
    rep = _import(empty, package)
    assert len(rep.new) == 2 and rep.institutions_created == [INST_A]
    after = counts(empty)
    assert after["records"] == 2 and after["institutions"] == 1 and after["hashes"] == 2
    # one audit row per record, one for the institution, one for the import itself
    assert after["audit"] - before["audit"] == 4
    child = empty.census.find_by_number("210000-0101-0000002")
    assert child.data.parent_census_number == "210000-0101-0000001"
    assert empty.census.history(child.id)[0].note == "census XML import"
    assert empty.search.search("金華府志").total >= 1  # the search index was written
    again = _import(empty, package)
    assert len(again.unchanged) == 2 and not again.new and not again.updated


def _retitle(doc: bytes, number: str, title: str) -> bytes:
    def fn(root):  # type: ignore[no-untyped-def]
        for rec in root.iterfind("c:records/c:record", N):
            if rec.findtext("c:identifiers/c:censusNumber", namespaces=N) == number:
                rec.find("c:title/c:mainTitle", N).text = title
    return _edit(doc, fn)


def test_updated_kept_local_and_conflicts(package: bytes, empty: Guji) -> None:
    one, two = "210000-0101-0000001", "210000-0101-0000002"
    _import(empty, package)  # the last exchange: both sides agree on this content
    # changed there only → updated
    there = _retitle(package, two, "墨子十六卷")
    rep = _import(empty, there)
    assert rep.updated == [two] and rep.unchanged == [one]
    assert empty.census.find_by_number(two).data.title == "墨子十六卷"
    # changed here only → kept (the incoming file is the old content)
    view = empty.census.find_by_number(one)
    empty.census.update_record(view.id, full_record(census_number=one, notes="此處修改"))
    rep = _import(empty, package)
    assert one in rep.kept_local and empty.census.find_by_number(one).data.notes == "此處修改"
    # changed on both sides → conflict, not overwritten
    both = _retitle(package, one, "［萬曆］金華府志三十一卷")
    before = counts(empty)
    rep = _import(empty, both)
    assert [n for n, _ in rep.conflicts] == [one]
    assert rep.conflicts[0][1].key == "exchange.conflict.both_sides"
    assert rep.differences[one]["title"] == ["［萬曆］金華府志三十卷", "［萬曆］金華府志三十一卷"]
    assert rep.differences[one]["notes"] == ["此處修改", "有朱筆圈點"]
    assert empty.census.find_by_number(one).data.notes == "此處修改"
    assert counts(empty)["versions"] == before["versions"]
    # --theirs takes the incoming version, audited as such
    rep = _import(empty, both, theirs=True)
    assert rep.taken_theirs == [one]
    got = empty.census.find_by_number(one)
    assert got.data.title == "［萬曆］金華府志三十一卷" and got.data.notes == "有朱筆圈點"
    assert "theirs" in (empty.census.history(got.id)[0].note or "")


def test_a_local_record_never_exchanged_that_differs_is_a_conflict(org: dict[str, Guji], package: bytes,
                                                                  empty: Guji) -> None:
    empty.institutions.add_institution("遼寧省圖書館", "210000", "0101")
    empty.census.register_book(RecordData(census_number="210000-0101-0000001", title="別書", volumes=1,
                                          edition_statement="清刻本"), institution=INST_A)
    rep = _import(empty, package)
    assert [n for n, _ in rep.conflicts] == ["210000-0101-0000001"] and rep.new == ["210000-0101-0000002"]
    assert rep.conflicts[0][1].key == "exchange.conflict.never_exchanged"
    assert rep.differences["210000-0101-0000001"]["title"] == ["別書", "［萬曆］金華府志三十卷"]
    assert empty.census.find_by_number("210000-0101-0000001").data.title == "別書"


def test_dry_run_reports_exactly_and_writes_nothing(package: bytes, empty: Guji) -> None:
    _import(empty, package)
    there = _retitle(package, "210000-0101-0000002", "墨子十六卷")
    before = counts(empty)
    rep = _import(empty, there, dry_run=True)
    assert rep.updated == ["210000-0101-0000002"] and counts(empty) == before
    assert empty.census.find_by_number("210000-0101-0000002").data.title == "墨子十五卷"


def test_import_from_a_file_path_and_progress(package: bytes, empty: Guji, tmp_path: Path) -> None:
    path = tmp_path / "package.xml"
    path.write_bytes(package)
    seen: list[float] = []
    rep = import_census_xml(empty, path, progress=lambda f, m: seen.append(f))
    assert len(rep.new) == 2 and seen[-1] == 1.0
    with pytest.raises(InvalidExchangeFile, match="cannot read"):
        import_census_xml(empty, tmp_path / "nope.xml")
