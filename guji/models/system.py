"""Settings of the whole installation, kept in the database so every desk sees the same."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from guji.db.base import Base, UTCDateTime, utcnow


class SystemSetting(Base):
    """One named setting (``image_store.path``, ``image_store.id``…) as text.

    ``version`` counts the changes of the row, so two administrators changing the
    same setting at once cannot overwrite each other unseen.
    """

    __tablename__ = "system_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
