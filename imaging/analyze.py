"""One-call page analysis: skew, page box, 版心 split, frame, lines, damage, paper.

``analyze`` works on a downscaled grey copy (long side ``WORK_LONG_SIDE``) and
a smaller colour copy; all returned coordinates are pixels of the original
image as passed in (before any rotation).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from imaging.columns import count_columns
from imaging.crop import PageBox, downscale, find_page_box, ink_mask, to_gray
from imaging.damage import damage_mask
from imaging.deskew import estimate_skew_from_mask, map_points_back, rotate, rotation_matrix, top_edge_skew
from imaging.frame import FrameResult, find_frame, size_cm
from imaging.paper import paper_lab
from imaging.split import find_split

#: Ink-to-paper ratio below which a pixel may belong to a ruled line.
LINE_RATIO = 0.85

#: Largest change the top-line reading may make to the projection skew (°).
MAX_TOP_CORRECTION = 0.6

#: Long side of the colour copy used for damage and paper colour.
COLOUR_LONG_SIDE = 600


@dataclass
class FrameInfo:
    """One block frame: box in original pixels and its size in cm."""

    box: list[int]
    height_cm: float | None
    width_cm: float | None


@dataclass
class PageAnalysis:
    """Typed form of the ``analyze`` result (see ``as_dict`` for the JSON)."""

    path: str | None
    width: int
    height: int
    dpi: float | None
    skew_deg: float
    page_box: list[int]
    split_x: int | None
    frames: list[FrameInfo] = field(default_factory=list)
    lines_per_half_leaf: int | None = None
    damage_pct: float = 0.0
    paper_lab: list[float] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The CLI JSON object (keys in the documented order)."""
        return asdict(self)


def _box_back(box: tuple[int, int, int, int], rot_shape: tuple[int, ...],
              small_shape: tuple[int, ...], skew: float, scale: float,
              full_w: int, full_h: int) -> list[int]:
    """Map a box of the deskewed working image to original pixels: the
    axis-aligned hull of its four corners after undoing rotation and scale."""
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], np.float64)
    back = map_points_back(pts, small_shape, -skew) / scale
    bx0 = int(np.clip(np.floor(back[:, 0].min()), 0, full_w))
    by0 = int(np.clip(np.floor(back[:, 1].min()), 0, full_h))
    bx1 = int(np.clip(np.ceil(back[:, 0].max()), 0, full_w))
    by1 = int(np.clip(np.ceil(back[:, 1].max()), 0, full_h))
    return [bx0, by0, bx1, by1]


