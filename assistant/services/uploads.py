"""The upload service behind the chat: store at once, ingest, preview, explain in plain words.

:func:`process_upload` is what the chat handler calls for every file a patient attaches:

1. refuse at once (nothing stored) a file that is too big or is not DICOM, zip, PDF,
   PNG or JPEG, judged by its content, never by its name;
2. copy it to durable storage through :func:`assistant.services.cases.add_upload`;
3. ingest it with Imaging I (:func:`imaging.ingest.ingest_path`): unsafe archives (zip
   bombs, path traversal, links) are refused, every DICOM is de-identified;
4. write previews of the de-identified images;
5. record ``Upload.summary``, ``Upload.original_identifiers`` and ``Upload.status``;
6. return an :class:`UploadOutcome` whose ``message`` is fit to show the patient.

Patients never see a stack trace: unexpected errors are logged (type only, no PHI) and
explained as "saved, and someone will look at it".
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.context import AppContext
from assistant.db.models import User
from assistant.errors import UploadRefusedError, ValidationError
from assistant.services import cases
from assistant.settings import UploadSettings
from assistant.storage import Storage
from assistant.upload_kinds import FileKind, file_kind
from imaging.archive import ArchiveLimits
from imaging.errors import ImagingError, UnsafeArchiveError
from imaging.ingest import ingest_path
from imaging.objects import IngestResult
from imaging.previews import write_previews

logger = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_PREVIEWS_SHOWN = 4
MAX_PROBLEMS_SHOWN = 5
ACCEPTED_HELP = (
    "Please upload DICOM files (or a .zip of the study as the hospital gave it), "
    "PDF reports, or PNG/JPEG pictures."
)


@dataclass(frozen=True)
class UploadLimits:
    """Size limits for one file, and the archive limits handed to Imaging I."""

    max_file_bytes: int
    archive: ArchiveLimits

    @classmethod
    def from_settings(cls, uploads: UploadSettings) -> UploadLimits:
        """The limits the operator configured."""
        return cls(
            max_file_bytes=uploads.max_file_mb * MB,
            archive=ArchiveLimits(
                max_uncompressed_bytes=uploads.max_uncompressed_mb * MB,
                max_members=uploads.max_members,
                max_depth=uploads.max_nesting,
            ),
        )


@dataclass
class UploadOutcome:
    """What happened to one file, in words for the patient."""

    filename: str
    accepted: bool
    message: str
    status: str
    upload_id: str | None = None
    previews: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def display_name(filename: str) -> str:
    """The file's base name, printable and short, for messages."""
    base = re.split(r"[\\/]", filename)[-1] or "file"
    clean = "".join(ch if ch.isprintable() else "?" for ch in base)
    return clean if len(clean) <= 80 else clean[:77] + "..."


def check_upload(path: Path, filename: str, limits: UploadLimits) -> FileKind:
    """Refuse a file before storing it if it is too big or of a kind we cannot use.

    Returns:
        The file's kind.

    Raises:
        UploadRefusedError: With a message for the patient.
    """
    name = display_name(filename)
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise UploadRefusedError(
            f"“{name}” is {size / MB:.0f} MB, more than the {limits.max_file_bytes / MB:.0f} MB "
            "a single file may be. Please split the study into smaller .zip files, or ask the "
            "hospital for the images on a disc and upload one series at a time."
        )
    if size == 0:
        raise UploadRefusedError(f"“{name}” is empty. Please check the file and upload it again.")
    kind = file_kind(path)
    if kind is None:
        raise UploadRefusedError(f"“{name}” is not a kind of file we can use. {ACCEPTED_HELP}")
    return kind


def process_upload(
    ctx: AppContext, actor: User, case_id: str, path: Path, filename: str, content_type: str
) -> UploadOutcome:
    """Store, ingest and describe one uploaded file (see the module docstring).

    Args:
        ctx: The application context (settings, database, storage).
        actor: The patient uploading.
        case_id: Their case (ownership is checked by the service).
        path: Where the web layer saved the incoming bytes.
        filename: The name the patient's computer gave the file.
        content_type: The browser's MIME type (recorded, never trusted).

    Returns:
        The outcome; never raises for problems with the file itself.

    Raises:
        PermissionDeniedError: ``actor`` may not add files to cases.
        NotFoundError: No such case, or another patient's.
    """
    name = display_name(filename)
    limits = UploadLimits.from_settings(ctx.settings.uploads)
    try:
        kind = check_upload(path, filename, limits)
        with ctx.db.session() as s:  # refuse before copying hundreds of megabytes
            cases.check_upload_allowed(s, actor, case_id)
        stored = ctx.storage.put_file(path)  # the copy holds no database lock
        with ctx.db.session() as s:
            upload = cases.add_upload(
                s, actor, case_id, ctx.storage, None, name, content_type or "", stored=stored, kind=kind
            )
            upload_id = upload.id
    except (UploadRefusedError, ValidationError) as e:  # the file, or the case no longer takes files
        return UploadOutcome(name, accepted=False, message=e.message, status="refused")
    summary: dict[str, Any]
    identifiers: dict[str, Any]
    # Previews stay on this host only to be shown in this chat reply; rows keep storage keys.
    shown_dir = ctx.settings.data_dir / "derived" / upload_id / "previews"
    try:  # ``path`` holds the very bytes just stored (the key is their hash): no read-back
        if kind == "pdf":
            outcome, summary, identifiers = _describe_pdf(path, name), {}, {}
        else:
            outcome, summary, identifiers = _ingest(ctx.storage, path, name, shown_dir, limits.archive)
    except Exception as e:  # the patient sees words, the log sees the error type
        logger.exception("upload %s: unexpected %s while reading", upload_id, type(e).__name__)
        outcome = UploadOutcome(
            name, accepted=True, status="failed",
            message=f"“{name}” is saved, but something went wrong while reading it. "
            "A member of our team will look at it; you do not need to upload it again.",
        )  # fmt: skip
        summary, identifiers = {}, {}
    outcome.upload_id = upload_id
    _record(ctx, actor, upload_id, kind, outcome, summary, identifiers)
    return outcome


