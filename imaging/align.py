"""Align a post-restoration scan to the pre-restoration scan of the same leaf.

Restorers document each treated leaf with a scan before and after treatment; to
show what changed the two must be superimposed, but the leaf never lies the same
way twice on the scanner (shifted, slightly rotated, sometimes rescanned at another
resolution, and the paper itself relaxes after humidification).

Method, on downscaled grey copies (long edge ``work_long_edge``) for speed:

1. **Features**: ORB keypoints, Hamming matching with Lowe's ratio test, and a
   robust homography (MAGSAC, falling back to RANSAC). ORB is fast and free of
   patent and contrib-module issues; if it finds too few consistent matches
   (faint pages), SIFT is tried.
2. **ECC refinement** (Evangelidis & Psarakis' enhanced correlation coefficient):
   starting from the feature homography, or from the identity when features
   failed, it maximises the correlation of the two images directly, which is
   sub-pixel accurate on printed text. It is accepted only if it does not lower
   the correlation.
3. The homography is rescaled to full resolution and applied once to the full
   "after" image, so no detail is lost to the working scale.

``quality`` is the correlation coefficient of the aligned images over their
overlap (1.0 = identical up to brightness/contrast); ``inlier_ratio`` is the share
of feature matches that agree with the homography.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

__all__ = ["AlignResult", "AlignmentError", "align", "overlay", "side_by_side", "warp_to"]

#: Fewest RANSAC inliers accepted for a feature homography.
MIN_INLIERS = 12
#: Correlation below which an alignment is reported as failed rather than returned.
MIN_QUALITY = 0.2


class AlignmentError(ValueError):
    """The two images could not be aligned; the message says why (user-facing)."""


@dataclass
class AlignResult:
    """Outcome of :func:`align`.

    ``warped``: the *after* image resampled into the *before* image's pixel grid
    (same height and width as *before*, same channels as *after*), white where the
    after scan has no data. ``homography``: 3×3 matrix mapping after-pixel (x, y, 1)
    to before-pixel coordinates at full resolution. ``method``: ``"features+ecc"``,
    ``"features"`` or ``"ecc"``. ``quality``: correlation of the aligned grey
    images over the overlap (-1..1, ≥0.6 is a good match for text pages).
    ``inlier_ratio``/``inliers``/``matches``: feature statistics (0 when ECC only).
    ``overlap``: fraction of the before image covered by the warped after image.
    """

    warped: np.ndarray
    homography: np.ndarray
    method: str
    quality: float
    inlier_ratio: float
    inliers: int
    matches: int
    ecc: float | None
    overlap: float
    before: np.ndarray

    def side_by_side(self, *, max_long_edge: int | None = 2400) -> np.ndarray:
        """Before | aligned after, for display (see :func:`side_by_side`)."""
        return side_by_side(self.before, self.warped, max_long_edge=max_long_edge)

    def overlay(self, mode: Literal["channels", "blend"] = "channels", alpha: float = 0.5) -> np.ndarray:
        """Superimposition of before and aligned after (see :func:`overlay`)."""
        return overlay(self.before, self.warped, mode=mode, alpha=alpha)

    def summary(self) -> dict[str, object]:
        """JSON-friendly figures (for reports and the restoration record)."""
        return {
            "method": self.method,
            "quality": round(self.quality, 4),
            "inlier_ratio": round(self.inlier_ratio, 4),
            "inliers": self.inliers,
            "matches": self.matches,
            "ecc": None if self.ecc is None else round(self.ecc, 4),
            "overlap": round(self.overlap, 4),
            "homography": [[float(v) for v in row] for row in self.homography],
        }


# --------------------------------------------------------------------------- helpers


def _grey(img: np.ndarray) -> np.ndarray:
    if img.ndim == 2:
        return img
    if img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)


def _shrink(grey: np.ndarray, long_edge: int) -> tuple[np.ndarray, tuple[float, float]]:
    """Downscale to ``long_edge`` (area averaging); returns the image and its (x, y) scale.

    The scales are measured per axis from the rounded output size: using the nominal
    factor instead is off by up to half a pixel per side, which on a 600-dpi page
    becomes several pixels of error at full resolution.
    """
    h, w = grey.shape[:2]
    s = min(1.0, long_edge / max(h, w))
    if s >= 1.0:
        return grey, (1.0, 1.0)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    return cv2.resize(grey, (nw, nh), interpolation=cv2.INTER_AREA), (nw / w, nh / h)


def _scale_matrix(s: tuple[float, float]) -> np.ndarray:
    """Pixel-centre scaling as cv2.resize does it: x' = (x + 0.5)·s - 0.5."""
    sx, sy = s
    return np.array([[sx, 0.0, 0.5 * sx - 0.5], [0.0, sy, 0.5 * sy - 0.5], [0.0, 0.0, 1.0]])


