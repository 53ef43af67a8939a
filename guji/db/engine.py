"""Opening the database: URL resolution, engine set-up, session factories.

SQLite (embedded, the default) and PostgreSQL (shared installation) run the same
schema. The differences handled here:

* SQLite gets WAL (readers do not block the writer), foreign keys (off by
  default in SQLite) and a busy timeout. Write transactions start with
  ``BEGIN IMMEDIATE`` so that two writers queue on the busy timeout instead of
  failing late when a deferred read transaction tries to upgrade to a write
  lock (SQLITE_BUSY_SNAPSHOT, which no timeout cures).
* PostgreSQL URLs are pointed at the psycopg 3 driver.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import NullPool

from guji.db.audit_chain import register_sqlite
from guji.errors import Conflict, DatabaseUnavailable
from guji.messages import msg
from guji.paths import default_database_path


def _busy_timeout_ms() -> int:
    """How long a writer waits for another writer's lock (``GUJI_SQLITE_BUSY_MS``, default 10 s)."""
    try:
        return max(0, int(os.environ.get("GUJI_SQLITE_BUSY_MS", "10000")))
    except ValueError:
        return 10_000
PG_CONNECT_TIMEOUT_S = 5


def resolve_url(url: str | None = None) -> URL:
    """The database URL to use: the argument, else ``GUJI_DB``, else the per-user SQLite file.

    A plain file path is taken as an SQLite file. ``postgresql://`` and
    ``postgres://`` URLs use psycopg 3. Raises :class:`DatabaseUnavailable` for
    anything that is not a URL of a supported database.
    """
    raw = url or os.environ.get("GUJI_DB") or str(default_database_path())
    raw = raw.strip()
    if "://" not in raw:
        return URL.create("sqlite+pysqlite", database=str(Path(raw).expanduser().resolve()))
    try:
        parsed = make_url(raw)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseUnavailable(f"not a database URL: {raw!r} ({exc})") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+pysqlite")
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    raise DatabaseUnavailable(
        f"unsupported database {backend!r} in {parsed.render_as_string(hide_password=True)}: "
        "use an SQLite file or a postgresql:// URL"
    )


def describe(url: URL) -> str:
    """Human-readable name of a database (no password), for status bars and messages."""
    if url.get_backend_name() == "sqlite":
        return f"SQLite {url.database}"
    return f"PostgreSQL {url.username or ''}@{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def _sqlite_file(url: URL) -> Path | None:
    db = url.database
    if not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db)


