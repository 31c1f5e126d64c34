"""Attack 11: uploads through Chainlit are bounded per session and per patient, and not kept twice.

Replayed against the running app with small limits (3 files and 2 MB per chat session,
5 files per patient, 1 MB per file): files are sent in parallel to
``POST /chat/project/file`` for a live socket.io session, as the chat page sends them,
and the polite refusals counted; then a file is attached to a message and Chainlit's
copy must be gone once our storage holds it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import time
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image
from sqlalchemy import select

from assistant.chat.consent import current_consent
from assistant.db.models import Upload
from assistant.services import cases
from tests.security._integrity_fixtures import ChatSocket, Live, chat_login, running_app

LIMITS = {
    "SECOND_OPINION_CHAT_LIMITS__SESSION_MAX_FILES": "3",
    "SECOND_OPINION_CHAT_LIMITS__SESSION_MAX_MB": "2",
    "SECOND_OPINION_CHAT_LIMITS__PATIENT_MAX_FILES": "5",
    "SECOND_OPINION_UPLOADS__MAX_FILE_MB": "1",
}
MB = 1024 * 1024


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The app on loopback with small upload limits."""
    with running_app(tmp_path_factory.mktemp("uploads") / "data", LIMITS) as app:
        yield app


def _png(size: int = 0) -> bytes:
    """A real PNG, padded after its end chunk to about ``size`` bytes."""
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 200)).save(buffer, format="PNG")
    data = buffer.getvalue()
    return data + b"\0" * max(0, size - len(data))


def _upload_all(client: httpx.Client, session_id: str, bodies: list[bytes]) -> list[httpx.Response]:
    """Send every file at once, as a browser sends several attachments."""

    async def run() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=str(client.base_url), cookies=client.cookies, timeout=60) as ac:
            return list(
                await asyncio.gather(
                    *(
                        ac.post(
                            "/chat/project/file",
                            params={"session_id": session_id},
                            files={"file": (f"scan{i}.png", body, "image/png")},
                        )
                        for i, body in enumerate(bodies)
                    )
                )
            )

    # In a thread of its own: a browser test earlier in the session may have left an event
    # loop running in this one (Playwright's sync API), where asyncio.run() is refused.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run()).result()


@pytest.fixture
def session_of() -> Iterator[object]:
    """Open chat sockets for patients; closed at the end."""
    opened: list[ChatSocket] = []

    def open_for(live: Live, patient: str) -> tuple[httpx.Client, ChatSocket]:
        client = chat_login(live, patient)
        chat = ChatSocket(live, client)
        opened.append(chat)
        return client, chat

    yield open_for
    for chat in opened:
        chat.close()


class TestUploadQuota:
    def test_parallel_files_stop_at_the_session_count(self, live: Live, session_of: object) -> None:
        """Eight files sent at once: three are taken, five are refused politely (413)."""
        client, chat = session_of(live, "alice")  # type: ignore[operator]
        responses = _upload_all(client, chat.session_id, [_png()] * 8)
        codes = sorted(r.status_code for r in responses)
        assert codes == [200] * 3 + [413] * 5
        refusal = next(r for r in responses if r.status_code == 413).json()["detail"]
        assert "the most it can take (3)" in refusal and "Traceback" not in refusal

    def test_session_bytes(self, live: Live, session_of: object) -> None:
        """Two 0.9 MB files fit the 2 MB session limit; the third is refused with the reason."""
        client, chat = session_of(live, "bob")  # type: ignore[operator]
        first = _upload_all(client, chat.session_id, [_png(int(0.9 * MB))] * 2)
        assert [r.status_code for r in first] == [200, 200]
        third = _upload_all(client, chat.session_id, [_png(int(0.9 * MB))])[0]
        assert third.status_code == 413 and "upload limit of 2 MB" in third.json()["detail"]

    def test_patient_quota_spans_sessions(self, live: Live, session_of: object) -> None:
        """A new chat session does not reset the patient's limit (5 files in all)."""
        client, first = session_of(live, "carol")  # type: ignore[operator]
        assert [r.status_code for r in _upload_all(client, first.session_id, [_png()] * 3)] == [200] * 3
        _, second = session_of(live, "carol")  # type: ignore[operator]
        codes = sorted(r.status_code for r in _upload_all(client, second.session_id, [_png()] * 3))
        assert codes == [200, 200, 413]

    def test_oversized_file_cut_off(self, live: Live, session_of: object) -> None:
        """A file over the 1 MB limit is refused without being kept, whatever its declared size."""
        client, chat = session_of(live, "dave")  # type: ignore[operator]
        response = _upload_all(client, chat.session_id, [_png(3 * MB)])[0]
        assert response.status_code == 413 and "larger than the 1 MB" in response.json()["detail"]
        files = live.settings.data_dir / "chat" / ".files" / chat.session_id
        assert not files.exists() or not any(files.iterdir())

    def test_other_patients_session_refused(self, live: Live, session_of: object) -> None:
        """A patient cannot upload into another patient's chat session."""
        _, victim = session_of(live, "erin")  # type: ignore[operator]
        attacker = chat_login(live, "dave")
        response = _upload_all(attacker, victim.session_id, [_png()])[0]
        assert response.status_code == 401


class TestChainlitCopyRemoved:
    def test_copy_gone_once_stored(self, live: Live, session_of: object) -> None:
        """After the message that uses it, our storage holds the file and Chainlit's folder does not."""
        patient = live.accounts["erin"]
        with live.db.session() as s:
            consent = current_consent()
            cases.record_consent(s, patient, consent.version, consent.text)
            cases.create_case(s, patient, "Chest X-ray")
        client, chat = session_of(live, "erin")  # type: ignore[operator]
        chat.wait_for("Which diagnosis or report")
        body = _png()
        response = _upload_all(client, chat.session_id, [body])[0]
        assert response.status_code == 200
        copies = list((live.settings.data_dir / "chat" / ".files" / chat.session_id).iterdir())
        assert [p.read_bytes() for p in copies] == [body]  # Chainlit holds it until the message
        chat.say("here is my scan", file_ids=[response.json()["id"]])
        stored = None
        for _ in range(60):
            with live.db.session() as s:
                stored = s.scalar(select(Upload.id).where(Upload.uploaded_by_id == patient.id))
            if stored and not copies[0].exists():
                break
            time.sleep(0.5)
        assert stored is not None
        assert not copies[0].exists()
        # The chat page still asks for the attachment's preview: a plain 410, not Chainlit's 500.
        again = client.get(
            f"/chat/project/file/{response.json()['id']}", params={"session_id": chat.session_id}
        )
        assert again.status_code == 410
        assert "kept with your case" in again.json()["detail"]
