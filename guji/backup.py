"""Backup and restore: a consistent online copy of the data and its images, for administrators.

A backup is a folder (layout and reasons in ``docs/backup.md``)::

    FOLDER/manifest.json                    what the backup holds; written last
    FOLDER/data-<UTC time>.jsonl.gz         the data dump, named by the manifest with its SHA-256
    FOLDER/images/ab/cd/<sha256>.<ext>      every master the data cites, named by its hash
    FOLDER/images/derivatives/ab/cd/…       every derivative the data cites

The data dump is logical (gzip-compressed JSON lines, one table after the other in
foreign-key order, every table of ``Base.metadata`` so a new table is carried
without a change here) read inside one read transaction, so it is a consistent
snapshot while other desktops keep working: SQLite's WAL gives a reader a fixed
snapshot, and on PostgreSQL the transaction runs at REPEATABLE READ. Being logical,
a backup made on SQLite restores into PostgreSQL and back. The images the snapshot
cites are copied after it (masters are never changed or removed, so the snapshot's
files are still there). A second backup into the same folder is incremental: an
image already there with the right hash is not copied again. The manifest is
replaced last, so a backup that fails half-way leaves the folder's previous backup
whole; every file is written to a temporary name and moved into place.

Backup and restore are administrator actions. A backup holds every institution's
records and every user's password hash: only a signed-in administrator may make
one, through the exports service (``app.exports.backup``), which checks the role and
writes the audit entry (``backup``); :func:`write_backup` here writes the folder. A restore goes
into an empty database, so nobody can sign in to it: the person names an administrator of the *backup* and
gives that password, which is checked against the user rows inside the backup
before anything is written; the restore is then audited (``restore``) in that
administrator's name.

Restore only goes into an empty database at the same schema revision. The images
are copied into the target database's own store first (each checked against its
hash), then the data goes in, in one transaction: either every row is in, or none,
and no restored row cites an image the store lacks. The old single-file backups
(the data dump alone, from before images were carried) restore as before.

Files and folders are created readable by their owner only (0600 / 0700), set
explicitly so the umask does not matter.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import decimal
import errno
import gzip
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import JSON, Connection, Table, Text, TypeDecorator, cast, func, insert, select, text
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table

import guji.models  # noqa: F401 - registers every table
from guji import __version__
from guji.db.base import Base
from guji.db.engine import Database
from guji.db.migrate import check_schema, current_revision
from guji.errors import (
    AuthenticationError,
    Conflict,
    GujiError,
    ValidationError,
)
from guji.images import location
from guji.jobs import Progress
from guji.messages import msg
from guji.models.user import Role
from imaging.store import (
    BadStorePath,
    ImageStore,
    check_relpath,
    hash_file,
    make_private_dirs,
)

if TYPE_CHECKING:
    from guji.app import Guji

FORMAT = "guji-backup"  # the data dump (also the whole of an old single-file backup)
FORMAT_VERSION = 1
FOLDER_FORMAT = "guji-backup-folder"
FOLDER_VERSION = 2
MANIFEST = "manifest.json"
IMAGES = "images"
DUMP_PREFIX = "data-"
DUMP_SUFFIX = ".jsonl.gz"
LOCK = ".lock"
BATCH = 2000
FILE_MODE = 0o600
DIR_MODE = 0o700
_CHUNK = 1 << 20



# Derived columns are not backed up: restore recomputes them (and they legitimately
# differ between SQLite and PostgreSQL, e.g. the search grams only PostgreSQL uses).
DERIVED_COLUMNS = {"census_record": {"search_grams"}}
# Tables the database fills itself while the others are restored: the audit chain's
# links are written by its trigger as the audit entries go in.
REBUILT_TABLES = {"audit_chain"}
# Rows that cite image files, and where those files are in the store.
IMAGE_TABLES = {"stored_image": "", "image_derivative": "derivatives/"}
SETTINGS_TABLE = "system_setting"


def audit_chain_head(conn: Connection) -> str | None:
    """The audit chain's head at the snapshot (``entries:hash``), for the backup's header."""
    from guji.db import audit_chain

    head = audit_chain.head(conn)
    return str(head) if head is not None else None


# ---------------------------------------------------------------------- reports


class BackupError(ValidationError):
    """A backup (or a backup folder) that cannot be used as asked; ``key`` names the message."""

    def __init__(self, message: str):
        super().__init__(message)
        self._key = getattr(message, "key", None)

    @property
    def key(self) -> str | None:
        return self._key


def _size(n: int) -> str:
    if n >= 1 << 30:
        return f"{n / (1 << 30):.1f} GB"
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MB"
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} B"


@dataclass(frozen=True)
class BackupReport:
    """What a backup wrote: rows per table, and the images (copied now or already in the folder)."""

    path: str
    rows: dict[str, int]
    images: int
    copied: int
    skipped: int
    copied_bytes: int
    skipped_bytes: int
    dump: str
    dump_bytes: int

    def message(self) -> str:
        return msg("backup.done", path=self.path, tables=len(self.rows), rows=sum(self.rows.values()),
                   images=self.images, copied=self.copied, copied_bytes=_size(self.copied_bytes),
                   skipped=self.skipped, skipped_bytes=_size(self.skipped_bytes))


@dataclass(frozen=True)
class RestoreReport:
    """What a restore put in: rows per table, images copied into the store or found there, and
    (old single-file backups only, which carried no images) images cited but not in the store."""

    database: str
    rows: dict[str, int]
    images: int
    copied: int
    skipped: int
    missing: list[str] = field(default_factory=list)

    def message(self) -> str:
        return msg("backup.restored", rows=sum(self.rows.values()), tables=len(self.rows), db=self.database,
                   images=self.images, copied=self.copied, skipped=self.skipped)


@dataclass(frozen=True)
class VerifyReport:
    """The result of :func:`verify`: every problem found, one line each (empty = sound)."""

    path: str
    rows: int
    images: int
    bytes: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    def message(self) -> str:
        if self.ok:
            return msg("backup.verify_ok", path=self.path, rows=self.rows, images=self.images, size=_size(self.bytes))
        return msg("backup.verify_bad", path=self.path, count=len(self.problems))


# ---------------------------------------------------------------------- values and lines


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _columns(table: Table) -> list[Any]:
    skip = DERIVED_COLUMNS.get(table.name, set())
    return [c for c in table.columns if c.name not in skip]


def _dump_select(table: Table) -> Any:
    """The rows of ``table`` as the dump writes them.

    The audit log goes in the order of its hash chain, with each entry's ``changes`` as the
    exact text stored, so that the database's trigger, linking the entries as restore puts
    them back, computes the very hashes of the chain the backup also carries (which is how
    restore tells a forged or altered entry).
    """
    cols = _columns(table)
    if table.name != "audit_log":
        pk = list(table.primary_key.columns) or list(table.columns)
        return select(*cols).order_by(*pk)
    chain = Base.metadata.tables["audit_chain"]
    cols = [cast(c, Text).label("changes") if c.name == "changes" else c for c in cols]
    return (select(*cols).outerjoin(chain, chain.c.entry_id == table.c.id)
            .order_by(func.coalesce(chain.c.seq, 2**62), table.c.id))


class _JsonText(TypeDecorator[str]):
    """A JSON column given its text as it is: no encoding on the way in."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Any) -> None:
        return None


