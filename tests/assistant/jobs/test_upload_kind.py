"""An upload's kind is decided from its bytes once, stored, and used by the drafting job."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from fpdf import FPDF
from sqlalchemy import select

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import Upload, User
from assistant.jobs.imaging_step import StoredUpload, pdf_texts
from assistant.roles import Role
from assistant.services import cases
from assistant.settings import Settings
from assistant.upload_kinds import file_kind


def _pdf_bytes(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


@pytest.fixture
def ctx(settings: Settings, sqlite_db: Database) -> AppContext:
    return AppContext(settings, db=sqlite_db)


class TestUploadKind:
    @pytest.mark.parametrize(
        ("data", "expected"),
        [
            (b"%PDF-1.4\n...", "pdf"),
            (b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "png"),
            (b"\xff\xd8\xff\xe0" + b"\0" * 32, "jpeg"),
            (b"PK\x03\x04" + b"\0" * 40, "zip"),
            (b"\0" * 128 + b"DICM" + b"\0" * 64, "dicom"),
            (b"just some text", None),
        ],
    )
    def test_kind_from_content(self, tmp_path: Path, data: bytes, expected: str | None) -> None:
        """The first bytes decide the kind, whatever the file is called."""
        path = tmp_path / "upload.bin"
        path.write_bytes(data)
        assert file_kind(path) == expected

    def test_pdf_without_suffix_reaches_the_draft(
        self, ctx: AppContext, sqlite_db: Database, make_user: Callable[..., User]
    ) -> None:
        """A PDF named 'report' sent as octet-stream is stored as kind 'pdf' and its text is read."""
        patient = make_user(sqlite_db, Role.PATIENT)
        with sqlite_db.session() as s:
            case = cases.create_case(s, patient, "Cough")
            stream = io.BytesIO(_pdf_bytes("Impression: right lower lobe consolidation."))
            cases.add_upload(s, patient, case.id, ctx.storage, stream, "report", "application/octet-stream")
        with sqlite_db.session() as s:
            upload = s.scalars(select(Upload)).one()
            stored = StoredUpload(
                upload.id, upload.filename, upload.storage_key, upload.content_type, upload.kind
            )
        assert stored.kind == "pdf"
        texts = pdf_texts(ctx, [stored])
        assert len(texts) == 1 and "consolidation" in texts[0][1]
