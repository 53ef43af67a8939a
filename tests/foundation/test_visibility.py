"""One rule of who sees what (guji.services.visibility), applied by every reading service:
a unit sees its own institution, the centre and administrators see all."""

from __future__ import annotations

import pytest

from guji.app import Guji
from guji.census.record import RecordData
from guji.errors import NotFound, PermissionDenied


def _draft(app: Guji) -> int:
    return app.census.register_book(RecordData(title="未刊稿本一卷", edition_statement="清稿本", volumes=1,
                                               notes="尚未公開的著錄")).id


def test_audit_log_of_another_institution_is_not_readable(org: dict[str, Guji]) -> None:
    rid = _draft(org["census_a"])
    org["census_a"].vault.check_out(rid, "reading", "讀者甲")
    b = org["census_b"]
    # The whole log: only entries made by people of B's own institution.
    assert all(r.login.endswith(".b") for r in b.audit.history())
    with pytest.raises(PermissionDenied):
        b.audit.history("census_record", rid)
    with pytest.raises(PermissionDenied):
        b.census.history(rid)
    movement = org["census_a"].vault.history(rid)[0].id
    with pytest.raises(PermissionDenied):
        b.audit.history("vault_movement", movement)
    with pytest.raises(PermissionDenied):  # an entity whose owner is not known is the centre's
        b.audit.history("no_such_entity", 1)
    # The record's own institution and the centre read it.
    assert org["census_a"].audit.history("census_record", rid)[-1].action == "create"
    assert org["centre_reviewer"].audit.history("census_record", rid)
    assert {r.login for r in org["admin"].audit.history()} >= {"census.a", "admin"}


def test_vault_location_and_history_of_another_institution(org: dict[str, Guji]) -> None:
    rid = _draft(org["census_a"])
    org["census_a"].vault.check_out(rid, "exhibition", "省展覽", location="展廳")
    for call in (lambda: org["census_b"].vault.location_of(rid), lambda: org["census_b"].vault.history(rid)):
        with pytest.raises(PermissionDenied):
            call()
    assert org["census_b"].vault.out_now() == []
    assert not org["reviewer_a"].vault.location_of(rid).in_vault
    assert len(org["centre_reviewer"].vault.out_now()) == 1


def test_user_lists_follow_the_institution(org: dict[str, Guji]) -> None:
    logins_b = {u.login for u in org["census_b"].users.list_users()}
    assert logins_b == {"census.b", "reviewer.b"}
    assert len(org["admin"].users.list_users()) == 7
    assert len(org["centre_reviewer"].users.list_users()) == 7
    with pytest.raises(NotFound):
        org["census_b"].users.get("census.a")
    assert org["census_b"].users.get("census.b").login == "census.b"


def test_search_and_records(org: dict[str, Guji]) -> None:
    rid = _draft(org["census_a"])
    assert org["census_b"].search.search("未刊稿本").total == 0
    assert org["census_a"].search.search("未刊稿本").total == 1
    assert org["centre_reviewer"].search.search("未刊稿本").total == 1
    with pytest.raises(PermissionDenied):
        org["census_b"].census.get_record(rid)
