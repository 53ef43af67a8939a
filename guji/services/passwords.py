"""Password hashing (argon2id) and the password rules.

A password is at least :data:`MIN_LENGTH` characters and is none of the passwords that
leaked-password lists show at the top (``resources/passwords/common.txt``), nor a pattern
a guesser tries first: one character repeated, a run of the keyboard or of the digits,
the login itself.
"""

from __future__ import annotations

import functools
import os
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from guji.errors import ValidationError
from guji.messages import msg
from resources import path as resource_path

MIN_LENGTH = 10
_RUNS = ("0123456789012345678901234567890", "9876543210987654321098765432109",
         "qwertyuiopasdfghjklzxcvbnmqwertyuiop", "abcdefghijklmnopqrstuvwxyzabcdefghij",
         "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p")
# The test suite signs dozens of people in per test; it asks for a cheap argon2
# profile (never a deployment setting: production hashes use the library defaults).
if os.environ.get("GUJI_ARGON2_PROFILE") == "test":
    _hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
else:
    _hasher = PasswordHasher()


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = resource_path("passwords", "common.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _pattern(low: str) -> bool:
    """One character repeated, or a piece of a keyboard or digit run (forwards or backwards)."""
    if len(set(low)) <= 2:
        return True
    return any(low in run or low[::-1] in run for run in _RUNS)


def check_rules(password: str, login: str | None = None) -> None:
    """Raise :class:`ValidationError` (field ``password``) if the password is too weak to accept."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(msg("password.too_short", n=MIN_LENGTH), "password")
    if password.strip() != password:
        raise ValidationError(msg("password.spaces"), "password")
    low = password.lower()
    if low in common_passwords() or _pattern(low):
        raise ValidationError(msg("password.common"), "password")
    letters = re.sub(r"[^a-z]", "", low)
    if login and letters and letters == re.sub(r"[^a-z]", "", login.lower()):
        raise ValidationError(msg("password.contains_login"), "password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
