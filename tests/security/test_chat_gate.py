"""Attacks 3-5 replayed against the mounted chat: the chat's Logout, every Chainlit token carrier, Origin."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import httpx
import pytest
import requests
import socketio
from socketio.exceptions import ConnectionError as SocketRefused
from sqlalchemy import select

from assistant.db.models import AuthSession
from tests.security.conftest import HTML, Live, logged_in, post_form

EVIL = "https://evil.example.net"
Patients = dict[str, tuple[str, str]]


def chat_login(live: Live, name: str) -> tuple[str, str]:
    """Log a patient in and open their chat: (so_session, Chainlit token)."""
    c = logged_in(live, name)
    answer = c.post("/chat/auth/header")
    assert answer.status_code == 200, answer.text
    return c.cookies["so_session"], c.cookies["access_token"]


def chat_user(live: Live, session: str, carrier: str, token: str, path: str = "/chat/user") -> httpx.Response:
    """Ask the chat who we are with ``token`` in one carrier and nothing else."""
    cookies, headers = {"so_session": session}, {}
    if carrier == "cookie":
        cookies["access_token"] = token
    elif carrier == "chunked":
        half = len(token) // 2
        cookies.update(access_token_0=token[:half], access_token_1=token[half:])
    else:
        headers["authorization"] = f"Bearer {token}"
    with httpx.Client(base_url=live.url, cookies=cookies, headers=headers) as c:
        return c.post(path) if path.endswith("/auth/jwt") else c.get(path)


CARRIERS = ["cookie", "chunked", "bearer"]


@pytest.fixture(scope="module")
def two_patients(live: Live) -> Patients:
    """Patients A and B, each with an open chat."""
    return {"a": chat_login(live, "pat_a"), "b": chat_login(live, "pat_b")}


class TestTokenCarriers:
    @pytest.mark.parametrize("carrier", CARRIERS)
    def test_own_token_accepted(self, live: Live, two_patients: Patients, carrier: str) -> None:
        """Control: Chainlit accepts each carrier when it holds the session's own token."""
        session, token = two_patients["a"]
        answer = chat_user(live, session, carrier, token)
        assert answer.status_code == 200
        assert answer.json()["identifier"] == f"patient-{live.ids['pat_a']}"

    @pytest.mark.parametrize("carrier", CARRIERS)
    def test_other_patients_token_refused(self, live: Live, two_patients: Patients, carrier: str) -> None:
        """Attack 4: A's session with B's token, in any carrier, never acts as B."""
        session_a, _ = two_patients["a"]
        _, token_b = two_patients["b"]
        answer = chat_user(live, session_a, carrier, token_b)
        assert answer.status_code == 401
        assert f"patient-{live.ids['pat_b']}" not in answer.text

    def test_bearer_cannot_mint_a_cookie_for_another(self, live: Live, two_patients: Patients) -> None:
        """Chainlit's /auth/jwt (a Bearer carrier that issues a cookie) refuses B's token in A's session."""
        session_a, _ = two_patients["a"]
        _, token_b = two_patients["b"]
        answer = chat_user(live, session_a, "bearer", token_b, "/chat/auth/jwt")
        assert answer.status_code == 401
        assert "access_token" not in answer.cookies

    @pytest.mark.parametrize("carrier", CARRIERS)
    def test_revoked_token_refused(self, live: Live, carrier: str) -> None:
        """A token of a session that ended (logout) is refused even to the same patient's new session."""
        c = logged_in(live, "pat_c")
        c.post("/chat/auth/header")
        old_token = c.cookies["access_token"]
        post_form(c, "/logout", {}, "/account/password")
        new_session, _ = chat_login(live, "pat_c")
        answer = chat_user(live, new_session, carrier, old_token)
        assert answer.status_code == 401


def connect(live: Live, session: str, token: str, *, transport: str, origin: str | None = None,
            session_id: str | None = None) -> bool:  # fmt: skip
    """Whether the chat's socket.io server accepts this connection."""
    http = requests.Session()  # a browser sends the cookies (and Origin) with every poll
    http.cookies.update({"so_session": session, "access_token": token})
    if origin:
        http.headers["Origin"] = origin
    extra = {"origin": origin} if origin else {}
    client = socketio.Client(reconnection=False, http_session=http, websocket_extra_options=extra)
    auth = {"sessionId": session_id or str(uuid.uuid4()), "clientType": "webapp", "threadId": None,
            "userEnv": "{}"}  # fmt: skip
    try:
        client.connect(live.url, socketio_path="/chat/ws/socket.io", transports=[transport],
                       auth=auth, wait_timeout=10)  # fmt: skip
    except SocketRefused:
        return False
    client.disconnect()
    return True


