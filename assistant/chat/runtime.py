"""The process-wide state the Chainlit handlers need: the application context.

Chainlit is a process-global singleton, so its handlers cannot receive arguments; the
mount sets the context here once, and the handlers read it with :func:`context`.
"""

from __future__ import annotations

from assistant.context import AppContext

_STATE: dict[str, AppContext] = {}


def set_context(ctx: AppContext) -> None:
    """Make ``ctx`` the context of the chat handlers (called by the mount)."""
    _STATE["ctx"] = ctx


def context() -> AppContext:
    """The application context; raises if the chat was not mounted."""
    try:
        return _STATE["ctx"]
    except KeyError:
        raise RuntimeError(
            "the patient chat is not mounted; call assistant.chat.mount.register(app)"
        ) from None
