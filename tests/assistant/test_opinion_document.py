"""The signed opinion as one document: loading, key images and the PDF file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.db.base import Database
from assistant.db.models import User
from assistant.errors import NotFoundError
from assistant.lifecycle import CaseStatus
from assistant.opinion_document import evidence_image_keys, load_signed_opinion, write_pdf
from assistant.roles import Role
from assistant.services import drafts, review
from assistant.storage import LocalStorage
from tests.assistant.factories import to_state
from tests.conftest import TEST_PASSWORD

KEY_A, KEY_B, KEY_C = "a" * 64, "b" * 64, "c" * 64


@pytest.fixture
def people(sqlite_db: Database, make_user: Callable[..., User]) -> dict[str, User]:
    return {"pat": make_user(sqlite_db, Role.PATIENT, "pat"), "casey": make_user(sqlite_db, Role.CLINICIAN)}


def _imaging(keys: dict[str, Any]) -> dict[str, Any]:
    return {"imaging": {"uploads": [keys]}}


class TestEvidenceImageKeys:
    @pytest.mark.parametrize(
        ("evidence", "expected"),
        [
            ({}, []),
            ({"imaging": {"uploads": []}}, []),
            (_imaging({"images": [{"heatmap_keys": {"pneumonia": KEY_A}}]}), [KEY_A]),
            (
                _imaging(
                    {
                        "images": [{"heatmap_keys": {"x": KEY_A}}],
                        "ct_series": [{"key_image_keys": [KEY_B, KEY_C]}],
                    }
                ),
                [KEY_A, KEY_B, KEY_C],
            ),
        ],
    )
    def test_keys(self, evidence: dict[str, Any], expected: list[str]) -> None:
        """Heatmaps first, then CT key images, in the order the job recorded them."""
        assert evidence_image_keys(evidence) == expected


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
        self, sqlite_db: Database, people: dict[str, User], tmp_path: Path
    ) -> None:
        """Stored heatmaps recorded on the draft are delivered; missing keys are skipped."""
        storage = LocalStorage(tmp_path / "store")
        picture = tmp_path / "heatmap.png"
        picture.write_bytes(b"\x89PNG heatmap")
        key, _ = storage.put_file(picture)
        case_id = to_state(sqlite_db, people["pat"], CaseStatus.IN_REVIEW, people["casey"])
        with sqlite_db.session() as s:
            draft = drafts.latest_draft(s, case_id)
            assert draft is not None
            draft.evidence = _imaging({"images": [{"heatmap_keys": {"pneumonia": key, "effusion": KEY_A}}]})
            review.sign_draft(s, people["casey"], case_id, draft.id, TEST_PASSWORD)
        with sqlite_db.session() as s:
            assert load_signed_opinion(s, people["pat"], case_id, storage).image_keys == [key]
            assert load_signed_opinion(s, people["pat"], case_id).image_keys == []


def test_write_pdf(sqlite_db: Database, people: dict[str, User], tmp_path: Path) -> None:
    """The PDF is written under a new folder and is a PDF."""
    case_id = to_state(sqlite_db, people["pat"], CaseStatus.SIGNED, people["casey"])
    with sqlite_db.session() as s:
        op = load_signed_opinion(s, people["pat"], case_id)
    path = write_pdf(op, tmp_path / "out" / "opinion.pdf")
    assert path.read_bytes().startswith(b"%PDF")
