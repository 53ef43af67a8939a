"""Tests for imaging.store: content addressing, idempotence, refusal without side effects."""

from __future__ import annotations

import hashlib
import os
import stat
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from imaging.io import ImageError
from imaging.store import ImageStore, StoredImage
from tests.conftest import SCANS

BOOK1 = SCANS / "book1" / "1.png"
BOOK6 = SCANS / "book6" / "v01_023.jpg"


def _tree(root: Path) -> dict[str, bytes]:
    """Every file and folder under root with its content (folders map to b'')."""
    out: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            out[os.path.relpath(os.path.join(dirpath, d), root) + "/"] = b""
        for f in filenames:
            p = os.path.join(dirpath, f)
            out[os.path.relpath(p, root)] = Path(p).read_bytes()
    return out


@pytest.fixture()
def store(tmp_path: Path) -> ImageStore:
    return ImageStore(tmp_path / "store")


@pytest.fixture()
def page_png(tmp_path: Path) -> Path:
    p = tmp_path / "src" / "page.png"
    p.parent.mkdir()
    rng = np.random.default_rng(1)
    Image.fromarray(rng.integers(0, 255, (60, 40, 3), dtype=np.uint8)).save(p, dpi=(300, 300))
    return p


def test_add_names_by_sha256_sharded(store: ImageStore, page_png: Path) -> None:
    before = page_png.read_bytes()
    mtime = page_png.stat().st_mtime_ns
    entry = store.add(page_png)
    sha = hashlib.sha256(before).hexdigest()
    assert isinstance(entry, StoredImage)
    assert entry.sha256 == sha
    assert entry.relpath == f"{sha[:2]}/{sha[2:4]}/{sha}.png"
    assert entry.size == len(before) and entry.created
    assert (entry.width, entry.height, entry.pages, entry.dpi) == (40, 60, 1, 300.0)
    assert entry.original_name == "page.png"
    stored = store.path(sha)
    assert stored == store.root / entry.relpath
    assert stored.read_bytes() == before
    # the original is untouched, the copy is read-only
    assert page_png.read_bytes() == before and page_png.stat().st_mtime_ns == mtime
    assert stored.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) == 0
    with store.open(sha) as fh:
        assert fh.read() == before
    assert store.load(sha).pixels.shape == (60, 40, 3)
    assert sha in store and list(store) == [sha]
    assert store.verify(sha)
    # no temp files left behind
    assert not [p for p in store.root.iterdir() if p.name.startswith(".")]


def test_add_is_idempotent(store: ImageStore, page_png: Path, tmp_path: Path) -> None:
    first = store.add(page_png)
    snapshot = _tree(store.root)
    copy = tmp_path / "renamed.tif"  # same bytes, other name and misleading extension
    copy.write_bytes(page_png.read_bytes())
    second = store.add(copy)
    third = store.add(page_png.read_bytes(), name="from-bytes")
    assert second.sha256 == first.sha256 == third.sha256
    assert second.relpath == first.relpath
    assert not second.created and not third.created
    assert _tree(store.root) == snapshot


def test_extension_follows_content(store: ImageStore, tmp_path: Path) -> None:
    p = tmp_path / "looks_like.png"
    Image.new("RGB", (32, 32), "red").save(p, format="JPEG")
    assert store.add(p).relpath.endswith(".jpg")


def test_real_scans(store: ImageStore) -> None:
    a = store.add(BOOK1)
    b = store.add(BOOK6)
    assert a.dpi == 300.0 and a.format == "PNG"
    assert b.format == "JPEG" and b.dpi is None
    assert sorted(store) == sorted([a.sha256, b.sha256])
    assert store.verify_all() == []


def test_verify_detects_bit_rot(store: ImageStore, page_png: Path) -> None:
    entry = store.add(page_png)
    path = store.path(entry.sha256)
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[-20] ^= 0xFF
    path.write_bytes(bytes(data))
    assert store.verify(entry.sha256) is False
    assert store.verify_all() == [entry.sha256]
    # re-adding the good original repairs the damaged copy
    again = store.add(page_png)
    assert again.created
    assert store.verify(entry.sha256)


