"""pH measurement sets of a restoration job: validation, statistics, before/after comparison.

A set is one round of measurements (before treatment, after washing, after
deacidification, after treatment) taken by one method (flat-electrode surface
pH per GB/T 13528-2015, or the destructive cold/hot water extraction of
GB/T 1545), made of points identified by leaf and position on the leaf.

Values are kept as :class:`decimal.Decimal` with two decimals: pH meters show two
decimals and a restorer who types 5.10 must read back 5.10, not 5.0999999.
"""

from __future__ import annotations

import math
import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, localcontext
from enum import StrEnum

from restoration.errors import FieldError

__all__ = [
    "DEFAULT_ACID_THRESHOLD",
    "LeafComparison",
    "PhMethod",
    "PhPoint",
    "PhSet",
    "PhSetKind",
    "PhStatistics",
    "PhValueError",
    "compare_sets",
    "parse_ph_value",
    "set_statistics",
]

_TWO_PLACES = Decimal("0.01")
_PH_MIN = Decimal("0")
_PH_MAX = Decimal("14")

#: Points with pH strictly below this are flagged as acidic.  Why 5.5: the
#: archives standard DA/T 64.1-2017 (which borrows WH/T 22-2006's terms; WH/T 22's
#: own table was not retrieved) grades paper at pH 5.0-5.5 as 严重 (severe) and
#: below 5.0 as 特残 (most severe); 5.5-6.2 is only 中度.  5.5 therefore flags the
#: points whose acidity alone puts the item in one of the two worst grades, which
#: is the question a restorer asks when deciding on deacidification.  (5.0 would
#: flag only 特残; 6.2 would flag 中度 too.)  It is a setting: pass another
#: threshold to :func:`set_statistics`.
DEFAULT_ACID_THRESHOLD: Decimal = Decimal("5.5")


class PhSetKind(StrEnum):
    """When in the job a set was measured (codes of vocab category ``ph_set_kinds``)."""

    BEFORE_TREATMENT = "before_treatment"
    AFTER_WASHING = "after_washing"
    AFTER_DEACIDIFICATION = "after_deacidification"
    AFTER_TREATMENT = "after_treatment"


class PhMethod(StrEnum):
    """How the set was measured (codes of vocab category ``ph_methods``)."""

    SURFACE_FLAT_ELECTRODE = "surface_flat_electrode"  # GB/T 13528-2015, non-destructive
    COLD_EXTRACTION = "cold_extraction"  # GB/T 1545, destructive: samples only
    HOT_EXTRACTION = "hot_extraction"  # GB/T 1545, destructive: samples only


class PhValueError(FieldError):
    """A pH point value is not acceptable; ``leaf`` and ``position`` say which point."""

    def __init__(self, leaf: str, position: str, message: str) -> None:
        self.leaf: str = leaf
        self.position: str = position
        where = f"leaf {leaf}" + (f", position {position}" if position else "")
        super().__init__("ph_value", f"pH at {where}: {message}")


def parse_ph_value(raw: object, *, leaf: str = "", position: str = "") -> Decimal:
    """Validate one pH reading and return it as a Decimal with exactly two decimals.

    Accepts a :class:`Decimal`, an ``int``, a ``float`` (taken by its shortest
    repr, so 5.1 means 5.10) or a text such as ``"5.1"``, ``" 6.25 "`` or
    full-width ``"５．１"``.  The value must be a finite number in [0, 14] with
    at most two decimals (trailing zeros beyond do not count: "5.100" is 5.10).
    Raises :class:`PhValueError` naming the point (leaf, position) otherwise.
    """

    def fail(message: str) -> PhValueError:
        return PhValueError(leaf, position, message)

    if isinstance(raw, bool) or raw is None:
        raise fail(f"{raw!r} is not a number")
    value: Decimal
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise fail(f"{raw!r} is not a finite number")
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        # Restorers type on Chinese input methods: accept full-width digits and point.
        text = unicodedata.normalize("NFKC", raw).strip().replace("。", ".")
        if not text:
            raise fail("no value given")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise fail(f"{raw!r} is not a number") from None
    else:
        raise fail(f"{raw!r} is not a number")

    if not value.is_finite():
        raise fail(f"{raw!r} is not a finite number")
    if value < _PH_MIN:
        raise fail(f"{raw!r} is negative; pH runs from 0 to 14")
    if value > _PH_MAX:
        raise fail(f"{raw!r} is above 14; pH runs from 0 to 14")
    quantized = value.quantize(_TWO_PLACES)
    if quantized != value:
        raise fail(f"{raw!r} has more than two decimals; meters read to 0.01")
    if quantized == 0:
        return Decimal("0.00")  # not "-0.00"
    return quantized


