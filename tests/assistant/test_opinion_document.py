"""The signed opinion as one document: loading, key images and the PDF file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import User
from assistant.errors import NotFoundError
from assistant.lifecycle import CaseStatus
from assistant.opinion_document import load_signed_opinion, write_pdf
from assistant.roles import Role
from assistant.services import drafts, review
from assistant.settings import Settings
from assistant.storage import LocalStorage
from tests.assistant.factories import to_state
from tests.assistant.stored_drafts import imaging_record, stored
from tests.assistant.web.staff import review_draft, seed_review_case, study
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def people(sqlite_db: Database, make_user: Callable[..., User]) -> dict[str, User]:
    return {"pat": make_user(sqlite_db, Role.PATIENT, "pat"), "casey": make_user(sqlite_db, Role.CLINICIAN)}


class TestDerivedImageKeys:
    def test_heatmaps_then_ct_key_images(self, settings: Settings, tmp_path: Path) -> None:
        """Heatmaps first, then CT key images, in the order the imaging step recorded them."""
        analysed, previews = study(tmp_path)
        series = analysed.ct_series[0].model_copy(update={"key_images": [str(previews["chest.dcm"])]})
        analysed = analysed.model_copy(update={"ct_series": [series]})
        record = imaging_record(AppContext(settings), "chest.dcm", analysed, previews)
        keys = stored(review_draft(), imaging=[record]).evidence.derived_image_keys()
        image, ct = record["images"][0], record["ct_series"][0]
        assert keys == [image["heatmap_keys"]["pneumonia"], *ct["key_image_keys"]]
        assert image["preview_key"] == ct["key_image_keys"][0]  # the same picture, stored once


class TestLoad:
    def test_signed(self, sqlite_db: Database, people: dict[str, User]) -> None:
        """Sections, signer, attestation and hash of the signed version; not an amendment."""
        case_id = to_state(sqlite_db, people["pat"], CaseStatus.SIGNED, people["casey"])
        with sqlite_db.session() as s:
            op = load_signed_opinion(s, people["pat"], case_id)
        assert op.sections[0].key == "summary" and all(s.text for s in op.sections)
        assert op.signer_name == people["casey"].display_name and op.attestation
        assert len(op.content_sha256) == 64 and not op.is_amendment and op.amendment_reason == ""

    def test_amended(self, sqlite_db: Database, people: dict[str, User]) -> None:
        """An amendment is the newer version, marked amended, with its reason."""
        case_id = to_state(sqlite_db, people["pat"], CaseStatus.AMENDED, people["casey"])
        with sqlite_db.session() as s:
            op = load_signed_opinion(s, people["pat"], case_id)
        assert op.is_amendment and op.amendment_reason == "Clarified limitations" and op.version > 1

    def test_unsigned_refused(self, sqlite_db: Database, people: dict[str, User]) -> None:
        """Nothing is loaded before a clinician signs."""
        case_id = to_state(sqlite_db, people["pat"], CaseStatus.IN_REVIEW, people["casey"])
        with sqlite_db.session() as s, pytest.raises(NotFoundError, match="no signed opinion"):
            load_signed_opinion(s, people["pat"], case_id)

    def test_key_images_from_storage(
        self, sqlite_db: Database, settings: Settings, people: dict[str, User]
    ) -> None:
        """The stored heatmap recorded on the draft is delivered; without storage, none are."""
        case_id = seed_review_case(sqlite_db, settings, people["pat"])
        with sqlite_db.session() as s:
            draft = drafts.latest_draft(s, case_id)
            assert draft is not None
            heatmap = draft.evidence["imaging"]["uploads"][0]["images"][0]["heatmap_keys"]["pneumonia"]
            review.claim_case(s, people["casey"], case_id)
        with sqlite_db.session() as s:
            review.sign_draft(s, people["casey"], case_id, draft.id, TEST_PASSWORD)
        storage = LocalStorage(settings.storage_root)
        with sqlite_db.session() as s:
            assert load_signed_opinion(s, people["pat"], case_id, storage).image_keys == [heatmap]
            assert load_signed_opinion(s, people["pat"], case_id).image_keys == []


def test_write_pdf(sqlite_db: Database, people: dict[str, User], tmp_path: Path) -> None:
    """The PDF is written under a new folder and is a PDF."""
    case_id = to_state(sqlite_db, people["pat"], CaseStatus.SIGNED, people["casey"])
    with sqlite_db.session() as s:
        op = load_signed_opinion(s, people["pat"], case_id)
    path = write_pdf(op, tmp_path / "out" / "opinion.pdf")
    assert path.read_bytes().startswith(b"%PDF")
