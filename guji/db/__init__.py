"""Database access: engines, sessions, the model base and migrations."""

from guji.db.engine import Database, resolve_url

__all__ = ["Database", "resolve_url"]
