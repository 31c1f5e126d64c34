"""The DICOMweb routes over our storage: what a clinician gets, what everyone else does not, and the audit."""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydicom
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import AuditEvent, User
from assistant.roles import Role
from assistant.settings import Settings, StorageSettings
from assistant.storage import read_bytes
from assistant.web.app import create_app
from tests.assistant.web.dicomweb_case import seed_dicom_case, stored_evidence
from tests.assistant.web.imaging_case import A0001, FILM
from tests.assistant.web.staff import login

ROOT = "/cockpit/cases/{case}/dicomweb"


def multipart_parts(response: Any) -> list[tuple[str, bytes]]:
    """(content type, body) of each part of a multipart/related answer."""
    boundary = re.search(r"boundary=\"?([^\";]+)", response.headers["content-type"])
    assert boundary, response.headers["content-type"]
    parts = []
    for chunk in response.content.split(b"--" + boundary.group(1).encode())[1:-1]:
        head, _, body = chunk.partition(b"\r\n\r\n")
        ctype = re.search(rb"Content-Type: ([^\r\n]+)", head, re.IGNORECASE)
        parts.append((ctype.group(1).decode() if ctype else "", body.removesuffix(b"\r\n")))
    return parts


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """Four slices of the shared TCIA CT and the SIIM film in one folder."""
    if not (A0001.is_dir() and FILM.is_file()):
        pytest.skip(f"shared imaging data not found: {A0001}, {FILM}")
    folder = tmp_path / "upload"
    folder.mkdir()
    for f in sorted(A0001.glob("*.dcm"))[30:34]:
        shutil.copy(f, folder / f.name)
    shutil.copy(FILM, folder / "film.dcm")
    return folder


@pytest.fixture(params=["local", "database"])
def world(
    request: pytest.FixtureRequest,
    settings: Settings,
    sqlite_db: Database,
    make_user: Callable[..., User],
    sources: Path,
    tmp_path: Path,
) -> dict[str, Any]:
    """The app, a case with stored instances, and a logged-in client per role (each storage backend)."""
    settings = settings.model_copy(update={"storage": StorageSettings(mode=request.param)})
    ctx = AppContext(settings, db=sqlite_db)
    owner = make_user(sqlite_db, Role.PATIENT, "dw-owner")
    evidence = stored_evidence(ctx, sources, tmp_path / "work")
    case_id = seed_dicom_case(sqlite_db, owner, evidence)
    app = create_app(settings, context=ctx, with_chat=False)
    clients = {}
    for role, name in ((Role.CLINICIAN, "dw-doc"), (Role.SUPPORT, "dw-support"), (Role.ADMIN, "dw-admin")):
        make_user(sqlite_db, role, name)
        clients[role] = TestClient(app)
        login(clients[role], name)
    clients[Role.PATIENT] = TestClient(app)
    login(clients[Role.PATIENT], "dw-owner")
    dicom = evidence["imaging"]["uploads"][0]["dicom"]
    return {"case": case_id, "clients": clients, "dicom": dicom, "db": sqlite_db, "ctx": ctx}


def _urls(world: dict[str, Any]) -> list[str]:
    """Every DICOMweb route of the app, filled with the case's own UIDs."""
    ct = next(d for d in world["dicom"] if d["kind"] == "ct")
    values = {
        "case_id": world["case"],
        "study": ct["study_uid"],
        "series": ct["series_uid"],
        "sop": ct["sop_uid"],
        "frames": "1",
    }
    app = world["clients"][Role.CLINICIAN].app
    paths = [r.path for r in app.routes if "/dicomweb" in getattr(r, "path", "")]
    assert len(paths) == 8
    return [re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], p) for p in paths]


