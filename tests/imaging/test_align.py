"""Tests for imaging.align: recover known warps of real scans to < 2 px."""

from __future__ import annotations

import json
import time

import cv2
import numpy as np
import pytest

from imaging.align import AlignmentError, align, overlay, side_by_side
from imaging.io import load_image
from tests.conftest import SCANS

BOOK1 = SCANS / "book1" / "1.png"
BOOK4 = SCANS / "book4" / "1.jpg"
OTHER_BOOK = SCANS / "book2" / "1.png"  # a leaf of another book, colour PNG like BOOK1


def _known_warp(img: np.ndarray, deg: float, tx: float, ty: float, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Simulate re-placing the leaf on the scanner: rotate ``deg`` about the centre, shift
    by (tx, ty), optionally rescan at ``scale``. Returns the "after" image and the 3×3
    before→after matrix. The surround is replicated (a scanner bed, not a white fill)."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), deg, scale)
    m[0, 2] += tx
    m[1, 2] += ty
    after = cv2.warpAffine(img, m, (round(w * scale) + 30, round(h * scale) + 30), flags=cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_REPLICATE)
    return after, np.vstack([m, [0, 0, 1]])


def _residual(h_after_to_before: np.ndarray, t_before_to_after: np.ndarray, shape: tuple[int, ...]) -> float:
    """Largest error (before pixels) over a grid covering the central 80 % of the page."""
    hh, ww = shape[:2]
    ys, xs = np.mgrid[hh * 0.1 : hh * 0.9 : 15j, ww * 0.1 : ww * 0.9 : 15j]
    pts = np.stack([xs.ravel(), ys.ravel(), np.ones(xs.size)])
    back = h_after_to_before @ (t_before_to_after @ pts)
    back /= back[2]
    return float(np.hypot(*(back[:2] - pts[:2])).max())


def test_recovers_rotation_and_shift() -> None:
    before = load_image(BOOK1).pixels
    after, t = _known_warp(before, 1.5, 12, -8)
    result = align(before, after)
    assert _residual(result.homography, t, before.shape) < 2.0
    assert result.method == "features+ecc"
    assert result.quality > 0.9 and result.inlier_ratio > 0.5 and result.inliers >= 12
    assert result.warped.shape == before.shape
    # the aligned image matches the before image closely inside the page
    h, w = before.shape[:2]
    diff = np.abs(result.warped.astype(int) - before.astype(int))[h // 10 : -h // 10, w // 10 : -w // 10]
    assert diff.mean() < 6
    json.dumps(result.summary())


def test_600dpi_rescanned_at_300dpi_is_fast() -> None:
    before = load_image(BOOK4).pixels
    after, t = _known_warp(before, -2.0, 30, 25, scale=0.5)
    start = time.perf_counter()
    result = align(before, after)
    elapsed = time.perf_counter() - start
    assert _residual(result.homography, t, before.shape) < 2.0
    assert result.warped.shape == before.shape
    assert elapsed < 10.0  # about 1 s on a laptop core; generous for shared CI


def test_ecc_only_small_misalignment_grey() -> None:
    before = load_image(SCANS / "book6" / "v01_023.jpg").pixels
    assert before.ndim == 2
    after, t = _known_warp(before, 0.4, 6, -4)
    result = align(before, after, method="ecc")
    assert result.method == "ecc" and result.inliers == 0
    assert _residual(result.homography, t, before.shape) < 2.0
    assert result.warped.ndim == 2


def test_treatment_changes_do_not_disturb_alignment_and_show_in_overlay() -> None:
    before = load_image(BOOK1).pixels
    after, t = _known_warp(before, -1.0, -15, 10)
    # the treated leaf is a little brighter (washed) and a dark stain was removed
    after = cv2.convertScaleAbs(after, alpha=0.9, beta=30)
    # a dark infill added by the treatment, placed on blank paper of the before scan
    grey = cv2.cvtColor(before, cv2.COLOR_BGR2GRAY)
    blank = cv2.erode(grey, np.ones((61, 61), np.uint8))
    h, w = grey.shape
    inner = np.zeros_like(blank)
    inner[h // 10 : -h // 10, w // 10 : -w // 10] = blank[h // 10 : -h // 10, w // 10 : -w // 10]
    py, px = np.unravel_index(int(np.argmax(inner)), inner.shape)
    ax, ay = (t @ np.array([px, py, 1.0]))[:2]
    cv2.rectangle(after, (int(ax) - 20, int(ay) - 20), (int(ax) + 20, int(ay) + 20), (0, 0, 0), -1)
    result = align(before, after)
    assert _residual(result.homography, t, before.shape) < 2.0
    ov = result.overlay()
    assert ov.shape == before.shape[:2] + (3,)
    b, g, r = ov[py, px]
    assert r > 150 and g < 60 and b < 60  # only in "after": red
    blend = result.overlay("blend", 0.5)
    assert blend.shape == ov.shape
    sbs = result.side_by_side(max_long_edge=1000)
    assert max(sbs.shape[:2]) == 1000 and sbs.shape[2] == 3


def test_different_leaves_are_refused() -> None:
    a = load_image(BOOK1).pixels
    b = load_image(OTHER_BOOK).pixels
    with pytest.raises(AlignmentError, match="same leaf"):
        align(a, b)


def test_noise_is_refused() -> None:
    rng = np.random.default_rng(0)
    a = rng.integers(0, 255, (400, 300), dtype=np.uint8)
    b = rng.integers(0, 255, (400, 300), dtype=np.uint8)
    with pytest.raises(AlignmentError):
        align(a, b)


def test_bad_inputs() -> None:
    with pytest.raises(ValueError):
        align(np.zeros((0, 0), np.uint8), np.zeros((10, 10), np.uint8))
    with pytest.raises(ValueError, match="same size"):
        overlay(np.zeros((10, 10), np.uint8), np.zeros((10, 11), np.uint8))


def test_side_by_side_different_heights() -> None:
    a = np.zeros((100, 50, 3), np.uint8)
    b = np.zeros((50, 40), np.uint8)
    out = side_by_side(a, b, gap=10, max_long_edge=None)
    assert out.shape == (100, 50 + 10 + 80, 3)
