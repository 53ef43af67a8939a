"""The role matrix: who may call which service method on whose data.

Every public method of the services ``Guji`` holds is found by introspection
(:func:`service_methods`) and must have a rule in :data:`RULES` — a new method without one fails
:func:`test_every_public_service_method_has_a_rule`. Methods that work inside another service's
transaction (their first parameter after ``self`` is a SQLAlchemy ``Session``) are found by their
signature and listed in :data:`IN_TRANSACTION`; the few that touch no institution's data at all
have a "no permission involved" rule, with the reason (:data:`NO_PERMISSION`).

For every rule, every actor and — when the method is about one institution's data — a target of
institution A and of institution B, a cell calls the method with valid arguments on a fresh copy of
one world (:mod:`tests.foundation.role_world`) and asserts the rule:

* **allow**: no :class:`PermissionDenied` and no :class:`NotFound` (every object named exists);
  another :class:`GujiError` (a Conflict, a ValidationError) comes from the object's state and is
  no concern of the matrix. List and search methods must not return another institution's rows to
  unit staff, and the centre and the administrator see the rows of both institutions.
* **refuse**: :class:`PermissionDenied`, or :class:`NotFound` for an object the actor may not see;
  and nothing was written: every table (the audit log included) holds the same rows as before, the
  image store the same files, and no file was written where the call was told to write one.

Where the code disagrees with the policy, the cell is marked ``xfail(strict=True)`` with the
disagreement (:data:`DISAGREEMENTS`), so that fixing the service turns the cell into a failure
until the mark is removed.
"""

from __future__ import annotations

import inspect
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from guji.app import Guji
from guji.db.engine import Database
from guji.errors import GujiError, NotFound, PermissionDenied
from guji.services.context import Actor, ServiceContext
from restoration.views import MaterialInput, PhSetInput, RecipeInput, TrialInput
from tests.conftest import ADMIN_PASSWORD, PASSWORD
from tests.foundation import role_world as rw
from tests.foundation.role_world import CENTRE, CODES, Side, World

# ---------------------------------------------------------------------- who acts


@dataclass(frozen=True)
class Who:
    """An actor of the matrix: roles and institution ("A", "B", "C" the centre, None: no institution)."""

    key: str
    roles: frozenset[str]
    side: str | None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def sees_all(self) -> bool:
        """The centre's staff and the administrators see every institution (guji.services.visibility)."""
        return self.is_admin or self.side == "C"


WHO = {w.key: w for w in (
    Who("census_a", frozenset({"census"}), "A"),
    Who("reviewer_a", frozenset({"reviewer"}), "A"),
    Who("restorer_a", frozenset({"restorer"}), "A"),
    Who("census_b", frozenset({"census"}), "B"),
    Who("centre_reviewer", frozenset({"reviewer"}), "C"),
    Who("admin", frozenset({"admin"}), None),
)}
ACTORS = tuple(WHO)
TARGETS = ("A", "B")

# ---------------------------------------------------------------------- rules

Allowed = Callable[[Who, "str | None"], bool]


def anyone(who: Who, target: str | None) -> bool:
    return True


def sees(who: Who, target: str | None) -> bool:
    """Reading: anyone, on what they may see."""
    return who.sees_all or who.side == target


def admin_only(who: Who, target: str | None) -> bool:
    return who.is_admin


def staff(*roles: str, admin: bool = True, centre: bool = False) -> Allowed:
    """People with one of ``roles`` acting on their own institution's data (``centre``: centre
    staff with those roles on any institution's); the administrator when ``admin``."""
    wanted = frozenset(roles)

    def allowed(who: Who, target: str | None) -> bool:
        if who.is_admin:
            return admin
        if not who.roles & wanted:
            return False
        return target is None or who.side == target or (centre and who.side == "C")
    return allowed


def centre_reviewers(who: Who, target: str | None) -> bool:
    return "reviewer" in who.roles and who.side == "C"


@dataclass(frozen=True)
class Cell:
    """What a call needs: the world, the target institution's objects, the actor, a folder to write in."""

    world: World
    side: Side  # the target's (A's when the method has no target)
    who: Who
    work: Path  # where the call may be told to write a file
    store: Path  # the image store of this cell's copy

    @property
    def own(self) -> Side:
        """The actor's own institution's objects (the target's for actors of neither A nor B)."""
        return self.world.sides.get(self.who.side or "", self.side)

    @property
    def login(self) -> str:
        return self.world.actors[self.who.key].login


Call = Callable[[Guji, Cell], Any]
Rows = Callable[[Any, World], Iterable["str | None"]]


