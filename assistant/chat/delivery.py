"""Delivery of the signed opinion in the chat: the message, its sources, follow-up answers.

The opinion itself, its PDF and who signed it come from
:mod:`assistant.opinion_document`, which only ever loads a signed version for the case's
patient or a clinician; this module only words it for the chat.

Loading is database work and rendering is not: :func:`opinion_reply` builds the message
from an already loaded :class:`SignedOpinion` and names where its PDF goes, and
:func:`render_opinion_pdf` writes that file after the session has closed, so a slow
render never holds the database (on SQLite, a process-wide lock) from other requests.
"""

from __future__ import annotations

from pathlib import Path

from assistant.chat.intent import QuestionType, analyse_question, covers
from assistant.chat.replies import ActionSpec, Reply
from assistant.context import AppContext
from assistant.opinion_document import (
    PdfRenderer,
    SignedOpinion,
    opinion_pdf,
    source_line,
    source_origin,
    write_pdf,
)
from knowledge.sentences import quotable_sentences

FOLLOW_UP_REMINDER = (
    "This answer repeats what your signed opinion says. For anything about your own treatment, "
    "please talk to your doctor, or ask for a follow-up with a clinician."
)


def source_label(number: int, title: str) -> str:
    """The name a cited source goes by in the chat's side panel: its number and title, not "Source 8"."""
    short = " ".join(title.replace("[", "(").replace("]", ")").split())
    return f"{number}. {short[:70]}{'…' if len(short) > 70 else ''}"


def opinion_markdown(op: SignedOpinion) -> str:
    """The chat message: every section, sources by number, and the signature line."""
    lines = ["## Your signed second opinion", ""]
    if op.amendment_reason:
        lines += [f"*This is an amended version. Reason: {op.amendment_reason}*", ""]
    for section in op.sections:
        lines += [f"### {section.title}", "", section.text, ""]
    if op.citations:
        lines += ["Sources:", "", *(f"- {source_line(c)}" for c in op.citations), ""]
    lines += [f"**{op.signed_line}.**", f"Version {op.version} · fingerprint {op.content_sha256[:12]}"]
    return "\n".join(lines)


def answer_follow_up(op: SignedOpinion, question: str, max_sentences: int = 3) -> str | None:
    """Answer a follow-up question only with sentences of the signed text (None if it does not cover it).

    A sentence qualifies when it mentions the question's focus (the thing asked about); a
    question about stopping or changing a medicine is never answered from the text.
    """
    focus = analyse_question(question)
    if focus.type is QuestionType.MEDICATION_CHANGE or not focus.terms:
        return None
    found: list[tuple[str, str]] = []
    for section in op.sections:
        for sentence in quotable_sentences(section.text):
            if covers(focus.terms, sentence) and len(found) < max_sentences:
                found.append((section.title, sentence))
    if not found:
        return None
    quoted = "\n".join(f"> {sentence} *({title})*" for title, sentence in found)
    return f"Here is what your signed opinion says about that:\n\n{quoted}\n\n{FOLLOW_UP_REMINDER}"


def opinion_files_dir(ctx: AppContext, op: SignedOpinion) -> Path:
    """This host's folder for the chat's files of one signed opinion (its PDF and key images)."""
    return ctx.settings.data_dir / "opinions" / op.case_id


def opinion_pdf_path(ctx: AppContext, op: SignedOpinion) -> Path:
    """Where the PDF of one signed version is written for the chat."""
    return opinion_files_dir(ctx, op) / f"opinion-v{op.version}.pdf"


def _image_paths(ctx: AppContext, op: SignedOpinion) -> list[tuple[str, Path]]:
    folder = opinion_files_dir(ctx, op) / "images"
    return [(key, folder / f"{key}.png") for key in op.image_keys]


def opinion_reply(ctx: AppContext, op: SignedOpinion, actions: list[ActionSpec]) -> Reply:
    """The chat message of a loaded signed opinion, with its key images, sources and PDF path.

    Neither the PDF nor the images are written here: call :func:`render_opinion_pdf` once the
    database session that loaded ``op`` has closed, before the reply is shown.
    """
    sources = [(c.number, c.title, source_origin(c), c.text) for c in op.citations]
    images = [path for _key, path in _image_paths(ctx, op)]
    pdf = opinion_pdf_path(ctx, op)
    return Reply(opinion_markdown(op), "opinion", actions, images=images, pdf=pdf, sources=sources)


def render_opinion_pdf(ctx: AppContext, op: SignedOpinion, render: PdfRenderer = opinion_pdf) -> Path:
    """Write the files the reply of ``op`` names (call outside any database session).

    The PDF is rendered, and each key image is copied from storage to this host's cache,
    because the chat sends files by path (rows hold storage keys only).
    """
    for key, path in _image_paths(ctx, op):
        if not path.is_file():
            ctx.storage.copy_to(key, path)
    return write_pdf(op, opinion_pdf_path(ctx, op), render)
