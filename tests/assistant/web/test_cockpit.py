"""The clinician cockpit over HTTP: queue, case page, claim, edit, sign, return, decline, amend, images."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.db.base import Database
from assistant.db.models import AuditEvent, Case, Draft, Message, Signature, Upload, User
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.services import cases, drafts
from assistant.services.queue_view import QueueFilters, format_age, queue_page
from assistant.settings import Settings
from tests.assistant.factories import status_of, to_state
from tests.assistant.web.staff import image_keys, login, make_client, post, seed_review_case
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def clinician(sqlite_db: Database, make_user: Callable[..., User]) -> User:
    return make_user(sqlite_db, Role.CLINICIAN, "casey")


@pytest.fixture
def patient(sqlite_db: Database, make_user: Callable[..., User]) -> User:
    return make_user(sqlite_db, Role.PATIENT, "pat")


@pytest.fixture
def case_id(sqlite_db: Database, settings: Settings, patient: User) -> str:
    return seed_review_case(sqlite_db, settings, patient)


@pytest.fixture
def client(settings: Settings, sqlite_db: Database, clinician: User) -> TestClient:
    return make_client(settings, sqlite_db)


def _base(html: str) -> str:
    match = re.search(r'name="base_draft_id" value="([^"]+)"', html)
    assert match, "the editor is not on the page"
    return match.group(1)


def _claimed(client: TestClient, case_id: str, username: str = "casey") -> tuple[str, str]:
    token = login(client, username)
    assert post(client, f"/cockpit/cases/{case_id}/claim", token).status_code == 303
    return token, _base(client.get(f"/cockpit/cases/{case_id}").text)


class TestQueue:
    def test_urgent_first_then_oldest(
        self, sqlite_db: Database, settings: Settings, make_user: Callable[..., User], clinician: User
    ) -> None:
        """An urgent case outranks older routine ones; routine cases come oldest first."""
        p = make_user(sqlite_db, Role.PATIENT)
        first = to_state(sqlite_db, p, CaseStatus.PENDING_REVIEW)
        second = to_state(sqlite_db, p, CaseStatus.PENDING_REVIEW)
        urgent = seed_review_case(sqlite_db, settings, p, urgent=True)
        with sqlite_db.session() as s:
            rows = queue_page(s, clinician).rows
        assert [r.case_id for r in rows] == [urgent, first, second]
        assert rows[0].urgent and rows[0].red_flags == ("chest pain",)
        assert rows[0].modality == "chest X-ray"
        assert (rows[0].warnings.unsupported, rows[0].warnings.failed_citations) == (1, 1)
        assert rows[1].question == "Is it really pneumonia?"

    def test_red_flags_read_as_words(
        self, sqlite_db: Database, settings: Settings, patient: User, clinician: User, client: TestClient
    ) -> None:
        """The chat records category keys ("unconscious"); the queue and the case page show their names."""
        case_id = seed_review_case(sqlite_db, settings, patient, urgent=True)
        with sqlite_db.session() as s:
            cases.mark_red_flags(s, patient, case_id, ["unconscious", "cardiac"])
            (row,) = [r for r in queue_page(s, clinician).rows if r.case_id == case_id]
        assert "collapse, unresponsiveness or seizure" in row.red_flags
        assert "possible heart attack" in row.red_flags and "unconscious" not in row.red_flags
        login(client, clinician.username)
        page = client.get(f"/cockpit/cases/{case_id}").text
        header = page.split('class="case-head"')[1].split("</header>")[0]
        assert "red flags:" in header and "possible heart attack" in header
        assert "unconscious" not in header and "cardiac" not in header

    def test_filters_and_pages(
        self, sqlite_db: Database, settings: Settings, patient: User, clinician: User, client: TestClient
    ) -> None:
        """Urgent-only, claimed-by-me and title filters narrow the queue; pages split it."""
        routine = [to_state(sqlite_db, patient, CaseStatus.PENDING_REVIEW) for _ in range(3)]
        urgent = seed_review_case(sqlite_db, settings, patient, urgent=True)
        mine = to_state(sqlite_db, patient, CaseStatus.IN_REVIEW, clinician)
        with sqlite_db.session() as s:
            assert [r.case_id for r in queue_page(s, clinician, QueueFilters(urgent_only=True)).rows] == [
                urgent
            ]
            assert [r.case_id for r in queue_page(s, clinician, QueueFilters(state="mine")).rows] == [mine]
            assert queue_page(s, clinician, QueueFilters(state="waiting")).total == 4
            assert queue_page(s, clinician, QueueFilters(text="nothing like it")).total == 0
            page2 = queue_page(s, clinician, page=2, per_page=2)
        assert (page2.total, page2.pages, len(page2.rows)) == (5, 3, 2)
        assert page2.rows[0].case_id == routine[1]
        login(client, "casey")
        html = client.get("/cockpit/?state=waiting&urgent=true").text
        assert urgent in html and routine[0] not in html

    @pytest.mark.parametrize(
        ("filters", "expect_seeded", "expect_plain"),
        [
            (QueueFilters(modality="x-ray"), True, False),
            (QueueFilters(modality="CT"), False, False),
            (QueueFilters(warnings_only=True), True, False),
            (QueueFilters(), True, True),
        ],
    )
    def test_modality_and_warning_filters(
        self,
        db: Database,
        settings: Settings,
        make_user: Callable[..., User],
        filters: QueueFilters,
        expect_seeded: bool,
        expect_plain: bool,
    ) -> None:
        """Modality and failed-check filters read the AI draft's evidence, on SQLite and PostgreSQL."""
        patient, clinician = make_user(db, Role.PATIENT), make_user(db, Role.CLINICIAN)
        seeded = seed_review_case(db, settings, patient)
        plain = to_state(db, patient, CaseStatus.PENDING_REVIEW)
        with db.session() as s:
            found = {r.case_id for r in queue_page(s, clinician, filters).rows}
        assert (seeded in found, plain in found) == (expect_seeded, expect_plain)

    @pytest.mark.parametrize(
        ("minutes", "text"), [(7, "7 min"), (125, "2 h 5 min"), (3 * 1440 + 61, "3 d 1 h"), (-5, "0 min")]
    )
    def test_age_format(self, minutes: int, text: str) -> None:
        """Ages read as minutes, hours or days."""
        assert format_age(dt.timedelta(minutes=minutes)) == text