def _audit_insert(table: Table) -> Any:
    """INSERT into the audit log taking ``changes`` as the stored JSON text (not re-encoded)."""
    light = sa_table(table.name, *(sa_column(c.name, _JsonText() if c.name == "changes" else c.type)
                                   for c in _columns(table)))
    return insert(light)


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"$dec": str(value)}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$b64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        (key, raw), = value.items()
        if key == "$dt":
            return dt.datetime.fromisoformat(raw)
        if key == "$d":
            return dt.date.fromisoformat(raw)
        if key == "$dec":
            return decimal.Decimal(raw)
        if key == "$b64":
            return base64.b64decode(raw)
    return value


def _line(obj: dict[str, Any]) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def store_path(table: str, relpath: str) -> str:
    """The path of a cited image file relative to the store root (and to a backup's ``images/``),
    after checking its form: BadStorePath for anything else."""
    prefix = IMAGE_TABLES[table]
    return prefix + check_relpath(relpath)


def _check_store_path(path: str) -> str:
    if path.startswith("derivatives/"):
        return "derivatives/" + check_relpath(path[len("derivatives/"):])
    return check_relpath(path)


def _sha_of(path: str) -> str:
    return path.rsplit("/", 1)[-1].split(".", 1)[0]


# ---------------------------------------------------------------------- files


