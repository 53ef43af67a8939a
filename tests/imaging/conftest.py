"""Fixtures for the imaging analysis tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SCANS


@pytest.fixture(scope="session")
def scans_dir() -> Path:
    """The real page scans kept in the repository (``tests/data/scans``)."""
    return SCANS