class TestCasePage:
    def test_shows_everything_a_reviewer_needs(
        self, client: TestClient, case_id: str, sqlite_db: Database
    ) -> None:
        """Intake, transcript, findings with thresholds, CT, passages, model card and highlights render."""
        login(client, "casey")
        html = client.get(f"/cockpit/cases/{case_id}").text
        for expected in (
            "Is it really pneumonia?",
            "I was told I have pneumonia",
            "0.82",
            "0.50",
            "5.12 L",
            "7.5 mm",
            "so-cxr-compact@1",
            "not validated on children",
            "https://medlineplus.gov/pneumonia.html",
            "Claim this case",
        ):
            assert expected in html, expected
        assert re.search(r'<mark class="unsupported"[^>]*>The opacity is certainly bacterial', html)
        assert "javascript:" not in html
        with sqlite_db.session() as s:
            actions = set(s.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case_id)))
        assert {"case.view", "upload.list", "draft.view", "transcript.view"} <= actions

    def test_images_only_of_this_case(
        self, client: TestClient, case_id: str, sqlite_db: Database, settings: Settings, patient: User
    ) -> None:
        """Previews and heatmaps are served as PNG; another case's key or an original upload is 404."""
        login(client, "casey")
        keys = image_keys(client.get(f"/cockpit/cases/{case_id}").text)
        assert len(set(keys)) == 2
        response = client.get(f"/cockpit/cases/{case_id}/images/{keys[0]}")
        assert response.status_code == 200 and response.headers["content-type"] == "image/png"
        other = seed_review_case(sqlite_db, settings, patient)
        assert client.get(f"/cockpit/cases/{other}/images/{'0' * 64}").status_code == 404
        with sqlite_db.session() as s:
            s.add(
                Upload(
                    case_id=case_id,
                    uploaded_by_id=patient.id,
                    filename="id.dcm",
                    size_bytes=1,
                    sha256=keys[0],
                    storage_key=keys[0],
                )
            )
        assert client.get(f"/cockpit/cases/{case_id}/images/{keys[0]}").status_code == 404

    def test_unknown_case_is_404(self, client: TestClient, clinician: User) -> None:
        """A case id that does not exist is not found."""
        login(client, "casey")
        assert client.get("/cockpit/cases/no-such-case").status_code == 404


