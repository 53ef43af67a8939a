"""Review is law in census XML imports: a locked record is never changed (a conflict with its field
differences instead), and a review state in a file is information, not an instruction. On SQLite and
PostgreSQL."""

from __future__ import annotations

import io

import pytest
from lxml import etree

from export.census_exchange import NS
from guji.app import Guji
from guji.services.census_merge import Trust
from tests.conftest import ADMIN_PASSWORD
from tests.export.census_xml_helpers import counts, export_bytes, full_record, import_census_xml

N = {"c": NS}
INST_A = "210000-0101"


def _approved_and_draft(org: dict[str, Guji]) -> tuple[str, str]:
    """One record of unit A through both approvals (locked), one left a draft."""
    census = org["census_a"]
    locked = census.census.register_book(full_record(), institution=INST_A)
    draft = census.census.register_book(full_record(title="墨子十五卷", juan_count=15, extant=None),
                                        institution=INST_A)
    census.review.submit_for_review(locked.id)
    org["reviewer_a"].review.approve(locked.id)
    org["centre_reviewer"].review.approve(locked.id)
    return locked.census_number, draft.census_number


def _doctor(doc: bytes, locked: str, draft: str) -> bytes:
    """What the unit's file claimed: the approved record retitled, the draft 'centre approved'."""
    root = etree.fromstring(doc)
    for rec in root.iterfind("c:records/c:record", N):
        number = rec.findtext("c:identifiers/c:censusNumber", namespaces=N)
        if number == locked:
            rec.find("c:title/c:mainTitle", N).text = "［萬曆］金華府志四十卷"
            rec.find("c:physicalDescription/c:volumes", N).text = "40"
        elif number == draft:
            rec.find("c:review", N).set("state", "centre_approved")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def test_doctored_unit_file_changes_no_locked_record_and_promotes_nothing(any_org: dict[str, Guji]) -> None:
    admin = any_org["admin"]
    locked, draft = _approved_and_draft(any_org)
    doc = export_bytes(admin)  # the exchange both sides agreed on
    before_locked = admin.census.find_by_number(locked)
    assert before_locked.state == "centre_approved"
    doctored = _doctor(doc, locked, draft)
    before = counts(admin)

    for theirs in (False, True):  # --theirs does not open a locked record either
        rep = import_census_xml(admin, io.BytesIO(doctored), theirs=theirs, dry_run=True)
        assert [n for n, _ in rep.conflicts] == [locked] and not rep.taken_theirs
    rep = import_census_xml(admin, io.BytesIO(doctored), theirs=True)
    assert [n for n, _ in rep.conflicts] == [locked]
    assert rep.conflicts[0][1].key == "exchange.conflict.locked"
    assert rep.differences[locked] == {"title": ["［萬曆］金華府志三十卷", "［萬曆］金華府志四十卷"],
                                       "volumes": [12, 40]}
    after_locked = admin.census.find_by_number(locked)
    assert after_locked.data == before_locked.data and after_locked.state == "centre_approved"
    assert after_locked.version == before_locked.version
    # The draft's claim is information: it arrives for review here, not approved.
    assert rep.updated == [draft] and rep.held == [(draft, "centre_approved", "submitted")]
    assert admin.census.find_by_number(draft).state == "submitted"
    after = counts(admin)
    assert after["records"] == before["records"]


def test_new_records_claiming_approval_arrive_submitted(any_org: dict[str, Guji], tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import admin_for, make_db

    locked, draft = _approved_and_draft(any_org)
    doc = _doctor(export_bytes(any_org["admin"]), locked="-", draft=draft)
    other = admin_for(make_db(str(tmp_path / "centre.sqlite3")))
    rep = import_census_xml(other, io.BytesIO(doc))
    assert sorted(rep.new) == sorted([locked, draft])
    # A plain file is signed by nobody: neither approval stands, draft/returned stay as they are.
    assert {other.census.find_by_number(n).state for n in rep.new} == {"submitted"}
    assert sorted(h[0] for h in rep.held) == sorted([locked, draft])
    again = import_census_xml(other, io.BytesIO(doc))
    assert sorted(again.unchanged) == sorted([locked, draft]) and not again.held


def test_trust_lets_an_approval_stand_only_from_the_entitled_signer() -> None:
    unit = Trust("210000-0101", centre=False)
    centre = Trust("210000-0001", centre=True)
    other = Trust("220000-0101", centre=False)
    assert unit.grants("unit_approved", INST_A) and not unit.grants("centre_approved", INST_A)
    assert not other.grants("unit_approved", INST_A)
    assert centre.grants("unit_approved", INST_A) and centre.grants("centre_approved", INST_A)
    assert all(t.grants(s, INST_A) for t in (unit, other) for s in ("draft", "submitted", "returned"))


def test_cli_lists_the_conflict_with_its_differences(org: dict[str, Guji], tmp_path, monkeypatch,  # type: ignore[no-untyped-def]
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from guji.cli.main import main

    admin = org["admin"]
    locked, draft = _approved_and_draft(org)
    path = tmp_path / "doctored.xml"
    path.write_bytes(_doctor(export_bytes(admin), locked, draft))
    monkeypatch.setenv("GUJI_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("GUJI_LANG", "en")
    db = str(admin.db.url.database)
    assert main(["--db", db, "--user", "admin", "import", "census-xml", str(path), "--theirs"]) == 0
    out = capsys.readouterr().out
    assert f"conflict {locked}: {locked} is 中心已审 here and locked" in out
    assert "title: here ［萬曆］金華府志三十卷 → file ［萬曆］金華府志四十卷" in out
    assert "volumes: here 12 → file 40" in out
    assert "the file says centre_approved" in out
    assert admin.census.find_by_number(locked).data.title == "［萬曆］金華府志三十卷"
