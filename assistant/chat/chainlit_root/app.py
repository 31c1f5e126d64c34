"""Chainlit entry module of the patient chat: a thin adapter over :class:`PatientChat`.

Loaded by :func:`chainlit.utils.mount_chainlit` (see :mod:`assistant.chat.mount`). Every
handler turns a Chainlit event into a :class:`PatientChat` call (run in a worker thread,
since the services are synchronous) and renders the replies. Action payloads come from
the browser and are only hints: the chat acts on the session's own case, and the
services check the access policy on every call.
"""

# mypy: disable-error-code="no-untyped-call"
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import chainlit as cl
from sqlalchemy.orm import Session

from assistant.chat import runtime
from assistant.chat.auth import UID_KEY, chat_user, patient_from_headers, patient_session, patient_session_in
from assistant.chat.conversation import PatientChat
from assistant.chat.delivery import source_label
from assistant.chat.guards import discard_chainlit_copy
from assistant.chat.intake import Extractor, completion_extractor, without_directives
from assistant.chat.replies import Phase, Reply
from assistant.chat.sockets import socket_state
from assistant.errors import DomainError
from assistant.services.progress import WAITING, ProgressSnapshot

logger = logging.getLogger("assistant.chat.handlers")

POLL_S = 1.5
UNEXPECTED = (
    "Sorry, something went wrong on our side. Your answers so far are saved. "
    "Please try again in a moment; if it keeps happening, contact the support team."
)
REFUSED = "The chat is for patients. Please log in with a patient account, or use the pages for your role."
LOST_SOCKET = "lost_socket"  # the socket id Chainlit last reported disconnected


@cl.header_auth_callback  # type: ignore[arg-type]
async def header_auth(headers: Any) -> cl.User | None:
    """Chainlit's session from the app's own login session: patients only, bound to that session."""
    found = await asyncio.to_thread(patient_session, runtime.context(), headers.get("cookie"))
    return None if found is None else chat_user(found)  # type: ignore[no-any-return]


def _extractor() -> Extractor | None:
    """The LLM helps parse list answers only with a capable model; the tiny embedded one is not used."""
    ctx = runtime.context()
    if ctx.settings.llm.mode not in ("openai_compatible", "hf_local"):
        return None
    from assistant.drafting.llm import build_llm, generate

    llm = ctx.component("llm", lambda: build_llm(ctx.settings.llm, ctx.settings.models_dir))
    return completion_extractor(lambda prompt: generate(llm, prompt, stop=["\n\n"], max_tokens=60))


def _elements(reply: Reply) -> list[Any]:
    elements: list[Any] = [
        cl.Image(path=str(p), name=f"image {i}", display="inline", size="medium")
        for i, p in enumerate(reply.images, start=1)
    ]
    if reply.pdf is not None:
        elements.append(cl.File(path=str(reply.pdf), name="second-opinion.pdf", display="inline",
                                mime="application/pdf"))  # fmt: skip
    return elements


def _source_elements(reply: Reply) -> list[Any]:
    """One side panel per cited source, in number order, then the panel's title for them all.

    Chainlit opens the side panel by itself when side elements arrive, showing all of them
    in arrival order under the *last* one's name; so they are sent one by one in number
    order, each headed by its number, and the last is a short note whose name says what
    the panel holds. A source's name in the message still opens that source alone.
    """
    if not reply.sources:
        return []
    panels: list[Any] = [
        cl.Text(
            name=source_label(n, title),
            content=without_directives(f"#### {n}. {title}\n\n{url}\n\n{text}".strip()),  # whole title
            display="side",
        )
        for n, title, url, text in reply.sources
    ]
    numbers = ", ".join(str(n) for n, *_ in reply.sources)
    note = "Open a source by its name in the message to read it on its own."
    panels.append(cl.Text(name=f"Sources cited ({numbers})", content=note, display="side"))
    return panels


