"""The upload service: refusals in the patient's words, storage at once, ingest, previews, records."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from fpdf import FPDF

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import Upload, User
from assistant.services import cases
from assistant.services.uploads import process_upload
from assistant.settings import Settings


@pytest.fixture
def small_ctx(tmp_path: Path, sqlite_db: Database) -> AppContext:
    """A context whose upload limits are 1 MB per file and 1 MB unpacked."""
    settings = Settings(
        environment="test",
        data_dir=tmp_path / "data",
        llm={"mode": "mock"},  # type: ignore[arg-type]
        uploads={"max_file_mb": 1, "max_uncompressed_mb": 1},
    )  # type: ignore[arg-type]
    return AppContext(settings, db=sqlite_db)


def new_case(ctx: AppContext, patient: User) -> str:
    with ctx.db.session() as s:
        return cases.create_case(s, patient).id


def stored_uploads(ctx: AppContext) -> list[Upload]:
    with ctx.db.session() as s:
        return list(s.query(Upload).all())


class TestRefusals:
    def test_too_big(self, small_ctx: AppContext, patient: User, tmp_path: Path) -> None:
        """A file over the limit is refused before anything is stored."""
        big = tmp_path / "scan.dcm"
        big.write_bytes(b"\0" * (2 * 1024 * 1024))
        out = process_upload(
            small_ctx, patient, new_case(small_ctx, patient), big, "scan.dcm", "application/dicom"
        )
        assert not out.accepted
        assert out.message.startswith("“scan.dcm” is 2 MB, more than the 1 MB a single file may be.")
        assert stored_uploads(small_ctx) == []

    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("setup.exe", b"MZ\x90\x00" + b"\0" * 200),
            ("notes.txt", b"my symptoms are"),
            ("x-ray.jpg", b"GIF89a..."),
        ],
    )
    def test_wrong_type(
        self, ctx: AppContext, patient: User, tmp_path: Path, name: str, content: bytes
    ) -> None:
        """Files that are not DICOM, zip, PDF, PNG or JPEG (by content, not name) are refused."""
        path = tmp_path / name
        path.write_bytes(content)
        out = process_upload(ctx, patient, new_case(ctx, patient), path, name, "application/octet-stream")
        assert not out.accepted
        assert out.message == (
            f"“{name}” is not a kind of file we can use. Please upload DICOM files (or a .zip of the study "
            "as the hospital gave it), PDF reports, or PNG/JPEG pictures."
        )
        assert stored_uploads(ctx) == []

    def test_zip_bomb(self, small_ctx: AppContext, patient: User, tmp_path: Path) -> None:
        """An archive that would unpack past the limit is refused with the reason."""
        bomb = tmp_path / "bomb.zip"
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("a.dcm", b"\0" * (3 * 1024 * 1024))
        assert bomb.stat().st_size < 1024 * 1024
        out = process_upload(
            small_ctx, patient, new_case(small_ctx, patient), bomb, "bomb.zip", "application/zip"
        )
        assert not out.accepted
        assert out.message.startswith(
            "“bomb.zip” was refused: The archive would unpack to 3 MB, more than the 1 MB"
        )
        assert [u.status for u in stored_uploads(small_ctx)] == ["refused"]

    def test_path_traversal(self, ctx: AppContext, patient: User, tmp_path: Path) -> None:
        """A member climbing out with '..' refuses the archive and explains why."""
        evil = tmp_path / "study.zip"
        with zipfile.ZipFile(evil, "w") as zf:
            zf.writestr("../../etc/cron.d/evil", b"* * * * * root sh")
        out = process_upload(ctx, patient, new_case(ctx, patient), evil, "study.zip", "application/zip")
        assert not out.accepted
        assert out.message.startswith(
            "“study.zip” was refused: The archive member '../../etc/cron.d/evil' points"
        )
        assert "path-traversal" in out.message
        assert not (ctx.settings.data_dir.parent / "etc").exists()

    def test_submitted_case_takes_no_files(self, ctx: AppContext, patient: User, radiograph: Path) -> None:
        """After submission the service says files are no longer added."""
        from assistant.lifecycle import CaseStatus
        from tests.assistant.factories import to_state

        case_id = to_state(ctx.db, patient, CaseStatus.SUBMITTED)
        out = process_upload(ctx, patient, case_id, radiograph, "cxr.jpeg", "image/jpeg")
        assert (out.accepted, out.message) == (False, "Files can only be added before the case is submitted.")


class TestAccepted:
    def test_radiograph_picture(self, ctx: AppContext, patient: User, radiograph: Path) -> None:
        """A JPEG is stored, cleaned, previewed and described in plain words."""
        out = process_upload(ctx, patient, new_case(ctx, patient), radiograph, "cxr.jpeg", "image/jpeg")
        assert out.accepted
        assert out.message == "**cxr.jpeg**: We found a picture (photo or exported image)."
        assert out.previews and all(p.is_file() for p in out.previews)
        (upload,) = stored_uploads(ctx)
        assert upload.status == "ingested"
        assert upload.summary["describe"] == "We found a picture (photo or exported image)."
        assert ctx.storage.exists(upload.storage_key)

    def test_pdf_report(self, ctx: AppContext, patient: User, tmp_path: Path) -> None:
        """A PDF report is stored and counted, not sent to the imaging library."""
        pdf = FPDF()
        for _ in range(2):
            pdf.add_page()
        path = tmp_path / "report.pdf"
        pdf.output(str(path))
        out = process_upload(ctx, patient, new_case(ctx, patient), path, "report.pdf", "application/pdf")
        assert out.message == "**report.pdf**: a PDF document of 2 pages. Your clinician will read it."
        assert [u.status for u in stored_uploads(ctx)] == ["stored"]

    def test_zip_with_a_document(self, ctx: AppContext, patient: User, tmp_path: Path) -> None:
        """A zip holding no images says so, file by file."""
        path = tmp_path / "docs.zip"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("letter.txt", b"Dear doctor")
        out = process_upload(ctx, patient, new_case(ctx, patient), path, "docs.zip", "application/zip")
        assert out.accepted
        assert "We did not find any medical images in this upload." in out.message
        assert "letter.txt: this file is not a medical image." in out.message

    @pytest.mark.slow
    def test_ct_series_zip(self, ctx: AppContext, patient: User, ct_zip: Path) -> None:
        """The TCIA CT zip becomes 'a chest CT series of 30 images' with de-identified previews."""
        out = process_upload(ctx, patient, new_case(ctx, patient), ct_zip, "chest-ct.zip", "application/zip")
        assert out.message.startswith("**chest-ct.zip**: We found a chest CT series of 30 images.")
        assert out.previews[0].name == "ct_lung_montage.png"
        (upload,) = stored_uploads(ctx)
        assert upload.status == "ingested"
        originals = [
            v for ids in upload.original_identifiers.values() for v in ids.values() if len(str(v)) > 3
        ]
        assert originals  # kept for the database only ...
        assert not [v for v in originals if str(v) in str(upload.summary)]  # ... never in the summary
