"""Content-addressed store for master scans.

Every original scan a centre keeps is stored once, under the SHA-256 of its bytes:

    <root>/ab/cd/abcd…(64 hex).tif

Why content addressing: the same page re-imported from a different folder or under
another name is recognised and not duplicated, a record can cite an image by a
fingerprint that proves it has not changed, and :meth:`ImageStore.verify` can detect
bit rot by re-hashing.

Guarantees:

* the caller's original is only ever read (the store keeps its own copy);
* a file appears in the store only complete and only after it has been validated as
  a decodable image (written to a temporary file in the store root, checked, then
  moved into place with :func:`os.replace`, which is atomic on one filesystem);
* a refused file leaves the store directory exactly as it was;
* stored files are made read-only for their owner alone (0400) and the store's
  folders are the owner's alone (0700), whatever the process umask: masters are
  the centre's evidence, not for other accounts on the machine to read or change;
* adding the same content twice returns the same entry and writes nothing new;
* a path read from elsewhere (a database row) is accepted only in the store's own
  form ``ab/cd/<64 hex>.<ext>`` (:func:`check_relpath`), so a row holding
  ``../../etc/passwd`` reads nothing;
* a store folder that went away (deleted, unmounted) is reported as
  :class:`StoreMissing`, never silently created again empty.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from imaging.io import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PIXELS,
    FORMAT_EXTENSIONS,
    ImageError,
    LoadedImage,
    image_info,
    load_image,
    load_pages,
)

__all__ = ["BadStorePath", "ImageStore", "StoreMissing", "StoredImage", "check_relpath", "hash_file",
           "validate_image"]

_CHUNK = 1 << 20
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_RELPATH_RE = re.compile(r"^([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})\.(jpg|png|tif)$")
_TMP_PREFIX = ".incoming-"
FILE_MODE = stat.S_IRUSR  # 0400: read-only, owner only
DIR_MODE = stat.S_IRWXU  # 0700


class StoreMissing(OSError):
    """The store's root folder does not exist (deleted, or a share not mounted)."""


class BadStorePath(ValueError):
    """A store-relative path that is not ``ab/cd/<sha256>.<ext>`` of this store."""


def check_relpath(relpath: str) -> str:
    """``relpath`` if it has the store's form ``ab/cd/<64 hex>.<jpg|png|tif>`` with ``ab``/``cd``
    the first hex digits of the hash; :class:`BadStorePath` otherwise (nothing is read).

    Store paths come back from the database; checking their form, not just joining
    them to the root, keeps a tampered row (``../../etc/passwd``, an absolute path)
    from reaching any file outside the store."""
    m = _RELPATH_RE.match(str(relpath))
    if m is None or m.group(3)[:2] != m.group(1) or m.group(3)[2:4] != m.group(2):
        raise BadStorePath(f"{relpath!r} is not a path of the image store (ab/cd/<sha256>.jpg|png|tif)")
    return m.group(0)


