"""Census numbers (普查編號) ``PPPPPP-UUUU-NNNNNNN``.

- ``PPPPPP``: the GB/T 2260 administrative code of the province (110000 Beijing,
  210000 Liaoning, 220000 Jilin …);
- ``UUUU``: the unit code the census centre assigned to the holding institution
  (0101 = National Library) — configuration, never invented by the program;
- ``NNNNNNN``: the 7-digit serial.

Numbers already issued are imported as they are (:func:`parse_census_number`) and never
re-minted; :func:`format_census_number` builds the canonical text of a new one.
Real examples: ``110000-0101-0010283``, ``110000-0101-0013797``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from guji.errors import GujiError

__all__ = [
    "PROVINCE_PREFIXES",
    "CensusNumber",
    "CensusNumberError",
    "format_census_number",
    "parse_census_number",
    "validate_region_code",
    "validate_serial",
    "validate_unit_code",
]

# First two digits of the GB/T 2260 province-level divisions: 11–15 (North China),
# 21–23 (North-East), 31–37 (East), 41–46 (Central-South), 50–54 (South-West),
# 61–65 (North-West), 71 (Taiwan), 81 (Hong Kong), 82 (Macao). The province's own code
# is the prefix followed by 0000 (110000, 820000). We accept any 6-digit code with a
# valid prefix rather than only the xx0000 codes because units are sometimes registered
# under a prefecture or county code (e.g. 220100 Changchun) and such numbers, once
# issued, must be imported as they are; the list of lower-level codes changes yearly
# and is not checked.
PROVINCE_PREFIXES: frozenset[str] = frozenset(
    [f"{n}" for n in range(11, 16)] + [f"{n}" for n in range(21, 24)]
    + [f"{n}" for n in range(31, 38)] + [f"{n}" for n in range(41, 47)]
    + [f"{n}" for n in range(50, 55)] + [f"{n}" for n in range(61, 66)]
    + ["71", "81", "82"]
)

# Dash-like characters users paste from Word/Excel or type on a Chinese keyboard;
# NFKC already turns the full-width hyphen-minus (U+FF0D) into "-".
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63"


class CensusNumberError(GujiError, ValueError):
    """A census number (or one of its parts) is malformed. ``field`` names the part:
    ``"census_number"`` (the whole), ``"region"``, ``"unit"`` or ``"serial"``."""

    def __init__(self, field: str, message: str, value: object = None):
        self.field = field
        self.value = value
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True, order=True)
class CensusNumber:
    """A parsed census number; ``str()`` gives the canonical ``PPPPPP-UUUU-NNNNNNN``."""

    region: str
    unit: str
    serial: str

    def __str__(self) -> str:
        return f"{self.region}-{self.unit}-{self.serial}"

    @property
    def province_prefix(self) -> str:
        return self.region[:2]


def _normalise(s: str) -> str:
    """NFKC (full-width digits/dash → ASCII), unify dashes, drop all whitespace."""
    s = unicodedata.normalize("NFKC", s)
    s = s.translate({ord(c): "-" for c in _DASHES})
    return re.sub(r"\s+", "", s)


def _digits(field: str, value: object, length: int) -> str:
    if not isinstance(value, str):
        raise CensusNumberError(field, f"must be text of {length} digits, got {type(value).__name__}", value)
    v = _normalise(value)
    if not v:
        raise CensusNumberError(field, f"is empty (needs {length} digits)", value)
    if not v.isascii() or not v.isdigit():
        raise CensusNumberError(field, f"must be {length} digits 0-9, got {value!r}", value)
    if len(v) != length:
        raise CensusNumberError(field, f"must be exactly {length} digits, got {len(v)} ({value!r})", value)
    return v


def validate_region_code(s: str) -> str:
    """Check a 6-digit GB/T 2260 code with a valid province prefix; return it normalised.

    Full-width digits and spaces are accepted. Raises :class:`CensusNumberError` with
    field ``"region"`` otherwise (wrong length, non-digits, unknown province prefix).
    """
    v = _digits("region", s, 6)
    if v[:2] not in PROVINCE_PREFIXES:
        raise CensusNumberError("region", f"{v}: {v[:2]} is not a GB/T 2260 province prefix", s)
    return v


def validate_unit_code(s: str) -> str:
    """Check a 4-digit unit code; return it normalised. ``0000`` is rejected (no unit).

    Raises :class:`CensusNumberError` with field ``"unit"``.
    """
    v = _digits("unit", s, 4)
    if v == "0000":
        raise CensusNumberError("unit", "0000 is not a unit code", s)
    return v


def validate_serial(s: str | int) -> str:
    """Check a serial (7 digits, or an int 1…9999999 which is zero-padded); return 7 digits.

    Raises :class:`CensusNumberError` with field ``"serial"``; ``0000000`` is rejected.
    """
    if isinstance(s, bool):
        raise CensusNumberError("serial", "must be digits, got a boolean", s)
    if isinstance(s, int):
        if not 1 <= s <= 9_999_999:
            raise CensusNumberError("serial", f"must be 1…9999999, got {s}", s)
        return f"{s:07d}"
    v = _digits("serial", s, 7)
    if v == "0000000":
        raise CensusNumberError("serial", "0000000 is not a serial", s)
    return v


_CANONICAL = re.compile(r"[0-9]{6}-[0-9]{4}-[0-9]{7}")


def parse_census_number(s: str) -> CensusNumber:
    """Parse ``PPPPPP-UUUU-NNNNNNN`` (full-width digits and dashes, spaces anywhere allowed).

    Raises :class:`CensusNumberError`: field ``"census_number"`` when the shape is wrong
    (not three dash-separated parts), else the field of the first bad part.
    """
    if not isinstance(s, str):
        raise CensusNumberError("census_number", f"must be text, got {type(s).__name__}", s)
    if _CANONICAL.fullmatch(s):  # the common case (every row of an import): skip the normalising
        region, unit, serial = s[:6], s[7:11], s[12:]
        if region[:2] in PROVINCE_PREFIXES and unit != "0000" and serial != "0000000":
            return CensusNumber(region, unit, serial)
    v = _normalise(s)
    if not v:
        raise CensusNumberError("census_number", "is empty", s)
    parts = v.split("-")
    if len(parts) != 3:
        raise CensusNumberError(
            "census_number", f"must be PPPPPP-UUUU-NNNNNNN (three parts joined by '-'), got {s!r}", s)
    region, unit, serial = parts
    return CensusNumber(validate_region_code(region), validate_unit_code(unit), validate_serial(serial))


def format_census_number(region: str, unit: str, serial: str | int) -> str:
    """The canonical text ``PPPPPP-UUUU-NNNNNNN`` of a census number; each part is
    validated as by the ``validate_*`` functions (an int serial is zero-padded)."""
    return str(CensusNumber(validate_region_code(region), validate_unit_code(unit), validate_serial(serial)))