class _HashingWriter:
    """A binary file that hashes and counts what is written through it (for the dump's checksum)."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


def _private_file(folder: Path, prefix: str) -> tuple[IO[bytes], Path]:
    fd, name = tempfile.mkstemp(prefix=prefix, dir=folder)
    os.fchmod(fd, FILE_MODE)
    return os.fdopen(fd, "wb"), Path(name)


def _write_error(path: Path, exc: OSError) -> GujiError:
    reason = msg("backup.disk_full") if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
    return GujiError(msg("backup.write_failed", path=path, reason=reason))


def _copy_checked(src: Path, dest: Path, sha: str) -> int:
    """Copy ``src`` to ``dest`` through a temporary file, hashing on the way; the copy is kept only if
    its hash is ``sha``. Returns the bytes copied; ValueError when the content differs."""
    make_private_dirs(dest.parent, dest.parent.parent.parent.parent)
    out, tmp = _private_file(dest.parent, ".incoming-")
    try:
        digest = hashlib.sha256()
        size = 0
        with out, open(src, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != sha:
            raise ValueError(str(src))
        os.replace(tmp, dest)
        return size
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_json(path: Path, obj: dict[str, Any]) -> None:
    out, tmp = _private_file(path.parent, ".manifest-")
    try:
        with out:
            out.write(json.dumps(obj, ensure_ascii=False, indent=1).encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One backup at a time into a folder (a second one would clean away the first one's dump)."""
    import fcntl

    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(msg("backup.not_a_backup", path=folder, reason=MANIFEST + " ?")) from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise BackupError(msg("backup.not_a_backup", path=folder, reason=type(exc).__name__)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FOLDER_FORMAT:
        raise BackupError(msg("backup.not_a_backup", path=folder, reason=MANIFEST))
    if manifest.get("version") != FOLDER_VERSION:
        raise BackupError(msg("backup.format_unknown", path=folder, found=manifest.get("version"),
                                  known=FOLDER_VERSION))
    dump = manifest.get("dump")
    if not isinstance(dump, dict) or not str(dump.get("file", "")).startswith(DUMP_PREFIX) or "/" in str(dump["file"]):
        raise BackupError(msg("backup.not_a_backup", path=folder, reason=MANIFEST))
    return manifest


def _prepare_folder(out: Path) -> bool:
    """Check that ``out`` may take a backup (a new path, an empty folder or a backup folder); return
    whether it is new. Nothing is written here."""
    if out.exists() and not out.is_dir():
        raise BackupError(msg("backup.target_is_file", path=out))
    if not out.exists():
        return True
    if (out / MANIFEST).exists():
        _read_manifest(out)
        return False
    if any(p.name != LOCK for p in out.iterdir()):
        raise BackupError(msg("backup.target_not_backup", path=out))
    return False


# ---------------------------------------------------------------------- backup


def backup(app: Guji, out: str | Path, *, progress: Progress | None = None) -> BackupReport:
    """Write (or bring up to date) the backup folder ``out`` as the signed-in ``app``: the exports
    service's :meth:`~guji.services.exports.ExportService.backup` (administrators only, audited)."""
    return app.exports.backup(out, progress=progress)


def write_backup(db: Database, out: str | Path, *, made_by: str, store_root: Callable[[], Path],
                 progress: Progress | None = None) -> tuple[BackupReport, str]:
    """Write the backup folder ``out``: the data, then every image it cites; returns the report and
    the dump's SHA-256. The caller checks who may and writes the audit entry
    (:meth:`guji.services.exports.ExportService.backup`).

    The folder is created if missing; an existing one must be empty or a backup folder. On any
    failure (a full disk, a missing or damaged file in the image store) the partial files are
    removed and the folder's previous backup stays whole; the error says so. ``store_root``
    gives the database's image store, asked only when the data cites images.
    """
    check_schema(db)
    out = Path(out).expanduser().absolute()
    new = _prepare_folder(out)
    with db.read_session() as s:
        cited = sum(int(s.scalar(select(func.count()).select_from(Base.metadata.tables[t])) or 0)
                    for t in IMAGE_TABLES)
    # The store must be the database's own before a byte is written (a clear refusal otherwise).
    root = store_root() if cited else None
    try:
        make_private_dirs(out, out.parent)
        make_private_dirs(out / IMAGES, out)
    except OSError as exc:
        raise _write_error(out, exc) from None
    dump: Path | None = None
    try:
        with _locked(out):
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
            dump = out / f"{DUMP_PREFIX}{stamp}{DUMP_SUFFIX}"
            counts, refs, header, digest, dump_bytes = _write_dump(db, dump, progress)
            copied = skipped = copied_bytes = skipped_bytes = 0
            missing: list[str] = []
            if refs and root is None:  # images cited by rows added after the count above
                root = store_root()
            for i, path in enumerate(refs):
                assert root is not None  # set above whenever there are images
                src = root / path
                dest = out / IMAGES / path
                sha = _sha_of(path)
                if dest.is_file() and hash_file(dest) == sha:
                    skipped += 1
                    skipped_bytes += dest.stat().st_size
                    continue
                if not src.is_file():
                    missing.append(path)
                    continue
                try:
                    copied_bytes += _copy_checked(src, dest, sha)
                except ValueError:
                    raise GujiError(msg("backup.store_file_damaged", file=src)) from None
                copied += 1
                if progress and i % 50 == 0:
                    progress(0.5 + 0.5 * i / max(1, len(refs)), f"images: {i}/{len(refs)}")
            if missing:
                raise GujiError(msg("backup.store_file_missing", count=len(missing), example=missing[0]))
            manifest = {
                "format": FOLDER_FORMAT, "version": FOLDER_VERSION, "guji": __version__,
                "created": header["created"], "schema": header["schema"], "database": db.name,
                "made_by": made_by, "dump": {"file": dump.name, "sha256": digest, "bytes": dump_bytes},
                "rows": counts, "images": {"files": len(refs), "copied": copied, "skipped": skipped},
                "audit_chain": header.get("audit_chain"),
            }
            _write_json(out / MANIFEST, manifest)
            for old in out.glob(f"{DUMP_PREFIX}*{DUMP_SUFFIX}"):
                if old.name != dump.name:
                    old.unlink(missing_ok=True)
    except BaseException as exc:
        if dump is not None:
            dump.unlink(missing_ok=True)
        for tmp in out.rglob(".incoming-*"):
            tmp.unlink(missing_ok=True)
        if new:
            shutil.rmtree(out, ignore_errors=True)
        if isinstance(exc, OSError):
            raise _write_error(dump or out, exc) from None
        raise
    report = BackupReport(str(out), counts, len(refs), copied, skipped, copied_bytes, skipped_bytes, dump.name,
                          dump_bytes)
    return report, digest


def _write_dump(db: Database, dest: Path, progress: Progress | None
                ) -> tuple[dict[str, int], list[str], dict[str, Any], str, int]:
    """Write the data dump atomically; return (rows per table, cited image paths, header, SHA-256, bytes)."""
    counts: dict[str, int] = {}
    refs: list[str] = []
    raw, tmp = _private_file(dest.parent, ".data-")
    try:
        hashing = _HashingWriter(raw)
        with db.engine.connect() as conn:
            if not db.is_sqlite:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                tables = _tables()
                totals = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}
                grand = sum(totals.values()) or 1
                done = 0
                header: dict[str, Any] = {
                    "format": FORMAT, "version": FORMAT_VERSION, "guji": __version__,
                    "schema": current_revision(db), "tables": [t.name for t in tables], "counts": totals,
                    "created": dt.datetime.now(dt.UTC).isoformat(),
                    "audit_chain": audit_chain_head(conn),
                }
                with gzip.GzipFile(filename="", mode="wb", fileobj=hashing, mtime=0) as fh:
                    fh.write(_line(header))
                    for table in tables:
                        cols = _columns(table)
                        names = [c.name for c in cols]
                        fh.write(_line({"table": table.name, "columns": names}))
                        cite = table.name in IMAGE_TABLES
                        rel_at = names.index("relpath") if cite else -1
                        result = conn.execution_options(yield_per=BATCH).execute(_dump_select(table))
                        n = 0
                        for row in result:
                            if cite:
                                try:
                                    refs.append(store_path(table.name, row[rel_at]))
                                except BadStorePath:
                                    raise GujiError(msg("images.bad_path", image=row[0],
                                                        relpath=repr(row[rel_at]))) from None
                            fh.write(_line({"r": [_encode(v) for v in row]}))
                            n += 1
                            done += 1
                            if progress and done % BATCH == 0:
                                progress(0.5 * done / grand, f"{table.name}: {n}")
                        counts[table.name] = n
                    fh.write(_line({"end": True, "counts": counts}))
        raw.flush()
        os.fsync(raw.fileno())
        raw.close()
        os.replace(tmp, dest)
    except BaseException:
        raw.close()
        tmp.unlink(missing_ok=True)
        raise
    return counts, sorted(set(refs)), header, hashing.digest.hexdigest(), hashing.size


