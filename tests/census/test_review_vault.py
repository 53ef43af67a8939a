"""Review rounds (審核) and vault movements (出入庫)."""

from __future__ import annotations

import datetime as dt

import pytest

from guji.app import Guji
from guji.errors import Conflict, PermissionDenied, ValidationError
from tests.census.test_register import book, counts


@pytest.fixture
def rec(org: dict[str, Guji]) -> int:
    return org["census_a"].census.register_book(book()).id


def test_full_review_path(org: dict[str, Guji], rec: int) -> None:
    org["census_a"].review.submit_for_review(rec, "first round")
    assert org["reviewer_a"].review.awaiting_me() == [rec]
    org["reviewer_a"].review.approve(rec)
    assert rec in org["centre_reviewer"].review.awaiting_me()
    org["centre_reviewer"].review.approve(rec, "good")
    v = org["census_a"].census.get_record(rec)
    assert v.state == "centre_approved" and v.locked
    actions = [r.action for r in org["census_a"].review.rounds(rec)]
    assert actions == ["submit", "approve_unit", "approve_centre"]


def test_approved_records_are_locked(org: dict[str, Guji], rec: int) -> None:
    org["census_a"].review.submit_for_review(rec)
    before = counts(org["admin"])
    with pytest.raises(Conflict, match="locked"):
        org["census_a"].census.update_record(rec, book(volumes=9))
    with pytest.raises(Conflict):
        org["census_a"].census.delete_record(rec)
    with pytest.raises(Conflict):
        org["census_a"].census.confirm_grade(rec, "4")
    assert counts(org["admin"]) == before


def test_return_with_field_comments_and_diff_between_rounds(org: dict[str, Guji], rec: int) -> None:
    census, reviewer = org["census_a"], org["reviewer_a"]
    census.review.submit_for_review(rec)
    reviewer.review.return_for_correction(rec, "請核對冊數", {"volumes": "應為六冊"})
    assert census.review.open_field_comments(rec) == {"volumes": "應為六冊"}
    data = census.census.get_record(rec).data
    data.volumes = 6
    census.census.update_record(rec, data)
    census.review.submit_for_review(rec, "已改")
    rounds = census.review.rounds(rec)
    assert [r.round_no for r in rounds] == [1, 1, 2]
    assert rounds[-1].diff == {"volumes": [4, 6]}
    assert rounds[1].field_comments == {"volumes": "應為六冊"}


def test_reviewer_rules(org: dict[str, Guji], rec: int) -> None:
    census = org["census_a"]
    with pytest.raises(PermissionDenied):
        census.review.approve(rec)  # census staff do not approve
    with pytest.raises(Conflict):
        org["reviewer_a"].review.approve(rec)  # a draft is not under review
    census.review.submit_for_review(rec)
    before = counts(org["admin"])
    with pytest.raises(PermissionDenied):
        org["reviewer_b"].review.approve(rec)  # another unit's reviewer
    with pytest.raises(PermissionDenied):
        org["reviewer_b"].review.return_for_correction(rec, "x")
    with pytest.raises(PermissionDenied):
        org["restorer_a"].review.approve(rec)
    assert counts(org["admin"]) == before
    org["reviewer_a"].review.approve(rec)
    with pytest.raises(PermissionDenied):
        org["reviewer_a"].review.approve(rec)  # centre approval needs the centre
    with pytest.raises(ValidationError):
        org["centre_reviewer"].review.return_for_correction(rec, "  ")
    with pytest.raises(ValidationError, match="unknown field"):
        org["centre_reviewer"].review.return_for_correction(rec, "x", {"colour": "?"})


def test_reopen_is_a_reviewer_action_with_a_reason(org: dict[str, Guji], rec: int) -> None:
    org["census_a"].review.submit_for_review(rec)
    org["reviewer_a"].review.approve(rec)
    org["centre_reviewer"].review.approve(rec)
    with pytest.raises(PermissionDenied):
        org["census_a"].review.reopen(rec, "typo")
    with pytest.raises(PermissionDenied):
        org["reviewer_a"].review.reopen(rec, "typo")  # centre approval: only the centre reopens
    with pytest.raises(ValidationError):
        org["centre_reviewer"].review.reopen(rec, "")
    org["centre_reviewer"].review.reopen(rec, "題名有誤")
    assert org["census_a"].census.get_record(rec).state == "returned"
    audit = org["admin"].audit.history("census_record", rec)[0]
    assert audit.action == "reopen" and audit.note == "題名有誤"
    org["census_a"].census.update_record(rec, book(title="墨子十六卷", extant=None))


def test_queue_counts(org: dict[str, Guji]) -> None:
    a = org["census_a"]
    ids = [a.census.register_book(book(call_number=str(i))).id for i in range(3)]
    org["census_b"].census.register_book(book())
    a.review.submit_for_review(ids[0])
    q = {(e.institution_code, e.state): e.count for e in org["centre_reviewer"].review.queue()}
    assert q == {("210000-0101", "draft"): 2, ("210000-0101", "submitted"): 1, ("220000-0101", "draft"): 1}
    assert {e.institution_code for e in org["reviewer_a"].review.queue()} == {"210000-0101"}


def test_vault_out_and_in(org: dict[str, Guji], rec: int) -> None:
    v = org["census_a"].vault
    assert v.location_of(rec).in_vault
    v.check_out(rec, "閱覽", "讀者甲", due=dt.date.today() + dt.timedelta(days=7), location="善本閱覽室")
    loc = v.location_of(rec)
    assert not loc.in_vault and "讀者甲" in loc.text
    with pytest.raises(Conflict, match="已出库"):
        org["restorer_a"].vault.check_out(rec, "restoration", "趙")
    assert [m.census_number for m in v.out_now()] == ["210000-0101-0000001"]
    assert v.overdue(dt.date.today() + dt.timedelta(days=30))[0].record_id == rec
    assert v.overdue() == []
    org["restorer_a"].vault.check_in(rec, "完好")
    assert v.location_of(rec).in_vault
    with pytest.raises(Conflict, match="不在出库状态"):
        v.check_in(rec)
    hist = v.history(rec)
    assert len(hist) == 1 and hist[0].purpose == "reading" and hist[0].return_note == "完好"


def test_vault_bad_input(org: dict[str, Guji], rec: int) -> None:
    v = org["census_a"].vault
    before = counts(org["admin"])
    with pytest.raises(ValidationError, match="purpose"):
        v.check_out(rec, "party", "x")
    with pytest.raises(ValidationError, match="to whom"):
        v.check_out(rec, "reading", "  ")
    with pytest.raises(ValidationError, match="past"):
        v.check_out(rec, "reading", "x", due=dt.date(2000, 1, 1))
    with pytest.raises(PermissionDenied):
        org["census_b"].vault.check_out(rec, "reading", "x")
    assert counts(org["admin"]) == before
    assert v.location_of(rec).in_vault