async def render(replies: list[Reply]) -> None:
    """Send replies as Chainlit messages with their images, PDF, side sources and buttons."""
    for reply in replies:
        content = without_directives(reply.text)
        if reply.sources:
            content += "\n\n**Sources** (open one to read it): " + " · ".join(
                source_label(n, title) for n, title, *_ in reply.sources
            )
        actions = [cl.Action(name=a.name, payload=dict(a.payload), label=a.label) for a in reply.actions]
        if reply.author == "patient":
            await cl.Message(content=content, type="user_message", author="You").send()
            continue
        message = cl.Message(content=content, elements=_elements(reply), actions=actions,
                             metadata={"kind": reply.kind})  # fmt: skip
        await message.send()
        for panel in _source_elements(reply):  # in order: Chainlit sends a message's own elements at once
            await panel.send(for_id=message.id)


def _session_identity() -> tuple[Any, str | None]:
    """The patient id and the cookie this socket was opened with."""
    user = cl.user_session.get("user")
    environ = getattr(cl.context.session, "environ", None) or {}
    return (getattr(user, "metadata", None) or {}).get(UID_KEY), environ.get("HTTP_COOKIE")


async def session_open() -> bool:
    """Whether the login session this socket was opened with is still open.

    A socket outlives the HTTP requests that opened it; logging out, a password change,
    deactivation or a role change must stop it from acting or receiving anything more.
    Turns check it inside their own transaction (:func:`_turn_check`); the progress poll here.
    """
    uid, cookie = _session_identity()
    found = await asyncio.to_thread(patient_session, runtime.context(), cookie)
    return found is not None and found.user.id == uid


def _turn_check() -> Callable[[Session], bool]:
    """:func:`session_open` for :class:`PatientChat`: run in each turn's transaction, so a turn
    costs no separate thread hand-off, connection and transaction for it."""
    uid, cookie = _session_identity()
    ctx = runtime.context()

    def is_open(s: Session) -> bool:
        found = patient_session_in(s, ctx, cookie)
        return found is not None and found.user.id == uid

    return is_open


async def call(fn: Callable[[], list[Reply]]) -> None:
    """Run a chat operation off the event loop; domain errors in words, never a stack trace.

    A turn whose login session has ended raises :class:`ChatSessionEndedError` (a domain error)
    before it does anything, so its words are what the patient sees.
    """
    lock = cl.user_session.get("turn_lock")
    if not isinstance(lock, asyncio.Lock):  # one turn at a time per patient session
        lock = asyncio.Lock()
        cl.user_session.set("turn_lock", lock)
    try:
        async with lock:
            replies = await asyncio.to_thread(fn)
    except DomainError as e:
        replies = [Reply(e.message, "info")]
    except Exception:
        logger.exception("chat turn failed")
        replies = [Reply(UNEXPECTED, "info")]
    await render(replies)


def _chat() -> PatientChat | None:
    chat = cl.user_session.get("chat")
    return chat if isinstance(chat, PatientChat) else None


@cl.on_chat_start
async def on_chat_start() -> None:
    """Check the session again, then consent or resume."""
    ctx = runtime.context()
    user = cl.user_session.get("user")
    uid = (getattr(user, "metadata", None) or {}).get(UID_KEY)
    environ = getattr(cl.context.session, "environ", None) or {}
    patient = await asyncio.to_thread(patient_from_headers, ctx, environ.get("HTTP_COOKIE"))
    if patient is None or patient.id != uid:
        await cl.Message(content=REFUSED).send()
        return
    chat = PatientChat(ctx, patient.id, extractor=_extractor(), session_open=_turn_check())
    cl.user_session.set("chat", chat)
    await call(chat.open)
    cl.user_session.set("poller", asyncio.create_task(_poll(chat)))


@cl.on_chat_end
async def on_chat_end() -> None:
    """The socket is gone: the poller pauses until it comes back (:mod:`assistant.chat.sockets`)."""
    cl.user_session.set(LOST_SOCKET, getattr(cl.context.session, "socket_id", None))


