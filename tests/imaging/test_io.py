"""Tests for imaging.io: real scans, and every kind of bad file a scanning desk meets."""

from __future__ import annotations

import os
import struct
import time
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from imaging.io import (
    DEFAULT_MAX_PIXELS,
    ImageError,
    LoadedImage,
    image_info,
    load_image,
    load_image_bytes,
    load_pages,
    sniff_format,
)
from tests.conftest import SCANS

BOOK4 = SCANS / "book4" / "1.jpg"
BOOK1 = SCANS / "book1" / "1.png"
BOOK6 = SCANS / "book6" / "v01_023.jpg"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _bomb_png(width: int, height: int) -> bytes:
    """A valid-looking tiny PNG whose header claims ``width`` × ``height`` RGB pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


# --------------------------------------------------------------------------- real scans


def test_book4_jpeg_600dpi() -> None:
    img = load_image(BOOK4)
    assert isinstance(img, LoadedImage)
    assert img.pixels.dtype == np.uint8
    assert img.pixels.shape == (5811, 3213, 3)
    assert img.dpi == 600.0
    assert img.bit_depth == 8
    assert (img.page_index, img.page_count) == (0, 1)
    assert img.path == str(BOOK4)
    # BGR order: compare with OpenCV's own decoder (same libjpeg family, allow rounding)
    ref = cv2.imread(str(BOOK4), cv2.IMREAD_COLOR)
    assert np.abs(img.pixels[::50, ::50].astype(int) - ref[::50, ::50].astype(int)).mean() < 2.0


def test_caller_dpi_overrides_file() -> None:
    assert load_image(BOOK4, dpi=400).dpi == 400.0
    with pytest.raises(ValueError):
        load_image(BOOK4, dpi=0)


def test_greyscale_jpeg_without_dpi() -> None:
    img = load_image(BOOK6)
    assert img.pixels.ndim == 2 and img.pixels.dtype == np.uint8
    assert img.dpi is None  # JFIF unit 0 is an aspect ratio, not a resolution


def test_png_phys_300dpi_snapped() -> None:
    img = load_image(BOOK1)
    assert img.dpi == 300.0  # stored as 11811 px/m = 299.9994 dpi
    assert img.pixels.shape[2] == 3


def test_image_info_header_only() -> None:
    info = image_info(BOOK4)
    assert info["width"] == 3213 and info["height"] == 5811
    assert info["pages"] == 1 and info["dpi"] == 600.0 and info["format"] == "JPEG"


def test_extension_is_ignored(tmp_path: Path) -> None:
    # a PNG saved as .jpg and a JPEG saved as .png still load
    fake_jpg = tmp_path / "page.jpg"
    fake_jpg.write_bytes(BOOK1.read_bytes())
    assert load_image(fake_jpg).format == "PNG"
    fake_png = tmp_path / "page.png"
    fake_png.write_bytes(BOOK6.read_bytes())
    assert load_image(fake_png).format == "JPEG"


# --------------------------------------------------------------------------- written here


def test_png_with_phys_written_here(tmp_path: Path) -> None:
    p = tmp_path / "p.png"
    Image.new("RGB", (48, 36), (200, 100, 50)).save(p, dpi=(400, 400))
    img = load_image(p)
    assert img.dpi == 400.0
    # RGB (200,100,50) must come back as BGR
    assert tuple(img.pixels[0, 0]) == (50, 100, 200)
    assert image_info(p)["dpi"] == 400.0


def test_png_without_phys_has_no_dpi(tmp_path: Path) -> None:
    p = tmp_path / "p.png"
    Image.new("L", (40, 40), 7).save(p)
    assert load_image(p).dpi is None


def test_16bit_grey_tiff_scaled(tmp_path: Path) -> None:
    arr = np.zeros((40, 60), np.uint16)
    arr[:, :10] = 65535
    arr[:, 10:20] = 32896  # 128 * 257
    p = tmp_path / "g16.tif"
    assert cv2.imwrite(str(p), arr)
    img = load_image(p)
    assert img.bit_depth == 16
    assert img.pixels.dtype == np.uint8 and img.pixels.shape == (40, 60)
    assert img.pixels[0, 0] == 255 and img.pixels[0, 15] == 128 and img.pixels[0, 25] == 0


def test_16bit_colour_tiff(tmp_path: Path) -> None:
    arr = np.zeros((32, 32, 3), np.uint16)
    arr[..., 0] = 65535  # blue in OpenCV order
    arr[..., 2] = 257 * 10
    p = tmp_path / "c16.tif"
    assert cv2.imwrite(str(p), arr)
    img = load_image(p)
    assert img.bit_depth == 16
    assert img.pixels.shape == (32, 32, 3)
    assert tuple(img.pixels[3, 3]) == (255, 0, 10)


def test_16bit_png(tmp_path: Path) -> None:
    arr = np.full((32, 32), 257 * 200, np.uint16)
    p = tmp_path / "g16.png"
    assert cv2.imwrite(str(p), arr)
    img = load_image(p)
    assert img.bit_depth == 16 and img.pixels[0, 0] == 200


def test_multipage_tiff_with_dpi(tmp_path: Path) -> None:
    p = tmp_path / "multi.tif"
    pages = [np.full((50 + 10 * i, 40, 3), 60 * i, np.uint8) for i in range(3)]
    assert cv2.imwritemulti(
        str(p), pages, [cv2.IMWRITE_TIFF_XDPI, 300, cv2.IMWRITE_TIFF_YDPI, 300, cv2.IMWRITE_TIFF_RESUNIT, 2]
    )
    info = image_info(p)
    assert info["pages"] == 3 and info["format"] == "TIFF"
    assert info["page_sizes"] == [[40, 50], [40, 60], [40, 70]]
    loaded = list(load_pages(p))
    assert [x.page_index for x in loaded] == [0, 1, 2]
    assert all(x.page_count == 3 for x in loaded)
    assert [x.pixels.shape[0] for x in loaded] == [50, 60, 70]
    assert [int(x.pixels[0, 0, 0]) for x in loaded] == [0, 60, 120]
    assert loaded[0].dpi == 300.0
    assert load_image(p, page=2).pixels.shape[0] == 70
    with pytest.raises(ImageError, match="page index 3"):
        load_image(p, page=3)


def test_multipage_tiff_pillow_cm_units(tmp_path: Path) -> None:
    p = tmp_path / "pil.tif"
    a = Image.new("RGB", (40, 40), "white")
    b = Image.new("L", (60, 40), 0)
    # 118.11 px/cm == 300 dpi
    a.save(p, save_all=True, append_images=[b], resolution=118.11, resolution_unit="cm")
    pages = list(load_pages(p))
    assert len(pages) == 2
    assert pages[0].dpi == 300.0
    assert pages[1].pixels.shape == (40, 60)


def test_alpha_onto_white_and_palette(tmp_path: Path) -> None:
    rgba = np.zeros((40, 40, 4), np.uint8)
    rgba[..., 0] = 255  # red, fully transparent on the left half
    rgba[:, 20:, 3] = 255
    p = tmp_path / "a.png"
    Image.fromarray(rgba, "RGBA").save(p)
    px = load_image(p).pixels
    assert tuple(px[0, 0]) == (255, 255, 255)
    assert tuple(px[0, 39]) == (0, 0, 255)

    pal = Image.new("P", (32, 32), 1)
    pal.putpalette([0, 0, 0, 0, 255, 0] + [0] * 762)
    p2 = tmp_path / "p.png"
    pal.save(p2)
    assert tuple(load_image(p2).pixels[0, 0]) == (0, 255, 0)


def test_cmyk_jpeg(tmp_path: Path) -> None:
    p = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (32, 32), (0, 0, 0, 0)).save(p, quality=95)
    px = load_image(p).pixels
    assert px.shape == (32, 32, 3) and px.min() > 240  # no ink == white paper


def test_exif_orientation_applied(tmp_path: Path) -> None:
    p = tmp_path / "rot.jpg"
    im = Image.new("RGB", (80, 40), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    im.save(p, exif=exif)
    assert load_image(p).pixels.shape[:2] == (80, 40)


def test_load_image_bytes(tmp_path: Path) -> None:
    p = tmp_path / "x.png"
    Image.new("RGB", (40, 48)).save(p)
    img = load_image_bytes(p.read_bytes(), name="x.png")
    assert img.pixels.shape == (48, 40, 3) and img.path == "x.png"


def test_sniff_format() -> None:
    assert sniff_format(b"\x89PNG\r\n\x1a\nxxxx") == "PNG"
    assert sniff_format(b"\xff\xd8\xff\xe0") == "JPEG"
    assert sniff_format(b"II*\x00") == "TIFF" and sniff_format(b"MM\x00*") == "TIFF"
    assert sniff_format(b"hello") is None


# --------------------------------------------------------------------------- bad input


def _assert_refused(path: Path, *needles: str) -> ImageError:
    with pytest.raises(ImageError) as info:
        load_image(path)
    msg = str(info.value)
    assert path.name in msg
    for needle in needles:
        assert needle in msg.lower()
    return info.value


def test_zero_byte_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.tif"
    p.write_bytes(b"")
    _assert_refused(p, "empty", "0 bytes")
    with pytest.raises(ImageError, match="empty"):
        image_info(p)
    with pytest.raises(ImageError, match="empty"):
        load_image_bytes(b"")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    _assert_refused(tmp_path / "nope.png", "not found")
    with pytest.raises(ImageError, match="folder"):
        load_image(tmp_path)


def test_text_file_named_png(tmp_path: Path) -> None:
    p = tmp_path / "notes.png"
    p.write_text("这不是图片 — just some notes\n", encoding="utf-8")
    _assert_refused(p, "not a supported image")
    p2 = tmp_path / "plain.png"
    p2.write_text("hello world\n")
    _assert_refused(p2, "text file")


def test_pdf_named_tif(tmp_path: Path) -> None:
    p = tmp_path / "scan.tif"
    p.write_bytes(b"%PDF-1.7\n" + b"0" * 100)
    _assert_refused(p, "pdf")


@pytest.mark.parametrize("source", [BOOK1, BOOK4], ids=["png", "jpeg"])
@pytest.mark.parametrize("fraction", [0.5, 0.9])
def test_truncated_real_scan(tmp_path: Path, source: Path, fraction: float) -> None:
    data = source.read_bytes()
    p = tmp_path / ("cut" + source.suffix)
    p.write_bytes(data[: int(len(data) * fraction)])
    _assert_refused(p, "truncated")
    with pytest.raises(ImageError, match="truncated"):
        load_image_bytes(p.read_bytes())


def test_truncated_jpeg_even_if_pillow_told_to_accept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = BOOK4.read_bytes()
    p = tmp_path / "cut.jpg"
    p.write_bytes(data[: len(data) // 2])
    _assert_refused(p, "truncated")


def test_truncated_header_only(tmp_path: Path) -> None:
    p = tmp_path / "head.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    _assert_refused(p)


def test_pixel_bomb_png_refused_quickly(tmp_path: Path) -> None:
    p = tmp_path / "bomb.png"
    p.write_bytes(_bomb_png(100_000, 100_000))
    assert p.stat().st_size < 200
    start = time.perf_counter()
    err = _assert_refused(p, "exceeds the limit")
    assert time.perf_counter() - start < 0.5
    assert "100000×100000" in str(err)
    # the header is still describable without decoding
    info = image_info(p)
    assert info["width"] == 100_000 and info["height"] == 100_000


def test_pixel_limit_is_configurable(tmp_path: Path) -> None:
    p = tmp_path / "small.png"
    Image.new("RGB", (100, 100)).save(p)
    with pytest.raises(ImageError, match="exceeds the limit"):
        load_image(p, max_pixels=9_999)
    assert load_image(p, max_pixels=10_000).pixels.shape == (100, 100, 3)
    assert DEFAULT_MAX_PIXELS == 200_000_000


def test_pixel_limit_checked_per_tiff_page(tmp_path: Path) -> None:
    p = tmp_path / "multi.tif"
    a = Image.new("L", (40, 40))
    b = Image.new("L", (200, 200))
    a.save(p, save_all=True, append_images=[b])
    it = load_pages(p, max_pixels=2000)
    assert next(it).pixels.shape == (40, 40)
    with pytest.raises(ImageError, match="page 2 of 2"):
        next(it)


def test_pixel_bomb_jpeg_header(tmp_path: Path) -> None:
    # Rewrite the SOF0 size fields of a tiny JPEG to claim 60000 × 60000.
    src = tmp_path / "small.jpg"
    Image.new("RGB", (32, 32)).save(src)
    data = bytearray(src.read_bytes())
    sof = data.find(b"\xff\xc0")
    assert sof > 0
    struct.pack_into(">HH", data, sof + 5, 60000, 60000)
    p = tmp_path / "bomb.jpg"
    p.write_bytes(bytes(data))
    start = time.perf_counter()
    _assert_refused(p, "exceeds the limit")
    assert time.perf_counter() - start < 0.5


def test_error_is_value_error() -> None:
    assert issubclass(ImageError, ValueError)


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can read anything")
    p = tmp_path / "locked.png"
    Image.new("L", (32, 32)).save(p)
    p.chmod(0)
    _assert_refused(p, "permission")


# --------------------------------------------------------------------------- fuzzing

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _small_files() -> dict[str, bytes]:
    import io as _io

    rng = np.random.default_rng(7)
    img = Image.fromarray(rng.integers(0, 255, (36, 48, 3), dtype=np.uint8))
    out = {}
    for fmt, kw in (("PNG", {}), ("JPEG", {"quality": 80}), ("TIFF", {"compression": "tiff_lzw"})):
        buf = _io.BytesIO()
        img.save(buf, fmt, **kw)
        out[fmt] = buf.getvalue()
    return out


_SMALL = _small_files()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(sorted(_SMALL)),
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=6),
    cut=st.one_of(st.none(), st.integers(1, 10_000)),
)
def test_corrupted_files_raise_only_image_error(fmt: str, edits: list[tuple[int, int]], cut: int | None) -> None:
    data = bytearray(_SMALL[fmt])
    for pos, value in edits:
        data[pos % len(data)] = value
    if cut is not None:
        data = data[: max(1, cut % len(data))]
    try:
        img = load_image_bytes(bytes(data), name=f"fuzz.{fmt.lower()}", max_pixels=10_000_000)
    except ImageError:
        return
    assert img.pixels.dtype == np.uint8 and img.pixels.size > 0


# --------------------------------------------------------------------------- shape, memory, cut JPEGs


def _zero_png(width: int, height: int, *, colour_type: int, bit_depth: int) -> bytes:
    """A complete, valid PNG of zeros, built without compressing every row: deflate blocks
    ended by a full flush do not depend on what came before, so one block of rows repeats."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    row = bytes(1 + width * channels * bit_depth // 8)  # filter byte 0 + samples
    per_block = max(1, (1 << 20) // len(row))
    chunk = row * per_block
    blocks, rest = divmod(height, per_block)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = comp.compress(row * rest) + comp.flush(zlib.Z_FINISH) if rest else comp.flush(zlib.Z_FINISH)
    adler = 1
    for _ in range(blocks):
        adler = zlib.adler32(chunk, adler)
    if rest:
        adler = zlib.adler32(row * rest, adler)
    idat = b"\x78\x01" + block * blocks + tail + struct.pack(">I", adler)
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def test_zero_png_builder_makes_real_pngs(tmp_path: Path) -> None:
    p = tmp_path / "zeros.png"
    p.write_bytes(_zero_png(300, 2500, colour_type=6, bit_depth=16))
    img = load_image(p)
    assert img.pixels.shape == (2500, 300, 3) and img.bit_depth == 16
    assert int(img.pixels.min()) == 255  # transparent black composited on white


@pytest.mark.parametrize("size,needle", [((1, 1), "too small"), ((31, 400), "too small"),
                                          ((30000, 10), "not the shape of a page"),
                                          ((40, 2100), "not the shape of a page")])
def test_images_that_are_not_pages_are_one_clear_line(tmp_path: Path, size: tuple[int, int], needle: str) -> None:
    p = tmp_path / "odd.png"
    Image.new("L", size, 200).save(p)
    err = _assert_refused(p, needle)
    assert len(str(err).splitlines()) == 1 and f"{size[0]}×{size[1]}" in str(err)
    with pytest.raises(ImageError, match=needle):
        load_image_bytes(p.read_bytes(), name="odd.png")
    with pytest.raises(ImageError, match=needle):
        next(load_pages(p))


def test_limits_of_a_page_shape_are_accepted(tmp_path: Path) -> None:
    from imaging.io import MAX_ASPECT, MIN_SIDE

    p = tmp_path / "edge.png"
    Image.new("L", (MIN_SIDE, MIN_SIDE * MAX_ASPECT), 200).save(p)
    assert load_image(p).pixels.shape == (MIN_SIDE * MAX_ASPECT, MIN_SIDE)


def test_analyze_command_on_a_one_pixel_image_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from guji.cli.main import main

    p = tmp_path / "dot.png"
    Image.new("L", (1, 1), 200).save(p)
    assert main(["imaging", "analyze", str(p)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("guji: error: dot.png:") and "too small" in err and len(err.strip().splitlines()) == 1


def test_memory_budget_refuses_a_small_png_before_decoding(tmp_path: Path) -> None:
    from imaging.io import DEFAULT_MAX_BYTES

    # 40000 × 20000 8-bit grey: 800 MB of pixels in a file of well under a megabyte.
    grey = tmp_path / "grey.png"
    grey.write_bytes(_zero_png(40_000, 20_000, colour_type=0, bit_depth=8))
    assert grey.stat().st_size < 2_000_000
    start = time.perf_counter()
    with pytest.raises(ImageError, match="over the budget of 512 MB") as info:
        load_image(grey, max_pixels=10**10, max_bytes=512 << 20)
    assert time.perf_counter() - start < 0.5
    assert "40000×20000" in str(info.value) and "763 MB" in str(info.value)
    # Within the pixel limit (144 Mpx) but 16-bit RGBA: 1.1 GB decoded, refused by the default budget.
    rgba = tmp_path / "rgba16.png"
    rgba.write_bytes(_zero_png(12_000, 12_000, colour_type=6, bit_depth=16))
    assert rgba.stat().st_size < 3_000_000
    assert DEFAULT_MAX_PIXELS >= 12_000 * 12_000 and DEFAULT_MAX_BYTES == 1 << 30
    start = time.perf_counter()
    err = _assert_refused(rgba, "needs about 1.1 gb of memory", "over the budget of 1.0 gb")
    assert time.perf_counter() - start < 0.5
    assert len(str(err).splitlines()) == 1


def _noise_jpeg(path: Path, *, progressive: bool = False, size: tuple[int, int] = (900, 1300)) -> bytes:
    """A JPEG with a scan's texture (noise on paper tone), so no block is flat."""
    rng = np.random.default_rng(3)
    arr = rng.normal(200, 25, (size[1], size[0], 3)).clip(0, 255).astype(np.uint8)
    Image.fromarray(arr).save(path, "JPEG", quality=90, progressive=progressive, dpi=(300, 300))
    return path.read_bytes()


def _glue_cut(data: bytes, fraction: float) -> bytes:
    return data[: int(len(data) * fraction)] + b"\xff\xd9"


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.95])
def test_cut_jpeg_with_end_marker_glued_back_is_refused(tmp_path: Path, fraction: float) -> None:
    data = _noise_jpeg(tmp_path / "whole.jpg")
    assert load_image(tmp_path / "whole.jpg").pixels.shape == (1300, 900, 3)
    p = tmp_path / "glued.jpg"
    p.write_bytes(_glue_cut(data, fraction))
    # Pillow alone decodes it without complaint (the missing part painted grey).
    with Image.open(p) as im:
        im.load()
    err = _assert_refused(p, "ends early", "end marker")
    assert len(str(err).splitlines()) == 1
    with pytest.raises(ImageError, match="ends early"):
        load_image_bytes(p.read_bytes(), name="glued.jpg")


def test_cut_progressive_jpeg_is_refused(tmp_path: Path) -> None:
    data = _noise_jpeg(tmp_path / "whole.jpg", progressive=True)
    assert load_image(tmp_path / "whole.jpg").pixels.shape == (1300, 900, 3)
    p = tmp_path / "glued.jpg"
    p.write_bytes(_glue_cut(data, 0.5))
    _assert_refused(p, "ends early", "later scans")


def test_a_page_really_ending_in_flat_grey_is_kept(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    arr = rng.normal(200, 25, (1300, 900, 3)).clip(0, 255).astype(np.uint8)
    arr[700:] = 128  # a grey backdrop below the page, exactly the decoder's fill value
    p = tmp_path / "backdrop.jpg"
    Image.fromarray(arr).save(p, "JPEG", quality=90)
    img = load_image(p)
    assert int(img.pixels[-1, -1, 0]) == 128


def test_real_scan_cut_and_glued_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "glued.jpg"
    p.write_bytes(_glue_cut(BOOK4.read_bytes(), 0.5))
    _assert_refused(p, "ends early")