def _create_private_file(path: Path) -> None:
    """Create an empty SQLite file readable by its owner only (0600; missing folders 0700), set
    explicitly so the umask cannot widen it: the file holds every record and password hash.
    SQLite gives its -wal and -shm files the mode of the database file."""
    missing = []
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for d in reversed(missing):
        d.mkdir(exist_ok=True)
        os.chmod(d, 0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so that BEGIN is ours
        # (SQLAlchemy's documented recipe); otherwise DDL and SAVEPOINT misbehave.
        dbapi_conn.isolation_level = None
        # The audit chain's trigger hashes with this function (guji.db.audit_chain).
        register_sqlite(dbapi_conn)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {_busy_timeout_ms()}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("guji_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def translate_error(exc: BaseException, url: URL) -> DatabaseUnavailable | None:
    """Map a driver error to a message a user can act on, or None if it is not about availability."""
    msg = str(getattr(exc, "orig", exc) or exc).strip().splitlines()[0] if str(exc) else type(exc).__name__
    low = msg.lower()
    where = describe(url)
    if "readonly" in low or "read-only" in low or "read only" in low:
        return DatabaseUnavailable(f"the database is read-only ({where}); nothing was written")
    if "database is locked" in low or "database table is locked" in low:
        return DatabaseUnavailable(
            f"the database is locked by another program ({where}); nothing was written, try again"
        )
    if "unable to open database" in low:
        return DatabaseUnavailable(f"cannot open the database file ({where}): {msg}")
    if "file is not a database" in low or "malformed" in low:
        return DatabaseUnavailable(f"the file is not a guji database or is damaged ({where})")
    if isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
        return DatabaseUnavailable(f"cannot use the database {where}: {msg}")
    return None


class Database:
    """One database: its URL, engine and session factories.

    ``read_session()`` and ``write_session()`` are the only ways services touch
    data; each is a short transaction. Sessions are not thread-safe: a thread
    opens its own (the GUI's database worker owns its sessions).
    """

    def __init__(self, url: URL, engine: Engine):
        self.url = url
        self.engine = engine
        # A PostgreSQL URL without a user: a desk that signs in as its own role
        # (guji.db.pg_security); nothing can be read before that.
        self.anonymous = url.get_backend_name() == "postgresql" and not url.username
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(engine.execution_options(guji_write=True), expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.url.get_backend_name() == "postgresql"

    @property
    def name(self) -> str:
        return describe(self.url)

    @classmethod
    def open(cls, url: str | URL | None = None, *, create: bool = False, echo: bool = False) -> Database:
        """Open (and with ``create`` make the file of) a database and check that it answers.

        Raises :class:`DatabaseUnavailable` with a clear reason when the URL is
        wrong, the server is unreachable, the file is missing (without
        ``create``), read-only or not a database.
        """
        resolved = url if isinstance(url, URL) else resolve_url(url)
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if resolved.get_backend_name() == "sqlite":
            path = _sqlite_file(resolved)
            if path is not None:
                if not path.exists():
                    if not create:
                        raise DatabaseUnavailable(
                            f"no database at {path}; create it with `guji init --db {path} --admin NAME`"
                        )
                    try:
                        _create_private_file(path)
                    except FileExistsError:
                        pass  # another process made it a moment ago
                    except OSError as exc:
                        raise DatabaseUnavailable(f"cannot create the folder {path.parent}: {exc.strerror}") from None
                elif path.is_dir():
                    raise DatabaseUnavailable(f"{path} is a folder, not a database file")
                else:
                    # WAL needs to create -wal/-shm files beside the database.
                    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
                        raise DatabaseUnavailable(f"the database is read-only ({describe(resolved)}); "
                                                  "nothing was written")
            kwargs["connect_args"] = {"timeout": _busy_timeout_ms() / 1000, "check_same_thread": False}
            # Connections are cheap for SQLite; a pool per thread adds nothing and
            # keeps file handles open after close().
            kwargs["poolclass"] = NullPool
        else:
            kwargs["connect_args"] = {"connect_timeout": PG_CONNECT_TIMEOUT_S}
            kwargs["pool_pre_ping"] = True
        engine = create_engine(resolved, **kwargs)
        if resolved.get_backend_name() == "sqlite":
            _install_sqlite_hooks(engine)
        db = cls(resolved, engine)
        if not db.anonymous:
            db.ping()
        return db

    def as_role(self, username: str, password: str) -> Database:
        """The same database reached as another PostgreSQL role (a desk signing in as itself)."""
        return Database.open(self.url.set(username=username, password=password))

    def ping(self) -> None:
        """Connect once and run a trivial query; raise :class:`DatabaseUnavailable` if that fails."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                if self.is_sqlite:
                    conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        except Exception as exc:  # noqa: BLE001 - every driver error becomes a clear message
            err = translate_error(exc, self.url) or DatabaseUnavailable(f"cannot use the database {self.name}: {exc}")
            raise err from None

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A read transaction (a consistent snapshot on both databases while it lasts)."""
        session = self._read()
        try:
            yield session
        except (OperationalError, DBAPIError) as exc:
            session.rollback()
            err = translate_error(exc, self.url)
            if err is not None:
                raise err from exc
            raise
        finally:
            session.close()

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends normally, rolled back on any error."""
        session = self._write()
        try:
            yield session
            session.commit()
        except StaleDataError:
            # A versioned row changed under this transaction (another desk committed first):
            # compare-and-set failed, nothing was written. Services that know the entity say
            # who changed it (guji.services.versions); this is the net under them.
            session.rollback()
            raise Conflict(msg("edit.stale_now")) from None
        except BaseException as exc:
            session.rollback()
            if isinstance(exc, (OperationalError, DBAPIError)):
                err = translate_error(exc, self.url)
                if err is not None:
                    raise err from exc
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
