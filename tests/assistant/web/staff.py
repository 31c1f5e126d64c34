"""Helpers for the staff-page tests: an app client, login through the form, a case awaiting review.

The seeded case goes through the real services (``to_state``) and gets an AI draft in the
drafting pipeline's stored form (sections of checked sentences, passages with provenance,
per-upload imaging evidence with heatmap and preview keys in storage, CT measurements).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from PIL import Image

from assistant.actors import SYSTEM
from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import User
from assistant.lifecycle import CaseStatus
from assistant.services import drafts, transcripts
from assistant.settings import Settings
from assistant.storage import LocalStorage
from assistant.web.app import create_app
from tests.assistant.factories import to_state
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


def draft_content() -> dict[str, Any]:
    """AI draft content as the drafting pipeline stores it."""
    return {
        "sections": [
            {
                "key": key,
                "title": title,
                "sentences": [
                    {
                        "text": text,
                        "origin": "llm",
                        "citations": [int(n) for n in re.findall(r"\[(\d+)\]", text)],
                        "finding_refs": [],
                        "support": 0.9 if ok else 0.1,
                        "supported": ok,
                        "flags": [] if ok is not False else ["unsupported"],
                    }
                    for text, ok in sentences
                ],
            }
            for key, title, sentences in SECTIONS
        ],
        "priority": "routine",
    }


def _png(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="PNG")
    return buf.getvalue()


def _base_image() -> np.ndarray:
    folder = SHARED_DATA / "cxr" / "nih1000" / "images_256"
    found = sorted(folder.glob("*.png"))[:1] if folder.is_dir() else []
    if found:
        gray = np.asarray(Image.open(found[0]).convert("L").resize((256, 256)), dtype=np.uint8)
    else:
        y, x = np.mgrid[0:256, 0:256]
        gray = (96 + 80 * np.cos((x - 128) / 60.0) * np.cos((y - 128) / 90.0)).clip(0, 255).astype(np.uint8)
    return np.stack([gray] * 3, axis=-1)


def store_images(storage: LocalStorage) -> tuple[str, str]:
    """A de-identified preview and a heatmap overlay in storage; returns their keys."""
    base = _base_image()
    y, x = np.mgrid[0:256, 0:256]
    heat = np.exp(-(((x - 170) ** 2) + ((y - 160) ** 2)) / (2 * 28.0**2))[..., None]
    red = np.zeros_like(base, dtype=np.float64)
    red[..., 0] = 255
    overlay = (base * (1 - 0.55 * heat) + red * 0.55 * heat).clip(0, 255).astype(np.uint8)
    keys = []
    for picture in (base, overlay):
        key, _ = storage.put_stream(io.BytesIO(_png(picture)))
        keys.append(key)
    return keys[0], keys[1]


def evidence(preview_key: str, heatmap_key: str) -> dict[str, Any]:
    """Evidence in the drafting job's shape: passages, per-upload imaging, findings summary."""
    card = {
        "id": "so-cxr-compact@1",
        "summary": "Compact chest X-ray classifier.",
        "limitations": ["Trained on 1,000 adult NIH films; not validated on children."],
        "intended_use": "Decision support for a clinician; never a diagnosis on its own.",
    }
    finding = {
        "label": "pneumonia",
        "probability": 0.82,
        "threshold": 0.5,
        "positive": True,
        "model": "so-cxr-compact@1",
        "status": "reported",
        "population": "adult, PA",
    }
    return {
        "passages": [
            {
                "number": 1,
                "title": "Pneumonia - diagnosis",
                "publisher": "MedlinePlus",
                "url": "https://medlineplus.gov/pneumonia.html",
                "text": "A chest X-ray can show pneumonia.",
            },
            {
                "number": 2,
                "title": "Model card: so-cxr-compact",
                "publisher": "Second opinion",
                "url": "",
                "text": "Validation AUC 0.81 for pneumonia.",
            },
            {
                "number": 3,
                "title": "Differential diagnosis of lung opacities",
                "publisher": "NHLBI",
                "url": "javascript:alert(1)",
                "text": "Fluid, collapse and masses can look alike.",
            },
        ],
        "imaging": {
            "uploads": [
                {
                    "upload_id": "u1",
                    "filename": "chest.dcm",
                    "images": [
                        {
                            "source": "chest.dcm",
                            "kind": "cxr",
                            "view": "PA",
                            "ood": {"accepted": True, "reasons": [], "flags": []},
                            "findings": [finding],
                            "heatmap_keys": {"pneumonia": heatmap_key},
                            "preview_key": preview_key,
                        }
                    ],
                    "ct_series": [
                        {
                            "n_slices": 64,
                            "error": None,
                            "key_image_keys": [],
                            "measurements": {
                                "lung_volume_l": 5.12,
                                "laa950_percent": 3.4,
                                "airway_volume_ml": 61.0,
                                "nodule_candidates": [{"diameter_mm": 7.5, "slice_index": 30}],
                                "warnings": [],
                            },
                        }
                    ],
                    "model_cards": [card],
                    "skipped": [],
                    "heatmap_note": "Heatmaps show which regions most influenced the model's score.",
                }
            ]
        },
        "findings": {
            "modality": "chest X-ray",
            "findings": [
                {**finding, "model_card": {"id": card["id"], "name": "so-cxr-compact", "limitations": []}}
            ],
        },
    }


CHECKS = {
    "citations": {
        "n_citations": 9,
        "n_unresolved_removed": 1,
        "n_unsupported": 1,
        "n_checked_sentences": 8,
        "mean_support": 0.8,
        "scorer": "lexical",
        "threshold": 0.3,
    },
    "flags": [{"kind": "citation", "detail": "removed [7]", "section": "images"}],
}


def seed_review_case(db: Database, settings: Settings, patient: User, *, urgent: bool = False) -> str:
    """A case waiting for review with a realistic draft, images and a conversation; returns its id."""
    case_id = to_state(db, patient, CaseStatus.DRAFTING)
    preview, heat = store_images(LocalStorage(settings.storage_root))
    with db.session() as s:
        drafts.create_ai_draft(
            s,
            SYSTEM,
            case_id,
            draft_content(),
            prompt_name="opinion",
            prompt_version="1",
            prompt_sha256="0" * 64,
            model_id="mock",
            checks=CHECKS,
            evidence=evidence(preview, heat),
        )
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
