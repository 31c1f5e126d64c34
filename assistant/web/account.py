"""Passwords: every user changes their own; an admin resets one (changed at next login).

Argon2 runs before the write transaction opens (never under the database lock). A change
ends every other session of the user; a reset ends all of them. Both are audited.
"""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from assistant.db.models import User
from assistant.errors import AuthenticationError, DomainError, ValidationError
from assistant.passwords import hash_password, verify_password
from assistant.roles import Role
from assistant.services import users
from assistant.web.admin import _page as admin_page
from assistant.web.login_flow import _limiter
from assistant.web.pages import add_routes, context_of, form_str, redirect, render, status_for
from assistant.web.security import PASSWORD_PAGE, home_for, require_roles, verify_csrf

Anyone = Annotated[User, Depends(require_roles(*Role))]
Admin = Annotated[User, Depends(require_roles(Role.ADMIN))]
router = APIRouter()
posts = APIRouter(dependencies=[Depends(verify_csrf)])


def _password_page(
    request: Request, user: User, error: str = "", notice: str = "", code: int = 200
) -> Response:
    values = {"error": error, "forced": user.must_change_password, "home": home_for(user)}
    if notice:
        values["notice"] = notice
    return render(request, "account/password.html", user, values, status_code=code)


@router.get(PASSWORD_PAGE)
def password_form(request: Request, user: Anyone) -> Response:
    """The form to change one's own password."""
    return _password_page(request, user)


def _hash_new(new: str, repeat: str) -> str:
    if new != repeat:
        raise ValidationError("The two new passwords differ.")
    users.validate_new_password(new)
    return hash_password(new)


@posts.post(PASSWORD_PAGE)
async def change_password(request: Request, user: Anyone) -> Response:
    """Change one's own password after re-entering the current one; other sessions end."""
    form = await request.form()
    ctx = context_of(request)
    current, new = form_str(form, "current_password"), form_str(form, "new_password")
    try:
        ok = await anyio.to_thread.run_sync(
            verify_password, user.password_hash, current, limiter=_limiter(ctx)
        )
        if not ok:
            raise AuthenticationError("Your current password is not correct.")
        if new == current:
            raise ValidationError("Choose a new password different from the current one.")
        new_hash = await anyio.to_thread.run_sync(
            _hash_new, new, form_str(form, "repeat_password"), limiter=_limiter(ctx)
        )

        keep = getattr(request.state, "auth_session_id", None)

        def _store() -> User:
            with ctx.db.session() as s:
                return users.change_password(
                    s, user.id, new_hash, expected_hash=user.password_hash, keep_session=keep
                )

        changed = await run_in_threadpool(_store)
    except DomainError as e:
        return _password_page(request, user, e.message, code=status_for(e))
    return _password_page(
        request, changed, notice="Your password was changed; your other sessions were ended."
    )


@posts.post("/admin/password-reset")
async def reset_password(request: Request, user: Admin) -> Response:
    """An admin sets a temporary password; the user must change it at next login."""
    form = await request.form()
    ctx = context_of(request)
    username = form_str(form, "username").strip()
    try:
        if username == user.username:
            raise ValidationError("Change your own password on the password page.")
        temporary = form_str(form, "password")
        users.validate_new_password(temporary)
        new_hash = await anyio.to_thread.run_sync(hash_password, temporary, limiter=_limiter(ctx))

        def _store() -> None:
            with ctx.db.session() as s:
                users.reset_password(s, user, username, new_hash)

        await run_in_threadpool(_store)
    except DomainError as e:
        return await run_in_threadpool(admin_page, request, user, e.message, status_for(e))
    return redirect("/admin/", "user_updated")


def register(app: FastAPI) -> None:
    """Add the password pages to the app."""
    add_routes(app, router, posts)
