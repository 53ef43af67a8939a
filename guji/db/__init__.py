"""Database access: engines, sessions, the model base and migrations.

``Database`` and ``resolve_url`` are loaded on first use, so that :mod:`guji.db.direct`
(plain sqlite3 for quick read-only commands) does not import SQLAlchemy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from guji.db.engine import Database, resolve_url

__all__ = ["Database", "resolve_url"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from guji.db import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
