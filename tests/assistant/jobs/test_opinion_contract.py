"""Contract: the cockpit page, the PDF and the FHIR report rendered from a real pipeline run."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from assistant.context import AppContext
from assistant.db.models import Draft, User
from assistant.jobs.engine import execute_next
from assistant.opinion_document import load_signed_opinion, opinion_pdf
from assistant.services import review
from assistant.web.exports import opinion_fhir
from tests.assistant.jobs.conftest import submit_case
from tests.assistant.web.staff import login, make_client
from tests.conftest import TEST_PASSWORD


@pytest.mark.slow
class TestOpinionContract:
    """What the pipeline stores is what every renderer shows; only cited sources are listed."""

    def test_cockpit_pdf_fhir(self, job_ctx: AppContext, patient: User, radiograph: Path, make_user) -> None:  # type: ignore[no-untyped-def]
        """Sub-question answers reach the cockpit; PDF and FHIR list exactly the cited sources."""
        from assistant.roles import Role

        clinician = make_user(job_ctx.db, Role.CLINICIAN, "drcontract")
        case_id, job_id = submit_case(job_ctx, patient, radiograph)
        assert execute_next(job_ctx, "test", job_id=job_id) == job_id
        with job_ctx.db.session() as s:
            draft = s.scalars(select(Draft).where(Draft.case_id == case_id)).one()
            stored_numbers = {p["number"] for p in draft.evidence["passages"]}
            answers = next(sec for sec in draft.content["sections"] if sec["key"] == "answers")
            assert draft.content["sub_questions"][0]["kind"] == "diagnosis_right"
            answer_text = " ".join(x["text"] for x in answers["sentences"])
            review.claim_case(s, clinician, case_id)
        with job_ctx.db.session() as s:
            review.sign_draft(s, clinician, case_id, draft.id, TEST_PASSWORD)
        client = make_client(job_ctx.settings, job_ctx.db)
        login(client, "drcontract")
        page = client.get(f"/cockpit/cases/{case_id}")
        assert page.status_code == 200
        assert "Answers to your questions" in page.text
        first_answer = answers["sentences"][1]["text"]
        assert first_answer.split(",")[0].replace("'", "&#39;") in page.text
        with job_ctx.db.session() as s:
            opinion = load_signed_opinion(s, patient, case_id)
        signed_text = " ".join(sec.text for sec in opinion.sections)
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", signed_text)}
        assert {p.number for p in opinion.citations} == cited
        assert cited <= stored_numbers
        pdf = opinion_pdf(opinion)
        pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert "Answers to your questions" in pdf_text
        for n in stored_numbers - cited:
            assert f"[{n}] " not in pdf_text.split("Sources")[-1]
        fhir = opinion_fhir(opinion, pdf)
        plain = base64.b64decode(fhir["presentedForm"][0]["data"]).decode()
        assert answer_text.split(".")[0] in plain
        listed = {int(n) for n in re.findall(r"^\[(\d+)\]", plain.split("\nSources\n")[-1], re.M)}
        assert listed == cited
        assert json.dumps(fhir)
        for p in opinion.citations:
            if "Second Opinion project" in p.publisher:
                assert p.url == "" and "Summarises:" in _source_lines(pdf_text, p.number)


def _source_lines(text: str, number: int) -> str:
    tail = text.split("Sources")[-1].replace("\n", " ")
    match = re.search(rf"\[{number}\](.*?)(?=\[\d+\]|Signed by)", tail)
    return match.group(1) if match else ""
