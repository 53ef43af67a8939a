"""Damage mask: stains, foxing, water marks, holes and losses on the page.

Damage is paper whose colour departs from the page's typical paper colour:
stains and foxing are darker and browner, tide lines of water marks darker,
holes and losses show the (white or black) backing.  Ink is taken out first
(replaced by the paper colour and median-filtered away) so that text and
frame lines never count as damage.
"""

from __future__ import annotations

import cv2
import numpy as np

from imaging.crop import ink_mask, to_gray

#: Colour distance (CIE76 ΔE) from the typical paper above which paper is damaged.
DELTA_E = 10.0


def damage_mask(bgr: np.ndarray, page_box: list[int] | tuple[int, int, int, int],
                delta_e: float = DELTA_E) -> np.ndarray:
    """Boolean mask (shape of ``bgr``'s image) of damaged paper in the page.

    Contract: only pixels inside ``page_box`` can be True; a pixel is damaged
    when, after ink removal and a small median filter, its L*a*b* is more
    than ``delta_e`` from the page's median paper colour, and it belongs to a
    blob of at least 0.01 % of the page (isolated specks are dust, not loss).
    ``bgr`` is best a downscaled copy (long side ~600 px).
    """
    h, w = bgr.shape[:2]
    x0, y0, x1, y1 = page_box
    out = np.zeros((h, w), bool)
    if x1 - x0 < 10 or y1 - y0 < 10:
        return out
    img = bgr[y0:y1, x0:x1]
    if img.ndim == 2:
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    gray = to_gray(img)
    # A strict ratio: ink is far darker than its paper, stains only somewhat,
    # and a stain's rim must not be taken for ink.
    ink = ink_mask(gray, ratio=0.5)
    lab = cv2.cvtColor(img.astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab)
    paper = ~ink
    if int(paper.sum()) < 50:
        return out
    ref = np.median(lab[paper], axis=0)
    # Replace strokes by the paper colour so the median filter below does not
    # smear ink into "stain"; a stain's own colour survives since strokes
    # cover well under half of any neighbourhood.
    filled = img.copy()
    ref_bgr = np.median(img[paper], axis=0).astype(np.uint8)
    filled[ink] = ref_bgr
    k = max(3, (min(gray.shape) // 100) | 1)
    filled = cv2.medianBlur(filled, k)
    flab = cv2.cvtColor(filled.astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab)
    de = np.sqrt(((flab - ref) ** 2).sum(axis=2))
    dmg = (de > delta_e).astype(np.uint8)
    _n, labels, stats, _ = cv2.connectedComponentsWithStats(dmg, connectivity=8)
    min_area = max(4, int(1e-4 * dmg.size))
    small = stats[:, cv2.CC_STAT_AREA] < min_area
    small[0] = True
    dmg[small[labels]] = 0
    out[y0:y1, x0:x1] = dmg > 0
    return out


def damage_percent(mask: np.ndarray, page_box: list[int] | tuple[int, int, int, int]) -> float:
    """Damaged share of the page box area, in percent."""
    x0, y0, x1, y1 = page_box
    area = max(1, (x1 - x0) * (y1 - y0))
    return 100.0 * float(mask[y0:y1, x0:x1].sum()) / area
