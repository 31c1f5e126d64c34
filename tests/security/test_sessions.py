"""Attacks 1-2 of the security review, replayed over HTTP: forged cookies and sessions that outlive logout."""

from __future__ import annotations

import json
import stat
from base64 import b64encode

import httpx
import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from assistant.db.models import AuditEvent, AuthSession
from assistant.local_secrets import SECRETS_FILE
from assistant.settings import DEFAULT_SECRET
from tests.conftest import TEST_PASSWORD
from tests.security.conftest import HTML, Live, client, log_in, logged_in, post_form

NEW_PASSWORD = "a-brand-new-passphrase-42"


def minted(secret: str, payload: dict[str, object]) -> str:
    """A so_session cookie signed the way Starlette signs it."""
    data = b64encode(json.dumps(payload).encode())
    return TimestampSigner(secret).sign(data).decode()


def opens(live: Live, cookie: str, path: str) -> bool:
    """Whether a bare so_session cookie opens a staff page."""
    with httpx.Client(base_url=live.url, cookies={"so_session": cookie}) as c:
        return c.get(path, headers=HTML).status_code == 200


def events(live: Live, action: str, target: int) -> int:
    """How many audit events of an action name this user."""
    with live.db.session() as s:
        return int(s.scalar(select(func.count()).where(
            AuditEvent.action == action, AuditEvent.target_id == str(target))) or 0)  # fmt: skip


class TestForgedSessionCookie:
    def test_published_default_secret_mints_nothing(self, live: Live) -> None:
        """Attack 1: an admin cookie signed with the published development secret opens nothing."""
        assert not opens(live, minted(DEFAULT_SECRET, {"uid": live.ids["admin"]}), "/admin/")

    def test_user_id_cookie_under_the_real_secret_opens_nothing(self, live: Live) -> None:
        """Even signed with the installation's own secret, a user id is not a session."""
        secret = json.loads((live.data_dir / SECRETS_FILE).read_text())["secret_key"]
        assert not opens(live, minted(secret, {"uid": live.ids["admin"]}), "/admin/")
        assert not opens(live, minted(secret, {"sid": "guessed-token"}), "/admin/")

    def test_development_secret_is_random_and_private(self, live: Live) -> None:
        """The generated secrets file is mode 0600 and holds neither published default."""
        path = live.data_dir / SECRETS_FILE
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        values = json.loads(path.read_text())
        assert DEFAULT_SECRET not in values.values()
        assert len(set(values.values())) == 2

    def test_only_a_hash_of_the_token_is_stored(self, live: Live) -> None:
        """The database keeps the token's sha256, so a copy of it opens no session."""
        c = logged_in(live, "sup")
        with live.db.session() as s:
            stored = s.scalars(select(AuthSession.token_sha256).where(AuthSession.user_id == live.ids["sup"]))
            hashes = set(stored)
        assert c.cookies["so_session"] not in hashes
        assert all(len(h) == 64 for h in hashes)


class TestLogoutEndsSession:
    def test_copied_cookie_dies_with_logout(self, live: Live) -> None:
        """Attack 2: a so_session copied before /logout no longer opens the cockpit afterwards."""
        c = logged_in(live, "doc")
        copy = c.cookies["so_session"]
        assert opens(live, copy, "/cockpit/")
        assert post_form(c, "/logout", {}, "/cockpit/").status_code == 303
        assert not opens(live, copy, "/cockpit/")


