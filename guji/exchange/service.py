"""``ExchangeService``: institution keys and signed exchange packages as user actions.

Export (census staff or administrators, for their own institution; centre staff also
for a unit, the way back): census XML of the holder's records, the images they and
the holder's restoration archives cite, review rounds with field comments, the
archives, a manifest of every member's SHA-256 with the signer, a per-signer
sequence number and the audit chain head, signed with the institution's Ed25519
key. The records exported are marked (exchange hashes) and the package is logged
and audited in one transaction.

Import (administrators): the package is checked completely before the database is
touched — structure and budgets, the signer's registered and unrevoked key, the
signature over the manifest, every member's size and SHA-256, every image's bytes
against its name, the sequence against the last package taken from that signer (a
lower or equal number is refused; the very same package again is a no-op that says
so). Then everything is merged in ONE transaction (records with review as law, see
:mod:`export.census_xml_import`; rounds; images; archives) with one audit row for the
package; any refusal rolls it all back and removes image files this import put in
the store.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import guji
from guji.db import audit_chain
from guji.db.base import utcnow
from guji.errors import Conflict, NotFound, PermissionDenied, ValidationError
from guji.exchange import archives, keys, package
from guji.exchange.models import ExchangeMark, ExchangePackage, InstitutionKey
from guji.exchange.package import Budget, PackageRefused
from guji.images import location
from guji.images.models import StoredImage
from guji.jobs import Progress
from guji.messages import msg
from guji.models.institution import Institution
from guji.models.user import Role
from guji.services import audit
from guji.services.context import Actor, ServiceContext
from imaging.io import ImageError
from imaging.store import BadStorePath, check_relpath, hash_file, validate_image
from restoration.models import RestorationJob

ENTITY_KEY = "institution_key"
ENTITY_PACKAGE = "exchange_package"


@dataclass(frozen=True)
class KeyView:
    id: int
    institution_code: str
    fingerprint: str
    registered_by: str | None
    registered_at: dt.datetime
    revoked_at: dt.datetime | None


@dataclass(frozen=True)
class ExportResult:
    path: str
    institution: str
    holder: str
    sequence: int
    records: int
    images: int
    rounds: int
    jobs: int
    fingerprint: str
    audit_chain_head: str | None
    manifest_sha256: str
    since: dt.datetime | None


@dataclass
class PackageImportReport:
    """What a package import did (or, dry run, would do)."""

    dry_run: bool
    institution: str
    sequence: int
    fingerprint: str
    audit_chain_head: str | None
    already: bool = False  # the very same package was imported before: nothing changed
    already_at: dt.datetime | None = None
    census: Any = None  # export.census_xml_import.ImportReport
    images_new: int = 0
    images_known: int = 0
    attachments_new: int = 0
    rounds_new: int = 0
    rounds_known: int = 0
    jobs_new: list[str] = field(default_factory=list)
    jobs_updated: list[str] = field(default_factory=list)
    jobs_unchanged: list[str] = field(default_factory=list)
    jobs_kept_local: list[str] = field(default_factory=list)
    jobs_conflicts: list[tuple[str, str, list[str]]] = field(default_factory=list)  # job, why, parts differing
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        census = self.census.summary() if self.census is not None else {}
        return {
            "dry_run": self.dry_run, "already_imported": self.already, "institution": self.institution,
            "sequence": self.sequence, "fingerprint": self.fingerprint, "audit_chain_head": self.audit_chain_head,
            "records": census, "images_new": self.images_new, "images_known": self.images_known,
            "attachments_new": self.attachments_new, "rounds_new": self.rounds_new,
            "rounds_known": self.rounds_known, "jobs_new": len(self.jobs_new),
            "jobs_updated": len(self.jobs_updated), "jobs_unchanged": len(self.jobs_unchanged),
            "jobs_kept_local": len(self.jobs_kept_local), "jobs_conflicts": len(self.jobs_conflicts),
        }


class _Rollback(Exception):
    """Raised inside a dry run's transaction so that nothing is committed."""


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


