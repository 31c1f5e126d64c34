"""Limits on the chat socket: message length, message rate, and no editing of sent messages.

Chainlit's socket server takes any ``client_message`` (a 900 kB message was stored; four
sessions sent 6,000 messages in three minutes) and runs ``edit_message`` even when the
UI hides editing (``features.edit_message = false``). :func:`install` wraps Chainlit's
``client_message`` handler with a length check and a sliding-window rate limit per
patient, all their chat sessions together (``settings.chat_limits``), that answer with a
polite message instead of passing the text on, and replaces ``edit_message`` with a
refusal while editing is off.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from typing import Any

from assistant.settings import ChatLimitSettings

logger = logging.getLogger(__name__)

WINDOW_S = 60.0
EDIT_REFUSED = "Sent messages cannot be changed here. Please send a new message with the correction."
Handler = Callable[..., Awaitable[Any]]
_INSTALLED: dict[str, ChatLimitSettings] = {}


class MessageLimiter:
    """Length and per-patient rate checks (one instance per process)."""

    def __init__(self, limits: ChatLimitSettings, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._sent: dict[str, deque[float]] = defaultdict(deque)

    def refusal(self, who: str, text: str) -> str | None:
        """Words for the patient if this message is refused, else None (and it is counted)."""
        lim = self.limits
        if len(text) > lim.message_max_chars:
            return (
                f"Your message is {len(text):,} characters long; the chat takes up to "
                f"{lim.message_max_chars:,}. Please shorten it, send it in parts, or upload a long "
                "report as a PDF."
            )
        now, sent = self.clock(), self._sent[who]
        while sent and now - sent[0] > WINDOW_S:
            sent.popleft()
        if len(sent) >= lim.messages_per_minute:
            wait = int(WINDOW_S - (now - sent[0])) + 1
            return (
                f"You are sending messages faster than the chat can take them "
                f"({lim.messages_per_minute} a minute). Please wait {wait} seconds and send it again."
            )
        sent.append(now)
        return None


def _text_of(payload: Any) -> str:
    message = payload.get("message") if isinstance(payload, dict) else None
    output = message.get("output") if isinstance(message, dict) else None
    return output if isinstance(output, str) else ""


async def _say(session: Any, text: str) -> None:
    import chainlit as cl
    from chainlit.context import init_ws_context

    init_ws_context(session)
    await cl.Message(content=text, author="Second opinion").send()  # type: ignore[no-untyped-call]


def install(limits: ChatLimitSettings) -> None:
    """Wrap Chainlit's socket handlers (once per process; later calls update the limits)."""
    from chainlit.config import config
    from chainlit.server import sio
    from chainlit.session import WebsocketSession

    first = not _INSTALLED
    _INSTALLED["limits"] = limits
    if not first:
        return
    handlers: dict[str, Handler] = sio.handlers["/"]
    original_message = handlers["client_message"]
    original_edit = handlers.get("edit_message")
    limiter = MessageLimiter(limits)

    async def client_message(sid: str, payload: Any) -> Any:
        session = WebsocketSession.require(sid)
        limiter.limits = _INSTALLED["limits"]
        who = session.user.identifier if session.user is not None else session.id  # all their tabs together
        refusal = limiter.refusal(who, _text_of(payload))
        if refusal is not None:
            logger.info("chat message refused by the limits (session %s)", session.id)
            await _say(session, refusal)
            return None
        return await original_message(sid, payload)

    async def edit_message(sid: str, payload: Any) -> Any:
        session = WebsocketSession.require(sid)
        if not config.features.edit_message or original_edit is None:
            logger.warning("edit_message refused: editing is off (session %s)", session.id)
            await _say(session, EDIT_REFUSED)
            return None
        return await original_edit(sid, payload)

    sio.on("client_message", client_message)
    sio.on("edit_message", edit_message)