class TestRevocationOnAccountChanges:
    def test_deactivation_survives_reactivation(self, live: Live) -> None:
        """Attack 2: a deactivated user's old cookie stays dead after the account is reactivated."""
        assert log_in(client(live), "sup_gone").status_code == 401  # deactivated at seed
        admin = logged_in(live, "admin")
        post_form(admin, "/admin/users/sup_gone/active", {"active": "yes"}, "/admin/")
        victim = logged_in(live, "sup_gone")
        copy = victim.cookies["so_session"]
        assert opens(live, copy, "/support/")
        post_form(admin, "/admin/users/sup_gone/active", {"active": "no"}, "/admin/")
        assert not opens(live, copy, "/support/")
        post_form(admin, "/admin/users/sup_gone/active", {"active": "yes"}, "/admin/")
        assert not opens(live, copy, "/support/")

    def test_role_change_ends_sessions(self, live: Live) -> None:
        """A role change revokes the user's sessions (they log in again under the new role)."""
        c = logged_in(live, "doc_role")
        copy = c.cookies["so_session"]
        assert opens(live, copy, "/cockpit/")
        admin = logged_in(live, "admin")
        post_form(admin, "/admin/users/doc_role/role", {"role": "support"}, "/admin/")
        assert not opens(live, copy, "/cockpit/")
        assert not opens(live, copy, "/support/")


class TestPasswordChange:
    def test_change_ends_other_sessions_and_is_audited(self, live: Live) -> None:
        """Changing one's password keeps this session, ends the others, and the old password stops working."""
        here, elsewhere = logged_in(live, "sup_pw"), logged_in(live, "sup_pw")
        answer = post_form(here, "/account/password", {"current_password": TEST_PASSWORD,
                           "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD},
                           "/account/password")  # fmt: skip
        assert answer.status_code == 200 and "password was changed" in answer.text
        assert opens(live, here.cookies["so_session"], "/support/")
        assert not opens(live, elsewhere.cookies["so_session"], "/support/")
        assert log_in(client(live), "sup_pw").status_code == 401
        assert log_in(client(live), "sup_pw", NEW_PASSWORD).status_code == 303
        assert events(live, "user.password_change", live.ids["sup_pw"]) == 1

    def test_wrong_current_password_changes_nothing(self, live: Live) -> None:
        """The current password is required."""
        c = logged_in(live, "sup")
        answer = post_form(c, "/account/password", {"current_password": "not-the-password",
                           "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD},
                           "/account/password")  # fmt: skip
        assert answer.status_code == 400
        assert log_in(client(live), "sup").status_code == 303

    def test_change_needs_the_csrf_token(self, live: Live) -> None:
        """The password form is protected like every other form."""
        c = logged_in(live, "sup")
        answer = c.post("/account/password", data={"current_password": TEST_PASSWORD,
                        "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD})  # fmt: skip
        assert answer.status_code == 403


class TestAdminReset:
    def test_reset_revokes_and_forces_a_change(self, live: Live) -> None:
        """An admin reset ends the user's sessions; the next login must choose a new password first."""
        victim = logged_in(live, "sup_reset")
        copy = victim.cookies["so_session"]
        admin = logged_in(live, "admin")
        temporary = "temporary-password-7"
        answer = post_form(admin, "/admin/password-reset", {"username": "sup_reset", "password": temporary},
                           "/admin/")  # fmt: skip
        assert answer.status_code == 303
        assert not opens(live, copy, "/support/")
        assert events(live, "user.password_reset", live.ids["sup_reset"]) == 1
        c = client(live)
        landing = log_in(c, "sup_reset", temporary)
        assert landing.headers["location"] == "/account/password"
        page = c.get("/support/", headers=HTML)
        assert (page.status_code, page.headers.get("location")) == (303, "/account/password")
        post_form(c, "/account/password", {"current_password": temporary, "new_password": NEW_PASSWORD,
                  "repeat_password": NEW_PASSWORD}, "/account/password")  # fmt: skip
        assert c.get("/support/", headers=HTML).status_code == 200

    def test_only_admins_reset(self, live: Live) -> None:
        """Support staff cannot reset a password."""
        c = logged_in(live, "sup")
        answer = post_form(c, "/admin/password-reset", {"username": "doc", "password": "x" * 12},
                           "/account/password")  # fmt: skip
        assert answer.status_code == 403
        assert log_in(client(live), "doc").status_code == 303


@pytest.mark.parametrize("path", ["/cockpit/", "/support/", "/admin/"])
def test_anonymous_still_sent_to_login(live: Live, path: str) -> None:
    """Without any cookie the staff pages still send people to the login page."""
    with httpx.Client(base_url=live.url) as c:
        page = c.get(path, headers=HTML)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
