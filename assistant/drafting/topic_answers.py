"""Answers to the next-step and treatment questions that name something: a test, a medicine,
urgent care, going back to work or the gym, a relative at risk.

Each answer names what was asked, says what the condition table and the topic notes
hold about it (general, cautious, in the project's words), quotes a cited passage
sentence that names it when the retrieved sources have one, and otherwise says
plainly that the question needs the treating clinician.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.drafting import questions
from assistant.drafting.conditions import Condition, diagnosis_family
from assistant.drafting.schemas import CitedSource, DraftSentence, SubQuestion
from assistant.drafting.topics import Topic, topic

if TYPE_CHECKING:
    from assistant.drafting.answers import AnswerContext

_NO_SOURCE = (
    "No source in this opinion covers {what} for the patient's situation, so it needs the treating "
    "clinician's advice."
)
_EMERGENCY = (
    "Go to A&E or call emergency services at once for severe breathlessness, chest pain that does not go "
    "away, coughing up blood, fainting, confusion or blue lips."
)
_URGENT_WORDS = re.compile(r"\b(urgent\w*|emergency|999|a&e|ambulance|same day|immediately)\b", re.I)
_ACTIVITY_WORDS = re.compile(r"\b(exercis\w*|activit\w*|sport\w*|work\w*|rest|return\w*)\b", re.I)
_CONTACT_WORDS = re.compile(r"\b(contacts?|household|family|children|screen\w*|preventive|catch)\b", re.I)


def _t(text: str, origin: str = "template", **refs: object) -> DraftSentence:
    return DraftSentence(text=text, origin=origin, **refs)  # type: ignore[arg-type]


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _in_play(ctx: AnswerContext, alternatives: Sequence[Condition]) -> list[Condition]:
    """The diagnosis (and what it refines), then the alternatives, each once."""
    out = diagnosis_family(ctx.intake.diagnosis_in_question)[:2]
    return out + [c for c in alternatives if c not in out]


def _cited(ctx: AnswerContext, query: str, words: re.Pattern[str] | Topic) -> list[DraftSentence]:
    """One cited passage sentence that names ``words`` and fits the case, or nothing."""
    fits = ctx.fits(None)

    def accept(sentence: str, passage: CitedSource) -> bool:
        return fits(sentence, passage) and words.search(sentence) is not None

    return ctx.pick(query, 1, accept)


def treatment_subject_sentences(ctx: AnswerContext, q: SubQuestion) -> list[DraftSentence]:
    """For each medicine the question names: what it is for, a cited sentence, who decides."""
    out: list[DraftSentence] = []
    dx = questions.diagnosis_condition(ctx.intake)
    subjects = [topic(k) for k in q.subjects]
    if dx is not None and dx.treatment:
        out.append(_t(f"On treatment for {dx.name}: {dx.treatment}."))
    meds = [m.strip() for m in ctx.intake.medications if m.strip()]
    for t in subjects:
        if t.key == "interaction" and meds:
            out.append(_t(f"On {t.name} ({', '.join(meds)}): {t.note}."))
            continue
        out.append(_t(f"On {t.name}: {t.note}."))
        out += _cited(ctx, f"{t.name} {dx.name if dx else ''} treatment", t)
    if subjects:
        names = _join([t.name for t in subjects])
        out.append(
            _t(
                f"Whether to continue, stop or change {names} is the prescribing clinician's decision; this "
                "opinion cannot make it."
            )
        )
    return out


def next_topic_sentences(
    ctx: AnswerContext, q: SubQuestion, alternatives: Sequence[Condition]
) -> list[DraftSentence]:
    """The answer to one next-step question about a test, urgent care, activity or a contact."""
    conds = _in_play(ctx, alternatives)
    match q.topic:
        case "tests":
            return _tests(ctx, q, conds)
        case "urgent":
            return _urgent(ctx, conds)
        case "activity":
            return _activity(ctx, q, conds)
        case _:
            return _contacts(ctx, q, conds)


def _tests(ctx: AnswerContext, q: SubQuestion, conds: Sequence[Condition]) -> list[DraftSentence]:
    out: list[DraftSentence] = []
    if not q.subjects:
        listed = [f"for {c.name}, {c.test}" for c in conds[:4]]
        if listed:
            out.append(_t("The tests that usually settle the question: " + "; ".join(listed) + "."))
        if conds and conds[0].follow_up:
            out.append(_t(f"A follow-up check of {conds[0].name} usually involves {conds[0].follow_up}."))
        out.append(_t("Which of these are needed now is for the treating clinician to decide."))
        return out
    for t in (topic(k) for k in q.subjects):
        uses = [c for c in conds if t.search(c.test) or t.search(c.check_after)]
        if uses:
            c = uses[0]
            how = c.check_after if t.search(c.check_after) else c.test
            out.append(_t(f"{_upper(t.name)} is part of the usual tests for {c.name}: {how}."))
            out.append(
                _t(
                    f"Asking about {t.name} is reasonable; whether it is needed now is for the "
                    "treating clinician to decide."
                )
            )
        else:
            out.append(
                _t(
                    f"None of the conditions discussed here usually needs {t.name} as a test to settle it; "
                    "whether it is needed is for the treating clinician to decide."
                )
            )
        cited = _cited(ctx, f"{t.name} {conds[0].name if conds else ''}", t)
        out += cited or [_t(_NO_SOURCE.format(what=t.name))]
    return out


def _urgent(ctx: AnswerContext, conds: Sequence[Condition]) -> list[DraftSentence]:
    urgent = [c for c in conds if c.urgent]
    if urgent:
        names = _join([c.name for c in urgent])
        first = (
            f"When {names} {'is' if len(urgent) == 1 else 'are'} suspected, the usual advice is an "
            "urgent review the same day, so seeking urgent care today (A&E or an urgent same-day "
            "appointment) is reasonable rather than waiting for this opinion."
        )
    else:
        first = (
            "This opinion cannot judge how unwell the patient is today; if the symptoms are getting worse, "
            "the treating clinician or an urgent-care service should review them the same day."
        )
    out = [_t(first), _t(_EMERGENCY)]
    return out + _cited(ctx, "when to seek urgent care emergency warning signs", _URGENT_WORDS)


def _activity(ctx: AnswerContext, q: SubQuestion, conds: Sequence[Condition]) -> list[DraftSentence]:
    what = _join([topic(k).name for k in q.subjects]) if q.subjects else "usual activities"
    out: list[DraftSentence] = []
    if "work" in q.subjects:
        out += _work(ctx, conds)
    out.append(
        _t(
            f"Whether it is safe to carry on with {what} depends on the final diagnosis, so this needs the "
            "treating clinician's advice."
        )
    )
    urgent = [c.name for c in conds[1:] if c.urgent]
    if urgent and q.subjects != ["work"]:
        verb = "has" if len(urgent) == 1 else "have"
        out.append(
            _t(
                f"Until {_join(urgent)} {verb} been ruled out, it is safer to ask the treating "
                "clinician before hard exercise."
            )
        )
    if q.subjects != ["work"]:
        out.append(
            _t(
                "Chest pain, tightness or breathlessness brought on by effort is a reason to stop "
                "and have it reviewed before carrying on."
            )
        )
    return out + _cited(ctx, f"{what} return to activity {conds[0].name if conds else ''}", _ACTIVITY_WORDS)


def _work(ctx: AnswerContext, conds: Sequence[Condition]) -> list[DraftSentence]:
    """What the condition table says about work: as fact for the diagnosis, conditionally for an
    alternative (advice for an infection the patient does not have is not advice for them)."""
    family = diagnosis_family(ctx.intake.diagnosis_in_question)
    for c in conds:
        if c.work:
            said = c.work if c in family else f"if {c.name} were confirmed, {c.work}"
            return [_t(f"On work: {said}.")]
    return []


def _contacts(ctx: AnswerContext, q: SubQuestion, conds: Sequence[Condition]) -> list[DraftSentence]:
    who = q.subjects[0] if q.subjects else "family"
    infectious = [c for c in conds if c.infectious]
    if not infectious:
        return [
            _t(
                f"This opinion has no evidence on a risk to the patient's {who}; whether a test or review is "
                "needed is for the treating clinician to advise."
            )
        ]
    c = infectious[0]
    out = [
        _t(f"On the patient's {who}: {c.infectious}."),
        _t(
            f"Whether the patient's {who} needs a test is decided by the treating clinician or the "
            "public-health team, who can arrange it."
        ),
    ]
    about_c = ctx.fits(c)

    def accept(sentence: str, passage: CitedSource) -> bool:
        return about_c(sentence, passage) and _CONTACT_WORDS.search(sentence) is not None

    return out + ctx.pick(f"{c.name} contacts household children screening", 1, accept)
