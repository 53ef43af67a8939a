"""Users and their roles."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guji.db.base import Base, UTCDateTime, utcnow
from guji.models.institution import Institution


class Role(str, enum.Enum):  # noqa: UP042 - StrEnum would turn str(role) from "Role.ADMIN" into the value
    """The four roles of the census and restoration work. Values are stored as text."""

    CENSUS = "census"  # 著录员: registers and edits records of their institution
    REVIEWER = "reviewer"  # 审核员: reviews at unit level, or across units when at the centre
    RESTORER = "restorer"  # 修复师: keeps restoration archives
    ADMIN = "admin"  # 中心管理员: institutions, users, imports, backups

    @property
    def label_zh(self) -> str:
        return ROLE_LABELS_ZH[self]


ROLE_LABELS_ZH = {
    Role.CENSUS: "著录员",
    Role.REVIEWER: "审核员",
    Role.RESTORER: "修复师",
    Role.ADMIN: "中心管理员",
}


class User(Base):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(100), default="")
    # Deferred: never read unless asked for (on PostgreSQL the desks may not read it at all).
    password_hash: Mapped[str] = mapped_column(String(255), deferred=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # On PostgreSQL, the login role the user signs in as (guji.db.pg_security).
    db_role: Mapped[str | None] = mapped_column(String(63), unique=True)
    # Failed sign-ins since the last good one, and the lock they set (guji.services.auth).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    institution: Mapped[Institution | None] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    version: Mapped[int] = mapped_column(Integer, default=1)  # compare-and-set on every save
    __mapper_args__ = {"version_id_col": version}

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.role_rows)


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class UserSession(Base):
    """One sign-in and what followed: a desktop run, or a run of command-line calls.

    The audit log gets one ``login`` entry per session. Command-line calls of the same
    person within :data:`guji.services.auth.CLI_SESSION_IDLE` of each other belong to one
    session (``calls`` counts them), so a script of a thousand commands is one sign-in.
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    client: Mapped[str] = mapped_column(String(16))  # desktop, cli
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    calls: Mapped[int] = mapped_column(Integer, default=1)
    # SHA-256 of the token `guji login` left in the person's session file (command line only).
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
