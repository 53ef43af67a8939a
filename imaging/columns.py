"""Number of text columns per half-leaf (行數).

The column pitch is the median spacing of the detected ruled lines (界行) when
there are enough of them, else the autocorrelation of the ink profile across
the text area (ruled lines and text columns repeat at that pitch).  Each gap
between detected vertical lines then holds ``round(gap / pitch)`` columns, so
worn rules that were not detected still count, and doubled frame lines (gap ≈
0) do not.  Without any rule the whole width is divided by the pitch.

Double-column notes (雙行小注) put a period of half the pitch into the ink
profile.  When no rule runs the whole height (a seal, stain or damage hides
them over part of it), the rules are looked for in bands of the frame height
instead (``band_rules``): where they show twice the ink period, that is the
pitch.
"""

from __future__ import annotations

import itertools

import cv2
import numpy as np

from imaging.frame import FrameResult, _lean_profile, group_lines
from imaging.split import Split

#: Horizontal bands of the frame interior (fractions of its height, from the
#: top) in which ruled lines are looked for when none runs the whole height.
BANDS: tuple[tuple[float, float], ...] = ((0.0, 0.5), (0.5, 1.0),
                                          (0.0, 1 / 3), (1 / 3, 2 / 3), (2 / 3, 1.0))

#: Fewest rules a band must show for their spacing to count.
MIN_BAND_RULES = 3

#: Largest distance (in median gaps) of a gap between a band's rules from a
#: whole number of median gaps: rules are evenly spaced, with some missing;
#: seal borders, seal strokes and text are not.
REGULAR_TOL = 0.25

#: Largest relative difference between the spacing of a band's rules and the
#: candidate pitch (the ink period or twice it) it confirms.
PITCH_MATCH = 0.1


def column_pitch(profile: np.ndarray, min_lag: int, max_lag: int) -> float | None:
    """Dominant period (pixels) of ``profile`` between ``min_lag`` and
    ``max_lag``: the shortest autocorrelation peak reaching 70 % of the best
    one (so multiples of the period never win), refined by a parabola."""
    p = profile.astype(np.float64) - profile.mean()
    n = p.size
    max_lag = min(max_lag, n - 2)
    if n < 8 or max_lag <= min_lag + 2 or not np.any(p):
        return None
    spec = np.fft.rfft(p, 2 * n)
    ac = np.fft.irfft(spec * np.conj(spec))[:n]
    ac = ac / (n - np.arange(n))  # unbiased: long lags see fewer samples
    peaks = [k for k in range(max(1, min_lag), max_lag)
             if ac[k] > ac[k - 1] and ac[k] >= ac[k + 1] and ac[k] > 0]
    if not peaks:
        return None
    top = max(ac[k] for k in peaks)
    k = next(k for k in peaks if ac[k] >= 0.7 * top)
    den = ac[k - 1] - 2 * ac[k] + ac[k + 1]
    return float(k + (0.5 * (ac[k - 1] - ac[k + 1]) / den if den < 0 else 0.0))


def _gaps(edges: list[float], width: int) -> np.ndarray:
    """Spacings of the sorted ``edges``, leaving out those under 2 % of
    ``width`` (a rule read twice, a rule against the frame line)."""
    gaps = np.diff(edges)
    return gaps[gaps > 0.02 * width]


def _regular(gaps: np.ndarray) -> bool:
    """Whether every gap is a whole number (≥ 1) of the median gap, within
    ``REGULAR_TOL`` of it."""
    r = gaps / float(np.median(gaps))
    k = np.rint(r)
    return bool(np.all(k >= 1) and np.all(np.abs(r - k) <= REGULAR_TOL))


