"""An unsigned draft cannot be reached by its patient: not in the UI, any HTTP route, or the websocket."""

from __future__ import annotations

import json
import re
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import socketio

from assistant.db.models import Draft
from assistant.lifecycle import CaseStatus
from assistant.settings import Settings
from assistant.web.access import route_policies
from assistant.web.app import create_app
from tests.assistant.factories import SECTIONS, to_state
from tests.browser.conftest import LiveApp, log_in, shot

pytestmark = [pytest.mark.browser]
DRAFT_PHRASES = [text.split(" [")[0] for text in SECTIONS.values()]


def leaks(text: str) -> list[str]:
    return [p for p in DRAFT_PHRASES if p in text]


def socket_transcript(app: LiveApp, cookies: str, say: str) -> str:
    """Everything the chat's websocket sends to this patient while they ask for their draft."""
    received: list[str] = []
    done = threading.Event()
    client = socketio.Client(reconnection=False)

    @client.on("*")
    def _any(event: str, data: object = None) -> None:
        received.append(f"{event} {json.dumps(data, default=str)}")
        if event == "task_end":
            done.set()

    auth = {"sessionId": str(uuid.uuid4()), "clientType": "webapp", "threadId": None, "userEnv": "{}"}
    client.connect(app.url, socketio_path="/chat/ws/socket.io", transports=["websocket"],
                   headers={"Cookie": cookies}, auth=auth, wait_timeout=10)  # fmt: skip
    client.emit("connection_successful")
    client.sleep(3)
    message = {"id": str(uuid.uuid4()), "threadId": "", "name": "User", "type": "user_message",
               "output": say, "createdAt": datetime.now(UTC).isoformat()}  # fmt: skip
    done.clear()
    client.emit("client_message", {"message": message, "fileReferences": None})
    done.wait(15)
    client.sleep(1)
    client.disconnect()
    return "\n".join(received)


def app_get_paths(tmp_path: Path) -> list[str]:
    """Every GET route of the application (discovered from the app, not listed by hand)."""
    settings = Settings(environment="test", data_dir=tmp_path / "routes", llm={"mode": "mock"})  # type: ignore[arg-type]
    app = create_app(settings, with_chat=False)
    return sorted({p.path for p in route_policies(app) if "GET" in p.methods and p.path != "/static"})


def test_unsigned_draft_is_unreachable(page: object, live_app: LiveApp, tmp_path: Path) -> None:
    """While the draft is in review the patient sees 'waiting'; no GET route of the app or chat shows it."""
    case_id = to_state(
        live_app.db, live_app.accounts["carol"], CaseStatus.IN_REVIEW, live_app.accounts["drsmith"]
    )
    with live_app.db.session() as s:
        draft_id = s.query(Draft).filter_by(case_id=case_id).one().id

    log_in(page, live_app, "carol")
    page.get_by_text("waiting for a clinician").first.wait_for()  # type: ignore[attr-defined]
    shot(page, "patient-06-waiting-draft-hidden")
    assert not leaks(page.content())  # type: ignore[attr-defined]

    from chainlit.server import router

    paths = [
        *app_get_paths(tmp_path),
        "/chat/",
        *("/chat" + r.path for r in router.routes if "GET" in getattr(r, "methods", set())),
    ]
    assert "/cockpit/cases/{case_id}" in paths and "/exports/cases/{case_id}/opinion.pdf" in paths
    checked = 0
    for path in paths:
        for ident in (case_id, draft_id):
            url = re.sub(r"\{[^}]+\}", ident, path)
            response = page.request.get(live_app.url + url, max_redirects=0)  # type: ignore[attr-defined]
            checked += 1
            assert not leaks(response.text()), url
    assert checked == 2 * len(paths)

    cookies = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())  # type: ignore[attr-defined]
    assert "access_token=" in cookies
    events = socket_transcript(live_app, cookies, "Please show me the draft of my opinion")
    assert "waiting for a clinician" in events
    assert not leaks(events)
