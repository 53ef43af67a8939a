"""Tables of the page-image store: stored masters, their attachments, analyses and derivatives.

The image files live in a content-addressed :class:`imaging.store.ImageStore`
(named by the SHA-256 of their bytes); these tables hold what the database needs
to find and describe them: the store-relative path, the file's properties, who
added it, which census records (書影) and restoration jobs show it, the stored
page analysis and the derivative files made from it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from guji.db.base import Base, UTCDateTime, utcnow


class StoredImage(Base):
    """One master scan in the image store (never modified; derivatives are separate files)."""

    __tablename__ = "stored_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)  # content address; the file name in the store
    relpath: Mapped[str] = mapped_column(String(200))  # relative to the store root, forward slashes
    original_name: Mapped[str | None] = mapped_column(String(255))  # the file name it was imported under
    format: Mapped[str] = mapped_column(String(8))  # JPEG, PNG, TIFF (sniffed, not from the extension)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer, default=1)
    dpi: Mapped[float | None] = mapped_column(Float)  # from the file header; None when it has none
    bit_depth: Mapped[int] = mapped_column(Integer, default=8)
    size: Mapped[int] = mapped_column(BigInteger)  # bytes
    # The institution of the person who added it: images are seen by their own
    # institution (and the centre) even before they are attached to anything.
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"), index=True)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecordImage(Base):
    """An image shown with a census record (書影), with its role, caption and place in the list."""

    __tablename__ = "record_image"
    __table_args__ = (UniqueConstraint("record_id", "image_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("census_record.id", ondelete="CASCADE"), index=True)
    image_id: Mapped[int] = mapped_column(ForeignKey("stored_image.id"), index=True)
    role: Mapped[str] = mapped_column(String(8))  # 書影, 卷端, 牌記, 鈐印, 批校, 其他
    caption: Mapped[str | None] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(Integer, default=0)  # order in the record's image list
    added_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JobImage(Base):
    """An image of a restoration job at one stage (before, during, after), with a caption.

    ``job_id`` is deliberately a plain integer WITHOUT a foreign key: the
    restoration tables come from the migration branch 0003_restoration, built at
    the same time as this one (0004_images); both branches revise 0002 so either
    can land alone, and a foreign key would make this one depend on the other.
    The restoration service owns the job ids; ``institution_id`` (the attaching
    restorer's institution) carries the permission check here.
    """

    __tablename__ = "job_image"
    __table_args__ = (UniqueConstraint("job_id", "image_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(Integer, index=True)  # restoration job id, no FK (see above)
    image_id: Mapped[int] = mapped_column(ForeignKey("stored_image.id"), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    stage: Mapped[str] = mapped_column(String(8))  # before, during, after
    caption: Mapped[str | None] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImageAnalysis(Base):
    """The stored result of :func:`imaging.analyze.analyze` for one page of an image.

    Kept so the viewer and "apply measured frame size" need not recompute a
    second-long analysis; ``analyzer_version`` fingerprints the analysis code, so
    an improved analyser is re-run instead of trusting an old result.
    """

    __tablename__ = "image_analysis"
    __table_args__ = (UniqueConstraint("image_id", "page", "analyzer_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    image_id: Mapped[int] = mapped_column(ForeignKey("stored_image.id", ondelete="CASCADE"), index=True)
    page: Mapped[int] = mapped_column(Integer, default=0)
    analyzer_version: Mapped[str] = mapped_column(String(40))
    dpi: Mapped[float | None] = mapped_column(Float)  # the resolution the analysis used
    result: Mapped[dict[str, Any]] = mapped_column(JSON)  # the analyze JSON object
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImageDerivative(Base):
    """A derivative file (print/web/thumb JPEG of the processed page or half-leaf) of a stored image.

    The file itself is in the derivative store, also named by the SHA-256 of its content.
    """

    __tablename__ = "image_derivative"
    __table_args__ = (UniqueConstraint("image_id", "options", "kind", "part"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    image_id: Mapped[int] = mapped_column(ForeignKey("stored_image.id", ondelete="CASCADE"), index=True)
    options: Mapped[str] = mapped_column(String(40))  # e.g. "deskew+crop+split": which corrections were applied
    kind: Mapped[str] = mapped_column(String(8))  # print, web, thumb, master
    part: Mapped[str] = mapped_column(String(8))  # page, a (right half-leaf), b (left half-leaf)
    sha256: Mapped[str] = mapped_column(String(64))
    relpath: Mapped[str] = mapped_column(String(200))  # relative to the derivative store root
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    dpi: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
