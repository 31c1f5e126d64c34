"""Turn whatever a patient uploaded into de-identified, classified imaging objects.

Accepts a single DICOM file, a folder, a zip archive (with or without DICOMDIR) or a
PNG/JPEG picture. Archives are unpacked into a private temporary folder (never into
``out_dir``); every DICOM file is classified, checked for decodable pixels,
de-identified, and only then written under ``out_dir``; pictures are re-encoded without
metadata. Problems with single files are collected in plain words and never stop the
rest of the upload; an unsafe archive refuses the whole upload.
"""

from __future__ import annotations

import logging
import re
import tempfile
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pydicom
from pydicom.dataset import FileDataset
from pydicom.uid import UID

from imaging.archive import ArchiveLimits, extract_archive
from imaging.classify import Classification, classify
from imaging.deid import UIDMapper, deidentify
from imaging.dicom_io import dicomdir_references, read_dataset, sniff, transfer_syntax_name
from imaging.errors import (
    DeidentificationError,
    DicomDecodeError,
    ImagingError,
    SeriesError,
    UnsafeArchiveError,
    UnsupportedFileError,
)
from imaging.objects import ImagingObject, IngestResult, SeriesSummary
from imaging.photo import clean_picture
from imaging.pixels import display_array
from imaging.series import SliceInfo, slice_info, sort_slices

logger = logging.getLogger(__name__)

_UID_PATTERN = re.compile(r"[0-9]+(\.[0-9]+)*")
_SKIPPED_NAMES = ("__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini")
BURNED_IN_PROBLEM = (
    "This image is marked as having patient details written into the picture itself; "
    "a person will check it before it is used."
)


@dataclass
class _Run:
    """State of one ingest."""

    out_dir: Path
    uid_map: UIDMapper
    pseudonym: str
    result: IngestResult = field(default_factory=IngestResult)
    slices: dict[str, SliceInfo] = field(default_factory=dict)


def ingest_path(path: Path, out_dir: Path, limits: ArchiveLimits, *, pseudonym: str = "") -> IngestResult:
    """Ingest an upload: read, classify, de-identify and store every object in it.

    Args:
        path: A DICOM file, a folder, a zip archive, or a PNG/JPEG picture.
        out_dir: Where de-identified files are written (created if needed).
        limits: Archive and folder limits (size, member count, nesting).
        pseudonym: Written as Patient's Name and Patient ID of stored DICOM files.

    Returns:
        Objects, series (sorted head-to-foot), problems in plain words, and the
        original identifiers for the database.

    Raises:
        UnsupportedFileError: If ``path`` does not exist.
        UnsafeArchiveError: If an archive or folder breaks an upload-safety limit.
    """
    if not path.exists():
        raise UnsupportedFileError("The uploaded file was not found.", remedy="Upload it again.")
    out_dir.mkdir(parents=True, exist_ok=True)
    run = _Run(out_dir=out_dir, uid_map=UIDMapper(), pseudonym=pseudonym)
    with tempfile.TemporaryDirectory(prefix="ingest-") as tmp:
        for source, file in _collect(path, Path(tmp), limits, run.result):
            _ingest_file(source, file, run)
    run.result.series = _summarise_series(run)
    logger.info(
        "ingest: %d objects, %d series, %d problems",
        len(run.result.objects),
        len(run.result.series),
        len(run.result.problems),
    )
    return run.result


def _collect(path: Path, tmp: Path, limits: ArchiveLimits, result: IngestResult) -> list[tuple[str, Path]]:
    """List (name as uploaded, readable path) of every file, archives unpacked."""
    if path.is_file():
        return _expand(path.name, path, tmp, limits, result)
    files = sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    files = [p for p in files if not any(part in _SKIPPED_NAMES for part in p.parts)]
    if len(files) > limits.max_members:
        raise UnsafeArchiveError(
            f"The folder holds more than {limits.max_members} files, more than one upload may contain."
        )
    total = sum(p.stat().st_size for p in files)
    if total > limits.max_uncompressed_bytes:
        raise UnsafeArchiveError(
            f"The folder holds {total / 1e6:.0f} MB, more than the "
            f"{limits.max_uncompressed_bytes / 1e6:.0f} MB one upload may contain."
        )
    collected: list[tuple[str, Path]] = []
    used_bytes = 0
    for i, file in enumerate(files):
        name = file.relative_to(path).as_posix()
        if sniff(file) == "zip":  # archives of a folder share one budget with it
            limits_left = ArchiveLimits(
                max_uncompressed_bytes=max(0, limits.max_uncompressed_bytes - used_bytes),
                max_members=max(0, limits.max_members - len(collected) - (len(files) - i - 1)),
                max_depth=limits.max_depth,
            )
            members = _expand(name, file, tmp / f"a{i}", limits_left, result)
            used_bytes += sum(m.stat().st_size for _, m in members)
            collected += members
        else:
            used_bytes += file.stat().st_size
            collected.append((name, file))
    return collected