class TestClinicianReads:
    def test_search_metadata_frames_and_instance(self, world: dict[str, Any]) -> None:
        """QIDO finds the case's two studies; metadata has no pixels; frames are the stored pixels."""
        client = world["clients"][Role.CLINICIAN]
        root = ROOT.format(case=world["case"])
        studies = client.get(f"{root}/studies").json()
        assert len(studies) == 2
        ct = next(d for d in world["dicom"] if d["kind"] == "ct")
        series = client.get(f"{root}/studies/{ct['study_uid']}/series").json()
        assert [s["0020000E"]["Value"][0] for s in series] == [ct["series_uid"]]
        instances = client.get(f"{root}/studies/{ct['study_uid']}/series/{ct['series_uid']}/instances").json()
        assert len(instances) == 4
        meta = client.get(f"{root}/studies/{ct['study_uid']}/metadata")
        assert meta.headers["content-type"].startswith("application/dicom+json")
        items = meta.json()
        assert len(items) == 4 and all("7FE00010" not in m for m in items)
        assert {m["00080018"]["Value"][0] for m in items} == {
            d["sop_uid"] for d in world["dicom"] if d["kind"] == "ct"
        }
        assert all("00100010" not in m or not m["00100010"].get("Value") for m in items)  # no patient name

        url = f"{root}/studies/{ct['study_uid']}/series/{ct['series_uid']}/instances/{ct['sop_uid']}"
        ((ctype, pixels),) = multipart_parts(client.get(f"{url}/frames/1"))
        assert "transfer-syntax=1.2.840.10008.1.2.1" in ctype
        stored = pydicom.dcmread(io.BytesIO(read_bytes(world["ctx"].storage, ct["key"])))
        assert pixels == stored.pixel_array.astype("<i2" if stored.PixelRepresentation else "<u2").tobytes()
        ((itype, body),) = multipart_parts(client.get(url))
        assert itype == "application/dicom" and body[128:132] == b"DICM"

    def test_film_frame_is_full_resolution(self, world: dict[str, Any]) -> None:
        """The film's frame carries every pixel of the stored film (Rows x Columns x 2 bytes)."""
        client = world["clients"][Role.CLINICIAN]
        film = next(d for d in world["dicom"] if d["kind"] == "cxr")
        stored = pydicom.dcmread(io.BytesIO(read_bytes(world["ctx"].storage, film["key"])))
        root = ROOT.format(case=world["case"])
        url = (
            f"{root}/studies/{film['study_uid']}/series/{film['series_uid']}"
            f"/instances/{film['sop_uid']}/frames/1"
        )
        ((_, pixels),) = multipart_parts(client.get(url))
        assert len(pixels) == stored.Rows * stored.Columns * stored.BitsAllocated // 8

    def test_one_audit_event_per_study_view(self, world: dict[str, Any]) -> None:
        """Opening a study's metadata writes one study.view event; frames do not add more."""
        client = world["clients"][Role.CLINICIAN]
        ct = next(d for d in world["dicom"] if d["kind"] == "ct")
        root = ROOT.format(case=world["case"])

        def views() -> int:
            with world["db"].session() as s:
                return int(
                    s.scalar(
                        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "study.view")
                    )
                    or 0
                )

        before = views()
        client.get(f"{root}/studies/{ct['study_uid']}/metadata")
        for d in (d for d in world["dicom"] if d["kind"] == "ct"):
            client.get(
                f"{root}/studies/{d['study_uid']}/series/{d['series_uid']}/instances/{d['sop_uid']}/frames/1"
            )
        assert views() == before + 1
        with world["db"].session() as s:
            event = s.scalars(
                select(AuditEvent).where(AuditEvent.action == "study.view").order_by(AuditEvent.seq.desc())
            ).first()
            assert event is not None and event.case_id == world["case"] and event.target_id == ct["study_uid"]

    def test_other_uids_are_not_found(self, world: dict[str, Any]) -> None:
        """A UID that is not the case's, or a frame past the end, is 404; a bad frame list is 400."""
        client = world["clients"][Role.CLINICIAN]
        ct = next(d for d in world["dicom"] if d["kind"] == "ct")
        root = ROOT.format(case=world["case"])
        assert client.get(f"{root}/studies/1.2.3/metadata").status_code == 404
        assert client.get(f"{root}/studies/{ct['study_uid']}/series/1.2.3/instances").status_code == 404
        base = f"{root}/studies/{ct['study_uid']}/series/{ct['series_uid']}/instances/{ct['sop_uid']}"
        assert client.get(f"{base}/frames/2").status_code == 404
        assert client.get(f"{base}/frames/x").status_code == 400
        assert client.get(f"{ROOT.format(case='no-such-case')}/studies").status_code == 404


class TestOthersAreRefused:
    @pytest.mark.parametrize("role", [Role.PATIENT, Role.SUPPORT, Role.ADMIN])
    def test_every_route_is_refused(self, world: dict[str, Any], role: Role) -> None:
        """The case's own patient, support staff and admins get 403/404 on every DICOMweb route."""
        client = world["clients"][role]
        for url in _urls(world):
            response = client.get(url, headers={"accept": "application/json"}, follow_redirects=False)
            assert response.status_code in (403, 404), (role, url, response.status_code)
            assert b"DICM" not in response.content and b"00080018" not in response.content

    def test_anonymous_is_sent_to_log_in(self, world: dict[str, Any]) -> None:
        """Without a session every route redirects to the login page."""
        client = TestClient(world["clients"][Role.CLINICIAN].app)
        for url in _urls(world):
            assert client.get(url, follow_redirects=False).status_code in (303, 401), url


class TestStudiesJson:
    def test_search_answers_are_dicom_json(self, world: dict[str, Any]) -> None:
        """QIDO answers are DICOM JSON arrays with tag keys and vr/Value members."""
        client = world["clients"][Role.CLINICIAN]
        body = client.get(f"{ROOT.format(case=world['case'])}/studies").text
        for item in json.loads(body):
            assert all(re.fullmatch(r"[0-9A-F]{8}", k) and "vr" in v for k, v in item.items())