def _region_in_rotated(page: PageBox, small_shape: tuple[int, ...], skew: float,
                       rot_shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """Page box of the working image, carried into the deskewed image (the
    largest axis-aligned box inside the rotated page rectangle, roughly)."""
    m, _ = rotation_matrix(small_shape, -skew)
    pts = np.array([[page.x0, page.y0], [page.x1, page.y0], [page.x0, page.y1], [page.x1, page.y1]],
                   np.float64) @ m[:, :2].T + m[:, 2]
    xs, ys = np.sort(pts[:, 0]), np.sort(pts[:, 1])
    h, w = rot_shape[:2]
    # The inner two of the sorted corner coordinates keep the rotated corner
    # wedges (filled canvas) out of the region.
    return (int(np.clip(xs[1], 0, w)), int(np.clip(ys[1], 0, h)),
            int(np.clip(np.ceil(xs[2]), 0, w)), int(np.clip(np.ceil(ys[2]), 0, h)))


def _frame_at(small: np.ndarray, page: PageBox, skew: float) -> tuple[np.ndarray, np.ndarray, FrameResult | None]:
    """Deskew the working image by ``skew`` and find the frame in it: returns
    the rotated image, its ink mask and the frame (or ``None``)."""
    rot = rotate(small, -skew, fill=int(page.paper_level)) if abs(skew) > 0.02 else small
    rink = ink_mask(rot)
    region = _region_in_rotated(page, small.shape, skew, rot.shape) if rot is not small \
        else (page.x0, page.y0, page.x1, page.y1)
    # Worn 界行 and frame sides are often lighter than text: a lenient mask
    # for the vertical lines (the long-line opening discards what else leaks in).
    frame = find_frame(rink, region, line_ink=ink_mask(rot, ratio=LINE_RATIO))
    return rot, rink, frame


def _top_line_skew(gray_full: np.ndarray, frame: FrameResult, small_shape: tuple[int, ...],
                   skew: float, scale: float) -> float | None:
    """Skew of the frame's top line alone, read on the full-resolution image
    along the line's length (its ends, where corners and sides join, left out)."""
    x0, y0, x1, _ = frame.box
    n = 41
    pts = np.column_stack([np.linspace(x0 + 0.04 * (x1 - x0), x1 - 0.04 * (x1 - x0), n),
                           np.full(n, float(y0))])
    back = map_points_back(pts, small_shape, -skew) / scale
    thick = max(1, frame.top_end - y0)
    # Window: from above the found edge by its uncertainty (a few working
    # pixels, plus what a 0.6° error of the first skew moves the line's ends)
    # down past the line; strips ~1/80 of the frame wide.
    above = int(np.ceil(4 / scale + 0.005 * (x1 - x0) / scale))
    below = int(np.ceil((thick + 3) / scale))
    half = max(3, int(0.006 * (x1 - x0) / scale))
    # Readings more than 0.4 % of the image size off the line are a stamp, a
    # character touching the line or a break, not the line.
    agree = 0.004 * max(gray_full.shape[:2])
    got = top_edge_skew(gray_full, back[:, 0], back[:, 1], above, below, half, agree)
    # The projection estimate is within about half a degree of the top line
    # even on a trapezoid block; a larger disagreement means the top line is
    # not straight (stepped or pieced block, broken line) and its fit is not
    # the block's level.
    if got is None or abs(got - skew) > MAX_TOP_CORRECTION:
        return None
    return got


def analyze_page(img: np.ndarray, *, dpi: float | None, path: str | None = None) -> PageAnalysis:
    """Analyse one page image; see ``analyze`` for the contract."""
    if img is None or img.dtype != np.uint8 or img.ndim not in (2, 3) or img.size == 0:
        raise ValueError("analyze expects a non-empty uint8 grey or BGR image")
    full_h, full_w = img.shape[:2]
    gray_full = to_gray(img)
    small, scale = downscale(gray_full)
    page = find_page_box(small)

    ink = ink_mask(small)
    # Skew is judged on the page only, a little inside its box, so that scanner
    # edges and page borders (not printed) do not vote.
    pad_x, pad_y = (page.x1 - page.x0) // 40, (page.y1 - page.y0) // 40
    inner = np.zeros_like(ink)
    inner[page.y0 + pad_y:page.y1 - pad_y, page.x0 + pad_x:page.x1 - pad_x] = True
    skew = estimate_skew_from_mask(ink & inner)

    rot, rink, frame = _frame_at(small, page, skew)
    if frame is not None:
        # The projection search levels all long horizontal ink together; on a
        # trapezoid block (top and bottom lines leaning differently) that is
        # neither line.  Skew is defined by the top frame line, so re-read it
        # alone, at full resolution, once the frame says where it is.
        top = _top_line_skew(gray_full, frame, small.shape, skew, scale)
        if top is not None and abs(top - skew) > 0.03:
            again = _frame_at(small, page, top)
            if again[2] is not None:
                skew, (rot, rink, frame) = top, again

    split_x: int | None = None
    lines: int | None = None
    frames: list[FrameInfo] = []
    if frame is not None:
        split_rot = find_split(rink, frame)
        lines = count_columns(rink, frame, split_rot)
        fbox = _box_back(frame.box, rot.shape, small.shape, skew, scale, full_w, full_h)
        hcm, wcm = size_cm(fbox, dpi)
        frames.append(FrameInfo(fbox, hcm, wcm))
        if split_rot is not None:
            cy = (frame.box[1] + frame.box[3]) / 2.0
            pt = map_points_back(np.array([[split_rot.x, cy]]), small.shape, -skew) / scale
            split_x = round(pt[0, 0])

    page_box = [int(np.floor(page.x0 / scale)), int(np.floor(page.y0 / scale)),
                min(full_w, int(np.ceil(page.x1 / scale))), min(full_h, int(np.ceil(page.y1 / scale)))]

    colour, cscale = downscale(img, COLOUR_LONG_SIDE)
    cpage = [int(v * cscale) for v in page_box]
    dmask = damage_mask(colour, cpage)
    px0, py0, px1, py1 = cpage
    area = max(1, (px1 - px0) * (py1 - py0))
    damage_pct = round(100.0 * float(dmask[py0:py1, px0:px1].sum()) / area, 2)
    lab = paper_lab(colour, cpage, damage=dmask)

    return PageAnalysis(
        path=path, width=full_w, height=full_h, dpi=dpi, skew_deg=round(skew, 3),
        page_box=page_box, split_x=split_x, frames=frames, lines_per_half_leaf=lines,
        damage_pct=damage_pct, paper_lab=None if lab is None else [round(float(v), 2) for v in lab],
    )


def analyze(img: np.ndarray, *, dpi: float | None, path: str | None = None) -> dict[str, Any]:
    """Analyse a page scan and return the CLI JSON object.

    ``img``: uint8 BGR ``(H, W, 3)`` or grey ``(H, W)`` pixels as loaded.
    ``dpi``: scan resolution, used for frame size in cm (``None`` → cm null).
    Returns ``{"path", "width", "height", "dpi", "skew_deg", "page_box",
    "split_x", "frames": [{"box", "height_cm", "width_cm"}],
    "lines_per_half_leaf", "damage_pct", "paper_lab"}``; boxes are
    ``[x0, y0, x1, y1]`` (x1/y1 exclusive) in pixels of ``img``; ``skew_deg``
    is CCW positive (rotate by ``-skew_deg`` to straighten); ``split_x`` is
    the 版心 centre of an uncut leaf, else ``None``; ``paper_lab`` is CIE
    L*a*b* (D65) of blank paper, assuming sRGB pixels.
    Raises ``ValueError`` for an empty or non-uint8 array.
    """
    return analyze_page(img, dpi=dpi, path=path).as_dict()
