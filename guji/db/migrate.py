"""Creating and upgrading the schema: Alembic, driven from guji itself.

Checking a database's schema at sign-in reads the revision ids from the migration files and the
database's ``alembic_version`` row directly, so that every command does not load Alembic.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from guji.db.engine import Database
from guji.errors import SchemaOutOfDate

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def _config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


# Objects that live outside the SQLAlchemy metadata on purpose: the SQLite FTS5
# table (and its shadow tables), the search index's format marker (derived state, never
# in a backup) and the PostgreSQL GIN index of the search grams.
UNMODELLED_TABLE_PREFIXES = ("census_fts", "search_index_state")
UNMODELLED_INDEXES = {"ix_census_record_search_grams"}


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic filter: leave the hand-made search objects alone when comparing schemas."""
    if type_ == "table" and name and name.startswith(UNMODELLED_TABLE_PREFIXES):
        return False
    return not (type_ == "index" and name in UNMODELLED_INDEXES)


def schema_diff(db: Database) -> list[object]:
    """Differences between the database's schema and the models (empty when the migrations are right)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import guji.models  # noqa: F401
    from guji.db.base import Base

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_name": include_name, "compare_type": True})
        return list(compare_metadata(ctx, Base.metadata))


# Capabilities add their tables as branches on the census revision (0002), so
# that work on restoration, imaging and exchange can land independently; the
# schema is "at head" when every branch is at its head. A revision string below
# is the sorted heads joined by "+", one value that fits messages and backups.


_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*=\s*(.+)$", re.MULTILINE)


@functools.cache
def _revisions() -> dict[str, tuple[str, ...]]:
    """Every revision of the migration files and the revisions it follows."""
    out: dict[str, tuple[str, ...]] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        source = path.read_text("utf-8")
        found: dict[str, Any] = {k: ast.literal_eval(v.strip()) for k, v in _ASSIGNMENT.findall(source)}
        if "revision" not in found:
            continue
        down = found.get("down_revision")
        out[found["revision"]] = tuple(down) if isinstance(down, (tuple, list)) else ((down,) if down else ())
    return out


def head_revision() -> str:
    """The revisions no other follows (sorted, joined by "+")."""
    revisions = _revisions()
    followed = {d for downs in revisions.values() for d in downs}
    return "+".join(sorted(set(revisions) - followed))


def current_revision(db: Database) -> str | None:
    try:
        with db.engine.connect() as conn:
            heads = list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except DBAPIError as exc:
        low = str(exc.orig).lower()
        if "alembic_version" in low and ("no such table" in low or "does not exist" in low):
            return None  # not a guji database yet
        from guji.db.engine import translate_error

        raise (translate_error(exc, db.url) or exc) from None
    return "+".join(sorted(heads)) if heads else None


def upgrade(db: Database, revision: str = "heads") -> tuple[str | None, str | None]:
    """Bring the schema to ``revision`` (every branch head by default) in one transaction;
    return the (before, after) revisions."""
    before = current_revision(db)
    from alembic import command

    cfg = _config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        if revision == "heads":
            # Derived data whose format the code defines (the census search index) is rebuilt
            # by the code at head, in the same transaction: see guji.census.search_index.
            from guji.census.search_index import ensure_current

            ensure_current(conn)
            if not db.is_sqlite:
                secure(conn)
    return before, current_revision(db)


def secure(conn: Connection) -> bool:
    """On PostgreSQL: the roles, grants, row-level security and functions of
    :mod:`guji.db.pg_security`, and a login role for every user; False when the connected role
    may not create roles (the database then has no boundary of its own: run ``guji init`` as
    a role with CREATEROLE)."""
    from sqlalchemy import text

    from guji.db import pg_security

    if not pg_security.can_install(conn):
        return False
    prefix = pg_security.install(conn)
    for user_id, login in conn.execute(text("SELECT id, login FROM user_account WHERE db_role IS NULL")).all():
        conn.execute(text("UPDATE user_account SET db_role = :r WHERE id = :i"),
                     {"r": pg_security.user_role(prefix, login), "i": user_id})
        conn.execute(text("SELECT guji_sync_login(:i, NULL)"), {"i": user_id})
    return True


def downgrade(db: Database, revision: str) -> None:
    from alembic import command

    cfg = _config()
    with db.engine.begin() as conn:
        if not db.is_sqlite:
            from guji.db import pg_security

            pg_security.uninstall(conn)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def check_schema(db: Database) -> None:
    """Raise :class:`SchemaOutOfDate` unless the database is at this program's head revision."""
    current = current_revision(db)
    head = head_revision()
    if current == head:
        return
    if current is None:
        raise SchemaOutOfDate(f"{db.name} is not a guji database yet; create it with `guji init --admin NAME`")
    if not set(current.split("+")) <= set(_revisions()):
        raise SchemaOutOfDate(
            f"{db.name} was made by a newer guji (schema {current}); install the newer version to open it"
        )
    raise SchemaOutOfDate(f"{db.name} has an older schema ({current}); upgrade it with `guji init`")