@dataclass(frozen=True, slots=True)
class PhPoint:
    """One reading: the leaf (as the archive numbers it, e.g. "3" or "卷一·5"), the position on it, the value."""

    leaf: str
    position: str
    value: Decimal

    def __post_init__(self) -> None:
        # Validate even when built directly (e.g. from stored rows), not only via create().
        leaf_text = str(self.leaf).strip() if self.leaf is not None else ""
        position_text = str(self.position).strip() if self.position is not None else ""
        if not leaf_text:
            raise FieldError("leaf", "each pH point needs the leaf it was measured on")
        object.__setattr__(self, "leaf", leaf_text)
        object.__setattr__(self, "position", position_text)
        object.__setattr__(self, "value", parse_ph_value(self.value, leaf=leaf_text, position=position_text))

    @classmethod
    def create(cls, leaf: object, position: object, value: object) -> PhPoint:
        """Build a point from raw input (text, numbers), validating it.

        ``leaf`` must be non-empty (it identifies the point); ``position`` may be
        empty; ``value`` goes through :func:`parse_ph_value`.  Same as calling the
        constructor, which validates too.
        """
        return cls(leaf, position, value)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class PhSet:
    """One set of pH readings with how and when it was taken.

    The measurement conditions GB/T 13528 asks to record (electrode, calibration
    buffers, wait before reading, temperature) are optional here so that an old
    record can be keyed in with what it has.
    """

    kind: PhSetKind
    method: PhMethod
    points: tuple[PhPoint, ...]
    electrode: str = ""
    calibration_buffers: tuple[Decimal, ...] = (Decimal("4.00"), Decimal("7.00"))
    wait_seconds: int | None = None
    temperature_c: Decimal | None = None
    measured_on: str = ""  # ISO date; the service layer owns dates
    note: str = ""

    def __post_init__(self) -> None:
        # Coerce enum codes given as text, so a set can be rebuilt from stored rows.
        try:
            object.__setattr__(self, "kind", PhSetKind(self.kind))
        except ValueError:
            raise FieldError("kind", f"unknown pH set kind {self.kind!r}") from None
        try:
            object.__setattr__(self, "method", PhMethod(self.method))
        except ValueError:
            raise FieldError("method", f"unknown pH method {self.method!r}") from None
        object.__setattr__(self, "points", tuple(self.points))
        for point in self.points:
            if not isinstance(point, PhPoint):
                raise FieldError("points", f"expected PhPoint, got {point!r}")
        if self.wait_seconds is not None and self.wait_seconds < 0:
            raise FieldError("wait_seconds", "the wait before reading cannot be negative")


@dataclass(frozen=True, slots=True)
class PhStatistics:
    """Summary of a set.  ``stdev`` is the sample standard deviation (n-1), None when n < 2.

    ``mean``, ``median`` and ``stdev`` are Decimals at 28 significant digits (round
    for display); ``minimum``/``maximum`` are the readings themselves.  ``acidic``
    lists the points strictly below ``threshold``, in set order.
    """

    n: int
    mean: Decimal | None
    median: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None
    stdev: Decimal | None
    threshold: Decimal
    acidic: tuple[PhPoint, ...] = field(default=())


