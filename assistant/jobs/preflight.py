"""Checks a worker makes before it says it is ready: database and broker reachable.

A worker that starts without its database takes stages off the queue only to fail them
(and each failure waits for a retry), so it refuses to start instead, with an error that
names the setting to fix. Nothing here retries: the process supervisor restarts the
worker, and each start checks again.
"""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from assistant.settings import Settings

DATABASE_SETTING = "SECOND_OPINION_DATABASE__URL"
BROKER_SETTING = "SECOND_OPINION_JOBS__BROKER_URL"


class WorkerStartError(RuntimeError):
    """A dependency the worker needs is unreachable; the message names the setting and the fix."""


def _reason(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    first = lines[0] if lines else ""
    return f"{type(error).__name__}: {first[:200]}"


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a database URL)"


def check_database(settings: Settings, timeout_s: float = 5.0) -> None:
    """Connect, run ``SELECT 1`` and find the jobs table.

    Raises:
        WorkerStartError: Unreachable, refused, or not migrated; says which setting to fix.
    """
    url = settings.database_url
    shown = _safe_url(url)
    try:
        args = (
            {"timeout": timeout_s}
            if url.startswith("sqlite")
            else {"connect_timeout": max(int(timeout_s), 1)}
        )
        engine = create_engine(url, connect_args=args)
    except (ArgumentError, ImportError, ValueError) as e:
        raise WorkerStartError(
            f"the database URL {shown} is not usable ({_reason(e)}); fix {DATABASE_SETTING}"
        ) from e
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            migrated = inspect(conn).has_table("jobs")
    except SQLAlchemyError as e:
        raise WorkerStartError(
            f"the database at {shown} is unreachable ({_reason(e)}); start it or set "
            f"{DATABASE_SETTING} to a database this host can reach"
        ) from e
    finally:
        engine.dispose()
    if not migrated:
        raise WorkerStartError(
            f"the database at {shown} has no jobs table; run `second-opinion db upgrade` "
            f"(or check that {DATABASE_SETTING} names the application's database)"
        )


def check_broker(settings: Settings, timeout_s: float = 5.0) -> None:
    """Open one connection to the Celery broker.

    Raises:
        WorkerStartError: The broker is unreachable or its URL is wrong; names the setting.
    """
    from kombu import Connection  # type: ignore[attr-defined]

    url = settings.jobs.broker_url
    try:
        conn = Connection(url, connect_timeout=timeout_s)  # type: ignore[no-untyped-call]
        shown = conn.as_uri()  # password masked
    except Exception as e:  # kombu raises many kinds for a malformed URL
        raise WorkerStartError(f"the broker URL is not usable ({_reason(e)}); fix {BROKER_SETTING}") from e
    try:
        conn.ensure_connection(  # type: ignore[no-untyped-call]
            max_retries=1, interval_start=0, interval_step=0, timeout=timeout_s
        )
    except Exception as e:  # OperationalError, socket errors, ... all mean the same here
        raise WorkerStartError(
            f"the Celery broker at {shown} is unreachable ({_reason(e)}); start it or set "
            f"{BROKER_SETTING} to a broker this host can reach"
        ) from e
    finally:
        conn.release()  # type: ignore[no-untyped-call]


def check_worker_dependencies(settings: Settings) -> None:
    """Everything a worker needs before it takes work: the database, and the broker on Celery."""
    check_database(settings)
    if settings.jobs.mode == "celery":
        check_broker(settings)
