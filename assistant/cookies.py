"""The names of the cookies the web app and the chat share, in one place.

The cockpit's session middleware sets the session cookie and the chat reads it; the
login and logout pages clear the chat's token cookie, which Chainlit names. Typed twice,
the names drift apart (the logout once cleared ``access_token`` while Chainlit had been
told to use another name).
"""

from __future__ import annotations

import os

#: The signed session cookie of the web app, read by the chat to find the logged-in patient.
SESSION_COOKIE = "so_session"
#: Chainlit's own default for its token cookie.
DEFAULT_CHAT_COOKIE = "access_token"


def chat_cookie_name() -> str:
    """The name Chainlit gives its token cookie (``CHAINLIT_AUTH_COOKIE_NAME``, default access_token)."""
    return os.environ.get("CHAINLIT_AUTH_COOKIE_NAME", DEFAULT_CHAT_COOKIE)
