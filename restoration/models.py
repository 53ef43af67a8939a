"""Tables of the restoration archive (修复档案).

One ``restoration_job`` per treatment of a census record, with its condition
assessments (and their damage findings), the treatment plan (operations,
planned materials), pH measurement sets, repair sessions (with the materials
they consumed), photographs and the acceptance (验收).  The dye-recipe library,
trial sheets and the materials inventory belong to an institution, not to a
job, so that later jobs can reuse them.

Codes (damage types, operations, fibres, pH kinds…) are the stable ASCII codes
of ``resources/vocab/restoration.json``; labels are looked up for display.
pH values are ``Numeric(4, 2)`` (meters read to 0.01; 5.10 must read back 5.10);
colours are ``Numeric(6, 2)``; colour differences are stored as floats exactly
as :func:`restoration.colour.delta_e_2000` returned them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guji.db.base import Base, UTCDateTime, utcnow


class RestorationJob(Base):
    """One restoration archive: the job on one census record, from assessment to acceptance."""

    __tablename__ = "restoration_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_number: Mapped[str] = mapped_column(String(40), unique=True)  # 修复档案号, e.g. XF-2026-0001
    record_id: Mapped[int] = mapped_column(ForeignKey("census_record.id"), index=True)
    # Copied from the record at opening: jobs are scoped by institution like records are.
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    # The institution whose workshop performs the job, when the holding institution sent the
    # book out for restoration (送修); None when its own workshop does. Both see the job.
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"), index=True)
    requester: Mapped[str] = mapped_column(String(200), default="")  # who asked for the treatment
    priority: Mapped[str] = mapped_column(String(12), default="normal")  # low, normal, high, urgent
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    state: Mapped[str] = mapped_column(String(16), default="assessment", index=True)
    volumes_scope: Mapped[str | None] = mapped_column(String(200))  # e.g. 第1-4冊
    leaves_scope: Mapped[str | None] = mapped_column(String(200))  # e.g. 卷一 1-38
    leaves_in_scope: Mapped[int | None] = mapped_column(Integer)
    opened_on: Mapped[date] = mapped_column(Date)
    due: Mapped[date | None] = mapped_column(Date)
    treatment_started_on: Mapped[date | None] = mapped_column(Date)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_to_vault_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vault_movement_id: Mapped[int | None] = mapped_column(ForeignKey("vault_movement.id"))
    damage_grade_suggested: Mapped[str | None] = mapped_column(String(20))  # grade code of the profile
    damage_grade: Mapped[str | None] = mapped_column(String(20))  # confirmed by the restorer
    damage_grade_profile: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    restorers: Mapped[list[JobRestorer]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="JobRestorer.user_id")
    version: Mapped[int] = mapped_column(Integer, default=1)  # compare-and-set on every save
    __mapper_args__ = {"version_id_col": version}


class JobRestorer(Base):
    """A restorer (user) assigned to a job."""

    __tablename__ = "restoration_job_restorer"
    job_id: Mapped[int] = mapped_column(ForeignKey("restoration_job.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)


class Assessment(Base):
    """Condition assessment of one volume or leaf range (before treatment)."""

    __tablename__ = "restoration_assessment"
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("restoration_job.id", ondelete="CASCADE"), index=True)
    volume: Mapped[int | None] = mapped_column(Integer)  # 冊 number, or None for the whole item
    leaf_from: Mapped[int | None] = mapped_column(Integer)
    leaf_to: Mapped[int | None] = mapped_column(Integer)
    paper_type: Mapped[str | None] = mapped_column(String(60))  # 竹纸, 皮纸, 宣纸…
    fibres: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{"fibre": code, "percent": "70"}]
    fibre_method: Mapped[str | None] = mapped_column(String(100))  # staining method (Herzberg, Graff C…)
    thickness_um: Mapped[Decimal | None] = mapped_column(Numeric(6, 1))
    thickness_sd_um: Mapped[Decimal | None] = mapped_column(Numeric(6, 1))
    colour_l: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    colour_a: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    colour_b: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    colour_source: Mapped[str | None] = mapped_column(String(16))  # colorimeter, scan
    illuminant_observer: Mapped[str | None] = mapped_column(String(12))  # D65_10…
    instrument: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    assessed_on: Mapped[date] = mapped_column(Date)
    assessed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    findings: Mapped[list[AssessmentFinding]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="AssessmentFinding.seq")
    version: Mapped[int] = mapped_column(Integer, default=1)  # compare-and-set on every save
    __mapper_args__ = {"version_id_col": version}


class AssessmentFinding(Base):
    """One damage type found, with its extent (percent of area, count, or pH)."""

    __tablename__ = "restoration_finding"
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("restoration_assessment.id", ondelete="CASCADE"),
                                               index=True)
    seq: Mapped[int] = mapped_column(Integer)
    damage_type: Mapped[str] = mapped_column(String(40))
    metric: Mapped[str] = mapped_column(String(10))  # percent, count, ph
    value: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    note: Mapped[str | None] = mapped_column(Text)


class Plan(Base):
    """The treatment plan (修复方案); one per job, approved by a reviewer before treatment."""

    __tablename__ = "restoration_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("restoration_job.id", ondelete="CASCADE"), unique=True)
    operations: Mapped[list[str]] = mapped_column(JSON, default=list)  # operation codes, in order
    description: Mapped[str | None] = mapped_column(Text)
    estimated_hours: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    planned_leaves: Mapped[int | None] = mapped_column(Integer)
    saved_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    materials: Mapped[list[PlanMaterial]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PlanMaterial.seq")
    version: Mapped[int] = mapped_column(Integer, default=1)  # compare-and-set on every save
    __mapper_args__ = {"version_id_col": version}


class PlanMaterial(Base):
    """A material from the inventory that the plan foresees, with the planned quantity."""

    __tablename__ = "restoration_plan_material"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("restoration_plan.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    material_id: Mapped[int] = mapped_column(ForeignKey("restoration_material.id"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    note: Mapped[str | None] = mapped_column(Text)


class PhSetRow(Base):
    """One pH measurement set (before treatment, after washing, after deacidification, after treatment)."""

    __tablename__ = "restoration_ph_set"
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("restoration_job.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    method: Mapped[str] = mapped_column(String(30))
    instrument: Mapped[str | None] = mapped_column(String(100))
    electrode: Mapped[str | None] = mapped_column(String(100))
    calibration: Mapped[list[str]] = mapped_column(JSON, default=list)  # buffer pH values, e.g. ["4.00", "7.00"]
    wait_seconds: Mapped[int | None] = mapped_column(Integer)
    temperature_c: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    measured_on: Mapped[date] = mapped_column(Date)
    measured_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    points: Mapped[list[PhPointRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PhPointRow.seq")


class PhPointRow(Base):
    """One pH reading: leaf, position on the leaf, value (0-14, two decimals)."""

    __tablename__ = "restoration_ph_point"
    __table_args__ = (CheckConstraint("value >= 0 AND value <= 14", name="ph_range"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("restoration_ph_set.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    leaf: Mapped[str] = mapped_column(String(40))
    position: Mapped[str] = mapped_column(String(40), default="")
    value: Mapped[Decimal] = mapped_column(Numeric(4, 2))


class Material(Base):
    """An inventory item: repair paper (with its paper data) or another material (paste, thread, agent…)."""

    __tablename__ = "restoration_material"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_not_negative"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # material_kinds code
    name: Mapped[str] = mapped_column(String(200))
    fibre: Mapped[str | None] = mapped_column(String(40))  # fibres code (repair paper)
    thickness_um: Mapped[Decimal | None] = mapped_column(Numeric(6, 1))
    ph: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    colour_l: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    colour_a: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    colour_b: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    maker: Mapped[str | None] = mapped_column(String(200))
    batch: Mapped[str | None] = mapped_column(String(100))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3), default=Decimal(0))
    unit: Mapped[str] = mapped_column(String(16))  # 张, g, ml, m…
    location: Mapped[str | None] = mapped_column(String(200))
    low_stock: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))  # warn at or below this
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)  # compare-and-set on every save
    __mapper_args__ = {"version_id_col": version}


class StockMove(Base):
    """Every change of a material's quantity: receipt, correction, consumption by a session."""

    __tablename__ = "restoration_stock_move"
    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("restoration_material.id"), index=True)
    delta: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    balance: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    reason: Mapped[str] = mapped_column(String(16))  # initial, receipt, correction, session
    session_id: Mapped[int | None] = mapped_column(ForeignKey("restoration_session.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)


class Recipe(Base):
    """A dye recipe for repair paper (染纸配方), kept in the institution's library."""

    __tablename__ = "restoration_recipe"
    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("restoration_job.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    base_paper_id: Mapped[int | None] = mapped_column(ForeignKey("restoration_material.id"))
    dyes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{"dye", "amount", "unit"}]
    mordant: Mapped[str | None] = mapped_column(String(200))
    bath_temperature_c: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    dips: Mapped[int | None] = mapped_column(Integer)
    minutes: Mapped[int | None] = mapped_column(Integer)
    drying: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)  # compare-and-set on every save
    __mapper_args__ = {"version_id_col": version}


class Trial(Base):
    """One dyed trial sheet: measured colour, target colour, and the differences computed on save."""

    __tablename__ = "restoration_trial"
    id: Mapped[int] = mapped_column(primary_key=True)
    recipe_id: Mapped[int] = mapped_column(ForeignKey("restoration_recipe.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("restoration_job.id", ondelete="SET NULL"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    measured_l: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    measured_a: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    measured_b: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    target_l: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    target_a: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    target_b: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    illuminant_observer: Mapped[str] = mapped_column(String(12))
    instrument: Mapped[str | None] = mapped_column(String(100))
    formula: Mapped[str] = mapped_column(String(20), default="CIEDE2000")
    de00: Mapped[float] = mapped_column(Float)
    de_ab: Mapped[float] = mapped_column(Float)
    dl: Mapped[float] = mapped_column(Float)  # L*(trial) - L*(target): positive = lighter
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    measured_on: Mapped[date] = mapped_column(Date)
    measured_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)  # compare-and-set on every save
    __mapper_args__ = {"version_id_col": version}


class RepairSession(Base):
    """One working session on a job (修复记录)."""

    __tablename__ = "restoration_session"
    __table_args__ = (CheckConstraint("hours >= 0 AND hours <= 24", name="hours_range"),
                      CheckConstraint("leaves >= 0", name="leaves_not_negative"))
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("restoration_job.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    restorer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    leaves: Mapped[int] = mapped_column(Integer)
    operations: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    materials: Mapped[list[SessionMaterial]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SessionMaterial.seq")
    version: Mapped[int] = mapped_column(Integer, default=1)  # compare-and-set on every save
    __mapper_args__ = {"version_id_col": version}


class SessionMaterial(Base):
    """A material consumed in a session (the stock was decremented in the same transaction)."""

    __tablename__ = "restoration_session_material"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("restoration_session.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    material_id: Mapped[int] = mapped_column(ForeignKey("restoration_material.id"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3))


class Photo(Base):
    """A photograph of the job (before, during, after). ``sha256`` names the image in the image store;
    ``file_path`` is an optional local file the report can embed until the imaging module links its table."""

    __tablename__ = "restoration_photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("restoration_job.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(10))  # before, during, after
    sha256: Mapped[str] = mapped_column(String(64))
    file_path: Mapped[str | None] = mapped_column(Text)
    leaf: Mapped[str | None] = mapped_column(String(40))
    caption: Mapped[str | None] = mapped_column(Text)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("restoration_assessment.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("restoration_session.id", ondelete="SET NULL"))
    added_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Acceptance(Base):
    """One acceptance (验收) of a job: reviewer, quality grade, comments, signature.

    A reopen does not delete the row: it marks it ``voided`` with who and why, so
    the archive keeps every acceptance ever signed.
    """

    __tablename__ = "restoration_acceptance"
    __table_args__ = (UniqueConstraint("job_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("restoration_job.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    quality_grade: Mapped[str] = mapped_column(String(30))
    comments: Mapped[str | None] = mapped_column(Text)
    signed_name: Mapped[str] = mapped_column(String(100))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    void_reason: Mapped[str | None] = mapped_column(Text)


class RestorationSetting(Base):
    """A centre-wide restoration setting (see :mod:`restoration.settings` for keys and defaults)."""

    __tablename__ = "restoration_setting"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)  # compare-and-set on every save
    __mapper_args__ = {"version_id_col": version}
