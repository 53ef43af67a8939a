"""Tests for imaging.derivatives: geometry (deskew/crop/split) and delivery JPEGs."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from imaging.derivatives import (
    DerivativeSpec,
    geometry_from_analysis,
    make_derivatives,
    process_page,
    resize_long_edge,
    write_derivatives,
    write_jpeg,
)
from imaging.io import LoadedImage, load_image
from tests.conftest import SCANS

BOOK2 = SCANS / "book2" / "1.png"


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _synthetic_leaf(skew_deg: float) -> tuple[np.ndarray, list[int], float, float]:
    """A light page with a dark 版心 line on scanner black, tilted by ``skew_deg`` (CCW).

    Returns the image, the page's axis-aligned hull, and the split point (x, y), all in
    the tilted image's pixels, like ``imaging.analyze.analyze`` reports them.
    """
    h, w = 900, 1300
    img = np.full((h, w, 3), 20, np.uint8)  # scanner surround
    x0, y0, x1, y1 = 150, 130, 1150, 770
    img[y0:y1, x0:x1] = (190, 215, 225)  # paper
    img[y0 + 40 : y1 - 40, 648:652] = (30, 30, 30)  # 版心 line at x = 650
    m = cv2.getRotationMatrix2D((w / 2, h / 2), skew_deg, 1.0)
    tilted = cv2.warpAffine(img, m, (w, h), borderValue=(20, 20, 20))
    corners = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], float) @ m[:, :2].T + m[:, 2]
    hull = [
        int(np.floor(corners[:, 0].min())),
        int(np.floor(corners[:, 1].min())),
        int(np.ceil(corners[:, 0].max())),
        int(np.ceil(corners[:, 1].max())),
    ]
    sx, sy = np.array([650.0, 450.0]) @ m[:, :2].T + m[:, 2]
    return tilted, hull, float(sx), float(sy)


def test_deskew_crop_split_synthetic() -> None:
    img, hull, sx, _sy = _synthetic_leaf(2.0)
    analysis = {"skew_deg": 2.0, "page_box": hull, "split_x": round(sx), "frames": [], "width": 1300}
    geo = geometry_from_analysis(analysis)
    assert geo["rotate_deg"] == -2.0
    parts = process_page(img, **geo)
    assert [p.name for p in parts] == ["a", "b"]  # right half first (reading order)
    a, b = parts
    for part in parts:
        # straightened and cropped: almost no scanner black left in the part
        dark = (part.pixels.mean(axis=2) < 60).mean()
        assert dark < 0.02, dark
        assert abs(part.pixels.shape[0] - 640) <= 12
    assert abs(a.pixels.shape[1] - 500) <= 12 and abs(b.pixels.shape[1] - 500) <= 12


def test_crop_only_and_no_geometry() -> None:
    img = np.zeros((100, 200), np.uint8)
    (whole,) = process_page(img)
    assert whole.pixels.shape == (100, 200) and whole.name == ""
    (cropped,) = process_page(img, page_box=[10, 20, 110, 90])
    assert cropped.pixels.shape == (70, 100)
    # a box sticking out of the image is clipped, not an error
    (clipped,) = process_page(img, page_box=[-5, -5, 500, 500])
    assert clipped.pixels.shape == (100, 200)


def test_tiny_rotation_is_skipped() -> None:
    img = np.random.default_rng(0).integers(0, 255, (50, 60, 3), dtype=np.uint8)
    (part,) = process_page(img, rotate_deg=0.01)
    assert np.array_equal(part.pixels, img) and part.rotation_deg == 0.0


def test_bad_geometry_raises() -> None:
    img = np.zeros((100, 200, 3), np.uint8)
    with pytest.raises(ValueError, match="empty"):
        process_page(img, page_box=[50, 50, 50, 90])
    with pytest.raises(ValueError, match="outside"):
        process_page(img, page_box=[10, 10, 100, 90], split_x=150)
    with pytest.raises(ValueError):
        process_page(np.zeros((0, 0), np.uint8))


def test_delivery_files_sizes_and_dpi(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    px = cv2.GaussianBlur(rng.integers(0, 255, (3000, 2000, 3), dtype=np.uint8), (0, 0), 3)
    img = LoadedImage(path=None, pixels=px, dpi=600.0, page_index=0, page_count=1, bit_depth=8)
    files = make_derivatives(img, tmp_path, "p001")
    by_kind = {f.kind: f for f in files}
    assert set(by_kind) == {"print", "web", "thumb"}
    pr, web, th = by_kind["print"], by_kind["web"], by_kind["thumb"]
    assert (pr.width, pr.height, pr.dpi) == (2000, 3000, 600.0)
    assert (web.width, web.height) == (1067, 1600) and web.dpi == pytest.approx(320.0, abs=0.2)
    assert max(th.width, th.height) == 256
    for f in files:
        loaded = load_image(f.path)
        assert loaded.format == "JPEG"
        assert loaded.pixels.shape[:2] == (f.height, f.width)
        assert loaded.dpi == pytest.approx(f.dpi, abs=0.5)
        assert os.path.getsize(f.path) == f.size
    assert Path(pr.path) == tmp_path / "print" / "p001.jpg"
    # print copy: full resolution and faithful
    back = load_image(pr.path).pixels.astype(int)
    assert np.abs(back - px.astype(int)).mean() < 4
    assert _files(tmp_path) == ["print/p001.jpg", "thumb/p001.jpg", "web/p001.jpg"]


def test_grey_stays_grey_and_master_tiff(tmp_path: Path) -> None:
    px = np.full((300, 200), 180, np.uint8)
    files = write_derivatives(px, tmp_path, "g", dpi=300, kinds=("master", "print", "thumb"))
    assert [f.kind for f in files] == ["master", "print", "thumb"]
    master = load_image(files[0].path)
    assert master.format == "TIFF" and master.dpi == 300.0 and np.array_equal(master.pixels, px)
    assert load_image(files[1].path).pixels.ndim == 2


def test_no_dpi_written_when_unknown(tmp_path: Path) -> None:
    # 40 px a side: the smallest pages load_image accepts are 32 px
    files = write_derivatives(np.zeros((40, 40, 3), np.uint8), tmp_path, "x", dpi=None, kinds=("print",))
    assert files[0].dpi is None and load_image(files[0].path).dpi is None


def test_unknown_kind_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown derivative"):
        write_derivatives(np.zeros((10, 10), np.uint8), tmp_path, "x", dpi=300, kinds=("print", "poster"))
    assert _files(tmp_path) == []


def test_failed_write_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_save = Image.Image.save

    def half_then_fail(self: Image.Image, fp: object, *args: object, **kwargs: object) -> None:
        real_save(self, fp, *args, **kwargs)  # the temp file really exists now
        raise OSError("disk full")

    monkeypatch.setattr(Image.Image, "save", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        write_jpeg(tmp_path / "out.jpg", np.zeros((20, 20, 3), np.uint8), dpi=300)
    assert _files(tmp_path) == []


def test_resize_long_edge_never_upscales() -> None:
    small = np.zeros((100, 50), np.uint8)
    assert resize_long_edge(small, 256) is small
    assert resize_long_edge(np.zeros((1000, 500), np.uint8), 256).shape == (256, 128)


def test_spec_is_configurable(tmp_path: Path) -> None:
    files = write_derivatives(
        np.zeros((1000, 800, 3), np.uint8), tmp_path, "s", dpi=300, kinds=("web",),
        spec=DerivativeSpec(web_long_edge=500)
    )
    assert (files[0].width, files[0].height) == (400, 500)


def test_real_uncut_leaf_split(tmp_path: Path) -> None:
    page = load_image(BOOK2)
    h, w = page.pixels.shape[:2]
    # stand-in for analyze(): page box a little inside the scan, split in the middle
    files = make_derivatives(
        page, tmp_path, "book2_1", page_box=[20, 20, w - 20, h - 20], split_x=w // 2, kinds=("print", "thumb")
    )
    assert _files(tmp_path) == [
        "print/book2_1_a.jpg",
        "print/book2_1_b.jpg",
        "thumb/book2_1_a.jpg",
        "thumb/book2_1_b.jpg",
    ]
    a = next(f for f in files if f.kind == "print" and f.part == "a")
    b = next(f for f in files if f.kind == "print" and f.part == "b")
    assert a.width + b.width == w - 40 and a.height == h - 40
    # half-leaf a is the RIGHT half of the scan
    right = page.pixels[20 : h - 20, w // 2 : w - 20].astype(int)
    assert np.abs(load_image(a.path).pixels.astype(int) - right).mean() < 4
    with Image.open(a.path) as im:
        assert im.info.get("jfif_density") == (300, 300) or page.dpi is None
