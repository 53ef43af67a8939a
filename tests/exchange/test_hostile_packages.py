"""Damaged, tampered and hostile packages: each is refused with a clear message before anything is
written (no row, no audit entry, no file in the image store), on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import time
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest

from guji.errors import GujiError
from guji.exchange import keys
from guji.exchange.package import Budget
from guji.exchange.service import ExchangeService
from tests.exchange.conftest import counts, export, page, rebuild, register_unit_key, store_files


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _flip(data: bytes) -> bytes:
    """Same length, one character changed."""
    i = data.index(b'"')
    return data[:i] + b"'" + data[i + 1:]


def cases(src: Path, tmp: Path, unit: dict[str, Any]) -> dict[str, tuple[Path, str, Budget]]:
    """name → (package, expected message key, budget)."""
    key = unit["key"].path
    members = _members(src)
    image = next(n for n in members if n.startswith("images/"))
    other_png = page(tmp / "other.png", 99).read_bytes()
    stranger = keys.generate(tmp / "stranger.pem")
    out: dict[str, tuple[Path, str, Budget]] = {}

    def add(name: str, path: Path, key_: str, budget: Budget = Budget()) -> None:
        out[name] = (path, key_, budget)

    add("member_changed", rebuild(src, tmp / "a.zip", members={"review.json": _flip(members["review.json"])},
                                  resum=False), "exchange.package.sum_mismatch")
    add("member_grown", rebuild(src, tmp / "b.zip", members={"census.xml": members["census.xml"] + b" "},
                                resum=False), "exchange.package.size_mismatch")
    add("member_removed", rebuild(src, tmp / "c.zip", members={"review.json": None}, resum=False,
                                  manifest_members=json.loads(members["manifest.json"])["members"]),
        "exchange.package.missing_member")
    add("manifest_changed", rebuild(src, tmp / "d.zip", header={"sequence": 7}), "exchange.package.bad_signature")
    raw = src.read_bytes()
    (tmp / "e.zip").write_bytes(raw[: len(raw) // 2])
    add("truncated", tmp / "e.zip", "exchange.package.not_zip")
    add("unknown_key", rebuild(src, tmp / "f.zip", header={"signer_fingerprint": stranger.fingerprint},
                               key_path=stranger.path), "exchange.package.unknown_key")
    add("signed_by_another_key", rebuild(src, tmp / "g.zip", key_path=stranger.path),
        "exchange.package.bad_signature")
    add("zip_slip_dotdot", rebuild(src, tmp / "h.zip", extra=[("../../evil.txt", b"x")]),
        "exchange.package.bad_name")
    add("zip_slip_absolute", rebuild(src, tmp / "i.zip", extra=[("/tmp/evil.txt", b"x")]),
        "exchange.package.bad_name")
    add("zip_slip_in_images", rebuild(src, tmp / "j.zip", extra=[("images/../../evil.png", b"x")]),
        "exchange.package.bad_name")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it is told to write
        add("duplicate_name", rebuild(src, tmp / "k.zip", extra=[("review.json", members["review.json"])]),
            "exchange.package.duplicate")
    add("unlisted_member", rebuild(src, tmp / "l.zip", extra=[(f"images/{'0' * 64}.png", other_png)]),
        "exchange.package.unlisted")
    add("over_the_document_budget", src, "exchange.package.over_budget", Budget(document=1000))
    add("over_the_image_budget", src, "exchange.package.over_budget", Budget(image=1000))
    # A bomb: 64 MiB of zeros deflate to some 64 KiB; the manifest must declare its true size, which
    # the budget refuses before a byte is inflated.
    bomb = b"\0" * (64 << 20)
    add("zip_bomb", rebuild(src, tmp / "m.zip", members={"review.json": bomb}, key_path=key),
        "exchange.package.over_budget", Budget(document=16 << 20))
    doctype = members["census.xml"].replace(
        b"<censusExchange", b'<!DOCTYPE censusExchange [<!ENTITY x SYSTEM "file:///etc/passwd">]><censusExchange', 1)
    add("xml_doctype", rebuild(src, tmp / "n.zip", members={"census.xml": doctype}, key_path=key), "doctype")
    add("image_not_its_hash", rebuild(src, tmp / "o.zip", members={image: other_png}, key_path=key),
        "exchange.package.image_hash")
    add("foreign_record", rebuild(src, tmp / "p.zip", members={
        "census.xml": members["census.xml"].replace(b"210000", b"220000")},
        key_path=key), "exchange.package.foreign_record")
    return out


def test_hostile_packages_are_refused_and_nothing_is_written(unit: dict[str, Any], centre: dict[str, Any],
                                                            tmp_path: Path) -> None:
    register_unit_key(centre, unit)
    src = export(unit, tmp_path / "good.zip").path
    admin = centre["admin"]
    svc = ExchangeService(admin)
    before, files = counts(admin), store_files(admin)
    for name, (path, key, budget) in cases(Path(src), tmp_path, unit).items():
        started = time.monotonic()
        with pytest.raises(GujiError, match=r".") as err:
            svc.import_package(path, budget=budget)
        if key == "doctype":
            assert "DOCTYPE" in str(err.value), name
        else:
            assert err.value.key == key, (name, err.value.key, str(err.value))
        assert "root:" not in str(err.value), name  # nothing of /etc/passwd leaks
        assert counts(admin) == before, name
        assert store_files(admin) == files, name
        assert time.monotonic() - started < 10, name
    # The genuine package still goes in afterwards.
    rep = svc.import_package(src)
    assert len(rep.census.new) == 2


def test_a_member_inflating_past_its_declared_size_is_cut_off(tmp_path: Path) -> None:
    """A zip whose directory understates a member's size: reading stops at the declared size + 1."""
    from guji.exchange.package import PackageRefused, _inflate

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("census.xml", b"\0" * (1 << 20))
    zf = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    info = zf.getinfo("census.xml")
    info.file_size = 100  # what a lying directory says
    with pytest.raises(PackageRefused) as err:
        _inflate(zf, info, tmp_path / "out", 100, "0" * 64)
    assert err.value.key in ("exchange.package.size_mismatch", "exchange.package.damaged")
    assert (tmp_path / "out").stat().st_size <= 100
