"""Contract: what one real pipeline run stores is what the cockpit, the chat, the PDF and FHIR show.

The drafting job runs for real (imaging on a shared chest film, retrieval over the starter
pack, the composer and its checks) with only the LLM mocked (``llm.mode = "mock"``). The
stored draft is read through its typed read model, signed, and every renderer is checked
against it: the same sections, citations numbered as the stored passages are, the
findings of the stored analysis, and exactly the cited sources listed.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from assistant.chat.conversation import PatientChat
from assistant.context import AppContext
from assistant.db.models import Draft, User
from assistant.drafting.stored import StoredDraft
from assistant.jobs.engine import execute_next
from assistant.opinion_document import load_signed_opinion, opinion_pdf
from assistant.roles import Role
from assistant.services import review
from assistant.web.exports import opinion_fhir
from tests.assistant.jobs.conftest import submit_case
from tests.assistant.web.staff import login, make_client
from tests.conftest import TEST_PASSWORD

_CITED = re.compile(r"\[(\d+)\]")


def _cited(text: str) -> set[int]:
    return {int(n) for n in _CITED.findall(text)}


def _listed(sources: str) -> dict[int, str]:
    """'[n] Title. Publisher...' lines of a rendered source list, by number (text up to the next one)."""
    flat = " ".join(sources.split())
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"\[(\d+)\] (.*?)(?= \[\d+\] |$)", flat)}


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
class TestOpinionContract:
    """One pipeline run, four renderers, one stored draft."""

    def test_every_renderer_shows_the_stored_draft(
        self, job_ctx: AppContext, patient: User, radiograph: Path, make_user: Callable[..., User]
    ) -> None:
        """Sections, citation numbers, findings and sources agree across cockpit, chat, PDF and FHIR."""
        clinician = make_user(job_ctx.db, Role.CLINICIAN, "drcontract")
        case_id, job_id = submit_case(job_ctx, patient, radiograph)
        assert execute_next(job_ctx, "test", job_id=job_id) == job_id
        with job_ctx.db.session() as s:
            row = s.scalars(select(Draft).where(Draft.case_id == case_id)).one()
            stored, draft_id = StoredDraft.of(row), row.id
            review.claim_case(s, clinician, case_id)
        with job_ctx.db.session() as s:
            review.sign_draft(s, clinician, case_id, draft_id, TEST_PASSWORD)

        sections = stored.content.filled_sections()
        titles = [s.title for s in sections]
        passages = {p.number: p for p in stored.evidence.passages}
        cited = set().union(*(_cited(s.text) for s in sections))
        images = stored.evidence.images()
        # What the pipeline stored: every section, numbered sources, the film's analysis.
        assert [s.key.value for s in stored.content.sections][:2] == ["summary", "answers"]
        assert cited and cited <= set(passages) and sorted(passages) == list(range(1, len(passages) + 1))
        assert images and images[0].findings and stored.evidence.findings.findings
        assert stored.content.sub_questions[0].kind == "diagnosis_right"

        # The cockpit case page.
        client = make_client(job_ctx.settings, job_ctx.db)
        login(client, "drcontract")
        response = client.get(f"/cockpit/cases/{case_id}")
        assert response.status_code == 200
        page = _words(html.unescape(response.text))
        for section in sections:
            assert section.title in page
            assert _words(section.text.split(". ")[0]) in page, section.key
        for number, passage in passages.items():
            assert _words(f"[{number}] {passage.title}") in page  # the evidence list keeps the stored numbers
        for finding in images[0].findings:
            assert finding.label in page
            if finding.status == "reported":
                assert f"{finding.probability:.2f}" in page
            elif finding.reason:
                assert _words(f"not assessed by the model: {finding.reason}") in page

        # The signed opinion every patient-facing renderer uses.
        with job_ctx.db.session() as s:
            opinion = load_signed_opinion(s, patient, case_id)
        assert [(o.key, o.text) for o in opinion.sections] == [(s.key, s.text) for s in sections]
        assert {p.number for p in opinion.citations} == cited
        assert all(p.title == passages[p.number].title for p in opinion.citations)

        # The PDF: every section in order, and the cited sources, no others, under their stored numbers.
        pdf = opinion_pdf(opinion)
        pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        flat_pdf = _words(pdf_text)
        positions = [flat_pdf.find(t) for t in titles]
        assert -1 not in positions and positions == sorted(positions)
        body, _, sources = flat_pdf.rpartition(" Sources ")
        listed = _listed(sources.split(" Signed by ")[0])
        assert set(listed) == cited
        for number, line in listed.items():
            assert _words(passages[number].title)[:40] in line
        assert _cited(body) == cited

        # The FHIR report: the same plain text and sources, the PDF attached.
        fhir = opinion_fhir(opinion, pdf)
        plain = base64.b64decode(fhir["presentedForm"][0]["data"]).decode()
        text, _, fhir_sources = plain.rpartition("\nSources\n")
        for section in sections:
            assert f"{section.title}\n{section.text}" in text
        fhir_listed = {
            int(m.group(1)): m.group(2) for m in re.finditer(r"^\[(\d+)\] ([^.]*)", fhir_sources, re.M)
        }
        assert set(fhir_listed) == cited
        assert all(passages[n].title.startswith(t) for n, t in fhir_listed.items())
        assert base64.b64decode(fhir["presentedForm"][1]["data"]) == pdf

        # The chat delivery: the same sections and sources, with the PDF written.
        replies = PatientChat(job_ctx, patient.id).open()
        delivered = next(r for r in replies if r.kind == "opinion")
        for section in sections:
            assert f"### {section.title}\n\n{section.text}" in delivered.text
        assert {n for n, *_ in delivered.sources} == cited
        assert delivered.pdf is not None and delivered.pdf.read_bytes().startswith(b"%PDF")
        origins = {n: origin for n, _title, origin, _text in delivered.sources}
        for p in opinion.citations:
            assert (
                f"- [{p.number}] {p.title}. {p.publisher}" in delivered.text
            )  # who wrote it, in the chat too
            if "Second Opinion project" in p.publisher:
                assert p.url == "" and "Summarises:" in listed[p.number]
                assert "Summarises:" in origins[p.number]  # the side panel says what the summary summarises
