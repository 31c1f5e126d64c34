"""Fixtures of the application tests: an app context on the test database, patients, shared files."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import User
from assistant.roles import Role
from assistant.settings import Settings
from assistant.triage import Triage


@pytest.fixture
def ctx(settings: Settings, sqlite_db: Database, shared_triage: Triage) -> AppContext:
    """An application context on the (emptied) SQLite test database, with the session's triage."""
    context = AppContext(settings, db=sqlite_db)
    context.component("triage", lambda: shared_triage)
    return context


@pytest.fixture
def patient(sqlite_db: Database, make_user: Callable[..., User]) -> User:
    """A patient account."""
    return make_user(sqlite_db, Role.PATIENT)


@pytest.fixture
def clinician(sqlite_db: Database, make_user: Callable[..., User]) -> User:
    """A clinician account."""
    return make_user(sqlite_db, Role.CLINICIAN)


@pytest.fixture(scope="session")
def ct_zip(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The TCIA A0002 chest CT series (30 slices) as a zip, as a hospital would hand it over."""
    series = shared_data / "dicom" / "lung_pet_ct_dx" / "Lung_Dx-A0002_series3_B40f"
    target = tmp_path_factory.mktemp("ct") / "chest-ct.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(series.glob("*.dcm")):
            zf.write(f, f"study/{f.name}")
    return target


@pytest.fixture(scope="session")
def radiograph(shared_data: Path) -> Path:
    """A Kermany paediatric chest radiograph (JPEG)."""
    return shared_data / "cxr" / "kermany" / "images" / "test_NORMAL_NORMAL2-IM-0271-0001.jpeg"
