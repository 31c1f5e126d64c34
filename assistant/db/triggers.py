"""Database triggers that make signed opinions and the audit log immutable even to raw SQL.

The signed-opinion triggers are installed by the initial migration, the audit-log ones
(UPDATE, DELETE and, on PostgreSQL, TRUNCATE of ``audit_events``) by migration 0004;
:func:`create_triggers` installs both, idempotently. Tests that empty tables between
cases drop and recreate them, since SQLite has no way to disable a trigger.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

MESSAGE = "signed drafts and their signatures are immutable; create an amendment"

_SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS drafts_signed_no_update BEFORE UPDATE ON drafts
        WHEN OLD.is_signed = 1 BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS drafts_signed_no_delete BEFORE DELETE ON drafts
        WHEN OLD.is_signed = 1 BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS signatures_no_update BEFORE UPDATE ON signatures
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS signatures_no_delete BEFORE DELETE ON signatures
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS drafts_signed_no_update",
    "DROP TRIGGER IF EXISTS drafts_signed_no_delete",
    "DROP TRIGGER IF EXISTS signatures_no_update",
    "DROP TRIGGER IF EXISTS signatures_no_delete",
]
_PG_CREATE = [
    f"""CREATE OR REPLACE FUNCTION refuse_signed_change() RETURNS trigger AS $$
    BEGIN
        IF TG_TABLE_NAME = 'signatures' OR OLD.is_signed THEN
            RAISE EXCEPTION '{MESSAGE}';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER drafts_signed_immutable BEFORE UPDATE OR DELETE ON drafts
       FOR EACH ROW EXECUTE FUNCTION refuse_signed_change()""",
    """CREATE TRIGGER signatures_immutable BEFORE UPDATE OR DELETE ON signatures
       FOR EACH ROW EXECUTE FUNCTION refuse_signed_change()""",
]
_PG_DROP = [
    "DROP TRIGGER IF EXISTS drafts_signed_immutable ON drafts",
    "DROP TRIGGER IF EXISTS signatures_immutable ON signatures",
    "DROP FUNCTION IF EXISTS refuse_signed_change()",
]


AUDIT_MESSAGE = "the audit log is append-only"
_SQLITE_AUDIT_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, '{AUDIT_MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, '{AUDIT_MESSAGE}'); END""",
]
_SQLITE_AUDIT_DROP = [
    "DROP TRIGGER IF EXISTS audit_events_no_update",
    "DROP TRIGGER IF EXISTS audit_events_no_delete",
]
_PG_AUDIT_DROP = [
    "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
    "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
    "DROP FUNCTION IF EXISTS refuse_audit_change()",
]
_PG_AUDIT_CREATE = [
    *_PG_AUDIT_DROP,
    f"""CREATE FUNCTION refuse_audit_change() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{AUDIT_MESSAGE}'; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION refuse_audit_change()""",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
       FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change()""",
]


def create_audit_triggers(conn: Connection) -> None:
    """Make ``audit_events`` append-only for this connection's dialect (idempotent)."""
    for stmt in _PG_AUDIT_CREATE if conn.dialect.name == "postgresql" else _SQLITE_AUDIT_CREATE:
        conn.execute(text(stmt))


def drop_audit_triggers(conn: Connection) -> None:
    """Remove the audit-log triggers (downgrade, tests that empty tables)."""
    for stmt in _PG_AUDIT_DROP if conn.dialect.name == "postgresql" else _SQLITE_AUDIT_DROP:
        conn.execute(text(stmt))


def create_triggers(conn: Connection) -> None:
    """Install the immutability triggers for this connection's dialect."""
    for stmt in _PG_CREATE if conn.dialect.name == "postgresql" else _SQLITE_CREATE:
        conn.execute(text(stmt))
    create_audit_triggers(conn)


def drop_triggers(conn: Connection) -> None:
    """Remove the immutability triggers (downgrade, and SQLite test cleanup)."""
    for stmt in _PG_DROP if conn.dialect.name == "postgresql" else _SQLITE_DROP:
        conn.execute(text(stmt))
    drop_audit_triggers(conn)
