"""The progress poller's view of a session's socket, on Chainlit's own session registry."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from chainlit.session import WebsocketSession, ws_sessions_id, ws_sessions_sid

from assistant.chat.sockets import socket_state


@pytest.fixture
def session() -> Iterator[WebsocketSession]:
    made = WebsocketSession(
        id="session-1",
        socket_id="socket-a",
        emit=lambda *_: None,
        emit_call=lambda *_: None,
        user_env={},
        client_type="webapp",
    )
    yield made
    ws_sessions_id.pop(made.id, None)
    ws_sessions_sid.pop(made.socket_id, None)


def test_a_live_socket_is_here(session: WebsocketSession) -> None:
    assert socket_state(session.id, session.socket_id, None) == "here"


def test_a_lost_socket_is_away_until_the_browser_reconnects(session: WebsocketSession) -> None:
    lost = session.socket_id  # what on_chat_end records
    assert socket_state(session.id, session.socket_id, lost) == "away"
    session.restore(new_socket_id="socket-b")  # what Chainlit does on reconnect, calling no hook of ours
    assert socket_state(session.id, session.socket_id, lost) == "here"


def test_a_cleared_session_is_gone(session: WebsocketSession) -> None:
    ws_sessions_id.pop(session.id)  # what Chainlit's delete() does after session_timeout
    assert socket_state(session.id, session.socket_id, None) == "gone"
