"""The audit log as a hash chain: every entry's content hash linked to the entry before it.

Each audit entry gets one row in ``audit_chain`` (``seq``, ``entry_id``, ``prev_hash``,
``hash``) where ``hash = SHA-256(prev_hash + US + canonical(entry))``. Editing, deleting,
inserting or reordering entries breaks the links from that point on; cutting off the
tail is caught by comparing with a head written elsewhere (every backup and census-XML
export carries it).

The database computes the links itself, so no program can skip them:

* SQLite: an ``AFTER INSERT`` trigger on ``audit_log`` calls ``guji_sha256``, a function
  guji registers on each of its connections (:func:`register_sqlite`). Writers are
  serialised by SQLite's write lock, so the chain follows the order of the ids.
* PostgreSQL: a deferred constraint trigger runs at commit, takes a transaction-level
  advisory lock and appends the transaction's entries after the current head. Linking
  at commit keeps the lock for the length of a commit, not of a transaction, and no
  transaction waits for that lock while holding row locks another one needs. The chain
  follows commit order, which may differ from id order; ``seq`` is that order.

The canonical form is written three times (Python here, SQL for each database); a test
checks on both databases that the three agree, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

US = "\x1f"  # unit separator between fields
NULL = "\x1e"  # stands for SQL NULL (distinct from an empty string)
SQLITE_FUNCTION = "guji_sha256"
ADVISORY_KEY = 7_202_612_070  # pg_advisory_xact_lock key of the chain (any fixed bigint)


def _field(value: Any) -> str:
    return NULL if value is None else str(value)


def timestamp(at: dt.datetime) -> str:
    """An entry's time as both databases print it in the canonical form (UTC, microseconds)."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC)
    return at.strftime("%Y-%m-%d %H:%M:%S.%f")


def canonical(entry_id: int, at: dt.datetime | str, user_id: int | None, login: str, institution_id: int | None,
              action: str, entity: str, entity_id: str, changes_text: str, note: str | None) -> str:
    """The text of one entry that its hash covers: ``changes`` exactly as stored, ``at`` as
    the stored text on SQLite (what its trigger hashed) or formatted by :func:`timestamp`."""
    stamp = at if isinstance(at, str) else timestamp(at)
    return US.join((str(entry_id), stamp, _field(user_id), login, _field(institution_id), action, entity,
                    entity_id, changes_text, _field(note)))


def link(prev_hash: str | None, content: str) -> str:
    return hashlib.sha256(((prev_hash or "") + US + content).encode("utf-8")).hexdigest()


def _sqlite_sha256(value: str | None) -> str | None:
    return None if value is None else hashlib.sha256(value.encode("utf-8")).hexdigest()


def register_sqlite(dbapi_conn: Any) -> None:
    """Make ``guji_sha256(text)`` available to the chain trigger on this SQLite connection."""
    dbapi_conn.create_function(SQLITE_FUNCTION, 1, _sqlite_sha256, deterministic=True)


# --- the triggers (installed by migration 0009_audit_chain) -------------------------------

def _sql_canonical(row: str, *, at: str, sep: str, null: str) -> str:
    """The canonical form as an SQL expression over the row variable ``row``."""
    def f(col: str) -> str:
        return f"coalesce(CAST({row}.{col} AS TEXT), {null})"
    parts = [f(
        "id"), at, f("user_id"), f"{row}.login", f("institution_id"), f"{row}.action", f"{row}.entity",
        f"{row}.entity_id", f"CAST({row}.changes AS TEXT)", f("note")]
    return f" || {sep} || ".join(parts)


_SQLITE_HEAD = "(SELECT hash FROM audit_chain ORDER BY seq DESC LIMIT 1)"