@dataclass(frozen=True)
class Rule:
    """``allowed(who, target)``; ``call`` makes the call; ``targets`` A and B when the method is about one
    institution's data, none otherwise; ``rows`` (list methods): the institution of each row returned;
    ``expect_rows(who)``: whether the world holds rows the actor must get (of A and B for the centre
    and the administrator, of their own institution for unit staff)."""

    allowed: Allowed
    call: Call
    targets: tuple[str, ...] = TARGETS
    rows: Rows | None = None
    expect_rows: Callable[[Who], bool] = lambda who: True
    no_permission: str | None = None  # why the method involves no permission at all


def lists(call: Call, rows: Rows, expect_rows: Callable[[Who], bool] = lambda who: True) -> Rule:
    """A list or search method: allowed for everyone, never with another institution's rows for units."""
    return Rule(anyone, call, (), rows, expect_rows)


def no_permission(why: str, call: Call) -> Rule:
    """A method that reads and names no institution's data: everyone, no target."""
    return Rule(anyone, call, (), no_permission=why)


def _reads(calls: dict[str, Call]) -> dict[str, Rule]:
    return {name: Rule(sees, call) for name, call in calls.items()}


def by_code(world: World, codes: Iterable[str | None]) -> list[str | None]:
    return [world.side_of_code(c) for c in codes]


def by_institution(world: World, ids: Iterable[int | None]) -> list[str | None]:
    return [world.side_of_institution(i) for i in ids]


def _export_key(c: Cell) -> Path:
    return c.own.key_path


def _marc_holders(path: str) -> list[str]:
    """The holding institution (905 $a) of every record of a MARCXML file."""
    import pymarc

    return [r["905"]["a"] for r in pymarc.parse_xml_to_array(path)]


def _package_census_xml(c: Cell) -> Any:
    """The census XML document inside A's signed exchange package (records of A)."""
    import io
    import zipfile

    with zipfile.ZipFile(c.world.package) as z:
        return io.BytesIO(z.read("census.xml"))


