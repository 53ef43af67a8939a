"""CIE L*a*b* → sRGB for colour swatches on screen and in the archive PDF.

A swatch only shows roughly what a measured colour looks like: the conversion
takes L*a*b* relative to the D65 white (the usual D65/10° measurement; a D50
reading is shown as if it were D65, which is close enough for a swatch, and
the numbers, not the swatch, are the record), then XYZ → linear sRGB → gamma,
clipping colours outside the sRGB gamut.
"""

from __future__ import annotations

from collections.abc import Sequence

# D65 reference white, 2° observer (the sRGB white point), Y = 1.
_XN, _YN, _ZN = 0.95047, 1.0, 1.08883
_EPS = 216 / 24389
_KAPPA = 24389 / 27


def _f_inv(t: float) -> float:
    t3 = t ** 3
    return t3 if t3 > _EPS else (116 * t - 16) / _KAPPA


def _gamma(c: float) -> float:
    c = min(max(c, 0.0), 1.0)
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def lab_to_srgb(lab: Sequence[float]) -> tuple[float, float, float]:
    """sRGB components in [0, 1] for an L*a*b* colour (clipped to the gamut)."""
    L, a, b = (float(x) for x in lab)
    fy = (L + 16) / 116
    fx = fy + a / 500
    fz = fy - b / 200
    x = _XN * _f_inv(fx)
    y = _YN * (fy ** 3 if L > _KAPPA * _EPS else L / _KAPPA)
    z = _ZN * _f_inv(fz)
    r = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z
    g = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z
    bl = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z
    return (_gamma(r), _gamma(g), _gamma(bl))


def lab_to_hex(lab: Sequence[float]) -> str:
    """``#rrggbb`` for an L*a*b* colour."""
    return "#" + "".join(f"{round(c * 255):02x}" for c in lab_to_srgb(lab))