def _ingest(
    storage: Storage, stored: Path, name: str, previews_dir: Path, limits: ArchiveLimits
) -> tuple[UploadOutcome, dict[str, Any], dict[str, Any]]:
    """Ingest into a temporary folder; previews go to storage (keys) and ``previews_dir``."""
    with tempfile.TemporaryDirectory(prefix="upload-") as tmp:
        local = Path(tmp) / "in" / (re.sub(r"[^A-Za-z0-9._-]", "_", name) or "upload")
        local.parent.mkdir()
        shutil.copyfile(stored, local)
        try:
            result = ingest_path(local, Path(tmp) / "deid", limits)
        except UnsafeArchiveError as e:
            message = f"“{name}” was refused: {e}"
            return UploadOutcome(name, accepted=False, status="refused", message=message), {}, {}
        except ImagingError as e:
            message = f"“{name}” could not be read: {e}"
            return UploadOutcome(name, accepted=True, status="unreadable", message=message), {}, {}
        previews = write_previews(result, previews_dir)
        keys = {p: storage.put_file(p)[0] for p in previews}
    shown = _pick_previews(previews)
    outcome = UploadOutcome(
        name, accepted=True, status="ingested" if result.objects else "no_images",
        message=_plain_words(name, result), previews=shown, problems=list(result.problems),
    )  # fmt: skip
    summary = {
        "describe": result.describe(),
        "result": _without_paths(result.model_dump(mode="json")),
        "preview_keys": [keys[p] for p in previews],
        "preview_keys_shown": [keys[p] for p in shown],
    }
    return outcome, summary, dict(result.original_identifiers)


def _without_paths(result: dict[str, Any]) -> dict[str, Any]:
    """The ingest result without its temporary folder's paths (rows keep keys, never paths)."""
    for obj in result.get("objects") or []:
        obj["stored_path"] = None
    for series in result.get("series") or []:
        series["stored_paths"] = []
    return result


def _pick_previews(paths: list[Path]) -> list[Path]:
    """Montages first, then lung-window key slices, then the rest (a few only)."""

    def rank(p: Path) -> int:
        return (
            0 if "montage" in p.name else 1 if "lung" in p.name else 2 if "mediastinum" not in p.name else 3
        )

    return sorted(paths, key=rank)[:MAX_PREVIEWS_SHOWN]


def _plain_words(name: str, result: IngestResult) -> str:
    lines = [f"**{name}**: {result.describe()}"]
    problems = result.problems[:MAX_PROBLEMS_SHOWN]
    if problems:
        lines.append("Some things to know:")
        lines += [f"- {p}" for p in problems]
        if len(result.problems) > MAX_PROBLEMS_SHOWN:
            lines.append(f"- … and {len(result.problems) - MAX_PROBLEMS_SHOWN} more like these.")
    return "\n".join(lines)


def _describe_pdf(stored: Path, name: str) -> UploadOutcome:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(stored)
        if reader.is_encrypted:
            return UploadOutcome(name, accepted=True, status="unreadable", message=(
                f"“{name}” is password-protected, so we cannot read it. "
                "Please upload a copy without a password."))  # fmt: skip
        pages = len(reader.pages)
    except (PdfReadError, OSError, ValueError):
        damaged = f"“{name}” looks like a PDF but is damaged; please download it again and re-upload it."
        return UploadOutcome(name, accepted=True, status="unreadable", message=damaged)
    plural = "page" if pages == 1 else "pages"
    message = f"**{name}**: a PDF document of {pages} {plural}. Your clinician will read it."
    return UploadOutcome(name, accepted=True, status="stored", message=message)


def _record(
    ctx: AppContext, actor: User, upload_id: str, kind: str, outcome: UploadOutcome,
    summary: dict[str, Any], identifiers: dict[str, Any],
) -> None:  # fmt: skip
    with ctx.db.session() as s:
        full = {"kind": kind, "message": outcome.message, "problems": outcome.problems, **summary}
        cases.record_upload_outcome(s, actor, upload_id, outcome.status, full, identifiers)
