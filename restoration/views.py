"""Plain data in and out of the restoration service (no ORM objects cross this line).

Input classes (``*Input``) are what the GUI and CLI fill in; the service
validates them and raises :class:`guji.errors.ValidationError` naming the field.
View classes are what comes back; :class:`JobArchive` is the whole archive as
the report and the job editor show it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from restoration.ph import LeafComparison, PhStatistics
from restoration.workflow import JobTotals, Progress

Lab = tuple[Decimal, Decimal, Decimal]


# ---------------------------------------------------------------------- inputs

@dataclass
class AssessmentInput:
    """A condition assessment of one volume or leaf range.

    ``findings`` are ``(damage_type, metric, value)`` triples (vocabulary codes or
    Chinese labels; metric percent/count/ph; value text or number); ``fibres`` are
    ``(fibre, percent)`` pairs that must add up to 100 when given; ``colour`` is the
    original paper's L*a*b* with ``colour_source`` (colorimeter or scan) and
    ``illuminant_observer`` (e.g. D65_10). ``photos`` are SHA-256 strings of images already in the
    image store (they are attached to the job as "before" photographs).
    """

    findings: list[tuple[str, str, Any]] = field(default_factory=list)
    volume: int | None = None
    leaf_from: int | None = None
    leaf_to: int | None = None
    paper_type: str | None = None
    fibres: list[tuple[str, Any]] = field(default_factory=list)
    fibre_method: str | None = None
    thickness_um: Any = None
    thickness_sd_um: Any = None
    colour: tuple[Any, Any, Any] | None = None
    colour_source: str | None = None
    illuminant_observer: str | None = None
    instrument: str | None = None
    photos: list[str] = field(default_factory=list)
    note: str | None = None
    assessed_on: dt.date | None = None


@dataclass
class PlanInput:
    """The treatment plan: operation codes in order, materials ``(material_id, quantity)``, estimates."""

    operations: list[str] = field(default_factory=list)
    materials: list[tuple[int, Any]] = field(default_factory=list)
    estimated_hours: Any = None
    planned_leaves: int | None = None
    description: str | None = None


@dataclass
class PhSetInput:
    """A pH set: kind, method, conditions, and points ``(leaf, position, value)``."""

    kind: str
    method: str
    points: list[tuple[Any, Any, Any]]
    instrument: str | None = None
    electrode: str | None = None
    calibration: list[Any] = field(default_factory=lambda: ["4.00", "7.00"])
    wait_seconds: int | None = None
    temperature_c: Any = None
    measured_on: dt.date | None = None
    note: str | None = None


@dataclass
class MaterialInput:
    """An inventory item; paper fields apply to repair paper."""

    kind: str
    name: str
    unit: str
    quantity: Any = 0
    fibre: str | None = None
    thickness_um: Any = None
    ph: Any = None
    colour: tuple[Any, Any, Any] | None = None
    maker: str | None = None
    batch: str | None = None
    location: str | None = None
    low_stock: Any = None
    note: str | None = None


@dataclass
class RecipeInput:
    """A dye recipe: ``dyes`` as ``(dye, amount, unit)`` with unit g/L or ml/L."""

    name: str
    dyes: list[tuple[str, Any, str]] = field(default_factory=list)
    base_paper_id: int | None = None
    mordant: str | None = None
    bath_temperature_c: Any = None
    dips: int | None = None
    minutes: int | None = None
    drying: str | None = None
    notes: str | None = None
    job_id: int | None = None


@dataclass
class TrialInput:
    """A dyed trial sheet's measured colour; ``target`` defaults to the job's original paper colour."""

    measured: tuple[Any, Any, Any]
    illuminant_observer: str
    target: tuple[Any, Any, Any] | None = None
    job_id: int | None = None
    instrument: str | None = None
    accepted: bool = False
    note: str | None = None
    measured_on: dt.date | None = None


@dataclass
class SessionInput:
    """A working session; ``materials`` as ``(material_id, quantity)`` consumed from stock; ``photos``
    SHA-256 strings of images already in the image store (attached as "during" photographs)."""

    day: dt.date
    hours: Any
    leaves: int
    operations: list[str] = field(default_factory=list)
    materials: list[tuple[int, Any]] = field(default_factory=list)
    notes: str | None = None
    photos: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------- views

@dataclass(frozen=True)
class JobRow:
    id: int
    job_number: str
    record_id: int
    census_number: str
    title: str
    institution_id: int
    institution_name: str
    state: str
    priority: str
    requester: str
    restorers: tuple[str, ...]
    reviewer: str | None
    opened_on: dt.date
    due: dt.date | None
    damage_grade: str | None


@dataclass(frozen=True)
class JobView:
    id: int
    job_number: str
    record_id: int
    census_number: str
    title: str
    edition: str | None
    volumes: int | None
    institution_id: int
    institution_name: str
    state: str
    priority: str
    requester: str
    restorers: tuple[tuple[int, str, str], ...]  # (user id, login, full name)
    reviewer: tuple[int, str, str] | None
    volumes_scope: str | None
    leaves_scope: str | None
    leaves_in_scope: int | None
    opened_on: dt.date
    due: dt.date | None
    treatment_started_on: dt.date | None
    accepted_at: dt.datetime | None
    returned_to_vault_at: dt.datetime | None
    vault_movement_id: int | None
    damage_grade_suggested: str | None
    damage_grade: str | None
    damage_grade_profile: str | None
    note: str | None
    locked: bool
    version: int = 0  # the job's version, to give back when changing it


@dataclass(frozen=True)
class FindingView:
    damage_type: str
    label: str
    metric: str
    value: Decimal
    note: str | None


@dataclass(frozen=True)
class AssessmentView:
    id: int
    job_id: int
    volume: int | None
    leaf_from: int | None
    leaf_to: int | None
    findings: tuple[FindingView, ...]
    paper_type: str | None
    fibres: tuple[tuple[str, Decimal], ...]
    fibre_method: str | None
    thickness_um: Decimal | None
    thickness_sd_um: Decimal | None
    colour: Lab | None
    colour_source: str | None
    illuminant_observer: str | None
    instrument: str | None
    photos: tuple[str, ...]
    note: str | None
    assessed_on: dt.date
    assessed_by: str
    suggested_grade: str  # grade code the findings of this assessment alone suggest


@dataclass(frozen=True)
class GradeView:
    """The suggestion for a whole job, with the deciding reasons in words."""

    code: str
    label: str
    profile_id: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class PlanMaterialView:
    material_id: int
    name: str
    quantity: Decimal
    unit: str


@dataclass(frozen=True)
class PlanView:
    job_id: int
    operations: tuple[str, ...]
    materials: tuple[PlanMaterialView, ...]
    estimated_hours: Decimal | None
    planned_leaves: int | None
    description: str | None
    saved_by: str
    saved_at: dt.datetime
    approved_by: str | None
    approved_at: dt.datetime | None
    version: int = 0  # the plan's version, to give back when saving it again


@dataclass(frozen=True)
class PhPointView:
    leaf: str
    position: str
    value: Decimal
    acidic: bool


@dataclass(frozen=True)
class PhSetView:
    id: int
    job_id: int
    kind: str
    method: str
    instrument: str | None
    electrode: str | None
    calibration: tuple[str, ...]
    wait_seconds: int | None
    temperature_c: Decimal | None
    measured_on: dt.date
    measured_by: str
    note: str | None
    points: tuple[PhPointView, ...]
    stats: PhStatistics


@dataclass(frozen=True)
class MaterialView:
    id: int
    institution_id: int
    kind: str
    name: str
    fibre: str | None
    thickness_um: Decimal | None
    ph: Decimal | None
    colour: Lab | None
    maker: str | None
    batch: str | None
    quantity: Decimal
    unit: str
    location: str | None
    low_stock: Decimal | None
    note: str | None
    version: int = 0

    @property
    def is_low(self) -> bool:
        return self.low_stock is not None and self.quantity <= self.low_stock


@dataclass(frozen=True)
class TrialView:
    id: int
    recipe_id: int
    job_id: int | None
    seq: int
    measured: Lab
    target: Lab
    illuminant_observer: str
    instrument: str | None
    formula: str
    de00: float
    de_ab: float
    dl: float
    accepted: bool
    passes: bool  # de00 ≤ the tolerance setting at the time of reading
    darker: bool  # dl < 0: darker than the original (宁浅勿深 flags it)
    note: str | None
    measured_on: dt.date
    version: int = 0


@dataclass(frozen=True)
class RecipeView:
    id: int
    institution_id: int
    job_id: int | None
    name: str
    base_paper: MaterialView | None
    dyes: tuple[tuple[str, Decimal, str], ...]
    mordant: str | None
    bath_temperature_c: Decimal | None
    dips: int | None
    minutes: int | None
    drying: str | None
    notes: str | None
    trials: tuple[TrialView, ...]


@dataclass(frozen=True)
class RecipeMatch:
    """A library recipe ranked against a new target (its best accepted trial as the sample)."""

    rank: int
    recipe: RecipeView
    trial_id: int
    de00: float
    de_ab: float
    dl: float
    passes: bool


@dataclass(frozen=True)
class SessionMaterialView:
    material_id: int
    name: str
    quantity: Decimal
    unit: str


@dataclass(frozen=True)
class SessionView:
    id: int
    job_id: int
    day: dt.date
    restorer: str
    hours: Decimal
    leaves: int
    operations: tuple[str, ...]
    materials: tuple[SessionMaterialView, ...]
    notes: str | None
    photos: tuple[str, ...]


@dataclass(frozen=True)
class PhotoView:
    """A photograph of a job. ``sha256`` names the image in the image store; ``image_id`` and
    ``image_path`` (the master's absolute path) are set when the store holds it. ``file_path`` is the
    local file older rows were recorded with, used only when the store has no such image."""

    id: int
    stage: str
    sha256: str
    file_path: str | None
    leaf: str | None
    caption: str | None
    image_id: int | None = None
    image_path: str | None = None


@dataclass(frozen=True)
class AcceptanceView:
    id: int
    seq: int
    reviewer: str
    quality_grade: str
    comments: str | None
    signed_name: str
    signed_at: dt.datetime
    voided_at: dt.datetime | None
    void_reason: str | None


@dataclass(frozen=True)
class StockAlert:
    material: MaterialView


@dataclass(frozen=True)
class JobArchive:
    """Everything of one job, for the archive PDF and the job editor."""

    job: JobView
    assessments: tuple[AssessmentView, ...]
    grade: GradeView | None
    plan: PlanView | None
    ph_sets: tuple[PhSetView, ...]
    ph_comparison: tuple[LeafComparison, ...]  # before-treatment vs the latest later set, per leaf
    recipes: tuple[RecipeView, ...]
    sessions: tuple[SessionView, ...]
    materials_used: tuple[SessionMaterialView, ...]  # totals over all sessions
    totals: JobTotals | None
    progress: Progress | None
    photos: tuple[PhotoView, ...]
    acceptances: tuple[AcceptanceView, ...]
    acid_threshold: Decimal
    de00_tolerance: float
    generated_at: dt.datetime
