"""Helpers for the staff-page tests: an app client, login through the form, a case awaiting review.

The seeded case goes through the real services (``to_state``) and gets its AI draft from
the drafting job's own writer (:mod:`tests.assistant.stored_drafts`): the composer's typed
sections and checks, passages numbered from retrieval hits, and the imaging step's record
of an analysed study (findings, a preview and a heatmap put in storage, CT measurements).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from PIL import Image

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import User
from assistant.drafting.schemas import (
    CitationMetrics,
    DraftContent,
    GuardrailFlag,
    ImagingFinding,
    ImagingFindings,
    ModelCardRef,
    SectionKey,
)
from assistant.lifecycle import CaseStatus
from assistant.services import transcripts
from assistant.settings import Settings
from assistant.web.app import create_app
from imaging.analyze import CTSeriesFindings, ImageFindings, StudyFindings
from imaging.inference import Finding
from imaging.ood import OODCheck
from imaging.quantitation import CTMeasurements, NoduleCandidate
from imaging.registry import ModelCard
from tests.assistant.factories import to_state
from tests.assistant.stored_drafts import composed, imaging_record, save
from tests.conftest import SHARED_DATA, TEST_PASSWORD

SECTIONS: list[tuple[str, str, list[tuple[str, bool | None]]]] = [
    (
        "summary",
        "Summary of your question",
        [("You asked whether the pneumonia seen on your chest X-ray is the right diagnosis [1].", True)],
    ),
    (
        "first_diagnosis",
        "What the first diagnosis said",
        [("Your report described an opacity in the right lower lobe consistent with pneumonia [1].", True)],
    ),
    (
        "images",
        "What the images show",
        [
            (
                "The image model estimated a pneumonia probability of 0.82, above its threshold of 0.50 [2].",
                True,
            ),
            ("The opacity is certainly bacterial in origin [3].", False),
        ],
    ),
    (
        "agreement",
        "Agreement or disagreement, and why",
        [("The images and your symptoms are consistent with the first diagnosis [1][2].", True)],
    ),
    (
        "alternatives",
        "Alternatives to consider",
        [("Other causes of a shadow include fluid, collapse of part of the lung or a mass [3].", True)],
    ),
    (
        "questions",
        "Questions to ask your doctor",
        [
            ("Do I need a follow-up X-ray after treatment?", None),
            ("Should sputum be tested to find the germ?", None),
        ],
    ),
    (
        "limitations",
        "Limitations and uncertainty",
        [("The image model was trained on limited data and can be wrong [2].", True)],
    ),
]


HITS: list[dict[str, Any]] = [
    {
        "source_id": "medlineplus:pneumonia",
        "title": "Pneumonia - diagnosis",
        "publisher": "MedlinePlus",
        "url": "https://medlineplus.gov/pneumonia.html",
        "text": "A chest X-ray can show pneumonia.",
    },
    {
        "source_id": "card:so-cxr-compact",
        "title": "Model card: so-cxr-compact",
        "publisher": "Second opinion",
        "url": "",
        "text": "Validation AUC 0.81 for pneumonia.",
    },
    {
        "source_id": "nhlbi:opacities",
        "title": "Differential diagnosis of lung opacities",
        "publisher": "NHLBI",
        "url": "javascript:alert(1)",
        "text": "Fluid, collapse and masses can look alike.",
    },
]
METRICS = CitationMetrics(
    n_citations=9,
    n_unresolved_removed=1,
    n_unsupported=1,
    n_checked_sentences=8,
    mean_support=0.8,
    scorer="lexical",
    threshold=0.3,
)
FLAGS = [GuardrailFlag(kind="citation", detail="removed [7]", section=SectionKey.IMAGES)]
CARD = ModelCard(
    id="so-cxr-compact@1",
    summary="Compact chest X-ray classifier.",
    limitations=["Trained on 1,000 adult NIH films; not validated on children."],
)


def review_draft() -> DraftContent:
    """The composer's output for the seeded case: one unsupported sentence, one removed citation."""
    return composed([(key, specs) for key, _title, specs in SECTIONS], metrics=METRICS, flags=FLAGS)


def _png(array: np.ndarray, path: Path) -> Path:
    Image.fromarray(array).save(path, format="PNG")
    return path


def _base_image() -> np.ndarray:
    folder = SHARED_DATA / "cxr" / "nih1000" / "images_256"
    found = sorted(folder.glob("*.png"))[:1] if folder.is_dir() else []
    if found:
        gray = np.asarray(Image.open(found[0]).convert("L").resize((256, 256)), dtype=np.uint8)
    else:
        y, x = np.mgrid[0:256, 0:256]
        gray = (96 + 80 * np.cos((x - 128) / 60.0) * np.cos((y - 128) / 90.0)).clip(0, 255).astype(np.uint8)
    return np.stack([gray] * 3, axis=-1)


