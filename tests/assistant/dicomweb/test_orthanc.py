"""The viewer's DICOMweb routes with a real Orthanc as the store (``dicomweb.mode = "orthanc"``).

Orthanc (Debian's ``orthanc`` and ``orthanc-dicomweb``) runs on a free loopback port with a
temporary configuration: no authentication, no DICOM port, storage in a temporary folder.
The imaging step's helper stores the instances with STOW-RS; the routes then answer from
Orthanc after the same case checks as in local mode.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pydicom
import pytest
from fastapi.testclient import TestClient

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import User
from assistant.roles import Role
from assistant.settings import Settings
from assistant.web.app import create_app
from tests.assistant.web.dicomweb_case import seed_dicom_case, stored_evidence
from tests.assistant.web.imaging_case import A0001, FILM
from tests.assistant.web.staff import login
from tests.assistant.web.test_dicomweb import multipart_parts

ORTHANC = Path("/usr/sbin/Orthanc")
PLUGIN = Path("/usr/share/orthanc/plugins/libOrthancDicomWeb.so")
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def orthanc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private Orthanc with DICOMweb; yields its DICOMweb root URL."""
    if not (ORTHANC.is_file() and PLUGIN.is_file()):
        pytest.skip("Orthanc is not installed (apt-get install -y orthanc orthanc-dicomweb)")
    root = tmp_path_factory.mktemp("orthanc")
    port = _free_port()
    config = {
        "Name": "second-opinion-test",
        "HttpPort": port,
        "HttpServerEnabled": True,
        "DicomServerEnabled": False,
        "RemoteAccessAllowed": False,
        "AuthenticationEnabled": False,
        "StorageDirectory": str(root / "storage"),
        "IndexDirectory": str(root / "index"),
        "Plugins": [str(PLUGIN)],
        "DicomWeb": {"Enable": True, "Root": "/dicom-web/"},
    }
    (root / "orthanc.json").write_text(json.dumps(config))
    log = (root / "orthanc.log").open("w")
    proc = subprocess.Popen([str(ORTHANC), str(root / "orthanc.json")], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if httpx.get(f"{base}/system", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.25)
        else:
            pytest.fail("Orthanc did not start: " + (root / "orthanc.log").read_text()[-2000:])
        yield f"{base}/dicom-web"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture
def world(
    orthanc: str, tmp_path: Path, sqlite_db: Database, make_user: Callable[..., User]
) -> dict[str, Any]:
    """Two cases whose instances were stowed into Orthanc, and a client per role."""
    if not (A0001.is_dir() and FILM.is_file()):
        pytest.skip(f"shared imaging data not found: {A0001}, {FILM}")
    settings = Settings(
        environment="test",
        data_dir=tmp_path / "data",  # type: ignore[arg-type]
        llm={"mode": "mock"},  # type: ignore[arg-type]
        dicomweb={"mode": "orthanc", "orthanc_url": orthanc},  # type: ignore[arg-type]
    )
    ctx = AppContext(settings, db=sqlite_db)
    ct_dir = tmp_path / "ct"
    ct_dir.mkdir()
    for f in sorted(A0001.glob("*.dcm"))[30:33]:
        shutil.copy(f, ct_dir / f.name)
    owner = make_user(sqlite_db, Role.PATIENT, "or-owner")
    ct_case = seed_dicom_case(sqlite_db, owner, stored_evidence(ctx, ct_dir, tmp_path / "w1"))
    film_evidence = stored_evidence(ctx, FILM, tmp_path / "w2")
    film_case = seed_dicom_case(sqlite_db, owner, film_evidence)
    app = create_app(settings, context=ctx, with_chat=False)
    clients = {}
    for role, name in ((Role.CLINICIAN, "or-doc"), (Role.SUPPORT, "or-support")):
        make_user(sqlite_db, role, name)
        clients[role] = TestClient(app)
        login(clients[role], name)
    clients[Role.PATIENT] = TestClient(app)
    login(clients[Role.PATIENT], "or-owner")
    with sqlite_db.session() as s:
        from assistant.dicomweb.index import CaseInstances

        ct_refs = CaseInstances.load(s, ct_case).refs
    return {
        "ct_case": ct_case,
        "film_case": film_case,
        "ct": ct_refs,
        "film": film_evidence["imaging"]["uploads"][0]["dicom"][0],
        "clients": clients,
        "ctx": ctx,
        "orthanc": orthanc,
    }


class TestThroughOrthanc:
    def test_instances_were_stowed(self, world: dict[str, Any]) -> None:
        """Orthanc holds the de-identified study under the UID our evidence recorded."""
        uid = world["ct"][0].study_uid
        found = httpx.get(f"{world['orthanc']}/studies", params={"StudyInstanceUID": uid}).json()
        assert len(found) == 1

    def test_clinician_reads_the_case_through_orthanc(self, world: dict[str, Any]) -> None:
        """Studies, metadata and frames come from Orthanc; the frame equals the stored pixels."""
        client = world["clients"][Role.CLINICIAN]
        ref = world["ct"][0]
        root = f"/cockpit/cases/{world['ct_case']}/dicomweb"
        studies = client.get(f"{root}/studies")
        assert studies.status_code == 200
        assert [s["0020000D"]["Value"][0] for s in studies.json()] == [ref.study_uid]
        meta = client.get(f"{root}/studies/{ref.study_uid}/metadata")
        assert meta.status_code == 200 and len(meta.json()) == 3
        assert world["orthanc"].encode() not in meta.content  # Orthanc's URLs are rewritten to ours
        url = f"{root}/studies/{ref.study_uid}/series/{ref.series_uid}/instances/{ref.sop_uid}/frames/1"
        ((_, pixels),) = multipart_parts(client.get(url))
        stored = pydicom.dcmread(world["ctx"].storage.path(ref.key))
        assert pixels == stored.pixel_array.astype("<i2" if stored.PixelRepresentation else "<u2").tobytes()

    def test_another_cases_study_is_not_found(self, world: dict[str, Any]) -> None:
        """The film is in Orthanc, but asking for it under the CT case is 404."""
        client = world["clients"][Role.CLINICIAN]
        film = world["film"]
        root = f"/cockpit/cases/{world['ct_case']}/dicomweb"
        assert client.get(f"{root}/studies/{film['study_uid']}/metadata").status_code == 404
        assert (
            client.get(
                f"/cockpit/cases/{world['film_case']}/dicomweb/studies/{film['study_uid']}/metadata"
            ).status_code
            == 200
        )

    @pytest.mark.parametrize("role", [Role.PATIENT, Role.SUPPORT])
    def test_patient_and_support_are_refused(self, world: dict[str, Any], role: Role) -> None:
        """Every DICOMweb route refuses the case's patient and support staff in orthanc mode too."""
        client = world["clients"][role]
        ref = world["ct"][0]
        root = f"/cockpit/cases/{world['ct_case']}/dicomweb"
        base = f"{root}/studies/{ref.study_uid}/series/{ref.series_uid}"
        for url in (
            f"{root}/studies",
            f"{root}/studies/{ref.study_uid}/series",
            f"{root}/studies/{ref.study_uid}/metadata",
            f"{base}/instances",
            f"{base}/metadata",
            f"{base}/instances/{ref.sop_uid}",
            f"{base}/instances/{ref.sop_uid}/metadata",
            f"{base}/instances/{ref.sop_uid}/frames/1",
        ):
            assert client.get(url, follow_redirects=False).status_code in (403, 404), url