# ---------------------------------------------------------------------- reading a dump


def _read(fh: Iterable[bytes]) -> Iterator[dict[str, Any]]:
    for raw in fh:
        yield json.loads(raw)


@dataclass
class _Scan:
    """What one pass over a dump found: its header, the people in it, the images it cites."""

    header: dict[str, Any]
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # login -> row
    roles: dict[Any, set[str]] = field(default_factory=dict)  # user id -> roles
    refs: list[str] = field(default_factory=list)
    rows: int = 0


def _open_dump(path: Path) -> tuple[gzip.GzipFile, Iterator[dict[str, Any]], dict[str, Any]]:
    try:
        fh = gzip.open(path, "rb")  # noqa: SIM115 - returned open to the caller, who closes it
        lines = _read(fh)
        header = next(lines)
    except (OSError, EOFError, json.JSONDecodeError, StopIteration, UnicodeDecodeError) as exc:
        raise BackupError(msg("backup.not_a_backup", path=path, reason=exc.__class__.__name__)) from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        fh.close()
        raise BackupError(msg("backup.not_a_backup", path=path, reason=FORMAT + " ?"))
    if header.get("version") != FORMAT_VERSION:
        fh.close()
        raise BackupError(msg("backup.format_unknown", path=path, found=header.get("version"),
                                  known=FORMAT_VERSION))
    return fh, lines, header


