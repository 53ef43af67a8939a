"""Render synthetic ancient-book pages with known layout for analysis tests.

A page is paper of a flat colour with a block frame (single or double), ruled
columns (界行), rectangles of "characters" in the columns, optionally the 版心
strip of an uncut leaf, a known rotation, a black scanner surround and stain
discs.  The truth (frame box, split x, column count, stain share) is returned
in the pixel coordinates of the final image.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np


@dataclass
class SynthPage:
    """A rendered page and its ground truth."""

    img: np.ndarray                     # BGR uint8
    frame_box: tuple[int, int, int, int]  # outer edge of outer frame line, after rotation
    columns: int                        # lines per half-leaf
    split_x: int | None                 # centre of the 版心 strip, after rotation
    skew_deg: float                     # CCW positive
    stain_pct: float                    # share of the page area covered by stains
    page_box: tuple[int, int, int, int]
    paper_bgr: tuple[int, int, int]
    extras: dict[str, object] = field(default_factory=dict)


def render_page(
    *,
    width: int = 1400,
    height: int = 2000,
    columns: int = 8,
    double: bool = True,
    uncut: bool = False,
    skew_deg: float = 0.0,
    paper_bgr: tuple[int, int, int] = (200, 225, 235),
    ink: int = 30,
    stains: list[tuple[int, int, int]] | None = None,
    stain_bgr: tuple[int, int, int] = (120, 160, 185),
    surround: int = 0,
    rules: bool = True,
    seed: int = 1,
) -> SynthPage:
    """Render a page; all sizes in pixels.

    ``stains`` are ``(cx, cy, r)`` discs drawn after rotation.  ``surround``
    adds a black border of that many pixels on all sides (page box inside).
    """
    rng = np.random.default_rng(seed)
    img = np.empty((height, width, 3), np.uint8)
    img[:] = paper_bgr
    mx, my = int(width * 0.08), int(height * 0.09)
    x0, y0, x1, y1 = mx, my, width - mx, height - my
    outer_t = max(4, width // 200)
    inner_t = max(2, width // 600)
    gap = max(5, width // 150)

    def frame_rect(a: int, b: int, c: int, d: int, t: int) -> None:
        # Draw a rectangle of line thickness t whose outer edge is (a,b)-(c,d).
        img[b:b + t, a:c] = ink
        img[d - t:d, a:c] = ink
        img[b:d, a:a + t] = ink
        img[b:d, c - t:c] = ink

    frame_rect(x0, y0, x1, y1, outer_t)
    ix0, iy0, ix1, iy1 = x0, y0, x1, y1
    if double:
        ix0, iy0, ix1, iy1 = x0 + outer_t + gap, y0 + outer_t + gap, x1 - outer_t - gap, y1 - outer_t - gap
        frame_rect(ix0, iy0, ix1, iy1, inner_t)
        ix0 += inner_t
        iy0 += inner_t
        ix1 -= inner_t
        iy1 -= inner_t
    else:
        ix0 += outer_t
        iy0 += outer_t
        ix1 -= outer_t
        iy1 -= outer_t

    inner_w = ix1 - ix0
    split = None
    if uncut:
        pitch = inner_w / (2 * columns + 1.2)
        bx_w = 1.2 * pitch
        bounds = [ix0 + i * pitch for i in range(columns + 1)]
        bleft = ix0 + columns * pitch
        bright = bleft + bx_w
        bounds += [bright + i * pitch for i in range(columns + 1)]
        split = (bleft + bright) / 2.0
        # Fish tail (魚尾): a solid dark block with a notch, and a black line
        # (黑口) in the strip — what makes a 版心 recognisable.
        fy = iy0 + int((iy1 - iy0) * 0.25)
        fx0, fx1 = int(bleft + 3), int(bright - 3)
        img[fy:fy + int(pitch * 0.8), fx0:fx1] = ink
        tri = np.array([[fx0, fy + int(pitch * 0.8)], [fx1, fy + int(pitch * 0.8)],
                        [int(split), fy + int(pitch * 0.4)]], np.int32)
        cv2.fillPoly(img, [tri], paper_bgr)
        cx = int(split)
        img[iy0:fy, cx - 2:cx + 2] = ink
    else:
        pitch = inner_w / columns
        bounds = [ix0 + i * pitch for i in range(columns + 1)]
    if rules:
        for bx in bounds[1:-1]:
            b = round(bx)
            img[iy0:iy1, b:b + inner_t] = ink
    # Characters: square-ish blobs of strokes in each column.
    cells = [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]
    if uncut:
        cells = cells[:columns] + cells[columns + 1:]
    char = int(pitch * 0.7)
    for a, b in cells:
        n_chars = int(rng.integers(4, max(5, (iy1 - iy0) // char)))
        y = iy0 + char // 2
        cx0 = int(a + (b - a - char) / 2)
        for _ in range(n_chars):
            if y + char > iy1 - char // 3:
                break
            for _s in range(int(rng.integers(3, 7))):
                if rng.random() < 0.5:
                    sy = int(y + rng.integers(0, char))
                    hx0, hx1 = cx0 + int(rng.integers(0, char // 3)), cx0 + char - int(rng.integers(0, char // 3))
                    img[sy:sy + max(2, char // 12), hx0:hx1] = ink
                else:
                    sx = int(cx0 + rng.integers(0, char))
                    vy0, vy1 = y + int(rng.integers(0, char // 3)), y + char - int(rng.integers(0, char // 3))
                    img[vy0:vy1, sx:sx + max(2, char // 12)] = ink
            y += int(char * 1.25)

    corners = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], np.float64)
    split_pt = np.array([[split if split is not None else 0.0, (y0 + y1) / 2.0]])
    if skew_deg:
        m = cv2.getRotationMatrix2D((width / 2.0, height / 2.0), skew_deg, 1.0)
        img = cv2.warpAffine(img, m, (width, height), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_CONSTANT, borderValue=paper_bgr)
        corners = corners @ m[:, :2].T + m[:, 2]
        split_pt = split_pt @ m[:, :2].T + m[:, 2]
    fb = (round(corners[:, 0].min()), round(corners[:, 1].min()),
          round(corners[:, 0].max()), round(corners[:, 1].max()))

    stain_px = 0
    if stains:
        smask = np.zeros((height, width), np.uint8)
        for cx, cy, r in stains:
            cv2.circle(smask, (cx, cy), r, 255, -1)
        sel = smask > 0
        # Multiply-blend: a stain darkens paper and ink alike, as tea/water does.
        blend = np.asarray(stain_bgr, np.float32) / np.asarray(paper_bgr, np.float32)
        img[sel] = np.clip(img[sel].astype(np.float32) * blend, 0, 255).astype(np.uint8)
        stain_px = int(sel.sum())
    stain_pct = 100.0 * stain_px / float(width * height)

    page_box = (0, 0, width, height)
    if surround:
        s = surround
        big = np.zeros((height + 2 * s, width + 2 * s, 3), np.uint8)
        big[:] = 12
        big[s:s + height, s:s + width] = img
        img = big
        fb = (fb[0] + s, fb[1] + s, fb[2] + s, fb[3] + s)
        page_box = (s, s, s + width, s + height)
        split_pt[0, 0] += s
    return SynthPage(
        img=img, frame_box=fb, columns=columns,
        split_x=round(split_pt[0, 0]) if split is not None else None,
        skew_deg=skew_deg, stain_pct=stain_pct, page_box=page_box, paper_bgr=paper_bgr,
    )
