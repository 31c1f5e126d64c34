"""Fuzzing ingest with mutated real DICOM and zip bytes: only domain errors may escape.

CI runs a few hundred examples; ``benchmarks/fuzz_imaging.py`` runs 10,000 or more.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imaging.archive import ArchiveLimits
from imaging.dicom_io import dicomdir_references
from imaging.errors import ImagingError
from imaging.ingest import ingest_path
from tests.imaging.conftest import HIGHDICOM
from tests.imaging.test_pixels import PYDICOM_FILES

LIMITS = ArchiveLimits(max_uncompressed_bytes=20_000_000, max_members=50, max_depth=1)
_SEED_NAMES = ("CT_small.dcm", "MR_small_RLE.dcm", "SC_rgb_jpeg_dcmtk.dcm", "rtplan.dcm")


def _dicom_seeds() -> list[bytes]:
    paths = [p for p in PYDICOM_FILES if p.name in _SEED_NAMES]
    paths += [HIGHDICOM / n for n in ("ct_image.dcm", "sr_document.dcm") if (HIGHDICOM / n).is_file()]
    return [p.read_bytes() for p in paths]


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _zip_seeds() -> list[bytes]:
    seeds = [
        _zip({f"S/{i}.dcm": d for i, d in enumerate(DICOM_SEEDS[:2])}),
        _zip({"inner.zip": _zip({"a.dcm": DICOM_SEEDS[0]})}),
    ]
    for path in PYDICOM_FILES:
        if path.name == "DICOMDIR" and path.parent.name == "dicomdirtests":
            members = {"STUDY/DICOMDIR": path.read_bytes()}
            for ref in dicomdir_references(path)[:2]:
                members["STUDY/" + ref.relative_to(path.parent).as_posix()] = ref.read_bytes()
            seeds.append(_zip(members))
    return seeds


DICOM_SEEDS = _dicom_seeds()
ZIP_SEEDS = _zip_seeds() if DICOM_SEEDS else []

mutation = st.tuples(
    st.sampled_from(["flip", "set", "insert", "delete", "truncate", "ffff"]),
    st.floats(min_value=0.0, max_value=1.0, allow_nan=False),
    st.integers(min_value=0, max_value=255),
)


def _mutate(data: bytes, ops: list[tuple[str, float, int]]) -> bytes:
    buf = bytearray(data)
    for op, where, value in ops:
        if not buf:
            break
        pos = min(int(where * len(buf)), len(buf) - 1)
        if op == "flip":
            buf[pos] ^= 1 << (value % 8)
        elif op == "set":
            buf[pos] = value
        elif op == "insert":
            buf[pos:pos] = bytes([value]) * (value % 16 + 1)
        elif op == "delete":
            del buf[pos : pos + value % 64 + 1]
        elif op == "truncate":
            del buf[pos:]
        else:
            buf[pos : pos + 4] = b"\xff\xff\xff\xff"
    return bytes(buf)


def _ingest_bytes(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / name
        src.write_bytes(data)
        try:
            result = ingest_path(src, Path(tmp) / "out", LIMITS)
        except ImagingError:
            return  # a domain error is an allowed outcome
        assert all(p.strip() for p in result.problems)
        result.model_dump_json()


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


@pytest.mark.slow
class TestFuzzIngest:
    """Mutated inputs ingest or raise ImagingError, never anything else."""

    @pytest.mark.skipif(not DICOM_SEEDS, reason="no seed DICOM files found")
    @FUZZ
    @given(seed=st.integers(min_value=0), ops=st.lists(mutation, min_size=1, max_size=8))
    def test_mutated_dicom(self, seed: int, ops: list[tuple[str, float, int]]) -> None:
        """A mutated DICOM file never raises a non-domain exception."""
        _ingest_bytes(_mutate(DICOM_SEEDS[seed % len(DICOM_SEEDS)], ops), "upload.dcm")

    @pytest.mark.skipif(not DICOM_SEEDS, reason="no seed DICOM files found")
    @FUZZ
    @given(seed=st.integers(min_value=0), ops=st.lists(mutation, min_size=1, max_size=8))
    def test_mutated_zip(self, seed: int, ops: list[tuple[str, float, int]]) -> None:
        """A mutated zip archive never raises a non-domain exception."""
        _ingest_bytes(_mutate(ZIP_SEEDS[seed % len(ZIP_SEEDS)], ops), "upload.zip")
