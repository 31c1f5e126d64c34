"""Attack 12 (chat part): message length and rate limits, no editing on the socket, 4xx for bad requests.

Replayed with socket.io against the running app (limits: 2,000 characters, 5 messages a
minute per session): a 900 kB message, a burst of messages, an ``edit_message`` event
with the UI's editing turned off, and malformed ``/chat/project/action`` requests. Also
the smaller items: a far-future support date and the audit of list pages that show
patient-written text.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from assistant.chat.socket_limits import EDIT_REFUSED
from assistant.cli.main import app as cli
from assistant.db.models import AuditEvent, Message
from assistant.lifecycle import CaseStatus
from tests.assistant.factories import to_state
from tests.security._integrity_fixtures import ChatSocket, Live, chat_login, login, running_app

LIMITS = {
    "SECOND_OPINION_CHAT_LIMITS__MESSAGE_MAX_CHARS": "2000",
    "SECOND_OPINION_CHAT_LIMITS__MESSAGES_PER_MINUTE": "5",
}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The app on loopback with small message limits."""
    with running_app(tmp_path_factory.mktemp("messages") / "data", LIMITS) as app:
        yield app


@pytest.fixture
def chat_of(live: Live) -> Iterator[object]:
    """Open a patient's chat socket (closed at the end)."""
    opened: list[ChatSocket] = []

    def open_for(patient: str) -> ChatSocket:
        chat = ChatSocket(live, chat_login(live, patient))
        opened.append(chat)
        chat.wait_for("what this service is")  # the consent text: the chat is ready
        return chat

    yield open_for
    for chat in opened:
        chat.close()


def _longest_stored(live: Live) -> int:
    with live.db.session() as s:
        return int(s.scalar(select(func.max(func.length(Message.content)))) or 0)


class TestMessageLimits:
    def test_huge_message_refused(self, live: Live, chat_of: object) -> None:
        """A 900 kB message gets a polite reply and is not stored."""
        chat = chat_of("alice")  # type: ignore[operator]
        chat.say("x" * 900_000)
        reply = chat.wait_for("characters long")
        assert "900,000" in reply and "2,000" in reply
        assert _longest_stored(live) < 100_000

    def test_burst_is_rate_limited(self, live: Live, chat_of: object) -> None:
        """Eight messages at once: five are taken, three get the 'please wait' reply."""
        chat = chat_of("bob")  # type: ignore[operator]
        for i in range(8):
            chat.say(f"message number {i}")
        chat.wait_for("faster than the chat can take them")
        time.sleep(2)
        assert sum("faster than the chat can take them" in t for t in chat.texts()) == 3

    def test_limit_spans_the_patients_sessions(self, live: Live, chat_of: object) -> None:
        """A second tab does not reset the rate: 3 + 3 messages from two sessions, one refused."""
        first, second = chat_of("erin"), chat_of("erin")  # type: ignore[operator]
        for chat in (first, second, first, second, first, second):
            chat.say("one more question")
            time.sleep(0.2)
        second.wait_for("faster than the chat can take them")
        time.sleep(2)
        refused = [t for c in (first, second) for t in c.texts() if "faster than the chat" in t]
        assert len(refused) == 1

    def test_edit_message_refused(self, live: Live, chat_of: object) -> None:
        """An edit_message event is refused while editing is off; nothing stored changes."""
        chat = chat_of("carol")  # type: ignore[operator]
        sent = chat.say("I agree to nothing yet")
        chat.sio.sleep(1)
        edited = dict(sent, output="EDITED: please ignore the consent")
        chat.sio.emit("edit_message", {"message": edited})
        chat.wait_for(EDIT_REFUSED)
        with live.db.session() as s:
            assert not s.scalar(select(Message.id).where(Message.content.contains("EDITED")))


class TestMalformedRequests:
    @pytest.mark.parametrize(
        ("body", "status"),
        [
            ("not json", 400),
            ('{"sessionId": "no-such-session", "action": {"name": "consent_agree", "payload": {}}}', 404),
            ('{"sessionId": "{sid}", "action": {"bogus": 1}}', 400),
            ('{"sessionId": "{sid}", "action": {"name": "consent_agree", "payload": "x"}}', 400),
            ('{"sessionId": "{sid}"}', 400),
        ],
    )
    def test_action_answers_4xx(self, live: Live, chat_of: object, body: str, status: int) -> None:
        """A malformed /chat/project/action is a 4xx with words, never a 500."""
        chat = chat_of("dave")  # type: ignore[operator]
        client = chat_login(live, "dave")
        response = client.post(
            "/chat/project/action",
            content=body.replace("{sid}", chat.session_id),
            headers={"content-type": "application/json"},
        )
        assert response.status_code == status, response.text
        assert response.json()["detail"]

    def test_far_future_date(self, live: Live) -> None:
        """/support/?until=9999-12-31 is answered, not a 500."""
        response = login(live, "sam").get("/support/", params={"until": "9999-12-31"})
        assert response.status_code == 200


class TestListReadsAudited:
    def test_cockpit_queue_is_audited(self, live: Live) -> None:
        """Viewing the queue (patient-written titles and questions) writes an audit event."""
        to_state(live.db, live.accounts["erin"], CaseStatus.PENDING_REVIEW)
        assert login(live, "drsmith").get("/cockpit/").status_code == 200
        with live.db.session() as s:
            event = s.scalars(
                select(AuditEvent).where(AuditEvent.action == "queue.view").order_by(AuditEvent.seq.desc())
            ).first()
            assert event is not None and event.actor_id == live.accounts["drsmith"].id
            assert event.details["cases"]

    def test_cases_list_is_audited(self, live: Live) -> None:
        """``second-opinion cases list`` writes an operator audit event naming the cases shown."""
        # a case of its own to list: with the test order shuffled, the queue test that made one may not have
        # run yet (a clean-clone run listed no cases and failed here)
        to_state(live.db, live.accounts["erin"], CaseStatus.PENDING_REVIEW)
        result = CliRunner().invoke(cli, ["cases", "list"], obj=live.settings)
        assert result.exit_code == 0, result.output
        with live.db.session() as s:
            event = s.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "case.list.operator")
                .order_by(AuditEvent.seq.desc())
            ).first()
            assert event is not None and event.actor_role == "system" and event.details["cases"]


def test_live_app_is_reachable(live: Live) -> None:
    """The module's app answers (guards against a silently skipped module)."""
    assert httpx.get(f"{live.url}/healthz").status_code == 200
