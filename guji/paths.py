"""Where guji keeps its files on this machine."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "guji"


def user_data_dir() -> Path:
    """Per-user data directory (the default embedded database lives here, its image store beside it).

    ``GUJI_HOME`` overrides it, which tests and portable installs use.
    """
    override = os.environ.get("GUJI_HOME")
    base = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return base


def default_database_path() -> Path:
    return user_data_dir() / "guji.sqlite3"


def image_store_dir() -> Path:
    """The per-user folder where versions before the database kept its own store put the images of
    every database. Only named in messages now: a database's store is found from the database
    (:mod:`guji.images.location`; for the default database, ``guji.images`` beside ``guji.sqlite3``)."""
    return user_data_dir() / "images"