def band_rules(ink: np.ndarray, frame: FrameResult, a: int, b: int,
               candidates: tuple[float, ...]) -> tuple[float, list[float]] | None:
    """Ruled lines between columns ``a`` and ``b`` seen in part of the frame
    height, if they confirm one of the ``candidates`` pitches.

    Each band of ``BANDS`` is searched on its own as ``find_frame`` searches
    the whole height: vertical strokes shorter than 1/30 of the frame height
    are opened away, and a rule has ink in half of the band's rows (±1 px, at
    its own lean).  Over a short band dense text also makes such runs at its
    column centres, and a seal its borders and strokes, so a band counts only
    with ``MIN_BAND_RULES`` rules, evenly spaced (``_regular``), whose median
    spacing is within ``PITCH_MATCH`` of a candidate.  Of those the band with
    the most rules wins.  Returns ``(pitch, rule x centres)`` (the pitch is
    the rules' median spacing) or ``None``.
    """
    _, iy0, _, iy1 = frame.inner
    fh, w = iy1 - iy0, b - a
    if fh < 30 or w < 10:
        return None
    bridge = max(3, min(fh, w) // 150)
    m = ink[iy0:iy1, a:b].astype(np.uint8)
    v = cv2.morphologyEx(m, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, bridge)))
    v = cv2.morphologyEx(v, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(9, fh // 30))))
    best: tuple[float, list[float]] | None = None
    for f0, f1 in BANDS:
        r0, r1 = round(f0 * fh), round(f1 * fh)
        _, cov, _ = _lean_profile(v[r0:r1], (r1 - r0) / 2.0, w)
        centres = [ln.centre for ln in group_lines(cov, 0.5)]
        if len(centres) < MIN_BAND_RULES or (best is not None and len(centres) <= len(best[1])):
            continue
        gaps = _gaps([0.0] + centres + [float(w)], w)
        if gaps.size <= MIN_BAND_RULES or not _regular(gaps):
            continue
        q = float(np.median(gaps))
        if any(abs(q - c) <= PITCH_MATCH * c for c in candidates):
            best = q, [c + a for c in centres]
    return best


def _count_span(ink: np.ndarray, frame: FrameResult, x0: float, x1: float) -> int | None:
    """Columns between ``x0`` and ``x1`` (inner edges) of the frame interior."""
    _, iy0, _, iy1 = frame.inner
    a, b = round(x0), round(x1)
    if b - a < 10:
        return None
    edges = [float(a)] + [ln.centre for ln in frame.verticals if a < ln.centre < b] + [float(b)]
    gaps = _gaps(edges, b - a)
    if gaps.size >= 4:
        # Enough ruled lines (界行): the typical spacing between them is the
        # pitch.  Text cannot fool it, whereas double-column notes (雙行小注)
        # put a second period at half the pitch into the ink profile.  The
        # median holds while at least half of the rules were found.
        pitch: float | None = float(np.median(gaps))
    else:
        prof = ink[iy0:iy1, a:b].sum(axis=0).astype(np.float64)
        pitch = column_pitch(prof, max(4, (b - a) // 30), (b - a) // 2)
        if pitch is not None:
            # The ink period p, or 2p on a page of double-column notes: the
            # rules where they are visible decide, and count as rules.
            found = band_rules(ink, frame, a, b, (pitch, 2.0 * pitch))
            if found is not None:
                pitch, rules = found
                edges = sorted([float(a), float(b)] + [x for x in rules if a < x < b])
    if pitch is None:
        return None
    total = sum(round((e2 - e1) / pitch) for e1, e2 in itertools.pairwise(edges))
    return total or None


def count_columns(ink: np.ndarray, frame: FrameResult, split: Split | None) -> int | None:
    """Lines per half-leaf inside the frame of a deskewed ink mask.

    Contract: for a half-leaf, the columns between the frame's inner edges;
    for an uncut leaf (``split`` given), the larger of the two halves' counts
    with the 版心 strip excluded.  ``None`` when no periodic column structure
    is found.
    """
    ix0, _, ix1, _ = frame.inner
    if split is None:
        return _count_span(ink, frame, ix0, ix1)
    counts = [c for c in (_count_span(ink, frame, ix0, split.left),
                          _count_span(ink, frame, split.right, ix1)) if c]
    return max(counts) if counts else None