def _expand(
    name: str, file: Path, tmp: Path, limits: ArchiveLimits, result: IngestResult
) -> list[tuple[str, Path]]:
    if sniff(file) != "zip":
        return [(name, file)]
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        members = extract_archive(file, tmp, limits)
    except UnsafeArchiveError:
        raise
    except ImagingError as e:
        result.problems.append(f"{name}: {e}")
        return []
    return [(f"{name}/{m.relative_to(tmp).as_posix()}", m) for m in sorted(members)]


def _ingest_file(source: str, file: Path, run: _Run) -> None:
    if any(part in _SKIPPED_NAMES for part in Path(source).parts):
        return
    kind = sniff(file)
    try:
        if kind == "dicom":
            _ingest_dicom(source, file, run)
        elif kind == "dicomdir":
            _check_dicomdir(source, file, run)
        elif kind in ("png", "jpeg"):
            _ingest_picture(source, file, run)
        else:
            run.result.problems.append(f"{source}: this file is not a medical image.")
    except ImagingError as e:
        run.result.problems.append(f"{source}: {e}")


def _check_dicomdir(source: str, file: Path, run: _Run) -> None:
    """A DICOMDIR is an index (with names in it): check it, never store it."""
    refs = dicomdir_references(file)
    missing = [r for r in refs if not r.is_file()]
    if missing:
        run.result.problems.append(
            f"{source}: the study index lists {len(missing)} file(s) that are not in "
            "the upload; the study may be incomplete."
        )


def _ingest_dicom(source: str, file: Path, run: _Run) -> None:
    ds = read_dataset(file)
    if not _text(ds.get("SOPClassUID")):
        raise DicomDecodeError(
            "This DICOM file is damaged or incomplete: it does not say what kind of "
            "object it is ((0008,0016) SOP Class UID is missing)."
        )
    cls = classify(ds)
    obj = _describe_dataset(source, ds, cls)
    if cls.kind != "non_image":
        try:
            display_array(ds)
        except ImagingError as e:
            obj.problems.append(str(e))
    info = slice_info(ds, Path(source)) if cls.kind in ("ct", "mr") else None
    report = deidentify(ds, run.uid_map, run.pseudonym)
    obj.deid_removed = report.removed
    if report.burned_in_annotation:
        obj.problems.append(BURNED_IN_PROBLEM)
    obj.study_uid = _uid(ds.get("StudyInstanceUID"))
    obj.series_uid = _uid(ds.get("SeriesInstanceUID"))
    obj.sop_instance_uid = _uid(ds.get("SOPInstanceUID"))
    stored = _store_dicom(ds, run.out_dir, obj)
    obj.stored_path = str(stored)
    if info is not None:
        run.slices[obj.stored_path] = SliceInfo(
            stored, info.rows, info.cols, info.position, info.orientation, info.pixel_spacing
        )
    run.result.original_identifiers.setdefault(obj.study_uid or "unknown", report.original)
    run.result.objects.append(obj)
    run.result.problems += [f"{source}: {p}" for p in obj.problems]


