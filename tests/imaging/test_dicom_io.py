"""Reading DICOM defensively and telling file kinds apart by content."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from imaging.dicom_io import dicomdir_references, read_dataset, sniff, transfer_syntax_name
from imaging.errors import DicomDecodeError
from tests.imaging.conftest import CT_A0001, SIIM_M2, require
from tests.imaging.test_pixels import PYDICOM_FILES, pydicom_file


class TestSniff:
    """File kinds come from the first bytes, never from the name."""

    def test_dicom_without_extension(self, tmp_path: Path) -> None:
        """A DICOM file named like a picture is still DICOM."""
        target = tmp_path / "photo.jpg"
        target.write_bytes(pydicom_file("CT_small.dcm").read_bytes())
        assert sniff(target) == "dicom"

    @pytest.mark.parametrize(
        ("name", "kind"),
        [("ExplVR_BigEndNoMeta.dcm", "dicom"), ("DICOMDIR", "dicomdir"), ("README.txt", "unknown")],
    )
    def test_pydicom_files(self, name: str, kind: str) -> None:
        """Preamble-less DICOM, DICOMDIR and text are told apart."""
        assert sniff(pydicom_file(name)) == kind

    @pytest.mark.parametrize(("fmt", "kind"), [("PNG", "png"), ("JPEG", "jpeg")])
    def test_pictures(self, tmp_path: Path, fmt: str, kind: str) -> None:
        """PNG and JPEG signatures are recognised."""
        target = tmp_path / "x.bin"
        Image.new("L", (4, 4)).save(target, format=fmt)
        assert sniff(target) == kind

    def test_missing_file(self, tmp_path: Path) -> None:
        """A file that cannot be opened is unknown."""
        assert sniff(tmp_path / "none") == "unknown"


class TestReadDataset:
    """read_dataset turns every parsing failure into DicomDecodeError."""

    def test_reads_real_ct(self) -> None:
        """A TCIA slice reads with its transfer syntax named."""
        ds = read_dataset(require(CT_A0001 / "1-01.dcm"))
        assert ds.Modality == "CT"
        assert transfer_syntax_name(ds) == "Implicit VR Little Endian"

    def test_jpeg_transfer_syntax(self) -> None:
        """The SIIM film reports JPEG Baseline."""
        assert transfer_syntax_name(read_dataset(require(SIIM_M2))) == "JPEG Baseline (Process 1)"

    def test_missing_transfer_syntax_filled(self) -> None:
        """A file without (0002,0010) gets it from how it was read."""
        ds = read_dataset(pydicom_file("meta_missing_tsyntax.dcm"))
        assert ds.file_meta.TransferSyntaxUID.is_transfer_syntax

    @pytest.mark.parametrize(
        ("payload", "match"),
        [
            (b"", "not a valid DICOM"),
            (b"\0" * 128 + b"DICM" + b"\x02\x00\x10\x00UI\xff\xff", "damaged|not a valid"),
        ],
    )
    def test_garbage(self, tmp_path: Path, payload: bytes, match: str) -> None:
        """Empty and broken files raise the domain error."""
        target = tmp_path / "bad.dcm"
        target.write_bytes(payload)
        with pytest.raises(DicomDecodeError, match=match):
            read_dataset(target)


class TestDicomdir:
    """DICOMDIR references resolve inside the study folder only."""

    def test_references(self) -> None:
        """pydicom's DICOMDIR lists 31 existing files."""
        dicomdir = next(
            (p for p in PYDICOM_FILES if p.name == "DICOMDIR" and p.parent.name == "dicomdirtests"),
            None,
        )
        if dicomdir is None:
            pytest.skip("pydicom's dicomdirtests/DICOMDIR is not shipped in this wheel")
        refs = dicomdir_references(dicomdir)
        assert len(refs) == 31
        assert all(r.is_file() and r.is_relative_to(dicomdir.parent) for r in refs)
