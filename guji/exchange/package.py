"""The exchange package file: a zip with a signed manifest, written and read defensively.

Layout (docs/exchange.md)::

    manifest.json     format, header (signer, sequence, audit chain head…), every member's size and SHA-256
    manifest.sig      Ed25519 signature (64 bytes) of manifest.json's exact bytes
    census.xml        census XML 1.0 of the selected records
    review.json       review rounds and field comments of those records
    images.json       the images the records cite (書影) and their attachments
    restoration.json  the restoration archives of the holding institution
    images/<sha256>.<jpg|png|tif>   every image cited, named by the SHA-256 of its bytes

Reading never trusts the file. Before anything is extracted: the zip's own
directory is read (a truncated or non-zip file is refused), every member name must
be one of the forms above (no absolute path, ``..``, backslash, drive or
directory: zip slip), no name may appear twice, nothing may be encrypted; the
manifest is read under its own small budget and must list exactly the members the
zip holds, with sizes within the budgets (zip bombs are refused by their declared
size before a byte is inflated, and a member that inflates past its declared size
is cut off and refused). The caller then checks the signature with the signer's
registered key, and only then are members extracted — under our own temporary
names, never the member's — each hashed while it streams and compared with the
manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from guji.errors import GujiError
from guji.messages import msg
from imaging.io import DEFAULT_MAX_BYTES

FORMAT = "guji-exchange/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
CENSUS = "census.xml"
REVIEW = "review.json"
IMAGES = "images.json"
RESTORATION = "restoration.json"
DOCUMENTS = (CENSUS, REVIEW, IMAGES, RESTORATION)
_IMAGE_NAME = re.compile(r"images/([0-9a-f]{64})\.(jpg|png|tif)")
_CHUNK = 1 << 20


class PackageRefused(GujiError):
    """The package cannot be taken: damaged, tampered with, hostile, unknown signer, replayed…
    Nothing was written."""


@dataclass(frozen=True)
class Budget:
    """Limits a package must keep before anything is inflated (bytes)."""

    package: int = 64 << 30  # the zip file itself
    manifest: int = 16 << 20
    document: int = 4 << 30  # census.xml and each JSON member, inflated
    image: int = DEFAULT_MAX_BYTES  # one image, as the image store takes it
    total: int = 64 << 30  # every member, inflated
    members: int = 500_000


def is_member_name(name: str) -> bool:
    """Whether ``name`` is one of the member names a package may hold (see the module docstring)."""
    return name in (MANIFEST, SIGNATURE) or name in DOCUMENTS or _IMAGE_NAME.fullmatch(name) is not None


def image_member(sha256: str, ext: str) -> str:
    return f"images/{sha256}.{ext}"


def image_hash(name: str) -> str | None:
    """The SHA-256 an image member is named by (None for other members)."""
    m = _IMAGE_NAME.fullmatch(name)
    return m.group(1) if m else None


def strict_json(data: bytes, name: str) -> Any:
    """JSON from a member: UTF-8, no duplicate keys (a second value would silently win)."""
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in items:
            if k in out:
                raise ValueError(f"duplicate key {k!r}")
            out[k] = v
        return out
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=pairs)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise PackageRefused(msg("exchange.package.bad_json", name=name, reason=str(exc)[:200])) from None


def canonical_json(obj: Any) -> bytes:
    """The bytes a JSON document is written as (sorted keys, UTF-8): hashes and signatures cover these."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


# ---------------------------------------------------------------------- writing


