"""Alembic environment: always run on a connection handed in by guji.db.migrate.

There is no alembic.ini: the database is chosen by guji's own URL resolution,
so `guji init` is the one way to create or upgrade a database.
"""

from __future__ import annotations

from alembic import context

import guji.models  # noqa: F401 - registers every table
from guji.db.base import Base
from guji.db.migrate import include_name

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `guji init` (guji.db.migrate), not the alembic command")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode recreates the table instead.
    render_as_batch=True,
    compare_type=True,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
