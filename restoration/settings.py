"""Restoration settings: the thresholds the standards leave open, with their documented defaults.

Where they live: the ``restoration_setting`` table (key → text value), one row per
key that a centre administrator changed with ``app.restoration.set_setting``; a key
without a row takes the default below. They are centre-wide (one database = one
provincial centre's archive), so every unit judges pH and colour the same way.

================  =======  ==================================================================
key               default  why
================  =======  ==================================================================
acid_threshold    5.5      pH points strictly below are flagged acidic: DA/T 64.1-2017 grades
                           pH 5.0–5.5 as 严重 and < 5.0 as 特残 (see restoration.ph).
de00_tolerance    2.0      a dye trial passes when ΔE00 ≤ this; no conservation tolerance was
                           found: ≈1 is the threshold of visibility, 2–3 clearly visible
                           side by side (see restoration.colour).
job_prefix        XF       job numbers are PREFIX-YYYY-NNNN (XF = 修复).
================  =======  ==================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from restoration.colour import DEFAULT_DE00_TOLERANCE
from restoration.errors import FieldError
from restoration.ph import DEFAULT_ACID_THRESHOLD, parse_ph_value

DEFAULTS: dict[str, str] = {
    "acid_threshold": str(DEFAULT_ACID_THRESHOLD),
    "de00_tolerance": str(DEFAULT_DE00_TOLERANCE),
    "job_prefix": "XF",
}


@dataclass(frozen=True)
class RestorationSettings:
    """The effective settings (stored value or default)."""

    acid_threshold: Decimal
    de00_tolerance: float
    job_prefix: str


def check_value(key: str, value: str) -> str:
    """Validate ``value`` for ``key`` and return its normalised text; raises :class:`FieldError`."""
    text = str(value).strip()
    if key not in DEFAULTS:
        raise FieldError("key", f"unknown setting {key!r}; known: {', '.join(sorted(DEFAULTS))}")
    if key == "acid_threshold":
        try:
            return str(parse_ph_value(text, leaf="-", position="threshold"))
        except FieldError as exc:
            raise FieldError(key, exc.message) from None
    if key == "de00_tolerance":
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise FieldError(key, f"{value!r} is not a number") from None
        if not d.is_finite() or d <= 0 or d > 50:
            raise FieldError(key, f"the ΔE00 tolerance must be above 0 and at most 50, got {value!r}")
        return str(d)
    if not text or len(text) > 10 or not text.replace("-", "").isalnum():
        raise FieldError(key, "the job prefix is 1–10 letters or digits")
    return text


def from_rows(rows: dict[str, str]) -> RestorationSettings:
    """Effective settings from stored rows (missing keys take the default)."""
    values = {**DEFAULTS, **{k: v for k, v in rows.items() if k in DEFAULTS}}
    return RestorationSettings(
        acid_threshold=Decimal(values["acid_threshold"]),
        de00_tolerance=float(values["de00_tolerance"]),
        job_prefix=values["job_prefix"],
    )
