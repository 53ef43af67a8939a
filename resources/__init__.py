"""Data files shipped with guji: fonts, schemas, vocabularies, the reign table, translations.

Kept as a package so that a normal (non-editable) install carries the files too.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """Absolute path of a resource file, e.g. ``path("fonts", "uming.ttc")``."""
    return ROOT.joinpath(*parts)
