"""Processed copies and delivery files made from a loaded page scan.

Two steps, kept apart so the GUI can preview step 1 without writing anything:

1. :func:`process_page` — geometry: straighten (rotate), crop to the page box and
   split an uncut leaf (筒子頁) at the 版心 into its two half-leaves. Input
   coordinates are those :func:`imaging.analyze.analyze` returns: pixels of the
   *original* image, before any rotation; they are carried into the rotated image
   here.
2. :func:`write_derivatives` — delivery files for each part: ``print`` (full
   resolution JPEG, quality 90, 4:4:4 chroma so red seals and 朱批 stay crisp),
   ``web`` (long edge 1600 px), ``thumb`` (long edge 256 px) and optionally a
   lossless ``master`` TIFF. Every JPEG carries its resolution in the JFIF header;
   downscaled files carry the *scaled* resolution so the physical page size stays
   right when printed or measured.

Files are written atomically (temporary name in the same folder, then
:func:`os.replace`), so an interrupted run never leaves a half-written JPEG under
its final name.

Half-leaf naming follows the bibliographic convention: the right half of a leaf is
read first and is leaf side ``a`` (前半葉), the left half is ``b`` (後半葉); parts
are returned in reading order.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from imaging.io import LoadedImage

__all__ = [
    "DerivativeFile",
    "DerivativeSpec",
    "PagePart",
    "geometry_from_analysis",
    "make_derivatives",
    "process_page",
    "resize_long_edge",
    "write_derivatives",
    "write_jpeg",
]

KINDS = ("print", "web", "thumb", "master")
DEFAULT_KINDS = ("print", "web", "thumb")


@dataclass(frozen=True)
class DerivativeSpec:
    """Sizes and qualities of the delivery files (defaults suit the centres' portals)."""

    print_quality: int = 90
    web_long_edge: int = 1600
    web_quality: int = 85
    thumb_long_edge: int = 256
    thumb_quality: int = 80


@dataclass
class PagePart:
    """One processed image: the whole page, or half-leaf ``a`` (right) / ``b`` (left).

    ``box`` is the part's rectangle ``[x0, y0, x1, y1]`` in the rotated image's
    pixels (equal to original pixels when ``rotation_deg`` is 0).
    """

    name: str
    pixels: np.ndarray
    rotation_deg: float = 0.0
    box: list[int] | None = None


@dataclass
class DerivativeFile:
    """One file written: its kind, part, path and what is in it."""

    kind: str
    part: str
    path: str
    width: int
    height: int
    dpi: float | None
    size: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for batch reports."""
        return dict(self.__dict__)


# --------------------------------------------------------------------------- geometry


def geometry_from_analysis(
    analysis: dict[str, Any], *, deskew: bool = True, crop: bool = True, split: bool = True
) -> dict[str, Any]:
    """Turn an :func:`imaging.analyze.analyze` result into :func:`process_page` arguments.

    ``skew_deg`` is the content's counter-clockwise tilt, so the correcting rotation is
    ``-skew_deg``. The split point's y is the first frame's vertical centre (where the
    analyser measured it) or the page centre.
    """
    rotate_deg = -float(analysis.get("skew_deg") or 0.0) if deskew else 0.0
    box = analysis.get("page_box") if crop else None
    split_x = analysis.get("split_x") if split else None
    split_y = None
    if split_x is not None:
        frames = analysis.get("frames") or []
        ref = (frames[0].get("box") if frames and isinstance(frames[0], dict) else None) or analysis.get(
            "page_box"
        )
        if ref:
            split_y = (ref[1] + ref[3]) / 2.0
    return {"rotate_deg": rotate_deg, "page_box": box, "split_x": split_x, "split_y": split_y}


def _rotation_matrix(shape: tuple[int, ...], deg: float) -> tuple[np.ndarray, tuple[int, int]]:
    """The analysis engineer's rotation (same canvas and centre as ``deskew.rotate``)."""
    from imaging.deskew import rotation_matrix

    return rotation_matrix(shape, deg)


def _paper_fill(img: np.ndarray) -> int | tuple[int, ...]:
    """Colour for the corners a rotation uncovers: the bright paper (90th percentile),
    as ``deskew.rotate`` does, so the filled wedges do not look like scanner black."""
    sample = img[::8, ::8].reshape(-1, 1 if img.ndim == 2 else img.shape[2])
    level = np.percentile(sample, 90, axis=0)
    return int(level[0]) if img.ndim == 2 else tuple(int(v) for v in level)


def _needs_rotation(shape: tuple[int, ...], deg: float) -> bool:
    # Skip rotations that move no pixel by half a pixel: they would only blur.
    return abs(math.radians(deg)) * max(shape[:2]) / 2.0 >= 0.5


def _box_in_rotated(box: Sequence[float], m: np.ndarray, canvas: tuple[int, int]) -> list[int]:
    """A box of the original image carried into the rotated canvas.

    The analyser's page box is the axis-aligned hull of a tilted page, so after
    straightening, the hull's corners spread around the now upright page; the inner
    two of the sorted corner coordinates approximate the page itself and keep the
    filled corner wedges out.
    """
    x0, y0, x1, y1 = (float(v) for v in box)
    pts = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], np.float64) @ m[:, :2].T + m[:, 2]
    xs, ys = np.sort(pts[:, 0]), np.sort(pts[:, 1])
    w, h = canvas
    return [
        int(np.clip(math.floor(xs[1]), 0, w)),
        int(np.clip(math.floor(ys[1]), 0, h)),
        int(np.clip(math.ceil(xs[2]), 0, w)),
        int(np.clip(math.ceil(ys[2]), 0, h)),
    ]


