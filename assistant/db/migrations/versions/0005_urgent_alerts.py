"""urgent alerts: emergencies recognised in patient messages, acknowledged by staff

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 20:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from assistant.db.base import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "urgent_alerts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("conversation_id", sa.String(length=36), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["patient_id"], ["users.id"], name=op.f("fk_urgent_alerts_patient_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_urgent_alerts_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_urgent_alerts_conversation_id_conversations"),
        ),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"], ["users.id"], name=op.f("fk_urgent_alerts_acknowledged_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_urgent_alerts")),
    )
    with op.batch_alter_table("urgent_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_urgent_alerts_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_urgent_alerts_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_urgent_alerts_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("urgent_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_urgent_alerts_created_at"))
        batch_op.drop_index(batch_op.f("ix_urgent_alerts_case_id"))
        batch_op.drop_index(batch_op.f("ix_urgent_alerts_patient_id"))
    op.drop_table("urgent_alerts")
