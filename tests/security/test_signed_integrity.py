"""Attack 9: signed text changed under the database is never delivered as signed.

Replayed against the running app as the review did it: drop the immutability triggers,
edit the signed draft's text by raw SQL, then ask for the PDF, the FHIR export and the
chat delivery. Each is refused with a clear message, the refusal is audited as an
integrity alert (shown to admins on the metrics page) and logged as an error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select, text

from assistant.db.models import AuditEvent
from assistant.db.triggers import create_triggers, drop_triggers
from assistant.integrity import ALERT_ACTION
from assistant.lifecycle import CaseStatus
from assistant.services.drafts import content_sha256
from tests.assistant.factories import to_state
from tests.security._integrity_fixtures import ChatSocket, Live, chat_login, login, running_app

FORGED = "The images show no pneumonia at all, and no follow-up is needed."
REFUSAL = "failed its integrity check"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The app on loopback with a fresh data directory."""
    with running_app(tmp_path_factory.mktemp("signed") / "data") as app:
        yield app


def _signed_case(live: Live, patient: str, state: CaseStatus = CaseStatus.DELIVERED) -> str:
    return to_state(live.db, live.accounts[patient], state, live.accounts["drsmith"])


def _tamper(live: Live, case_id: str, *, rehash: bool = False) -> None:
    """The attack: drop the triggers, rewrite the signed summary (with ``rehash`` also both
    stored hashes, by the public algorithm), put the triggers back."""
    with live.db.engine.begin() as conn:
        drop_triggers(conn)
        row = conn.execute(
            text("SELECT id, content FROM drafts WHERE case_id = :c AND is_signed = 1 ORDER BY version DESC"),
            {"c": case_id},
        ).first()
        assert row is not None
        content = json.loads(row[1]) if isinstance(row[1], str) else row[1]
        content["sections"][0]["sentences"][0]["text"] = FORGED
        conn.execute(
            text("UPDATE drafts SET content = :t WHERE id = :i"), {"t": json.dumps(content), "i": row[0]}
        )
        if rehash:
            digest = {"h": content_sha256(content), "i": row[0]}
            conn.execute(text("UPDATE drafts SET content_sha256 = :h WHERE id = :i"), digest)
            conn.execute(text("UPDATE signatures SET content_sha256 = :h WHERE draft_id = :i"), digest)
        create_triggers(conn)


def _alerts(live: Live, case_id: str) -> list[dict[str, str]]:
    with live.db.session() as s:
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.action == ALERT_ACTION, AuditEvent.case_id == case_id)
        ).all()
        return [dict(e.details) for e in events]


class TestExportsRefuseTamperedText:
    def test_untouched_opinion_is_served(self, live: Live) -> None:
        """The control: an untouched signed opinion downloads as PDF and FHIR."""
        case_id = _signed_case(live, "alice")
        client = login(live, "alice")
        pdf = client.get(f"/exports/cases/{case_id}/opinion.pdf")
        fhir = client.get(f"/exports/cases/{case_id}/opinion.fhir.json")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert fhir.status_code == 200 and fhir.json()["resourceType"] == "DiagnosticReport"
        assert _alerts(live, case_id) == []

    @pytest.mark.parametrize(("fmt", "path"), [("pdf", "opinion.pdf"), ("fhir", "opinion.fhir.json")])
    def test_tampered_opinion_refused(self, live: Live, fmt: str, path: str) -> None:
        """After a raw-SQL edit the export is refused (409, plain words), alerted and logged."""
        case_id = _signed_case(live, "bob")
        _tamper(live, case_id)
        for who in ("bob", "drsmith"):
            response = login(live, who).get(f"/exports/cases/{case_id}/{path}")
            assert response.status_code == 409
            assert REFUSAL in response.json()["detail"]
            assert FORGED.encode() not in response.content
        assert [a["channel"] for a in _alerts(live, case_id)] == [fmt, fmt]
        assert "signed text does not match" in _alerts(live, case_id)[0]["reason"]
        assert "INTEGRITY ALERT: signed draft" in live.server_log()

    def test_rehashed_tampering_refused(self, live: Live) -> None:
        """Rewriting the text and both stored hashes is caught by the sealed audit event of the signing."""
        case_id = _signed_case(live, "bob")
        _tamper(live, case_id, rehash=True)
        response = login(live, "bob").get(f"/exports/cases/{case_id}/opinion.pdf")
        assert response.status_code == 409 and REFUSAL in response.json()["detail"]
        assert "differs from the audited signing" in _alerts(live, case_id)[0]["reason"]

    def test_admin_sees_the_alert(self, live: Live) -> None:
        """The metrics page shows admins the integrity alerts."""
        case_id = _signed_case(live, "carol")
        _tamper(live, case_id)
        assert login(live, "carol").get(f"/exports/cases/{case_id}/opinion.pdf").status_code == 409
        page = login(live, "root").get("/metrics/")
        assert page.status_code == 200
        assert "Integrity alerts" in page.text and case_id in page.text


class TestCasePageFlagsTamperedText:
    def test_clinician_sees_the_failure(self, live: Live) -> None:
        """The clinician's signed-opinion view marks the tampered version and raises the alert."""
        case_id = _signed_case(live, "alice")
        client = login(live, "drsmith")
        assert REFUSAL not in client.get(f"/cockpit/cases/{case_id}").text  # the control
        _tamper(live, case_id)
        page = client.get(f"/cockpit/cases/{case_id}")
        assert page.status_code == 200
        assert "This signed version failed its integrity check" in page.text
        assert [a["channel"] for a in _alerts(live, case_id)] == ["case page"]


class TestChatRefusesTamperedText:
    def test_delivery_refused(self, live: Live) -> None:
        """A tampered opinion awaiting delivery is not sent in the chat; the patient is told why."""
        case_id = _signed_case(live, "dave", CaseStatus.SIGNED)
        _tamper(live, case_id)
        chat = ChatSocket(live, chat_login(live, "dave"))
        try:
            chat.wait_for(REFUSAL)
            chat.sio.sleep(3)  # several polls: the patient is told once, the alert raised once
            texts = chat.texts()
        finally:
            chat.close()
        assert not any(FORGED in t for t in texts)
        assert not any("Your signed second opinion" in t for t in texts)
        assert sum(REFUSAL in t for t in texts) == 1
        assert [a["channel"] for a in _alerts(live, case_id)] == ["chat"]

    def test_untouched_delivery_still_works(self, live: Live) -> None:
        """The control: an untouched signed opinion is delivered in the chat."""
        _signed_case(live, "erin", CaseStatus.SIGNED)
        chat = ChatSocket(live, chat_login(live, "erin"))
        try:
            message = chat.wait_for("Your signed second opinion")
        finally:
            chat.close()
        assert "Signed by" in message
