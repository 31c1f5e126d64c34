"""ingest_path on every kind of upload: file, folder, zip with DICOMDIR, pictures, junk."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pydicom
import pytest
from PIL import Image

from imaging.archive import ArchiveLimits
from imaging.dicom_io import dicomdir_references
from imaging.errors import ImagingError, UnsafeArchiveError
from imaging.ingest import BURNED_IN_PROBLEM, ingest_path
from tests.imaging.conftest import HIGHDICOM, SIIM_M2, XRV_SAMPLES, require
from tests.imaging.test_pixels import PYDICOM_FILES, pydicom_file


def _dicomdir_study() -> tuple[Path, list[Path]]:
    for path in PYDICOM_FILES:
        if path.name == "DICOMDIR" and path.parent.name == "dicomdirtests":
            return path, dicomdir_references(path)
    pytest.skip("pydicom's dicomdirtests/DICOMDIR is not shipped in this wheel")


def _zip_study(zip_path: Path, dicomdir: Path, refs: list[Path]) -> Path:
    with zipfile.ZipFile(zip_path, "w") as zf:
        zf.write(dicomdir, "STUDY/DICOMDIR")
        for ref in refs:
            zf.write(ref, "STUDY/" + ref.relative_to(dicomdir.parent).as_posix())
    return zip_path


class TestIngestDicom:
    """Single files and folders of DICOM."""

    def test_single_radiograph(self, tmp_path: Path, limits: ArchiveLimits) -> None:
        """The SIIM film is a PA chest X-ray, stored de-identified under out_dir."""
        result = ingest_path(require(SIIM_M2), tmp_path / "out", limits)
        (obj,) = result.objects
        assert (obj.kind, obj.modality, obj.body_part, obj.view) == ("cxr", "CR", "chest", "PA")
        assert (obj.rows, obj.cols, obj.frames) == (1024, 1024, 1)
        assert obj.transfer_syntax == "JPEG Baseline (Process 1)"
        assert Path(obj.stored_path or "").is_relative_to(tmp_path / "out")
        assert pydicom.dcmread(obj.stored_path).PatientIdentityRemoved == "YES"
        assert "PatientName" in obj.deid_removed
        assert obj.describe() == "a chest X-ray (PA view)"

    @pytest.mark.slow
    def test_ct_folder_sorted_head_to_foot(
        self, tmp_path: Path, ct_a0001_paths: list[Path], limits: ArchiveLimits
    ) -> None:
        """A0001 ingests as one chest CT series of 64, stored head-to-foot at 5 mm."""
        result = ingest_path(ct_a0001_paths[0].parent, tmp_path / "out", limits)
        (series,) = result.series
        assert series.kind == "ct"
        assert series.n_instances == 64
        assert series.spacing == pytest.approx((5.0, 0.8418, 0.8418), abs=1e-3)
        assert series.describe() == "a chest CT series of 64 images"
        z = [
            float(pydicom.dcmread(p, stop_before_pixels=True).ImagePositionPatient[2])
            for p in series.stored_paths
        ]
        assert z == sorted(z, reverse=True)
        assert series.problems == []

    def test_non_image_objects_listed(self, tmp_path: Path, limits: ArchiveLimits) -> None:
        """SEG and SR are recognised as non-images and listed, not crashed on."""
        result = ingest_path(require(HIGHDICOM), tmp_path / "out", limits)
        kinds = {Path(o.source).name: o.kind for o in result.objects}
        assert kinds == {
            "ct_image.dcm": "ct",
            "dx_image.dcm": "cxr",
            "seg_image_ct_binary.dcm": "non_image",
            "sr_document.dcm": "non_image",
        }
        seg = next(o for o in result.objects if o.source.endswith("seg_image_ct_binary.dcm"))
        assert seg.describe() == "this file is not a medical image (it is a DICOM segmentation)"
        assert "README.md: this file is not a medical image." in result.problems

    def test_burned_in_annotation_is_a_problem(self, tmp_path: Path, limits: ArchiveLimits) -> None:
        """A file flagged as having burned-in identifiers is reported for checking."""
        ds = pydicom.dcmread(pydicom_file("CT_small.dcm"))
        ds.BurnedInAnnotation = "YES"
        ds.save_as(tmp_path / "ct.dcm")
        result = ingest_path(tmp_path / "ct.dcm", tmp_path / "out", limits)
        assert BURNED_IN_PROBLEM in result.objects[0].problems
        assert f"ct.dcm: {BURNED_IN_PROBLEM}" in result.problems

    def test_damaged_file_is_a_problem(self, tmp_path: Path, limits: ArchiveLimits) -> None:
        """A truncated DICOM gives a plain-words problem, and nothing is stored."""
        data = pydicom_file("CT_small.dcm").read_bytes()
        (tmp_path / "in").mkdir()
        (tmp_path / "in" / "cut.dcm").write_bytes(data[:400])
        result = ingest_path(tmp_path / "in", tmp_path / "out", limits)
        assert result.objects == []
        assert len(result.problems) == 1
        assert result.problems[0].startswith("cut.dcm: This DICOM file is damaged")

    def test_truncated_pixels_are_a_problem(self, tmp_path: Path, limits: ArchiveLimits) -> None:
        """A file cut inside its pixel data is stored de-identified, with the problem named."""
        data = pydicom_file("CT_small.dcm").read_bytes()
        (tmp_path / "cut.dcm").write_bytes(data[:-1000])
        result = ingest_path(tmp_path / "cut.dcm", tmp_path / "out", limits)
        (obj,) = result.objects
        assert obj.kind == "ct"
        assert any("(7FE0,0010)" in p for p in obj.problems)

    def test_missing_path(self, tmp_path: Path, limits: ArchiveLimits) -> None:
        """A path that does not exist raises a domain error."""
        with pytest.raises(ImagingError, match="not found"):
            ingest_path(tmp_path / "nope", tmp_path / "out", limits)


class TestIngestArchives:
    """Zip archives, with and without DICOMDIR."""

    def test_zip_with_dicomdir(self, tmp_path: Path, limits: ArchiveLimits) -> None:
        """Every file a DICOMDIR lists is ingested; the index itself is never stored."""
        dicomdir, refs = _dicomdir_study()
        zp = _zip_study(tmp_path / "study.zip", dicomdir, refs)
        result = ingest_path(zp, tmp_path / "out", limits)
        assert len(result.objects) == len(refs) == 31
        assert not any("not in the upload" in p for p in result.problems)
        assert all(o.source.startswith("study.zip/STUDY/") for o in result.objects)
        assert not list((tmp_path / "out").rglob("DICOMDIR"))
        assert {o.modality for o in result.objects} >= {"CT", "MR"}

    def test_zip_with_incomplete_dicomdir(self, tmp_path: Path, limits: ArchiveLimits) -> None:
        """A DICOMDIR listing a file that is not in the zip is reported."""
        dicomdir, refs = _dicomdir_study()
        zp = _zip_study(tmp_path / "study.zip", dicomdir, refs[1:])
        result = ingest_path(zp, tmp_path / "out", limits)
        assert any("lists 1 file(s) that are not in the upload" in p for p in result.problems)

    def test_unsafe_zip_refuses_upload(self, tmp_path: Path, limits: ArchiveLimits) -> None:
        """A traversal member refuses the whole upload."""
        zp = tmp_path / "evil.zip"
        with zipfile.ZipFile(zp, "w") as zf:
            zf.writestr("../../etc/cron.d/x", b"boom")
        with pytest.raises(UnsafeArchiveError, match="path-traversal"):
            ingest_path(zp, tmp_path / "out", limits)

    def test_archives_in_a_folder_share_one_budget(self, tmp_path: Path) -> None:
        """Two archives that each fit, together with the folder, exceed the member limit."""
        upload = tmp_path / "upload"
        upload.mkdir()
        for n in range(2):
            with zipfile.ZipFile(upload / f"part{n}.zip", "w") as zf:
                for i in range(4):
                    zf.writestr(f"f{i}.txt", b"x")
        with pytest.raises(UnsafeArchiveError, match="more than"):
            ingest_path(upload, tmp_path / "out", ArchiveLimits(10**6, 6, 1))

    def test_folder_over_member_limit(self, tmp_path: Path) -> None:
        """A folder with more files than allowed is refused."""
        for i in range(4):
            (tmp_path / f"f{i}.txt").write_text("x")
        with pytest.raises(UnsafeArchiveError, match="more than 3 files"):
            ingest_path(tmp_path, tmp_path / "out", ArchiveLimits(10**6, 3, 1))


class TestIngestPictures:
    """PNG and JPEG uploads."""

    def test_exif_is_stripped(self, tmp_path: Path, limits: ArchiveLimits) -> None:
        """Artist, date and GPS EXIF tags are removed and named in deid_removed."""
        exif = Image.Exif()
        exif[0x013B] = "Jane Patient"
        exif[0x0132] = "2024:05:01 10:11:12"
        exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}
        src = tmp_path / "film.jpg"
        Image.new("L", (64, 48), 128).save(src, exif=exif.tobytes())
        result = ingest_path(src, tmp_path / "out", limits)
        (obj,) = result.objects
        assert obj.kind == "photo"
        assert {"EXIF:Artist", "EXIF:DateTime", "EXIF:GPSInfo"} <= set(obj.deid_removed)
        stored = Path(obj.stored_path or "")
        assert b"Jane Patient" not in stored.read_bytes()
        with Image.open(stored) as img:
            assert len(img.getexif()) == 0
            assert img.size == (64, 48)

    @pytest.mark.parametrize("name", ["00000001_000.png", "16747_3_1.jpg"])
    def test_shared_pictures(self, tmp_path: Path, limits: ArchiveLimits, name: str) -> None:
        """Real chest X-ray exports ingest as pictures."""
        result = ingest_path(require(XRV_SAMPLES / name), tmp_path / "out", limits)
        assert [o.kind for o in result.objects] == ["photo"]
        assert result.describe() == "We found a picture (photo or exported image)."


class TestIngestResult:
    """The result's JSON and descriptions."""

    def test_original_identifiers_kept_out_of_json(self, tmp_path: Path, limits: ArchiveLimits) -> None:
        """Original identifiers are on the object for the database, never in its JSON."""
        result = ingest_path(pydicom_file("CT_small.dcm"), tmp_path / "out", limits)
        (ids,) = result.original_identifiers.values()
        assert ids["PatientName"] == "CompressedSamples^CT1"
        dumped = json.loads(result.model_dump_json())
        assert "original_identifiers" not in dumped
        assert "CompressedSamples" not in result.model_dump_json()
        assert "CompressedSamples" not in repr(result)

    def test_text_file_is_not_an_image(self, tmp_path: Path, limits: ArchiveLimits) -> None:
        """A stray text file is described in plain words."""
        shutil.copy(require(HIGHDICOM / "README.md"), tmp_path / "notes.txt")
        result = ingest_path(tmp_path / "notes.txt", tmp_path / "out", limits)
        assert result.problems == ["notes.txt: this file is not a medical image."]
        assert result.describe() == "We did not find any medical images in this upload."
