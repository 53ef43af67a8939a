"""Restoration jobs: opening (with the vault check-out), states, locks, role rules, audit."""

from __future__ import annotations

import datetime as dt

import pytest

from guji.app import Guji
from guji.census.models import VaultMovement
from guji.errors import Conflict, PermissionDenied, ValidationError
from restoration.models import RestorationJob
from restoration.views import PlanInput, SessionInput
from tests.restoration.conftest import ASSESSMENT, count, open_job, register, to_state


def test_open_job_checks_the_item_out_for_restoration(any_org: dict[str, Guji]) -> None:
    org = any_org
    rid = register(org)
    job = org["restorer_a"].restoration.open_job(rid, requester="古籍部", reviewer="reviewer.a",
                                                 leaves_scope="卷一 1-40", leaves_in_scope=40)
    assert job.state == "assessment" and job.job_number.startswith(f"XF-{dt.date.today().year}-")
    assert [r[1] for r in job.restorers] == ["restorer.a"] and job.reviewer and job.reviewer[1] == "reviewer.a"
    loc = org["restorer_a"].vault.location_of(rid)
    assert not loc.in_vault and loc.movement and loc.movement.purpose == "restoration"
    assert loc.movement.id == job.vault_movement_id
    second = org["restorer_a"].restoration.open_job(register(org, "荀子二十卷"), requester="古籍部")
    assert int(second.job_number[-4:]) == int(job.job_number[-4:]) + 1
    assert org["restorer_a"].restoration.history(job.id)[0].action == "create"


def test_open_job_refuses_an_item_already_out_and_writes_nothing(org: dict[str, Guji]) -> None:
    rid = register(org)
    org["census_a"].vault.check_out(rid, "reading", "讀者甲")
    with pytest.raises(Conflict, match="已出库"):
        org["restorer_a"].restoration.open_job(rid, requester="古籍部")
    assert count(org["admin"], RestorationJob) == 0
    assert count(org["admin"], VaultMovement) == 1


@pytest.mark.parametrize("kw, field", [
    ({"requester": " "}, "requester"),
    ({"requester": "x", "priority": "asap"}, "priority"),
    ({"requester": "x", "restorers": ["census.a"]}, "restorers"),
    ({"requester": "x", "reviewer": "restorer.a"}, "reviewer"),
])
def test_open_job_bad_input(org: dict[str, Guji], kw: dict, field: str) -> None:
    rid = register(org)
    with pytest.raises(ValidationError) as err:
        org["restorer_a"].restoration.open_job(rid, **kw)
    assert err.value.fields == [field]
    assert count(org["admin"], RestorationJob) == 0 and count(org["admin"], VaultMovement) == 0


def test_other_institutions_cannot_open_or_see(org: dict[str, Guji]) -> None:
    rid = register(org)
    with pytest.raises(PermissionDenied):
        org["census_a"].restoration.open_job(rid, requester="x")  # census staff are not restorers
    with pytest.raises(PermissionDenied):
        org["reviewer_b"].restoration.open_job(rid, requester="x")
    jid = org["restorer_a"].restoration.open_job(rid, requester="x").id
    with pytest.raises(PermissionDenied):
        org["reviewer_b"].restoration.get_job(jid)
    assert org["reviewer_b"].restoration.list_jobs() == []
    assert [j.id for j in org["centre_reviewer"].restoration.list_jobs()] == [jid]


def test_full_workflow_and_lock(any_org: dict[str, Guji]) -> None:
    org = any_org
    jid = open_job(org)
    to_state(org, jid, "closed")
    r, v = org["restorer_a"].restoration, org["reviewer_a"].restoration
    job = r.get_job(jid)
    assert job.state == "closed" and job.locked and job.accepted_at is not None
    arch = r.archive(jid)
    assert arch.acceptances[0].quality_grade == "good" and arch.acceptances[0].signed_name
    # locked: nothing more can be written
    with pytest.raises(Conflict, match="locked"):
        r.record_assessment(jid, ASSESSMENT)
    with pytest.raises(Conflict, match="locked"):
        r.save_plan(jid, PlanInput(operations=["dust_removal"]))
    with pytest.raises(Conflict, match="locked"):
        v.send_back(jid, "再看看")
    # reopen: audited, acceptance voided but kept
    with pytest.raises(ValidationError):
        v.reopen(jid, " ")
    v.reopen(jid, "補洞處起皺，需重做")
    arch = r.archive(jid)
    assert arch.job.state == "acceptance" and not arch.job.locked
    assert arch.acceptances[0].voided_at is not None and arch.acceptances[0].void_reason == "補洞處起皺，需重做"
    hist = r.history(jid)
    assert hist[0].action == "reopen" and hist[0].note == "補洞處起皺，需重做"
    v.send_back(jid, "返工")
    assert r.get_job(jid).state == "in_treatment"
    r.submit_for_acceptance(jid)
    v.accept(jid, "excellent")
    assert [a.seq for a in r.archive(jid).acceptances] == [1, 2]
    # back to the vault
    r.close(jid)
    assert org["census_a"].vault.location_of(r.get_job(jid).record_id).in_vault
    with pytest.raises(Conflict):
        r.close(jid)