def _feature_homography(before: np.ndarray, after: np.ndarray, detector: str) -> tuple[np.ndarray | None, int, int]:
    """Homography after→before from feature matches: (H or None, inliers, good matches)."""
    det: cv2.Feature2D
    if detector == "orb":
        det = cv2.ORB.create(nfeatures=6000, scaleFactor=1.2, nlevels=8, fastThreshold=10)
        norm = cv2.NORM_HAMMING
    else:
        det = cv2.SIFT.create(nfeatures=6000)
        norm = cv2.NORM_L2
    kb, db = det.detectAndCompute(before, None)
    ka, da = det.detectAndCompute(after, None)
    if db is None or da is None or len(kb) < MIN_INLIERS or len(ka) < MIN_INLIERS:
        return None, 0, 0
    knn = cv2.BFMatcher(norm).knnMatch(da, db, k=2)
    # Lowe's ratio test: printed characters repeat, so ambiguous matches are common
    # and must go before RANSAC sees them.
    good = [p[0] for p in knn if len(p) == 2 and p[0].distance < 0.8 * p[1].distance]
    if len(good) < MIN_INLIERS:
        return None, 0, len(good)
    src = np.array([ka[m.queryIdx].pt for m in good], np.float32).reshape(-1, 1, 2)
    dst = np.array([kb[m.trainIdx].pt for m in good], np.float32).reshape(-1, 1, 2)
    method = getattr(cv2, "USAC_MAGSAC", cv2.RANSAC)
    h, mask = cv2.findHomography(src, dst, method, 2.5, maxIters=5000, confidence=0.999)
    if h is None:
        h, mask = cv2.findHomography(src, dst, cv2.RANSAC, 3.0)
    if h is None or mask is None:
        return None, 0, len(good)
    inliers = int(mask.sum())
    if inliers < MIN_INLIERS:
        return None, inliers, len(good)
    return h, inliers, len(good)


def _plausible(h: np.ndarray) -> bool:
    """Reject degenerate homographies (mirroring, collapse, strong perspective):
    two scans of one flat leaf differ by little more than a similarity."""
    if h is None or not np.all(np.isfinite(h)) or abs(h[2, 2]) < 1e-12:
        return False
    h = h / h[2, 2]
    det = float(np.linalg.det(h[:2, :2]))
    return 0.2 < det < 5.0 and abs(h[2, 0]) < 1e-3 and abs(h[2, 1]) < 1e-3


def _correlation(before: np.ndarray, after: np.ndarray, h: np.ndarray) -> tuple[float, float]:
    """Correlation coefficient over the overlap, and the overlap fraction."""
    hh, ww = before.shape[:2]
    warped = cv2.warpPerspective(after, h, (ww, hh), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full(after.shape[:2], 255, np.uint8), h, (ww, hh), flags=cv2.INTER_NEAREST)
    # Erode: the warped border pixels are blends with the black outside.
    inside = cv2.erode(mask, np.ones((3, 3), np.uint8)) > 0
    overlap = float(inside.mean())
    if inside.sum() < 100:
        return -1.0, overlap
    a = before[inside].astype(np.float64)
    b = warped[inside].astype(np.float64)
    a -= a.mean()
    b -= b.mean()
    denom = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return (float((a * b).sum() / denom) if denom > 0 else -1.0), overlap


