"""Where a database keeps its image store, and the check that a folder really is that store.

The image store belongs to the database, not to the desk:

* an SQLite database keeps it in the folder beside its file, named after the file:
  ``/data/guji.sqlite3`` → ``/data/guji.images/`` (unless an administrator set a path);
* a PostgreSQL database keeps it in a shared folder set by an administrator
  (``guji init --image-store PATH`` or ``guji settings image-store PATH``), stored in
  the ``system_setting`` table as ``image_store.path``; until it is set, image actions
  refuse and say so;
* ``GUJI_IMAGE_STORE`` (or a ``store_dir`` given to the service) names the folder on one
  desk explicitly — a share mounted elsewhere, say — and is checked like any other.

The first use of a store folder claims it: a marker file ``.guji-image-store`` with a new
store id (a UUID) is written into it and the id is kept in the database
(``image_store.id``). From then on every image action checks that the folder it is
about to use carries the database's id; a folder without the marker or with another
id (another database's store, an empty mount point, a copy restored to the wrong
place) is refused with a message naming the folder the database expects, and nothing
is written. A folder that is gone is reported, never quietly made again empty.

A database that already holds images but has no store id was made before stores
belonged to their database (its images are in the folder ``guji.paths.image_store_dir``
named); it claims a folder only if that folder holds its images, and otherwise
refuses, naming the old folder.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from guji.db.base import utcnow
from guji.db.engine import Database
from guji.errors import GujiError
from guji.images.models import StoredImage
from guji.messages import msg
from guji.services import system
from imaging.store import check_relpath, make_private_dirs

KEY_PATH = "image_store.path"
KEY_ID = "image_store.id"
#: Settings that describe this installation's folder rather than the data: a restore
#: keeps the target database's values and never takes the backup's.
LOCAL_KEYS = frozenset({KEY_PATH, KEY_ID})
ENV = "GUJI_IMAGE_STORE"
MARKER = ".guji-image-store"
MARKER_MODE = 0o600


class StoreUnavailable(GujiError):
    """The database's image store cannot be used here (not set, missing, or another store)."""


@dataclass(frozen=True)
class StoreLocation:
    """Where the database's image store is, as this desk sees it.

    ``source``: ``override`` (``GUJI_IMAGE_STORE`` or the service's ``store_dir``),
    ``setting`` (the path an administrator set), ``default`` (beside the SQLite file) or
    ``unset`` (PostgreSQL without a path; ``path`` is None). ``expected`` is where the
    database itself says the store is (its setting or default), for messages.
    """

    path: Path | None
    source: str
    store_id: str | None
    expected: Path | None


def default_path(db: Database) -> Path | None:
    """The folder beside an SQLite database file (``<stem>.images``), or None for PostgreSQL and
    in-memory databases."""
    if not db.is_sqlite:
        return None
    name = db.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    f = Path(name)
    return f.with_name(f.stem + ".images")


def locate(db: Database, s: Session, override: str | os.PathLike[str] | None = None) -> StoreLocation:
    """The store location from the database's settings, the desk's override and the default."""
    values = system.get_many(s, (KEY_PATH, KEY_ID))
    setting = values.get(KEY_PATH)
    expected = Path(setting) if setting else default_path(db)
    store_id = values.get(KEY_ID)
    explicit = override if override is not None else (os.environ.get(ENV) or None)
    if explicit:
        return StoreLocation(Path(explicit).expanduser(), "override", store_id, expected)
    if expected is None:
        return StoreLocation(None, "unset", store_id, None)
    return StoreLocation(expected, "setting" if setting else "default", store_id, expected)


def read_marker(root: Path) -> str | None:
    """The store id written in ``root``'s marker file, or None when there is no marker."""
    try:
        raw = (root / MARKER).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreUnavailable(msg("images.store_unreadable", path=root, reason=exc.strerror or exc)) from None
    try:
        value = json.loads(raw).get("store_id")
    except (ValueError, AttributeError):
        value = None
    return str(value) if value else "?"