class TestClaimEditSign:
    def test_edit_keeps_the_ai_original_and_shows_the_diff(
        self, client: TestClient, case_id: str, sqlite_db: Database
    ) -> None:
        """Saving an edit adds a version; the diff marks inserted and deleted words."""
        token, base = _claimed(client, case_id)
        response = post(
            client,
            f"/cockpit/cases/{case_id}/edit",
            token,
            base_draft_id=base,
            section__agreement="I partly agree with the first diagnosis [1].",
        )
        assert response.status_code == 303
        html = client.get(response.headers["location"]).text
        assert "<ins>partly</ins>" in html and "<del>" in html
        with sqlite_db.session() as s:
            versions = drafts.draft_versions(s, case_id)
        assert [v.kind for v in versions] == ["ai_original", "clinician_edit"]

    def test_sign_needs_attestation_and_password(
        self, client: TestClient, case_id: str, sqlite_db: Database
    ) -> None:
        """No tick or a wrong password signs nothing; both together sign."""
        token, base = _claimed(client, case_id)
        url = f"/cockpit/cases/{case_id}/sign"
        no_tick = post(client, url, token, base_draft_id=base, password=TEST_PASSWORD)
        assert no_tick.status_code == 400 and "Tick the attestation" in no_tick.text
        wrong = post(client, url, token, base_draft_id=base, attest="yes", password="wrong-password-1")
        assert wrong.status_code == 400 and "not correct" in wrong.text
        assert status_of(sqlite_db, case_id) is CaseStatus.IN_REVIEW
        assert (
            post(client, url, token, base_draft_id=base, attest="yes", password=TEST_PASSWORD).status_code
            == 303
        )
        assert status_of(sqlite_db, case_id) is CaseStatus.SIGNED
        with sqlite_db.session() as s:
            sig = s.scalars(select(Signature)).one()
            assert drafts.verify_signed(s, sig.draft_id)

    def test_stale_editor_conflicts(self, client: TestClient, case_id: str) -> None:
        """Signing from an editor opened before another save is refused as a conflict."""
        token, base = _claimed(client, case_id)
        post(
            client,
            f"/cockpit/cases/{case_id}/edit",
            token,
            base_draft_id=base,
            section__summary="New summary.",
        )
        response = post(
            client,
            f"/cockpit/cases/{case_id}/sign",
            token,
            base_draft_id=base,
            section__summary="Other summary.",
            attest="yes",
            password=TEST_PASSWORD,
        )
        assert response.status_code == 409 and "changed since you opened it" in response.text

    def test_return_and_decline_keep_the_words_for_the_patient(
        self, client: TestClient, case_id: str, sqlite_db: Database, settings: Settings, patient: User
    ) -> None:
        """Return needs a question, decline a reason; the chat shows them from the case."""
        token, _ = _claimed(client, case_id)
        assert post(client, f"/cockpit/cases/{case_id}/return", token, question=" ").status_code == 400
        assert (
            post(
                client,
                f"/cockpit/cases/{case_id}/return",
                token,
                question="Please upload the radiologist's report.",
            ).status_code
            == 303
        )
        assert status_of(sqlite_db, case_id) is CaseStatus.RETURNED
        other = seed_review_case(sqlite_db, settings, patient)
        post(client, f"/cockpit/cases/{other}/claim", token)
        assert (
            post(client, f"/cockpit/cases/{other}/decline", token, reason="Outside our scope.").status_code
            == 303
        )
        assert status_of(sqlite_db, other) is CaseStatus.DECLINED
        with sqlite_db.session() as s:
            reasons = [s.get(Case, c).status_reason for c in (case_id, other)]  # type: ignore[union-attr]
        assert reasons == ["Please upload the radiologist's report.", "Outside our scope."]

    def test_release_returns_the_case_to_the_queue(
        self, client: TestClient, case_id: str, sqlite_db: Database
    ) -> None:
        """A released case is pending again and unclaimed."""
        token, _ = _claimed(client, case_id)
        assert post(client, f"/cockpit/cases/{case_id}/release", token).status_code == 303
        with sqlite_db.session() as s:
            case = s.get(Case, case_id)
            assert (
                case is not None and case.status is CaseStatus.PENDING_REVIEW and case.claimed_by_id is None
            )

    def test_amend_keeps_the_signed_version(
        self, client: TestClient, case_id: str, sqlite_db: Database
    ) -> None:
        """An amendment is a new signed version; the first signed version is unchanged."""
        token, base = _claimed(client, case_id)
        post(
            client,
            f"/cockpit/cases/{case_id}/sign",
            token,
            base_draft_id=base,
            attest="yes",
            password=TEST_PASSWORD,
        )
        with sqlite_db.session() as s:
            first = s.scalars(select(Draft).where(Draft.kind == "signed")).one()
            first_hash = first.content_sha256
        response = post(
            client,
            f"/cockpit/cases/{case_id}/amend",
            token,
            section__limitations="Amended [2].",
            reason="Clarified limits",
            attest="yes",
            password=TEST_PASSWORD,
        )
        assert response.status_code == 303
        assert status_of(sqlite_db, case_id) is CaseStatus.AMENDED
        with sqlite_db.session() as s:
            kinds = [d.kind for d in drafts.draft_versions(s, case_id)]
            assert kinds == ["ai_original", "signed", "amendment"]
            assert drafts.verify_signed(s, first.id)
            assert s.get(Draft, first.id).content_sha256 == first_hash  # type: ignore[union-attr]
            note = s.scalars(select(Message.content).where(Message.author == "clinician")).one()
        assert "Clarified limits" in note
        assert "Clarified limits" in client.get(f"/cockpit/cases/{case_id}").text

    def test_post_without_csrf_is_refused(self, client: TestClient, case_id: str) -> None:
        """A cross-site form post cannot claim a case."""
        login(client, "casey")
        assert client.post(f"/cockpit/cases/{case_id}/claim", follow_redirects=False).status_code == 403


