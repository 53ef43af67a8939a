"""Skew estimation and rotation.

The skew of a printed block is found by the projection-profile method: ink
pixel coordinates are projected on the two axes of a trial rotation, and the
rotation that makes both profiles sharpest (frame lines, 界行 and text columns
collapse into narrow peaks) wins.  Only coordinates are rotated, never the
image, so the search costs one ``np.bincount`` per trial angle.

Convention: ``skew_deg`` is the rotation of the content as seen on screen,
positive counter-clockwise (a horizontal line rises to the right);
``rotate(img, -skew_deg)`` straightens the page.
"""

from __future__ import annotations

import cv2
import numpy as np

from imaging.crop import ink_mask, to_gray


def _score(xs: np.ndarray, ys: np.ndarray, theta_deg: float, bins_per_px: float,
           both: bool = True) -> float:
    """Sharpness of the y (and, if ``both``, x) projection of points rotated
    by ``theta``."""
    t = np.deg2rad(theta_deg)
    c, s = np.cos(t), np.sin(t)
    v = (xs * s + ys * c) * bins_per_px
    v -= v.min()
    hv = np.bincount(v.astype(np.int64))
    # Sum of squares rewards concentration: a straight line falls in one bin.
    total = float(np.dot(hv, hv.astype(np.float64)))
    if both:
        u = (xs * c - ys * s) * bins_per_px
        u -= u.min()
        hu = np.bincount(u.astype(np.int64))
        total += float(np.dot(hu, hu.astype(np.float64)))
    return total


def _best(xs: np.ndarray, ys: np.ndarray, angles: np.ndarray, bins_per_px: float,
          both: bool = True) -> float:
    """Angle of the best score, refined by a parabola through the neighbours."""
    scores = np.array([_score(xs, ys, a, bins_per_px, both) for a in angles])
    k = int(np.argmax(scores))
    if 0 < k < len(angles) - 1:
        s0, s1, s2 = scores[k - 1], scores[k], scores[k + 1]
        den = s0 - 2 * s1 + s2
        if den < 0:
            step = angles[1] - angles[0]
            return float(angles[k] + 0.5 * step * (s0 - s2) / den)
    return float(angles[k])