def write_marker(root: Path, store_id: str, db: Database) -> None:
    """Create the marker file (never overwriting one): FileExistsError when another desk was first."""
    body = json.dumps({"store_id": store_id, "database": db.name, "created": utcnow().isoformat(),
                       "note": "guji image store: do not delete; the database checks this id"},
                      ensure_ascii=False, indent=1)
    fd = os.open(root / MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL, MARKER_MODE)
    try:
        os.fchmod(fd, MARKER_MODE)
        os.write(fd, body.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _where(loc: StoreLocation) -> str:
    return str(loc.expected) if loc.expected is not None else msg("images.store_where_unset")


def _sample_present(s: Session, root: Path) -> tuple[int, int]:
    """(images in the database, how many of the first 20 are in ``root``)."""
    count = int(s.scalar(select(func.count()).select_from(StoredImage)) or 0)
    present = 0
    for rel in s.scalars(select(StoredImage.relpath).order_by(StoredImage.id).limit(20)):
        try:
            if (root / check_relpath(rel)).is_file():
                present += 1
        except ValueError:
            continue
    return count, present


def check_root(db: Database, loc: StoreLocation) -> Path:
    """``loc.path`` if it is the database's store (the marker carries its id); StoreUnavailable otherwise."""
    if loc.path is None:
        raise StoreUnavailable(msg("images.store_unset", db=db.name))
    root = loc.path
    if not root.is_dir():
        raise StoreUnavailable(msg("images.store_missing", path=root, right=_where(loc)))
    found = read_marker(root)
    if found is None:
        raise StoreUnavailable(msg("images.store_unmarked", path=root, marker=MARKER, right=_where(loc)))
    if found != loc.store_id:
        raise StoreUnavailable(msg("images.store_foreign", path=root, found=found, expected=loc.store_id,
                                   right=_where(loc)))
    return root


class _Raced(Exception):
    """Another desk wrote the marker between our reading and our writing: look again."""


def claim(db: Database, root: Path, *, adopt_missing: bool = False) -> str:
    """Make ``root`` the database's store: write the marker and record its id, inside the
    database's write transaction so two desks claiming at once agree on one id. Returns the id.

    A database that already has an id (an administrator moving its store) writes that id
    into a folder without a marker. Refuses (StoreUnavailable, nothing written) a folder
    that is another database's store, and, for a database that already has images, a
    folder holding none of them (unless ``adopt_missing``)."""
    if root.exists() and not root.is_dir():
        raise StoreUnavailable(msg("images.store_not_folder", path=root))
    with db.write_session() as s:
        existing = system.get(s, KEY_ID)
        found = read_marker(root) if root.is_dir() else None
        if found is not None:
            if found == existing:
                return found
            raise StoreUnavailable(msg("images.store_taken", path=root, found=found))
        count, present = _sample_present(s, root)
        if count and not present and not adopt_missing:
            from guji.paths import image_store_dir

            raise StoreUnavailable(msg("images.store_legacy", count=count, path=root, legacy=image_store_dir()))
        store_id = existing or str(uuid.uuid4())
        try:
            make_private_dirs(root, Path(root.anchor))
            write_marker(root, store_id, db)
        except FileExistsError:
            raise _Raced() from None
        except OSError as exc:
            raise StoreUnavailable(msg("images.store_write_failed", path=root, reason=exc.strerror or exc)) from None
        try:
            if existing is None:
                system.put(s, KEY_ID, store_id)
        except BaseException:
            (root / MARKER).unlink(missing_ok=True)
            raise
        return store_id


def init_store(db: Database, path: str | os.PathLike[str] | None) -> tuple[Path, str] | None:
    """At ``guji init`` of a database without users: set the store's path (``path``, or nothing for
    the SQLite default) and claim the folder; return (folder, store id), or None for a PostgreSQL
    database given no path. Not audited: nobody has signed in yet (the first administrator is made
    right after, and the audit log starts there)."""
    if path is not None:
        root = Path(os.fspath(path)).expanduser()
        if not root.is_absolute():
            raise GujiError(msg("images.store_path_relative", path=root))
        with db.write_session() as s:
            system.put(s, KEY_PATH, str(root))
    with db.read_session() as s:
        loc = locate(db, s)
    if loc.path is None:
        return None
    return check_root(db, locate_after_claim(db, loc)), str(read_marker(loc.path))


def locate_after_claim(db: Database, loc: StoreLocation) -> StoreLocation:
    if loc.store_id is None and loc.path is not None:
        claim(db, loc.path)
    with db.read_session() as s:
        return locate(db, s)


def unclaim(db: Database, root: Path, store_id: str) -> None:
    """Undo a claim made for an image that was then refused: drop the id and the marker, but only
    while the database still has no image (another desk may have started using the store)."""
    from guji.models.system import SystemSetting

    with db.write_session() as s:
        if s.scalar(select(func.count()).select_from(StoredImage)):
            return
        row = s.get(SystemSetting, KEY_ID)
        if row is None or row.value != store_id:
            return
        s.delete(row)
        if read_marker(root) == store_id:
            (root / MARKER).unlink(missing_ok=True)


def open_root(db: Database, override: str | os.PathLike[str] | None = None, *, create: bool = True) -> Path:
    """The checked root folder of the database's image store.

    A database without a store id claims its folder first (``create``); one with an id
    gets its folder only if the marker there carries that id. StoreUnavailable (with a
    message saying where the store should be) otherwise; nothing is written then.
    """
    with db.read_session() as s:
        loc = locate(db, s, override)
    for attempt in range(20):
        if loc.store_id is not None or loc.path is None or not create:
            break
        try:
            claim(db, loc.path)
        except (IntegrityError, _Raced):
            time.sleep(0.05 * (attempt + 1))  # another desk is claiming the same folder: use its id
        with db.read_session() as s:
            loc = locate(db, s, override)
    return check_root(db, loc)