def _scan(path: Path) -> _Scan:
    """Read the whole dump once (without loading it): the users and their roles, the image paths it
    cites, and whether it is complete (its end marker's counts). ValidationError when damaged."""
    fh, lines, header = _open_dump(path)
    scan = _Scan(header)
    table: str | None = None
    columns: list[str] = []
    counts: dict[str, int] = {}
    ended = False
    try:
        with fh:
            for obj in lines:
                if "r" in obj:
                    if table is None:
                        raise BackupError(msg("backup.restore_damaged", path=path, reason="rows before a table"))
                    if len(obj["r"]) != len(columns):  # the restore pairs values with columns one to one
                        raise BackupError(msg("backup.restore_damaged", path=path, reason=f"a row of {table}"))
                    counts[table] += 1
                    scan.rows += 1
                    if table == "user_account":
                        row = dict(zip(columns, obj["r"], strict=True))
                        scan.users[str(row.get("login"))] = row
                    elif table == "user_role":
                        row = dict(zip(columns, obj["r"], strict=True))
                        scan.roles.setdefault(row.get("user_id"), set()).add(str(row.get("role")))
                    elif table in IMAGE_TABLES:
                        row = dict(zip(columns, obj["r"], strict=True))
                        try:
                            scan.refs.append(store_path(table, str(row.get("relpath"))))
                        except BadStorePath:
                            raise BackupError(msg("images.bad_path", image=row.get("id"),
                                                  relpath=repr(row.get("relpath")))) from None
                elif "table" in obj:
                    table = str(obj["table"])
                    columns = list(obj["columns"])
                    counts[table] = 0
                elif obj.get("end"):
                    if obj.get("counts") != counts:
                        raise BackupError(msg("backup.restore_damaged", path=path, reason="row counts"))
                    ended = True
    except (EOFError, OSError, json.JSONDecodeError, gzip.BadGzipFile, KeyError, TypeError) as exc:
        raise BackupError(msg("backup.restore_damaged", path=path, reason=exc.__class__.__name__)) from None
    if not ended:
        raise BackupError(msg("backup.restore_damaged", path=path, reason="no end marker"))
    scan.refs = sorted(set(scan.refs))
    return scan


