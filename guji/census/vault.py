"""Vault movements (出入庫): check an item out for a purpose and back in; where every item is now."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from guji.census import vocab
from guji.census.models import CensusRecord, VaultMovement
from guji.census.store import visible_filter
from guji.db.base import utcnow
from guji.errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationError
from guji.messages import msg
from guji.models.institution import Institution
from guji.models.user import Role
from guji.services import audit, visibility
from guji.services.context import Changes, ServiceContext
from guji.services.institutions import parse_institution_code

PURPOSES = ("reading", "digitisation", "restoration", "exhibition", "loan")


@dataclass(frozen=True)
class MovementView:
    id: int
    record_id: int
    census_number: str
    title: str
    purpose: str
    to_whom: str
    location: str | None
    out_at: dt.datetime
    due: dt.date | None
    returned_at: dt.datetime | None
    note: str | None
    return_note: str | None

    @property
    def is_out(self) -> bool:
        return self.returned_at is None

    def overdue_on(self, day: dt.date) -> bool:
        return self.is_out and self.due is not None and self.due < day


@dataclass(frozen=True)
class Location:
    record_id: int
    in_vault: bool
    text: str  # "in the vault: 甲庫 3-2" or "out: 修復 to 趙修復 since …"
    movement: MovementView | None


def _view(m: VaultMovement, rec: CensusRecord) -> MovementView:
    return MovementView(m.id, m.record_id, rec.census_number, rec.title, m.purpose, m.to_whom, m.location, m.out_at,
                        m.due, m.returned_at, m.note, m.return_note)


def normalise_purpose(purpose: str) -> str:
    e = vocab.entry("movement_purpose", purpose) if purpose else None
    if e is None:
        raise ValidationError(FieldProblem("purpose", f"{purpose!r} is not a purpose; use one of {', '.join(PURPOSES)}",
                                           purpose))
    return e.code


class VaultService:
    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx

    def _get(self, s: Session, record_id: int, *, for_update: bool = False) -> CensusRecord:
        rec = s.get(CensusRecord, record_id, with_for_update=for_update or None, populate_existing=for_update)
        if rec is None:
            raise NotFound(f"no census record with id {record_id}")
        a = self.ctx.actor
        if not (a.has(Role.ADMIN) or rec.institution_id == a.institution_id):
            raise PermissionDenied(f"{a.login} may not move items of another institution")
        return rec

    def _open(self, s: Session, record_id: int, *, for_update: bool = False) -> VaultMovement | None:
        stmt = select(VaultMovement).where(VaultMovement.record_id == record_id, VaultMovement.returned_at.is_(None))
        if for_update:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return s.scalar(stmt)

    def check_out_in(self, s: Session, record_id: int, purpose: str, to_whom: str, *, due: dt.date | None = None,
                     location: str | None = None, note: str | None = None,
                     to_institution_id: int | None = None) -> VaultMovement:
        """Check out inside the caller's transaction (a restoration job checks its item out with its own write)."""
        code = normalise_purpose(purpose)
        to_whom = (to_whom or "").strip()
        if not to_whom:
            raise ValidationError("say to whom the item goes", "to_whom")
        if due is not None and due < dt.date.today():
            raise ValidationError(FieldProblem("due", f"the due date {due} is in the past", due))
        # The item's row is locked for the check-out: a second desk checking the same book out
        # waits, then finds it out. The unique index on open movements is the net under that.
        rec = self._get(s, record_id, for_update=True)
        current = self._open(s, record_id)
        if current is not None:
            raise self._already_out(rec, current)
        m = VaultMovement(record_id=rec.id, purpose=code, to_whom=to_whom, location=(location or "").strip() or None,
                          due=due, note=(note or "").strip() or None, out_by=self.ctx.actor.user_id, out_at=utcnow(),
                          to_institution_id=to_institution_id)
        try:
            with s.begin_nested():
                s.add(m)
                s.flush()
        except IntegrityError:
            current = self._open(s, record_id)
            raise (self._already_out(rec, current) if current is not None
                   else Conflict(msg("vault.out_now", number=rec.census_number))) from None
        audit.record_create(s, self.ctx.actor, "vault_movement", m.id,
                            {"record": rec.census_number, "purpose": code, "to_whom": to_whom,
                             "due": due.isoformat() if due else None, "location": m.location,
                             "to_institution": to_institution_id})
        return m

    @staticmethod
    def _already_out(rec: CensusRecord, current: VaultMovement) -> Conflict:
        return Conflict(msg("vault.already_out", number=rec.census_number, purpose=current.purpose,
                            to_whom=current.to_whom, since=f"{current.out_at:%Y-%m-%d}"))

    def check_out(self, record_id: int, purpose: str, to_whom: str, *, due: dt.date | None = None,
                  location: str | None = None, note: str | None = None) -> Changes:
        """出庫: the item leaves the vault for ``purpose`` (reading, digitisation, restoration, exhibition, loan)."""
        with self.ctx.write() as s:
            m = self.check_out_in(s, record_id, purpose, to_whom, due=due, location=location, note=note)
            return Changes.of("vault", [record_id], movement=m.id)

    def send_for_restoration(self, record_id: int, workshop: str, *, due: dt.date | None = None,
                             note: str | None = None) -> Changes:
        """送修: the holding institution sends an item to another institution's restoration workshop
        (the provincial centre's, say). That workshop's restorers then open and perform the job
        (``app.restoration.open_job``); the item comes back when the job is closed."""
        region, unit = parse_institution_code(workshop)
        with self.ctx.write() as s:
            target = s.scalar(select(Institution).where(Institution.region_code == region,
                                                        Institution.unit_code == unit))
            if target is None:
                raise NotFound(f"no institution with the code {workshop}")
            rec = self._get(s, record_id)
            if target.id == rec.institution_id:
                raise ValidationError(FieldProblem("workshop", msg("vault.own_workshop"), workshop))
            m = self.check_out_in(s, record_id, "restoration", target.name, due=due, location=target.name,
                                  note=note or msg("vault.sent_for_restoration", workshop=target.name),
                                  to_institution_id=target.id)
            return Changes.of("vault", [record_id], movement=m.id)

    def check_in(self, record_id: int, note: str | None = None) -> Changes:
        """入庫: the item is back in the vault (once: a second desk checking the same item in waits,
        then finds it in)."""
        with self.ctx.write() as s:
            rec = self._get(s, record_id)
            m = self._open(s, record_id, for_update=True)
            if m is None:
                raise Conflict(msg("vault.not_out", number=rec.census_number))
            m.returned_at = utcnow()
            m.in_by = self.ctx.actor.user_id
            m.return_note = (note or "").strip() or None
            audit.record(s, self.ctx.actor, "check_in", "vault_movement", m.id,
                         {"returned_at": [None, m.returned_at.isoformat()]}, note=m.return_note)
            return Changes.of("vault", [record_id], movement=m.id)

    def _visible(self, s: Session, record_id: int) -> CensusRecord:
        rec = s.get(CensusRecord, record_id)
        if rec is None:
            raise NotFound(f"no census record with id {record_id}")
        if not visibility.may_see(self.ctx.actor, rec.institution_id):
            raise PermissionDenied(msg("perm.other_institution", login=self.ctx.actor.login))
        return rec

    def location_of(self, record_id: int) -> Location:
        """Where an item is (in the vault, or out to whom), for those who may see its record."""
        with self.ctx.read() as s:
            rec = self._visible(s, record_id)
            m = self._open(s, record_id)
            if m is None:
                where = rec.storage_note or ""
                return Location(record_id, True, ("在库" + (f"：{where}" if where else "")), None)
            label = vocab.entry("movement_purpose", m.purpose)
            return Location(record_id, False,
                            f"出库（{label.simplified if label else m.purpose}）：{m.to_whom}"
                            + (f"，{m.location}" if m.location else "") + f"，{m.out_at:%Y-%m-%d} 起",
                            _view(m, rec))

    def history(self, record_id: int) -> list[MovementView]:
        """Every movement of an item, newest first, for those who may see its record."""
        with self.ctx.read() as s:
            rec = self._visible(s, record_id)
            ms = s.scalars(select(VaultMovement).where(VaultMovement.record_id == record_id)
                           .order_by(VaultMovement.out_at.desc(), VaultMovement.id.desc()))
            return [_view(m, rec) for m in ms]

    def out_now(self, *, overdue_on: dt.date | None = None) -> list[MovementView]:
        """Items out of the vault now (only the overdue ones when ``overdue_on`` is given), oldest first."""
        with self.ctx.read() as s:
            stmt = (select(VaultMovement, CensusRecord).join(CensusRecord, CensusRecord.id == VaultMovement.record_id)
                    .where(VaultMovement.returned_at.is_(None)).order_by(VaultMovement.out_at))
            vis = visible_filter(self.ctx.actor)
            if vis is not True:
                stmt = stmt.where(vis)
            if overdue_on is not None:
                stmt = stmt.where(VaultMovement.due.is_not(None), VaultMovement.due < overdue_on)
            return [_view(m, r) for m, r in s.execute(stmt)]

    def overdue(self, today: dt.date | None = None) -> list[MovementView]:
        return self.out_now(overdue_on=today or dt.date.today())
