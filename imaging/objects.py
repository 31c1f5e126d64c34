"""What an ingest found: typed records of objects, series and the whole upload.

These are the library's output schema (pydantic, JSON-serialisable). They hold only
de-identified values, except :attr:`IngestResult.original_identifiers`, which is kept
for the database and excluded from every dump so it cannot leak into JSON, logs or files.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from imaging.classify import ObjectKind

_KIND_WORDS: dict[str, str] = {
    "cxr": "chest X-ray",
    "ct": "CT",
    "mr": "MRI",
    "other_image": "medical image",
    "non_image": "DICOM object that is not an image",
    "photo": "picture",
}


class ImagingObject(BaseModel):
    """One file found in an upload, after de-identification."""

    kind: ObjectKind = Field(description="cxr, ct, mr, other_image, non_image or photo.")
    source: str = Field(description="The file's name inside the upload, as uploaded.")
    modality: str | None = Field(default=None, description="(0008,0060) Modality.")
    body_part: str | None = Field(default=None, description="'chest' or the body part.")
    view: str | None = Field(default=None, description="PA, AP or LATERAL (radiographs).")
    non_image_type: str | None = Field(
        default=None, description="For non-images: segmentation, structured report, ..."
    )
    sop_class: str | None = Field(default=None, description="SOP Class name.")
    study_uid: str | None = Field(default=None, description="De-identified study UID.")
    series_uid: str | None = Field(default=None, description="De-identified series UID.")
    sop_instance_uid: str | None = Field(default=None, description="De-identified UID.")
    stored_path: str | None = Field(default=None, description="The de-identified copy.")
    rows: int | None = None
    cols: int | None = None
    frames: int | None = None
    spacing: tuple[float, float] | None = Field(
        default=None, description="Pixel spacing (row, column) in mm."
    )
    transfer_syntax: str | None = Field(default=None, description="Transfer syntax name.")
    photometric: str | None = Field(default=None, description="Photometric interpretation.")
    burned_in_annotation: bool = Field(
        default=False, description="The file says identifiers are burned into its pixels."
    )
    deid_removed: list[str] = Field(default_factory=list, description="What was removed.")
    problems: list[str] = Field(default_factory=list, description="Plain-words problems.")

    def describe(self) -> str:
        """A plain-words description for patients, e.g. 'a chest X-ray (PA view)'."""
        if self.kind == "non_image":
            what = self.non_image_type or "object"
            return f"this file is not a medical image (it is a DICOM {what})"
        if self.kind == "photo":
            return "a picture (photo or exported image)"
        region = "chest " if self.body_part == "chest" else ""
        if self.kind == "cxr":
            view = f" ({self.view} view)" if self.view else ""
            return f"a chest X-ray{view}"
        noun = _KIND_WORDS[self.kind]
        if self.kind == "other_image" and self.modality:
            noun = f"{self.modality} image"
        return f"a {region}{noun} image" if self.kind in ("ct", "mr") else f"a {noun}"


class SeriesSummary(BaseModel):
    """One series (images sharing a Series Instance UID) of an upload."""

    kind: ObjectKind
    modality: str | None = None
    body_part: str | None = None
    study_uid: str | None = None
    series_uid: str | None = None
    n_instances: int = 0
    spacing: tuple[float, float, float] | None = Field(
        default=None, description="(z, y, x) voxel size in mm for stacked series."
    )
    stored_paths: list[str] = Field(
        default_factory=list, description="De-identified files, head-to-foot when sorted."
    )
    problems: list[str] = Field(default_factory=list)

    def describe(self) -> str:
        """A plain-words description, e.g. 'a chest CT series of 64 images'."""
        region = "chest " if self.body_part == "chest" and self.kind != "cxr" else ""
        noun = _KIND_WORDS[self.kind]
        if self.kind == "non_image":
            return f"{self.n_instances} DICOM object(s) that are not images"
        if self.kind == "other_image" and self.modality:
            noun = f"{self.modality}"
        plural = "image" if self.n_instances == 1 else "images"
        return f"a {region}{noun} series of {self.n_instances} {plural}"


class IngestResult(BaseModel):
    """Everything found in one upload."""

    objects: list[ImagingObject] = Field(default_factory=list)
    series: list[SeriesSummary] = Field(default_factory=list)
    problems: list[str] = Field(
        default_factory=list, description="Patient-safe, plain-words problems per file."
    )
    original_identifiers: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        exclude=True,
        repr=False,
        description="De-identified study UID -> original identifiers (patient name and "
        "ID, birth date, accession number, original UIDs). For the database only; "
        "excluded from dumps and never written to stored files.",
    )

    def describe(self) -> str:
        """One sentence for the patient summarising the upload."""
        parts = [s.describe() for s in self.series]
        parts += [o.describe() for o in self.objects if o.kind == "photo"]
        if not parts:
            return "We did not find any medical images in this upload."
        return "We found " + "; ".join(parts) + "."
