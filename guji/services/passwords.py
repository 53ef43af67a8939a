"""Password hashing (argon2id) and the password rules."""

from __future__ import annotations

import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from guji.errors import ValidationError

MIN_LENGTH = 8
# The test suite signs dozens of people in per test; it asks for a cheap argon2
# profile (never a deployment setting: production hashes use the library defaults).
if os.environ.get("GUJI_ARGON2_PROFILE") == "test":
    _hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
else:
    _hasher = PasswordHasher()


def check_rules(password: str) -> None:
    """Raise :class:`ValidationError` (field ``password``) if the password is too weak to accept."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"must be at least {MIN_LENGTH} characters", "password")
    if password.strip() != password:
        raise ValidationError("must not start or end with spaces", "password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
