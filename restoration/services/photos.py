"""Photographs of a job: files go into the content-addressed image store through ``app.images``,
are attached to the job there (``job_image``) and recorded here (``restoration_photo``, naming the
image by its SHA-256), all in one transaction."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from guji.errors import Conflict, ValidationError
from guji.services import audit
from restoration.models import Photo, RestorationJob
from restoration.services.base import JOB, PHOTO_STAGES, RestorationBase, clean_text, problem
from restoration.views import PhotoView

if TYPE_CHECKING:
    from guji.images.service import AttachedImage


class PhotoService(RestorationBase):
    """Before/during/after photographs of a job."""

    @staticmethod
    def _photo_hashes(items: Iterable[str]) -> list[str]:
        out = []
        for i, sha in enumerate(items):
            t = (sha or "").strip().lower()
            if len(t) != 64 or any(c not in "0123456789abcdef" for c in t):
                raise problem(f"photos[{i}]", "a photo is named by its SHA-256 (64 hex digits)", sha)
            out.append(t)
        return out

    def _link_stored(self, s: Session, job: RestorationJob, sha: str, stage: str, field: str,
                     caption: str | None = None) -> AttachedImage:
        """In ``s``: the stored image ``sha`` attached to the job (attached now if not yet); a hash the
        store does not hold is refused on ``field``."""
        att = self.images.link_job_image(s, sha, job.id, stage, caption)
        if att is None:
            raise problem(field, "no image with this SHA-256 is in the image store; add the photograph's file "
                                 "first (add_photo_file, or `guji restoration photo JOB FILE`)", sha)
        return att

    def _photo_args(self, stage: str, leaf: str | None, caption: str | None) -> tuple[str, str | None, str | None]:
        from guji.images.service import CAPTION_MAX

        if stage not in PHOTO_STAGES:
            raise problem("stage", f"stage is one of {', '.join(PHOTO_STAGES)}", stage)
        return stage, clean_text(leaf, 40, "leaf"), clean_text(caption, CAPTION_MAX, "caption")

    def _photo_job(self, s: Session, job_id: int, *, for_update: bool = False) -> RestorationJob:
        job = self._job(s, job_id, for_update=for_update)
        self._require_restorer(job, "add photographs")
        self._unlocked(job)
        return job

    def _write_photo(self, s: Session, job: RestorationJob, stage: str, att: AttachedImage, leaf: str | None,
                     caption: str | None, file_path: str | None = None) -> PhotoView:
        sha = att.image.sha256
        if s.scalar(select(Photo.id).where(Photo.job_id == job.id, Photo.stage == stage, Photo.sha256 == sha,
                                           Photo.assessment_id.is_(None), Photo.session_id.is_(None),
                                           (Photo.leaf == leaf) if leaf is not None else Photo.leaf.is_(None))
                    .limit(1)) is not None:
            raise Conflict(f"this image is already a {stage} photograph of {job.job_number}")
        p = Photo(job_id=job.id, stage=stage, sha256=sha, file_path=file_path, leaf=leaf, caption=caption,
                  added_by=self.actor.user_id)
        s.add(p)
        s.flush()
        audit.record(s, self.actor, "photo", JOB, job.id, {"photo": [None, p.id], "stage": [None, stage],
                                                           "sha256": [None, sha], "leaf": [None, leaf]})
        return PhotoView(p.id, p.stage, p.sha256, p.file_path, p.leaf, p.caption, att.image.id, att.image.path)

    def add_photo_file(self, job_id: int, path: str | os.PathLike[str], stage: str, *, leaf: str | None = None,
                       caption: str | None = None) -> PhotoView:
        """Add a photograph of the job from an image file: the restorer's usual way.

        The file is copied into the image store (``app.images``: the same validation as any scan, so an
        empty, truncated, non-image or over-large file is refused with ValidationError on ``file``),
        attached to the job at ``stage`` (before/during/after) and recorded as the job's photograph, in
        one transaction; if any step is refused nothing is left behind (no row, no audit entry, and a
        file this call put in the store is removed again). The same content added earlier (to the
        store, or to this job) is reused, not duplicated; the same image at the same stage and leaf of
        the job twice is a Conflict.

        Restorers of the job's institution (the assigned ones, when the job has any); a closed job is
        locked (Conflict). Checked before the file is read.
        """
        stage, leaf_t, caption_t = self._photo_args(stage, leaf, caption)
        return self._add_file(job_id, Path(os.fspath(path)), stage, leaf_t, caption_t)

    def _add_file(self, job_id: int, path: Path, stage: str, leaf: str | None, caption: str | None, *,
                  expect_sha: str | None = None) -> PhotoView:
        with self.ctx.read() as s:
            self._photo_job(s, job_id)  # refuse before anything is copied into the store
        out: list[PhotoView] = []

        def within(s: Session, att: AttachedImage) -> None:
            # Checked again in the writing transaction: the job may have been closed meanwhile.
            job = self._photo_job(s, job_id, for_update=True)
            if expect_sha is not None and att.image.sha256 != expect_sha:
                raise problem("sha256", f"{path.name} has the SHA-256 {att.image.sha256}, not the one given",
                              expect_sha)
            out.append(self._write_photo(s, job, stage, att, leaf, caption))

        self.images.add_to_job(path, job_id, stage, caption, within=within)
        return out[0]

    def add_photo(self, job_id: int, stage: str, sha256: str, *, file_path: str | None = None,
                  leaf: str | None = None, caption: str | None = None) -> PhotoView:
        """Record a before/during/after photograph of an image by its SHA-256 (restorers, job not locked).

        An image the store holds is linked (attached to the job if it is not yet). Otherwise a readable
        ``file_path`` is added to the store as :meth:`add_photo_file` does, and must have that SHA-256;
        a hash that is neither in the store nor given with a readable file is refused (ValidationError
        on ``sha256``, or ``file_path`` when the file given cannot be read).
        """
        stage, leaf_t, caption_t = self._photo_args(stage, leaf, caption)
        try:
            sha = self._photo_hashes([sha256])[0]
        except ValidationError:
            raise problem("sha256", "a photo is named by its SHA-256 (64 hex digits)", sha256) from None
        with self.ctx.write() as s:
            job = self._photo_job(s, job_id, for_update=True)
            att = self.images.link_job_image(s, sha, job.id, stage, caption_t)
            if att is not None:
                return self._write_photo(s, job, stage, att, leaf_t, caption_t, clean_text(file_path))
        if file_path:
            fp = Path(file_path)
            if not (fp.is_file() and os.access(fp, os.R_OK)):
                raise problem("file_path", f"the image store has no image {sha[:12]}… and {file_path} cannot be "
                                           "read", file_path)
            return self._add_file(job_id, fp, stage, leaf_t, caption_t, expect_sha=sha)
        raise problem("sha256", f"no image {sha[:12]}… is in the image store; add the photograph's file first "
                                "(add_photo_file, or `guji restoration photo JOB FILE`)", sha)

    def _photo_views(self, s: Session, job: RestorationJob) -> tuple[PhotoView, ...]:
        """The job's photographs in the order taken, each resolved through the image store by its SHA-256."""
        from guji.images.models import StoredImage

        rows = list(s.scalars(select(Photo).where(Photo.job_id == job.id).order_by(Photo.id)))
        hashes = {r.sha256 for r in rows}
        ids = dict(s.execute(select(StoredImage.sha256, StoredImage.id)
                             .where(StoredImage.sha256.in_(sorted(hashes)))).all()) if hashes else {}
        paths = self.images.job_image_paths(s, hashes)
        return tuple(PhotoView(x.id, x.stage, x.sha256, x.file_path, x.leaf, x.caption, ids.get(x.sha256),
                               paths.get(x.sha256)) for x in rows)

    def photos(self, job_id: int) -> list[PhotoView]:
        """The job's photographs (anyone who may see the job), in the order taken."""
        with self.ctx.read() as s:
            return list(self._photo_views(s, self._job(s, job_id)))
