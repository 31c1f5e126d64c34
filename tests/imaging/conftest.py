"""Shared fixtures for the imaging tests: real DICOM files from ../shared/data and pydicom."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from imaging.archive import ArchiveLimits

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
DICOM_DIR = SHARED / "dicom"
XRV_SAMPLES = SHARED / "cxr" / "xrv_samples"
CT_A0001 = DICOM_DIR / "lung_pet_ct_dx" / "Lung_Dx-A0001_series2_5mm"
CT_A0002 = DICOM_DIR / "lung_pet_ct_dx" / "Lung_Dx-A0002_series3_B40f"
SIIM_M2 = DICOM_DIR / "xrv_siim" / "1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm"
SIIM_M1 = DICOM_DIR / "xrv_siim" / "Fake_MONOHR1.dcm"
HIGHDICOM = DICOM_DIR / "highdicom"


def shared_files(root: Path) -> list[Path]:
    """Every regular file under ``root`` (empty when the shared data is absent)."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def require(path: Path) -> Path:
    """Skip the test with a clear reason when a shared data file or folder is absent."""
    if not path.exists():
        pytest.skip(f"shared test data not found: {path} (see ../shared/data/README.md)")
    return path


@pytest.fixture(autouse=True)
def _quiet_pydicom_warnings() -> None:
    """Real files carry harmless standard deviations that pydicom warns about."""
    warnings.filterwarnings("ignore", module="pydicom")
    warnings.filterwarnings("ignore", message=".*exceeds the maximum length.*")


@pytest.fixture
def limits() -> ArchiveLimits:
    """Upload limits small enough to test, large enough for the real test data."""
    return ArchiveLimits(max_uncompressed_bytes=200 * 1024 * 1024, max_members=500, max_depth=2)


@pytest.fixture(scope="session")
def ct_a0001_paths() -> list[Path]:
    """The 64 files of TCIA Lung-PET-CT-Dx A0001 (5 mm chest CT)."""
    paths = sorted(require(CT_A0001).glob("*.dcm"))
    assert len(paths) == 64
    return paths


@pytest.fixture(scope="session")
def siim_pair() -> tuple[Path, Path]:
    """The SIIM radiograph as MONOCHROME2 and its MONOCHROME1 rewrite."""
    return require(SIIM_M2), require(SIIM_M1)
