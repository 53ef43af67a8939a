"""The materials inventory of an institution: items, receipts and corrections, and the stock ledger.
Every change of a quantity is one atomic UPDATE that refuses to go below zero, booked as a stock move."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from guji.errors import NotFound, PermissionDenied
from guji.messages import msg
from guji.models.user import Role
from guji.services import audit, visibility
from restoration.models import Material, StockMove
from restoration.services.base import RestorationBase, clean_text, parse_decimal, parse_lab, problem, stored_lab
from restoration.views import MaterialInput, MaterialView


class MaterialService(RestorationBase):
    """Materials inventory and stock moves."""

    def _material(self, s: Session, material_id: int, field: str, institution_id: int | None = None) -> Material:
        m = s.get(Material, material_id) if isinstance(material_id, int) else None
        if m is None:
            raise problem(field, f"no material with id {material_id}", material_id)
        if not self._visible(m.institution_id) or (institution_id is not None and m.institution_id != institution_id):
            raise problem(field, f"material {material_id} belongs to another institution", material_id)
        return m

    def _require_stock_keeper(self, action: str) -> int:
        a = self.actor
        if not a.has(Role.RESTORER, Role.ADMIN):
            raise PermissionDenied(f"{a.login} may not {action}: needs 修复师 (restorer)")
        if a.institution_id is None:
            raise PermissionDenied(f"{a.login} may not {action}: the inventory belongs to an institution")
        return a.institution_id

    def add_material(self, data: MaterialInput) -> MaterialView:
        """Add an inventory item of the actor's institution (restorers, administrators); its opening
        quantity is booked as a stock move."""
        inst_id = self._require_stock_keeper("keep the materials inventory")
        kind = self._code("material_kinds", data.kind, "kind")
        name = clean_text(data.name, 200, "name")
        unit = clean_text(data.unit, 16, "unit")
        if not name:
            raise problem("name", "a material needs a name")
        if not unit:
            raise problem("unit", "say the unit the quantity is counted in (张, g, ml, m…)")
        qty = parse_decimal(data.quantity, "quantity", places=3, lo=Decimal(0), hi=Decimal("999999999"))
        low = parse_decimal(data.low_stock, "low_stock", places=3, lo=Decimal(0), hi=Decimal("999999999"))
        fibre = self._code("fibres", data.fibre, "fibre") if data.fibre else None
        lab = parse_lab(data.colour, "colour")
        with self.ctx.write() as s:
            m = Material(institution_id=inst_id, kind=kind, name=name, unit=unit, quantity=qty or Decimal(0),
                         fibre=fibre, thickness_um=parse_decimal(data.thickness_um, "thickness_um", places=1,
                                                                 lo=Decimal(1), hi=Decimal(5000)),
                         ph=parse_decimal(data.ph, "ph", places=2, lo=Decimal(0), hi=Decimal(14)),
                         colour_l=lab[0] if lab else None, colour_a=lab[1] if lab else None,
                         colour_b=lab[2] if lab else None, maker=clean_text(data.maker, 200, "maker"),
                         batch=clean_text(data.batch, 100, "batch"),
                         location=clean_text(data.location, 200, "location"),
                         low_stock=low, note=clean_text(data.note))
            s.add(m)
            s.flush()
            s.add(StockMove(material_id=m.id, delta=m.quantity, balance=m.quantity, reason="initial",
                            user_id=self.actor.user_id))
            audit.record_create(s, self.actor, "restoration_material", m.id, audit.snapshot(m, (
                "kind", "name", "unit", "quantity", "fibre", "thickness_um", "ph", "colour_l", "colour_a", "colour_b",
                "maker", "batch", "location", "low_stock")))
            return material_view(m)

    def adjust_stock(self, material_id: int, delta: Any, *, reason: str = "receipt",
                     note: str | None = None) -> MaterialView:
        """Book a receipt (positive) or a correction (either sign); refuses to go below zero."""
        inst_id = self._require_stock_keeper("adjust stock")
        d = parse_decimal(delta, "delta", places=3, required=True)
        assert d is not None
        if d == 0:
            raise problem("delta", "the change is zero")
        if reason not in ("receipt", "correction"):
            raise problem("reason", "reason is receipt or correction", reason)
        if reason == "receipt" and d < 0:
            raise problem("delta", "a receipt adds stock; book a correction to take stock away", delta)
        with self.ctx.write() as s:
            m = s.get(Material, material_id) if isinstance(material_id, int) else None
            if m is None or not self._visible(m.institution_id):
                raise NotFound(msg("restoration.no_material", material=material_id))
            if m.institution_id != inst_id:
                raise PermissionDenied(msg("perm.other_institution", login=self.actor.login))
            before, new = self._move_stock(s, m, d, reason=reason, field="delta", note=clean_text(note))
            audit.record(s, self.actor, "stock_" + reason, "restoration_material", m.id,
                         {"quantity": [str(before), str(new)]}, note=clean_text(note))
            return material_view(m)

    def _move_stock(self, s: Session, m: Material, delta: Decimal, *, reason: str, field: str,
                    session_id: int | None = None, note: str | None = None) -> tuple[Decimal, Decimal]:
        """Change a material's quantity by ``delta`` in one atomic UPDATE (never read-modify-write, so
        concurrent receipts and sessions all count) and book the move in the ledger; refuses to go
        below zero. Returns the quantity before and after."""
        table = Material.__table__
        assert isinstance(table, Table)  # a mapped class's table (typed as any FromClause)
        new = s.execute(update(table).where(table.c.id == m.id, table.c.quantity + delta >= 0)
                        .values(quantity=table.c.quantity + delta).returning(table.c.quantity)).scalar()
        if new is None:
            s.refresh(m, ["quantity"])
            raise problem(field, msg("restoration.stock_short", name=m.name, have=f"{m.quantity.normalize():f}",
                                     unit=m.unit, want=f"{(-delta).normalize():f}"), delta)
        s.add(StockMove(material_id=m.id, delta=delta, balance=new, reason=reason, session_id=session_id,
                        user_id=self.actor.user_id, note=note))
        s.refresh(m, ["quantity"])
        return new - delta, new

    def materials(self, kind: str | None = None) -> list[MaterialView]:
        """Inventory visible to the actor, by kind and name."""
        with self.ctx.read() as s:
            stmt = select(Material).order_by(Material.kind, Material.name, Material.id)
            vis = visibility.condition(self.actor, Material.institution_id)
            if vis is not True:
                stmt = stmt.where(vis)
            if kind:
                stmt = stmt.where(Material.kind == kind)
            return [material_view(m) for m in s.scalars(stmt)]

    def low_stock(self) -> list[MaterialView]:
        """Materials at or below their low-stock threshold."""
        return [m for m in self.materials() if m.is_low]


def material_view(m: Material) -> MaterialView:
    lab = stored_lab(m.colour_l, m.colour_a, m.colour_b)
    return MaterialView(m.id, m.institution_id, m.kind, m.name, m.fibre, m.thickness_um, m.ph,
                        lab, m.maker, m.batch, m.quantity, m.unit, m.location,
                        m.low_stock, m.note, m.version)
