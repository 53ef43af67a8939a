"""版心 (centre strip) of an uncut leaf (筒子頁): where to split it in two.

A leaf is judged uncut when its block frame is clearly wider than tall (a
half-leaf frame is taller than wide).  The 版心 is then the gap between two
adjacent vertical lines near the middle that holds the fish tail (魚尾) or
black mouth (黑口): rows inked from one line to the other.  Text columns are
never inked wall to wall, so this tells the strip from its neighbours even
when the strip is no wider than a column.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from imaging.frame import FrameResult

#: Frame width/height above which the leaf is taken as uncut.
UNCUT_ASPECT = 1.1


@dataclass(frozen=True)
class Split:
    """The 版心 strip: its centre and the two bounding lines' inner edges."""

    x: float
    left: float
    right: float


def _solid_rows(ink: np.ndarray, frame: FrameResult, u0: float, u1: float, y0: int, y1: int) -> int:
    """Rows between ``y0`` and ``y1`` inked across ≥ 85 % of the gap between
    the vertical lines at mid-height x ``u0`` and ``u1`` (following their lean)."""
    if u1 - u0 < 3:
        return 0
    n = 0
    for y in range(y0, y1):
        a = round(float(frame.x_at(u0, y)))
        b = round(float(frame.x_at(u1, y)))
        if b - a >= 3 and ink[y, a:b].mean() >= 0.85:
            n += 1
    return n


def find_split(ink: np.ndarray, frame: FrameResult) -> Split | None:
    """Centre of the 版心 strip in the deskewed working image, or ``None``.

    Contract: ``None`` for a half-leaf (frame not wider than ``UNCUT_ASPECT``
    times its height) or when no pair of vertical lines brackets the middle.
    Otherwise the strip is the gap, among those whose centre lies in the
    middle 30 % of the frame, with the most wall-to-wall inked rows; if none
    has any, the gap nearest the frame centre.
    """
    x0, y0, x1, y1 = frame.box
    if (x1 - x0) < UNCUT_ASPECT * (y1 - y0):
        return None
    ix0, iy0, ix1, iy1 = frame.inner
    edges = [(float(ix0), float(ix0))] + [(float(ln.start), float(ln.end)) for ln in frame.verticals] \
        + [(float(ix1), float(ix1))]
    fw = float(ix1 - ix0)
    mid = (ix0 + ix1) / 2.0
    best: tuple[int, float, Split] | None = None
    for (_, a_end), (b_start, _) in itertools.pairwise(edges):
        c = (a_end + b_start) / 2.0
        if abs(c - mid) > 0.15 * fw or b_start - a_end < 0.01 * fw:
            continue
        # Stay clear of the bounding lines so their blur does not count as fill.
        solid = _solid_rows(ink, frame, a_end + 2, b_start - 1, iy0, iy1)
        key = (solid, -abs(c - mid))
        if best is None or key > best[:2]:
            best = (solid, -abs(c - mid), Split(c, a_end, b_start))
    return None if best is None else best[2]
