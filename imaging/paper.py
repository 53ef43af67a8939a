"""Paper colour in CIE L*a*b*, and colour-checker calibration.

Pixels are taken as sRGB (IEC 61966-2-1).  The conversion is done here in
float64, not with OpenCV's 8-bit Lab (whose scaling and rounding lose about
half a ΔE): sRGB → linear → XYZ (D65) → L*a*b* relative to the D65 white, or,
with ``illuminant="D50"``, after a Bradford chromatic adaptation D65 → D50 (the
ICC / colour-checker convention).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from imaging.crop import ink_mask, to_gray

Illuminant = Literal["D65", "D50"]

#: Linear sRGB → XYZ (D65), IEC 61966-2-1.
RGB_TO_XYZ = np.array([
    [0.4124564, 0.3575761, 0.1804375],
    [0.2126729, 0.7151522, 0.0721750],
    [0.0193339, 0.1191920, 0.9503041],
])
XYZ_TO_RGB = np.linalg.inv(RGB_TO_XYZ)
#: Reference whites (Y = 1), CIE 1931 2° observer.
WHITE = {"D65": np.array([0.95047, 1.0, 1.08883]), "D50": np.array([0.96422, 1.0, 0.82521])}
#: Bradford cone-response matrix.
BRADFORD = np.array([
    [0.8951, 0.2664, -0.1614],
    [-0.7502, 1.7135, 0.0367],
    [0.0389, -0.0685, 1.0296],
])


def _adapt_matrix(src: Illuminant, dst: Illuminant) -> np.ndarray:
    """Bradford XYZ adaptation matrix from white ``src`` to white ``dst``."""
    if src == dst:
        return np.eye(3)
    s = BRADFORD @ WHITE[src]
    d = BRADFORD @ WHITE[dst]
    m: np.ndarray = np.linalg.inv(BRADFORD) @ np.diag(d / s) @ BRADFORD
    return m


def srgb_to_linear(rgb01: np.ndarray) -> np.ndarray:
    """Undo the sRGB transfer curve; input and output in 0..1."""
    c = np.asarray(rgb01, dtype=np.float64)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(lin: np.ndarray) -> np.ndarray:
    """Apply the sRGB transfer curve; input and output in 0..1 (not clipped)."""
    c = np.asarray(lin, dtype=np.float64)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * np.abs(c) ** (1 / 2.4) * np.sign(c) - 0.055)


def xyz_to_lab(xyz: np.ndarray, illuminant: Illuminant = "D65") -> np.ndarray:
    """CIE XYZ (Y = 1 for white) → L*a*b* relative to ``illuminant``'s white."""
    t = np.asarray(xyz, dtype=np.float64) / WHITE[illuminant]
    e, k = 216 / 24389, 24389 / 27
    f = np.where(t > e, np.cbrt(t), (k * t + 16) / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def lab_to_xyz(lab: np.ndarray, illuminant: Illuminant = "D65") -> np.ndarray:
    """Inverse of ``xyz_to_lab``."""
    lab = np.asarray(lab, dtype=np.float64)
    fy = (lab[..., 0] + 16) / 116
    fx = fy + lab[..., 1] / 500
    fz = fy - lab[..., 2] / 200
    e, k = 216 / 24389, 24389 / 27
    f = np.stack([fx, fy, fz], axis=-1)
    t = np.where(f ** 3 > e, f ** 3, (116 * f - 16) / k)
    xyz: np.ndarray = t * WHITE[illuminant]
    return xyz


def linear_rgb_to_lab(lin: np.ndarray, illuminant: Illuminant = "D65") -> np.ndarray:
    """Linear sRGB (0..1, last axis R,G,B) → L*a*b* under ``illuminant``."""
    xyz = np.asarray(lin, dtype=np.float64) @ RGB_TO_XYZ.T
    if illuminant != "D65":
        xyz = xyz @ _adapt_matrix("D65", illuminant).T
    return xyz_to_lab(xyz, illuminant)


def rgb_to_lab(rgb: np.ndarray, illuminant: Illuminant = "D65") -> np.ndarray:
    """8-bit sRGB values (last axis R,G,B; 0..255) → L*a*b*.

    ``illuminant="D65"`` gives Lab relative to the sRGB D65 white;
    ``"D50"`` adapts XYZ to D50 with Bradford first.
    """
    return linear_rgb_to_lab(srgb_to_linear(np.asarray(rgb, dtype=np.float64) / 255.0), illuminant)


def lab_to_linear_rgb(lab: np.ndarray, illuminant: Illuminant = "D65") -> np.ndarray:
    """L*a*b* under ``illuminant`` → linear sRGB (0..1, not clipped)."""
    xyz = lab_to_xyz(lab, illuminant)
    if illuminant != "D65":
        xyz = xyz @ _adapt_matrix(illuminant, "D65").T
    return xyz @ XYZ_TO_RGB.T


@dataclass(frozen=True)
class ColourCorrection:
    """Affine correction of linear sRGB: ``lin' = lin @ matrix.T + offset``."""

    matrix: np.ndarray
    offset: np.ndarray

    def apply_linear(self, lin: np.ndarray) -> np.ndarray:
        """Correct linear sRGB values (last axis R,G,B)."""
        out: np.ndarray = np.asarray(lin, dtype=np.float64) @ self.matrix.T + self.offset
        return out

    def apply_rgb(self, rgb: np.ndarray) -> np.ndarray:
        """Correct 8-bit sRGB values (R,G,B), returning linear sRGB 0..1."""
        return self.apply_linear(srgb_to_linear(np.asarray(rgb, dtype=np.float64) / 255.0))


def calibrate_from_patches(measured_rgb: np.ndarray, reference_lab: np.ndarray,
                           illuminant: Illuminant = "D50") -> ColourCorrection:
    """Fit a 3×3 matrix + offset mapping measured patch colours to reference.

    ``measured_rgb``: ``(N, 3)`` 8-bit sRGB (R,G,B) of the target's patches as
    scanned; ``reference_lab``: ``(N, 3)`` their published L*a*b* under
    ``illuminant`` (colour checkers publish D50).  The fit is least squares in
    linear sRGB (the space where a scanner's channel mixing is affine).
    Needs N ≥ 4 patches; raises ``ValueError`` otherwise.
    """
    meas = np.asarray(measured_rgb, dtype=np.float64).reshape(-1, 3)
    ref = np.asarray(reference_lab, dtype=np.float64).reshape(-1, 3)
    if meas.shape[0] != ref.shape[0] or meas.shape[0] < 4:
        raise ValueError("calibrate_from_patches needs ≥ 4 patches with matching measured and reference values")
    src = srgb_to_linear(meas / 255.0)
    dst = lab_to_linear_rgb(ref, illuminant)
    a = np.hstack([src, np.ones((src.shape[0], 1))])
    sol, *_ = np.linalg.lstsq(a, dst, rcond=None)
    return ColourCorrection(matrix=sol[:3].T.copy(), offset=sol[3].copy())


def paper_mask(bgr: np.ndarray, page_box: list[int] | tuple[int, int, int, int],
               damage: np.ndarray | None = None) -> np.ndarray:
    """Blank-paper pixels: inside the page (5 % in from its edges), away from
    ink (ink dilated so anti-aliased stroke rims are left out) and damage."""
    gray = to_gray(bgr)
    h, w = gray.shape
    x0, y0, x1, y1 = page_box
    mx, my = (x1 - x0) // 20, (y1 - y0) // 20
    keep = np.zeros((h, w), bool)
    keep[y0 + my:y1 - my, x0 + mx:x1 - mx] = True
    ink = cv2.dilate(ink_mask(gray, ratio=0.85).astype(np.uint8),
                     cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))) > 0
    keep &= ~ink
    if damage is not None:
        keep &= ~damage
    return keep


def paper_lab(bgr: np.ndarray, page_box: list[int] | tuple[int, int, int, int],
              damage: np.ndarray | None = None, illuminant: Illuminant = "D65",
              correction: ColourCorrection | None = None) -> np.ndarray | None:
    """L*a*b* of the blank paper of a page, or ``None`` if too little is blank.

    ``bgr``: uint8 BGR (or grey) image; ``page_box`` in its pixels;
    ``damage``: optional boolean mask to avoid.  The paper colour is the
    per-channel median of the blank pixels, converted from sRGB (after
    ``correction`` if given) under ``illuminant`` ("D65" or "D50").
    """
    keep = paper_mask(bgr, page_box, damage)
    if int(keep.sum()) < 50:
        return None
    px = bgr[keep] if bgr.ndim == 3 else np.repeat(bgr[keep][:, None], 3, axis=1)
    rgb = np.median(px[:, :3].astype(np.float64), axis=0)[::-1] if bgr.ndim == 3 else np.median(px, axis=0)
    if correction is not None:
        return linear_rgb_to_lab(np.clip(correction.apply_rgb(rgb), 0.0, None), illuminant)
    return rgb_to_lab(rgb, illuminant)
