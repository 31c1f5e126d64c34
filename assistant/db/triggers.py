"""Database triggers that make signed opinions immutable even to raw SQL.

Installed by the initial migration; tests that empty tables between cases drop and
recreate them on SQLite, which has no way to disable a trigger.
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


def create_triggers(conn: Connection) -> None:
    """Install the immutability triggers for this connection's dialect."""
    for stmt in _PG_CREATE if conn.dialect.name == "postgresql" else _SQLITE_CREATE:
        conn.execute(text(stmt))


def drop_triggers(conn: Connection) -> None:
    """Remove the immutability triggers (downgrade, and SQLite test cleanup)."""
    for stmt in _PG_DROP if conn.dialect.name == "postgresql" else _SQLITE_DROP:
        conn.execute(text(stmt))
