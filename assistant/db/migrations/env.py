"""Alembic environment: runs migrations on the connection or URL the caller passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from assistant.db import models  # noqa: F401 - registers every table on the metadata
from assistant.db.base import Base, make_engine

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the connection handed in by :func:`assistant.db.migrate.upgrade`, else the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline SQL generation is not supported; run `second-opinion db upgrade`.")
run_migrations_online()
