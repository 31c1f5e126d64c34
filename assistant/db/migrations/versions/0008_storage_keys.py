"""database storage tables; stored-file paths in rows become storage keys

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:00:00

Adds ``storage_objects`` / ``storage_chunks`` (``storage.mode = "database"``) and rewrites
every upload whose row recorded file paths (previews, de-identified copies, a path as
``storage_key``) to keys, storing files that still exist in the configured storage. The
storage settings come from ``config.attributes["storage_mode"|"storage_root"]`` when the
caller passes them, else from the environment (as ``second-opinion db upgrade`` sees it);
they are read only when some row needs converting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import op

from assistant.db.base import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "storage_objects",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("chunk_bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_storage_objects")),
    )
    op.create_table(
        "storage_chunks",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key", "seq", name=op.f("pk_storage_chunks")),
    )
    _convert_upload_paths()


def _put_file() -> Any:
    """A function that stores a local file in the configured storage and returns its key."""
    attrs = op.get_context().config.attributes if op.get_context().config else {}
    mode, root = attrs.get("storage_mode"), attrs.get("storage_root")
    if mode is None:
        from assistant.settings import Settings

        settings = Settings()
        mode, root = settings.storage.mode, settings.storage_root
    if mode == "database":
        from assistant.storage_db import insert_stream

        conn = op.get_bind()

        def put_db(path: Path) -> str:
            with path.open("rb") as fh:
                return insert_stream(conn, fh)[0]

        return put_db
    from assistant.storage import LocalStorage

    storage = LocalStorage(Path(root))
    return lambda path: storage.put_file(path)[0]


def _convert_upload_paths() -> None:
    from assistant.storage_keys import has_paths, key_for_path, summary_with_keys

    conn = op.get_bind()
    uploads = sa.table("uploads", sa.column("id", sa.String), sa.column("summary", sa.JSON),
                       sa.column("storage_key", sa.String))  # fmt: skip
    put = None
    rows = conn.execute(sa.select(uploads.c.id, uploads.c.summary, uploads.c.storage_key)).all()
    for upload_id, summary, storage_key in rows:
        if not has_paths(summary) and (storage_key is None or len(storage_key) == 64):
            continue
        put = put or _put_file()
        values: dict[str, Any] = {}
        if has_paths(summary):
            values["summary"] = summary_with_keys(summary, put)
        if storage_key and len(storage_key) != 64:
            values["storage_key"] = key_for_path(storage_key, put) or storage_key
        conn.execute(uploads.update().where(uploads.c.id == upload_id).values(**values))


def downgrade() -> None:
    # Keys stay keys: code before 0007 reads an upload's stored file by key already.
    op.drop_table("storage_chunks")
    op.drop_table("storage_objects")
