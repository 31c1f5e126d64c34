"""Upload quotas per chat session and per patient (count and bytes), with polite refusals.

A patient's browser sends each attached file to ``POST /chat/project/file`` before the
message that uses it; without a quota one session could park any number of large files
there. :class:`UploadQuota` is asked before a body is read: it reserves the announced
size atomically (the event loop runs one check at a time), so files sent in parallel
cannot all slip under the limit. The per-patient figure is what our storage already
holds for the patient's cases (from the database) plus what still waits in Chainlit's
folder; :meth:`UploadQuota.stored` moves a file from the second to the first when the
chat has stored it and removed Chainlit's copy.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from assistant.db.base import Database
from assistant.db.models import Case, Upload
from assistant.settings import ChatLimitSettings

MB = 1024 * 1024


@dataclass
class _SessionUse:
    files: int = 0
    bytes: int = 0


@dataclass
class _PatientPending:
    reserved: dict[str, int] = field(default_factory=dict)  # reservation id -> bytes
    waiting: dict[str, int] = field(default_factory=dict)  # Chainlit file path -> bytes


def stored_usage(db: Database, patient_id: int) -> tuple[int, int]:
    """Files and bytes our storage holds for this patient's cases."""
    with db.session() as s:
        row = s.execute(
            select(func.count(Upload.id), func.coalesce(func.sum(Upload.size_bytes), 0))
            .join(Case, Case.id == Upload.case_id)
            .where(Case.patient_id == patient_id)
        ).one()
    return int(row[0]), int(row[1])


class UploadQuota:
    """Process-wide bookkeeping of chat uploads (one instance per app)."""

    def __init__(self, limits: ChatLimitSettings) -> None:
        self.limits = limits
        self._sessions: dict[str, _SessionUse] = defaultdict(_SessionUse)
        self._patients: dict[int, _PatientPending] = defaultdict(_PatientPending)

    def reserve(
        self, reservation: str, session_id: str, patient_id: int, size: int, stored: tuple[int, int]
    ) -> str | None:
        """Reserve ``size`` bytes for one file; returns the refusal for the patient, or None.

        Must be called without awaiting between the check and the reservation (it is sync).
        """
        lim, use, pending = self.limits, self._sessions[session_id], self._patients[patient_id]
        pending.waiting = {p: n for p, n in pending.waiting.items() if Path(p).exists()}
        if use.files + 1 > lim.session_max_files:
            return (
                f"This conversation has already received {use.files} files, the most it can take "
                f"({lim.session_max_files}). Please send the files you attached; to add more, start "
                "a new request, or ask the support team for help."
            )
        if use.bytes + size > lim.session_max_mb * MB:
            return (
                f"This file would take this conversation past its upload limit of {lim.session_max_mb} MB. "
                "Please send the files you attached, or upload the study as a smaller .zip."
            )
        files = stored[0] + len(pending.waiting) + len(pending.reserved)
        total = stored[1] + sum(pending.waiting.values()) + sum(pending.reserved.values())
        if files + 1 > lim.patient_max_files or total + size > lim.patient_max_mb * MB:
            return (
                f"Your account already holds as many files as it can ({lim.patient_max_files} files, "
                f"{lim.patient_max_mb} MB). Please contact the support team if you need to send more."
            )
        use.files, use.bytes = use.files + 1, use.bytes + size
        pending.reserved[reservation] = size
        return None

    def settle(
        self, reservation: str, session_id: str, patient_id: int, size: int, path: Path | None
    ) -> None:
        """Replace the reservation by the real size; ``path`` None means the upload failed."""
        use, pending = self._sessions[session_id], self._patients[patient_id]
        announced = pending.reserved.pop(reservation, 0)
        if path is None:
            use.files, use.bytes = use.files - 1, use.bytes - announced
            return
        use.bytes += size - announced
        pending.waiting[str(path)] = size

    def stored(self, path: Path) -> None:
        """Chainlit's copy at ``path`` is gone (our storage holds the file, or it was refused)."""
        for pending in self._patients.values():
            pending.waiting.pop(str(path), None)

    def session_use(self, session_id: str) -> tuple[int, int]:
        """Files and bytes uploaded in this chat session so far."""
        use = self._sessions.get(session_id) or _SessionUse()
        return use.files, use.bytes
