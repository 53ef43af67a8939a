"""Number of text columns per half-leaf (行數).

The column pitch is the median spacing of the detected ruled lines (界行) when
there are enough of them, else the autocorrelation of the ink profile across
the text area (ruled lines and text columns repeat at that pitch).  Each gap
between detected vertical lines then holds ``round(gap / pitch)`` columns, so
worn rules that were not detected still count, and doubled frame lines (gap ≈
0) do not.  Without any rule the whole width is divided by the pitch.
"""

from __future__ import annotations

import numpy as np

from imaging.frame import FrameResult
from imaging.split import Split


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


def _count_span(ink: np.ndarray, frame: FrameResult, x0: float, x1: float) -> int | None:
    """Columns between ``x0`` and ``x1`` (inner edges) of the frame interior."""
    _, iy0, _, iy1 = frame.inner
    a, b = int(round(x0)), int(round(x1))
    if b - a < 10:
        return None
    edges = [float(a)] + [ln.centre for ln in frame.verticals if a < ln.centre < b] + [float(b)]
    gaps = np.diff(edges)
    gaps = gaps[gaps > 0.02 * (b - a)]
    if gaps.size >= 4:
        # Enough ruled lines (界行): the typical spacing between them is the
        # pitch.  Text cannot fool it, whereas double-column notes (雙行小注)
        # put a second period at half the pitch into the ink profile.  The
        # median holds while at least half of the rules were found.
        pitch: float | None = float(np.median(gaps))
    else:
        prof = ink[iy0:iy1, a:b].sum(axis=0).astype(np.float64)
        pitch = column_pitch(prof, max(4, (b - a) // 30), (b - a) // 2)
    if pitch is None:
        return None
    total = sum(int(round((e2 - e1) / pitch)) for e1, e2 in zip(edges[:-1], edges[1:]))
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
