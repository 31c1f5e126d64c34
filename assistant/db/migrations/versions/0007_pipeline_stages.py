"""jobs.stage and job_stage_outputs: the drafting pipeline runs as stages on separate queues

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 00:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from assistant.db.base import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Jobs queued before this revision start at the first stage, as they always did.
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("stage", sa.String(length=20), nullable=False, server_default="imaging"))
    op.create_table(
        "job_stage_outputs",
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("output", sa.JSON(), nullable=False),
        sa.Column("worker_id", sa.String(length=120), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_job_stage_outputs_job_id_jobs")),
        sa.PrimaryKeyConstraint("job_id", "stage", name=op.f("pk_job_stage_outputs")),
    )


def downgrade() -> None:
    op.drop_table("job_stage_outputs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("stage")
