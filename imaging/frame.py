"""Block frame (版框) detection on a deskewed page.

Long straight ink runs are isolated with morphology (a short closing bridges
worn gaps, a long opening removes characters).  The frame is the outermost
pair of strong horizontal lines and, between them, the outermost vertical
lines spanning most of the frame height; for double frames (四周雙邊) the outer
line of the pair gives the outer edge.  On a cut half-leaf the frame's 版心
side is the vertical line that separates the 版心 fragment from the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np


@dataclass(frozen=True)
class Line:
    """A straight line band: ``start``..``end`` (exclusive) across it, and
    ``strength``, the share of the reference length it covers."""

    start: int
    end: int
    strength: float
    #: Lean of a vertical line (tan): x = u - (y - mid_y) * lean, u at mid-height.
    lean: float = 0.0

    @property
    def centre(self) -> float:
        """Middle of the band."""
        return (self.start + self.end - 1) / 2.0


@dataclass
class FrameResult:
    """Frame found in a deskewed working image (its pixel coordinates)."""

    box: tuple[int, int, int, int]          # outer edge of the outer line, x1/y1 exclusive
    inner: tuple[int, int, int, int]        # inside edge of the innermost frame line
    verticals: list[Line] = field(default_factory=list)  # all long vertical lines inside
    found_sides: tuple[bool, bool, bool, bool] = (True, True, True, True)
    #: Lean of the vertical lines: x = u - (y - mid_y) * shear, where u (the
    #: coordinate of ``verticals`` and of ``inner``'s x) is x at ``mid_y``.
    shear: float = 0.0
    mid_y: float = 0.0
    #: Row just below the outer top line (exclusive end of its band).
    top_end: int = 0

    def x_at(self, u: float, y: float | np.ndarray) -> float | np.ndarray:
        """Image x, at row ``y``, of the vertical line whose mid-height x is ``u``."""
        return u - (np.asarray(y, dtype=np.float64) - self.mid_y) * self.shear


def line_masks(ink: np.ndarray, hlen: int, vlen: int, bridge: int) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical long-line masks (uint8 0/1) of an ink mask."""
    m = ink.astype(np.uint8)
    kh_close = cv2.getStructuringElement(cv2.MORPH_RECT, (bridge, 1))
    kv_close = cv2.getStructuringElement(cv2.MORPH_RECT, (1, bridge))
    h = cv2.morphologyEx(m, cv2.MORPH_CLOSE, kh_close)
    h = cv2.morphologyEx(h, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (hlen, 1)))
    v = cv2.morphologyEx(m, cv2.MORPH_CLOSE, kv_close)
    v = cv2.morphologyEx(v, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, vlen)))
    return h, v


def group_lines(profile: np.ndarray, thresh: float, max_gap: int = 1) -> list[Line]:
    """Group consecutive profile entries above ``thresh`` into line bands."""
    idx = np.flatnonzero(profile >= thresh)
    if idx.size == 0:
        return []
    out: list[Line] = []
    start = prev = int(idx[0])
    for i in idx[1:]:
        i = int(i)
        if i - prev > max_gap + 1:
            out.append(Line(start, prev + 1, float(profile[start:prev + 1].max())))
            start = i
        prev = i
    out.append(Line(start, prev + 1, float(profile[start:prev + 1].max())))
    return out


def _outer_pair(lines: list[Line], span: int, min_sep: float,
                rel: float = 0.5) -> tuple[Line | None, Line | None, list[Line]]:
    """Pick the outer frame lines among candidate bands.

    The strongest bands (≥ half the best) define the frame; a weaker band just
    outside one of them (within 3 % of ``span``) is the worn outer line of a
    double frame and wins.
    """
    if not lines:
        return None, None, []
    best = max(ln.strength for ln in lines)
    strong = [ln for ln in lines if ln.strength >= rel * best]
    first, last = strong[0], strong[-1]
    near = max(4, int(0.03 * span))
    for ln in lines:
        if ln.end <= first.start and first.start - ln.end <= near and ln.strength >= 0.25 * best:
            first = ln
            break
    for ln in reversed(lines):
        if ln.start >= last.end and ln.start - last.end <= near and ln.strength >= 0.25 * best:
            last = ln
            break
    if last.centre - first.centre < min_sep:
        return first, None, strong
    return first, last, strong