RULES: dict[str, Rule] = {
    # --- institutions: the directory is public; changing it is the administrator's.
    "institutions.add_institution": Rule(admin_only, lambda a, c: a.institutions.add_institution(
        "黑龍江省圖書館", "230000", "0101"), ()),
    "institutions.update_institution": Rule(admin_only, lambda a, c: a.institutions.update_institution(
        CODES["A"], name="遼寧省圖書館（新館）"), ()),
    "institutions.get": Rule(anyone, lambda a, c: a.institutions.get(c.side.code)),
    "institutions.get_by_id": Rule(anyone, lambda a, c: a.institutions.get_by_id(c.side.institution_id)),
    "institutions.list": Rule(anyone, lambda a, c: a.institutions.list(), ()),
    # --- users
    "users.add_user": Rule(admin_only, lambda a, c: a.users.add_user(
        "new.census", PASSWORD, ["census"], institution=CODES["A"]), ()),
    "users.update_user": Rule(admin_only, lambda a, c: a.users.update_user("census.a", full_name="張著錄"), ()),
    "users.change_password[own]": Rule(anyone, lambda a, c: a.users.change_password(
        c.login, "another-pass-77", old_password=ADMIN_PASSWORD if c.who.is_admin else PASSWORD), ()),
    "users.change_password[someone else]": Rule(admin_only, lambda a, c: a.users.change_password(
        c.side.restorer_login, "another-pass-77")),
    "users.get": Rule(sees, lambda a, c: a.users.get(c.side.restorer_login)),
    "users.list_users": lists(lambda a, c: a.users.list_users(),
                              lambda r, w: by_code(w, (u.institution_code for u in r if u.institution_code))),
    # --- audit log
    "audit.history[whole log]": lists(lambda a, c: a.audit.history(),
                                      lambda r, w: (w.login_side.get(e.login) for e in r)),
    "audit.history[one record]": Rule(sees, lambda a, c: a.audit.history("census_record", c.side.draft)),
    "audit.entity_chain_state": Rule(sees, lambda a, c: a.audit.entity_chain_state("census_record", c.side.draft)),
    "audit.verify_chain": Rule(admin_only, lambda a, c: a.audit.verify_chain(), ()),
    # --- census register
    "census.register_book": Rule(staff("census"), lambda a, c: a.census.register_book(
        rw.book("新登記本十卷"), institution=c.side.code)),
    "census.update_record": Rule(staff("census"), lambda a, c: a.census.update_record(
        c.side.draft, _with_notes(c.side.record_data()))),
    "census.delete_record": Rule(staff("census"), lambda a, c: a.census.delete_record(c.side.bare)),
    "census.confirm_grade": Rule(staff("census"), lambda a, c: a.census.confirm_grade(c.side.draft, "3A")),
    "census.register_many": Rule(staff("census"), lambda a, c: a.census.register_many(
        [(1, rw.book("批量登記本一卷"))], institution=c.side.code)),
    "census.register_stream": Rule(staff("census"), lambda a, c: a.census.register_stream(
        [[_prepared(rw.book("流式登記本一卷"))]], institution=c.side.code)),
    # Reads that a registration starts from: anyone who may see the institution (the check's
    # warnings name its records). The record checked has the title and edition of the target's
    # draft, so the check warns of it.
    "census.check_record": Rule(sees, lambda a, c: a.census.check_record(
        rw.book(c.side.draft_data.title or ""), institution=c.side.code)),
    "census.next_census_number": Rule(sees, lambda a, c: a.census.next_census_number(c.side.code)),
    "census.import_target": Rule(staff("census"), lambda a, c: a.census.import_target(c.side.code)),
    "census.rebuild_search_index": Rule(admin_only, lambda a, c: a.census.rebuild_search_index(), ()),
    **_reads({
        "census.get_record": lambda a, c: a.census.get_record(c.side.draft),
        "census.find_by_number": lambda a, c: a.census.find_by_number(c.side.draft_number),
        "census.history": lambda a, c: a.census.history(c.side.draft),
        "census.suggest_grade": lambda a, c: a.census.suggest_grade(c.side.draft),
    }),
    # --- review
    "review.submit_for_review": Rule(staff("census"), lambda a, c: a.review.submit_for_review(c.side.draft)),
    "review.approve[unit step]": Rule(staff("reviewer", admin=False, centre=True),
                                      lambda a, c: a.review.approve(c.side.submitted)),
    "review.approve[centre step]": Rule(centre_reviewers, lambda a, c: a.review.approve(c.side.unit_approved)),
    "review.return_for_correction[unit step]": Rule(
        staff("reviewer", admin=False, centre=True),
        lambda a, c: a.review.return_for_correction(c.side.submitted, "題名有誤")),
    "review.return_for_correction[centre step]": Rule(
        centre_reviewers, lambda a, c: a.review.return_for_correction(c.side.unit_approved, "版本待考")),
    "review.reopen[unit-approved]": Rule(staff("reviewer", admin=False, centre=True),
                                         lambda a, c: a.review.reopen(c.side.unit_approved, "補正版本")),
    "review.reopen[centre-approved]": Rule(centre_reviewers,
                                           lambda a, c: a.review.reopen(c.side.centre_approved, "補正版本")),
    **_reads({
        "review.rounds": lambda a, c: a.review.rounds(c.side.submitted),
        "review.open_field_comments": lambda a, c: a.review.open_field_comments(c.side.submitted),
    }),
    "review.queue": lists(lambda a, c: a.review.queue(), lambda r, w: by_code(w, (e.institution_code for e in r))),
    # Census staff wait for returned records (the world has none); reviewers for submitted ones.
    "review.awaiting_me": lists(lambda a, c: a.review.awaiting_me(), lambda r, w: (w.record_side[i] for i in r),
                                lambda who: "reviewer" in who.roles),
    # --- search
    "search.search": lists(lambda a, c: a.search.search("", limit=500).rows,
                           lambda r, w: by_code(w, (x.institution_code for x in r))),
    "search.ids": lists(lambda a, c: a.search.ids(""), lambda r, w: (w.record_side[i] for i in r)),
    "search.rows": lists(lambda a, c: a.search.rows(sorted(c.world.record_side)),
                         lambda r, w: by_code(w, (x.institution_code for x in r))),
    # --- vault
    "vault.check_out": Rule(staff("census", "reviewer", "restorer"),
                            lambda a, c: a.vault.check_out(c.side.draft, "reading", "讀者乙")),
    "vault.check_in": Rule(staff("census", "reviewer", "restorer"), lambda a, c: a.vault.check_in(c.side.out)),
    "vault.send_for_restoration": Rule(staff("census", "reviewer", "restorer"),
                                       lambda a, c: a.vault.send_for_restoration(c.side.draft, CENTRE)),
    **_reads({
        "vault.location_of": lambda a, c: a.vault.location_of(c.side.out),
        "vault.history": lambda a, c: a.vault.history(c.side.out),
    }),
    "vault.out_now": lists(lambda a, c: a.vault.out_now(), lambda r, w: (w.record_side[m.record_id] for m in r)),
    "vault.overdue": lists(lambda a, c: a.vault.overdue(), lambda r, w: (w.record_side[m.record_id] for m in r),
                           lambda who: False),  # nothing in the world is overdue
    # --- page images. From the code: restorers add and attach images to their institution's
    # records as census staff do (both photograph books), but only census staff write the
    # measured frame into the record (that is an edit of the record). The job-image methods
    # are the restorers' (and, as the code has it, the administrator's).
    "images.add_image": Rule(staff("census", "restorer"), lambda a, c: a.images.add_image(c.world.new_page), ()),
    "images.add_to_record": Rule(staff("census", "restorer"),
                                 lambda a, c: a.images.add_to_record(c.world.new_page, c.side.draft)),
    "images.attach_to_record": Rule(staff("census", "restorer"),
                                    lambda a, c: a.images.attach_to_record(c.side.loose, c.side.draft)),
    "images.update_record_image": Rule(
        staff("census", "restorer"),
        lambda a, c: a.images.update_record_image(c.side.attachment, caption="卷端首葉")),
    "images.detach[record]": Rule(staff("census", "restorer"), lambda a, c: a.images.detach(c.side.attachment)),
    "images.detach[job]": Rule(staff("restorer"), lambda a, c: a.images.detach(c.side.job_attachment, kind="job")),
    "images.apply_measured_frame": Rule(staff("census"),
                                        lambda a, c: a.images.apply_measured_frame(c.side.draft, c.side.image)),
    "images.save_analysis": Rule(staff("census", "restorer"),
                                 lambda a, c: a.images.save_analysis(c.side.image, dict(c.side.analysis))),
    "images.analyze": Rule(staff("census", "restorer"), lambda a, c: a.images.analyze(c.side.image, force=True)),
    "images.make_derivatives": Rule(staff("census", "restorer"),
                                    lambda a, c: a.images.make_derivatives(c.side.image, kinds=("thumb",))),
    # A job with no photograph yet (its plan awaits approval), and an image the actor may use.
    "images.attach_to_job": Rule(staff("restorer"), lambda a, c: a.images.attach_to_job(
        c.own.loose, c.side.jobs["plan"], "after")),
    "images.add_to_job": Rule(staff("restorer"), lambda a, c: a.images.add_to_job(
        c.world.new_page, c.side.jobs["plan"], "after")),
    "images.set_store_location": Rule(admin_only, lambda a, c: a.images.set_store_location(c.store), ()),
    "images.store_location": Rule(anyone, lambda a, c: a.images.store_location(), ()),
    **_reads({
        "images.get_image": lambda a, c: a.images.get_image(c.side.image),
        "images.image_path": lambda a, c: a.images.image_path(c.side.image),
        "images.find_image": lambda a, c: a.images.find_image(c.side.image_sha),
        "images.analysis_input": lambda a, c: a.images.analysis_input(c.side.image),
        "images.stored_analysis": lambda a, c: a.images.stored_analysis(c.side.image),
        "images.measured_frame": lambda a, c: a.images.measured_frame(c.side.image),
        "images.derivatives_of": lambda a, c: a.images.derivatives_of(c.side.image),
        "images.images_of_record": lambda a, c: a.images.images_of_record(c.side.draft),
        "images.images_of_job": lambda a, c: a.images.images_of_job(c.side.jobs["assessment"]),
    }),
    "images.list_images": lists(lambda a, c: a.images.list_images(), lambda r, w: (w.image_side[i.id] for i in r)),
    # --- restoration archive
    "restoration.open_job": Rule(staff("restorer", "reviewer"),
                                 lambda a, c: a.restoration.open_job(c.side.draft, requester="古籍部")),
    # The centre's reviewers review every institution's work, jobs included.
    "restoration.assign": Rule(staff("reviewer", centre=True), lambda a, c: a.restoration.assign(
        c.side.jobs["assessment"], priority="high")),
    **{f"restoration.{name}": Rule(staff("restorer", admin=False), call) for name, call in {
        "record_assessment": lambda a, c: a.restoration.record_assessment(c.side.jobs["assessment"], rw.ASSESSMENT),
        "confirm_damage_grade": lambda a, c: a.restoration.confirm_damage_grade(c.side.jobs["assessment"], "severe"),
        "save_plan": lambda a, c: a.restoration.save_plan(c.side.jobs["assessment"], rw.PLAN),
        "submit_plan": lambda a, c: a.restoration.submit_plan(c.side.jobs["assessment"]),
        "record_ph_set": lambda a, c: a.restoration.record_ph_set(c.side.jobs["assessment"], PhSetInput(
            "before_treatment", "surface_flat_electrode", [("1", "天頭", "5.10"), ("2", "地腳", "5.40")])),
        "add_photo": lambda a, c: a.restoration.add_photo(c.side.jobs["assessment"], "after", c.side.loose_sha),
        "add_photo_file": lambda a, c: a.restoration.add_photo_file(
            c.side.jobs["assessment"], c.world.new_page, "after"),
        "start_treatment": lambda a, c: a.restoration.start_treatment(c.side.jobs["plan_approved"]),
        "record_session": lambda a, c: a.restoration.record_session(c.side.jobs["in_treatment"], rw.SESSION),
        "submit_for_acceptance": lambda a, c: a.restoration.submit_for_acceptance(c.side.jobs["in_treatment"]),
    }.items()},
    **{f"restoration.{name}": Rule(staff("reviewer", admin=False, centre=True), call) for name, call in {
        "approve_plan": lambda a, c: a.restoration.approve_plan(c.side.jobs["plan"]),
        "send_back": lambda a, c: a.restoration.send_back(c.side.jobs["plan"], "方案需補充"),
        "accept": lambda a, c: a.restoration.accept(c.side.jobs["acceptance"], "good"),
        "reopen": lambda a, c: a.restoration.reopen(c.side.jobs["closed"], "驗收有誤"),
    }.items()},
    "restoration.close": Rule(staff("restorer", "reviewer"), lambda a, c: a.restoration.close(c.side.jobs["closed"])),
    # An inventory belongs to an institution: its restorers keep it (an administrator of no
    # institution has none to keep).
    "restoration.add_material": Rule(staff("restorer", admin=False), lambda a, c: a.restoration.add_material(
        MaterialInput(kind="repair_paper", name="新竹纸", unit="张", quantity="5")), ()),
    "restoration.adjust_stock": Rule(staff("restorer", admin=False),
                                     lambda a, c: a.restoration.adjust_stock(c.side.material, "5")),
    # The recipe is made for the target institution's job.
    "restoration.add_recipe": Rule(staff("restorer", admin=False), lambda a, c: a.restoration.add_recipe(RecipeInput(
        name="新配方", dyes=[("紅茶", "8", "g/L")], job_id=c.side.jobs["assessment"]))),
    "restoration.record_trial": Rule(staff("restorer", admin=False), lambda a, c: a.restoration.record_trial(
        c.side.recipe, TrialInput(measured=(79.0, 2.9, 17.0), target=rw.TARGET_LAB, illuminant_observer="D65_10"))),
    "restoration.set_trial_accepted": Rule(staff("restorer", admin=False),
                                           lambda a, c: a.restoration.set_trial_accepted(c.side.trial, False)),
    "restoration.set_setting": Rule(admin_only, lambda a, c: a.restoration.set_setting("de00_tolerance", "2.5"), ()),
    "restoration.settings": Rule(anyone, lambda a, c: a.restoration.settings(), ()),
    **_reads({
        "restoration.get_job": lambda a, c: a.restoration.get_job(c.side.jobs["assessment"]),
        "restoration.find_job": lambda a, c: a.restoration.find_job(c.side.job_numbers["assessment"]),
        "restoration.archive": lambda a, c: a.restoration.archive(c.side.jobs["closed"]),
        "restoration.assessments": lambda a, c: a.restoration.assessments(c.side.jobs["assessment"]),
        "restoration.plan": lambda a, c: a.restoration.plan(c.side.jobs["assessment"]),
        "restoration.ph_sets": lambda a, c: a.restoration.ph_sets(c.side.jobs["assessment"]),
        "restoration.ph_comparison": lambda a, c: a.restoration.ph_comparison(c.side.jobs["assessment"]),
        "restoration.sessions": lambda a, c: a.restoration.sessions(c.side.jobs["in_treatment"]),
        "restoration.photos": lambda a, c: a.restoration.photos(c.side.jobs["assessment"]),
        "restoration.history": lambda a, c: a.restoration.history(c.side.jobs["assessment"]),
        "restoration.job_totals": lambda a, c: a.restoration.job_totals(c.side.jobs["in_treatment"]),
        "restoration.progress": lambda a, c: a.restoration.progress(c.side.jobs["in_treatment"]),
        "restoration.suggest_damage_grade": lambda a, c: a.restoration.suggest_damage_grade(c.side.jobs["assessment"]),
        "restoration.recipes[of one job]": lambda a, c: a.restoration.recipes(job_id=c.side.jobs["assessment"]),
    }),
    "restoration.recipes[library]": lists(lambda a, c: a.restoration.recipes(),
                                          lambda r, w: by_institution(w, (x.institution_id for x in r))),
    "restoration.list_jobs": lists(lambda a, c: a.restoration.list_jobs(),
                                   lambda r, w: by_institution(w, (j.institution_id for j in r))),
    "restoration.materials": lists(lambda a, c: a.restoration.materials(),
                                   lambda r, w: by_institution(w, (m.institution_id for m in r))),
    "restoration.low_stock": lists(lambda a, c: a.restoration.low_stock(),
                                   lambda r, w: by_institution(w, (m.institution_id for m in r))),
    "restoration.restorer_month_totals": lists(lambda a, c: a.restoration.restorer_month_totals(),
                                               lambda r, w: (w.login_side[t.restorer] for t in r)),
    "restoration.rank_recipes_for": lists(lambda a, c: a.restoration.rank_recipes_for(rw.TARGET_LAB),
                                          lambda r, w: by_institution(w, (m.recipe.institution_id for m in r))),
    # --- exchange. From the code: an institution's census staff make its key pair on their desk
    # and export its packages; the administrator makes a key pair for any institution, but the
    # administrator's account belongs to no institution and so signs no package (a package is
    # signed in an institution's name). Registered public keys are public: anyone may list them.
    "exchange.generate_key": Rule(staff("census"), lambda a, c: a.exchange.generate_key(
        c.work / "key.pem", institution=c.side.code)),
    "exchange.export_package": Rule(staff("census", admin=False), lambda a, c: a.exchange.export_package(
        c.work / "out.gujipkg", institution=c.side.code, key_path=_export_key(c))),
    "exchange.import_package": Rule(admin_only, lambda a, c: a.exchange.import_package(c.world.package), ()),
    "exchange.register_key": Rule(admin_only, lambda a, c: a.exchange.register_key(
        CODES["A"], c.world.spare_public_pem), ()),
    "exchange.revoke_key": Rule(admin_only, lambda a, c: a.exchange.revoke_key(
        c.world.sides["B"].key_fingerprint), ()),
    "exchange.keys": Rule(anyone, lambda a, c: a.exchange.keys(), ()),
    # --- exports: anyone exports what they may see; a census XML import merges records of the
    # importer's own institution (census staff) or any (the administrator); backups are the
    # administrator's.
    "exports.formats": Rule(anyone, lambda a, c: a.exports.formats(), ()),
    "exports.export": lists(lambda a, c: a.exports.export("marc_xml", c.work / "records.xml"),
                            lambda r, w: by_code(w, _marc_holders(r.path))),
    "exports.import_census_xml": Rule(lambda who, t: who.is_admin or ("census" in who.roles and who.side == "A"),
                                      lambda a, c: a.exports.import_census_xml(_package_census_xml(c)), ()),
    "exports.backup": Rule(admin_only, lambda a, c: a.exports.backup(c.work / "backup"), ()),
    # --- no permission involved. Kept short: only what names no institution's data at all.
    # The image store's objects and folder say where files are kept, not whose they are; every
    # image action that uses them checks its own permission first.
    "images.store": no_permission("an ImageStore over the database's store folder",
                                  lambda a, c: a.images.store()),
    "images.derivative_store": no_permission("the ImageStore of derivatives inside that folder",
                                             lambda a, c: a.images.derivative_store()),
    "images.store_root": no_permission("the checked folder of the database's image store",
                                       lambda a, c: a.images.store_root()),
    # Reference data: the Chinese label of a vocabulary code.
    "restoration.label": no_permission("the label of a vocabulary code",
                                       lambda a, c: a.restoration.label("damage_types", "loss")),
}

