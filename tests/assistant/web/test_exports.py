"""Exports of a signed opinion: PDF and a validated FHIR R4 DiagnosticReport."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from assistant.db.base import Database
from assistant.db.models import User
from assistant.lifecycle import CaseStatus
from assistant.opinion_document import latin1, load_signed_opinion, opinion_pdf
from assistant.roles import Role
from assistant.settings import Settings
from assistant.web.exports import opinion_fhir
from tests.assistant.factories import to_state
from tests.assistant.web.staff import login, make_client


@pytest.fixture
def people(sqlite_db: Database, make_user: Callable[..., User]) -> dict[str, User]:
    return {
        name: make_user(sqlite_db, role, name)
        for name, role in [
            ("pat", Role.PATIENT),
            ("olly", Role.PATIENT),
            ("casey", Role.CLINICIAN),
            ("sam", Role.SUPPORT),
        ]
    }


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


class TestBuilders:
    def test_pdf_has_sections_signer_and_hash(self, sqlite_db: Database, people: dict[str, User]) -> None:
        """The PDF carries every section, the sources, the signer and the signed content hash."""
        case_id = to_state(sqlite_db, people["pat"], CaseStatus.SIGNED, people["casey"])
        with sqlite_db.session() as s:
            opinion = load_signed_opinion(s, people["pat"], case_id)
        text = _pdf_text(opinion_pdf(opinion))
        assert "What the first diagnosis said" in text and "right lower lobe" in text
        assert f"Signed by {people['casey'].display_name}" in text
        assert opinion.content_sha256[:20] in text.replace("\n", "")

    def test_fhir_report_validates_and_embeds_the_pdf(
        self, sqlite_db: Database, people: dict[str, User]
    ) -> None:
        """The DiagnosticReport validates against the R4 model; attachments carry size and SHA-1."""
        from fhir.resources.R4B.diagnosticreport import DiagnosticReport

        case_id = to_state(sqlite_db, people["pat"], CaseStatus.SIGNED, people["casey"])
        with sqlite_db.session() as s:
            opinion = load_signed_opinion(s, people["casey"], case_id)
        pdf = opinion_pdf(opinion)
        report = opinion_fhir(opinion, pdf)
        DiagnosticReport.model_validate(report)
        assert (report["resourceType"], report["status"]) == ("DiagnosticReport", "final")
        assert report["code"]["coding"][0]["code"] == "11488-4"
        attached = report["presentedForm"][1]
        assert attached["contentType"] == "application/pdf"
        assert base64.b64decode(attached["data"]) == pdf
        assert attached["hash"] == base64.b64encode(hashlib.sha1(pdf).digest()).decode()
        assert "right lower lobe" in base64.b64decode(report["presentedForm"][0]["data"]).decode()

    def test_amendment_is_status_amended(self, sqlite_db: Database, people: dict[str, User]) -> None:
        """After an amendment the export is the new version, marked amended, with the reason."""
        case_id = to_state(sqlite_db, people["pat"], CaseStatus.AMENDED, people["casey"])
        with sqlite_db.session() as s:
            opinion = load_signed_opinion(s, people["pat"], case_id)
        assert opinion_fhir(opinion)["status"] == "amended"
        text = _pdf_text(opinion_pdf(opinion))
        assert "Amended limitations" in text and "Clarified limitations" in text

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("“Quoted” – fine…", '"Quoted" - fine...'), ("p ≥ 0.5", "p >= 0.5"), ("café", "café"), ("肺", "?")],
    )
    def test_latin1_fallback(self, text: str, expected: str) -> None:
        """Without a Unicode font, text is transliterated for the PDF core fonts."""
        assert latin1(text) == expected


class TestRoutes:
    @pytest.mark.parametrize(("who", "status"), [("pat", 200), ("casey", 200), ("olly", 404), ("sam", 403)])
    def test_who_may_download(
        self, sqlite_db: Database, settings: Settings, people: dict[str, User], who: str, status: int
    ) -> None:
        """The owner and clinicians get the PDF; another patient 404; support 403."""
        case_id = to_state(sqlite_db, people["pat"], CaseStatus.SIGNED, people["casey"])
        client: TestClient = make_client(settings, sqlite_db)
        login(client, who)
        response = client.get(f"/exports/cases/{case_id}/opinion.pdf")
        assert response.status_code == status
        if status == 200:
            assert response.content.startswith(b"%PDF")
            fhir = client.get(f"/exports/cases/{case_id}/opinion.fhir.json")
            assert fhir.headers["content-type"].startswith("application/fhir+json")
            assert json.loads(fhir.text)["resourceType"] == "DiagnosticReport"

    def test_unsigned_case_has_nothing_to_export(
        self, sqlite_db: Database, settings: Settings, people: dict[str, User]
    ) -> None:
        """Before signing, even the patient and the clinician get 404."""
        case_id = to_state(sqlite_db, people["pat"], CaseStatus.IN_REVIEW, people["casey"])
        client: TestClient = make_client(settings, sqlite_db)
        for who in ("pat", "casey"):
            login(client, who)
            assert client.get(f"/exports/cases/{case_id}/opinion.pdf").status_code == 404
