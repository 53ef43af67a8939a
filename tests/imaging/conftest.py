"""Fixtures for the imaging analysis tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def scans_dir() -> Path:
    """The shared real scans (``../shared/data/scans`` from the project root)."""
    path = Path(__file__).resolve().parents[2].parent / "shared/data/scans"
    if not path.is_dir():
        pytest.skip(f"real scans not available at {path}")
    return path
