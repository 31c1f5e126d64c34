"""A case's images for the cockpit: derived previews and heatmaps, and the de-identified DICOM
instances the viewer reads; who may see them, and the audit of each view.

Only keys recorded in the case's draft evidence and upload summaries qualify as derived
images; an upload's own key never does, so an original (identifiable) file is never served
as an image.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant import audit
from assistant.db.models import Draft, Upload, User
from assistant.dicomweb.index import CaseInstances
from assistant.errors import NotFoundError
from assistant.policy import Action, authorize
from assistant.services.common import load_case
from assistant.services.draft_view import referenced_keys


def allowed_image_keys(session: Session, case_id: str) -> set[str]:
    """Storage keys of derived images that belong to this case (callers have authorised)."""
    evidence = session.scalars(select(Draft.evidence).where(Draft.case_id == case_id)).all()
    rows = session.execute(
        select(Upload.summary, Upload.storage_key, Upload.sha256).where(Upload.case_id == case_id)
    ).all()
    originals = {r[1] for r in rows} | {r[2] for r in rows}
    return referenced_keys(list(evidence), [r[0] for r in rows]) - originals


def open_case_image(session: Session, actor: User, case_id: str, key: str) -> str:
    """Check that ``actor`` may see this derived image of the case, audit the view, return its key.

    Raises:
        NotFoundError: The case does not exist (or is another patient's), or the key is not
            one of its derived images.
        PermissionDeniedError: The actor may not read the case's images.
    """
    case = load_case(session, case_id)
    authorize(actor, Action.UPLOAD_READ, case)
    if key not in allowed_image_keys(session, case_id):
        raise NotFoundError("Image not found.")
    audit.record(session, actor, "image.view", target_type="image", target_id=key[:16], case_id=case_id)
    return key


def case_instances(
    session: Session, actor: User, case_id: str, study_uid: str = "", *, audit_view: bool = False
) -> CaseInstances:
    """The case's de-identified DICOM instances after the policy check; audits a study view when asked.

    Raises:
        NotFoundError: No such case (or another patient's), or no such study in it.
        PermissionDeniedError: The actor may not read the case's images.
    """
    case = load_case(session, case_id)
    authorize(actor, Action.UPLOAD_READ, case)
    found = CaseInstances.load(session, case_id)
    if study_uid:
        found.study(study_uid)
    if audit_view:
        audit.record(session, actor, "study.view", target_type="study", target_id=study_uid, case_id=case_id)
    return found
