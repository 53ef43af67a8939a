"""Page images as user actions: add scans to the image store, attach them to census records (書影)
and restoration jobs, analyse them, apply the measured frame size to a record, make derivatives.

Files: masters go into a content-addressed :class:`imaging.store.ImageStore`, the
database's own image store (:mod:`guji.images.location`: beside the SQLite file, or
the shared folder an administrator set for PostgreSQL; checked by its store id on
every action), derivatives into a second store inside it (``<store>/derivatives``);
the database keeps their store-relative paths, and a path read back is used only
if it has the store's form. The store validates a file completely before it
appears, so a refused file (empty, truncated, not an image, not the shape of a
page, over the pixel or memory limit) writes nothing: neither a file nor a row.

Pixel work (analysis ~1 s a page, derivatives) never runs inside a database
transaction: the service reads what it needs, computes, then writes in one short
transaction. The desktop runs the computing part on a process pool
(:meth:`ImageService.analysis_input` / :meth:`ImageService.save_analysis`); the CLI
and the tests call :meth:`ImageService.analyze`, which does both.

Permissions: census staff and restorers add images and attach them to records of
their own institution (administrators anywhere); restorers attach images to
restoration jobs. A record under review or approved is locked: its images change
only after a reviewer returns or reopens it, like its other fields.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import stat
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from guji.census.models import CensusRecord, ReviewState
from guji.census.service import CensusService, SaveResult
from guji.errors import (
    Conflict,
    FieldProblem,
    GujiError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from guji.images import location
from guji.images.models import (
    ImageAnalysis,
    ImageDerivative,
    JobImage,
    RecordImage,
    StoredImage,
)
from guji.messages import msg
from guji.models.system import SystemSetting
from guji.models.user import Role
from guji.services import audit, system, visibility
from guji.services.context import Actor, Changes, ServiceContext
from imaging.io import DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, ImageError
from imaging.store import (
    BadStorePath,
    ImageStore,
    StoreMissing,
    check_relpath,
    validate_image,
)

ENTITY_IMAGE = "stored_image"
ENTITY_RECORD_IMAGE = "record_image"
ENTITY_JOB_IMAGE = "job_image"



#: What an image shows for a census record. 書影 is the general "book image"; the
#: others are the pages catalogues ask for by name.
RECORD_ROLES: tuple[str, ...] = ("書影", "卷端", "牌記", "鈐印", "批校", "其他")
_ROLE_ALIASES = {"书影": "書影", "牌记": "牌記", "钤印": "鈐印", "卷端": "卷端", "批校": "批校", "其他": "其他"}
#: Stages of a restoration job an image documents.
JOB_STAGES: tuple[str, ...] = ("before", "during", "after")
_STAGE_ALIASES = {"修復前": "before", "修复前": "before", "修復中": "during", "修复中": "during",
                  "修復後": "after", "修复后": "after"}
CAPTION_MAX = 500

# The modules whose code decides an analysis result; their source fingerprints the analyser.
_ANALYSIS_MODULES = ("imaging.analyze", "imaging.crop", "imaging.deskew", "imaging.frame", "imaging.split",
                     "imaging.columns", "imaging.damage", "imaging.paper", "imaging.io")


@lru_cache(maxsize=1)
def analyzer_version() -> str:
    """A fingerprint of the analysis code (first 12 hex of a SHA-1 over its sources).

    Stored with every analysis, so an improved analyser is re-run rather than an
    old result trusted; computed once per process.
    """
    digest = hashlib.sha1()
    for name in _ANALYSIS_MODULES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin and os.path.exists(spec.origin):
            digest.update(Path(spec.origin).read_bytes())
    return "a-" + digest.hexdigest()[:12]


# ---------------------------------------------------------------------- plain data


@dataclass(frozen=True)
class ImageInfo:
    """A stored image as plain data. ``path`` is the absolute path of the master in the store."""

    id: int
    sha256: str
    relpath: str
    path: str
    original_name: str | None
    format: str
    width: int
    height: int
    pages: int
    dpi: float | None
    bit_depth: int
    size: int
    added_at: datetime | None
    created: bool = False  # True when this call put it in the store


@dataclass(frozen=True)
class StoreStatus:
    """Where the database's image store is as plain data: ``path`` on this desk (None when a
    PostgreSQL database has none set), ``source`` (override/setting/default/unset), the
    database's ``store_id``, the ``expected`` path the database names, how many ``images`` the
    database holds, and ``problem``: the message image actions give now (None when usable)."""

    path: str | None
    source: str
    store_id: str | None
    expected: str | None
    images: int
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class AttachedImage:
    """An image attached to a census record (``kind`` "record", ``role`` 書影…) or a restoration job
    (``kind`` "job", ``role`` before/during/after)."""

    attachment_id: int
    kind: str
    owner_id: int
    role: str
    caption: str | None
    seq: int
    image: ImageInfo


@dataclass(frozen=True)
class DerivativeInfo:
    """One derivative file of a stored image (``path`` absolute)."""

    id: int
    image_id: int
    options: str
    kind: str
    part: str
    path: str
    width: int
    height: int
    dpi: float | None


@dataclass(frozen=True)
class FrameApplied:
    """What "apply measured frame size" wrote into a record (values in cm, as stored)."""

    record_id: int
    census_number: str
    frame_height_cm: Decimal
    frame_width_cm: Decimal
    frame_is_half: bool | None
    lines_per_half_leaf: int | None
    lines_filled: bool
    dpi: float
    warnings: list[FieldProblem] = field(default_factory=list)
    changes: Changes = field(default_factory=lambda: Changes("census_record"))


# ---------------------------------------------------------------------- helpers


def _caption(value: str | None) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    if len(text) > CAPTION_MAX:
        raise ValidationError(FieldProblem("caption", f"is longer than {CAPTION_MAX} characters", len(text)))
    return text or None


def record_role(value: str | None) -> str:
    """The stored form of a record-image role (simplified forms accepted); ValidationError otherwise."""
    v = unicodedata.normalize("NFC", (value or "書影").strip())
    v = _ROLE_ALIASES.get(v, v)
    if v not in RECORD_ROLES:
        raise ValidationError(FieldProblem("role", f"{value!r} is not an image role; choose from "
                                                   + "、".join(RECORD_ROLES), value))
    return v


def job_stage(value: str | None) -> str:
    """The stored form of a job-image stage (before/during/after, or 修復前/中/後)."""
    v = (value or "").strip()
    v = _STAGE_ALIASES.get(v, v.lower())
    if v not in JOB_STAGES:
        raise ValidationError(FieldProblem("stage", f"{value!r} is not a stage; choose before, during or after",
                                           value))
    return v


def _cm(px: float, dpi: float) -> Decimal:
    """Pixels → centimetres at ``dpi``, to the 0.1 cm the register keeps."""
    return Decimal(str(px / dpi * 2.54)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def with_dpi(result: dict[str, Any], dpi: float | None) -> dict[str, Any]:
    """An analysis result restated at another resolution: ``dpi`` and each frame's cm from its box."""
    from imaging.frame import size_cm

    out = dict(result)
    out["dpi"] = dpi
    frames = []
    for f in result.get("frames") or []:
        h, w = size_cm(f["box"], dpi)
        frames.append({**f, "height_cm": h, "width_cm": w})
    out["frames"] = frames
    return out