def _dump_of(src: Path) -> tuple[Path, dict[str, Any] | None]:
    """The data dump of a backup folder (its checksum checked) or an old single-file backup."""
    if src.is_dir():
        manifest = _read_manifest(src)
        dump = src / manifest["dump"]["file"]
        if not dump.is_file():
            raise BackupError(msg("backup.dump_missing", file=dump))
        if hash_file(dump) != manifest["dump"].get("sha256"):
            raise BackupError(msg("backup.dump_checksum", file=dump))
        return dump, manifest
    if src.is_file():
        return src, None
    raise BackupError(msg("backup.not_a_backup", path=src, reason="not found"))


# ---------------------------------------------------------------------- verify


def verify(folder: str | Path) -> VerifyReport:
    """Check a backup folder without restoring it: the manifest, the dump against its checksum and its
    own row counts, every image file against its hash, every cited image present. Each problem is
    one line naming the file."""
    folder = Path(folder)
    problems: list[str] = []
    rows = images = size = 0
    try:
        manifest = _read_manifest(folder)
    except ValidationError as exc:
        return VerifyReport(str(folder), 0, 0, 0, [str(exc)])
    dump = folder / manifest["dump"]["file"]
    refs: list[str] = []
    if not dump.is_file():
        problems.append(msg("backup.dump_missing", file=dump))
    else:
        if hash_file(dump) != manifest["dump"].get("sha256"):
            problems.append(msg("backup.dump_checksum", file=dump))
        try:
            scan = _scan(dump)
            rows, refs = scan.rows, scan.refs
        except ValidationError as exc:
            problems.append(msg("backup.dump_damaged", file=dump, reason=str(exc)))
    present: set[str] = set()
    base = folder / IMAGES
    for p in sorted(base.rglob("*")) if base.is_dir() else []:
        if not p.is_file():
            continue
        rel = p.relative_to(base).as_posix()
        if p.name.startswith(".incoming-"):
            continue  # a copy interrupted before its move into place: not part of the backup
        try:
            _check_store_path(rel)
        except BadStorePath:
            problems.append(msg("backup.image_stray", file=p))
            continue
        images += 1
        size += p.stat().st_size
        if hash_file(p) != _sha_of(rel):
            problems.append(msg("backup.image_bad", file=p))
        else:
            present.add(rel)
    for ref in refs:
        if ref not in present and not (base / ref).is_file():
            problems.append(msg("backup.image_absent", file=base / ref))
    return VerifyReport(str(folder), rows, images, size, problems)


# ---------------------------------------------------------------------- restore


def _check_admin(scan: _Scan, login: str | None, password: str | None) -> dict[str, Any]:
    """The backup's user row of ``login`` if it is an active administrator there whose password is
    ``password``; AuthenticationError otherwise (the same words whichever part was wrong)."""
    from guji.services.passwords import hash_password, verify_password

    if not login or password is None:
        raise AuthenticationError(msg("backup.restore_needs_admin"))
    row = scan.users.get(login.strip())
    if row is None:
        verify_password(hash_password("not-a-real-password"), password)  # same time as a wrong password
        raise AuthenticationError(msg("backup.restore_denied", login=login))
    ok = verify_password(str(row.get("password_hash") or ""), password)
    if not ok or not row.get("active") or Role.ADMIN.value not in scan.roles.get(row.get("id"), set()):
        raise AuthenticationError(msg("backup.restore_denied", login=login))
    return row