def validate_image(path: str | os.PathLike[str], label: str | None = None, *, validate: bool = True,
                   max_pixels: int = DEFAULT_MAX_PIXELS, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """Check a file the way :meth:`ImageStore.add` does before accepting it, without copying it;
    return its :func:`~imaging.io.image_info`. ImageError (naming ``label``) when refused."""
    path = Path(os.fspath(path))
    label = label or path.name
    try:
        info = image_info(path)
        if validate:
            for _ in load_pages(path, max_pixels=max_pixels, max_bytes=max_bytes):
                pass  # decode each page once, one at a time, then drop it
        else:
            for w, h in info["page_sizes"]:
                if w * h > max_pixels:
                    load_image(path, max_pixels=max_pixels)  # raises the standard message
    except ImageError as exc:
        # Messages from io name the file they read (a temporary one in the store); name the user's.
        raise ImageError(str(exc).replace(path.name, label)) from exc
    return info


def hash_file(path: str | os.PathLike[str]) -> str:
    """SHA-256 (hex) of a file's content, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def make_private_dirs(folder: Path, top: Path) -> None:
    """Create ``folder`` and any missing parents up to ``top`` with mode 0700 (set explicitly,
    so the umask does not widen it)."""
    missing = []
    cur = folder
    while not cur.exists() and cur != top and cur != cur.parent:
        missing.append(cur)
        cur = cur.parent
    for d in reversed(missing):
        try:
            d.mkdir()
        except FileExistsError:
            continue
        os.chmod(d, DIR_MODE)


@dataclass(frozen=True)
class StoredImage:
    """One stored master file.

    ``relpath`` is relative to the store root with forward slashes (portable across
    machines, suitable for a database column). ``created`` is False when the content
    was already in the store.
    """

    sha256: str
    relpath: str
    size: int
    format: str
    width: int
    height: int
    pages: int
    dpi: float | None
    bit_depth: int
    original_name: str | None = None
    created: bool = True


class ImageStore:
    """A directory of images named by the SHA-256 of their content.

    ``validate`` decodes every page of an added file before accepting it (so a
    truncated TIFF page is refused at import time, not discovered years later);
    with ``validate=False`` only the header is checked. ``max_pixels`` and
    ``max_bytes`` are the decompression-bomb limits passed to :mod:`imaging.io`.
    With ``create=False`` a missing root raises :class:`StoreMissing` instead of
    being made (the database's store must not quietly start again empty).
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        validate: bool = True,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        max_bytes: int = DEFAULT_MAX_BYTES,
        create: bool = True,
    ) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            if not create:
                raise StoreMissing(f"the image store folder {self.root} does not exist")
            make_private_dirs(self.root, Path(self.root.anchor))
        self.validate = validate
        self.max_pixels = max_pixels
        self.max_bytes = max_bytes

    # ------------------------------------------------------------------ naming

    @staticmethod
    def _check_sha(sha: str) -> str:
        sha = str(sha).lower()
        if not _SHA_RE.match(sha):
            # also stops path traversal through a crafted "sha"
            raise KeyError(f"not a SHA-256 hex digest: {sha!r}")
        return sha

    def _dir_for(self, sha: str) -> Path:
        return self.root / sha[:2] / sha[2:4]

    def _find(self, sha: str) -> Path | None:
        folder = self._dir_for(sha)
        for ext in FORMAT_EXTENSIONS.values():
            candidate = folder / (sha + ext)
            if candidate.exists():
                return candidate
        return None

    # ------------------------------------------------------------------ adding

    def add(self, source: str | os.PathLike[str] | bytes, *, name: str | None = None) -> StoredImage:
        """Copy an image file (or bytes) into the store and return its entry.

        The content is hashed while it is copied to a temporary file inside the store
        root, then validated with :mod:`imaging.io`; only a valid image is moved into
        its final place. Raises :class:`~imaging.io.ImageError` (nothing written) for
        a missing, empty, truncated, non-image or over-limit file.
        """
        if isinstance(source, (bytes, bytearray, memoryview)):
            label = name or "<image data>"
            data = bytes(source)
            if not data:
                raise ImageError(f"{label}: the file is empty (0 bytes)")
        else:
            src = Path(os.fspath(source))
            label = name or src.name
            data = None
            if not src.exists():
                raise ImageError(f"{src.name}: file not found ({src})")
            if src.is_dir():
                raise ImageError(f"{src.name}: is a folder, not an image file")
            if src.stat().st_size == 0:
                raise ImageError(f"{src.name}: the file is empty (0 bytes)")

        if not self.root.is_dir():
            raise StoreMissing(f"the image store folder {self.root} does not exist")
        fd, tmp_name = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=self.root)
        tmp = Path(tmp_name)
        try:
            digest = hashlib.sha256()
            size = 0
            with os.fdopen(fd, "wb") as out:
                if data is not None:
                    digest.update(data)
                    out.write(data)
                    size = len(data)
                else:
                    try:
                        with open(src, "rb") as fh:
                            while chunk := fh.read(_CHUNK):
                                digest.update(chunk)
                                out.write(chunk)
                                size += len(chunk)
                    except OSError as exc:
                        raise ImageError(f"{label}: cannot read the file ({exc.strerror or exc})") from exc
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            info = self._validate(tmp, label)

            existing = self._find(sha)
            if existing is not None and self._hash_file(existing) == sha:
                tmp.unlink()
                return self._entry(sha, existing, size, info, name or label, created=False)

            folder = self._dir_for(sha)
            make_private_dirs(folder, self.root)
            dest = folder / (sha + FORMAT_EXTENSIONS[info["format"]])
            os.chmod(tmp, FILE_MODE)
            if existing is not None:
                # A damaged copy found by the hash check above: repair it with the good bytes.
                _make_writable(existing)
            os.replace(tmp, dest)
            _fsync_dir(folder)
            return self._entry(sha, dest, size, info, name or label, created=True)
        except BaseException:
            # Covers ImageError, OSError and KeyboardInterrupt alike: never leave a temp file.
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass
            raise

    def _validate(self, path: Path, label: str) -> dict[str, Any]:
        return validate_image(path, label, validate=self.validate, max_pixels=self.max_pixels,
                              max_bytes=self.max_bytes)

    def _entry(self, sha: str, path: Path, size: int, info: dict[str, Any], name: str | None, *,
               created: bool) -> StoredImage:
        return StoredImage(
            sha256=sha,
            relpath=path.relative_to(self.root).as_posix(),
            size=size,
            format=info["format"],
            width=info["width"],
            height=info["height"],
            pages=info["pages"],
            dpi=info["dpi"],
            bit_depth=info["bit_depth"],
            original_name=name,
            created=created,
        )

    # ------------------------------------------------------------------ reading

    def path(self, sha: str) -> Path:
        """Absolute path of the stored file; ``KeyError`` if the store does not have it."""
        sha = self._check_sha(sha)
        found = self._find(sha)
        if found is None:
            raise KeyError(f"image {sha} is not in the store at {self.root}")
        return found

    def open(self, sha: str) -> IO[bytes]:
        """Open the stored file for binary reading (the caller closes it)."""
        return open(self.path(sha), "rb")

    def load(self, sha: str, *, page: int = 0, dpi: float | None = None) -> LoadedImage:
        """Decode a stored image with :func:`imaging.io.load_image`."""
        return load_image(self.path(sha), page=page, dpi=dpi, max_pixels=self.max_pixels, max_bytes=self.max_bytes)

    def file(self, relpath: str) -> Path:
        """Absolute path of a store-relative path read from elsewhere (a database row), after
        :func:`check_relpath`; :class:`BadStorePath` for any other form, :class:`StoreMissing`
        when the store's folder is gone. The file itself may be missing: the caller checks."""
        rel = check_relpath(relpath)
        if not self.root.is_dir():
            raise StoreMissing(f"the image store folder {self.root} does not exist")
        return self.root / rel

    def put_copy(self, source: str | os.PathLike[str], relpath: str) -> bool:
        """Copy a file known by its hash (from a backup) to ``relpath`` in the store.

        The bytes are hashed while they are copied to a temporary file in the store;
        only if they match the hash in ``relpath`` is the copy moved into place (mode
        0400). A file already there with the right content is left alone. Returns
        True when a file was written. Raises :class:`BadStorePath` for a malformed
        path, :class:`ValueError` when the content does not match its name, and
        ``OSError`` for read/write errors (the temporary file is removed).
        """
        rel = check_relpath(relpath)
        sha = rel.rsplit("/", 1)[1].split(".", 1)[0]
        dest = self.root / rel
        if dest.is_file() and hash_file(dest) == sha:
            return False
        if not self.root.is_dir():
            raise StoreMissing(f"the image store folder {self.root} does not exist")
        make_private_dirs(dest.parent, self.root)
        fd, tmp_name = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=dest.parent)
        tmp = Path(tmp_name)
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as out, open(source, "rb") as fh:
                while chunk := fh.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != sha:
                raise ValueError(f"{os.fspath(source)}: its content does not match its name (SHA-256 differs)")
            os.chmod(tmp, FILE_MODE)
            if dest.exists():
                _make_writable(dest)
            os.replace(tmp, dest)
            _fsync_dir(dest.parent)
            return True
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def __contains__(self, sha: object) -> bool:
        try:
            return isinstance(sha, str) and self._find(self._check_sha(sha)) is not None
        except KeyError:
            return False

    def __iter__(self) -> Iterator[str]:
        """SHA-256 of every stored file (temporary files excluded)."""
        for path in sorted(self.root.glob("??/??/*")):
            stem = path.name.split(".", 1)[0]
            if _SHA_RE.match(stem):
                yield stem

    # ------------------------------------------------------------------ integrity

    @staticmethod
    def _hash_file(path: Path) -> str:
        return hash_file(path)

    def verify(self, sha: str) -> bool:
        """Re-hash the stored file: True if its bytes still match its name.

        ``KeyError`` if the file is missing (a missing master is a different alarm
        from a changed one).
        """
        path = self.path(sha)
        return self._hash_file(path) == path.name.split(".", 1)[0]

    def verify_all(self) -> list[str]:
        """SHA-256 of every stored file whose content no longer matches (empty list = all good)."""
        return [sha for sha in self if not self.verify(sha)]


def _make_writable(path: Path) -> None:
    try:
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    except OSError:
        pass


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable (POSIX); directories cannot be opened on Windows."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
