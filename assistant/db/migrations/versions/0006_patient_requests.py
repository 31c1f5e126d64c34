"""patient requests and answers to returned cases

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 20:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from assistant.db.base import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patient_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["users.id"], name=op.f("fk_patient_requests_patient_id_users")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_patient_requests_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["assigned_to_id"], ["users.id"], name=op.f("fk_patient_requests_assigned_to_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["users.id"], name=op.f("fk_patient_requests_resolved_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_requests")),
    )
    with op.batch_alter_table("patient_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patient_requests_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_patient_requests_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_patient_requests_open", ["status", "kind"], unique=False)
    op.create_table(
        "return_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_return_answers_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["users.id"], name=op.f("fk_return_answers_patient_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_answers")),
    )
    with op.batch_alter_table("return_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_return_answers_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_table("return_answers")
    op.drop_table("patient_requests")