class ExchangeService:
    """``app.exchange`` (or ``ExchangeService(app)``): keys, package export and import."""

    def __init__(self, app: Any):
        self.app = app
        self.ctx: ServiceContext = app.ctx

    @property
    def actor(self) -> Actor:
        return self.ctx.actor

    # ------------------------------------------------------------------ keys

    def _institution(self, s: Session, code: str) -> Institution:
        from guji.services.institutions import parse_institution_code

        region, unit = parse_institution_code(code)
        inst = s.scalar(select(Institution).where(Institution.region_code == region, Institution.unit_code == unit))
        if inst is None:
            raise NotFound(f"no institution with the code {code}")
        return inst

    def generate_key(self, path: str | os.PathLike[str] | None = None, *, institution: str | None = None,
                     force: bool = False) -> keys.KeyPair:
        """Make the key pair of an institution on this desk (its census staff or an administrator):
        the private key goes to ``path`` (default: the user's data folder, one file per institution
        code), mode 0600; register the returned public key at the other side."""
        a = self.actor
        if not a.has(Role.CENSUS, Role.ADMIN):
            raise PermissionDenied(msg("exchange.export.denied", login=a.login))
        code = institution or a.institution_code
        if code is None:
            raise PermissionDenied(msg("exchange.export.no_institution", login=a.login))
        if code != a.institution_code and not a.has(Role.ADMIN):
            raise PermissionDenied(msg("exchange.export.other_institution", login=a.login, own=a.institution_code,
                                       code=code))
        with self.ctx.read() as s:
            code = self._institution(s, code).code
        return keys.generate(path or keys.default_key_path(code), force=force)

    def register_key(self, institution: str, public_pem: bytes, *, label: str = "the public key",
                     note: str | None = None) -> KeyView:
        """Register an institution's public key (administrators; audited). The same key twice is refused."""
        a = self.actor
        if not a.has(Role.ADMIN):
            raise PermissionDenied(msg("exchange.key.admin_only", login=a.login))
        raw = keys.parse_public(public_pem, label)
        fp = keys.fingerprint(raw)
        with self.ctx.write() as s:
            inst = self._institution(s, institution)
            existing = s.scalar(select(InstitutionKey).where(InstitutionKey.fingerprint == fp))
            if existing is not None:
                owner = s.get(Institution, existing.institution_id)
                key = ("exchange.key.already" if existing.institution_id == inst.id
                       else "exchange.key.registered_elsewhere")
                raise Conflict(msg(key, fingerprint=fp, code=owner.code if owner else "?"))
            row = InstitutionKey(institution_id=inst.id, public_key=raw.hex(), fingerprint=fp,
                                 registered_by=a.user_id, registered_at=utcnow(), note=note)
            s.add(row)
            try:
                s.flush()
            except IntegrityError:
                raise Conflict(msg("exchange.key.already", fingerprint=fp, code=inst.code)) from None
            audit.record(s, a, "register_key", ENTITY_KEY, row.id,
                         {"institution": [None, inst.code], "fingerprint": [None, fp]}, note=note)
            return self._view(row, inst.code, a.login)

    def revoke_key(self, fingerprint: str) -> KeyView:
        """Revoke a registered key (administrators; audited): its packages are refused from now on."""
        a = self.actor
        if not a.has(Role.ADMIN):
            raise PermissionDenied(msg("exchange.key.admin_only", login=a.login))
        with self.ctx.write() as s:
            row = s.scalar(select(InstitutionKey).where(InstitutionKey.fingerprint == fingerprint.strip().lower())
                           .with_for_update())
            if row is None:
                raise NotFound(msg("exchange.key.unknown_fingerprint", fingerprint=fingerprint))
            if row.revoked_at is not None:
                raise Conflict(msg("exchange.key.revoked_already", fingerprint=row.fingerprint,
                                   when=row.revoked_at.isoformat(timespec="seconds")))
            row.revoked_at, row.revoked_by = utcnow(), a.user_id
            inst = s.get(Institution, row.institution_id)
            code = inst.code if inst else "?"
            audit.record(s, a, "revoke_key", ENTITY_KEY, row.id, {"revoked_at": [None, _iso(row.revoked_at)]},
                         note=f"{code} {row.fingerprint}")
            return self._view(row, code, None)

    def keys(self) -> list[KeyView]:
        """Every registered key (anyone signed in may look: public keys are public)."""
        with self.ctx.read() as s:
            codes = {i.id: i.code for i in s.scalars(select(Institution))}
            from guji.models.user import User

            logins = dict(s.execute(select(User.id, User.login)).all())
            return [self._view(k, codes.get(k.institution_id, "?"), logins.get(k.registered_by or -1))
                    for k in s.scalars(select(InstitutionKey).order_by(InstitutionKey.id))]

    @staticmethod
    def _view(row: InstitutionKey, code: str, by: str | None) -> KeyView:
        return KeyView(row.id, code, row.fingerprint, by, row.registered_at, row.revoked_at)

    # ------------------------------------------------------------------ export

    def export_package(self, out: str | os.PathLike[str], *, since_last: bool = False,
                       institution: str | None = None, key_path: str | os.PathLike[str] | None = None,
                       progress: Progress | None = None, cancel: threading.Event | None = None) -> ExportResult:
        """Write one signed package to ``out`` (see the module docstring); nothing is left at ``out``
        or marked if anything fails."""
        from guji.services.exports import apply_marks, marked_ids, write_stream

        a = self.actor
        if not a.has(Role.CENSUS, Role.ADMIN):
            raise PermissionDenied(msg("exchange.export.denied", login=a.login))
        if a.institution_id is None or a.institution_code is None:
            raise PermissionDenied(msg("exchange.export.no_institution", login=a.login))
        with self.ctx.read() as s:
            signer = s.get(Institution, a.institution_id)
            assert signer is not None
            holder = self._institution(s, institution) if institution else signer
            if holder.id != signer.id and not signer.is_centre:
                raise PermissionDenied(msg("exchange.export.other_institution", login=a.login, own=signer.code,
                                           code=holder.code))
            signer_code, holder_code, holder_id, signer_id = signer.code, holder.code, holder.id, signer.id
        path = Path(key_path) if key_path is not None else keys.default_key_path(signer_code)
        if key_path is None and not path.exists():
            raise keys.KeyFileError(msg("exchange.key.no_private", code=signer_code, path=path))
        private = keys.load_private(path)
        fp = keys.fingerprint(keys.raw_public(private.public_key()))
        with self.ctx.read() as s:
            revoked = s.scalar(select(InstitutionKey.revoked_at).where(InstitutionKey.fingerprint == fp))
            if revoked is not None:
                raise PermissionDenied(msg("exchange.key.revoked_own", path=path, fingerprint=fp))
            sequence = (s.scalar(select(func.max(ExchangePackage.sequence)).where(
                ExchangePackage.direction == "export", ExchangePackage.institution_id == signer_id)) or 0) + 1
            since = None
            if since_last:
                since = s.scalar(select(ExchangePackage.until).where(
                    ExchangePackage.direction == "export", ExchangePackage.institution_id == signer_id,
                    ExchangePackage.holder_id == holder_id).order_by(ExchangePackage.sequence.desc()).limit(1))
        until = utcnow()
        work = Path(tempfile.mkdtemp(prefix="guji-exchange-out-"))
        writer: package.PackageWriter | None = None
        marks = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
        try:
            xml_path = work / package.CENSUS
            with open(xml_path, "wb") as fh:
                n = write_stream(self.app, fh, institution=holder_code, since=since, marks=marks,
                                 progress=(lambda f, m: progress(f * 0.6, m)) if progress else None, cancel=cancel)
            ids = marked_ids(marks)
            with self.ctx.read() as s:
                people = archives.People(s, a, [])
                review_doc = archives.review_document(s, ids)
                images_doc = archives.images_document(s, ids)
                jobs: list[dict[str, Any]] = []
                job_marks: dict[str, str] = {}
                if holder_id == signer_id:
                    jobs, job_marks = self._jobs_to_send(s, people, holder_id, since_last)
                hashes = {i["sha256"] for i in images_doc["record_images"]}
                for doc in jobs:
                    hashes |= archives.job_images(doc)
                image_files = self._image_files(s, hashes)
            if cancel is not None and cancel.is_set():
                from guji.jobs import Cancelled as ExchangeCancelled

                raise ExchangeCancelled("export cancelled; no file was written")
            writer = package.PackageWriter(out)
            writer.add_file(package.CENSUS, xml_path)
            writer.add_bytes(package.REVIEW, package.canonical_json(review_doc))
            writer.add_bytes(package.IMAGES, package.canonical_json(images_doc))
            writer.add_bytes(package.RESTORATION, package.canonical_json({"jobs": jobs}))
            for i, (sha, (src, ext)) in enumerate(sorted(image_files.items())):
                writer.add_file(package.image_member(sha, ext), src, compress=False)
                if progress is not None:
                    progress(0.6 + 0.35 * (i + 1) / len(image_files), f"{i + 1} / {len(image_files)} images")
            with self.ctx.read() as s:
                head = audit_chain.head(s.connection())
            rounds = sum(len(v) for v in review_doc["records"].values())
            counts = {"records": n, "images": len(image_files), "rounds": rounds, "jobs": len(jobs)}
            chain_head = str(head) if head is not None else None
            header = {
                "institution": signer_code, "holder": holder_code, "sequence": sequence,
                "created_at": _iso(until), "since": _iso(since), "until": _iso(until),
                "exported_by": a.login, "software": f"guji {guji.__version__}",
                "audit_chain_head": chain_head, "signer_fingerprint": fp,
                "counts": counts,
            }
            manifest_sha = writer.finish(header, lambda data: keys.sign(private, data))
            finished = writer
            writer = None
            try:
                with self.ctx.write() as s:
                    apply_marks(s, marks)
                    for number, h in job_marks.items():
                        self._mark(s, number, h, h)
                    s.add(ExchangePackage(direction="export", institution_id=signer_id, holder_id=holder_id,
                                          sequence=sequence, manifest_sha256=manifest_sha, signer_fingerprint=fp,
                                          created_at=until, since=since, until=until, user_id=a.user_id,
                                          counts=counts))
                    s.flush()
                    audit.record(s, a, "export", ENTITY_PACKAGE, f"{signer_code}#{sequence}",
                                 {"sequence": sequence, "fingerprint": fp, "holder": holder_code,
                                  "manifest_sha256": manifest_sha, **counts,
                                  "since": _iso(since), "audit_chain_head": chain_head},
                                 note=f"exchange package {os.path.basename(os.fspath(out))}")
            except IntegrityError:
                finished.target.unlink(missing_ok=True)
                raise Conflict(msg("exchange.package.concurrent", code=signer_code, sequence=sequence)) from None
            except BaseException:
                finished.target.unlink(missing_ok=True)
                raise
        finally:
            if writer is not None:
                writer.abort()
            marks.close()
            shutil.rmtree(work, ignore_errors=True)
        if progress is not None:
            progress(1.0, f"{n} records")
        return ExportResult(os.fspath(out), signer_code, holder_code, sequence, n, len(image_files), rounds,
                            len(jobs), fp, chain_head, manifest_sha, since)

    def _jobs_to_send(self, s: Session, people: archives.People, holder_id: int,
                      since_last: bool) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """The holder's restoration archives (with ``since_last``: those changed since their last
        exchange, by their exchange mark) and the hash each is sent with."""
        codes = {i.id: i.code for i in s.scalars(select(Institution))}
        marks = {m.entity_key: m for m in s.scalars(select(ExchangeMark).where(
            ExchangeMark.entity == archives.JOB_ENTITY))}
        docs, hashes = [], {}
        for job in s.scalars(select(RestorationJob).where(RestorationJob.institution_id == holder_id)
                             .order_by(RestorationJob.id)):
            doc = archives.job_document(s, job, people, codes)
            h = archives.job_hash(doc)
            m = marks.get(job.job_number)
            if since_last and m is not None and m.here_hash == h:
                continue
            docs.append(doc)
            hashes[job.job_number] = h
        return docs, hashes

    def _image_files(self, s: Session, hashes: set[str]) -> dict[str, tuple[Path, str]]:
        """``{sha256: (file in the store, extension)}`` of the images cited; a cited image whose file is
        gone refuses the export (a package must carry what its documents cite)."""
        if not hashes:
            return {}
        rows = s.execute(select(StoredImage.id, StoredImage.sha256, StoredImage.relpath)
                         .where(StoredImage.sha256.in_(sorted(hashes)))).all()
        found = {sha for _, sha, _ in rows}
        for sha in sorted(hashes - found):
            raise ValidationError(msg("exchange.export.image_missing", sha256=sha, path="-"), "images")
        root = self.app.images.store_root(create=False)
        out: dict[str, tuple[Path, str]] = {}
        for _image_id, sha, rel in rows:
            try:
                p = root / check_relpath(rel)
            except BadStorePath:
                raise ValidationError(msg("exchange.export.image_missing", sha256=sha, path=rel), "images") from None
            if not p.is_file():
                raise ValidationError(msg("exchange.export.image_missing", sha256=sha, path=p), "images")
            out[sha] = (p, p.suffix.lstrip("."))
        return out

    @staticmethod
    def _mark(s: Session, number: str, there: str, here: str) -> None:
        row = s.get(ExchangeMark, (archives.JOB_ENTITY, number))
        if row is None:
            s.add(ExchangeMark(entity=archives.JOB_ENTITY, entity_key=number, there_hash=there, here_hash=here,
                               at=utcnow()))
        else:
            row.there_hash, row.here_hash, row.at = there, here, utcnow()

    # ------------------------------------------------------------------ import

    def import_package(self, path: str | os.PathLike[str], *, dry_run: bool = False, budget: Budget = Budget(),
                       progress: Progress | None = None, cancel: threading.Event | None = None) -> PackageImportReport:
        """Check and merge one package (administrators); see the module docstring. Raises
        :class:`PackageRefused` (and the census XML reader's errors) with nothing written."""
        a = self.actor
        if not a.has(Role.ADMIN):
            raise PermissionDenied(msg("exchange.import.denied", login=a.login))
        pkg = package.open_package(path, budget)
        try:
            return self._import(pkg, dry_run=dry_run, budget=budget, progress=progress, cancel=cancel)
        finally:
            pkg.close()

    def _import(self, pkg: package.OpenedPackage, *, dry_run: bool, budget: Budget, progress: Progress | None,
                cancel: threading.Event | None) -> PackageImportReport:
        from export.census_xml_import import ImportReport
        from guji.services.census_merge import Trust, merge_census_xml

        a = self.actor
        header = pkg.header
        fp, claimed, sequence = header["signer_fingerprint"], header["institution"], header["sequence"]
        head = header.get("audit_chain_head") if isinstance(header.get("audit_chain_head"), str) else None
        with self.ctx.read() as s:
            key = s.scalar(select(InstitutionKey).where(InstitutionKey.fingerprint == fp))
            if key is None:
                raise PackageRefused(msg("exchange.package.unknown_key", fingerprint=fp, code=claimed))
            signer = s.get(Institution, key.institution_id)
            assert signer is not None
            if key.revoked_at is not None:
                raise PackageRefused(msg("exchange.package.revoked_key", fingerprint=fp, code=signer.code,
                                         when=key.revoked_at.isoformat(timespec="seconds")))
            if signer.code != claimed:
                raise PackageRefused(msg("exchange.package.wrong_institution", claimed=claimed, code=signer.code))
            if not keys.verify(bytes.fromhex(key.public_key), pkg.signature, pkg.manifest_bytes):
                raise PackageRefused(msg("exchange.package.bad_signature", fingerprint=fp))
            report = PackageImportReport(dry_run, signer.code, sequence, fp, head)
            done = s.scalar(select(ExchangePackage).where(
                ExchangePackage.direction == "import", ExchangePackage.institution_id == signer.id,
                ExchangePackage.manifest_sha256 == pkg.manifest_sha256))
            if done is not None:
                report.already, report.already_at = True, done.at
                return report
            last = s.scalar(select(func.max(ExchangePackage.sequence)).where(
                ExchangePackage.direction == "import", ExchangePackage.institution_id == signer.id)) or 0
            if sequence <= last:
                raise PackageRefused(msg("exchange.package.replayed", code=signer.code, sequence=sequence, last=last))
            named = str(header["holder"])
            holder = s.scalar(select(Institution).where(
                Institution.region_code == named[:6], Institution.unit_code == named[7:]))
            if holder is None or holder.code != header["holder"]:
                raise PackageRefused(msg("exchange.package.unknown_holder", code=header["holder"]))
            if holder.id != signer.id and not signer.is_centre:
                raise PackageRefused(msg("exchange.package.foreign_record", number=holder.code, holder=holder.code,
                                         signer=signer.code))
            signer_id, holder_id, holder_code, centre = signer.id, holder.id, holder.code, signer.is_centre
            signer_code = signer.code
        # Sums: every member inflated under our own names and hashed against the manifest.
        pkg.extract(budget)
        if progress is not None:
            progress(0.1, "package verified")
        images: dict[str, Path] = {}
        infos: dict[str, Any] = {}
        for name in pkg.images():
            sha = package.image_hash(name)
            assert sha is not None
            if hash_file(pkg.extracted[name]) != sha:
                raise PackageRefused(msg("exchange.package.image_hash", name=name))
            try:
                info = validate_image(pkg.extracted[name], name, max_pixels=self.app.images.max_pixels,
                                      max_bytes=self.app.images.max_bytes)
                # What the store's entry would say; a dry run writes the rows from this (and rolls back).
                infos[sha] = SimpleNamespace(relpath=f"{sha[:2]}/{sha[2:4]}/{name.rsplit('/', 1)[1]}",
                                             size=pkg.declared[name][0], created=False,
                                             **{k: info[k] for k in ("format", "width", "height", "pages", "dpi",
                                                                     "bit_depth")})
            except ImageError as exc:
                raise PackageRefused(msg("exchange.package.image_invalid", name=name, reason=str(exc))) from None
            images[sha] = pkg.extracted[name]
        docs = {n: package.strict_json(pkg.read(n) or b"{}", n) for n in (package.REVIEW, package.IMAGES,
                                                                           package.RESTORATION)}
        jobs = docs[package.RESTORATION].get("jobs", []) if isinstance(docs[package.RESTORATION], dict) else None
        if not isinstance(jobs, list) or not all(isinstance(j, dict) for j in jobs):
            raise PackageRefused(msg("exchange.package.bad_json", name=package.RESTORATION, reason="jobs"))
        if not centre and any(j.get("institution") != signer_code for j in jobs):
            bad = next(j for j in jobs if j.get("institution") != signer_code)
            raise PackageRefused(msg("exchange.package.foreign_record", number=bad.get("job_number"),
                                     holder=bad.get("institution"), signer=signer_code))

        # Images into this database's store first (files are outside the transaction); a failed
        # import removes the files it added. A dry run only checks them (done above).
        created: list[Path] = []
        entries: dict[str, Any] = dict(infos) if dry_run else {}
        root: Path | None = None
        try:
            if images and not dry_run:
                with self.ctx.read() as s:
                    known = set(s.scalars(select(StoredImage.sha256).where(StoredImage.sha256.in_(sorted(images)))))
                root = self.app.images.store_root()
                store = self.app.images.store(root)
                for sha, src in images.items():
                    if sha in known:
                        continue
                    try:
                        entry = store.add(src)
                    except ImageError as exc:
                        raise PackageRefused(msg("exchange.package.image_invalid", name=sha, reason=str(exc))) from None
                    except OSError as exc:
                        raise location.StoreUnavailable(msg("images.store_write_failed", path=root,
                                                            reason=exc.strerror or exc)) from None
                    if entry.created:
                        created.append(root / entry.relpath)
                    entries[sha] = entry
            census = ImportReport(dry_run=dry_run)
            report.census = census
            try:
                with self.ctx.write() as s:
                    if cancel is not None and cancel.is_set():
                        from guji.jobs import Cancelled as ExchangeCancelled

                        raise ExchangeCancelled("import cancelled; nothing was written")
                    image_ids = self._image_rows(s, images, entries, holder_id, report)
                    with pkg.open_member(package.CENSUS) as fh:
                        merge_census_xml(self.app, s, fh, package.CENSUS, census,
                                         trust=Trust(signer_code, centre), audit_row=False, cancel=cancel,
                                         only_holder=None if centre else signer_code)
                    people = archives.People(s, a, report.warnings)
                    self._check_holders(s, docs[package.REVIEW], docs[package.IMAGES], holder_code, centre)
                    report.rounds_new, report.rounds_known = archives.merge_rounds(
                        s, a, docs[package.REVIEW], people, package.REVIEW)
                    report.attachments_new = archives.merge_record_images(s, a, docs[package.IMAGES], image_ids,
                                                                          package.IMAGES)
                    self._merge_jobs(s, people, image_ids, jobs, report)
                    report.warnings.extend(census.warnings)
                    report.warnings.extend(str(msg("exchange.state_held", number=n, claimed=c, state=st))
                                           for n, c, st in census.held)
                    s.add(ExchangePackage(direction="import", institution_id=signer_id, holder_id=holder_id,
                                          sequence=sequence, manifest_sha256=pkg.manifest_sha256,
                                          signer_fingerprint=fp, created_at=_parse_time(header.get("created_at")),
                                          since=_parse_time(header.get("since"), None),
                                          until=_parse_time(header.get("until"), None), user_id=a.user_id,
                                          counts=report.summary()))
                    try:
                        s.flush()
                    except IntegrityError:
                        raise Conflict(msg("exchange.package.concurrent", code=signer_code,
                                           sequence=sequence)) from None
                    audit.record(s, a, "import", ENTITY_PACKAGE, f"{signer_code}#{sequence}",
                                 {"sequence": sequence, "fingerprint": fp, "manifest_sha256": pkg.manifest_sha256,
                                  "audit_chain_head": head, **report.summary()},
                                 note=f"exchange package {pkg.path.name}")
                    if dry_run:
                        raise _Rollback
            except _Rollback:
                pass
        except BaseException:
            for p in created:
                _remove(p)
            raise
        if progress is not None:
            progress(1.0, "imported")
        return report

    def _image_rows(self, s: Session, images: dict[str, Path], entries: dict[str, Any], holder_id: int,
                    report: PackageImportReport) -> dict[str, int]:
        """StoredImage rows for the package's images (new ones audited); ``{sha256: id}``."""
        out: dict[str, int] = {}
        for sha in images:
            row = s.scalar(select(StoredImage).where(StoredImage.sha256 == sha))
            if row is not None:
                out[sha] = row.id
                report.images_known += 1
                continue
            report.images_new += 1
            entry = entries[sha]
            row = StoredImage(sha256=sha, relpath=entry.relpath, original_name=None, format=entry.format,
                              width=entry.width, height=entry.height, pages=entry.pages, dpi=entry.dpi,
                              bit_depth=entry.bit_depth, size=entry.size, institution_id=holder_id,
                              added_by=self.actor.user_id)
            s.add(row)
            s.flush()
            audit.record_create(s, self.actor, "stored_image", row.id, {"sha256": sha, "format": row.format,
                                                                        "size": row.size,
                                                                        "note": "exchange package"})
            out[sha] = row.id
        return out

    def _check_holders(self, s: Session, review_doc: Any, images_doc: Any, holder_code: str, centre: bool) -> None:
        """A unit's package speaks only of its own records: review rounds and attachments of another
        holder's records refuse it."""
        if centre:
            return
        numbers: set[str] = set()
        if isinstance(review_doc, dict) and isinstance(review_doc.get("records"), dict):
            numbers |= set(review_doc["records"])
        if isinstance(images_doc, dict) and isinstance(images_doc.get("record_images"), list):
            numbers |= {str(i.get("census_number")) for i in images_doc["record_images"] if isinstance(i, dict)}
        for number in sorted(numbers):
            if not number.startswith(holder_code + "-"):
                raise PackageRefused(msg("exchange.package.foreign_record", number=number,
                                         holder=number[:11], signer=holder_code))

    def _merge_jobs(self, s: Session, people: archives.People, image_ids: dict[str, int], jobs: list[dict[str, Any]],
                    report: PackageImportReport) -> None:
        merger = archives.JobMerger(s, self.actor, people, image_ids, package.RESTORATION)
        codes = {i.id: i.code for i in s.scalars(select(Institution))}
        for doc in jobs:
            number = doc.get("job_number")
            if not isinstance(number, str) or not number:
                raise PackageRefused(msg("exchange.package.bad_reference", name=package.RESTORATION,
                                         what="job_number", value=repr(number)))
            incoming = archives.job_hash(doc)
            job = s.scalar(select(RestorationJob).where(RestorationJob.job_number == number))
            if job is None:
                job = merger.write(doc, None)
                here = archives.job_hash(archives.job_document(s, job, people, codes))
                self._mark(s, number, incoming, here)
                audit.record(s, self.actor, "create", archives.JOB_ENTITY, job.id, {"job_number": [None, number]},
                             note="exchange package")
                report.jobs_new.append(number)
                continue
            local_doc = archives.job_document(s, job, people, codes)
            local = archives.job_hash(local_doc)
            mark = s.get(ExchangeMark, (archives.JOB_ENTITY, number))
            if incoming == local or (mark is not None and mark.there_hash == incoming and mark.here_hash == local):
                report.jobs_unchanged.append(number)
                continue
            if mark is not None and mark.there_hash == incoming:
                report.jobs_kept_local.append(number)  # changed only here since the last exchange
                continue
            if mark is None or mark.here_hash != local:
                parts = sorted(k for k in set(doc) | set(local_doc) if doc.get(k) != local_doc.get(k))
                report.jobs_conflicts.append((number, msg("exchange.import.job_conflict", job=number), parts))
                continue
            merger.write(doc, job)
            here = archives.job_hash(archives.job_document(s, job, people, codes))
            self._mark(s, number, incoming, here)
            audit.record(s, self.actor, "update", archives.JOB_ENTITY, job.id, {"archive": [local, incoming]},
                         note="exchange package")
            report.jobs_updated.append(number)


def _parse_time(value: Any, default: Any = ...) -> Any:
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return utcnow() if default is ... else default
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


def _remove(path: Path) -> None:
    try:
        os.chmod(path, 0o600)
        path.unlink()
    except FileNotFoundError:
        pass


__all__ = ["ExchangeService", "ExportResult", "KeyView", "PackageImportReport", "PackageRefused"]