def _ecc_refine(
    before: np.ndarray, after: np.ndarray, h: np.ndarray, iterations: int
) -> tuple[np.ndarray, float] | None:
    """ECC from an initial after→before homography; None if it does not converge."""
    # ECC's warp maps template (before) coordinates into the input (after): the inverse.
    w = np.linalg.inv(h)
    w = (w / w[2, 2]).astype(np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, iterations, 1e-6)
    try:
        rho, w = cv2.findTransformECC(before, after, w, cv2.MOTION_HOMOGRAPHY, criteria)
    except cv2.error:
        return None
    try:
        hr = np.linalg.inv(w.astype(np.float64))
    except np.linalg.LinAlgError:
        return None
    return hr / hr[2, 2], float(rho)


def _coarse_ecc(
    before: np.ndarray, after: np.ndarray
) -> tuple[np.ndarray, tuple[float, float], tuple[float, float]] | None:
    """Euclidean ECC from the identity at a small scale: the fallback start when
    features fail (only converges for modest shifts and rotations)."""
    b, sb = _shrink(before, 400)
    a, sa = _shrink(after, 400)
    start = np.eye(2, 3, dtype=np.float32)
    start[0, 0], start[1, 1] = sa[0] / sb[0], sa[1] / sb[1]  # different resolutions: start at the size ratio
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 200, 1e-6)
    try:
        _, w = cv2.findTransformECC(b, a, start, cv2.MOTION_AFFINE, criteria)
    except cv2.error:
        return None
    w3 = np.vstack([np.asarray(w, np.float64), [0, 0, 1]])
    # w3 maps coarse-before -> coarse-after; invert to after -> before, with the coarse scales
    return np.linalg.inv(w3), sb, sa


# --------------------------------------------------------------------------- public API


def warp_to(after: np.ndarray, homography: np.ndarray, size: tuple[int, int], *, fill: int = 255) -> np.ndarray:
    """Resample ``after`` into a ``(width, height)`` grid with an after→before homography."""
    channels = 1 if after.ndim == 2 else after.shape[2]
    border = (fill,) * max(channels, 1) if channels > 1 else fill
    return cv2.warpPerspective(
        after, homography, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border
    )


def align(
    before: np.ndarray,
    after: np.ndarray,
    *,
    method: Literal["auto", "features", "ecc"] = "auto",
    work_long_edge: int = 1200,
    ecc_iterations: int = 100,
    min_quality: float = MIN_QUALITY,
) -> AlignResult:
    """Align ``after`` (post-restoration scan) onto ``before`` (pre-restoration scan).

    Both are uint8 BGR or grey arrays of any (possibly different) sizes and
    resolutions. ``method``: ``"auto"`` = features then ECC refinement (ECC alone if
    features fail); ``"features"`` = no ECC; ``"ecc"`` = ECC only (small
    misalignments). Returns an :class:`AlignResult`; raises :class:`AlignmentError`
    when no plausible transform with correlation ≥ ``min_quality`` is found (e.g. the
    two files show different leaves) and ``ValueError`` for empty inputs.
    """
    for name, img in (("before", before), ("after", after)):
        if img is None or img.size == 0 or img.ndim not in (2, 3):
            raise ValueError(f"{name} image is empty or not an image array")
    gb_full, ga_full = _grey(before), _grey(after)
    gb, sb = _shrink(gb_full, work_long_edge)
    ga, sa = _shrink(ga_full, work_long_edge)
    # Matching in the small grids; H_small maps small-after -> small-before.
    h_small: np.ndarray | None = None
    inliers = matches = 0
    used = ""
    if method in ("auto", "features"):
        for detector in ("orb", "sift"):
            h, n_in, n_good = _feature_homography(gb, ga, detector)
            if h is not None and _plausible(h):
                h_small, inliers, matches, used = h, n_in, n_good, "features"
                break
            inliers, matches = max(inliers, n_in), max(matches, n_good)
            if n_good >= 100:
                # ORB matched plenty yet nothing agrees: different content, not a faint
                # page. SIFT (slow) would not change that; ECC below has the last word.
                break
    if h_small is None and method in ("auto", "ecc"):
        coarse = _coarse_ecc(gb, ga)
        if coarse is not None:
            hc, csb, csa = coarse
            # lift the coarse (400 px) estimate to the working grids
            h_small = np.linalg.inv(_scale_matrix(csb)) @ hc @ _scale_matrix(csa)
            used = "ecc"
            if _plausible(h_small) and _correlation(gb, ga, h_small)[0] < min_quality:
                # Refining a start this poor would take seconds and end in the same verdict.
                h_small = None
    if h_small is None or not _plausible(h_small):
        raise AlignmentError(
            "could not align the after-treatment scan to the before-treatment scan: too few matching "
            f"features ({inliers} consistent of {matches} matched) — are both scans of the same leaf?"
        )

    rho_small, _ = _correlation(gb, ga, h_small)
    ecc: float | None = None
    if method != "features":
        refined = _ecc_refine(gb, ga, h_small, ecc_iterations)
        if refined is not None and _plausible(refined[0]):
            rho_ref, _ = _correlation(gb, ga, refined[0])
            if rho_ref >= rho_small - 1e-4:
                h_small, rho_small, ecc = refined[0], rho_ref, refined[1]
                used = "features+ecc" if used == "features" else "ecc"

    # Full resolution: H_full = S_before^-1 · H_small · S_after
    h_full = np.linalg.inv(_scale_matrix(sb)) @ h_small @ _scale_matrix(sa)
    h_full /= h_full[2, 2]
    quality, overlap = _correlation(gb, ga, h_small)
    if quality < min_quality:
        raise AlignmentError(
            f"alignment found but unreliable (correlation {quality:.2f} < {min_quality:.2f}) — "
            "are both scans of the same leaf?"
        )
    hb, wb = before.shape[:2]
    warped = warp_to(after, h_full, (wb, hb))
    return AlignResult(
        warped=warped,
        homography=h_full,
        method=used,
        quality=quality,
        inlier_ratio=(inliers / matches) if matches and used.startswith("features") else 0.0,
        inliers=inliers if used.startswith("features") else 0,
        matches=matches,
        ecc=ecc,
        overlap=overlap,
        before=before,
    )


