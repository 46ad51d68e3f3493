"""Alembic environment for the library. Run programmatically by `xxgk.store.engine.migrate`,
which passes the open connection in `config.attributes["connection"]` (there is no alembic.ini)."""

from __future__ import annotations

from alembic import context

from xxgk.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable by running alembic by hand
    raise RuntimeError("run migrations through xxgk.store.engine.migrate(engine)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