def _pictures(folder: Path) -> tuple[Path, Path]:
    """A de-identified preview and a heatmap overlay as PNG files."""
    base = _base_image()
    y, x = np.mgrid[0:256, 0:256]
    heat = np.exp(-(((x - 170) ** 2) + ((y - 160) ** 2)) / (2 * 28.0**2))[..., None]
    red = np.zeros_like(base, dtype=np.float64)
    red[..., 0] = 255
    overlay = (base * (1 - 0.55 * heat) + red * 0.55 * heat).clip(0, 255).astype(np.uint8)
    return _png(base, folder / "preview.png"), _png(overlay, folder / "heatmap.png")


def study(
    folder: Path, *, status: str = "reported", reason: str | None = None
) -> tuple[StudyFindings, dict[str, Path]]:
    """What ``imaging.analyze`` returns for a PA film read as pneumonia and a CT series; and the previews."""
    preview, heatmap = _pictures(folder)
    finding = Finding.model_validate(
        {
            "label": "pneumonia",
            "probability": 0.82,
            "threshold": 0.5,
            "positive": status == "reported",
            "model": CARD.id,
            "status": status,
            "reason": reason,
            "population": "adult, PA",
        }
    )
    nodule = NoduleCandidate(
        diameter_mm=7.5,
        axial_extent_mm=8.0,
        volume_ml=0.22,
        slice_index=30,
        centroid_zyx=(30.0, 100.0, 120.0),
        mean_hu=-40.0,
        slices=(29, 31),
    )
    measurements = CTMeasurements(
        lung_volume_l=5.12, laa950_percent=3.4, airway_volume_ml=61.0, nodule_candidates=[nodule]
    )
    result = StudyFindings(
        images=[
            ImageFindings(
                source="chest.dcm",
                kind="cxr",
                view="PA",
                ood=OODCheck(accepted=True),
                findings=[finding],
                heatmaps={"pneumonia": str(heatmap)},
            )
        ],
        ct_series=[CTSeriesFindings(series_uid="1.2.3", n_slices=64, measurements=measurements)],
        model_cards=[CARD],
    )
    return result, {"chest.dcm": preview}


def summary_findings() -> ImagingFindings:
    """The composer's findings summary for :func:`study` (what the job stores beside it)."""
    ref = ModelCardRef(id=CARD.id, name="so-cxr-compact")
    return ImagingFindings(
        modality="chest X-ray",
        kinds=["cxr", "ct"],
        findings=[
            ImagingFinding(
                label="pneumonia",
                probability=0.82,
                threshold=0.5,
                positive=True,
                model_card=ref,
                status="reported",
                reason=None,
                population="adult, PA",
            )
        ],
    )


def seed_review_case(db: Database, settings: Settings, patient: User, *, urgent: bool = False) -> str:
    """A case waiting for review with a realistic draft, images and a conversation; returns its id."""
    case_id = to_state(db, patient, CaseStatus.DRAFTING)
    with tempfile.TemporaryDirectory() as tmp:
        analysed, previews = study(Path(tmp))
        record = imaging_record(AppContext(settings, db=db), "chest.dcm", analysed, previews)
    save(db, case_id, review_draft(), hits=HITS, imaging=[record], findings=summary_findings())
    with db.session() as s:
        conv = transcripts.start_conversation(s, patient, case_id)
        transcripts.add_message(s, patient, conv.id, "patient", "I was told I have pneumonia. Is that right?")
        transcripts.add_message(s, patient, conv.id, "assistant", "I will collect your history and images.")
        if urgent:
            from assistant.services import cases

            cases.mark_red_flags(s, patient, case_id, ["chest pain"])
    return case_id


def make_client(settings: Settings, db: Database) -> TestClient:
    """A test client of the whole app without the chat."""
    return TestClient(create_app(settings, context=AppContext(settings, db=db), with_chat=False))


def csrf(client: TestClient, path: str = "/login") -> str:
    """The session's CSRF token, read from a page's form."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: TestClient, username: str, password: str = TEST_PASSWORD) -> str:
    """Log in through the real form; returns the new session's CSRF token."""
    token = csrf(client)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf(client)  # login starts a fresh session with a new token


def post(client: TestClient, path: str, token: str, **data: str) -> Any:
    """Post a form with the CSRF token, without following the redirect."""
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def image_keys(html: str) -> list[str]:
    """Image keys the page links to."""
    return re.findall(r"/images/([0-9a-f]{64})", html)


def data_present() -> bool:
    """Whether the shared data folder is there (images then come from a real CXR)."""
    return Path(SHARED_DATA).is_dir()