@pytest.mark.parametrize("transport", ["websocket", "polling"])
class TestSocket:
    def test_own_session_connects(self, live: Live, two_patients: Patients, transport: str) -> None:
        """Control: the patient's own session and token connect from our own origin."""
        assert connect(live, *two_patients["a"], transport=transport, origin=live.url)

    def test_other_patients_token_refused(self, live: Live, two_patients: Patients, transport: str) -> None:
        """Attack 4 on the socket: A's session cookie with B's token does not connect."""
        assert not connect(live, two_patients["a"][0], two_patients["b"][1], transport=transport)

    def test_foreign_origin_refused(self, live: Live, two_patients: Patients, transport: str) -> None:
        """Attack 5: a page on another origin cannot open the patient's socket with their cookies."""
        assert not connect(live, *two_patients["a"], transport=transport, origin=EVIL)

    def test_sibling_subdomain_refused(self, live: Live, two_patients: Patients, transport: str) -> None:
        """Attack 5: a sibling host on the same port is another origin too."""
        sibling = live.url.replace("127.0.0.1", "evil.localhost")
        assert not connect(live, *two_patients["a"], transport=transport, origin=sibling)


def test_foreign_origin_refused_on_chat_http(live: Live, two_patients: Patients) -> None:
    """Attack 5 over HTTP: a chat request carrying a foreign Origin is refused."""
    session, token = two_patients["a"]
    with httpx.Client(base_url=live.url, cookies={"so_session": session, "access_token": token}) as c:
        assert c.get("/chat/user", headers={"origin": EVIL}).status_code == 403
        assert c.get("/chat/user", headers={"origin": live.url}).status_code == 200


class TestChatLogout:
    def test_chat_logout_ends_the_session(self, live: Live) -> None:
        """Attack 3: the chat's Logout clears so_session and revokes it, so the chat does not reopen."""
        session, token = chat_login(live, "pat_c")
        with httpx.Client(base_url=live.url, cookies={"so_session": session, "access_token": token}) as c:
            answer = c.post("/chat/logout")
            assert answer.status_code == 200
            cleared = [h for h in answer.headers.get_list("set-cookie") if h.startswith("so_session=")]
            assert cleared and "max-age=0" in cleared[0].lower()  # the browser drops it
        with httpx.Client(base_url=live.url, cookies={"so_session": session}) as copy:
            reopened = copy.get("/chat/", headers=HTML)
        assert (reopened.status_code, reopened.headers["location"]) == (303, "/login?next=/chat/")
        with live.db.session() as s:
            reasons = set(s.scalars(select(AuthSession.revoked_reason).where(
                AuthSession.user_id == live.ids["pat_c"])))  # fmt: skip
        assert "logout" in reasons
        assert not connect(live, session, token, transport="websocket")


class TestOpenSocketAfterLogout:
    def test_open_socket_stops_acting(self, live: Live) -> None:
        """A socket opened before logout answers its next message with 'session ended' and does nothing."""
        c = logged_in(live, "pat_b")
        assert c.post("/chat/auth/header").status_code == 200
        received: list[str] = []
        http = requests.Session()
        http.cookies.update(
            {"so_session": c.cookies["so_session"], "access_token": c.cookies["access_token"]}
        )
        sock = socketio.Client(reconnection=False, http_session=http)

        @sock.on("*")
        def _any(event: str, data: object = None) -> None:
            received.append(json.dumps(data, default=str))

        auth = {"sessionId": str(uuid.uuid4()), "clientType": "webapp", "threadId": None, "userEnv": "{}"}
        sock.connect(live.url, socketio_path="/chat/ws/socket.io", transports=["websocket"], auth=auth,
                     wait_timeout=10)  # fmt: skip
        sock.emit("connection_successful")
        sock.sleep(3)
        assert any("consent" in r.lower() for r in received), received  # the chat is live
        post_form(c, "/logout", {}, "/account/password")
        received.clear()
        message = {"id": str(uuid.uuid4()), "threadId": "", "name": "User", "type": "user_message",
                   "output": "I agree", "createdAt": datetime.now(UTC).isoformat()}  # fmt: skip
        sock.emit("client_message", {"message": message, "fileReferences": None})
        sock.sleep(4)
        sock.disconnect()
        assert any("session has ended" in r for r in received), received
