"""Work the imaging page sends to its process pool. No Qt here: this module is imported by the
``spawn``-started worker processes, which must stay light and must not touch a display."""

from __future__ import annotations

from typing import Any

import numpy as np

from imaging.analyze import COLOUR_LONG_SIDE, analyze
from imaging.crop import downscale
from imaging.damage import damage_mask
from imaging.io import load_image


def view_data(path: str, dpi: float | None, analysis: dict[str, Any] | None = None, page: int = 0,
              max_pixels: int | None = None) -> dict[str, Any]:
    """What the viewer overlays for one page: the analysis (computed here when not given) and the
    damage mask at the analyser's colour working size.

    Returns ``{"analysis": dict, "computed": bool, "mask": bool ndarray (h, w), "mask_scale": float}``;
    ``mask_scale`` maps original pixels to mask pixels (mask = original × scale). Raises
    :class:`imaging.io.ImageError` for an unusable file.
    """
    kwargs: dict[str, Any] = {"page": page, "dpi": dpi}
    if max_pixels is not None:
        kwargs["max_pixels"] = max_pixels
    img = load_image(path, **kwargs)
    computed = analysis is None
    if analysis is None:
        analysis = analyze(img.pixels, dpi=img.dpi, path=path)
    colour, scale = downscale(img.pixels, COLOUR_LONG_SIDE)
    cpage = [int(v * scale) for v in analysis["page_box"]]
    mask = damage_mask(colour, cpage)
    return {"analysis": analysis, "computed": computed, "mask": np.asarray(mask, dtype=bool),
            "mask_scale": float(scale)}


def ping() -> bool:
    """A no-op, to start the pool's processes ahead of the first real job."""
    return True