def restore(db: Database, src: str | Path, *, login: str | None, password: str | None,
            progress: Progress | None = None, store_dir: str | os.PathLike[str] | None = None) -> RestoreReport:
    """Load a backup (folder, or an old single file) into an empty database at the same schema.

    ``login``/``password`` name an administrator of the backup; they are checked against the
    user rows inside it before anything is written (AuthenticationError). Then the images go
    into the target's own store (``store_dir`` or ``GUJI_IMAGE_STORE`` override it, as for every
    image action), each checked against its hash, and then the data in one transaction, with an
    audit row ``restore`` by that administrator. Refused, with nothing of the data written: a
    damaged backup (ValidationError), another schema or a database that is not empty
    (Conflict), an image missing or damaged in the backup (ValidationError).
    """
    check_schema(db)
    src = Path(src)
    dump, manifest = _dump_of(src)
    scan = _scan(dump)
    if scan.header.get("schema") != current_revision(db):
        raise Conflict(msg("backup.restore_schema", found=scan.header.get("schema"), current=current_revision(db)))
    admin_row = _check_admin(scan, login, password)
    tables = {t.name: t for t in _tables()}
    with db.read_session() as s:
        for t in tables.values():
            if t.name != SETTINGS_TABLE and s.execute(select(func.count()).select_from(t)).scalar_one():
                raise Conflict(msg("backup.restore_not_empty", db=db.name, table=t.name))
    copied, skipped, missing = _restore_images(db, src, manifest, scan.refs, store_dir)
    counts = _restore_data(db, dump, tables, scan, admin_row, src, progress)
    if progress:
        progress(1.0, "done")
    return RestoreReport(db.name, counts, len(scan.refs), copied, skipped, missing)


def _restore_images(db: Database, src: Path, manifest: dict[str, Any] | None, refs: list[str],
                    store_dir: str | os.PathLike[str] | None) -> tuple[int, int, list[str]]:
    """Copy the cited images into the target's store (checked by hash); (copied, skipped, missing)."""
    if not refs:
        return 0, 0, []
    try:
        root = location.open_root(db, store_dir)
    except location.StoreUnavailable as exc:
        with db.read_session() as s:
            loc = location.locate(db, s, store_dir)
        if loc.path is None:
            raise location.StoreUnavailable(msg("backup.restore_no_store", count=len(refs), db=db.name)) from None
        raise exc from None
    masters = ImageStore(root, validate=False, create=False)
    derivatives = ImageStore(root / "derivatives", validate=False)
    if manifest is None:
        # An old single-file backup carried no images: restore the data, report what the store lacks.
        missing = [r for r in refs if not (root / r).is_file()]
        return 0, len(refs) - len(missing), missing
    base = src / IMAGES
    bad: list[str] = []
    copied = skipped = 0
    for ref in refs:
        store, rel = (derivatives, ref[len("derivatives/"):]) if ref.startswith("derivatives/") else (masters, ref)
        f = base / ref
        if not f.is_file():
            bad.append(str(f))
            continue
        try:
            if store.put_copy(f, rel):
                copied += 1
            else:
                skipped += 1
        except ValueError:
            bad.append(str(f))
        except OSError as exc:
            raise location.StoreUnavailable(msg("images.store_write_failed", path=root,
                                                reason=exc.strerror or exc)) from None
    if bad:
        raise BackupError(msg("backup.restore_bad_images", count=len(bad), example=bad[0]))
    return copied, skipped, []


def _check_chain(s: Any, links: list[tuple[Any, ...]], head: str | None, dump: Path) -> None:
    """The audit entries just restored must give back the backup's chain, link for link, and
    end at the head its header names; else the backup's audit log was altered (nothing is
    committed). A backup made before the chain existed carries no links to compare."""
    from guji.db import audit_chain

    if not links and head is None:
        return
    restored = s.execute(text("SELECT entry_id, prev_hash, hash FROM audit_chain ORDER BY seq")).all()
    # Pair by pair to name the first difference; a different length is reported after.
    for pos, (mine, theirs) in enumerate(zip(restored, links, strict=False), 1):
        if tuple(mine) != tuple(theirs):
            raise BackupError(msg("backup.restore_chain", path=dump, position=pos, entry=theirs[0]))
    if len(restored) != len(links):
        raise BackupError(msg("backup.restore_chain", path=dump, position=min(len(restored), len(links)) + 1,
                              entry="-"))
    if head is not None:
        now = audit_chain.head(s.connection())
        if now is None or str(now) != head:
            raise BackupError(msg("backup.restore_chain_head", path=dump, head=head))


