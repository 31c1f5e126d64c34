"""Guards in front of Chainlit's HTTP routes: bounded uploads and well-formed actions.

:class:`ChatGuard` wraps the mounted chat (inside :class:`assistant.chat.auth.PatientGate`):

- ``POST /chat/project/file`` is answered here instead of by Chainlit, whose handler
  reads the whole file into memory. The same checks run (Chainlit's token, the session's
  owner, its MIME type and size rules), then the upload quota
  (:mod:`assistant.chat.upload_quota`), then the body is streamed to disk (multipart
  parts spill to a temporary file past 1 MB, and the body is cut off past the size
  limit) and moved into the session's folder. Refusals are polite JSON (413).
- ``POST /chat/project/action`` is checked for a live session and a well-formed action
  before Chainlit sees it, so a malformed request gets a 4xx rather than a 500.
- ``GET /chat/project/file/<id>`` for an upload whose Chainlit copy was discarded (below)
  gets a 410 with a plain sentence, not Chainlit's 500.

:func:`discard_chainlit_copy` removes Chainlit's copy of a file as soon as our storage
holds it (or refused it), so identifiable originals do not linger in ``.files``.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import shutil
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any, BinaryIO

import anyio.to_thread
from starlette.datastructures import UploadFile
from starlette.requests import Request

from assistant.chat.upload_quota import MB, UploadQuota, stored_usage
from assistant.context import AppContext

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_ACTION_BYTES = 64 * 1024
MULTIPART_OVERHEAD = 64 * 1024
ENDED = "This chat session has ended. Please reload the page."


STORED = "This file is kept with your case; the chat no longer holds a copy."


def _stored_elsewhere(scope: Scope) -> bool:
    """Whether a chat file request names an upload whose Chainlit copy was discarded.

    Chainlit's own handler raises (a 500 and a traceback) for a file its session lists but
    its folder no longer holds, which is every upload once our storage has it.
    """
    from urllib.parse import parse_qs

    from chainlit.session import WebsocketSession

    file_id = str(scope.get("path", "")).rstrip("/").rsplit("/", 1)[-1]
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    session = WebsocketSession.get_by_id((query.get("session_id") or [""])[0])
    entry = session.files.get(file_id) if session is not None else None
    return entry is not None and not Path(str(entry.get("path", ""))).exists()


class _Refused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


def upload_quota(ctx: AppContext) -> UploadQuota:
    """The process's upload bookkeeping for this app."""
    quota: UploadQuota = ctx.component("upload_quota", lambda: UploadQuota(ctx.settings.chat_limits))
    return quota


def discard_chainlit_copy(ctx: AppContext, path: Path) -> None:
    """Delete Chainlit's copy of an uploaded file (only ever inside Chainlit's ``.files``)."""
    files_root = (ctx.settings.data_dir / "chat" / ".files").resolve()
    resolved = path.resolve()
    if files_root in resolved.parents:
        resolved.unlink(missing_ok=True)
    upload_quota(ctx).stored(path)