SQLITE_DDL = [
    f"""CREATE TRIGGER audit_log_chain AFTER INSERT ON audit_log BEGIN
        INSERT INTO audit_chain (entry_id, prev_hash, hash) VALUES (
            NEW.id, {_SQLITE_HEAD},
            {SQLITE_FUNCTION}(coalesce({_SQLITE_HEAD}, '') || char(31) || {_sql_canonical(
                "NEW", at="NEW.at", sep="char(31)", null="char(30)")}));
    END""",
    """CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
       BEGIN SELECT RAISE(ABORT, 'audit_chain is append-only'); END""",
    """CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
       BEGIN SELECT RAISE(ABORT, 'audit_chain is append-only'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_log_chain", "DROP TRIGGER IF EXISTS audit_chain_no_update",
               "DROP TRIGGER IF EXISTS audit_chain_no_delete"]

_PG_AT = "to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"

PG_DDL = [
    # Appends one entry after the current head. SECURITY DEFINER: desks may insert audit
    # entries but never write the chain themselves.
    f"""CREATE FUNCTION guji_audit_chain_append(e audit_log) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        DECLARE head text;
        BEGIN
            PERFORM pg_advisory_xact_lock({ADVISORY_KEY});
            SELECT c.hash INTO head FROM audit_chain c ORDER BY c.seq DESC LIMIT 1;
            INSERT INTO audit_chain (entry_id, prev_hash, hash) VALUES (e.id, head,
                encode(sha256(convert_to(coalesce(head, '') || chr(31) || {_sql_canonical(
                    "e", at=_PG_AT, sep="chr(31)", null="chr(30)")}, 'UTF8')), 'hex'));
        END $$""",
    """CREATE FUNCTION guji_audit_chain_trigger() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        BEGIN PERFORM guji_audit_chain_append(NEW); RETURN NULL; END $$""",
    """CREATE CONSTRAINT TRIGGER audit_log_chain AFTER INSERT ON audit_log
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION guji_audit_chain_trigger()""",
    """CREATE TRIGGER audit_chain_no_update BEFORE UPDATE OR DELETE ON audit_chain
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
    """CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
]
PG_DROP = [
    "DROP TRIGGER IF EXISTS audit_chain_no_truncate ON audit_chain",
    "DROP TRIGGER IF EXISTS audit_chain_no_update ON audit_chain",
    "DROP TRIGGER IF EXISTS audit_log_chain ON audit_log",
    "DROP FUNCTION IF EXISTS guji_audit_chain_trigger()",
    "DROP FUNCTION IF EXISTS guji_audit_chain_append(audit_log)",
]


def install(conn: Connection) -> None:
    """Create the chain triggers and link the entries already in the log, in id order."""
    sqlite = conn.dialect.name == "sqlite"
    for sql in SQLITE_DDL if sqlite else PG_DDL:
        conn.exec_driver_sql(sql)
    prev: str | None = None
    for entry_id, content in _entries(conn):
        digest = link(prev, content)
        conn.execute(text("INSERT INTO audit_chain (entry_id, prev_hash, hash) VALUES (:e, :p, :h)"),
                     {"e": entry_id, "p": prev, "h": digest})
        prev = digest


def uninstall(conn: Connection) -> None:
    for sql in SQLITE_DROP if conn.dialect.name == "sqlite" else PG_DROP:
        conn.exec_driver_sql(sql)


# --- reading and checking ------------------------------------------------------------------

_ENTRY_SQL = ("SELECT id, at, user_id, login, institution_id, action, entity, entity_id, "
              "CAST(changes AS TEXT), note FROM audit_log")


def _content(row: Any) -> str:
    """The canonical form of a row of ``_ENTRY_SQL``."""
    return canonical(*row[:10])


def _entries(conn: Connection, *, batch: int = 5000) -> Iterator[tuple[int, str]]:
    """(id, canonical content) of every audit entry in id order, read in batches."""
    last = 0
    while True:
        rows = conn.execute(text(f"{_ENTRY_SQL} WHERE id > :last ORDER BY id LIMIT :n"),
                            {"last": last, "n": batch}).all()
        if not rows:
            return
        for row in rows:
            yield row[0], _content(row)
        last = rows[-1][0]


@dataclass(frozen=True)
class ChainHead:
    """The last link: how many entries the chain holds and the hash it ends with."""

    seq: int
    entries: int
    hash: str

    def __str__(self) -> str:
        return f"{self.entries}:{self.hash}"

    @classmethod
    def parse(cls, value: str) -> ChainHead:
        """``entries:hash`` as printed by :meth:`__str__` (``seq`` is not part of it)."""
        count, _, digest = value.strip().partition(":")
        if not count.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(value)
        return cls(0, int(count), digest)


def head(conn: Connection) -> ChainHead | None:
    """The chain's head now (None for an empty log)."""
    row = conn.execute(text("SELECT seq, hash FROM audit_chain ORDER BY seq DESC LIMIT 1")).first()
    if row is None:
        return None
    count = conn.execute(text("SELECT count(*) FROM audit_chain")).scalar_one()
    return ChainHead(int(row[0]), int(count), str(row[1]))


@dataclass(frozen=True)
class ChainProblem:
    """The first place where the chain does not hold.

    ``kind``: ``altered`` (an entry's content no longer gives its hash), ``unlinked`` (an
    entry has no link: inserted around the chain), ``missing`` (a link whose entry is
    gone: deleted), ``broken`` (a link does not follow the one before it: links deleted,
    inserted or reordered), ``truncated`` (the chain ends before a head known from
    elsewhere), ``diverged`` (the chain differs from that head at its position).
    """

    kind: str
    entry_id: int | None
    position: int


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head: ChainHead | None
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(conn: Connection, *, expect: ChainHead | None = None, batch: int = 5000) -> ChainReport:
    """Walk the whole chain in its order and report the first place where it does not hold.

    With ``expect`` (a head recorded in a backup or export), the chain must also pass
    through that head: an entry count beyond the chain's end means the tail was cut off.
    """
    pos = 0
    prev: str | None = None
    last_seq = 0
    seen_entries = 0
    problem: ChainProblem | None = None
    last: ChainHead | None = None
    while problem is None:
        rows = conn.execute(text(
            f"SELECT c.seq, c.entry_id, c.prev_hash, c.hash, e.* FROM audit_chain c "
            f"LEFT JOIN ({_ENTRY_SQL}) e ON e.id = c.entry_id "
            "WHERE c.seq > :last ORDER BY c.seq LIMIT :n"), {"last": last_seq, "n": batch}).all()
        if not rows:
            break
        for row in rows:
            pos += 1
            seq, entry_id, prev_hash, digest = row[0], row[1], row[2], row[3]
            entry = row[4:]
            if (prev_hash or None) != prev:
                problem = ChainProblem("broken", entry_id, pos)
            elif entry[0] is None:
                problem = ChainProblem("missing", entry_id, pos)
            elif link(prev, _content(entry)) != digest:
                problem = ChainProblem("altered", entry_id, pos)
            if problem is not None:
                break
            if expect is not None and pos == expect.entries and digest != expect.hash:
                problem = ChainProblem("diverged", entry_id, pos)
                break
            prev = digest
            seen_entries += 1
            last = ChainHead(int(seq), pos, str(digest))
        last_seq = rows[-1][0]
    if problem is None:
        stray = conn.execute(text(
            "SELECT min(e.id) FROM audit_log e LEFT JOIN audit_chain c ON c.entry_id = e.id "
            "WHERE c.entry_id IS NULL")).scalar()
        if stray is not None:
            problem = ChainProblem("unlinked", int(stray), pos)
    if problem is None and expect is not None and pos < expect.entries:
        problem = ChainProblem("truncated", None, pos)
    return ChainReport(seen_entries, last, problem)


def verify_entries(conn: Connection, entry_ids: list[int]) -> ChainProblem | None:
    """Check only these entries: each has a link, its content gives the link's hash, and the
    link is held in the chain by its neighbour (the next link starts from its hash). Cheap
    enough for a record's history panel; the full walk is :func:`verify`."""
    if not entry_ids:
        return None
    ids = sorted(set(entry_ids))
    links = {r[1]: r for r in conn.execute(text(
        "SELECT c.seq, c.entry_id, c.prev_hash, c.hash FROM audit_chain c WHERE c.entry_id IN "
        f"({','.join(str(int(i)) for i in ids)})"))}
    entries = {r[0]: r for r in conn.execute(text(
        f"{_ENTRY_SQL} WHERE id IN ({','.join(str(int(i)) for i in ids)})"))}
    for pos, entry_id in enumerate(ids, 1):
        link_row = links.get(entry_id)
        entry = entries.get(entry_id)
        if link_row is None:
            return ChainProblem("unlinked", entry_id, pos)
        if entry is None:
            return ChainProblem("missing", entry_id, pos)
        if link(link_row[2], _content(entry)) != link_row[3]:
            return ChainProblem("altered", entry_id, pos)
        nxt = conn.execute(text("SELECT prev_hash FROM audit_chain WHERE seq > :s ORDER BY seq LIMIT 1"),
                           {"s": link_row[0]}).first()
        if nxt is not None and nxt[0] != link_row[3]:
            return ChainProblem("broken", entry_id, pos)
    return None


__all__ = ["ChainHead", "ChainProblem", "ChainReport", "canonical", "head", "install", "link", "register_sqlite",
           "uninstall", "verify", "verify_entries"]