def _restore_data(db: Database, dump: Path, tables: dict[str, Table], scan: _Scan, admin_row: dict[str, Any],
                  src: Path, progress: Progress | None) -> dict[str, int]:
    from guji.models.system import SystemSetting
    from guji.models.user import User
    from guji.services import audit, auth

    grand = sum(scan.header.get("counts", {}).values()) or 1
    counts: dict[str, int] = {}
    fh, lines, _ = _open_dump(dump)
    try:
        with db.write_session() as s:
            table: Table | None = None
            columns: list[str] = []
            batch: list[dict[str, Any]] = []
            settings: list[dict[str, Any]] = []
            done = 0

            links: list[tuple[Any, ...]] = []  # the backup's own audit chain, checked below
            if not db.is_sqlite:
                # Link each audit entry as it goes in (not at commit), so the chain can be
                # compared with the backup's before anything is committed.
                s.execute(text("SET CONSTRAINTS audit_log_chain IMMEDIATE"))

            def flush() -> None:
                if table is not None and batch:
                    if table.name == "audit_log":
                        for row in batch:  # a dump from before the exact text was kept
                            if not isinstance(row.get("changes"), str):
                                row["changes"] = json.dumps(row.get("changes") or {})
                        s.execute(_audit_insert(table), batch)
                    else:
                        s.execute(insert(table), batch)
                    batch.clear()

            for obj in lines:
                if "r" in obj:
                    assert table is not None  # the scan checked the order
                    counts[table.name] += 1
                    done += 1
                    if table.name in REBUILT_TABLES:  # the database writes these itself
                        if table.name == "audit_chain":
                            row = dict(zip(columns, obj["r"], strict=True))
                            links.append((row.get("entry_id"), row.get("prev_hash"), row.get("hash")))
                        continue
                    row = dict(zip(columns, (_decode(v) for v in obj["r"]), strict=True))
                    if table.name == SETTINGS_TABLE:
                        if row.get("key") not in location.LOCAL_KEYS:  # the target's own folder stays
                            settings.append(row)
                        continue
                    batch.append(row)
                    if len(batch) >= BATCH:
                        flush()
                        if progress:
                            progress(done / grand, f"{table.name}: {counts[table.name]}")
                elif "table" in obj:
                    flush()
                    if obj["table"] not in tables:
                        raise BackupError(msg("backup.restore_damaged", path=dump,
                                                  reason=f"unknown table {obj['table']!r}"))
                    table = tables[obj["table"]]
                    columns = obj["columns"]
                    unknown = set(columns) - {c.name for c in table.columns}
                    if unknown:
                        raise BackupError(msg("backup.restore_damaged", path=dump,
                                                  reason=f"unknown columns in {table.name}: {sorted(unknown)}"))
                    counts[table.name] = 0
                elif obj.get("end"):
                    flush()
            _check_chain(s, links, scan.header.get("audit_chain"), dump)
            for row in settings:
                existing = s.get(SystemSetting, row["key"])
                if existing is None:
                    s.add(SystemSetting(**row))
                else:
                    existing.value = row["value"]
            s.flush()
            # The search index is derived data, not in the backup: rebuild it.
            from guji.census.service import reindex_all

            reindex_all(s)
            if not db.is_sqlite:
                # Explicit ids were inserted; move each serial sequence past them (before the audit row).
                for t in tables.values():
                    pk = list(t.primary_key.columns)
                    if len(pk) == 1 and pk[0].autoincrement is not False and pk[0].type.python_type is int:
                        s.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('{t.name}', '{pk[0].name}'), "
                            f"COALESCE((SELECT MAX({pk[0].name}) FROM {t.name}), 0) + 1, false)"
                        ))
            user = s.get(User, admin_row["id"])
            assert user is not None
            audit.record(s, auth.actor_for(user), "restore", "backup", src.name[:64], {
                "rows": [None, sum(counts.values())], "tables": [None, len(counts)],
                "images": [None, len(scan.refs)], "created": [None, scan.header.get("created")]}, note=str(src))
    except (EOFError, OSError, json.JSONDecodeError, gzip.BadGzipFile) as exc:
        raise BackupError(msg("backup.restore_damaged", path=dump, reason=exc.__class__.__name__)) from None
    finally:
        fh.close()
    return counts


def dump_rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table in primary-key order (for comparing two databases in tests and checks)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with db.engine.connect() as conn:
        for t in _tables():
            pk = list(t.primary_key.columns) or list(t.columns)
            out[t.name] = [tuple(r) for r in conn.execute(select(*_columns(t)).order_by(*pk))]
    return out