def _remove_store_file(path: Path) -> None:
    try:
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        path.unlink()
    except OSError:
        pass


# ---------------------------------------------------------------------- the service


class ImageService:
    """``app.images``: the page-image actions (see the module docstring for the rules)."""

    def __init__(self, ctx: ServiceContext, census: CensusService, *, store_dir: str | os.PathLike[str] | None = None,
                 max_pixels: int = DEFAULT_MAX_PIXELS, max_bytes: int = DEFAULT_MAX_BYTES):
        self.ctx = ctx
        self.census = census
        self._store_dir = Path(store_dir) if store_dir is not None else None
        self.max_pixels = max_pixels
        self.max_bytes = max_bytes

    @property
    def actor(self) -> Actor:
        return self.ctx.actor

    # --- stores ---------------------------------------------------------------------

    def store_root(self, *, create: bool = True) -> Path:
        """The checked root of the database's image store (:func:`guji.images.location.open_root`).

        The folder is the ``store_dir`` given, else ``GUJI_IMAGE_STORE``, else the database's
        setting, else the folder beside the SQLite file; it is used only if its marker carries
        the database's store id (a database without one claims the folder first, unless
        ``create`` is False). :class:`~guji.images.location.StoreUnavailable` says plainly
        otherwise, and nothing is written.
        """
        return location.open_root(self.ctx.db, self._store_dir, create=create)

    @property
    def store_dir(self) -> Path:
        """The checked root of the image store (see :meth:`store_root`)."""
        return self.store_root()

    @store_dir.setter
    def store_dir(self, value: str | os.PathLike[str] | None) -> None:
        self._store_dir = Path(value) if value is not None else None

    def store(self, root: Path | None = None) -> ImageStore:
        return ImageStore(root or self.store_root(), max_pixels=self.max_pixels, max_bytes=self.max_bytes,
                          create=False)

    def derivative_store(self, root: Path | None = None) -> ImageStore:
        # Derivatives are our own JPEG output: the header check is enough.
        return ImageStore((root or self.store_root()) / "derivatives", validate=False, max_pixels=self.max_pixels)

    def _abs(self, root: Path, relpath: str, image_id: int | str) -> str:
        """The absolute path of a store path read from the database, after checking its form."""
        try:
            return str(root / check_relpath(relpath))
        except BadStorePath:
            raise GujiError(msg("images.bad_path", image=image_id, relpath=repr(relpath))) from None

    def _info(self, row: StoredImage, root: Path, *, created: bool = False) -> ImageInfo:
        return ImageInfo(row.id, row.sha256, row.relpath, self._abs(root, row.relpath, row.id), row.original_name,
                         row.format, row.width, row.height, row.pages, row.dpi, row.bit_depth, row.size,
                         row.added_at, created)

    # --- where the store is (administrators) -------------------------------------------

    def store_location(self) -> StoreStatus:
        """Where this database's image store is, as seen from this desk, and whether it is usable here
        (anyone signed in may look)."""
        with self.ctx.read() as s:
            loc = location.locate(self.ctx.db, s, self._store_dir)
            images = int(s.scalar(select(func.count()).select_from(StoredImage)) or 0)
        problem = None
        try:
            location.check_root(self.ctx.db, loc)
        except GujiError as exc:
            problem = str(exc)
        if loc.store_id is None and loc.path is not None and problem is not None and not images:
            problem = None  # claimed at the first image added
        return StoreStatus(str(loc.path) if loc.path else None, loc.source, loc.store_id,
                           str(loc.expected) if loc.expected else None, images, problem)

    def set_store_location(self, path: str | os.PathLike[str], *, force: bool = False) -> StoreStatus:
        """Make ``path`` the database's image store (administrators; audited as ``settings``).

        The folder is created if missing (mode 0700). A folder that is another database's store is
        refused; one that lacks images the database cites is refused unless ``force`` (the files are
        copied there first when a store moves). A folder without the store marker gets it, with the
        database's store id. Every desk then uses the new folder (unless it overrides the path).
        """
        if not self.actor.has(Role.ADMIN):
            raise PermissionDenied(msg("images.settings_admin_only", login=self.actor.login))
        root = Path(os.fspath(path)).expanduser()
        if not root.is_absolute():
            raise ValidationError(FieldProblem("path", msg("images.store_path_relative", path=root), str(path)))
        if root.exists() and not root.is_dir():
            raise ValidationError(FieldProblem("path", msg("images.store_not_folder", path=root), str(path)))
        with self.ctx.read() as s:
            version = s.scalar(select(SystemSetting.version).where(SystemSetting.key == location.KEY_PATH)) or 0
            found = location.read_marker(root) if root.is_dir() else None
            store_id = system.get(s, location.KEY_ID)
            if found is not None and found != store_id:
                raise Conflict(msg("images.store_taken", path=root, found=found))
            count = int(s.scalar(select(func.count()).select_from(StoredImage)) or 0)
            missing: list[str] = []
            if count and not force:
                for rel in s.scalars(select(StoredImage.relpath).order_by(StoredImage.id)):
                    try:
                        if not (root / check_relpath(rel)).is_file():
                            missing.append(rel)
                    except BadStorePath:
                        missing.append(rel)
        if missing:
            raise Conflict(msg("images.store_lacks_images", path=root, count=count, missing=len(missing),
                               example=missing[0]))
        location.claim(self.ctx.db, root, adopt_missing=True)
        try:
            with self.ctx.write() as s:
                system.put(s, location.KEY_PATH, str(root), actor=self.actor, expected_version=version)
        except ValueError:
            raise Conflict(msg("images.store_changed_meanwhile")) from None
        return self.store_location()

    # --- permissions ----------------------------------------------------------------

    def _require_image_staff(self, action: str) -> None:
        if not self.actor.has(Role.CENSUS, Role.RESTORER, Role.ADMIN):
            raise PermissionDenied(f"{self.actor.login} may not {action}: needs the role 著录员 (census) "
                                   "or 修复师 (restorer)")

    def _sees_all(self) -> bool:
        return visibility.sees_all(self.actor)

    def _record(self, s: Session, record_id: int) -> CensusRecord:
        rec = s.get(CensusRecord, record_id)
        if rec is None:
            raise NotFound(f"no census record with id {record_id}")
        if not visibility.may_see(self.actor, rec.institution_id):
            raise PermissionDenied(f"{self.actor.login} may not see records of another institution")
        return rec

    def _record_for_change(self, s: Session, record_id: int, action: str) -> CensusRecord:
        """The record, if the actor may change its images: census staff or restorers of its institution
        (administrators anywhere), and only while the record is editable."""
        rec = self._record(s, record_id)
        if not self.actor.has(Role.ADMIN):
            if not self.actor.has(Role.CENSUS, Role.RESTORER):
                raise PermissionDenied(f"{self.actor.login} may not {action}: needs the role 著录员 (census) "
                                       "or 修复师 (restorer)")
            if rec.institution_id != self.actor.institution_id:
                raise PermissionDenied(f"{self.actor.login} may not {action}: the record belongs to another "
                                       "institution")
        if not ReviewState(rec.state).editable:
            raise Conflict(f"{rec.census_number} is {ReviewState(rec.state).label_zh} and locked; "
                           "a reviewer must return or reopen it before its images change")
        return rec

    def _image(self, s: Session, image_id: int) -> StoredImage:
        """A stored image the actor may see: their institution's, one attached to a record or job of
        their institution, or any for the centre and administrators."""
        img = s.get(StoredImage, image_id)
        if img is None:
            raise NotFound(f"no stored image with id {image_id}")
        if self._sees_all() or (img.institution_id is not None and img.institution_id == self.actor.institution_id):
            return img
        inst = self.actor.institution_id or -1
        via_record = s.scalar(
            select(func.count()).select_from(RecordImage).join(CensusRecord, CensusRecord.id == RecordImage.record_id)
            .where(RecordImage.image_id == image_id, CensusRecord.institution_id == inst))
        via_job = s.scalar(select(func.count()).select_from(JobImage)
                           .where(JobImage.image_id == image_id, JobImage.institution_id == inst))
        if not (via_record or via_job):
            raise PermissionDenied(f"{self.actor.login} may not see image {image_id}: it belongs to another "
                                   "institution")
        return img

    # --- adding -----------------------------------------------------------------------

    def _store_file(self, path: str | os.PathLike[str], name: str | None, root: Path) -> Any:
        try:
            return self.store(root).add(path, name=name)
        except ImageError as exc:
            raise ValidationError(FieldProblem("file", str(exc), os.fspath(path))) from None
        except StoreMissing:
            raise location.StoreUnavailable(msg("images.store_missing", path=root, right=root)) from None
        except OSError as exc:
            raise location.StoreUnavailable(msg("images.store_write_failed", path=root,
                                                reason=exc.strerror or exc)) from None

    def _insert_image(self, s: Session, entry: Any) -> tuple[StoredImage, bool]:
        row = s.scalar(select(StoredImage).where(StoredImage.sha256 == entry.sha256))
        if row is not None:
            return row, False
        row = StoredImage(
            sha256=entry.sha256, relpath=entry.relpath, original_name=(entry.original_name or "")[:255] or None,
            format=entry.format, width=entry.width, height=entry.height, pages=entry.pages, dpi=entry.dpi,
            bit_depth=entry.bit_depth, size=entry.size, institution_id=self.actor.institution_id,
            added_by=self.actor.user_id,
        )
        s.add(row)
        s.flush()
        audit.record_create(s, self.actor, ENTITY_IMAGE, row.id, {
            "sha256": row.sha256, "original_name": row.original_name, "format": row.format,
            "width": row.width, "height": row.height, "pages": row.pages, "dpi": row.dpi, "size": row.size})
        return row, True

    def _add_then(self, path: str | os.PathLike[str], name: str | None, then: Any) -> Any:
        """Store the file, then run ``then(session, row, created, root)`` in the same transaction as the
        image row; if the transaction fails, a file this call put in the store is removed again."""
        with self.ctx.read() as s:
            loc = location.locate(self.ctx.db, s, self._store_dir)
        claimed: str | None = None
        if loc.store_id is None and loc.path is not None:
            # The first image claims the store folder; check the file before anything is written,
            # and give the claim back if the image is refused after all.
            try:
                validate_image(path, name, max_pixels=self.max_pixels, max_bytes=self.max_bytes)
            except ImageError as exc:
                raise ValidationError(FieldProblem("file", str(exc), os.fspath(path))) from None
        root = self.store_root()
        if loc.store_id is None:
            with self.ctx.read() as s:
                claimed = system.get(s, location.KEY_ID)
        entry = None
        try:
            entry = self._store_file(path, name, root)
            with self.ctx.write() as s:
                row, created = self._insert_image(s, entry)
                return then(s, row, created, root)
        except BaseException:
            if entry is not None and entry.created:
                _remove_store_file(root / entry.relpath)
            if claimed is not None:
                location.unclaim(self.ctx.db, root, claimed)
            raise

    def add_image(self, path: str | os.PathLike[str], *, name: str | None = None) -> ImageInfo:
        """Copy a scan into the image store and register it; return it (``created`` False when the same
        content was already there — nothing is duplicated).

        The original file is only read. A file that is missing, empty, truncated, not a TIFF/JPEG/PNG or
        over the pixel limit raises :class:`ValidationError` (field ``file``) naming the file and the
        reason, and nothing is written. Needs the role census, restorer or admin.
        """
        self._require_image_staff("add images")
        return self._add_then(path, name or Path(os.fspath(path)).name,
                              lambda s, row, created, root: self._info(row, root, created=created))

    def get_image(self, image_id: int) -> ImageInfo:
        """A stored image the actor may see (NotFound / PermissionDenied otherwise)."""
        with self.ctx.read() as s:
            row = self._image(s, image_id)
        return self._info(row, self.store_root())

    def image_path(self, image_id: int) -> Path:
        """Absolute path of the master file (read it, never write it). NotFound if the store lost it."""
        info = self.get_image(image_id)
        p = Path(info.path)
        if not p.exists():
            raise NotFound(msg("images.file_missing", image=image_id, relpath=info.relpath,
                               path=p.parent.parent.parent))
        return p

    def find_image(self, sha256: str) -> ImageInfo | None:
        """The stored image with this content hash, if the actor may see it."""
        with self.ctx.read() as s:
            row_id = s.scalar(select(StoredImage.id).where(StoredImage.sha256 == sha256.lower()))
            found = None if row_id is None else self._image(s, row_id)
        return None if found is None else self._info(found, self.store_root())

    # --- record attachments ---------------------------------------------------------------

    def _attach_record_row(self, s: Session, row: StoredImage, record_id: int, role: str,
                           caption: str | None, root: Path) -> AttachedImage:
        rec = self._record_for_change(s, record_id, "attach images to this record")
        if s.scalar(select(RecordImage.id).where(RecordImage.record_id == record_id,
                                                 RecordImage.image_id == row.id)) is not None:
            raise Conflict(f"this image is already attached to {rec.census_number}")
        seq = (s.scalar(select(func.max(RecordImage.seq)).where(RecordImage.record_id == record_id)) or 0) + 1
        att = RecordImage(record_id=record_id, image_id=row.id, role=role, caption=caption, seq=seq,
                          added_by=self.actor.user_id)
        s.add(att)
        s.flush()
        audit.record(s, self.actor, "attach_image", "census_record", record_id,
                     {"image": [None, row.sha256], "role": [None, role], "caption": [None, caption]})
        return AttachedImage(att.id, "record", record_id, role, caption, seq, self._info(row, root))

    def attach_to_record(self, image_id: int, record_id: int, role: str = "書影",
                         caption: str | None = None) -> AttachedImage:
        """Show a stored image with a census record, last in its list.

        ``role``: one of :data:`RECORD_ROLES` (simplified forms accepted). Refused (nothing written): an
        unknown role or over-long caption (ValidationError), a record of another institution or an actor
        without the census/restorer role (PermissionDenied), a locked record or an image already
        attached (Conflict).
        """
        role = record_role(role)
        caption = _caption(caption)
        root = self.store_root()
        with self.ctx.write() as s:
            return self._attach_record_row(s, self._image(s, image_id), record_id, role, caption, root)

    def add_to_record(self, path: str | os.PathLike[str], record_id: int, role: str = "書影",
                      caption: str | None = None, *, name: str | None = None) -> AttachedImage:
        """Add a scan and attach it to a record in one step (what ``guji imaging attach`` does).

        Role, caption and the permission on the record are checked before the file is stored, and the
        image row and the attachment are written in one transaction: if anything is refused, nothing
        (neither file nor row) is left behind.
        """
        role = record_role(role)
        caption = _caption(caption)
        with self.ctx.read() as s:
            self._record_for_change(s, record_id, "attach images to this record")
        return self._add_then(path, name or Path(os.fspath(path)).name,
                              lambda s, row, created, root: self._attach_record_row(s, row, record_id, role,
                                                                                    caption, root))

    def images_of_record(self, record_id: int) -> list[AttachedImage]:
        """The record's images in their order (anyone who may see the record)."""
        with self.ctx.read() as s:
            self._record(s, record_id)
            rows = s.execute(select(RecordImage, StoredImage).join(StoredImage, StoredImage.id == RecordImage.image_id)
                             .where(RecordImage.record_id == record_id)
                             .order_by(RecordImage.seq, RecordImage.id)).all()
        if not rows:
            return []  # nothing to find: the store is not needed (nor required to be set)
        root = self.store_root()
        return [AttachedImage(a.id, "record", a.record_id, a.role, a.caption, a.seq, self._info(img, root))
                for a, img in rows]

    def update_record_image(self, attachment_id: int, *, role: str | None = None, caption: str | None = None,
                            seq: int | None = None) -> AttachedImage:
        """Change the role, caption or place of a record image (same rules as attaching).
        An empty caption clears it; ``None`` leaves a value as it is."""
        new_role = record_role(role) if role is not None else None
        new_caption = _caption(caption) if caption is not None else None
        root = self.store_root()
        with self.ctx.write() as s:
            att = s.get(RecordImage, attachment_id)
            if att is None:
                raise NotFound(f"no record image with id {attachment_id}")
            self._record_for_change(s, att.record_id, "change the images of this record")
            before = audit.snapshot(att, ("role", "caption", "seq"))
            if new_role is not None:
                att.role = new_role
            if caption is not None:
                att.caption = new_caption
            if seq is not None:
                att.seq = int(seq)
            s.flush()
            audit.record_update(s, self.actor, "census_record", att.record_id, before,
                                audit.snapshot(att, ("role", "caption", "seq")), action="update_image")
            img = s.get(StoredImage, att.image_id)
            assert img is not None
            return AttachedImage(att.id, "record", att.record_id, att.role, att.caption, att.seq, self._info(img, root))

    # --- job attachments -------------------------------------------------------------------

    def _require_restorer(self, action: str) -> None:
        if not self.actor.has(Role.RESTORER, Role.ADMIN):
            raise PermissionDenied(f"{self.actor.login} may not {action}: needs the role 修复师 (restorer)")

    def _attach_job_row(self, s: Session, row: StoredImage, job_id: int, stage: str, caption: str | None,
                        root: Path, *, reuse: bool = False) -> AttachedImage:
        existing = s.scalar(select(JobImage).where(JobImage.job_id == job_id, JobImage.image_id == row.id))
        if existing is not None:
            if reuse:
                return AttachedImage(existing.id, "job", job_id, existing.stage, existing.caption, existing.seq,
                                     self._info(row, root))
            raise Conflict(f"this image is already attached to job {job_id}")
        self._job_visible(s, job_id)
        seq = (s.scalar(select(func.max(JobImage.seq)).where(JobImage.job_id == job_id)) or 0) + 1
        att = JobImage(job_id=job_id, image_id=row.id, institution_id=self.actor.institution_id, stage=stage,
                       caption=caption, seq=seq, added_by=self.actor.user_id)
        s.add(att)
        s.flush()
        audit.record(s, self.actor, "attach_image", "restoration_job", job_id,
                     {"image": [None, row.sha256], "stage": [None, stage], "caption": [None, caption]})
        return AttachedImage(att.id, "job", job_id, stage, caption, seq, self._info(row, root))

    def _job_args(self, job_id: int, stage: str, caption: str | None) -> tuple[str, str | None]:
        stage = job_stage(stage)
        caption = _caption(caption)
        self._require_restorer("attach images to restoration jobs")
        if not isinstance(job_id, int) or isinstance(job_id, bool) or job_id <= 0:
            raise ValidationError(FieldProblem("job_id", "must be a positive job id", job_id))
        return stage, caption

    def attach_to_job(self, image_id: int, job_id: int, stage: str, caption: str | None = None) -> AttachedImage:
        """Attach a stored image to a restoration job at a stage (before/during/after).

        Restorers (and administrators) only; the attachment belongs to the restorer's institution, and
        only that institution (and the centre) sees it. The job id is not checked against the
        restoration tables (see :class:`guji.images.models.JobImage`): the restoration service calls this
        for jobs it has already checked.
        """
        stage, caption = self._job_args(job_id, stage, caption)
        root = self.store_root()
        with self.ctx.write() as s:
            return self._attach_job_row(s, self._image(s, image_id), job_id, stage, caption, root)

    def add_to_job(self, path: str | os.PathLike[str], job_id: int, stage: str, caption: str | None = None, *,
                   name: str | None = None, within: Callable[[Session, AttachedImage], Any] | None = None
                   ) -> AttachedImage:
        """Add a scan and attach it to a restoration job in one step (an image already attached to the job
        is reused, not refused).

        Same checks as :meth:`add_image` (the file) and :meth:`attach_to_job` (stage, caption, role),
        made before the file is stored. ``within(session, attached)``, when given, runs in the same
        transaction as the image row and the attachment (the restoration service writes its photograph
        row there): if it, or anything else, raises, the transaction rolls back and a file this call put
        in the store is removed again, so nothing is left behind.
        """
        stage, caption = self._job_args(job_id, stage, caption)
        with self.ctx.read() as s:
            self._job_visible(s, job_id)

        def then(s: Session, row: StoredImage, created: bool, root: Path) -> AttachedImage:
            att = self._attach_job_row(s, row, job_id, stage, caption, root, reuse=True)
            if within is not None:
                within(s, att)
            return att

        return self._add_then(path, name or Path(os.fspath(path)).name, then)

    def link_job_image(self, s: Session, sha256: str, job_id: int, stage: str,
                       caption: str | None = None) -> AttachedImage | None:
        """In the caller's transaction ``s``: the stored image with this content hash attached to the job
        (attaching it now if it is not yet), or None when the store has no such image.

        For the restoration service, which has checked the job already. PermissionDenied when the image
        belongs to another institution; same role and stage rules as :meth:`attach_to_job`.
        """
        stage, caption = self._job_args(job_id, stage, caption)
        image_id = s.scalar(select(StoredImage.id).where(StoredImage.sha256 == sha256.strip().lower()))
        if image_id is None:
            return None
        # Inside the caller's write transaction: check the store, never claim it (that writes).
        root = self.store_root(create=False)
        return self._attach_job_row(s, self._image(s, image_id), job_id, stage, caption, root, reuse=True)

    def job_image_paths(self, s: Session, hashes: Iterable[str]) -> dict[str, str]:
        """In the caller's read transaction: ``{sha256: absolute path of the master}`` for those of
        ``hashes`` the store holds (a hash whose row exists but whose file is missing is left out).
        No permission check: the caller passes the hashes of a job it has already checked.
        StoreUnavailable when the database's store cannot be used here (rather than a report
        quietly without its photographs); a path of the wrong form is a GujiError, nothing read."""
        wanted = {h.strip().lower() for h in hashes if h}
        if not wanted:
            return {}
        rows = s.execute(select(StoredImage.id, StoredImage.sha256, StoredImage.relpath)
                         .where(StoredImage.sha256.in_(sorted(wanted)))).all()
        if not rows:
            return {}
        root = self.store_root(create=False)
        out: dict[str, str] = {}
        for image_id, sha, rel in rows:
            p = Path(self._abs(root, rel, image_id))
            if p.is_file():
                out[sha] = str(p)
        return out

    def _job_owners(self, s: Session, job_id: int) -> list[int | None]:
        """(holding institution, workshop) of a restoration job, from the restoration capability's
        owner registered with the audit log; NotFound when there is no such job."""
        owners = audit.owners_of(s, "restoration_job", job_id)
        if not owners:
            raise NotFound(msg("images.no_job", job=job_id))
        return owners

    def _job_visible(self, s: Session, job_id: int) -> None:
        """Refuse a job the actor may not change images of: only the institution that performs it
        (its own workshop, or the one it was sent to) and administrators attach to a job."""
        holding, workshop = (self._job_owners(s, job_id) + [None])[:2]
        performer = workshop if workshop is not None else holding
        if self.actor.has(Role.ADMIN) or performer == self.actor.institution_id:
            return
        raise PermissionDenied(f"{self.actor.login} may not change job {job_id}: it belongs to another institution")

    def images_of_job(self, job_id: int) -> list[AttachedImage]:
        """The job's images, before → during → after, each stage in order."""
        order = {st: i for i, st in enumerate(JOB_STAGES)}
        with self.ctx.read() as s:
            if not visibility.may_see(self.actor, *self._job_owners(s, job_id)):
                raise PermissionDenied(msg("perm.other_institution", login=self.actor.login))
            # Whoever may see the job sees all its images (its workshop's too).
            rows = s.execute(select(JobImage, StoredImage).join(StoredImage, StoredImage.id == JobImage.image_id)
                             .where(JobImage.job_id == job_id)).all()
        if not rows:
            return []
        root = self.store_root()
        out = [AttachedImage(a.id, "job", a.job_id, a.stage, a.caption, a.seq, self._info(img, root))
               for a, img in rows]
        return sorted(out, key=lambda a: (order.get(a.role, 9), a.seq, a.attachment_id))

    # --- detaching -------------------------------------------------------------------------

    def detach(self, attachment_id: int, *, kind: str = "record") -> Changes:
        """Remove an image from a record (``kind="record"``) or a job (``kind="job"``).

        The stored master stays (other records may show it, and masters are kept). Same permissions as
        attaching; a locked record refuses (Conflict).
        """
        with self.ctx.write() as s:
            if kind == "record":
                att = s.get(RecordImage, attachment_id)
                if att is None:
                    raise NotFound(f"no record image with id {attachment_id}")
                self._record_for_change(s, att.record_id, "remove images from this record")
                img = s.get(StoredImage, att.image_id)
                audit.record(s, self.actor, "detach_image", "census_record", att.record_id,
                             {"image": [img.sha256 if img else att.image_id, None], "role": [att.role, None]})
                owner = att.record_id
                s.delete(att)
                return Changes.of(ENTITY_RECORD_IMAGE, [owner], record_id=owner)
            if kind == "job":
                jatt = s.get(JobImage, attachment_id)
                if jatt is None:
                    raise NotFound(f"no job image with id {attachment_id}")
                self._require_restorer("remove images from restoration jobs")
                if not self._sees_all() and jatt.institution_id != self.actor.institution_id:
                    raise PermissionDenied(f"{self.actor.login} may not change job {jatt.job_id}: it belongs to "
                                           "another institution")
                img = s.get(StoredImage, jatt.image_id)
                audit.record(s, self.actor, "detach_image", "restoration_job", jatt.job_id,
                             {"image": [img.sha256 if img else jatt.image_id, None], "stage": [jatt.stage, None]})
                owner = jatt.job_id
                s.delete(jatt)
                return Changes.of(ENTITY_JOB_IMAGE, [owner], job_id=owner)
        raise ValidationError(FieldProblem("kind", f"{kind!r} is not record or job", kind))

    # --- analysis ----------------------------------------------------------------------------

    def analysis_input(self, image_id: int, dpi: float | None = None) -> tuple[str, float | None]:
        """``(path, dpi)`` to analyse an image with :func:`imaging.batch.analyze_file` (on a process pool,
        say); ``dpi`` is the one given, else the file's. Checks the actor may see the image."""
        info = self.get_image(image_id)
        if not Path(info.path).exists():
            raise NotFound(msg("images.file_missing", image=image_id, relpath=info.relpath,
                               path=Path(info.path).parent.parent.parent))
        return info.path, (dpi if dpi is not None else info.dpi)

    def stored_analysis(self, image_id: int, *, page: int = 0, dpi: float | None = None) -> dict[str, Any] | None:
        """The stored analysis of the current analyser version, else None.

        With ``dpi``, the result is given at that resolution (``dpi`` and the frames' cm recomputed from
        their pixel boxes): the pixel analysis does not depend on the resolution, so a corrected DPI
        needs no second analysis.
        """
        with self.ctx.read() as s:
            self._image(s, image_id)
            row = s.scalar(select(ImageAnalysis).where(
                ImageAnalysis.image_id == image_id, ImageAnalysis.page == page,
                ImageAnalysis.analyzer_version == analyzer_version()).order_by(ImageAnalysis.id.desc()).limit(1))
            if row is None:
                return None
            result = dict(row.result)
        return with_dpi(result, dpi) if dpi is not None else result

    def save_analysis(self, image_id: int, result: dict[str, Any], *, page: int = 0,
                      version: str | None = None) -> Changes:
        """Store an analysis result (the dict :func:`imaging.analyze.analyze` returns), replacing the
        earlier one of the same analyser version. Census staff, restorers, administrators."""
        self._require_image_staff("store image analyses")
        for key in ("width", "height", "page_box", "frames"):
            if key not in result:
                raise ValidationError(FieldProblem("result", f"an analysis result needs {key!r}", key))
        version = version or analyzer_version()
        with self.ctx.write() as s:
            img = self._image(s, image_id)
            s.execute(delete(ImageAnalysis).where(ImageAnalysis.image_id == image_id, ImageAnalysis.page == page,
                                                  ImageAnalysis.analyzer_version == version))
            clean = audit.jsonable(result)
            clean["path"] = img.relpath  # not the temporary or worker path it was computed from
            s.add(ImageAnalysis(image_id=image_id, page=page, analyzer_version=version, dpi=result.get("dpi"),
                                result=clean, created_by=self.actor.user_id))
            summary = {"analyzer_version": [None, version], "skew_deg": [None, result.get("skew_deg")],
                       "frames": [None, [f.get("box") for f in result.get("frames") or []]],
                       "damage_pct": [None, result.get("damage_pct")]}
            audit.record(s, self.actor, "analyze", ENTITY_IMAGE, image_id, summary)
        return Changes.of(ENTITY_IMAGE, [image_id], analysed=True)

    def analyze(self, image_id: int, *, page: int = 0, dpi: float | None = None,
                force: bool = False) -> dict[str, Any]:
        """The page analysis of a stored image: the stored one if the current analyser made it (and
        ``force`` is False), else computed now (about a second a page, outside any transaction) and stored.

        ``dpi`` overrides the file's resolution (the frame size in cm depends on it).
        """
        path, file_dpi = self.analysis_input(image_id)
        if not force:
            cached = self.stored_analysis(image_id, page=page, dpi=dpi)
            if cached is not None:
                return cached
        from imaging.batch import analyze_file

        try:
            result = analyze_file(path, file_dpi, page=page)  # stored at the file's own resolution
        except ImageError as exc:
            raise ValidationError(FieldProblem("file", str(exc), path)) from None
        self.save_analysis(image_id, result, page=page)
        return self.stored_analysis(image_id, page=page, dpi=dpi) or result

    # --- frame size into the record ---------------------------------------------------------------

    def measured_frame(self, image_id: int, *,
                       dpi: float | None = None) -> tuple[Decimal, Decimal, bool, int | None, float]:
        """``(height_cm, width_cm, is_half, lines, dpi)`` measured on an image (analysing it if needed).

        Catalogues record the frame of a half-leaf (半框): on an uncut leaf (the analysis found the 版心
        split) the width is that of the right half-leaf, read first (前半葉), from the outer edge of
        its frame to the 版心 centre, and ``is_half`` is True; otherwise the frame as found. Raises
        ValidationError when no frame was found or the resolution is unknown.
        """
        result = self.analyze(image_id, dpi=dpi)
        frames = result.get("frames") or []
        if not frames:
            raise ValidationError(FieldProblem("frame_height_cm", "no block frame (版框) was found on this image"))
        eff = dpi if dpi is not None else result.get("dpi")
        if not eff:
            raise ValidationError(FieldProblem(
                "frame_height_cm", "the image has no resolution (DPI), so its frame cannot be measured in cm; "
                                   "give the scanning resolution"))
        x0, y0, x1, y1 = frames[0]["box"]
        split = result.get("split_x")
        half = split is not None and x0 < split < x1
        width_px = (x1 - split) if half else (x1 - x0)
        return _cm(y1 - y0, eff), _cm(width_px, eff), half, result.get("lines_per_half_leaf"), float(eff)

    def apply_measured_frame(self, record_id: int, image_id: int, *, dpi: float | None = None,
                             expected_version: int | None = None) -> FrameApplied:
        """Fill the record's 版框 (frame_height_cm, frame_width_cm, measured to the outer edge) from the
        frame measured on an image, and 行數 (lines_per_half_leaf) when the record has none.

        Saved through :meth:`CensusService.update_record`, so its validation (a frame outside 5–60 cm is
        refused), permissions (census staff of the record's institution), locking (a submitted or
        approved record is refused with Conflict), version check and audit all apply; nothing is written
        when it refuses.
        """
        h, w, half, lines, eff = self.measured_frame(image_id, dpi=dpi)
        view = self.census.get_record(record_id)
        data = view.data
        data.frame_height_cm, data.frame_width_cm = h, w
        data.frame_edge = "outer"  # the analysis measures to the outer edge of the outer line
        if half:
            data.frame_is_half = True
        filled = False
        if data.lines_per_half_leaf is None and lines is not None:
            data.lines_per_half_leaf = lines
            filled = True
        saved: SaveResult = self.census.update_record(
            record_id, data, expected_version=expected_version if expected_version is not None else view.version)
        return FrameApplied(record_id, saved.census_number, h, w, data.frame_is_half,
                            data.lines_per_half_leaf, filled, eff, list(saved.warnings), saved.changes)

    # --- derivatives ---------------------------------------------------------------------------------

    @staticmethod
    def _options(deskew: bool, crop: bool, split: bool) -> str:
        return "+".join(n for n, on in (("deskew", deskew), ("crop", crop), ("split", split)) if on) or "none"

    def make_derivatives(self, image_id: int, *, deskew: bool = True, crop: bool = True, split: bool = True,
                         kinds: tuple[str, ...] = ("print", "web", "thumb")) -> list[DerivativeInfo]:
        """Write the processed copies of a stored image (print/web/thumb JPEGs of the page or its two
        half-leaves) into the derivative store and record them, replacing earlier ones made with the same
        options. The master is never modified."""
        from imaging.derivatives import geometry_from_analysis, make_derivatives
        from imaging.io import load_image

        self._require_image_staff("make derivatives")
        result = self.analyze(image_id)
        path, dpi = self.analysis_input(image_id)
        options = self._options(deskew, crop, split)
        store = self.derivative_store()
        entries = []
        with tempfile.TemporaryDirectory(prefix="guji-deriv-") as tmp:
            try:
                img = load_image(path, dpi=dpi, max_pixels=self.max_pixels, max_bytes=self.max_bytes)
                geo = geometry_from_analysis(result, deskew=deskew, crop=crop, split=split)
                files = make_derivatives(img, tmp, "page", kinds=kinds, **geo)
            except (ImageError, ValueError) as exc:
                raise ValidationError(FieldProblem("file", str(exc), path)) from None
            for f in files:
                entries.append((f, store.add(f.path, name=Path(f.path).name)))
        with self.ctx.write() as s:
            self._image(s, image_id)
            s.execute(delete(ImageDerivative).where(ImageDerivative.image_id == image_id,
                                                    ImageDerivative.options == options))
            for f, e in entries:
                s.add(ImageDerivative(image_id=image_id, options=options, kind=f.kind, part=f.part or "page",
                                      sha256=e.sha256, relpath=e.relpath, width=f.width, height=f.height, dpi=f.dpi))
            audit.record(s, self.actor, "derivatives", ENTITY_IMAGE, image_id,
                         {"derivatives": [None, options], "files": [None, len(entries)]})
        return self.derivatives_of(image_id, options=options)

    def derivatives_of(self, image_id: int, *, options: str | None = None,
                       kind: str | None = None) -> list[DerivativeInfo]:
        """Recorded derivative files of an image (absolute paths), filtered by options/kind when given."""
        with self.ctx.read() as s:
            self._image(s, image_id)
            stmt = select(ImageDerivative).where(ImageDerivative.image_id == image_id)
            if options is not None:
                stmt = stmt.where(ImageDerivative.options == options)
            if kind is not None:
                stmt = stmt.where(ImageDerivative.kind == kind)
            rows = list(s.scalars(stmt.order_by(ImageDerivative.options, ImageDerivative.part, ImageDerivative.kind)))
        if not rows:
            return []
        root = self.store_root() / "derivatives"
        return [DerivativeInfo(d.id, d.image_id, d.options, d.kind, d.part, self._abs(root, d.relpath, d.image_id),
                               d.width, d.height, d.dpi) for d in rows]

    # --- listing ---------------------------------------------------------------------------------------

    def list_images(self, *, limit: int = 200) -> list[ImageInfo]:
        """Images the actor may see, newest first (their institution's, or all for the centre)."""
        with self.ctx.read() as s:
            stmt = select(StoredImage).order_by(StoredImage.id.desc()).limit(limit)
            if not self._sees_all():
                inst = self.actor.institution_id or -1
                attached = select(RecordImage.image_id).join(CensusRecord, CensusRecord.id == RecordImage.record_id) \
                    .where(CensusRecord.institution_id == inst)
                stmt = stmt.where(or_(StoredImage.institution_id == inst, StoredImage.id.in_(attached)))
            rows = list(s.scalars(stmt))
        if not rows:
            return []
        root = self.store_root()
        return [self._info(r, root) for r in rows]
