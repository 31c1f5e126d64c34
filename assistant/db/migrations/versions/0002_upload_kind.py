"""uploads.kind: what an upload is, decided once from its content

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 20:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("uploads") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=True))
    # Uploads stored before this revision recorded the detected kind in their summary.
    conn = op.get_bind()
    uploads = sa.table("uploads", sa.column("id", sa.String), sa.column("summary", sa.JSON),
                       sa.column("kind", sa.String))  # fmt: skip
    for upload_id, summary in conn.execute(sa.select(uploads.c.id, uploads.c.summary)).all():
        kind = summary.get("kind") if isinstance(summary, dict) else None
        if isinstance(kind, str) and kind:
            conn.execute(uploads.update().where(uploads.c.id == upload_id).values(kind=kind[:16]))


def downgrade() -> None:
    with op.batch_alter_table("uploads") as batch:
        batch.drop_column("kind")