def _inner_edge(lines: list[Line], outer: Line, towards: int, near: int) -> int:
    """Inside edge of a frame side: past the outer line and any line of the
    double frame within ``near`` pixels of it, going ``towards`` (+1/-1)."""
    edge = outer.end if towards > 0 else outer.start
    for ln in (lines if towards > 0 else reversed(lines)):
        if towards > 0 and ln.start >= edge and ln.start - edge <= near:
            edge = ln.end
        elif towards < 0 and ln.end <= edge and edge - ln.end <= near:
            edge = ln.start
    return edge


def find_frame(ink: np.ndarray, region: tuple[int, int, int, int],
               line_ink: np.ndarray | None = None) -> FrameResult | None:
    """Find the block frame in a deskewed ink mask, searching inside ``region``.

    Contract: returns ``None`` when no pair of long horizontal lines at least
    a third of the region's height apart is found.  Missing vertical sides
    (a cut or torn side) fall back to the extent of the horizontal lines and
    are reported in ``found_sides`` (left, top, right, bottom).
    ``line_ink``, if given, is a more lenient ink mask of the same image used
    for the vertical lines: worn, thin 界行 fade below the text threshold.
    """
    rx0, ry0, rx1, ry1 = region
    sub = ink[ry0:ry1, rx0:rx1]
    h, w = sub.shape
    if h < 20 or w < 20:
        return None
    bridge = max(3, min(h, w) // 150)
    # Short vertical kernel: carved blocks are often sheared, so 界行 lean a
    # little against the deskewed top line and long kernels would break them.
    hmask, vmask = line_masks(sub, max(15, w // 14), max(9, h // 30), bridge)
    strict_v = vmask
    if line_ink is not None:
        _, vmask = line_masks(line_ink[ry0:ry1, rx0:rx1], max(15, w // 14), max(9, h // 30), bridge)
    rowprof = hmask.sum(axis=1) / float(w)
    hlines = group_lines(rowprof, 0.2)
    top, bottom, _ = _outer_pair(hlines, h, h / 3.0)
    if top is None or bottom is None:
        return None
    y0, y1 = top.start, bottom.end
    near_y = max(4, int(0.03 * h))
    iy0 = _inner_edge(hlines, top, +1, near_y)
    iy1 = _inner_edge(hlines, bottom, -1, near_y)

    fh = max(1, iy1 - iy0)
    mid = (iy0 + iy1) / 2.0
    shear, colprof, leans = _lean_profile(vmask[iy0:iy1], mid - iy0, w)
    # The ±1 px tolerance of the coverage widens each band by a pixel a side.
    vlines = [Line(ln.start + 1, ln.end - 1, ln.strength, float(np.median(leans[ln.start:ln.end])))
              if ln.end - ln.start > 2 else Line(ln.start, ln.end, ln.strength, float(leans[ln.start]))
              for ln in group_lines(colprof, 0.5)]
    # The horizontal frame lines bound where vertical sides may be: take their
    # horizontal extent from the rows of the two lines.
    # Both lines of a double frame count: a worn outer line may stop short of
    # the corner while the inner one reaches it.
    hx = np.flatnonzero(hmask[y0:iy0].any(axis=0) | hmask[iy1:y1].any(axis=0))
    hx0, hx1 = (int(hx[0]), int(hx[-1]) + 1) if hx.size else (0, w)
    slack = max(3, w // 25)
    vlines = [ln for ln in vlines if ln.start >= hx0 - slack and ln.end <= hx1 + slack]
    # Vertical bands already span half the frame height: all are candidates
    # (worn side lines are much weaker than a thick, intact outer line).
    left, right, _ = _outer_pair(vlines, w, w / 5.0, rel=0.0) if vlines else (None, None, [])
    found_l = left is not None
    found_r = right is not None and (left is None or right.start > left.end)
    near_x = max(4, int(0.03 * w))
    if found_l and found_r:
        # A cut half-leaf may keep a strip of the 版心 outside the text: the
        # frame side is then the line between that strip and the text.
        assert left is not None and right is not None
        left = _past_banxin(sub, vlines, left, +1, near_x, iy0, iy1, mid) or left
        right = _past_banxin(sub, vlines, right, -1, near_x, iy0, iy1, mid) or right
    x0 = left.start if found_l and left is not None else hx0
    x1 = right.end if found_r and right is not None else hx1
    ix0 = _inner_edge(vlines, left, +1, near_x) if found_l and left is not None else x0
    ix1 = _inner_edge(vlines, right, -1, near_x) if found_r and right is not None else x1
    # The rules inside (for the 版心 split and the column count) come from
    # the strict mask: the lenient one also turns the vertical strokes of a
    # text column into a half-strength "line".
    if strict_v is not vmask:
        sprof = _sheared_profile(strict_v[iy0:iy1], mid - iy0, w)[1] / float(fh)
        rules = [Line(ln.start, ln.end, ln.strength, shear) for ln in group_lines(sprof, 0.5)]
    else:
        rules = vlines
    inside = [Line(ln.start + rx0, ln.end + rx0, ln.strength, ln.lean) for ln in rules
              if ln.start >= ix0 and ln.end <= ix1]
    # Sides found in leaning coordinates: the box must hold the whole line,
    # so take the extreme x of its own pixels over the frame's height (lines
    # near a photographed gutter lean and even curve; extrapolating a
    # straight lean would overshoot).
    if found_l and left is not None:
        x0 = _line_extent(vmask, left, iy0, iy1, mid, -1)
    if found_r and right is not None:
        x1 = _line_extent(vmask, right, iy0, iy1, mid, +1)
    return FrameResult(
        box=(x0 + rx0, y0 + ry0, x1 + rx0, y1 + ry0),
        inner=(ix0 + rx0, iy0 + ry0, ix1 + rx0, iy1 + ry0),
        verticals=inside,
        found_sides=(found_l, True, found_r, True),
        shear=shear, mid_y=mid + ry0, top_end=top.end + ry0,
    )


def _line_extent(vmask: np.ndarray, line: Line, iy0: int, iy1: int, mid: float, side: int) -> int:
    """Outer x edge of a leaning vertical line from its own mask pixels:
    the 1st percentile of x for a left side (``side`` -1), the 99th (+1,
    exclusive) for a right side; the band edge if it has no pixels."""
    ys, xs = np.nonzero(vmask[iy0:iy1])
    if xs.size:
        u = xs + (ys + iy0 - mid) * line.lean
        on = (u >= line.start - 1.5) & (u <= line.end + 0.5)
        if on.sum() >= 10:
            if side < 0:
                return int(np.floor(np.percentile(xs[on], 1)))
            return int(np.ceil(np.percentile(xs[on], 99))) + 1
    return line.start if side < 0 else line.end


def _past_banxin(ink: np.ndarray, vlines: list[Line], side: Line, towards: int, near: int,
                 iy0: int, iy1: int, mid: float) -> Line | None:
    """The line between text and 版心 when the strip beyond it is a 版心 fragment.

    A cut half-leaf may keep part of the 版心 outside the text, bounded by
    the page edge or the fold (often detected as the outermost "line"; its
    title characters may add another).  That strip is narrower than a text
    column (0.15-0.8 of the pitch, the median gap between lines) and holds the
    fish tail (魚尾) or black mouth: rows inked wall to wall, which neither a
    text column nor the paper between the lines of a double frame has.  The
    candidates are tried from the widest strip inwards.
    """
    centres = np.array([ln.centre for ln in vlines])
    gaps = np.diff(centres)
    gaps = gaps[gaps > 2 * near]
    if gaps.size < 2:
        return None
    pitch = float(np.median(gaps))
    inward = [ln for ln in vlines if (ln.start > side.end if towards > 0 else ln.end < side.start)]
    if towards < 0:
        inward = inward[::-1]
    cands = [ln for ln in inward if 0.15 * pitch < abs(ln.centre - side.centre) < 0.8 * pitch]
    for ln in reversed(cands):
        # The strip just outside the candidate, one pitch-fraction wide and
        # clear of both lines' blur.
        a_u, b_u = (side.end + 1, ln.start - 1) if towards > 0 else (ln.end + 1, side.start - 1)
        if b_u - a_u < 3:
            continue
        lean = ln.lean
        solid = 0
        for y in range(iy0, iy1):
            off = (y - mid) * lean
            a, b = round(a_u - off), round(b_u - off)
            if a >= 0 and b <= ink.shape[1] and b - a >= 3 and ink[y, a:b].mean() >= 0.85:
                solid += 1
        if solid >= max(2, (iy1 - iy0) // 100):
            return ln
    return None


def _sheared_profile(vmask: np.ndarray, mid: float, w: int) -> tuple[float, np.ndarray]:
    """Shear (tan of the lean) that makes the vertical-line pixels of
    ``vmask`` most concentrated in columns, and their column profile in the
    sheared coordinate u = x + (y - mid) * shear."""
    rows, cols = np.nonzero(vmask)
    if cols.size == 0:
        return 0.0, np.zeros(w)
    ys = rows.astype(np.float64) - mid
    xs = cols.astype(np.float64)

    def hist(t: float) -> np.ndarray:
        u = np.clip(np.rint(xs + ys * t), 0, w - 1).astype(np.int64)
        return np.bincount(u, minlength=w).astype(np.float64)

    def score(t: float) -> float:
        hh = hist(t)
        return float(np.dot(hh, hh))

    best = max(np.tan(np.deg2rad(np.arange(-2.0, 2.01, 0.1))), key=score)
    best = max(best + np.tan(np.deg2rad(np.arange(-0.1, 0.101, 0.02))), key=score)
    # Keep zero unless leaning is clearly better: avoids inventing a shear on
    # pages whose lines are simply straight.
    if score(0.0) >= 0.98 * score(best):
        best = 0.0
    return float(best), hist(float(best))


#: Largest lean of a single vertical line (carved shear plus camera fan-out).
MAX_LEAN_DEG = 2.0


def _lean_profile(vmask: np.ndarray, mid: float, w: int) -> tuple[float, np.ndarray, np.ndarray]:
    """Per-column line coverage, each column at its own best lean.

    Carved blocks are sheared and photographed pages fan out (lines near the
    gutter lean more than the far side), so one shear for the whole page
    splits some lines over several columns.  The shear that best concentrates
    all line pixels (``_sheared_profile``) is returned for the strip between
    lines; then, for leans within ±``MAX_LEAN_DEG``, the share of rows in which a line at mid-height
    column u (±1 px) has ink is measured, and each u keeps its best lean.
    Returns ``(shear, coverage, lean_per_u)``; coverage is a fraction of the
    mask height.
    """
    fh = vmask.shape[0]
    shear, _ = _sheared_profile(vmask, mid, w)
    ys, xs = np.nonzero(vmask)
    if xs.size == 0 or fh == 0:
        return shear, np.zeros(w), np.zeros(w)
    # Every other row is enough to measure coverage and halves the work.
    keep = ys % 2 == 0
    ys, xs = ys[keep], xs[keep]
    rows = ys // 2
    nrows = (fh + 1) // 2
    dy = ys.astype(np.float64) - mid
    best = np.zeros(w)
    lean = np.zeros(w)
    # Search from upright outwards so that ties keep the smaller lean.
    angles = np.arange(0.0, MAX_LEAN_DEG + 1e-9, 0.125)
    for a in np.concatenate([[0.0], np.ravel(np.column_stack([angles[1:], -angles[1:]]))]):
        t = float(np.tan(np.deg2rad(a)))
        u = np.clip(np.rint(xs + dy * t), 0, w - 1).astype(np.int64)
        hit = np.zeros((nrows, w + 2), bool)
        hit[rows, u + 1] = True
        # ±1 px: a line 2-3 px wide that drifts by a pixel still counts once
        # per row.
        cov = (hit[:, :-2] | hit[:, 1:-1] | hit[:, 2:]).sum(axis=0) / float(nrows)
        better = cov > best + 1e-9
        best[better] = cov[better]
        lean[better] = t
    return shear, best, lean


def size_cm(box: tuple[int, int, int, int] | list[int], dpi: float | None) -> tuple[float | None, float | None]:
    """``(height_cm, width_cm)`` of a box in original pixels, or Nones
    without a DPI."""
    if not dpi or dpi <= 0:
        return None, None
    x0, y0, x1, y1 = box
    return round((y1 - y0) / dpi * 2.54, 2), round((x1 - x0) / dpi * 2.54, 2)