def test_transitions_follow_the_workflow(org: dict[str, Guji]) -> None:
    jid = open_job(org)
    r, v = org["restorer_a"].restoration, org["reviewer_a"].restoration
    with pytest.raises(Conflict, match="no condition assessment"):
        r.submit_plan(jid)
    with pytest.raises(Conflict, match="cannot go from 'assessment'"):
        r.start_treatment(jid)
    with pytest.raises(Conflict):
        r.record_session(jid, SessionInput(day=dt.date.today(), hours=1, leaves=1))
    to_state(org, jid, "plan")
    with pytest.raises(Conflict, match="cannot go from 'plan'"):
        r.start_treatment(jid)  # the plan must be approved first
    v.send_back(jid, "補充評估")
    assert r.get_job(jid).state == "assessment"
    r.submit_plan(jid)
    v.approve_plan(jid)
    assert r.plan(jid).approved_by  # type: ignore[union-attr]
    with pytest.raises(Conflict, match="approved"):
        r.save_plan(jid, PlanInput(operations=["dust_removal"]))
    v.send_back(jid, "方案要改")
    assert r.get_job(jid).state == "plan" and r.plan(jid).approved_by is None  # type: ignore[union-attr]


def test_role_rules(org: dict[str, Guji]) -> None:
    jid = open_job(org)
    r, v = org["restorer_a"].restoration, org["reviewer_a"].restoration
    with pytest.raises(PermissionDenied, match="restorer"):
        v.record_assessment(jid, ASSESSMENT)
    to_state(org, jid, "plan")
    with pytest.raises(PermissionDenied, match="reviewer"):
        r.approve_plan(jid)
    with pytest.raises(PermissionDenied):
        org["reviewer_b"].restoration.approve_plan(jid)
    v.approve_plan(jid)
    with pytest.raises(PermissionDenied):
        v.start_treatment(jid)
    r.start_treatment(jid)
    with pytest.raises(PermissionDenied, match="restorer"):
        v.record_session(jid, SessionInput(day=dt.date.today(), hours=1, leaves=1))
    r.record_session(jid, SessionInput(day=dt.date.today(), hours=1, leaves=1))
    r.submit_for_acceptance(jid)
    with pytest.raises(PermissionDenied, match="reviewer"):
        r.accept(jid, "good")
    # the centre reviewer may accept across institutions
    org["centre_reviewer"].restoration.accept(jid, "pass")
    assert r.get_job(jid).state == "closed"


def test_only_assigned_restorers_and_the_named_reviewer(org: dict[str, Guji]) -> None:
    admin = org["admin"]
    admin.users.add_user("restorer.a2", "secret-pass-1", ["restorer"], institution="210000-0101")
    admin.users.add_user("reviewer.a2", "secret-pass-1", ["reviewer"], institution="210000-0101")
    other = Guji.sign_in(admin.db, "restorer.a2", "secret-pass-1")
    other_rev = Guji.sign_in(admin.db, "reviewer.a2", "secret-pass-1")
    jid = open_job(org)
    with pytest.raises(PermissionDenied, match="not assigned"):
        other.restoration.record_assessment(jid, ASSESSMENT)
    to_state(org, jid, "plan")
    with pytest.raises(PermissionDenied, match="another reviewer"):
        other_rev.restoration.approve_plan(jid)
    org["reviewer_a"].restoration.assign(jid, restorers=["restorer.a", "restorer.a2"])
    assert {x[1] for x in other.restoration.get_job(jid).restorers} == {"restorer.a", "restorer.a2"}
    with pytest.raises(PermissionDenied):
        org["restorer_a"].restoration.assign(jid, restorers=["restorer.a2"])
    assert org["admin"].audit.history("restoration_job", jid)[0].action == "assign"


def test_list_jobs_filters(org: dict[str, Guji]) -> None:
    a = open_job(org)
    b = open_job(org)
    to_state(org, b, "plan")
    rest = org["restorer_a"].restoration
    assert [j.id for j in rest.list_jobs(state="plan")] == [b]
    assert {j.id for j in rest.list_jobs(restorer="restorer.a")} == {a, b}
    assert rest.list_jobs(restorer="reviewer.a") == []
    assert rest.find_job(rest.get_job(a).job_number).id == a
