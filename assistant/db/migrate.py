"""Run Alembic migrations programmatically (`second-opinion db upgrade`, every `serve` start).

On PostgreSQL each run holds a transaction-level advisory lock, so instances started
together on an empty database take turns: the first migrates, the others find the schema
at head and do nothing (without it one dies on a unique violation creating
``alembic_version``). The lock is per database and schema, so unrelated schemas on one
server do not wait for each other. SQLite needs none: its writers are serialised already.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


#: Namespaces the advisory lock key (hashed with the schema name).
LOCK_NAME = "second_opinion.migrate"


def lock_for_migration(conn: Connection) -> None:
    """Wait for this database schema's migration lock; it is released when the transaction ends."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:name || ':' || coalesce(current_schema(), '')))"),
        {"name": LOCK_NAME},
    )


def upgrade(engine: Engine, revision: str = "head", **attributes: object) -> None:
    """Bring the schema on ``engine`` up to ``revision`` (one process at a time on PostgreSQL).

    ``attributes`` reach the migrations (``storage_mode`` and ``storage_root`` tell revision
    0008 where to store files whose paths it turns into keys).
    """
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        lock_for_migration(conn)
        cfg.attributes.update(attributes)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema on ``engine`` down to ``revision``."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        lock_for_migration(conn)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def current(engine: Engine) -> str | None:
    """The schema revision the database is at, or None when unmigrated."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
