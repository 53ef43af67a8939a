"""Holding institutions: the centre administrator's configuration."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from guji.census.numbers import CensusNumberError, validate_region_code, validate_unit_code
from guji.errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationError
from guji.models.institution import Institution
from guji.services import audit, versions
from guji.services.context import Changes, ServiceContext
from guji.services.permissions import can_manage_institutions

FIELDS = ("name", "region_code", "unit_code", "is_centre", "single_reviewer")


@dataclass(frozen=True)
class InstitutionInfo:
    id: int
    name: str
    region_code: str
    unit_code: str
    is_centre: bool
    single_reviewer: bool = False
    version: int = 1

    @property
    def code(self) -> str:
        return f"{self.region_code}-{self.unit_code}"


def info(inst: Institution) -> InstitutionInfo:
    return InstitutionInfo(inst.id, inst.name, inst.region_code, inst.unit_code, inst.is_centre,
                           bool(inst.single_reviewer), inst.version)


def parse_institution_code(code: str) -> tuple[str, str]:
    """``110000-0101`` → ("110000", "0101"), with a clear error for anything else."""
    text = (code or "").strip().replace("－", "-")
    parts = text.split("-")
    if len(parts) != 2:
        raise ValidationError(f"institution code must look like 110000-0101, not {code!r}", "institution")
    try:
        return validate_region_code(parts[0]), validate_unit_code(parts[1])
    except CensusNumberError as exc:
        raise ValidationError(str(exc), "institution") from None


def _validated(name: str, region: str, unit: str) -> tuple[str, str, str]:
    problems: list[FieldProblem] = []
    name = (name or "").strip()
    if not name:
        problems.append(FieldProblem("name", "is required"))
    elif len(name) > 200:
        problems.append(FieldProblem("name", "is longer than 200 characters"))
    try:
        region = validate_region_code(region)
    except CensusNumberError as exc:
        problems.append(FieldProblem("region_code", str(exc), region))
    try:
        unit = validate_unit_code(unit)
    except CensusNumberError as exc:
        problems.append(FieldProblem("unit_code", str(exc), unit))
    if problems:
        raise ValidationError(problems)
    return name, region, unit


class InstitutionService:
    def __init__(self, ctx: ServiceContext):
        self.ctx = ctx

    def _require_admin(self, action: str) -> None:
        if not can_manage_institutions(self.ctx.actor):
            raise PermissionDenied(f"{self.ctx.actor.login} may not {action}: needs the role 中心管理员 (admin)")

    def add_institution(self, name: str, region_code: str, unit_code: str, *,
                        is_centre: bool = False) -> InstitutionInfo:
        """Register a holding institution (administrators only). Codes are validated; duplicates refused."""
        self._require_admin("add institutions")
        name, region_code, unit_code = _validated(name, region_code, unit_code)
        try:
            with self.ctx.write() as s:
                if s.scalar(select(Institution).where(Institution.name == name)):
                    raise Conflict(f"an institution named {name!r} already exists")
                if s.scalar(
                    select(Institution).where(Institution.region_code == region_code,
                                              Institution.unit_code == unit_code)
                ):
                    raise Conflict(f"the code {region_code}-{unit_code} is already used by another institution")
                inst = Institution(name=name, region_code=region_code, unit_code=unit_code, is_centre=is_centre)
                s.add(inst)
                s.flush()
                audit.record_create(s, self.ctx.actor, "institution", inst.id, audit.snapshot(inst, FIELDS))
                return info(inst)
        except IntegrityError:
            # Another desktop added the same name or code between our check and insert.
            raise Conflict(f"{name} / {region_code}-{unit_code} was just added by someone else") from None

    def update_institution(self, code: str, *, name: str | None = None, is_centre: bool | None = None,
                           single_reviewer: bool | None = None, expected_version: int | None = None) -> Changes:
        """Rename an institution, mark the centre, or declare that it has a single reviewer
        (administrators). ``expected_version`` is the version the administrator saw."""
        self._require_admin("change institutions")
        region, unit = parse_institution_code(code)
        with self.ctx.write() as s:
            inst = self._get(s, region, unit, for_update=True)
            versions.check(s, inst, expected_version, entity="institution", what=inst.name, merge=False)
            before = audit.snapshot(inst, FIELDS)
            if name is not None:
                new_name, _, _ = _validated(name, region, unit)
                inst.name = new_name
            if is_centre is not None:
                inst.is_centre = is_centre
            if single_reviewer is not None:
                inst.single_reviewer = single_reviewer
            audit.record_update(s, self.ctx.actor, "institution", inst.id, before, audit.snapshot(inst, FIELDS))
            return Changes.of("institution", [inst.id])

    @staticmethod
    def _get(s: Session, region: str, unit: str, *, for_update: bool = False) -> Institution:
        stmt = select(Institution).where(Institution.region_code == region, Institution.unit_code == unit)
        if for_update:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        inst = s.scalar(stmt)
        if inst is None:
            raise NotFound(f"no institution with the code {region}-{unit}")
        return inst

    def get(self, code: str) -> InstitutionInfo:
        region, unit = parse_institution_code(code)
        with self.ctx.read() as s:
            return info(self._get(s, region, unit))

    def get_by_id(self, institution_id: int) -> InstitutionInfo:
        with self.ctx.read() as s:
            inst = s.get(Institution, institution_id)
            if inst is None:
                raise NotFound(f"no institution with id {institution_id}")
            return info(inst)

    def list(self) -> list[InstitutionInfo]:
        with self.ctx.read() as s:
            rows = s.scalars(select(Institution).order_by(Institution.region_code, Institution.unit_code))
            return [info(i) for i in rows]