def estimate_skew_from_mask(mask: np.ndarray, max_deg: float = 5.0, seed: int = 0) -> float:
    """Skew (degrees, CCW positive) from a boolean ink mask.

    Long horizontal ink runs (frame lines, 版框 top and bottom) decide when
    there are enough of them: carved blocks are often sheared, so the 界行
    need not be square to the top line, and the top line is what a reader
    calls level.  Otherwise all ink votes through both projections.  Search:
    ±``max_deg`` coarsely on a subsample, then finer steps down to 0.02° on
    all points (≤ 250 000), with parabolic interpolation.  Returns 0.0 when
    there is too little ink to judge.
    """
    _h, w = mask.shape
    hl = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN,
                          cv2.getStructuringElement(cv2.MORPH_RECT, (max(15, w // 14), 1)))
    if int(hl.sum()) >= w // 2:
        # The opening itself snaps a slightly tilted line to pixel rows; use it
        # only to pick the original ink pixels near long lines.
        near = cv2.dilate(hl, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 7))) > 0
        return _search(near & mask, max_deg, seed, both=False)
    return _search(mask, max_deg, seed, both=True)


def _search(mask: np.ndarray, max_deg: float, seed: int, both: bool) -> float:
    """Projection-profile search over angles for the points of ``mask``."""
    ys, xs = np.nonzero(mask)
    if xs.size < 200:
        return 0.0
    xs = xs.astype(np.float64) - mask.shape[1] / 2.0
    ys = ys.astype(np.float64) - mask.shape[0] / 2.0
    rng = np.random.default_rng(seed)
    if xs.size > 250_000:
        keep = rng.choice(xs.size, 250_000, replace=False)
        xs, ys = xs[keep], ys[keep]
    # Integer pixel coordinates all fall exactly into bins at 0°, which makes
    # 0° look sharper than it is; sub-pixel jitter removes that grid bias.
    xs = xs + rng.uniform(-0.5, 0.5, xs.size)
    ys = ys + rng.uniform(-0.5, 0.5, ys.size)
    sub = rng.choice(xs.size, min(xs.size, 40_000), replace=False)
    coarse = _best(xs[sub], ys[sub], np.arange(-max_deg, max_deg + 1e-9, 0.25), 1.0, both)
    mid = _best(xs[sub], ys[sub], np.arange(coarse - 0.4, coarse + 0.4 + 1e-9, 0.05), 1.0, both)
    # Half-pixel bins sharpen the optimum on the final pass.
    fine = _best(xs, ys, np.arange(mid - 0.12, mid + 0.12 + 1e-9, 0.02), 2.0, both)
    # v = x·sinθ + y·cosθ is constant along a line y = y0 − x·tan(skew) exactly
    # when θ = skew, so the best trial angle is the skew itself.
    return fine


def top_edge_skew(gray: np.ndarray, xs: np.ndarray, ys: np.ndarray, above: int, below: int,
                  half: int, agree: float, min_contrast: float = 30.0) -> float | None:
    """Skew (degrees, CCW positive) of a near-horizontal line from the outer
    (upper) edge of the line read at points ``(xs, ys)`` of ``gray``.

    At each point a ``2*half+1`` px wide strip from ``ys - above`` to
    ``ys + below`` is averaged into a row profile; the edge is the first row
    (from above, sub-pixel) darker than the midpoint between paper and line
    core, the way a person measures a line.  Strips without a line (contrast
    below ``min_contrast``) are skipped; a stamp, character or break spoils
    single readings, so the slope is the Theil-Sen median of pairwise slopes,
    refined by least squares on the readings that agree with it.  Returns
    ``None`` with fewer than 8 readings or when they span under half the
    sampled width.
    """
    h, w = gray.shape[:2]
    px, py = [], []
    for x, y in zip(np.rint(xs).astype(int), np.rint(ys).astype(int), strict=True):
        a, b = max(0, x - half), min(w, x + half + 1)
        r0, r1 = max(0, y - above), min(h, y + below + 1)
        if b - a < 3 or r1 - r0 < 5:
            continue
        prof = gray[r0:r1, a:b].mean(axis=1, dtype=np.float64)
        k = int(np.argmin(prof))
        paper = float(prof[:k + 1].max())
        core = float(prof[k])
        if paper - core < min_contrast:
            continue
        thr = 0.5 * (paper + core)
        i = int(np.flatnonzero(prof[:k + 1] < thr)[0])
        if i == 0:
            continue  # the window starts inside ink: no edge seen
        # Linear interpolation of the crossing between rows i-1 and i.
        frac = (prof[i - 1] - thr) / max(1e-9, prof[i - 1] - prof[i])
        px.append(float(x))
        py.append(r0 + i - 1 + frac + 0.5)
    if len(px) < 8:
        return None
    x_arr, y_arr = np.array(px), np.array(py)
    if x_arr.max() - x_arr.min() < 0.5 * (float(np.max(xs)) - float(np.min(xs))):
        return None
    lo, hi = np.triu_indices(x_arr.size, 1)  # every pair of edge points
    dx = x_arr[hi] - x_arr[lo]
    ok = np.abs(dx) > 1e-6
    slope = float(np.median((y_arr[hi] - y_arr[lo])[ok] / dx[ok]))
    icpt = float(np.median(y_arr - slope * x_arr))
    res = y_arr - (icpt + slope * x_arr)
    inl = np.abs(res) <= agree
    if inl.sum() >= 8:
        slope = float(np.polyfit(x_arr[inl], y_arr[inl], 1)[0])
    # y grows downwards: a line rising to the right has a negative slope.
    return float(-np.rad2deg(np.arctan(slope)))


def estimate_skew(img: np.ndarray, max_deg: float = 5.0) -> float:
    """Skew of the printed content of ``img`` (degrees, CCW positive).

    ``img`` should be a downscaled page (long side ~1000-1500 px) for speed
    and, ideally, cropped to the page so that scanner edges do not vote.
    Accuracy on pages with frame lines or columns is about ±0.05°.
    """
    return estimate_skew_from_mask(ink_mask(to_gray(img)), max_deg)


def rotation_matrix(shape: tuple[int, ...], deg: float) -> tuple[np.ndarray, tuple[int, int]]:
    """Affine matrix rotating an image of ``shape`` by ``deg`` CCW about its
    centre onto an enlarged canvas, and that canvas's ``(width, height)``."""
    h, w = shape[:2]
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), deg, 1.0)
    c, s = abs(m[0, 0]), abs(m[0, 1])
    nw = int(np.ceil(w * c + h * s))
    nh = int(np.ceil(w * s + h * c))
    m[0, 2] += nw / 2.0 - w / 2.0
    m[1, 2] += nh / 2.0 - h / 2.0
    return m, (nw, nh)


def rotate(img: np.ndarray, deg: float, fill: int | tuple[int, ...] | None = None,
           interpolation: int = cv2.INTER_LINEAR) -> np.ndarray:
    """Rotate ``img`` by ``deg`` degrees counter-clockwise without cropping.

    The canvas grows to hold the whole rotated image; new corners are filled
    with ``fill`` or, by default, with the paper colour (the per-channel 90th
    percentile of the image, i.e. its bright background).
    """
    if abs(deg) < 1e-6:
        return img.copy()
    m, size = rotation_matrix(img.shape, deg)
    if fill is None:
        sample = img[::8, ::8].reshape(-1, 1 if img.ndim == 2 else img.shape[2])
        level = np.percentile(sample, 90, axis=0)
        fill = int(level[0]) if img.ndim == 2 else tuple(int(v) for v in level)
    border = fill if isinstance(fill, tuple) else (fill, fill, fill, fill)
    return cv2.warpAffine(img, m, size, flags=interpolation,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=border)


def map_points_back(points: np.ndarray, shape: tuple[int, ...], deg: float) -> np.ndarray:
    """Map ``(N, 2)`` xy points of ``rotate(img_of_shape, deg)`` back to the
    coordinates of the unrotated image."""
    m, _ = rotation_matrix(shape, deg)
    inv = cv2.invertAffineTransform(m)
    pts = np.asarray(points, dtype=np.float64)
    return pts @ inv[:, :2].T + inv[:, 2]
