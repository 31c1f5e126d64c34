"""Delivery of the signed opinion in the chat: the message, its sources, follow-up answers.

The opinion itself, its PDF and who signed it come from
:mod:`assistant.opinion_document`, which only ever loads a signed version for the case's
patient or a clinician; this module only words it for the chat.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from assistant.chat.answers import sentences_of
from assistant.chat.intent import QuestionType, analyse_question, covers
from assistant.chat.replies import ActionSpec, Reply
from assistant.context import AppContext
from assistant.db.models import User
from assistant.opinion_document import SignedOpinion, load_signed_opinion, write_pdf

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
        lines += ["Sources: " + ", ".join(f"[{c.number}] {c.title}" for c in op.citations), ""]
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
        for sentence in sentences_of(section.text):
            if covers(focus.terms, sentence) and len(found) < max_sentences:
                found.append((section.title, sentence))
    if not found:
        return None
    quoted = "\n".join(f"> {sentence} *({title})*" for title, sentence in found)
    return f"Here is what your signed opinion says about that:\n\n{quoted}\n\n{FOLLOW_UP_REMINDER}"


def opinion_reply(
    ctx: AppContext, session: Session, actor: User, case_id: str, actions: list[ActionSpec]
) -> tuple[Reply, SignedOpinion]:
    """The chat message of a case's latest signed opinion, with its PDF, key images and sources."""
    op = load_signed_opinion(session, actor, case_id, ctx.storage)
    folder = ctx.settings.data_dir / "opinions" / op.case_id
    pdf = write_pdf(op, folder / f"opinion-v{op.version}.pdf")
    sources = [(c.number, c.title, c.url, c.text) for c in op.citations]
    # The chat sends files by path: this host's copy of each stored key image (a cache).
    images = [
        p if p.is_file() else ctx.storage.copy_to(key, p)
        for key in op.image_keys
        for p in [folder / "images" / f"{key}.png"]
    ]
    reply = Reply(opinion_markdown(op), "opinion", actions, images=images, pdf=pdf, sources=sources)
    return reply, op
