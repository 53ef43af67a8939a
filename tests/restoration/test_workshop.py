"""The centre's workshop: a county library sends a book (送修) to the provincial centre, whose
restorers open and perform the job; both institutions see it; the book comes back with the
job's closing."""

from __future__ import annotations

import pytest

from guji.app import Guji
from guji.errors import PermissionDenied, ValidationError
from restoration.views import PlanInput
from tests.conftest import PASSWORD
from tests.restoration.conftest import ASSESSMENT, register

CENTRE = "210000-0001"


@pytest.fixture
def world(org: dict[str, Guji]) -> dict[str, Guji]:
    admin = org["admin"]
    admin.users.add_user("restorer.centre", PASSWORD, ["restorer"], institution=CENTRE)
    admin.users.add_user("restorer.b", PASSWORD, ["restorer"], institution="220000-0101")
    org["restorer_centre"] = Guji.sign_in(admin.db, "restorer.centre", PASSWORD)
    org["restorer_b"] = Guji.sign_in(admin.db, "restorer.b", PASSWORD)
    return org


def test_centre_restorer_needs_the_book_to_be_sent(world: dict[str, Guji]) -> None:
    rid = register(world)
    with pytest.raises(PermissionDenied):
        world["restorer_centre"].restoration.open_job(rid, requester="遼寧省圖書館")
    assert world["admin"].restoration.list_jobs() == []


def test_sent_book_is_restored_by_the_centre_and_seen_by_both(world: dict[str, Guji]) -> None:
    rid = register(world)
    world["census_a"].vault.send_for_restoration(rid, CENTRE)
    where = world["census_a"].vault.location_of(rid)
    assert not where.in_vault and "遼寧省古籍保護中心" in where.text

    centre = world["restorer_centre"].restoration
    job = centre.open_job(rid, requester="遼寧省圖書館古籍部")
    assert job.institution_name == "遼寧省圖書館"  # the holding institution stays the owner
    # The book was already out (sent); the job uses that movement, no second check-out.
    assert len(world["census_a"].vault.history(rid)) == 1

    # The holding institution's own restorer does not perform the centre's job.
    with pytest.raises(PermissionDenied):
        world["restorer_a"].restoration.record_assessment(job.id, ASSESSMENT)
    centre.record_assessment(job.id, ASSESSMENT)
    centre.confirm_damage_grade(job.id, "severe")
    # The damage grade reaches the holding institution's census record.
    assert world["census_a"].census.get_record(rid).data.damage_grade is not None

    # Both institutions see the job; a third does not.
    assert [j.id for j in world["reviewer_a"].restoration.list_jobs()] == [job.id]
    assert [j.id for j in centre.list_jobs()] == [job.id]
    assert world["restorer_b"].restoration.list_jobs() == []
    with pytest.raises(PermissionDenied):
        world["restorer_b"].restoration.get_job(job.id)
    assert [r.action for r in world["reviewer_a"].restoration.history(job.id)][-1] == "create"

    centre.save_plan(job.id, PlanInput(operations=["infill"]))
    centre.submit_plan(job.id)
    world["centre_reviewer"].restoration.approve_plan(job.id)
    centre.start_treatment(job.id)
    import datetime as dt

    from restoration.views import SessionInput

    centre.record_session(job.id, SessionInput(day=dt.date.today(), hours="2", leaves=4, operations=["infill"]))
    centre.submit_for_acceptance(job.id)
    world["centre_reviewer"].restoration.accept(job.id, "good")
    centre.close(job.id)
    # The book is back in its own vault.
    assert world["census_a"].vault.location_of(rid).in_vault


def test_sending_to_its_own_institution_or_another_units_book_is_refused(world: dict[str, Guji]) -> None:
    rid = register(world)
    with pytest.raises(ValidationError):
        world["census_a"].vault.send_for_restoration(rid, "210000-0101")
    with pytest.raises(PermissionDenied):
        world["census_b"].vault.send_for_restoration(rid, CENTRE)
    assert world["census_a"].vault.location_of(rid).in_vault
