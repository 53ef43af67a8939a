"""Reading page scans safely: TIFF (8/16-bit, multi-page), JPEG and PNG.

Everything a scanning station produces goes through :func:`load_image` /
:func:`load_pages`, so this module is where hostile or broken files are stopped:

* the format is taken from the file's magic bytes, never from its extension
  (scanner software and users rename files freely);
* the pixel count is checked from the header *before* any pixel is decoded, so a
  tiny file claiming 100 000 × 100 000 pixels (a decompression bomb) is refused in
  milliseconds instead of exhausting memory;
* empty, truncated and non-image files raise :class:`ImageError` with a message
  naming the file and the reason; a half-decoded (half-grey) page is never
  returned.

Pixels come back as ``uint8`` numpy arrays in OpenCV order (BGR ``(H, W, 3)``, or
``(H, W)`` for greyscale sources) because all analysis code is OpenCV-based.
Pillow does the parsing: it reads the resolution (JFIF density, PNG ``pHYs``, TIFF
``XResolution``/``ResolutionUnit``) from the header without decoding, and its
decoders raise on premature end of data.
"""

from __future__ import annotations

import io as _io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import cv2
import numpy as np
from PIL import Image, ImageFile, JpegImagePlugin, PngImagePlugin, TiffImagePlugin

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PIXELS",
    "MAX_ASPECT",
    "MIN_SIDE",
    "ImageError",
    "LoadedImage",
    "image_info",
    "load_image",
    "load_image_bytes",
    "load_pages",
    "sniff_format",
]

#: Largest page (width × height) accepted by default. A 600-dpi A2 scan is about
#: 140 Mpx; anything beyond this is far more likely a decompression bomb or a
#: corrupt header than a real page. Callers may pass their own ``max_pixels``.
DEFAULT_MAX_PIXELS = 200_000_000

#: Memory one decode may take (bytes), estimated from the header before any pixel
#: is decoded: width × height × channels × bytes per sample. The pixel limit alone
#: lets through a small PNG whose header asks for 16-bit RGBA (8 bytes a pixel);
#: 1 GiB holds a 600-dpi A2 page in 16-bit colour (about 840 MB). Callers may pass
#: their own ``max_bytes``.
DEFAULT_MAX_BYTES = 1 << 30

#: Shortest side (pixels) of an image accepted as a page. A page scanned even at
#: 72 dpi is hundreds of pixels across; anything under this is an icon, a
#: thumbnail or a damaged header, and leaves the analysis nothing to measure.
MIN_SIDE = 32

#: Largest ratio of the long side to the short side. Leaves run from about 1:1 to
#: 1:3, an opened 經折裝 or a section of a handscroll somewhat more; a header that
#: claims 30000 × 10 is damaged, not a book.
MAX_ASPECT = 50

# Extensions we write for each sniffed format (used by the store and messages).
FORMAT_EXTENSIONS: dict[str, str] = {"JPEG": ".jpg", "PNG": ".png", "TIFF": ".tif"}

# Resolutions outside this range are header garbage (0, negative, 1/1 aspect
# markers, overflowed rationals) rather than a real scanning resolution.
_MIN_DPI = 10.0
_MAX_DPI = 20_000.0

# EXIF orientation -> Pillow transpose operations, applied so that the pixels we
# return look like what every viewer shows (phone photographs of pages carry it).
_ORIENTATION_OPS: dict[int, tuple[Image.Transpose, ...]] = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}


class ImageError(ValueError):
    """A file that cannot be used as a page image; ``str(err)`` names the file and why.

    Subclasses :class:`ValueError` so callers that treat "bad input" generically keep
    working; the message is meant for the person at the scanning desk.
    """


@dataclass
class LoadedImage:
    """One decoded page.

    ``pixels`` is ``uint8``: BGR ``(H, W, 3)`` for colour sources, ``(H, W)`` for
    greyscale ones. ``dpi`` is the caller's value if given, else the file's, else
    ``None``. ``page_index``/``page_count`` locate the page in a multi-page TIFF
    (0 / 1 for other formats). ``bit_depth`` is the *source* sample depth (8 or 16);
    16-bit data is scaled to 8-bit in ``pixels``.
    """

    path: str | None
    pixels: np.ndarray
    dpi: float | None
    page_index: int
    page_count: int
    bit_depth: int
    format: str = ""

    @property
    def width(self) -> int:
        """Width in pixels."""
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        """Height in pixels."""
        return int(self.pixels.shape[0])