def _as_threshold(threshold: Decimal | float | int | str) -> Decimal:
    try:
        return parse_ph_value(threshold, leaf="-", position="threshold")
    except PhValueError as exc:
        raise FieldError("acid_threshold", exc.message) from None


def set_statistics(
    points: PhSet | Sequence[PhPoint], *, threshold: Decimal | float | int | str = DEFAULT_ACID_THRESHOLD
) -> PhStatistics:
    """n, mean, median, min, max, sample SD and the points below ``threshold``.

    An empty set gives n = 0 and None for every statistic.  The mean is exact
    (Decimal arithmetic, 28 digits), so the mean of 5.10 and 5.20 is exactly 5.15.
    """
    pts = points.points if isinstance(points, PhSet) else tuple(points)
    limit = _as_threshold(threshold)
    values = [p.value for p in pts]
    acidic = tuple(p for p in pts if p.value < limit)
    if not values:
        return PhStatistics(0, None, None, None, None, None, limit, acidic)
    with localcontext() as ctx:
        ctx.prec = 28
        mean = statistics.mean(values)
        median = statistics.median(values)
        stdev = statistics.stdev(values) if len(values) >= 2 else None
    return PhStatistics(
        n=len(values),
        mean=Decimal(mean),
        median=Decimal(median),
        minimum=min(values),
        maximum=max(values),
        stdev=None if stdev is None else Decimal(stdev),
        threshold=limit,
        acidic=acidic,
    )


@dataclass(frozen=True, slots=True)
class LeafComparison:
    """Per-leaf means in an earlier and a later set; ``difference`` = later - earlier.

    A leaf measured in only one set has None on the other side and as difference.
    """

    leaf: str
    earlier_mean: Decimal | None
    later_mean: Decimal | None
    earlier_n: int
    later_n: int

    @property
    def difference(self) -> Decimal | None:
        """later - earlier (positive = less acidic after treatment), None if a side is missing."""
        if self.earlier_mean is None or self.later_mean is None:
            return None
        return self.later_mean - self.earlier_mean


def _means_by_leaf(points: Iterable[PhPoint]) -> dict[str, list[Decimal]]:
    grouped: dict[str, list[Decimal]] = {}
    for point in points:
        grouped.setdefault(point.leaf, []).append(point.value)
    return grouped


def compare_sets(earlier: PhSet | Sequence[PhPoint], later: PhSet | Sequence[PhPoint]) -> list[LeafComparison]:
    """Compare two sets leaf by leaf (typically before treatment vs after treatment/deacidification).

    Several points on one leaf are averaged first.  Leaves come in the order
    they first appear in ``earlier``, then those only in ``later``.  When both
    arguments are :class:`PhSet` they must be of different kinds.
    """
    if isinstance(earlier, PhSet) and isinstance(later, PhSet) and earlier.kind == later.kind:
        raise FieldError("kind", f"both sets are {earlier.kind.value!r}: compare sets of different stages")
    e_pts = earlier.points if isinstance(earlier, PhSet) else tuple(earlier)
    l_pts = later.points if isinstance(later, PhSet) else tuple(later)
    e_by_leaf = _means_by_leaf(e_pts)
    l_by_leaf = _means_by_leaf(l_pts)
    order = list(e_by_leaf) + [leaf for leaf in l_by_leaf if leaf not in e_by_leaf]
    out: list[LeafComparison] = []
    with localcontext() as ctx:
        ctx.prec = 28
        for leaf in order:
            e_vals = e_by_leaf.get(leaf, [])
            l_vals = l_by_leaf.get(leaf, [])
            out.append(
                LeafComparison(
                    leaf=leaf,
                    earlier_mean=Decimal(statistics.mean(e_vals)) if e_vals else None,
                    later_mean=Decimal(statistics.mean(l_vals)) if l_vals else None,
                    earlier_n=len(e_vals),
                    later_n=len(l_vals),
                )
            )
    return out
