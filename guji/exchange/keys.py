"""Institution key pairs (Ed25519, through the ``cryptography`` library): make, store, load, sign, verify.

The private key stays on the desk of the institution that owns it, in an
unencrypted PKCS#8 PEM file created with mode 0600 (its folder 0700) and never
overwritten; a key file others can read is refused, as ssh does. The public key
travels as a SubjectPublicKeyInfo PEM file, and is named everywhere by its
fingerprint: the SHA-256 (hex) of its 32 raw bytes.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from guji.errors import GujiError, ValidationError
from guji.messages import msg
from guji.paths import user_data_dir

KEY_FOLDER = "exchange-keys"


class KeyFileError(GujiError):
    """A key file that cannot be written, read or used."""


@dataclass(frozen=True)
class KeyPair:
    """A key pair as generated: where the private key went, the public key PEM and its fingerprint."""

    path: Path
    public_pem: bytes
    fingerprint: str


def default_key_path(institution_code: str) -> Path:
    """Where ``guji institution key generate`` keeps an institution's private key on this desk."""
    return user_data_dir() / KEY_FOLDER / f"{institution_code}.pem"


def fingerprint(raw: bytes) -> str:
    """The SHA-256 (hex) of the 32 raw bytes of a public key."""
    return hashlib.sha256(raw).hexdigest()


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def generate(path: str | os.PathLike[str], *, force: bool = False) -> KeyPair:
    """Make a new key pair; write the private key to ``path`` (mode 0600, folder 0700 if created).

    An existing file is never overwritten unless ``force`` (then it is replaced atomically).
    """
    target = Path(path).expanduser()
    if target.exists() and not force:
        raise KeyFileError(msg("exchange.key.exists", path=target))
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    try:
        if not target.parent.exists():
            target.parent.mkdir(parents=True, mode=0o700)
            os.chmod(target.parent, 0o700)
        tmp = target.with_name(f".{target.name}.part")
        # O_EXCL + mode 0600 at creation: the key is never readable by others, not even for a moment.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, pem)
            os.fsync(fd)
        finally:
            os.close(fd)
        if target.exists() and not force:
            os.unlink(tmp)
            raise KeyFileError(msg("exchange.key.exists", path=target))
        os.replace(tmp, target)
    except OSError as exc:
        raise KeyFileError(msg("exchange.key.write_failed", path=target, reason=exc.strerror or exc)) from None
    pub = key.public_key()
    return KeyPair(target, public_pem(pub), fingerprint(raw_public(pub)))


def load_private(path: str | os.PathLike[str]) -> Ed25519PrivateKey:
    """The private key in ``path``; refused when others may read the file or it is not Ed25519."""
    p = Path(path).expanduser()
    try:
        st = p.stat()
        data = p.read_bytes()
    except OSError as exc:
        raise KeyFileError(msg("exchange.key.unreadable", path=p, reason=exc.strerror or exc)) from None
    if os.name == "posix" and st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(msg("exchange.key.too_open", path=p, mode=oct(stat.S_IMODE(st.st_mode))))
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise KeyFileError(msg("exchange.key.not_private", path=p)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(msg("exchange.key.not_private", path=p))
    return key


def parse_public(data: bytes, label: str) -> bytes:
    """The 32 raw bytes of an Ed25519 public key given as PEM; ValidationError otherwise."""
    try:
        key = serialization.load_pem_public_key(data.strip() + b"\n")
    except (ValueError, TypeError):
        raise ValidationError(msg("exchange.key.not_public", path=label), "public_key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValidationError(msg("exchange.key.not_public", path=label), "public_key")
    return raw_public(key)


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    return key.sign(data)


def verify(raw: bytes, signature: bytes, data: bytes) -> bool:
    """Whether ``signature`` is the Ed25519 signature of ``data`` by the public key ``raw``."""
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True
