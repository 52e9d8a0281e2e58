"""Alembic environment: runs on the connection the service hands over
(`config.attributes["connection"]`), or on SYNC_DATABASE_URL from the CLI."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text

from sync_service.adapters.locks import MIGRATION_LOCK
from sync_service.adapters.tables import metadata
from sync_service.settings import Settings

# Several processes (web, worker) may start together and each upgrade: on PostgreSQL
# an advisory lock (adapters/locks.py) makes them take turns; SQLite's write lock does it there.


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = create_engine(Settings().database_url)
    with engine.connect() as conn:
        run(conn)