def process_page(
    pixels: np.ndarray,
    *,
    rotate_deg: float = 0.0,
    page_box: Sequence[float] | None = None,
    split_x: float | None = None,
    split_y: float | None = None,
    margin: int = 0,
) -> list[PagePart]:
    """Straighten, crop and split one page image; returns the parts in reading order.

    ``rotate_deg``: counter-clockwise rotation to apply (``-skew_deg``).
    ``page_box``: ``[x0, y0, x1, y1]`` in original pixels, or ``None`` for no crop.
    ``split_x`` (and the y where it was measured, ``split_y``, default the middle):
    the 版心 centre in original pixels; the result is then ``[a (right), b (left)]``.
    ``margin`` widens the crop by that many pixels on each side.
    Raises ``ValueError`` for a box or split that leaves an empty part. Rotation and
    crop are done in one warp when both are asked for, so a 600-dpi page is not first
    rotated onto an enlarged canvas only to be cut down.
    """
    if pixels.ndim not in (2, 3) or pixels.size == 0:
        raise ValueError("process_page expects a non-empty grey or BGR image")
    h, w = pixels.shape[:2]
    rotate = _needs_rotation(pixels.shape, rotate_deg)
    if rotate:
        m, canvas = _rotation_matrix(pixels.shape, rotate_deg)
    else:
        m, canvas = np.array([[1.0, 0, 0], [0, 1.0, 0]]), (w, h)
        rotate_deg = 0.0

    if page_box is not None:
        box = _box_in_rotated(page_box, m, canvas) if rotate else [
            int(np.clip(v, 0, lim)) for v, lim in zip(page_box, (w, h, w, h), strict=True)
        ]
        box = [
            max(0, box[0] - margin),
            max(0, box[1] - margin),
            min(canvas[0], box[2] + margin),
            min(canvas[1], box[3] + margin),
        ]
    else:
        box = [0, 0, canvas[0], canvas[1]]
    if box[2] - box[0] < 2 or box[3] - box[1] < 2:
        raise ValueError(f"page box {list(page_box or [])} leaves an empty image")

    if rotate:
        # Shift the rotation so the crop box's corner lands at (0, 0) and warp only the box.
        mm = m.copy()
        mm[0, 2] -= box[0]
        mm[1, 2] -= box[1]
        fill = _paper_fill(pixels)
        border = fill if isinstance(fill, tuple) else (fill, fill, fill, fill)
        out = cv2.warpAffine(
            pixels,
            mm,
            (box[2] - box[0], box[3] - box[1]),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=border,
        )
    else:
        out = pixels[box[1] : box[3], box[0] : box[2]].copy()

    if split_x is None:
        return [PagePart("", out, rotate_deg, box)]

    sy = split_y if split_y is not None else h / 2.0
    sx_rot = float(m[0, 0] * split_x + m[0, 1] * sy + m[0, 2])
    cut = round(sx_rot) - box[0]
    if cut < 2 or cut > out.shape[1] - 2:
        raise ValueError(f"split x {split_x} lies outside the page box")
    right = PagePart("a", out[:, cut:].copy(), rotate_deg, [box[0] + cut, box[1], box[2], box[3]])
    left = PagePart("b", out[:, :cut].copy(), rotate_deg, [box[0], box[1], box[0] + cut, box[3]])
    return [right, left]


# --------------------------------------------------------------------------- writing


def resize_long_edge(pixels: np.ndarray, long_edge: int) -> np.ndarray:
    """Downscale so the longer side is ``long_edge`` (never upscales; area averaging)."""
    h, w = pixels.shape[:2]
    longest = max(h, w)
    if longest <= long_edge:
        return pixels
    f = long_edge / longest
    size = (max(1, round(w * f)), max(1, round(h * f)))
    return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)


def _to_pil(pixels: np.ndarray) -> Image.Image:
    if pixels.ndim == 2:
        return Image.fromarray(pixels, "L")
    return Image.fromarray(cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB), "RGB")


