"""Which de-identified DICOM instances belong to a case, read from its drafts' evidence.

The imaging step records every stored de-identified instance of an upload under the
evidence's ``dicom`` list (study, series and SOP Instance UIDs and the storage key); a
DICOMweb request may only name UIDs found there for the case it is made under.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.db.models import Draft
from assistant.errors import NotFoundError


@dataclass(frozen=True)
class InstanceRef:
    """One stored de-identified instance."""

    study_uid: str
    series_uid: str
    sop_uid: str
    key: str
    file: str = ""
    kind: str = ""


def upload_records(evidence: Any) -> list[Any]:
    """The imaging step's per-upload records in a draft's evidence (``imaging.uploads``)."""
    if not isinstance(evidence, Mapping):
        return []
    imaging = evidence.get("imaging")
    uploads = imaging.get("uploads") if isinstance(imaging, Mapping) else evidence.get("uploads")
    return list(uploads) if isinstance(uploads, list) else []


def instances_in(evidence: Iterable[Any]) -> list[InstanceRef]:
    """Every recorded instance in the given evidence blobs (duplicates removed, order kept)."""
    seen: dict[str, InstanceRef] = {}
    for blob in evidence:
        for upload in upload_records(blob):
            for item in upload.get("dicom", []) if isinstance(upload, Mapping) else []:
                try:
                    ref = InstanceRef(
                        str(item["study_uid"]),
                        str(item["series_uid"]),
                        str(item["sop_uid"]),
                        str(item["key"]),
                        str(item.get("file", "")),
                        str(item.get("kind", "")),
                    )
                except (KeyError, TypeError):
                    continue
                seen.setdefault(ref.sop_uid, ref)
    return list(seen.values())


class CaseInstances:
    """The case's instances, with lookups that refuse UIDs of other cases as not found."""

    def __init__(self, refs: Iterable[InstanceRef]) -> None:
        self.refs = list(refs)

    @classmethod
    def load(cls, session: Session, case_id: str) -> CaseInstances:
        """Read the instances recorded in every draft of the case."""
        return cls(instances_in(session.scalars(select(Draft.evidence).where(Draft.case_id == case_id))))

    @property
    def study_uids(self) -> list[str]:
        """The case's studies, in first-seen order."""
        return list(dict.fromkeys(r.study_uid for r in self.refs))

    def study(self, study_uid: str) -> list[InstanceRef]:
        """The instances of one of the case's studies."""
        found = [r for r in self.refs if r.study_uid == study_uid]
        if not found:
            raise NotFoundError("Study not found.")
        return found

    def series(self, study_uid: str, series_uid: str) -> list[InstanceRef]:
        """The instances of one series of one of the case's studies."""
        found = [r for r in self.study(study_uid) if r.series_uid == series_uid]
        if not found:
            raise NotFoundError("Series not found.")
        return found

    def instance(self, study_uid: str, series_uid: str, sop_uid: str) -> InstanceRef:
        """One instance of the case."""
        for r in self.series(study_uid, series_uid):
            if r.sop_uid == sop_uid:
                return r
        raise NotFoundError("Instance not found.")
