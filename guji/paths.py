"""Where guji keeps its files on this machine."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "guji"


def user_data_dir() -> Path:
    """Per-user data directory (the embedded database and the image store live here).

    ``GUJI_HOME`` overrides it, which tests and portable installs use.
    """
    override = os.environ.get("GUJI_HOME")
    base = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return base


def default_database_path() -> Path:
    return user_data_dir() / "guji.sqlite3"


def image_store_dir() -> Path:
    return user_data_dir() / "images"
