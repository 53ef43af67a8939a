"""Page analysis on rendered pages whose layout is known exactly."""

from __future__ import annotations

import numpy as np
import pytest

from imaging.analyze import analyze
from imaging.deskew import estimate_skew, rotate
from imaging.paper import calibrate_from_patches, lab_to_linear_rgb, linear_to_srgb, paper_lab, rgb_to_lab
from tests.imaging.synth import render_page


@pytest.mark.parametrize("skew", [-2.5, -0.8, -0.15, 0.0, 0.3, 1.7])
def test_skew_recovered(skew: float) -> None:
    page = render_page(skew_deg=skew, seed=3)
    res = analyze(page.img, dpi=None)
    assert res["skew_deg"] == pytest.approx(skew, abs=0.1)


@pytest.mark.parametrize("double,columns,skew", [(True, 8, 0.0), (False, 10, 0.6), (True, 9, -1.2)])
def test_frame_and_columns(double: bool, columns: int, skew: float) -> None:
    page = render_page(double=double, columns=columns, skew_deg=skew, seed=columns)
    res = analyze(page.img, dpi=300.0)
    assert len(res["frames"]) == 1
    box = res["frames"][0]["box"]
    assert np.abs(np.array(box) - np.array(page.frame_box)).max() <= 6, (box, page.frame_box)
    assert res["lines_per_half_leaf"] == columns
    assert res["split_x"] is None
    h_cm = (page.frame_box[3] - page.frame_box[1]) / 300.0 * 2.54
    assert res["frames"][0]["height_cm"] == pytest.approx(h_cm, abs=0.06)


def test_no_dpi_gives_null_cm() -> None:
    res = analyze(render_page(seed=5).img, dpi=None)
    assert res["frames"][0]["height_cm"] is None and res["frames"][0]["width_cm"] is None


@pytest.mark.parametrize("skew", [0.0, 0.7])
def test_uncut_leaf_split(skew: float) -> None:
    page = render_page(width=2400, height=1700, columns=9, uncut=True, skew_deg=skew, seed=7)
    res = analyze(page.img, dpi=None)
    assert res["split_x"] is not None
    assert abs(res["split_x"] - page.split_x) <= 4
    assert res["lines_per_half_leaf"] == 9
    box = res["frames"][0]["box"]
    assert np.abs(np.array(box) - np.array(page.frame_box)).max() <= 6


def test_black_surround_page_box() -> None:
    page = render_page(surround=120, seed=9)
    res = analyze(page.img, dpi=None)
    assert np.abs(np.array(res["page_box"]) - np.array(page.page_box)).max() <= 6
    assert np.abs(np.array(res["frames"][0]["box"]) - np.array(page.frame_box)).max() <= 6


def test_stain_share() -> None:
    stains = [(300, 400, 90), (1000, 1500, 140), (700, 900, 60)]
    page = render_page(stains=stains, seed=11)
    res = analyze(page.img, dpi=None)
    assert res["damage_pct"] == pytest.approx(page.stain_pct, abs=0.5)
    clean = analyze(render_page(seed=11).img, dpi=None)
    assert clean["damage_pct"] < 0.5


def test_paper_lab_flat_colour() -> None:
    page = render_page(paper_bgr=(180, 215, 230), seed=13)
    res = analyze(page.img, dpi=None)
    want = rgb_to_lab(np.array([230, 215, 180]))
    assert np.linalg.norm(np.array(res["paper_lab"]) - want) < 0.5


def test_lab_conversion_reference_values() -> None:
    # sRGB white is the D65 white; D50 Lab of sRGB white after Bradford is also
    # neutral.  Mid grey 119 is close to L* 50.
    assert np.allclose(rgb_to_lab(np.array([255, 255, 255])), [100, 0, 0], atol=0.01)
    assert np.allclose(rgb_to_lab(np.array([255, 255, 255]), "D50"), [100, 0, 0], atol=0.05)
    assert rgb_to_lab(np.array([119, 119, 119]))[0] == pytest.approx(50.0, abs=0.3)
    # Pure sRGB red, D65: L 53.24, a 80.09, b 67.20 (published sRGB values).
    assert np.allclose(rgb_to_lab(np.array([255, 0, 0])), [53.24, 80.09, 67.20], atol=0.05)
    # Same red under D50 (Bradford): L 54.29, a 80.80, b 69.89.
    assert np.allclose(rgb_to_lab(np.array([255, 0, 0]), "D50"), [54.29, 80.80, 69.89], atol=0.1)


def test_calibration_recovers_affine_distortion() -> None:
    rng = np.random.default_rng(0)
    ref_lab = np.column_stack([rng.uniform(20, 95, 24), rng.uniform(-40, 40, 24), rng.uniform(-40, 40, 24)])
    true_lin = np.clip(lab_to_linear_rgb(ref_lab, "D50"), 0.0, 1.0)
    ref_lab = np.asarray([rgb_to_lab(linear_to_srgb(c) * 255.0, "D50") for c in true_lin])
    distort = np.array([[0.9, 0.05, 0.0], [0.03, 0.85, 0.04], [0.0, 0.06, 0.8]])
    meas_lin = true_lin @ distort.T + 0.01
    meas_rgb = linear_to_srgb(meas_lin) * 255.0
    corr = calibrate_from_patches(meas_rgb, ref_lab)
    page = np.zeros((200, 200, 3), np.uint8)
    paper_lin = np.array([0.7, 0.65, 0.5])
    paper_rgb = np.clip(linear_to_srgb(paper_lin @ distort.T + 0.01) * 255.0, 0, 255)
    page[:] = np.round(paper_rgb[::-1]).astype(np.uint8)
    got = paper_lab(page, [0, 0, 200, 200], illuminant="D50", correction=corr)
    want = rgb_to_lab(linear_to_srgb(paper_lin) * 255.0, "D50")
    assert got is not None and np.linalg.norm(got - want) < 1.0


def test_rotate_expands_canvas_and_fills_paper() -> None:
    img = np.full((100, 200), 230, np.uint8)
    img[40:60, :] = 0
    out = rotate(img, 30.0)
    assert out.shape[0] > 100 and out.shape[1] > 200
    assert out[0, 0] == 230 and out[-1, -1] == 230
    assert estimate_skew(rotate(render_page(seed=2).img, 1.0)) == pytest.approx(1.0, abs=0.1)


def test_contract_shape_and_types() -> None:
    page = render_page(seed=4)
    gray = page.img[:, :, 1].copy()
    res = analyze(gray, dpi=600.0, path="x.png")
    assert list(res) == ["path", "width", "height", "dpi", "skew_deg", "page_box", "split_x", "frames",
                         "lines_per_half_leaf", "damage_pct", "paper_lab"]
    assert res["path"] == "x.png" and res["width"] == gray.shape[1] and res["height"] == gray.shape[0]
    assert set(res["frames"][0]) == {"box", "height_cm", "width_cm"}
    with pytest.raises(ValueError):
        analyze(np.zeros((0, 0), np.uint8), dpi=None)