class TestTwoClinicians:
    def test_second_clinician_gets_a_clear_conflict(
        self, db: Database, settings: Settings, make_user: Callable[..., User]
    ) -> None:
        """On SQLite and PostgreSQL: the loser of a claim, and a signer without the claim, get 409."""
        make_user(db, Role.CLINICIAN, "casey")
        make_user(db, Role.CLINICIAN, "robin")
        case_id = seed_review_case(db, settings, make_user(db, Role.PATIENT))
        first, second = make_client(settings, db), make_client(settings, db)
        token, base = _claimed(first, case_id)
        token2 = login(second, "robin")
        claim = post(second, f"/cockpit/cases/{case_id}/claim", token2)
        assert claim.status_code == 409 and "Another clinician has already claimed this case" in claim.text
        sign = post(
            second,
            f"/cockpit/cases/{case_id}/sign",
            token2,
            base_draft_id=base,
            attest="yes",
            password=TEST_PASSWORD,
        )
        assert sign.status_code == 409 and "Another clinician holds this case" in sign.text
        assert "clinician 1 is reviewing this case" in second.get(f"/cockpit/cases/{case_id}").text
        assert (
            post(
                first,
                f"/cockpit/cases/{case_id}/sign",
                token,
                base_draft_id=base,
                attest="yes",
                password=TEST_PASSWORD,
            ).status_code
            == 303
        )
        assert status_of(db, case_id) is CaseStatus.SIGNED