#: The rules that involve no permission (asserted, so that the list stays this short).
NO_PERMISSION = {rule_id for rule_id, rule in RULES.items() if rule.no_permission}

#: Helpers that run inside another service's transaction (first parameter a Session): the calling
#: service has checked the permission. Found by signature; listed so that a new one is noticed.
IN_TRANSACTION = {
    "census.set_damage_grade",  # restoration.confirm_damage_grade
    "vault.check_out_in",  # restoration.open_job
    "images.link_job_image",  # restoration photographs by SHA-256
    "images.job_image_paths",  # restoration photo views
}


def _disagreements() -> dict[tuple[str, str, str | None], str]:
    """Cells where the code does not do what the policy says (xfail, strict). None now: each one
    found was mended in the service, or the policy was corrected where the code was right."""
    return {}


DISAGREEMENTS = _disagreements()


def _with_notes(data: Any) -> Any:
    data.notes = "補記：書衣有題簽"
    return data


def _prepared(data: Any) -> Any:
    from guji.census.bulk import prepare

    return prepare(1, data, sqlite=True)


# ---------------------------------------------------------------------- introspection

PACKAGES = ("guji", "restoration", "export")
#: Attributes of Guji whose classes live in those packages but that are the application's plumbing,
#: not services: the database, the actor, the service context.
PLUMBING = (Database, Actor, ServiceContext)