def _atomic_save(path: Path, save: Callable[[str], None]) -> int:
    """Run ``save(tmp_path)`` then move the result to ``path``; return its size.

    The temporary file sits in the destination folder (same filesystem, so the
    rename is atomic) and is removed on any failure, including KeyboardInterrupt.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        save(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path.stat().st_size


def write_jpeg(
    path: str | os.PathLike[str],
    pixels: np.ndarray,
    *,
    dpi: float | None,
    quality: int = 90,
    subsampling: int = 2,
    progressive: bool = False,
) -> int:
    """Write a BGR/grey array as a JPEG with ``dpi`` in the JFIF header, atomically.

    ``subsampling``: 0 = 4:4:4, 1 = 4:2:2, 2 = 4:2:0. Returns the file size.
    """
    im = _to_pil(pixels)
    params: dict[str, Any] = {"quality": int(quality), "progressive": progressive}
    if im.mode == "RGB":
        params["subsampling"] = subsampling
    if dpi:
        params["dpi"] = (float(dpi), float(dpi))
    return _atomic_save(Path(path), lambda tmp: im.save(tmp, "JPEG", **params))


def _write_tiff(path: Path, pixels: np.ndarray, dpi: float | None) -> int:
    im = _to_pil(pixels)
    params: dict[str, Any] = {"compression": "tiff_adobe_deflate"}
    if dpi:
        params["dpi"] = (float(dpi), float(dpi))
    return _atomic_save(path, lambda tmp: im.save(tmp, "TIFF", **params))


def write_derivatives(
    parts: Iterable[PagePart] | np.ndarray,
    out_dir: str | os.PathLike[str],
    stem: str,
    *,
    dpi: float | None,
    kinds: Sequence[str] = DEFAULT_KINDS,
    spec: DerivativeSpec = DerivativeSpec(),
) -> list[DerivativeFile]:
    """Write the delivery files of each part under ``out_dir/<kind>/``.

    File names are ``<stem>.jpg`` for a whole page and ``<stem>_a.jpg`` /
    ``<stem>_b.jpg`` for half-leaves (``.tif`` for ``master``). ``dpi`` is the
    resolution of ``parts`` (downscaled files get it scaled). Returns the files in
    the order written. Raises ``ValueError`` for an unknown kind.
    """
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown derivative kind(s) {unknown}; choose from {list(KINDS)}")
    if isinstance(parts, np.ndarray):
        parts = [PagePart("", parts)]
    out = Path(out_dir)
    written: list[DerivativeFile] = []
    for part in parts:
        name = f"{stem}_{part.name}" if part.name else stem
        web: np.ndarray | None = None
        for kind in kinds:
            if kind == "master":
                px, q, sub, prog = part.pixels, 0, 0, False
            elif kind == "print":
                px, q, sub, prog = part.pixels, spec.print_quality, 0, False
            elif kind == "web":
                px = web = resize_long_edge(part.pixels, spec.web_long_edge)
                q, sub, prog = spec.web_quality, 2, True
            else:  # thumb: from the web copy when there is one (same result, far less work)
                base = web if web is not None else part.pixels
                px = resize_long_edge(base, spec.thumb_long_edge)
                q, sub, prog = spec.thumb_quality, 2, False
            scale = px.shape[1] / part.pixels.shape[1]
            kdpi = round(dpi * scale, 2) if dpi else None
            if kind == "master":
                dest = out / kind / f"{name}.tif"
                size = _write_tiff(dest, px, kdpi)
            else:
                dest = out / kind / f"{name}.jpg"
                size = write_jpeg(dest, px, dpi=kdpi, quality=q, subsampling=sub, progressive=prog)
            written.append(
                DerivativeFile(kind, part.name, str(dest), int(px.shape[1]), int(px.shape[0]), kdpi, size)
            )
    return written


def make_derivatives(
    image: LoadedImage | np.ndarray,
    out_dir: str | os.PathLike[str],
    stem: str,
    *,
    dpi: float | None = None,
    rotate_deg: float = 0.0,
    page_box: Sequence[float] | None = None,
    split_x: float | None = None,
    split_y: float | None = None,
    kinds: Sequence[str] = DEFAULT_KINDS,
    spec: DerivativeSpec = DerivativeSpec(),
) -> list[DerivativeFile]:
    """:func:`process_page` then :func:`write_derivatives` in one call.

    ``dpi`` defaults to the loaded image's. See those functions for the arguments.
    """
    pixels = image.pixels if isinstance(image, LoadedImage) else image
    if dpi is None and isinstance(image, LoadedImage):
        dpi = image.dpi
    parts = process_page(pixels, rotate_deg=rotate_deg, page_box=page_box, split_x=split_x, split_y=split_y)
    return write_derivatives(parts, out_dir, stem, dpi=dpi, kinds=kinds, spec=spec)