class ChatGuard:
    """ASGI wrapper answering the upload route and checking actions (see the module docstring)."""

    def __init__(self, app: ASGIApp, ctx: AppContext) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] == "http" and scope.get("method") == "POST":
            try:
                if path.endswith("/project/file"):
                    await _respond(send, 200, await self._upload(scope, receive))
                    return
                if path.endswith("/project/action"):
                    receive = await self._checked_action(receive)
            except _Refused as e:
                await _respond(send, e.status, {"detail": e.detail})
                return
        reads_file = scope["type"] == "http" and scope.get("method") == "GET" and "/project/file/" in path
        if reads_file and _stored_elsewhere(scope):
            await _respond(send, 410, {"detail": STORED})
            return
        await self.app(scope, receive, send)

    async def _checked_action(self, receive: Receive) -> Receive:
        body = await _read_body(receive, MAX_ACTION_BYTES)
        try:
            payload = json.loads(body)
        except ValueError as e:
            raise _Refused(400, "The request is not valid JSON.") from e
        if not isinstance(payload, dict) or not isinstance(payload.get("sessionId"), str):
            raise _Refused(400, "The request names no chat session.")
        action = payload.get("action")
        if not isinstance(action, dict):
            raise _Refused(400, "The request names no action.")
        from chainlit.action import Action
        from chainlit.session import WebsocketSession

        if WebsocketSession.get_by_id(payload["sessionId"]) is None:
            raise _Refused(404, ENDED)
        try:
            Action(**action)
        except (TypeError, ValueError) as e:
            raise _Refused(400, "The action is not well formed.") from e
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        return replay

    async def _upload(self, scope: Scope, receive: Receive) -> dict[str, str]:
        from chainlit.auth import get_current_user
        from chainlit.auth.cookie import OAuth2PasswordBearerWithCookie
        from chainlit.server import validate_file_upload
        from chainlit.session import WebsocketSession
        from fastapi import HTTPException

        request = Request(scope, receive)
        try:
            token = await OAuth2PasswordBearerWithCookie(tokenUrl="/login", auto_error=False)(request)
            if not token:
                raise _Refused(401, "Log in first.")
            current = await get_current_user(token)
        except HTTPException as e:
            raise _Refused(e.status_code, str(e.detail)) from e
        session = WebsocketSession.get_by_id(request.query_params.get("session_id", ""))
        if session is None:
            raise _Refused(404, ENDED)
        if current is None or session.user is None or session.user.identifier != current.identifier:
            raise _Refused(401, "You are not authorized to upload files for this session")
        patient_id = int((session.user.metadata or {}).get("uid", 0))
        max_file = self.ctx.settings.uploads.max_file_mb * MB
        announced = int(request.headers.get("content-length") or max_file)
        if announced > max_file + MULTIPART_OVERHEAD:
            raise _Refused(413, _too_big(self.ctx.settings.uploads.max_file_mb))
        quota = upload_quota(self.ctx)
        stored = await anyio.to_thread.run_sync(stored_usage, self.ctx.db, patient_id)
        reservation = uuid.uuid4().hex
        refusal = quota.reserve(reservation, session.id, patient_id, announced, stored)
        if refusal:
            logger.info("chat upload refused by the quota (session %s)", session.id)
            raise _Refused(413, refusal)
        target: Path | None = None
        size = 0
        try:
            limited = Request(scope, _limited(receive, max_file + MULTIPART_OVERHEAD))
            form = await limited.form(max_files=1, max_fields=8)
            file = form.get("file")
            if not isinstance(file, UploadFile) or not file.filename or not file.content_type:
                raise _Refused(400, "The request carries no file.")
            try:
                spec = session.files_spec.get(request.query_params.get("ask_parent_id"))
                validate_file_upload(file, spec=spec)  # type: ignore[arg-type]
            except ValueError as e:
                raise _Refused(400, str(e)) from e
            file_id = str(uuid.uuid4())
            session.files_dir.mkdir(parents=True, exist_ok=True)
            target = session.files_dir / (file_id + (mimetypes.guess_extension(file.content_type) or ""))
            size = await anyio.to_thread.run_sync(_copy, file.file, target)
            await form.close()
            session.files[file_id] = {
                "id": file_id,
                "path": target,
                "name": file.filename,
                "type": file.content_type,
                "size": size,
            }
            return {"id": file_id}
        except _BodyTooLarge as e:
            target = None
            raise _Refused(413, _too_big(self.ctx.settings.uploads.max_file_mb)) from e
        except _Refused:
            target = None
            raise
        except Exception as e:  # a malformed multipart body, a full disk: the patient sees words
            logger.warning("chat upload failed: %s", type(e).__name__)
            target = None
            raise _Refused(400, "The file could not be received; please try again.") from e
        finally:
            quota.settle(reservation, session.id, patient_id, size, target)


class _BodyTooLarge(Exception):
    pass


def _limited(receive: Receive, limit: int) -> Receive:
    received = 0

    async def wrapped() -> Message:
        nonlocal received
        message = await receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise _BodyTooLarge()
        return message

    return wrapped


def _copy(source: BinaryIO, target: Path) -> int:
    source.seek(0)
    with target.open("wb") as out:
        shutil.copyfileobj(source, out, length=MB)
    return target.stat().st_size


def _too_big(max_mb: int) -> str:
    return (
        f"This file is larger than the {max_mb} MB a single file may be. Please split the study "
        "into smaller .zip files."
    )


async def _read_body(receive: Receive, limit: int) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += bytes(message.get("body", b""))
        if len(body) > limit:
            raise _Refused(413, "The request is too large.")
        if not message.get("more_body"):
            return body


async def _respond(send: Send, status: int, payload: dict[str, str]) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
