"""Tables of the exchange: registered institution keys, the package log, per-entity exchange marks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from guji.db.base import Base, UTCDateTime, utcnow


class InstitutionKey(Base):
    """An institution's Ed25519 public key, registered here so its packages can be verified.

    ``fingerprint`` is the SHA-256 (hex) of the 32 raw key bytes. A revoked key
    (``revoked_at`` set) verifies nothing any more; the row stays for the record.
    """

    __tablename__ = "institution_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    public_key: Mapped[str] = mapped_column(String(64))  # the 32 raw bytes in hex
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)  # compare-and-set on every save
    __mapper_args__ = {"version_id_col": version}


class ExchangePackage(Base):
    """One package written here (``export``) or taken in here (``import``).

    ``institution_id`` is the signing institution; ``sequence`` its package number (increasing
    per signer); ``holder_id`` the institution whose records the package selected (the way
    back from the centre selects a unit). ``since``/``until`` bound what an export took, so
    ``--since-last`` starts where the previous package to the same holder stopped.
    """

    __tablename__ = "exchange_package"
    __table_args__ = (
        UniqueConstraint("direction", "institution_id", "sequence"),
        Index("ix_exchange_package_manifest", "manifest_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(8))  # export, import
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    signer_fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when the package was made (its header)
    since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ExchangeMark(Base):
    """What an entity looked like at its last exchange, on both sides.

    For restoration archives (``entity`` ``restoration_job``, ``entity_key`` the job number):
    ``there_hash`` is the archive's hash as the other side sent or received it, ``here_hash``
    its hash here just after. "Changed there" is incoming ≠ there_hash, "changed here" is
    current ≠ here_hash; two hashes because an archive may not read back identically here
    (a restorer unknown here is recorded under the importing administrator).
    """

    __tablename__ = "exchange_mark"

    entity: Mapped[str] = mapped_column(String(32), primary_key=True)
    entity_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    there_hash: Mapped[str] = mapped_column(String(64))
    here_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
