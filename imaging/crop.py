"""Page box: find the book page inside a scan.

A scan may show the page surrounded by black scanner bed, by white margins
(the page photographed on a white sheet), and by a spine shadow or the edges
of the following leaves.  The page box is the largest axis-aligned rectangle
whose rows and columns look like paper.

This module also holds the small image-preparation helpers shared by the other
page-analysis modules (grey conversion, working downscale, ink mask), so that
every stage sees the same pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: Long side, in pixels, of the working copy on which the page is analysed.
WORK_LONG_SIDE = 1200


def to_gray(img: np.ndarray) -> np.ndarray:
    """Return a uint8 single-channel view of a BGR, BGRA or grey image."""
    if img.ndim == 2:
        return img
    if img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_BGRA2GRAY)
    if img.shape[2] == 1:
        return img[:, :, 0]
    return cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)


def downscale(img: np.ndarray, long_side: int = WORK_LONG_SIDE) -> tuple[np.ndarray, float]:
    """Shrink ``img`` so its long side is at most ``long_side``.

    Returns ``(small, scale)`` with ``small ≈ img`` resized by ``scale`` (≤ 1);
    an original coordinate is ``small coordinate / scale``.
    """
    h, w = img.shape[:2]
    scale = min(1.0, long_side / float(max(h, w)))
    if scale >= 1.0:
        return img, 1.0
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    # INTER_AREA averages whole source pixels, so thin frame lines survive the
    # shrink as grey lines instead of being skipped as with nearest/linear.
    return cv2.resize(img, size, interpolation=cv2.INTER_AREA), scale


def background(gray: np.ndarray, win: int) -> np.ndarray:
    """Estimate the local paper brightness by a max filter then a box blur.

    The max filter removes strokes narrower than ``win``; the blur removes the
    blocky look of the max filter.
    """
    win = max(3, win | 1)
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (win, win))
    bg = cv2.dilate(gray, k)
    return cv2.blur(bg, (win, win))


def ink_mask(gray: np.ndarray, win: int | None = None, ratio: float = 0.72) -> np.ndarray:
    """Boolean mask of ink: pixels clearly darker than their local paper.

    A ratio to the local background (not a global threshold) keeps yellowed,
    grey or shadowed paper out of the mask while faint worn lines stay in.
    """
    if win is None:
        win = max(15, min(gray.shape) // 40)
    bg = background(gray, win).astype(np.float32)
    return (gray.astype(np.float32) < bg * ratio) & (bg > 40)


@dataclass(frozen=True)
class PageBox:
    """Page rectangle ``[x0, y0, x1, y1)`` and its typical paper grey level."""

    x0: int
    y0: int
    x1: int
    y1: int
    paper_level: float

    def as_list(self) -> list[int]:
        """Return ``[x0, y0, x1, y1]``."""
        return [self.x0, self.y0, self.x1, self.y1]


def _longest_run(ok: np.ndarray, max_gap: int) -> tuple[int, int]:
    """Longest run of True in ``ok`` after bridging False gaps ≤ ``max_gap``."""
    n = ok.size
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return 0, n
    breaks = np.flatnonzero(np.diff(idx) > max_gap + 1)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]])) + 1
    k = int(np.argmax(ends - starts))
    return int(starts[k]), int(ends[k])


def paper_level(gray: np.ndarray) -> float:
    """Typical paper grey level, from the brighter pixels of the central area."""
    h, w = gray.shape
    centre = gray[h // 4: 3 * h // 4, w // 4: 3 * w // 4]
    # Ink and stains are a minority of the centre: the 70th percentile is paper
    # even on dense pages, and is not pulled up by isolated bright specks.
    return float(np.percentile(centre, 70))


def find_page_box(gray: np.ndarray) -> PageBox:
    """Find the page in a (small, grey) scan.

    Contract: returns the largest rectangle whose rows/columns have a typical
    brightness close to the page's paper level; columns or rows that are
    scanner black, margin white (clearly brighter than the paper) or in a spine
    shadow (clearly darker) are cut off.  Frame and column lines, which darken
    single columns, are bridged.  Coordinates are in ``gray``'s pixels.
    """
    _h, _w = gray.shape
    wx0, wy0, wx1, wy1 = _strip_white_margins(gray)
    sub = gray[wy0:wy1, wx0:wx1]
    box = _dark_trim(sub)
    return PageBox(box.x0 + wx0, box.y0 + wy0, box.x1 + wx0, box.y1 + wy0, box.paper_level)


#: Grey level from which a pixel counts as saturated white (scan margin).
WHITE = 246


def _white_band(blank: np.ndarray, stat: np.ndarray) -> tuple[int, int]:
    """Length of the blank runs at the start and end of a line profile that
    are followed by visibly grey paper (a page edge); 0 when none."""
    n = blank.size

    def run(order: np.ndarray) -> int:
        k = 0
        while k < n and blank[order[k]]:
            k += 1
        if k == 0 or k >= n - 3:
            return 0
        nxt = stat[order[k:k + max(12, n // 30)]]
        # Only a step down to grey paper proves the white is outside the page;
        # a white page simply has no ink near its edges.  A frame line may sit
        # right at the page edge, so ink-dark lines are set aside and the rest
        # must be mostly grey paper.
        grey = (nxt > WHITE - 70) & (nxt < WHITE - 4)
        light = nxt[nxt > WHITE - 40]
        ok = grey.sum() >= 2 and light.size > 0 and float(np.median(light)) < WHITE - 4
        return k if ok else 0

    idx = np.arange(n)
    return run(idx), run(idx[::-1])


def _strip_white_margins(gray: np.ndarray) -> tuple[int, int, int, int]:
    """Box left after removing saturated-white bands bordering a grey page."""
    h, w = gray.shape
    x0, y0, x1, y1 = 0, 0, w, h
    for _ in range(2):
        sub = gray[y0:y1, x0:x1]
        sh, sw = sub.shape
        # Judge columns on the middle rows and rows on the middle columns:
        # folio numbers printed in the margin corners must not make a margin
        # look like page.
        mid_rows = sub[sh // 5: 4 * sh // 5]
        mid_cols = sub[:, sw // 5: 4 * sw // 5]
        cb = (mid_rows < WHITE).mean(axis=0) < 0.005
        rb = (mid_cols < WHITE).mean(axis=1) < 0.005
        cl, cr = _white_band(cb, np.median(mid_rows, axis=0))
        rt, rbm = _white_band(rb, np.median(mid_cols, axis=1))
        x0, x1, y0, y1 = x0 + cl, x1 - cr, y0 + rt, y1 - rbm
    return x0, y0, x1, y1


def _dark_trim(gray: np.ndarray) -> PageBox:
    """Trim scanner black, spine shadow and leaf edges: keep the longest
    run of rows/columns whose typical brightness is the paper's."""
    h, w = gray.shape
    p = paper_level(gray)
    tol = max(22.0, 0.13 * p)

    def stat(a: np.ndarray, axis: int) -> np.ndarray:
        # The 75th percentile along a line is paper unless the line is mostly
        # non-paper (surround, margin, shadow); text and stains only lower the
        # lower percentiles.
        line: np.ndarray = np.percentile(a, 75, axis=axis)
        return line

    # First pass on the central band, then again restricted to the page found,
    # so that the surround on one side does not disturb the other direction.
    cols = stat(gray[h // 5: 4 * h // 5], 0)
    x0, x1 = _longest_run(np.abs(cols - p) < tol, max(2, w // 30))
    rows = stat(gray[:, x0:x1], 1)
    y0, y1 = _longest_run(np.abs(rows - p) < tol, max(2, h // 30))
    cols = stat(gray[y0:y1], 0)
    x0, x1 = _longest_run(np.abs(cols - p) < tol, max(2, w // 30))
    return PageBox(x0, y0, x1, y1, p)
