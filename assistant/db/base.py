"""Engine, sessions and the declarative base.

SQLite (embedded default) and PostgreSQL (production) share one schema. On SQLite
every transaction starts with ``BEGIN IMMEDIATE`` so writers are serialised: this is
the SQLite equivalent of the row locks taken with ``SELECT ... FOR UPDATE`` on
PostgreSQL, and keeps claims, signatures and the audit chain race-free.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.types import TypeDecorator

from assistant.errors import ConflictError

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base with a stable constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's begin hook emit BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")  # durable enough in WAL mode, and much faster
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, *, echo: bool = False, **kwargs: Any) -> Engine:
    """Create an engine with the project's per-backend setup."""
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30}, **kwargs)
        _sqlite_setup(engine)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, **kwargs)


class Database:
    """An engine and its session factory; one per process."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._factory = sessionmaker(engine, expire_on_commit=False)
        # SQLite has one writer at a time and its busy handler waits by sleeping with
        # backoff; queueing this process's transactions on a lock hands the database
        # over without those sleeps (other processes still use the busy timeout).
        self._local_writer: threading.RLock | None = (
            threading.RLock() if engine.dialect.name == "sqlite" else None
        )

    @classmethod
    def from_url(cls, url: str, *, echo: bool = False) -> Database:
        """Build from a SQLAlchemy URL."""
        return cls(make_engine(url, echo=echo))

    @property
    def is_postgresql(self) -> bool:
        """True on PostgreSQL, where row locks are used."""
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: commits on success, rolls back on any error."""
        with self._local_writer or nullcontext():
            session = self._factory()
            try:
                yield session
                session.commit()
            except StaleDataError as e:
                # Optimistic version check lost to a concurrent writer (row_version):
                # the same outcome as losing a row lock, so the caller sees a conflict.
                session.rollback()
                raise ConflictError(
                    "Someone else changed this record at the same time; reload and try again."
                ) from e
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
