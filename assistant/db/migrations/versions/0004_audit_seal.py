"""audit seal: HMAC column and append-only triggers on audit_events

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 20:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from assistant.db.triggers import create_audit_triggers, drop_audit_triggers

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    drop_audit_triggers(conn)  # SQLite rebuilds the table in batch mode; triggers come back below
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hmac", sa.String(length=64), nullable=False, server_default=""))
    create_audit_triggers(conn)


def downgrade() -> None:
    conn = op.get_bind()
    drop_audit_triggers(conn)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("hmac")
