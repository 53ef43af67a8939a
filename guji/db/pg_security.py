"""On PostgreSQL the database itself is the boundary: every desk signs in as its own role.

The schema belongs to the role that ran ``guji init`` (the owner), which no desk uses. Each
guji user is a PostgreSQL login role (``<prefix>_u_<login>``) whose password is the user's
own, a member of ``<prefix>_desk`` and of one group per guji role (``<prefix>_census``,
``_reviewer``, ``_restorer``, ``_admin``). What those groups may do:

* read every table except the password hashes (a column privilege), the rows limited by
  row-level security to the institutions the user may see (the rule of
  :mod:`guji.services.visibility`: the centre and administrators see all);
* append to the audit log, only under their own user id; never update, delete or truncate it
  (no privilege, and triggers the desks cannot alter or disable: only the owner can);
* write the tables of their work (census, restoration, images, exchange), rows of visible
  institutions only;
* institutions, accounts and roles, settings, exchange keys: administrators only; accounts and
  roles change through SECURITY DEFINER functions that keep the PostgreSQL login roles and
  their group memberships in step with ``user_account``/``user_role``.

Signing in is connecting with one's own role and password (:func:`connect_user`). A failed
attempt cannot write as the user, so it is reported through the gate role
(``<prefix>_gate``, whose only right is to call two functions): the failure is audited,
counted, and five in a row lock the role (``NOLOGIN``) for fifteen minutes.

``install`` is idempotent and runs at every ``guji init`` (by the owner, who needs
CREATEROLE), so tables added by later migrations get their grants and policies too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import Connection, text

GROUPS = ("desk", "census", "reviewer", "restorer", "admin")
GATE_PASSWORD = "guji-gate"  # not a secret: the gate role can only report failed sign-ins
LOCK_AFTER = 5
LOCK_MINUTES = 15
SCRAM_ITERATIONS = 4096

# Who may write what (besides SELECT for every desk). Tables not named are read-only for desks.
CENSUS_TABLES = ("census_record", "record_author", "record_seal", "record_annotation", "review_round",
                 "vault_movement", "census_serial")
IMAGE_TABLES = ("stored_image", "record_image", "job_image", "image_analysis", "image_derivative")
RESTORATION_TABLES = ("restoration_job", "restoration_job_restorer", "restoration_assessment",
                      "restoration_finding", "restoration_plan", "restoration_plan_material", "restoration_ph_set",
                      "restoration_ph_point", "restoration_material", "restoration_stock_move",
                      "restoration_recipe", "restoration_trial", "restoration_session",
                      "restoration_session_material", "restoration_photo", "restoration_acceptance")
EXCHANGE_TABLES = ("exchange_package", "exchange_mark")
ADMIN_TABLES = ("institution", "user_account", "user_role", "restoration_setting", "system_setting",
                "institution_key")
WRITES: dict[str, tuple[str, ...]] = {
    "census": CENSUS_TABLES + IMAGE_TABLES + EXCHANGE_TABLES,
    "reviewer": CENSUS_TABLES + RESTORATION_TABLES + IMAGE_TABLES + EXCHANGE_TABLES,
    "restorer": RESTORATION_TABLES + IMAGE_TABLES + ("census_record", "vault_movement"),
    "admin": CENSUS_TABLES + IMAGE_TABLES + RESTORATION_TABLES + EXCHANGE_TABLES + ADMIN_TABLES,
}

# Row-level security: table -> condition a row must meet to be seen (and written).
_SEES_ALL = "(SELECT guji_sees_all())"
_MINE = "(SELECT guji_institution())"


def _owned(*columns: str) -> str:
    return f"{_SEES_ALL} OR " + " OR ".join(f"{c} = {_MINE}" for c in columns)


def _via(parent: str, column: str) -> str:
    # The parent's own policy applies inside the subquery.
    return f"{_SEES_ALL} OR EXISTS (SELECT 1 FROM {parent} p WHERE p.id = {column})"


_AUDIT_SUBJECT = ("CASE WHEN entity_id ~ '^[0-9]{1,9}$' THEN entity_id::int END")
POLICIES: dict[str, str] = {
    "census_record": _owned("institution_id"),
    "census_serial": _owned("institution_id"),
    "restoration_job": _owned("institution_id", "workshop_id"),
    "restoration_material": _owned("institution_id"),
    "restoration_recipe": _owned("institution_id"),
    "job_image": _owned("institution_id") + " OR EXISTS (SELECT 1 FROM restoration_job p WHERE p.id = job_id)",
    "exchange_package": _owned("institution_id", "holder_id"),
    "record_author": _via("census_record", "record_id"),
    "record_seal": _via("census_record", "record_id"),
    "record_annotation": _via("census_record", "record_id"),
    "record_image": _via("census_record", "record_id"),
    "review_round": _via("census_record", "record_id"),
    "vault_movement": _via("census_record", "record_id") + f" OR to_institution_id = {_MINE}",
    "restoration_job_restorer": _via("restoration_job", "job_id"),
    "restoration_assessment": _via("restoration_job", "job_id"),
    "restoration_plan": _via("restoration_job", "job_id"),
    "restoration_ph_set": _via("restoration_job", "job_id"),
    "restoration_session": _via("restoration_job", "job_id"),
    "restoration_photo": _via("restoration_job", "job_id"),
    "restoration_acceptance": _via("restoration_job", "job_id"),
    "restoration_finding": _via("restoration_assessment", "assessment_id"),
    "restoration_plan_material": _via("restoration_plan", "plan_id"),
    "restoration_ph_point": _via("restoration_ph_set", "set_id"),
    "restoration_session_material": _via("restoration_session", "session_id"),
    "restoration_stock_move": _via("restoration_material", "material_id"),
    "restoration_trial": _via("restoration_recipe", "recipe_id"),
    "stored_image": _owned("institution_id")
    + " OR EXISTS (SELECT 1 FROM record_image ri WHERE ri.image_id = id)"
    + " OR EXISTS (SELECT 1 FROM job_image ji WHERE ji.image_id = id)",
    "user_account": _owned("institution_id") + " OR id = (SELECT guji_user_id())",
    "user_session": f"{_SEES_ALL} OR user_id = (SELECT guji_user_id())",
    "audit_log": _owned("institution_id") + " OR user_id = (SELECT guji_user_id())"
    + f" OR (entity = 'census_record' AND EXISTS (SELECT 1 FROM census_record r WHERE r.id = {_AUDIT_SUBJECT}))"
    + f" OR (entity = 'restoration_job' AND EXISTS (SELECT 1 FROM restoration_job j WHERE j.id = {_AUDIT_SUBJECT}))",
}


def prefix_for(database: str) -> str:
    """The role-name prefix of a database: its name, lower-case letters, digits and ``_``."""
    p = re.sub(r"[^a-z0-9_]", "_", database.lower())[:24].strip("_")
    return p or "guji"


def user_role(prefix: str, login: str) -> str:
    """The login role of a guji user (names over PostgreSQL's 63 bytes end in a hash)."""
    name = f"{prefix}_u_{login}"
    if len(name.encode()) <= 63:
        return name
    return f"{prefix}_u_{hashlib.sha256(login.encode()).hexdigest()[:20]}"


def group(prefix: str, name: str) -> str:
    return f"{prefix}_{name}"


def scram_verifier(password: str, *, salt: bytes | None = None, iterations: int = SCRAM_ITERATIONS) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (so the password itself
    never appears in a statement the server might log)."""
    salt = salt if salt is not None else os.urandom(16)
    pw = unicodedata.normalize("NFKC", password).encode("utf-8")
    salted = hashlib.pbkdf2_hmac("sha256", pw, salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    b64 = base64.b64encode
    return (f"SCRAM-SHA-256${iterations}:{b64(salt).decode()}$"
            f"{b64(stored_key).decode()}:{b64(server_key).decode()}")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def refused_sign_in(exc: BaseException) -> bool:
    """Whether a connection error means the server refused these credentials (wrong password,
    no such role, a locked role), as opposed to a server that cannot be reached."""
    low = str(exc).lower()
    return any(s in low for s in ("password authentication failed", "does not exist",
                                  "is not permitted to log in", "no password supplied"))


def _ddl(conn: Connection, sql: str) -> None:
    """Run one statement without parameters (the driver would read ``%`` and ``:name`` in the
    function bodies and password verifiers as placeholders)."""
    conn.exec_driver_sql(sql.replace("%", "%%"), ())


def can_install(conn: Connection) -> bool:
    """Whether the connected role may create roles (superuser or CREATEROLE)."""
    return bool(conn.execute(text(
        "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")).scalar())


def installed(conn: Connection) -> bool:
    prefix = prefix_for(conn.execute(text("SELECT current_database()")).scalar_one())
    return bool(conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
                             {"r": group(prefix, "desk")}).scalar())


def _functions(prefix: str) -> list[str]:
    admin = _lit(group(prefix, "admin"))
    gate_lock = f"interval '{LOCK_MINUTES} minutes'"
    return [
        # Who is signed in, as plain values the policies use (evaluated once per statement).
        """CREATE OR REPLACE FUNCTION guji_user_id() RETURNS integer LANGUAGE sql STABLE SECURITY DEFINER
           SET search_path = pg_catalog, public AS
           $$ SELECT id FROM user_account WHERE db_role = session_user $$""",
        """CREATE OR REPLACE FUNCTION guji_institution() RETURNS integer LANGUAGE sql STABLE SECURITY DEFINER
           SET search_path = pg_catalog, public AS
           $$ SELECT institution_id FROM user_account WHERE db_role = session_user $$""",
        """CREATE OR REPLACE FUNCTION guji_sees_all() RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
           SET search_path = pg_catalog, public AS $$
           SELECT coalesce((SELECT EXISTS (SELECT 1 FROM user_role r WHERE r.user_id = u.id AND r.role = 'admin')
                                   OR coalesce(i.is_centre, false)
                            FROM user_account u LEFT JOIN institution i ON i.id = u.institution_id
                            WHERE u.db_role = session_user), false) $$""",
        # Keep a user's login role in step with user_account/user_role (administrators).
        f"""CREATE OR REPLACE FUNCTION guji_sync_login(p_user integer, p_verifier text) RETURNS text
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
            DECLARE u record; r text; g text; held boolean;
            BEGIN
                IF NOT (pg_has_role(session_user, current_user, 'MEMBER')
                        OR pg_has_role(session_user, {admin}, 'MEMBER')) THEN
                    RAISE EXCEPTION 'permission denied: only administrators manage accounts';
                END IF;
                SELECT * INTO u FROM user_account WHERE id = p_user;
                IF NOT FOUND THEN RAISE EXCEPTION 'no user %', p_user; END IF;
                r := u.db_role;
                IF r IS NULL THEN RAISE EXCEPTION 'user % has no database role name', p_user; END IF;
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
                    EXECUTE format('CREATE ROLE %I NOLOGIN', r);
                END IF;
                IF p_verifier IS NOT NULL THEN
                    EXECUTE format('ALTER ROLE %I PASSWORD %L', r, p_verifier);
                END IF;
                IF u.active AND (u.locked_until IS NULL OR u.locked_until <= now()) THEN
                    EXECUTE format('ALTER ROLE %I LOGIN', r);
                ELSE
                    EXECUTE format('ALTER ROLE %I NOLOGIN', r);
                END IF;
                EXECUTE format('GRANT %I TO %I', {_lit(group(prefix, "desk"))}, r);
                FOREACH g IN ARRAY ARRAY['census', 'reviewer', 'restorer', 'admin'] LOOP
                    held := EXISTS (SELECT 1 FROM user_role WHERE user_id = p_user AND role = g);
                    IF held THEN
                        EXECUTE format('GRANT %I TO %I', {_lit(prefix + "_")} || g, r);
                    ELSE
                        EXECUTE format('REVOKE %I FROM %I', {_lit(prefix + "_")} || g, r);
                    END IF;
                END LOOP;
                RETURN r;
            END $$""",
        # A desk changes its own password (and the hash kept for SQLite backups).
        """CREATE OR REPLACE FUNCTION guji_set_own_password(p_verifier text, p_hash text) RETURNS void
           LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
           BEGIN
               UPDATE user_account SET password_hash = p_hash, password_changed_at = now(), version = version + 1
                WHERE db_role = session_user;
               IF NOT FOUND THEN RAISE EXCEPTION 'not a guji user'; END IF;
               EXECUTE format('ALTER ROLE %I PASSWORD %L', session_user, p_verifier);
           END $$""",
        """CREATE OR REPLACE FUNCTION guji_login_succeeded() RETURNS void LANGUAGE sql SECURITY DEFINER
           SET search_path = pg_catalog, public AS
           $$ UPDATE user_account SET failed_logins = 0, locked_until = NULL
               WHERE db_role = session_user AND (failed_logins <> 0 OR locked_until IS NOT NULL) $$""",
        # The gate: a failed sign-in, audited and counted; five in a row lock the role.
        f"""CREATE OR REPLACE FUNCTION guji_login_failed(p_login text, OUT failures integer,
                                                        OUT locked_until timestamptz)
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
            DECLARE u record; changes text;
            BEGIN
                SELECT * INTO u FROM user_account WHERE login = p_login FOR UPDATE;
                IF NOT FOUND THEN
                    failures := 1 + (SELECT count(*) FROM audit_log a WHERE a.action = 'login_failed'
                                     AND a.login = left(p_login, 64) AND a.at > now() - {gate_lock});
                    INSERT INTO audit_log (at, user_id, login, institution_id, action, entity, entity_id, changes)
                    VALUES (now(), NULL, left(p_login, 64), NULL, 'login_failed', 'user_account', '-', '{{}}');
                    RETURN;
                END IF;
                failures := u.failed_logins + 1;
                changes := json_build_object('failed_logins', json_build_array(u.failed_logins, failures))::text;
                IF failures >= {LOCK_AFTER} THEN
                    locked_until := now() + {gate_lock};
                    EXECUTE format('ALTER ROLE %I NOLOGIN', u.db_role);
                END IF;
                UPDATE user_account SET failed_logins = failures,
                       locked_until = coalesce(guji_login_failed.locked_until, user_account.locked_until)
                 WHERE id = u.id;
                INSERT INTO audit_log (at, user_id, login, institution_id, action, entity, entity_id, changes)
                VALUES (now(), u.id, u.login, u.institution_id, 'login_failed', 'user_account', u.id::text,
                        changes::json);
            END $$""",
        # The gate: is the account locked? A lock whose time has passed is lifted here.
        """CREATE OR REPLACE FUNCTION guji_login_state(p_login text) RETURNS timestamptz
           LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
           DECLARE u record;
           BEGIN
               SELECT * INTO u FROM user_account WHERE login = p_login FOR UPDATE;
               IF NOT FOUND OR u.locked_until IS NULL THEN RETURN NULL; END IF;
               IF u.locked_until > now() THEN RETURN u.locked_until; END IF;
               UPDATE user_account SET failed_logins = 0, locked_until = NULL WHERE id = u.id;
               IF u.active THEN EXECUTE format('ALTER ROLE %I LOGIN', u.db_role); END IF;
               RETURN NULL;
           END $$""",
    ]


def _tables(conn: Connection) -> list[str]:
    return list(conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).scalars())


def install(conn: Connection) -> str:
    """Create or refresh the roles, grants, policies and functions; return the prefix."""
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    prefix = prefix_for(database)
    desk = group(prefix, "desk")
    for name in GROUPS:
        role = group(prefix, name)
        _ddl(conn, f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {_lit(role)}) "
                             f"THEN CREATE ROLE {_q(role)} NOLOGIN; END IF; END $$")
    gate = group(prefix, "gate")
    _ddl(conn, f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {_lit(gate)}) "
                         f"THEN CREATE ROLE {_q(gate)} LOGIN; END IF; END $$")
    _ddl(conn, f"ALTER ROLE {_q(gate)} LOGIN PASSWORD {_lit(scram_verifier(GATE_PASSWORD))}")
    _ddl(conn, f"GRANT CONNECT ON DATABASE {_q(database)} TO {_q(desk)}, {_q(gate)}")
    _ddl(conn, f"REVOKE ALL ON DATABASE {_q(database)} FROM PUBLIC")
    _ddl(conn, "REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    _ddl(conn, f"GRANT USAGE ON SCHEMA public TO {_q(desk)}, {_q(gate)}")
    for sql in _functions(prefix):
        _ddl(conn, sql)
    _ddl(conn, "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC")
    for fn in ("guji_user_id()", "guji_institution()", "guji_sees_all()", "guji_set_own_password(text, text)",
               "guji_login_succeeded()"):
        _ddl(conn, f"GRANT EXECUTE ON FUNCTION {fn} TO {_q(desk)}")
    _ddl(conn, f"GRANT EXECUTE ON FUNCTION guji_sync_login(integer, text) TO {_q(group(prefix, 'admin'))}")
    for fn in ("guji_login_failed(text)", "guji_login_state(text)"):
        _ddl(conn, f"GRANT EXECUTE ON FUNCTION {fn} TO {_q(gate)}")

    tables = _tables(conn)
    everyone = ", ".join(_q(group(prefix, g)) for g in GROUPS)
    _ddl(conn, f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {everyone}")
    _ddl(conn, f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, {everyone}")
    _ddl(conn, f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {_q(desk)}")
    for table in tables:
        if table == "user_account":
            cols = [c for c in _columns(conn, table) if c != "password_hash"]
            _ddl(conn, f"GRANT SELECT ({', '.join(_q(c) for c in cols)}) ON user_account TO {_q(desk)}")
        else:
            _ddl(conn, f"GRANT SELECT ON {_q(table)} TO {_q(desk)}")
    _ddl(conn, f"GRANT INSERT ON audit_log TO {_q(desk)}")
    _ddl(conn, f"GRANT INSERT, UPDATE ON user_session TO {_q(desk)}")
    _ddl(conn, f"GRANT INSERT, UPDATE ON system_setting TO {_q(desk)}")  # the image store's claim (policies)
    for role, names in WRITES.items():
        for table in names:
            if table in tables:
                grant = "INSERT, UPDATE, DELETE" if table != "user_account" else "INSERT, UPDATE (full_name, " \
                        "institution_id, active, db_role, failed_logins, locked_until, version), DELETE"
                _ddl(conn, f"GRANT {grant} ON {_q(table)} TO {_q(group(prefix, role))}")
    _policies(conn, tables, desk, prefix)
    return prefix


def _columns(conn: Connection, table: str) -> list[str]:
    return list(conn.execute(text(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = :t "
        "ORDER BY ordinal_position"), {"t": table}).scalars())


def _policies(conn: Connection, tables: Iterable[str], desk: str, prefix: str) -> None:
    for table in tables:
        cond = POLICIES.get(table)
        if table == "audit_log":
            _ddl(conn, "ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY")
            for name, sql in (
                    ("guji_read", f"CREATE POLICY guji_read ON audit_log FOR SELECT TO {_q(desk)} USING ({cond})"),
                    ("guji_append", f"CREATE POLICY guji_append ON audit_log FOR INSERT TO {_q(desk)} "
                                    "WITH CHECK (user_id = (SELECT guji_user_id()))")):
                _ddl(conn, f"DROP POLICY IF EXISTS {name} ON audit_log")
                _ddl(conn, sql)
            continue
        if table == "system_setting":
            _ddl(conn, "ALTER TABLE system_setting ENABLE ROW LEVEL SECURITY")
            for name, sql in (
                    ("guji_read", f"CREATE POLICY guji_read ON system_setting FOR SELECT TO {_q(desk)} USING (true)"),
                    ("guji_claim", f"CREATE POLICY guji_claim ON system_setting FOR INSERT TO {_q(desk)} "
                                   "WITH CHECK (key = 'image_store.id')"),
                    # Read for update while claiming; never changed by a desk once there.
                    ("guji_claim_lock", f"CREATE POLICY guji_claim_lock ON system_setting FOR UPDATE "
                                        f"TO {_q(desk)} USING (key = 'image_store.id') WITH CHECK (false)"),
                    ("guji_admin", f"CREATE POLICY guji_admin ON system_setting FOR ALL "
                                   f"TO {_q(group(prefix, 'admin'))} USING (true) WITH CHECK (true)")):
                _ddl(conn, f"DROP POLICY IF EXISTS {name} ON system_setting")
                _ddl(conn, sql)
            continue
        if cond is None:
            continue
        _ddl(conn, f"ALTER TABLE {_q(table)} ENABLE ROW LEVEL SECURITY")
        _ddl(conn, f"DROP POLICY IF EXISTS guji_visible ON {_q(table)}")
        _ddl(conn, f"CREATE POLICY guji_visible ON {_q(table)} FOR ALL TO {_q(desk)} "
                             f"USING ({cond}) WITH CHECK ({cond})")


def sync_login(conn: Connection, user_id: int, login: str, password: str | None = None) -> None:
    """Create or update a user's login role to match their account (in the caller's transaction):
    a no-op where the database has no roles of its own (SQLite, or PostgreSQL not secured)."""
    if conn.dialect.name != "postgresql":
        return
    if not conn.execute(text("SELECT to_regprocedure('guji_sync_login(integer,text)') IS NOT NULL")).scalar():
        return
    prefix = prefix_for(conn.execute(text("SELECT current_database()")).scalar_one())
    conn.execute(text("UPDATE user_account SET db_role = :r WHERE id = :i AND db_role IS NULL"),
                 {"r": user_role(prefix, login), "i": user_id})
    conn.execute(text("SELECT guji_sync_login(:i, :v)"),
                 {"i": user_id, "v": scram_verifier(password) if password is not None else None})


def set_own_password(conn: Connection, password: str, password_hash: str) -> bool:
    """A desk's own password change through the database (True), or False where guji keeps
    passwords itself (SQLite, the owner's connection)."""
    if conn.dialect.name != "postgresql":
        return False
    me = conn.execute(text("SELECT to_regprocedure('guji_user_id()') IS NOT NULL "
                           "AND guji_user_id() IS NOT NULL")).scalar()
    if not me:
        return False
    conn.execute(text("SELECT guji_set_own_password(:v, :h)"), {"v": scram_verifier(password), "h": password_hash})
    return True


def uninstall(conn: Connection) -> None:
    """Remove the policies and functions (before a downgrade, which may drop the columns they
    read; the next ``guji init`` puts them back). Roles and grants stay."""
    for table in _tables(conn):
        for name in ("guji_visible", "guji_read", "guji_append", "guji_claim", "guji_claim_lock", "guji_admin"):
            _ddl(conn, f"DROP POLICY IF EXISTS {name} ON {_q(table)}")
        _ddl(conn, f"ALTER TABLE {_q(table)} DISABLE ROW LEVEL SECURITY")
    for fn in ("guji_user_id()", "guji_institution()", "guji_sees_all()", "guji_sync_login(integer, text)",
               "guji_set_own_password(text, text)", "guji_login_succeeded()", "guji_login_failed(text)",
               "guji_login_state(text)"):
        _ddl(conn, f"DROP FUNCTION IF EXISTS {fn}")


def drop_roles(conn: Connection, prefix: str) -> None:
    """Drop every role of ``prefix`` (after its database is gone: tests, or removing an installation)."""
    roles = conn.execute(text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p ORDER BY rolname DESC"),
                         {"p": prefix.replace("_", r"\_") + r"\_%"}).scalars().all()
    for role in roles:
        _ddl(conn, f"DROP ROLE IF EXISTS {_q(role)}")


__all__ = [
    "GATE_PASSWORD",
    "can_install",
    "drop_roles",
    "group",
    "install",
    "installed",
    "prefix_for",
    "scram_verifier",
    "set_own_password",
    "sync_login",
    "uninstall",
    "user_role",
]