def _uid(value: object) -> str | None:
    """A single well-formed UID (safe as a file name), else None."""
    text = value if isinstance(value, str) else None
    if text and _UID_PATTERN.fullmatch(text):
        return text
    return None


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _describe_dataset(source: str, ds: FileDataset, cls: Classification) -> ImagingObject:
    rows, cols = ds.get("Rows"), ds.get("Columns")
    spacing = ds.get("PixelSpacing") or ds.get("ImagerPixelSpacing")
    sop_class = _text(ds.get("SOPClassUID"))
    try:
        pair = (float(spacing[0]), float(spacing[1])) if spacing else None
        frames = int(ds.get("NumberOfFrames", 1) or 1) if "PixelData" in ds else None
        size = (int(rows), int(cols)) if rows is not None and cols is not None else None
    except (TypeError, ValueError, IndexError):
        pair, frames, size = None, None, None
    return ImagingObject(
        kind=cls.kind,
        source=source,
        modality=cls.modality,
        body_part=cls.body_part,
        view=cls.view,
        non_image_type=cls.non_image_type,
        sop_class=str(UID(sop_class).name) if sop_class else None,
        rows=size[0] if size else None,
        cols=size[1] if size else None,
        frames=frames,
        spacing=pair,
        transfer_syntax=transfer_syntax_name(ds),
        photometric=_text(ds.get("PhotometricInterpretation")) or None,
    )


def _store_dicom(ds: FileDataset, out_dir: Path, obj: ImagingObject) -> Path:
    """Write the de-identified dataset as <study>/<series>/<instance>.dcm."""
    study = obj.study_uid or "unknown-study"
    series = obj.series_uid or "unknown-series"
    name = obj.sop_instance_uid or uuid.uuid4().hex
    target = out_dir / study / series / f"{name}.dcm"
    if target.exists():
        obj.problems.append("Another file of the upload has the same instance UID.")
        target = target.with_name(f"{name}.{uuid.uuid4().hex[:8]}.dcm")
    target.parent.mkdir(parents=True, exist_ok=True)
    ds.preamble = b"\x00" * 128
    try:
        pydicom.dcmwrite(target, ds, enforce_file_format=True)
    except Exception:  # retry without the strict file-meta checks
        try:
            pydicom.dcmwrite(target, ds, enforce_file_format=False)
        except Exception as e:  # damaged values surface as many types
            target.unlink(missing_ok=True)
            raise DeidentificationError(
                "This DICOM file could not be written after de-identification, so it was not kept."
            ) from e
    return target


def _ingest_picture(source: str, file: Path, run: _Run) -> None:
    target = run.out_dir / "pictures" / f"{uuid.uuid4().hex}.png"
    info = clean_picture(file, target)
    run.result.objects.append(
        ImagingObject(
            kind="photo",
            source=source,
            stored_path=str(target),
            rows=info.height,
            cols=info.width,
            frames=1,
            photometric="MONOCHROME2" if info.mode in ("L", "I", "I;16") else "RGB",
            transfer_syntax=f"{info.format} picture",
            deid_removed=list(info.removed),
        )
    )


def _summarise_series(run: _Run) -> list[SeriesSummary]:
    groups: dict[tuple[str, str, bool], list[ImagingObject]] = defaultdict(list)
    for obj in run.result.objects:
        if obj.kind != "photo":
            key = (obj.study_uid or "", obj.series_uid or "", obj.kind == "non_image")
            groups[key].append(obj)
    return [_summarise(objs, run) for objs in groups.values()]


def _summarise(objs: list[ImagingObject], run: _Run) -> SeriesSummary:
    first = objs[0]
    summary = SeriesSummary(
        kind=first.kind,
        modality=first.modality,
        body_part=first.body_part,
        study_uid=first.study_uid,
        series_uid=first.series_uid,
        n_instances=len(objs),
        stored_paths=sorted(o.stored_path for o in objs if o.stored_path),
    )
    if len({o.kind for o in objs}) > 1:
        summary.problems.append("The series mixes different kinds of objects.")
    infos = [run.slices[p] for p in summary.stored_paths if p in run.slices]
    if len(infos) >= 2 and len(infos) == len(summary.stored_paths):
        try:
            geometry = sort_slices(infos)
        except SeriesError as e:
            summary.problems.append(e.message)
            return summary
        summary.stored_paths = [str(s.path) for s in geometry.slices]
        spacing = geometry.slices[0].pixel_spacing or (1.0, 1.0)
        summary.spacing = (geometry.slice_spacing, spacing[0], spacing[1])
        summary.problems += list(geometry.problems)
    return summary