@cl.on_message
async def on_message(message: cl.Message) -> None:
    """Red flags first, then files, then the answer or question."""
    chat = _chat()
    if chat is None:
        await cl.Message(content=REFUSED).send()
        return
    text = (message.content or "").strip()
    files = [e for e in message.elements or [] if getattr(e, "path", None)]
    if not files:
        await call(lambda: chat.message(text))
        return
    await call(lambda: chat.screen(text))
    for f in files:
        async with cl.Step(name=f"Reading {f.name}", type="tool") as step:
            await call(partial(chat.upload, Path(str(f.path)), str(f.name), str(f.mime or "")))
            discard_chainlit_copy(runtime.context(), Path(str(f.path)))  # our storage holds it now
            step.output = "Done"
    if text:
        await call(lambda: chat.message(text, screened=True))


@cl.action_callback("consent_agree")
async def consent_agree(action: cl.Action) -> None:
    """The patient agreed to the consent text."""
    if chat := _chat():
        await action.remove()
        await call(lambda: chat.consent(True))


@cl.action_callback("consent_decline")
async def consent_decline(action: cl.Action) -> None:
    """The patient declined."""
    if chat := _chat():
        await action.remove()
        await call(lambda: chat.consent(False))


@cl.action_callback("submit_case")
async def submit_case(action: cl.Action) -> None:  # noqa: ARG001
    """Confirm the summary and submit the case."""
    if chat := _chat():
        await call(chat.submit)


@cl.action_callback("edit_field")
async def edit_field(action: cl.Action) -> None:
    """Change one answer (the step name is validated; the case is the session's own)."""
    if chat := _chat():
        step = str((action.payload or {}).get("step", ""))
        await call(lambda: chat.edit(step))


@cl.action_callback("request_follow_up")
async def request_follow_up(action: cl.Action) -> None:
    """Ask for a human follow-up."""
    if chat := _chat():
        await action.remove()
        await call(chat.request_follow_up)


@cl.action_callback("pass_to_clinician")
async def pass_to_clinician(action: cl.Action) -> None:
    """Pass an unanswered question to a clinician."""
    if chat := _chat():
        await action.remove()
        await call(chat.pass_to_clinician)


@cl.action_callback("my_requests")
async def my_requests(action: cl.Action) -> None:  # noqa: ARG001
    """List the patient's requests."""
    if chat := _chat():
        await call(chat.my_requests)


@cl.action_callback("open_opinion")
async def open_opinion(action: cl.Action) -> None:
    """Open an earlier signed opinion (the case id is only a hint; the policy checks it)."""
    if chat := _chat():
        case_id = str((action.payload or {}).get("case", ""))[:36]
        await call(lambda: chat.open_opinion(case_id))


@cl.action_callback("new_case")
async def new_case(action: cl.Action) -> None:  # noqa: ARG001
    """Start a new request."""
    if chat := _chat():
        await call(chat.new_case)


async def _show_stages(snapshot: ProgressSnapshot, shown: set[str]) -> None:
    """One step per stage event of the newest job (so a resubmitted case shows its progress again)."""
    for event in snapshot.stages:
        if f"stage:{event.id}" not in shown:
            shown.add(f"stage:{event.id}")
            async with cl.Step(name=event.label, type="tool") as step:
                step.output = f"Done at {event.at:%H:%M:%S} UTC"
    waiting = f"waiting:{snapshot.stages[-1].id if snapshot.stages else 0}"
    if snapshot.waiting_for_clinician and waiting not in shown:
        shown.add(waiting)
        async with cl.Step(name=WAITING, type="tool") as step:
            step.output = "A clinician will review and sign your opinion. You can leave and come back."


async def _poll(chat: PatientChat) -> None:
    """Show progress steps from the job's events and deliver the opinion when it is signed."""
    shown: set[str] = set()
    session = cl.context.session
    while True:
        await asyncio.sleep(POLL_S)
        state = socket_state(session.id, getattr(session, "socket_id", ""), cl.user_session.get(LOST_SOCKET))
        if state == "gone":
            return
        if state == "away" or chat.phase is not Phase.WAITING:
            continue  # nothing is sent to a lost socket: it would be lost with it
        try:
            snapshot = await asyncio.to_thread(chat.progress)
            if snapshot is None:
                continue
            if not await session_open():
                return  # logged out meanwhile: deliver nothing more on this socket
            await _show_stages(snapshot, shown)
            await render(await asyncio.to_thread(chat.announce, snapshot))
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("progress poll failed")
