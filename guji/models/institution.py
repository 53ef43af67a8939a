"""Holding institutions (收藏單位) and the provincial centre."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from guji.db.base import Base, UTCDateTime, utcnow


class Institution(Base):
    """An institution that holds books, identified in the census by region + unit code.

    The codes are configuration handed out by the census centre (GB/T 2260 region,
    4-digit unit); guji never invents them. ``is_centre`` marks the provincial
    centre, whose reviewers approve across institutions.
    """

    __tablename__ = "institution"
    __table_args__ = (
        UniqueConstraint("region_code", "unit_code"),
        CheckConstraint("length(region_code) = 6", name="region_len"),
        CheckConstraint("length(unit_code) = 4", name="unit_len"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    region_code: Mapped[str] = mapped_column(String(6))
    unit_code: Mapped[str] = mapped_column(String(4))
    is_centre: Mapped[bool] = mapped_column(Boolean, default=False)
    # An institution with one reviewer may let that reviewer give both approvals of a
    # record (the four-eyes rule is then waived, and each such approval is audited).
    single_reviewer: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def code(self) -> str:
        """``110000-0101``: how commands and exports name an institution."""
        return f"{self.region_code}-{self.unit_code}"
    version: Mapped[int] = mapped_column(Integer, default=1)  # compare-and-set on every save
    __mapper_args__ = {"version_id_col": version}
