"""Institutions, users, roles, sign-in and the audit trail of each change."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from guji.app import Guji
from guji.errors import AuthenticationError, Conflict, NotFound, PermissionDenied, ValidationError
from guji.models import AuditEntry, Institution, User
from guji.models.user import Role
from guji.services import auth
from tests.conftest import ADMIN_PASSWORD, PASSWORD


def counts(app: Guji) -> tuple[int, int, int]:
    with app.db.read_session() as s:
        return (
            s.scalar(select(func.count()).select_from(Institution)) or 0,
            s.scalar(select(func.count()).select_from(User)) or 0,
            s.scalar(select(func.count()).select_from(AuditEntry)) or 0,
        )


def test_bootstrap_only_on_an_empty_database(admin: Guji) -> None:
    with pytest.raises(Conflict, match="already has users"):
        auth.bootstrap_admin(admin.db, "second", "another-pass-1")
    assert [u.login for u in admin.users.list_users()] == ["admin"]


def test_sign_in(admin: Guji) -> None:
    app = Guji.sign_in(admin.db, "admin", ADMIN_PASSWORD)
    assert app.actor.roles == {Role.ADMIN}
    logins = [r for r in app.audit.history("user_account") if r.action == "login"]
    assert len(logins) == 1


@pytest.mark.parametrize("login,password", [("admin", "wrong-password"), ("nobody", ADMIN_PASSWORD), ("admin", "")])
def test_sign_in_failures_say_the_same_thing(admin: Guji, login: str, password: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "_sleep", lambda _s: None)
    insts, users, entries = counts(admin)
    with pytest.raises(AuthenticationError, match="用户名或密码不正确") as err:
        Guji.sign_in(admin.db, login, password)
    assert err.value.key == "login.failed"
    # Nothing changes but the audit log, which records the failed attempt.
    assert counts(admin) == (insts, users, entries + 1)
    assert admin.audit.history()[0].action == "login_failed"


def test_disabled_account_cannot_sign_in(org: dict[str, Guji]) -> None:
    org["admin"].users.update_user("census.a", active=False)
    with pytest.raises(AuthenticationError, match="已停用"):
        Guji.sign_in(org["admin"].db, "census.a", PASSWORD)


@pytest.mark.parametrize(
    "region,unit,field",
    [("21000", "0101", "region_code"), ("2100000", "0101", "region_code"), ("99ABCD", "0101", "region_code"),
     ("990000", "0101", "region_code"), ("210000", "101", "unit_code"), ("210000", "01a1", "unit_code"),
     ("210000", "", "unit_code")],
)
def test_invalid_codes_are_refused_and_nothing_is_written(admin: Guji, region: str, unit: str, field: str) -> None:
    before = counts(admin)
    with pytest.raises(ValidationError) as err:
        admin.institutions.add_institution("遼寧省圖書館", region, unit)
    assert field in err.value.fields
    assert counts(admin) == before


def test_full_width_codes_are_accepted(admin: Guji) -> None:
    inst = admin.institutions.add_institution("遼寧省圖書館", "２１００００", "０１０１")
    assert inst.code == "210000-0101"


def test_duplicate_institutions(admin: Guji) -> None:
    admin.institutions.add_institution("遼寧省圖書館", "210000", "0101")
    before = counts(admin)
    with pytest.raises(Conflict, match="already used"):
        admin.institutions.add_institution("別的館", "210000", "0101")
    with pytest.raises(Conflict, match="already exists"):
        admin.institutions.add_institution("遼寧省圖書館", "210000", "0102")
    assert counts(admin) == before


def test_only_administrators_manage_institutions_and_users(org: dict[str, Guji]) -> None:
    before = counts(org["admin"])
    for who in ("census_a", "reviewer_a", "restorer_a", "centre_reviewer"):
        with pytest.raises(PermissionDenied):
            org[who].institutions.add_institution("新館", "210000", "0199")
        with pytest.raises(PermissionDenied):
            org[who].users.add_user("intruder", PASSWORD, ["admin"])
        with pytest.raises(PermissionDenied):
            org[who].users.update_user("census.b", roles=["admin"])
        with pytest.raises(PermissionDenied):
            org[who].users.change_password("admin", "taken-over-1")
    assert counts(org["admin"]) == before
    assert Guji.sign_in(org["admin"].db, "admin", ADMIN_PASSWORD)


def test_users_need_known_roles_and_an_institution(admin: Guji) -> None:
    admin.institutions.add_institution("遼寧省圖書館", "210000", "0101")
    before = counts(admin)
    with pytest.raises(ValidationError, match="unknown role"):
        admin.users.add_user("x1", PASSWORD, ["librarian"], institution="210000-0101")
    with pytest.raises(ValidationError, match="institution"):
        admin.users.add_user("x2", PASSWORD, ["census"])
    with pytest.raises(NotFound, match="210000-0999"):
        admin.users.add_user("x3", PASSWORD, ["census"], institution="210000-0999")
    with pytest.raises(ValidationError, match="至少 10 个字符"):
        admin.users.add_user("x4", "short", ["census"], institution="210000-0101")
    with pytest.raises(ValidationError, match="login"):
        admin.users.add_user("bad login!", PASSWORD, ["census"], institution="210000-0101")
    assert counts(admin) == before
    u = admin.users.add_user("x5", PASSWORD, ["著录员", "reviewer"], institution="210000-0101", full_name="王五")
    assert u.roles == {Role.CENSUS, Role.REVIEWER}
    with pytest.raises(Conflict, match="taken"):
        admin.users.add_user("x5", PASSWORD, ["census"], institution="210000-0101")


def test_own_password_change_needs_the_old_one(org: dict[str, Guji]) -> None:
    app = org["census_a"]
    with pytest.raises(PermissionDenied, match="current password"):
        app.users.change_password("census.a", "new-secret-99", old_password="guess")
    app.users.change_password("census.a", "new-secret-99", old_password=PASSWORD)
    assert Guji.sign_in(app.db, "census.a", "new-secret-99")
    with pytest.raises(AuthenticationError):
        Guji.sign_in(app.db, "census.a", PASSWORD)


def test_admin_cannot_lock_themself_out(admin: Guji) -> None:
    with pytest.raises(Conflict):
        admin.users.update_user("admin", roles=["census"])
    with pytest.raises(Conflict):
        admin.users.update_user("admin", active=False)


def test_every_change_is_audited_field_by_field(org: dict[str, Guji]) -> None:
    admin = org["admin"]
    inst = admin.institutions.add_institution("大連圖書館", "210000", "0201")
    created = admin.audit.history("institution", inst.id)
    assert created[0].action == "create"
    assert created[0].changes["name"] == [None, "大連圖書館"]
    assert created[0].changes["unit_code"] == [None, "0201"]
    assert created[0].login == "admin"

    admin.institutions.update_institution("210000-0201", name="大連市圖書館")
    upd = admin.audit.history("institution", inst.id)[0]
    assert upd.action == "update"
    assert upd.changes == {"name": ["大連圖書館", "大連市圖書館"]}

    admin.users.update_user("census.a", roles=["census", "reviewer"], full_name="張三")
    row = admin.audit.history("user_account")[0]
    assert row.changes["roles"] == [["census"], ["census", "reviewer"]]
    assert row.changes["full_name"] == ["", "張三"]

    admin.users.change_password("census.b", "reset-pass-77")
    row = admin.audit.history("user_account")[0]
    assert row.action == "passwd" and "reset-pass-77" not in str(row.changes)


def test_an_unchanged_update_writes_no_audit_row(admin: Guji) -> None:
    admin.institutions.add_institution("遼寧省圖書館", "210000", "0101")
    before = counts(admin)
    admin.institutions.update_institution("210000-0101", name="遼寧省圖書館")
    assert counts(admin) == before


@pytest.mark.postgres
def test_accounts_on_postgres(any_org: dict[str, Guji]) -> None:
    names = [i.code for i in any_org["admin"].institutions.list()]
    assert names == ["210000-0001", "210000-0101", "220000-0101"]
    assert any_org["centre_reviewer"].actor.at_centre
    assert not any_org["reviewer_a"].actor.at_centre
