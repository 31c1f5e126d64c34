"""Delivery of the signed opinion: the PDF is rendered after the database session has closed.

On SQLite every session of the process holds one lock (``Database.session``), so a PDF
rendered inside a session makes every other request wait for it. The renderer here really
renders the PDF, and first lets another thread open a session and read a row; that thread
gets through only if the delivering chat holds no session while it renders.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from assistant.chat.conversation import PatientChat
from assistant.context import AppContext
from assistant.db.models import Case, User
from assistant.lifecycle import CaseStatus
from assistant.opinion_document import SignedOpinion, opinion_pdf
from tests.assistant.factories import to_state

WAIT_S = 3.0


class ConcurrentRenderer:
    """``opinion_pdf`` that first waits for another thread to read the case in a session of its own."""

    def __init__(self, ctx: AppContext, case_id: str) -> None:
        self.ctx, self.case_id = ctx, case_id
        self.waits: list[float] = []  # how long the other thread waited for its session, per render

    def read_case(self) -> None:
        started = time.monotonic()
        with self.ctx.db.session() as s:
            assert s.get(Case, self.case_id) is not None
        self.waits.append(time.monotonic() - started)

    def __call__(self, opinion: SignedOpinion) -> bytes:
        other = threading.Thread(target=self.read_case)
        other.start()
        other.join(WAIT_S)  # if our caller holds the session, the other thread is still waiting
        blocked = other.is_alive()
        pdf = opinion_pdf(opinion)
        if blocked:
            self.waits.append(float("inf"))
        return pdf


@pytest.fixture
def signed(ctx: AppContext, patient: User, clinician: User) -> str:
    """A case with a signed opinion, not yet delivered."""
    return to_state(ctx.db, patient, CaseStatus.SIGNED, clinician)


class TestRenderOutsideSession:
    @pytest.mark.parametrize(
        "deliver",
        [
            pytest.param(lambda chat, case_id: chat.open(), id="on-return"),
            pytest.param(
                lambda chat, case_id: [*chat.open(), *chat.open_opinion(case_id)], id="open-opinion"
            ),
        ],
    )
    def test_other_sessions_proceed_while_the_pdf_renders(
        self,
        ctx: AppContext,
        patient: User,
        signed: str,
        deliver: Callable[[PatientChat, str], list],  # type: ignore[type-arg]
    ) -> None:
        """Another thread opens a session and reads while the opinion's PDF is being rendered."""
        renderer = ConcurrentRenderer(ctx, signed)
        replies = deliver(PatientChat(ctx, patient.id, pdf_renderer=renderer), signed)
        opinions = [r for r in replies if r.kind == "opinion"]
        assert opinions and len(renderer.waits) == len(opinions)
        assert max(renderer.waits) < WAIT_S, renderer.waits
        for reply in opinions:
            assert reply.pdf is not None and reply.pdf.read_bytes().startswith(b"%PDF")

    def test_failed_render_leaves_no_file_and_the_next_visit_delivers(
        self, ctx: AppContext, patient: User, signed: str
    ) -> None:
        """A failing renderer raises and leaves no partial PDF; the next visit delivers the opinion again."""

        def broken(opinion: SignedOpinion) -> bytes:
            raise RuntimeError("renderer failed")

        with pytest.raises(RuntimeError, match="renderer failed"):
            PatientChat(ctx, patient.id, pdf_renderer=broken).open()
        folder = ctx.settings.data_dir / "opinions" / signed
        assert not folder.exists() or not any(folder.iterdir())
        [again] = [r for r in PatientChat(ctx, patient.id).open() if r.kind == "opinion"]
        assert again.pdf is not None and again.pdf.read_bytes().startswith(b"%PDF")
