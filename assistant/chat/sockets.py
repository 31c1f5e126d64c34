"""Where a chat session's socket stands, for work that outlives one socket (the progress poller).

Chainlit calls ``on_chat_end`` on every disconnect, also a network blip after which the
browser reconnects to the same session (``WebsocketSession.restore`` gives it a new socket
id) without any other hook of ours running; it clears the session only after
``session_timeout``. A poller that stopped on disconnect left a reconnected patient with no
progress and no opinion until a reload.
"""

from __future__ import annotations

from typing import Literal

SocketState = Literal["gone", "away", "here"]


def socket_state(session_id: str, socket_id: str, lost_socket: object) -> SocketState:
    """``gone`` once Chainlit has cleared the session, ``away`` while its socket is lost, else ``here``.

    ``lost_socket`` is the socket id the session had when Chainlit last reported a disconnect.
    """
    from chainlit.session import WebsocketSession

    if WebsocketSession.get_by_id(session_id) is None:
        return "gone"
    return "away" if socket_id == lost_socket else "here"