def services(app: Guji) -> dict[str, object]:
    """The service objects ``app`` offers: its attributes (made on first use, so found on the class as
    well as on the instance) whose class lives in guji, restoration or export."""
    names = set(vars(app)) | {n for n in dir(type(app)) if not n.startswith("_")}
    out: dict[str, object] = {}
    for name in sorted(names):
        if not isinstance(inspect.getattr_static(app, name), (cached_property, property)) and name not in vars(app):
            continue
        obj = getattr(app, name)
        if type(obj).__module__.split(".")[0] in PACKAGES and not isinstance(obj, PLUMBING):
            out[name] = obj
    return out


def service_methods(app: Guji) -> dict[str, Callable[..., Any]]:
    """``{"service.method": function}`` for every public routine of every service's class."""
    out: dict[str, Callable[..., Any]] = {}
    for name, obj in services(app).items():
        cls = type(obj)
        for attr in dir(cls):
            if attr.startswith("_"):
                continue
            if isinstance(inspect.getattr_static(cls, attr), property):
                continue
            value = getattr(cls, attr)
            if inspect.isroutine(value):
                out[f"{name}.{attr}"] = value
    return out


def takes_session_first(cls_attr: Callable[..., Any], owner: type, attr: str) -> bool:
    """Whether the first parameter after ``self`` is annotated as a SQLAlchemy Session."""
    params = list(inspect.signature(cls_attr).parameters.values())
    if inspect.isfunction(cls_attr) and not isinstance(inspect.getattr_static(owner, attr), staticmethod):
        params = params[1:]
    if not params:
        return False
    ann = params[0].annotation
    if isinstance(ann, str):
        try:
            ann = eval(ann, getattr(cls_attr, "__globals__", {}))
        except Exception:  # noqa: BLE001 - a name only known to type checkers is no Session
            return False
    return isinstance(ann, type) and issubclass(ann, Session)