class PackageWriter:
    """Builds a package in a temporary file beside ``target``; :meth:`finish` signs and renames it."""

    def __init__(self, target: str | os.PathLike[str]):
        self.target = Path(target)
        fd, name = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".part", dir=self.target.parent or ".")
        os.close(fd)
        self.tmp = Path(name)
        self.zip = zipfile.ZipFile(self.tmp, "w", allowZip64=True)
        self.members: list[dict[str, Any]] = []

    def add_bytes(self, name: str, data: bytes) -> None:
        self.zip.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                          compress_type=zipfile.ZIP_DEFLATED)
        self.members.append({"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})

    def add_file(self, name: str, path: str | os.PathLike[str], *, compress: bool = True) -> None:
        digest = hashlib.sha256()
        size = 0
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        with open(path, "rb") as src, self.zip.open(info, "w", force_zip64=True) as dst:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                dst.write(chunk)
        self.members.append({"name": name, "size": size, "sha256": digest.hexdigest()})

    def finish(self, header: dict[str, Any], sign: Any) -> str:
        """Write the manifest and its signature (``sign(bytes) -> bytes``), close and move the file into
        place; return the manifest's SHA-256."""
        manifest = canonical_json({"format": FORMAT, "header": header, "members": self.members})
        self.zip.writestr(zipfile.ZipInfo(MANIFEST, date_time=(1980, 1, 1, 0, 0, 0)), manifest,
                          compress_type=zipfile.ZIP_DEFLATED)
        self.zip.writestr(zipfile.ZipInfo(SIGNATURE, date_time=(1980, 1, 1, 0, 0, 0)), sign(manifest))
        self.zip.close()
        with open(self.tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(self.tmp, self.target)
        return hashlib.sha256(manifest).hexdigest()

    def abort(self) -> None:
        try:
            self.zip.close()
        except Exception:  # noqa: BLE001 - the file is removed whatever state the zip is in
            pass
        self.tmp.unlink(missing_ok=True)


# ---------------------------------------------------------------------- reading


@dataclass
class OpenedPackage:
    """A package whose structure and manifest were checked (signature and sums not yet)."""

    path: Path
    zip: zipfile.ZipFile
    manifest_bytes: bytes
    manifest: dict[str, Any]
    signature: bytes
    infos: dict[str, zipfile.ZipInfo]
    declared: dict[str, tuple[int, str]]  # name → (size, sha256)
    extracted: dict[str, Path] = field(default_factory=dict)
    folder: Path | None = None

    @property
    def header(self) -> dict[str, Any]:
        return self.manifest["header"]

    @property
    def manifest_sha256(self) -> str:
        return hashlib.sha256(self.manifest_bytes).hexdigest()

    def images(self) -> list[str]:
        """The image members, in manifest order."""
        return [n for n in self.declared if image_hash(n) is not None]

    def extract(self, budget: Budget) -> None:
        """Inflate every member into a private temporary folder under our own names, hashing as it
        streams: a member whose bytes differ from the manifest, or that inflates past its declared
        size, is refused (and the folder removed)."""
        self.folder = Path(tempfile.mkdtemp(prefix="guji-exchange-"))
        try:
            for i, (name, (size, sha)) in enumerate(self.declared.items()):
                out = self.folder / f"m{i:06d}"
                self.extracted[name] = out
                _inflate(self.zip, self.infos[name], out, size, sha)
        except BaseException:
            self.close()
            raise

    def read(self, name: str) -> bytes | None:
        p = self.extracted.get(name)
        return None if p is None else p.read_bytes()

    def open_member(self, name: str) -> IO[bytes]:
        return open(self.extracted[name], "rb")

    def close(self) -> None:
        self.zip.close()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
            self.extracted = {}


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, out: Path, size: int, sha: str) -> None:
    digest = hashlib.sha256()
    seen = 0
    try:
        with zf.open(info) as src, open(out, "wb") as dst:
            while True:
                chunk = src.read(min(_CHUNK, size - seen + 1))
                if not chunk:
                    break
                seen += len(chunk)
                if seen > size:
                    raise PackageRefused(msg("exchange.package.size_mismatch", name=info.filename,
                                             declared=size, actual=f"> {size}"))
                digest.update(chunk)
                dst.write(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise PackageRefused(msg("exchange.package.damaged", name=info.filename, reason=str(exc)[:200])) from None
    except Exception as exc:  # zlib.error and the like: a damaged deflate stream
        if isinstance(exc, PackageRefused):
            raise
        raise PackageRefused(msg("exchange.package.damaged", name=info.filename, reason=str(exc)[:200])) from None
    if seen != size:
        raise PackageRefused(msg("exchange.package.size_mismatch", name=info.filename, declared=size, actual=seen))
    if digest.hexdigest() != sha:
        raise PackageRefused(msg("exchange.package.sum_mismatch", name=info.filename))


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.file_size > limit:
        raise PackageRefused(msg("exchange.package.over_budget", name=info.filename, size=info.file_size,
                                 limit=limit))
    try:
        with zf.open(info) as fh:
            data = fh.read(limit + 1)
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise PackageRefused(msg("exchange.package.damaged", name=info.filename, reason=str(exc)[:200])) from None
    except Exception as exc:  # noqa: BLE001 - zlib.error: a damaged deflate stream
        raise PackageRefused(msg("exchange.package.damaged", name=info.filename, reason=str(exc)[:200])) from None
    if len(data) > limit:
        raise PackageRefused(msg("exchange.package.over_budget", name=info.filename, size=f"> {limit}",
                                 limit=limit))
    return data


def _bad_manifest(reason: str) -> PackageRefused:
    return PackageRefused(msg("exchange.package.bad_manifest", reason=reason))


def _check_manifest(manifest: Any) -> dict[str, tuple[int, str]]:
    """The members the manifest declares, after checking its shape."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _bad_manifest(f"format is not {FORMAT}")
    header = manifest.get("header")
    if not isinstance(header, dict):
        raise _bad_manifest("no header")
    for key, kind in (("institution", str), ("sequence", int), ("signer_fingerprint", str), ("created_at", str),
                      ("holder", str)):
        value = header.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise _bad_manifest(f"header.{key} missing or of the wrong type")
    if header["sequence"] < 1:
        raise _bad_manifest("header.sequence must be 1 or more")
    members = manifest.get("members")
    if not isinstance(members, list):
        raise _bad_manifest("no member list")
    declared: dict[str, tuple[int, str]] = {}
    for m in members:
        if not isinstance(m, dict):
            raise _bad_manifest("a member entry is not an object")
        name, size, sha = m.get("name"), m.get("size"), m.get("sha256")
        if not isinstance(name, str) or not is_member_name(name) or name in (MANIFEST, SIGNATURE):
            raise PackageRefused(msg("exchange.package.bad_name", name=str(name)[:200]))
        if name in declared:
            raise PackageRefused(msg("exchange.package.duplicate", name=name))
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise _bad_manifest(f"size of {name}")
        if not isinstance(sha, str) or re.fullmatch(r"[0-9a-f]{64}", sha) is None:
            raise _bad_manifest(f"sha256 of {name}")
        declared[name] = (size, sha)
    if CENSUS not in declared:
        raise PackageRefused(msg("exchange.package.missing_member", name=CENSUS))
    return declared


def open_package(path: str | os.PathLike[str], budget: Budget = Budget()) -> OpenedPackage:
    """Open ``path`` and check everything that needs no key (see the module docstring)."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise PackageRefused(msg("exchange.package.unreadable", path=p, reason=exc.strerror or exc)) from None
    if size > budget.package:
        raise PackageRefused(msg("exchange.package.too_big", path=p, size=size, limit=budget.package))
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile) and exc.errno is not None:
            raise PackageRefused(msg("exchange.package.unreadable", path=p, reason=exc.strerror or exc)) from None
        raise PackageRefused(msg("exchange.package.not_zip", path=p)) from None
    try:
        infos: dict[str, zipfile.ZipInfo] = {}
        entries = zf.infolist()
        if len(entries) > budget.members + 2:
            raise PackageRefused(msg("exchange.package.over_budget", name=p.name, size=len(entries),
                                     limit=budget.members))
        for info in entries:
            name = info.filename
            # Zip slip: only the fixed names are allowed, so no name can reach outside (and members are
            # extracted under our own names anyway).
            if not is_member_name(name) or info.is_dir():
                raise PackageRefused(msg("exchange.package.bad_name", name=name[:200]))
            if name in infos:
                raise PackageRefused(msg("exchange.package.duplicate", name=name))
            if info.flag_bits & 0x1:
                raise PackageRefused(msg("exchange.package.encrypted", name=name))
            infos[name] = info
        for required in (MANIFEST, SIGNATURE):
            if required not in infos:
                raise PackageRefused(msg("exchange.package.missing_member", name=required))
        manifest_bytes = _read_small(zf, infos[MANIFEST], budget.manifest)
        signature = _read_small(zf, infos[SIGNATURE], 1024)
        manifest = strict_json(manifest_bytes, MANIFEST)
        declared = _check_manifest(manifest)
        total = 0
        for name, (dsize, _sha) in declared.items():
            if name not in infos:
                raise PackageRefused(msg("exchange.package.missing_member", name=name))
            limit = budget.image if image_hash(name) is not None else budget.document
            if dsize > limit:
                raise PackageRefused(msg("exchange.package.over_budget", name=name, size=dsize, limit=limit))
            if infos[name].file_size != dsize:
                raise PackageRefused(msg("exchange.package.size_mismatch", name=name, declared=dsize,
                                         actual=infos[name].file_size))
            total += dsize
        if total > budget.total:
            raise PackageRefused(msg("exchange.package.over_budget", name=p.name, size=total, limit=budget.total))
        for name in infos:
            if name not in declared and name not in (MANIFEST, SIGNATURE):
                raise PackageRefused(msg("exchange.package.unlisted", name=name))
        return OpenedPackage(p, zf, manifest_bytes, manifest, signature, infos, declared)
    except BaseException:
        zf.close()
        raise


@contextmanager
def opened(path: str | os.PathLike[str], budget: Budget = Budget()) -> Iterator[OpenedPackage]:
    pkg = open_package(path, budget)
    try:
        yield pkg
    finally:
        pkg.close()