def _as_bgr(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR) if img.ndim == 2 else img[..., :3]


def side_by_side(
    before: np.ndarray, after: np.ndarray, *, gap: int = 16, max_long_edge: int | None = 2400
) -> np.ndarray:
    """Before on the left, after on the right, same height, white gap; BGR.

    ``after`` is scaled to ``before``'s height if they differ; the result is
    downscaled so its long edge is at most ``max_long_edge`` (``None``: full size).
    """
    b, a = _as_bgr(before), _as_bgr(after)
    if a.shape[0] != b.shape[0]:
        f = b.shape[0] / a.shape[0]
        a = cv2.resize(a, (max(1, round(a.shape[1] * f)), b.shape[0]), interpolation=cv2.INTER_AREA)
    spacer = np.full((b.shape[0], gap, 3), 255, np.uint8)
    out = np.hstack([b, spacer, a])
    if max_long_edge and max(out.shape[:2]) > max_long_edge:
        f = max_long_edge / max(out.shape[:2])
        out = cv2.resize(out, (max(1, round(out.shape[1] * f)), max(1, round(out.shape[0] * f))),
                         interpolation=cv2.INTER_AREA)
    return out


def overlay(
    before: np.ndarray, after: np.ndarray, *, mode: Literal["channels", "blend"] = "channels", alpha: float = 0.5
) -> np.ndarray:
    """Superimpose two aligned images of the same size; BGR.

    ``"channels"``: before's grey in the red channel, after's in green and blue.
    Where the two agree the result is neutral grey/black; ink or dirt present only
    *before* (removed by treatment) shows cyan, present only *after* (added, e.g.
    infill or retouching) shows red. ``"blend"``: ``alpha``·before +
    (1-``alpha``)·after.
    """
    if before.shape[:2] != after.shape[:2]:
        raise ValueError(f"overlay needs images of the same size, got {before.shape[:2]} and {after.shape[:2]}")
    if mode == "blend":
        return cv2.addWeighted(_as_bgr(before), alpha, _as_bgr(after), 1.0 - alpha, 0.0)
    if mode != "channels":
        raise ValueError(f"unknown overlay mode {mode!r}")
    gb, ga = _grey(before), _grey(after)
    return cv2.merge([ga, ga, gb])