# --------------------------------------------------------------------------- sniffing


def sniff_format(head: bytes) -> str | None:
    """Return ``"JPEG"``, ``"PNG"`` or ``"TIFF"`` from the first bytes of a file, else ``None``."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "TIFF"
    return None


def _describe_unknown(head: bytes) -> str:
    """A human hint for what a refused file probably is (helps the user fix it)."""
    known = {
        b"%PDF": "a PDF document",
        b"PK\x03\x04": "a ZIP archive (or Office document)",
        b"GIF8": "a GIF image (not accepted for scans)",
        b"BM": "a BMP image (not accepted for scans)",
        b"RIFF": "a RIFF file (WebP/AVI, not accepted for scans)",
    }
    for magic, what in known.items():
        if head.startswith(magic):
            return what
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "an HEIF/AVIF/MP4 file (not accepted for scans)"
    try:
        head.decode("utf-8")
        if head and all(32 <= b < 127 or b in (9, 10, 13) for b in head[:64]):
            return "a text file"
    except UnicodeDecodeError:
        pass
    return "not a TIFF, JPEG or PNG image"


# --------------------------------------------------------------------------- opening


def _display_name(path: str | None) -> str:
    return os.path.basename(path) if path else "<image data>"


def _read_head(path: str) -> bytes:
    """Read the first bytes of ``path``, turning OS errors into :class:`ImageError`."""
    name = _display_name(path)
    try:
        if os.path.isdir(path):
            raise ImageError(f"{name}: is a folder, not an image file")
        size = os.path.getsize(path)
        if size == 0:
            raise ImageError(f"{name}: the file is empty (0 bytes)")
        with open(path, "rb") as fh:
            return fh.read(32)
    except FileNotFoundError as exc:
        raise ImageError(f"{name}: file not found ({path})") from exc
    except PermissionError as exc:
        raise ImageError(f"{name}: permission denied reading the file") from exc
    except OSError as exc:
        raise ImageError(f"{name}: cannot read the file ({exc.strerror or exc})") from exc


def _open_pil(source: str | IO[bytes], fmt: str, name: str) -> ImageFile.ImageFile:
    """Parse the header with the plugin for ``fmt`` directly.

    ``Image.open`` is deliberately not used: it would try every plugin (so a file
    could be accepted as a format we do not support) and it applies Pillow's own,
    process-global decompression-bomb limit, whereas the limit here is per call.
    Constructing the plugin class parses only the header; nothing is decoded.
    """
    plugins: dict[str, Callable[[str | IO[bytes]], ImageFile.ImageFile]] = {
        "PNG": PngImagePlugin.PngImageFile,
        "JPEG": JpegImagePlugin.JpegImageFile,
        "TIFF": TiffImagePlugin.TiffImageFile,
    }
    try:
        return plugins[fmt](source)
    except Exception as exc:  # Pillow raises SyntaxError, OSError, struct.error, ...
        raise ImageError(f"{name}: damaged {fmt} header ({_reason(exc)})") from exc


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__


def _page_count(im: ImageFile.ImageFile) -> int:
    # Only TIFF pages count; APNG frames and MPO previews are not book pages.
    if isinstance(im, TiffImagePlugin.TiffImageFile):
        try:
            return max(1, int(getattr(im, "n_frames", 1)))
        except Exception:  # noqa: BLE001 - a broken IFD chain: the readable pages still count
            return 1
    return 1


def _file_dpi(im: Image.Image) -> float | None:
    """Horizontal resolution from the header, or ``None`` when absent or absurd.

    Pillow converts PNG pixels-per-metre and TIFF centimetre units to dots per inch;
    PNG's metre unit makes 300 dpi come back as 299.9994, so near-integers are
    snapped to the integer.
    """
    dpi = im.info.get("dpi")
    if not dpi:
        return None
    try:
        value = float(dpi[0] if isinstance(dpi, (tuple, list)) else dpi)
    except (TypeError, ValueError, IndexError):
        return None
    if not np.isfinite(value) or not (_MIN_DPI <= value <= _MAX_DPI):
        return None
    nearest = round(value)
    if abs(value - nearest) < 0.05:
        return float(nearest)
    return round(value, 2)


def _bit_depth(im: Image.Image, fmt: str, head: bytes) -> int:
    """Sample depth of the source: 16 if any channel has more than 8 bits, else 8."""
    bits = 8
    if fmt == "PNG" and len(head) >= 25:
        bits = head[24]  # IHDR bit depth: signature(8) + length(4) + type(4) + w(4) + h(4)
    elif fmt == "TIFF":
        tag = getattr(im, "tag_v2", {}).get(258)  # BitsPerSample
        if isinstance(tag, (tuple, list)) and tag:
            bits = max(int(b) for b in tag)
        elif tag:
            bits = int(tag)
    elif fmt == "JPEG":
        bits = int(getattr(im, "bits", 8) or 8)
    return 16 if bits > 8 else 8


def _check_pixels(size: tuple[int, int], max_pixels: int, name: str, page: int, count: int) -> None:
    width, height = size
    where = f" (page {page + 1} of {count})" if count > 1 else ""
    if width <= 0 or height <= 0:
        raise ImageError(f"{name}: the header gives an empty size {width}×{height}")
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageError(
            f"{name}{where}: {width}×{height} pixels is not the shape of a page (sides in a ratio of more "
            f"than {MAX_ASPECT} to 1); the file or its header is damaged"
        )
    if min(width, height) < MIN_SIDE:
        raise ImageError(
            f"{name}{where}: {width}×{height} pixels is too small to be a page (each side needs at least "
            f"{MIN_SIDE} pixels)"
        )
    if width * height > max_pixels:
        raise ImageError(
            f"{name}{where}: {width}×{height} = {width * height:,} pixels exceeds the limit of "
            f"{max_pixels:,}; refusing to decode (possible decompression bomb or corrupt header)"
        )


def _bytes_text(n: float) -> str:
    return f"{n / (1 << 30):.1f} GB" if n >= 1 << 30 else f"{n / (1 << 20):.0f} MB"


def decoded_bytes(im: Image.Image, fmt: str, head: bytes) -> int:
    """Memory the decoded page takes, from the header: width × height × channels × bytes per sample.

    A palette image counts as RGBA (it is expanded before use); 32-bit integer and
    float samples count 4 bytes.
    """
    width, height = im.size
    mode = im.mode
    if mode in ("P", "PA"):
        channels = 4
    else:
        try:
            channels = Image.getmodebands(mode)
        except (KeyError, ValueError):
            channels = 4  # an unusual mode: count the most it can expand to
    per_sample = 4 if mode in ("I", "F") else 2 if _bit_depth(im, fmt, head) > 8 else 1
    return int(width) * int(height) * channels * per_sample


def _check_budget(im: Image.Image, fmt: str, head: bytes, max_bytes: int, name: str, page: int,
                  count: int) -> None:
    need = decoded_bytes(im, fmt, head)
    if need > max_bytes:
        where = f" (page {page + 1} of {count})" if count > 1 else ""
        width, height = im.size
        raise ImageError(
            f"{name}{where}: decoding {width}×{height} pixels ({im.mode}, {_bit_depth(im, fmt, head)}-bit) "
            f"needs about {_bytes_text(need)} of memory, over the budget of {_bytes_text(max_bytes)}; "
            "refusing to decode"
        )


def _orientation(im: Image.Image) -> int:
    try:
        return int(im.getexif().get(0x0112, 1) or 1)
    except Exception:  # noqa: BLE001 - unreadable EXIF must not make a good page unreadable
        return 1


def _to_uint8(im: Image.Image, bit_depth: int, name: str) -> np.ndarray:
    """Convert any decoded Pillow image to a uint8 BGR/grey array.

    Alpha is composited onto white (a transparent margin is paper, not black);
    palette and CMYK images go through Pillow's RGB conversion; 16-bit samples are
    scaled (not clipped: Pillow's own I;16→L conversion clips to 255).
    """
    mode = im.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        arr = np.asarray(im)
        if arr.dtype.byteorder not in ("=", "|"):
            arr = arr.astype(arr.dtype.newbyteorder("="))
        if mode == "I" and bit_depth <= 8:
            clipped: np.ndarray = np.clip(arr, 0, 255).astype(np.uint8)
            return clipped
        if mode == "I" and arr.size and (arr.min() < 0 or arr.max() > 65535):
            raise ImageError(f"{name}: 32-bit integer samples are not supported for scans")
        # round(v * 255 / 65535) == (v + 128) // 257 for 0..65535
        return ((arr.astype(np.uint32) + 128) // 257).astype(np.uint8)
    if mode == "F":
        raise ImageError(f"{name}: floating-point samples are not supported for scans")
    if mode == "1":
        gray: np.ndarray = np.asarray(im.convert("L"))
        return gray
    if mode == "P":
        has_alpha = "transparency" in im.info or (im.palette is not None and im.palette.mode == "RGBA")
        im = im.convert("RGBA" if has_alpha else "RGB")
        mode = im.mode
    if mode in ("LA", "La", "PA"):
        im = im.convert("LA") if mode != "LA" else im
        arr = np.asarray(im).astype(np.float32)
        grey, alpha = arr[..., 0], arr[..., 1] / 255.0
        return np.clip(grey * alpha + 255.0 * (1.0 - alpha) + 0.5, 0, 255).astype(np.uint8)
    if mode in ("RGBA", "RGBa"):
        im = im.convert("RGBA") if mode != "RGBA" else im
        arr = np.asarray(im).astype(np.float32)
        rgb, alpha = arr[..., :3], arr[..., 3:4] / 255.0
        rgb = np.clip(rgb * alpha + 255.0 * (1.0 - alpha) + 0.5, 0, 255).astype(np.uint8)
        return np.ascontiguousarray(rgb[..., ::-1])
    if mode == "L":
        return np.array(im)
    if mode != "RGB":
        try:
            im = im.convert("RGB")  # CMYK, YCbCr, LAB, HSV, I;16 variants Pillow knows
        except Exception as exc:
            raise ImageError(f"{name}: unsupported colour mode {mode!r}") from exc
    # np.array gives a writable copy; swapping channels in place avoids a second
    # full-page copy (measurable on 600-dpi pages).
    arr = np.array(im)
    cv2.cvtColor(arr, cv2.COLOR_RGB2BGR, dst=arr)
    return arr


def _decode_page(
    im: ImageFile.ImageFile,
    fmt: str,
    head: bytes,
    name: str,
    page: int,
    count: int,
    tail: Callable[[], bytes] | None,
    whole: Callable[[], bytes] | None = None,
) -> tuple[np.ndarray, int]:
    where = f" (page {page + 1} of {count})" if count > 1 else ""
    bit_depth = _bit_depth(im, fmt, head)
    try:
        im.load()
    except Exception as exc:
        text = _reason(exc)
        if "truncated" in text or isinstance(exc, (EOFError, SyntaxError)) or "broken" in text:
            raise ImageError(f"{name}{where}: the file is truncated or damaged ({text})") from exc
        raise ImageError(f"{name}{where}: cannot decode the {fmt} data ({text})") from exc
    if ImageFile.LOAD_TRUNCATED_IMAGES and tail is not None:
        # Someone switched Pillow (process-wide) to pad missing data with grey; such a
        # page must not be returned, so check the end of the data stream ourselves.
        _check_complete_stream(tail(), fmt, name)
    if fmt == "JPEG" and whole is not None:
        _check_jpeg_fill(im, whole, name)
    img: Image.Image = im
    orientation = _orientation(im)
    for op in _ORIENTATION_OPS.get(orientation, ()):
        img = img.transpose(op)
    return _to_uint8(img, bit_depth, name), bit_depth


# libjpeg gives every block it has no data for all-zero coefficients: a flat
# sample value of 128 in each component (127 once Adobe's inverted CMYK is undone).
_JPEG_FILL = (127, 128)


def _jpeg_mcu(im: Image.Image) -> tuple[int, int]:
    """Width and height (pixels) of one MCU, from the components' sampling factors."""
    layers = getattr(im, "layer", None) or []
    if len(layers) <= 1:
        return 8, 8  # one component: the scan is not interleaved, blocks are 8×8
    return 8 * max(int(layer[1]) for layer in layers), 8 * max(int(layer[2]) for layer in layers)


def _filled(block: np.ndarray) -> bool:
    return bool(block.size) and int(block.min()) == int(block.max()) and int(block.min()) in _JPEG_FILL


def _fill_run_start(im: Image.Image) -> int | None:
    """Top row of the run of MCUs at the end of a decoded JPEG that hold exactly the
    decoder's fill for missing data, or None when the last MCU is not such fill.

    When the entropy-coded data stops early, libjpeg fills every remaining MCU, in
    raster order to the end of the image, with that flat value; a scan never has a
    block of exactly one value there (paper, noise and compression see to that)."""
    width, height = im.size
    mw, mh = _jpeg_mcu(im)
    cols = -(-width // mw)
    rows = -(-height // mh)
    last = np.asarray(im.crop(((cols - 1) * mw, (rows - 1) * mh, width, height)))
    if not _filled(last):
        return None
    fill = int(last.min())
    start = rows
    for r in range(rows - 1, -1, -1):
        band = np.asarray(im.crop((0, r * mh, width, min(height, (r + 1) * mh)))) == fill
        per_column = band.all(axis=(0, 2)) if band.ndim == 3 else band.all(axis=0)
        per_mcu = [bool(per_column[c * mw:(c + 1) * mw].all()) for c in range(cols)]
        if all(per_mcu):
            start = r
            continue
        if per_mcu[-1]:
            start = r  # the run begins inside this band
        break
    return start * mh


def _rows_before_end_marker(data: bytes) -> np.ndarray | None:
    """Decode a JPEG without its end-of-image marker and return the decoded page (rows
    the decoder did not reach are zero), or None when the data cannot be decoded so.

    libjpeg only invents fill blocks once it meets a marker inside the picture data;
    fed the same bytes without that marker, it stops where the data stops."""
    end = data.rfind(b"\xff\xd9")
    if end < 0:
        return None
    try:
        probe = JpegImagePlugin.JpegImageFile(_io.BytesIO(data))
        tile = probe.tile[0]
        decoder = Image._getdecoder(probe.mode, tile[0], tile[3], probe.decoderconfig)
        target = Image.core.fill(probe.mode, probe.size, 0)
        decoder.setimage(target, tile[1])
        try:
            decoder.decode(data[tile[2]:end])
        finally:
            decoder.cleanup()
        out = Image.new(probe.mode, probe.size)
        out.im = target
        return np.asarray(out)
    except Exception:  # noqa: BLE001 - an undecodable probe just means "cannot confirm"
        return None


_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd8\xff]")


def _missing_scans(data: bytes) -> list[int] | None:
    """Components of a progressive JPEG whose coefficients are not all brought to full
    precision by the scans in the file (empty when every scan is there), or None when
    the marker structure cannot be read.

    A progressive file sends the picture in several scans (DC first, then bands of AC
    coefficients, then refinement bits); cut and given its end marker back, it loses
    the later scans, and Pillow shows the blurred rest without complaint."""
    pos = 2
    components: list[int] = []
    final: dict[int, set[int]] = {}
    try:
        while pos + 4 <= len(data):
            if data[pos] != 0xFF:
                return None
            marker = data[pos + 1]
            if marker == 0xFF:
                pos += 1
                continue
            if marker == 0xD9:
                break
            length = int.from_bytes(data[pos + 2:pos + 4], "big")
            segment = data[pos + 4:pos + 2 + length]
            if marker in (0xC2, 0xC6, 0xCA, 0xCE):  # SOF of a progressive frame
                components = [segment[6 + 3 * i] for i in range(segment[5])]
                final = {c: set() for c in components}
            elif marker == 0xDA:  # SOS: components, spectral band Ss..Se, approximation Ah/Al
                count = segment[0]
                ids = [segment[1 + 2 * i] for i in range(count)]
                ss, se, al = segment[1 + 2 * count], segment[2 + 2 * count], segment[3 + 2 * count] & 0x0F
                if al == 0:
                    for c in ids:
                        final.setdefault(c, set()).update(range(ss, se + 1))
                found = _MARKER.search(data, pos + 2 + length)
                if found is None:
                    break
                pos = found.start()
                continue
            pos += 2 + length
    except IndexError:
        return None
    return [c for c in components if len(final.get(c, ())) < 64]


def _check_jpeg_fill(im: Image.Image, whole: Callable[[], bytes], name: str) -> None:
    """Refuse a JPEG whose picture data was cut and an end marker glued back on.

    Pillow decodes such a file without complaint, painting the missing part of the
    page flat grey. The bottom-right MCU being exactly that fill triggers a second
    look: the data is decoded again without its end marker, and if the decoder
    then reaches rows of the grey run, the grey was really in the picture (a flat
    grey backdrop). A progressive JPEG cannot be decoded in part, so its grey tail
    is refused outright; so is a grey run too thin to tell (libjpeg holds back the
    last rows while it waits for more data).
    """
    progressive = bool(im.info.get("progressive") or im.info.get("progression"))
    if progressive:
        missing_scans = _missing_scans(whole())
        if missing_scans:
            raise ImageError(
                f"{name}: the JPEG data ends early — the progressive file lacks the later scans of its picture "
                "(the file was cut and its end marker put back). Use the scanner's original file"
            )
    start = _fill_run_start(im)
    if start is None:
        return
    height = im.size[1]
    _, mh = _jpeg_mcu(im)
    if not progressive:
        partial = _rows_before_end_marker(whole())
        probe_row = start + mh
        if partial is not None and probe_row < height:
            reached = partial[probe_row:]
            reached = reached.reshape(reached.shape[0], -1)
            if bool(reached.any(axis=1).any()):
                return  # the decoder produced those grey rows from data: the page is grey there
    missing = height - start
    raise ImageError(
        f"{name}: the JPEG data ends early — the bottom {missing} of {height} pixel rows are the flat grey a "
        "decoder paints for missing data (the file was cut and its end marker put back). Use the "
        "scanner's original file; if the bottom of the page really is flat mid-grey, save it as TIFF or PNG"
    )


def _check_complete_stream(tail: bytes, fmt: str, name: str) -> None:
    """Fallback truncation check on the last bytes of the file (used only when Pillow
    was told to accept truncated files)."""
    if fmt == "JPEG" and b"\xff\xd9" not in tail:
        raise ImageError(f"{name}: the file is truncated (no JPEG end-of-image marker)")
    if fmt == "PNG" and b"IEND" not in tail[-64:]:
        raise ImageError(f"{name}: the file is truncated (no PNG IEND chunk)")


# --------------------------------------------------------------------------- public API


def _validate_dpi(dpi: float | None) -> float | None:
    if dpi is None:
        return None
    value = float(dpi)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"dpi must be a positive number, got {dpi!r}")
    return value


def _prepare(path: str | os.PathLike[str]) -> tuple[str, str, bytes]:
    spath = os.fspath(path)
    name = _display_name(spath)
    head = _read_head(spath)
    fmt = sniff_format(head)
    if fmt is None:
        raise ImageError(f"{name}: not a supported image — the content is {_describe_unknown(head)}")
    return spath, fmt, head


def _load_from(
    source: str | IO[bytes],
    spath: str | None,
    fmt: str,
    head: bytes,
    page: int,
    dpi: float | None,
    max_pixels: int,
    raw: bytes | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoadedImage:
    name = _display_name(spath)
    tail: Callable[[], bytes] | None = None
    whole: Callable[[], bytes] | None = None
    if raw is not None:
        tail = lambda: raw  # noqa: E731
    elif isinstance(source, str):
        tail = lambda: _tail(source)  # noqa: E731
        whole = lambda: _read_all(source)  # noqa: E731
    if isinstance(source, _io.BytesIO):
        buffer = source
        whole = buffer.getvalue
    with _open_pil(source, fmt, name) as im:
        count = _page_count(im)
        if page < 0 or page >= count:
            raise ImageError(f"{name}: has {count} page(s); page index {page} does not exist")
        if page:
            try:
                im.seek(page)
            except Exception as exc:
                raise ImageError(f"{name}: cannot read page {page + 1} ({_reason(exc)})") from exc
        _check_pixels(im.size, max_pixels, name, page, count)
        _check_budget(im, fmt, head, max_bytes, name, page, count)
        pixels, bit_depth = _decode_page(im, fmt, head, name, page, count, tail, whole)
        file_dpi = _file_dpi(im)
    return LoadedImage(
        path=spath,
        pixels=pixels,
        dpi=dpi if dpi is not None else file_dpi,
        page_index=page,
        page_count=count,
        bit_depth=bit_depth,
        format=fmt,
    )


def _read_all(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _tail(path: str, n: int = 4096) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - n))
        return fh.read()


def load_image(
    path: str | os.PathLike[str],
    *,
    page: int = 0,
    dpi: float | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoadedImage:
    """Decode one page of a TIFF, JPEG or PNG file.

    The format is sniffed from the content. ``dpi`` overrides the file's resolution.
    Before anything is decoded, the header's size is checked: the shape of a page
    (:data:`MIN_SIDE`, :data:`MAX_ASPECT`), the pixel count against ``max_pixels``
    and the memory the decoded page takes against ``max_bytes``. Raises
    :class:`ImageError` for missing, empty, truncated (including a JPEG cut and
    given its end marker back), non-image, misshapen or over-limit files and for a
    ``page`` the file does not have; ``ValueError`` for a non-positive ``dpi``.
    """
    dpi = _validate_dpi(dpi)
    spath, fmt, head = _prepare(path)
    return _load_from(spath, spath, fmt, head, page, dpi, max_pixels, max_bytes=max_bytes)


def load_image_bytes(
    data: bytes,
    *,
    name: str | None = None,
    page: int = 0,
    dpi: float | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> LoadedImage:
    """Like :func:`load_image` for in-memory data (``path`` of the result is ``name``)."""
    dpi = _validate_dpi(dpi)
    label = _display_name(name)
    if not data:
        raise ImageError(f"{label}: the file is empty (0 bytes)")
    head = bytes(data[:32])
    fmt = sniff_format(head)
    if fmt is None:
        raise ImageError(f"{label}: not a supported image — the content is {_describe_unknown(head)}")
    return _load_from(_io.BytesIO(data), name, fmt, head, page, dpi, max_pixels, raw=bytes(data[-4096:]),
                      max_bytes=max_bytes)


def load_pages(
    path: str | os.PathLike[str],
    *,
    dpi: float | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[LoadedImage]:
    """Yield every page of a file in order (one page for JPEG/PNG).

    Pages are decoded lazily, one at a time, so a 500-page TIFF never sits in memory
    at once; each page is checked against ``max_pixels`` before it is decoded. The
    file is reopened per page so the iterator holds no file handle between pages.
    """
    dpi = _validate_dpi(dpi)
    spath, fmt, head = _prepare(path)
    name = _display_name(spath)
    with _open_pil(spath, fmt, name) as im:
        count = _page_count(im)
    for index in range(count):
        yield _load_from(spath, spath, fmt, head, index, dpi, max_pixels, max_bytes=max_bytes)


def image_info(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Describe an image from its header only (no pixel decoding, no size limit).

    Returns ``{"path", "format", "width", "height", "pages", "dpi", "bit_depth",
    "mode", "file_size", "page_sizes"}``; ``width``/``height`` are those of the first
    page as stored (before any EXIF rotation), ``page_sizes`` lists ``[w, h]`` per
    page. Raises :class:`ImageError` like :func:`load_image` for unusable files.
    """
    spath, fmt, head = _prepare(path)
    name = _display_name(spath)
    with _open_pil(spath, fmt, name) as im:
        width, height = im.size
        count = _page_count(im)
        info: dict[str, Any] = {
            "path": spath,
            "format": fmt,
            "width": int(width),
            "height": int(height),
            "pages": count,
            "dpi": _file_dpi(im),
            "bit_depth": _bit_depth(im, fmt, head),
            "mode": im.mode,
            "file_size": os.path.getsize(spath),
        }
        sizes = [[int(width), int(height)]]
        for index in range(1, count):
            try:
                im.seek(index)
            except Exception as exc:
                raise ImageError(f"{name}: cannot read page {index + 1} ({_reason(exc)})") from exc
            sizes.append([int(im.size[0]), int(im.size[1])])
        info["page_sizes"] = sizes
    return info