# ---------------------------------------------------------------------- the world and the cells


#: Allowed cells that ended in another GujiError (a Conflict or ValidationError of the object's
#: state): fine for the matrix, printed when the module ends (``pytest -s``) for whoever reads it.
STATE_ERRORS: list[str] = []


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield rw.build(tmp_path_factory.mktemp("role-world"))
    if STATE_ERRORS:
        print("\nallowed, then stopped by the object's state:\n  " + "\n  ".join(STATE_ERRORS))


@dataclass(frozen=True)
class Desk:
    """Where the cells work: a folder that holds a fresh copy of the world for each cell, and the
    database opened on that copy. The file is replaced under it between cells: SQLite connections
    are not pooled (``Database.open`` uses a NullPool), so none outlives a call, and the next call
    reads the new file. Opening the database once spares each cell SQLAlchemy's statement
    compilation, which is cached per engine (more than half of a cell's time otherwise)."""

    folder: Path
    db: Database

    @property
    def work(self) -> Path:
        return self.folder / "work"


@pytest.fixture(scope="module")
def desk(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    folder = tmp_path_factory.mktemp("role-cell") / "copy"
    db = Database.open(str(rw.fresh_copy(world, folder)))
    yield Desk(folder, db)
    db.dispose()


def _cells() -> list[Any]:
    cells = []
    for rule_id, rule in RULES.items():
        for actor in ACTORS:
            for target in rule.targets or (None,):
                # census_b stands for another institution's staff looking at A's data.
                if actor == "census_b" and target != "A":
                    continue
                reason = DISAGREEMENTS.get((rule_id, actor, target))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                cells.append(pytest.param(rule_id, actor, target, id=f"{rule_id}-{actor}-{target or '-'}",
                                          marks=marks))
    return cells


CELLS = _cells()


@dataclass
class Outcome:
    result: Any = None
    error: GujiError | None = None


def _run(world: World, desk: Desk, rule: Rule, who: Who, target: str | None) -> Outcome:
    """Call ``rule`` as ``who`` on a fresh copy of the world."""
    desk.db.dispose()
    rw.fresh_copy(world, desk.folder)
    if desk.work.exists():
        shutil.rmtree(desk.work)
    desk.work.mkdir()
    out = Outcome()
    cell = Cell(world, world.sides[target or "A"], who, desk.work, desk.folder / world.store_name)
    try:
        out.result = rule.call(Guji(desk.db, world.actors[who.key]), cell)
    except GujiError as exc:
        out.error = exc
    finally:
        desk.db.dispose()
    return out


@pytest.mark.parametrize("rule_id, actor, target", CELLS)
def test_cell(world: World, desk: Desk, rule_id: str, actor: str, target: str | None) -> None:
    rule, who = RULES[rule_id], WHO[actor]
    outcome = _run(world, desk, rule, who, target)
    err = outcome.error
    if rule.allowed(who, target):
        assert not isinstance(err, (PermissionDenied, NotFound)), (
            f"{rule_id}: {actor} on {target or 'no target'} should be allowed, was refused: {err!r}")
        if err is not None:
            STATE_ERRORS.append(f"{rule_id} {actor} {target or '-'}: {type(err).__name__}: {err}")
        if rule.rows is not None and err is None:
            seen = set(rule.rows(outcome.result, world))
            if not who.sees_all:
                assert seen <= {who.side}, f"{rule_id}: {actor} got rows of {sorted(map(str, seen - {who.side}))}"
                if rule.expect_rows(who):
                    assert who.side in seen, f"{rule_id}: {actor} got none of their own institution's rows"
            elif rule.expect_rows(who):
                assert {"A", "B"} <= seen, f"{rule_id}: {actor} should see rows of A and B, saw {seen}"
        return
    assert isinstance(err, (PermissionDenied, NotFound)), (
        f"{rule_id}: {actor} on {target or 'no target'} should be refused, "
        + (f"got {type(err).__name__}: {err}" if err is not None else f"it returned {outcome.result!r:.200}"))
    written = rw.unchanged(world, desk.folder / rw.DB_NAME)
    assert not written, f"{rule_id}: refused, but wrote {written}"
    assert rw.store_files(desk.folder / world.store_name) == world.store_files, (
        f"{rule_id}: refused, but the store changed")
    assert not any(desk.work.iterdir()), f"{rule_id}: refused, but wrote a file"


# ---------------------------------------------------------------------- the table itself


def test_every_public_service_method_has_a_rule(world: World, tmp_path: Path) -> None:
    db = Database.open(str(rw.fresh_copy(world, tmp_path / "copy")))
    try:
        app = Guji(db, world.actors["admin"])
        found = service_methods(app)
        assert set(services(app)) == {"institutions", "users", "audit", "census", "review", "search", "vault",
                                      "images", "restoration", "exchange", "exports"}
        holders = services(app)
        in_tx = {name for name, fn in found.items()
                 if takes_session_first(fn, type(holders[name.split(".")[0]]), name.split(".")[1])}
    finally:
        db.dispose()
    assert in_tx == IN_TRANSACTION, (
        "in-transaction helpers (Session first) changed: " + str(sorted(in_tx ^ IN_TRANSACTION)))
    ruled = {rule_id.split("[")[0] for rule_id in RULES}
    missing = sorted(set(found) - ruled - IN_TRANSACTION)
    assert not missing, f"public service methods without a rule in the role matrix: {missing}"
    stale = sorted(ruled - set(found))
    assert not stale, f"rules for methods that do not exist: {stale}"
    assert not ruled & IN_TRANSACTION
    assert {"images.store", "images.derivative_store", "images.store_root", "restoration.label"} == NO_PERMISSION
    assert all(key[0] in RULES and key[1] in ACTORS for key in DISAGREEMENTS)


def test_the_actors_are_who_the_matrix_says(world: World) -> None:
    ids = world.institution_ids
    for key, who in WHO.items():
        actor = world.actors[key]
        assert {r.value for r in actor.roles} == set(who.roles), key
        assert actor.institution_id == (ids[who.side] if who.side else None), key


def test_matrix_size() -> None:
    """Every rule has a cell for every actor and target (census_b: only towards A's data)."""
    targeted = [r for r in RULES.values() if r.targets]
    per_targeted = (len(ACTORS) - 1) * len(TARGETS) + 1
    per_other = len(ACTORS) - 1
    assert len(CELLS) == len(targeted) * per_targeted + (len(RULES) - len(targeted)) * per_other
    methods = {rule_id.split("[")[0] for rule_id in RULES}
    print(f"\nrole matrix: {len(methods)} methods as {len(RULES)} rules (variants apart); "
          f"{len(targeted)} rules × {per_targeted} (5 actors × targets A, B + census_b × A) + "
          f"{len(RULES) - len(targeted)} rules × {per_other} actors (no target) = {len(CELLS)} cells, "
          f"{sum(1 for c in CELLS if c.marks)} of them xfail")