def test_unknown_and_malformed_sha(store: ImageStore) -> None:
    with pytest.raises(KeyError):
        store.path("0" * 64)
    with pytest.raises(KeyError):
        store.path("../../etc/passwd")
    with pytest.raises(KeyError):
        store.verify("ab" * 32)
    assert "0" * 64 not in store


# --------------------------------------------------------------------------- refusals


def _bomb_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def _bad_files(tmp: Path, good: Path) -> dict[str, tuple[Path, str]]:
    data = good.read_bytes()
    files = {
        "empty": (b"", "empty"),
        "text": (b"just a note, not a scan\n", "not a supported image"),
        "truncated_png": (data[: len(data) // 2], "truncated"),
        "bomb": (_bomb_png(), "exceeds the limit"),
    }
    out = {}
    for key, (content, needle) in files.items():
        p = tmp / f"{key}.png"
        p.write_bytes(content)
        out[key] = (p, needle)
    jpg = tmp / "truncated.jpg"
    buf = tmp / "full.jpg"
    Image.fromarray(np.random.default_rng(2).integers(0, 255, (200, 200, 3), dtype=np.uint8)).save(buf, quality=90)
    jpg.write_bytes(buf.read_bytes()[: buf.stat().st_size // 2])
    out["truncated_jpeg"] = (jpg, "truncated")
    return out


@pytest.mark.parametrize("kind", ["empty", "text", "truncated_png", "bomb", "truncated_jpeg"])
def test_refused_file_leaves_store_unchanged(store: ImageStore, page_png: Path, tmp_path: Path, kind: str) -> None:
    store.add(page_png)
    snapshot = _tree(store.root)
    bad, needle = _bad_files(tmp_path, page_png)[kind]
    with pytest.raises(ImageError) as info:
        store.add(bad)
    assert needle in str(info.value)
    assert bad.name in str(info.value)  # the user's file is named, not the temp file
    assert _tree(store.root) == snapshot
    with pytest.raises(ImageError):
        store.add(bad.read_bytes(), name=bad.name)
    assert _tree(store.root) == snapshot


def test_refused_into_empty_store(tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "s")
    bad = tmp_path / "x.png"
    bad.write_text("hello")
    with pytest.raises(ImageError):
        store.add(bad)
    assert list((tmp_path / "s").iterdir()) == []


def test_missing_source(store: ImageStore, tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="not found"):
        store.add(tmp_path / "nowhere.tif")
    assert list(store.root.iterdir()) == []


def test_truncated_second_tiff_page_refused_only_with_validation(tmp_path: Path) -> None:
    p = tmp_path / "multi.tif"
    rng = np.random.default_rng(3)
    pages = [Image.fromarray(rng.integers(0, 255, (300, 300), dtype=np.uint8)) for _ in range(2)]
    pages[0].save(p, save_all=True, append_images=pages[1:])
    data = p.read_bytes()
    # Cut into the second page's pixel data: the header (both IFDs) still parses.
    cut = tmp_path / "cut.tif"
    cut.write_bytes(data[: len(data) - 200 * 300])
    strict = ImageStore(tmp_path / "strict")
    with pytest.raises(ImageError, match="page 2 of 2"):
        strict.add(cut)
    assert list(strict.root.iterdir()) == []
    # header-only validation is a documented trade-off: it accepts the file
    lax = ImageStore(tmp_path / "lax", validate=False)
    assert lax.add(cut).pages == 2


# --------------------------------------------------------------------------- modes, paths, a store gone


def test_store_files_and_folders_are_the_owners_alone_whatever_the_umask(tmp_path: Path, page_png: Path) -> None:
    old = os.umask(0)
    try:
        store = ImageStore(tmp_path / "deep" / "store")
        entry = store.add(page_png)
    finally:
        os.umask(old)
    f = store.root / entry.relpath
    assert stat.S_IMODE(f.stat().st_mode) == 0o400
    for d in (store.root, f.parent, f.parent.parent, tmp_path / "deep"):
        assert stat.S_IMODE(d.stat().st_mode) == 0o700, d


@pytest.mark.parametrize("relpath", [
    "../../etc/passwd", "/etc/passwd", "ab/cd/../../x.png", "00/00/" + "0" * 64 + ".exe",
    "ab/cd/" + "0" * 64 + ".png",  # the folders do not match the hash
    "00/00/" + "0" * 63 + ".png", "00/00/" + "0" * 64 + ".png/../../../etc/passwd", "",
])
def test_paths_from_elsewhere_must_be_store_paths(store: ImageStore, relpath: str) -> None:
    from imaging.store import BadStorePath, check_relpath

    with pytest.raises(BadStorePath, match="not a path of the image store"):
        check_relpath(relpath)
    with pytest.raises(BadStorePath):
        store.file(relpath)
    good = "00/00/" + "0" * 64 + ".png"
    assert store.file(good) == store.root / good


def test_a_store_that_went_away_is_not_made_again(tmp_path: Path, page_png: Path) -> None:
    import shutil

    from imaging.store import StoreMissing

    store = ImageStore(tmp_path / "s")
    entry = store.add(page_png)
    shutil.rmtree(tmp_path / "s", onerror=lambda f, p, e: (os.chmod(os.path.dirname(p), 0o700), f(p)))
    assert not (tmp_path / "s").exists()
    with pytest.raises(StoreMissing):
        ImageStore(tmp_path / "s", create=False)
    with pytest.raises(StoreMissing):
        store.add(page_png)
    with pytest.raises(StoreMissing):
        store.file(entry.relpath)
    assert not (tmp_path / "s").exists()


def test_put_copy_checks_the_hash_and_skips_a_good_copy(tmp_path: Path, page_png: Path) -> None:
    store = ImageStore(tmp_path / "s")
    sha = hashlib.sha256(page_png.read_bytes()).hexdigest()
    rel = f"{sha[:2]}/{sha[2:4]}/{sha}.png"
    assert store.put_copy(page_png, rel) is True
    assert (store.root / rel).read_bytes() == page_png.read_bytes()
    assert stat.S_IMODE((store.root / rel).stat().st_mode) == 0o400
    assert store.put_copy(page_png, rel) is False  # already there with the right content
    wrong = tmp_path / "wrong.png"
    wrong.write_bytes(page_png.read_bytes() + b"x")
    other = "ab/cd/abcd" + "0" * 60 + ".png"
    before = _tree(store.root)
    with pytest.raises(ValueError, match="does not match its name"):
        store.put_copy(wrong, other)
    assert _tree(store.root) == {**before, "ab/": b"", "ab/cd/": b""}


def test_cut_jpeg_with_end_marker_glued_back_is_not_a_master(store: ImageStore, tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    whole = tmp_path / "whole.jpg"
    Image.fromarray(rng.normal(200, 25, (800, 600, 3)).clip(0, 255).astype(np.uint8)).save(whole, quality=90)
    data = whole.read_bytes()
    glued = tmp_path / "glued.jpg"
    glued.write_bytes(data[: len(data) // 2] + b"\xff\xd9")
    snapshot = _tree(store.root)
    with pytest.raises(ImageError, match="ends early") as info:
        store.add(glued)
    assert "glued.jpg" in str(info.value)
    assert _tree(store.root) == snapshot
    assert store.add(whole).format == "JPEG"


@pytest.mark.parametrize("size", [(1, 1), (30000, 10)])
def test_images_that_are_not_pages_are_not_masters(store: ImageStore, tmp_path: Path, size: tuple[int, int]) -> None:
    p = tmp_path / "odd.png"
    Image.new("L", size, 200).save(p)
    snapshot = _tree(store.root)
    with pytest.raises(ImageError, match=r"too small|not the shape"):
        store.add(p)
    assert _tree(store.root) == snapshot
