"""Answers to the next-step and treatment questions that name something: a test, a medicine,
urgent care, going back to work or the gym, a relative at risk.

Each answer names what was asked, says what the condition table and the topic notes
hold about it (general, cautious, in the project's words), quotes a cited passage
sentence that names it when the retrieved sources have one, and otherwise says
plainly that the question needs the treating clinician.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from assistant.drafting import questions
from assistant.drafting.conditions import Condition, conditions_in, diagnosis_family
from assistant.drafting.risk_factors import found_factors
from assistant.drafting.same_day import assessed_and_sent_home, needs_emergency, same_day_signs
from assistant.drafting.schemas import CitedSource, DraftSentence, SubQuestion
from assistant.drafting.setting import care_setting, warning_sentence
from assistant.drafting.story import established, pointing_to
from assistant.drafting.topics import (
    ADVICE_ONLY,
    REFUSES_BLOOD,
    Topic,
    for_age,
    medicine_name,
    medicine_note,
    topic,
)
from assistant.intake import IntakeRecord

if TYPE_CHECKING:
    from assistant.drafting.answers import AnswerContext

_NO_SOURCE = (
    "No source in this opinion covers {what} for the patient's situation, so it needs the treating "
    "clinician's advice."
)
#: What an adult at home is told to do at once (the safety-net sentence of the urgent-care answer).
EMERGENCY_ADVICE = (
    "Go to A&E or call emergency services at once for severe breathlessness, chest pain that does not go "
    "away, coughing up blood, fainting, confusion or blue lips."
)
#: Someone who smoked and has stopped ("gave up 30 years ago", "ex-smoker"), and does not smoke now.
_STOPPED = re.compile(
    r"\b(?:(?:stopped|gave up|give up|quit|packed in|packed up)\s+(?:smoking|cigarettes|the cigarettes|"
    r"the fags|\d+|in \d{4}|(?:about |over |around )?(?:\w+ )?years? ago)|ex-?\s?smoker|former smoker|"
    r"(?:used to|i used to) smoke|smoked (?:for \d+ years )?(?:until|till)\b)",
    re.I,
)
_STILL_SMOKES = re.compile(
    r"\b(?:still smok\w*|smok\w* again|started again|current smoker|smokes? now)\b", re.I
)


def stopped_smoking(intake: IntakeRecord) -> bool:
    """Whether the patient says they smoked and have stopped (and not that they smoke now)."""
    story = "\n".join([intake.history, intake.reason_for_second_opinion, intake.main_question])
    return bool(_STOPPED.search(story)) and not _STILL_SMOKES.search(story)


_URGENT_WORDS = re.compile(r"\b(urgent\w*|emergency|999|a&e|ambulance|same day|immediately)\b", re.I)
#: Treatments a question and a condition's treatment note can both name.
_TREATMENT_TERMS = re.compile(
    r"\b(drain|surgery|operation|antibiotics|steroid|chemotherapy|radiotherapy|oxygen|blood thinner)s?\b"
)
#: A sentence about stopping smoking or vaping (not one that lists smoking among causes).
_SMOKING_WORDS = re.compile(
    r"^(?=.*\b(?:smok\w*|vap(?:e|es|ed|ing)|tobacco|cigarettes?)\b)(?=.*\b(?:stop\w*|quit\w*|giv\w* up|"
    r"cessation)\b)",
    re.I,
)
_ACTIVITY_PREFIX = re.compile(r"^whether it is safe to (?:carry on|go ahead) with ")
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


def _cited(
    ctx: AnswerContext, query: str, words: re.Pattern[str] | Topic, *, own: bool = False
) -> list[DraftSentence]:
    """One cited passage sentence that names ``words``, fits the case and names no condition other
    than those in play (an X-ray sentence about a clot answers no X-ray question on bronchitis).

    With ``own`` (a medicine the patient takes for the diagnosis), a sentence that names no condition
    must come from a note about the diagnosis: "Antibiotics given early reduce spread", from a note on
    whooping cough, read as advice on a baby's bronchiolitis.
    """
    fits = ctx.fits(None)
    in_play = _in_play(ctx, questions.named_alternatives(ctx.intake))
    family = diagnosis_family(ctx.intake.diagnosis_in_question)

    def accept(sentence: str, passage: CitedSource) -> bool:
        if own and family and not conditions_in(sentence):
            about = conditions_in(passage.title)
            if about and not any(c in family for c in about):
                return False
        return (
            fits(sentence, passage)
            and words.search(sentence) is not None
            and _about_case(in_play, sentence, passage)
        )

    return ctx.pick(query, 1, accept)


#: A child's preventer and growth, asked about: what is known, in the project's own words.
_GROWTH_ASKED = re.compile(r"\b(?:growth|grow|height|tall|small(?:est)?|short|stunt\w*)\b", re.I)
_PREVENTER_GROWTH = (
    "On a preventer (an inhaled steroid) and growth: at the usual doses it can slow a child's growth a "
    "little in the first year, and adults who took one as children are on average about a centimetre "
    "shorter, while asthma that is not controlled can itself hold growth back; so the lowest dose that "
    "controls the symptoms is used, height is measured at asthma reviews, and inhaler technique and "
    "how often the reliever is needed are checked before a dose is raised"
)


#: A neighbour's inhaler for a baby with bronchiolitis went unanswered in a read draft.
_NO_INHALER_IN_BRONCHIOLITIS = (
    "In bronchiolitis, reliever inhalers such as salbutamol, and steroid inhalers or medicines, are not "
    "recommended, because studies in babies with it show they do not help; an inhaler prescribed for someone "
    "else should not be given to the baby."
)


def treatment_subject_sentences(ctx: AnswerContext, q: SubQuestion) -> list[DraftSentence]:
    """For each medicine the question names: what it is for, a cited sentence, who decides."""
    out: list[DraftSentence] = []
    dx = questions.diagnosis_condition(ctx.intake)
    subjects = [topic(k) for k in q.subjects]
    child = ctx.intake.is_child
    if dx is not None and dx.treatment:
        out.append(_t(f"On treatment for {dx.name}: {dx.treatment_for(child=child)}."))
    # How an alternative the patient raised is treated, said as conditional ("if it were empyema"),
    # when the question asks about a treatment that note speaks of (a drain, an operation).
    asked = set(_TREATMENT_TERMS.findall(ctx.intake.main_question.lower()))
    for alt in [c for c in questions.named_alternatives(ctx.intake) if c.treatment][:2]:
        if asked & set(_TREATMENT_TERMS.findall(alt.treatment.lower())):
            out.append(_t(f"If {alt.name} were confirmed instead: {alt.treatment_for(child=child)}."))
    for t in subjects:
        if t.key in ADVICE_ONLY:
            out.append(_t(f"On {t.name}: {for_age(t.note, child=child)}."))
            continue
        meds = ctx.intake.medications
        refusing = bool(REFUSES_BLOOD.search(questions.text_of(ctx.intake)))
        note = medicine_note(t, meds, child=child, refusing=refusing)
        out.append(_t(f"On {medicine_name(t, meds)}: {note}."))
        if (
            t.key in ("inhaler", "steroid_inhaler")
            and _t(_PREVENTER_GROWTH) not in out
            and child
            and _GROWTH_ASKED.search(
                "\n".join([ctx.intake.main_question, ctx.intake.reason_for_second_opinion, *meds])
            )
        ):
            out.append(_t(_PREVENTER_GROWTH))
        if t.key in ("inhaler", "steroid_inhaler") and dx is not None and dx.key == "bronchiolitis":
            out.append(_t(_NO_INHALER_IN_BRONCHIOLITIS))
        out += _cited(ctx, f"{t.name} {dx.name if dx else ''} treatment", t, own=True)
    named = [t for t in subjects if t.key not in ADVICE_ONLY]
    if named:
        out.append(
            _t(
                f"Whether to start, continue, stop or change "
                f"{_join([medicine_name(t, ctx.intake.medications) for t in named])} is the "
                "prescribing clinician's decision; this opinion cannot make it."
            )
        )
    return out


def next_topic_sentences(
    ctx: AnswerContext, q: SubQuestion, alternatives: Sequence[Condition]
) -> list[DraftSentence]:
    """The answer to one next-step question about a test, urgent care, activity, smoking, an
    exposure, timing or a contact."""
    conds = _in_play(ctx, alternatives)
    match q.topic:
        case "tests":
            return _tests(ctx, q, conds)
        case "urgent":
            return _urgent(ctx, conds)
        case "activity":
            return _activity(ctx, q, conds)
        case "smoking":
            return _smoking(ctx, q, conds)
        case "exposure":
            return _exposure(ctx, q, conds)
        case "timing":
            return _timing(ctx, conds)
        case "hospital":
            return _hospital(ctx, conds)
        case "risk":
            return _risk(ctx, q)
        case "recovery":
            return _recovery(ctx, conds)
        case "recurrence":
            return _recurrence(ctx, conds)
        case "outlook":
            return _outlook(ctx, conds)
        case "care_plan":
            return _care_plan(ctx)
        case "duration" | "contraception" | "pregnancy" | "breastfeeding":
            return _plan(ctx, q, conds)
        case _:
            return _contacts(ctx, q, conds)


def _it(name: str) -> str:
    """ "it is" for "a CT scan", "they are" for "blood tests" or "lung function tests"."""
    return "it is" if re.match(r"(?:a|an|the) ", name) else "they are"


#: An earlier report that names a chest film ("CXR:", "chest X-ray showed ...").
_FILM_REPORTED = re.compile(r"\b(?:x-?rays?|xrays?|cxr|chest films?|radiographs?)\b", re.I)


_FILM_DENIED_AFTER = re.compile(
    r"[^.;:]{0,25}?\b(?:was|were|is|has|had|have)?\s*(?:not|n't|never)\s+(?:\w+\s+)?"
    r"(?:done|taken|needed|performed|carried out|had)\b",
    re.I,
)


def _xray_taken(ctx: AnswerContext) -> bool:
    """Whether the case already has a chest film: one uploaded, or one the earlier report describes (not "No
    X-ray.", "an x-ray was not needed for bronchiolitis")."""
    if ctx.imaging.modality == "chest X-ray":
        return True
    text = ctx.intake.prior_imaging
    return any(
        not _DENIED_BEFORE.search(text[: m.start()]) and not _FILM_DENIED_AFTER.match(text, m.end())
        for m in _FILM_REPORTED.finditer(text)
    )


_AFTER_IT = re.compile(r"\b(?:after|following) (?:the |a |an )?$", re.I)


def _tests(ctx: AnswerContext, q: SubQuestion, conds: Sequence[Condition]) -> list[DraftSentence]:
    out: list[DraftSentence] = []
    # A check for what the diagnosis refines is not a test now: long COVID is not re-tested for COVID-19.
    refined = {c.refines for c in conds[:1]}
    conds = [c for c in conds if c.key not in refined]
    if not q.subjects:
        listed = [
            f"for {c.name}, "
            f"{c.test_for(child=ctx.intake.is_child, pregnant=ctx.pregnant, age=ctx.intake.age)}"
            for c in conds[:4]
        ]
        if listed:
            out.append(_t("The tests that usually settle the question: " + "; ".join(listed) + "."))
        if conds and conds[0].follow_up:
            child = bool(ctx.intake.age is not None and ctx.intake.is_child)
            check = conds[0].follow_up_for(child=child, low_risk=questions.low_lung_cancer_risk(ctx.intake))
            out.append(_t(f"A follow-up check of {conds[0].name} usually involves {check}."))
        out.append(_t("Which of these are needed now is for the treating clinician to decide."))
        return out
    small = small_nodule_mm(ctx) if conds and conds[0].key == "nodule" else None
    # Read drafts called a PET scan or a biopsy "reasonable" to ask for on a 4, 6 and 7 mm nodule.
    too_small = [
        t for t in (topic(k) for k in q.subjects) if small is not None and t.key in ("pet", "biopsy")
    ]
    if too_small and small is not None:
        names = questions.join_names([t.name for t in too_small])
        out.append(
            _t(
                f"For a nodule of about {small:g} mm, {names} {'is' if len(too_small) == 1 else 'are'} not "
                "usually used: a PET-CT cannot reliably show whether something this small is active, and "
                "a needle biopsy rarely reaches it; nodule guidance (Fleischner Society, British Thoracic "
                "Society) uses a repeat CT after an interval set by the size, the person's risk and whether "
                "the nodule is solid, and keeps PET-CT and biopsy for a nodule that is larger or grows."
            )
        )
    for t in (topic(k) for k in q.subjects):
        if t in too_small:
            continue
        child = ctx.intake.is_child
        tests = {c.key: c.test_for(child=child, pregnant=ctx.pregnant, age=ctx.intake.age) for c in conds}
        low_risk = questions.low_lung_cancer_risk(ctx.intake)
        after = {c.key: c.follow_up_for(child=child, low_risk=low_risk) for c in conds}
        uses = [c for c in conds if t.search(tests[c.key]) or t.search(after[c.key])]
        if uses and child and t.key == "ct" and not _CT_FIRST.match(tests[uses[0].key]):
            # "a CT scan is among the tests that settle it, so asking for one is reasonable" was said to the
            # father of a 4-year-old with a round pneumonia; a child's CT is kept for what an X-ray leaves
            # unanswered
            out.append(
                _t(
                    "A CT scan gives a child a higher radiation dose than an X-ray, so it is kept for a "
                    "shadow that does not clear on a follow-up X-ray, a suspected complication or a mass "
                    "that needs a closer look; whether it is needed is for the treating clinician to decide."
                )
            )
        elif uses and t.key == "xray" and _xray_taken(ctx):
            # a film already taken: the question is a repeat (read drafts told parents whose child's film
            # showed the consolidation that "asking for one is reasonable")
            c = uses[0]
            if t.search(after[c.key]):
                out.append(
                    _t(
                        "A chest X-ray has already been taken, so the question is whether to repeat it: for "
                        f"{c.name}, the follow-up usually involves {after[c.key]}; whether a repeat is "
                        "needed now is for the treating clinician to decide."
                    )
                )
            else:
                out.append(
                    _t(
                        "A chest X-ray has already been taken; a repeat is usually considered when symptoms "
                        "persist, come back or change, and whether one is needed now is for the treating "
                        "clinician to decide."
                    )
                )
        elif uses:
            c = uses[0]
            # the follow-up's words when it names the test as one to come, not as "a review after the
            # bronchoscopy" (a new case asking about a camera test was told of the review after it)
            named = t.search(after[c.key])
            how = (
                after[c.key]
                if named and not _AFTER_IT.search(after[c.key][: named.start()])
                else tests[c.key]
            )
            out.append(
                _t(f"{_upper(t.name)} {_it(t.name).split()[1]} part of the usual tests for {c.name}: {how}.")
            )
            # The test tied to what in the story raises a condition it settles: read drafts answered
            # "must I have the CT?" with only "whether it is needed is for the clinician to decide".
            # a condition a result already established is no "real question" (a biopsy-proven lung cancer)
            raised = [(u, pointing_to(ctx.intake, u)) for u in uses if not established(ctx.intake, u)]
            raised = [(u, why) for u, why in raised if why]
            if raised:
                u, why = raised[0]
                them = "one" if _it(t.name).startswith("it") else "them"
                out.append(
                    _t(
                        f"With {questions.join_names(why[:3])} in the story, {u.name} is a real question "
                        f"here, and {t.name} is among the tests that settle it, so asking for {them} "
                        "is reasonable; how soon is for the treating clinician to decide."
                    )
                )
            else:
                out.append(
                    _t(
                        f"Asking about {t.name} is reasonable; whether {_it(t.name)} needed now is for "
                        "the treating clinician to decide."
                    )
                )
        else:
            out.append(
                _t(
                    f"None of the conditions discussed here usually needs {t.name} as a test to settle it; "
                    f"whether {_it(t.name)} needed is for the treating clinician to decide."
                )
            )
        cited = _cited(ctx, f"{t.name} {conds[0].name if conds else ''}", t)
        # Once the answer has said what the test settles, "no source covers it" reads as a dodge.
        out += cited or ([] if uses else [_t(_NO_SOURCE.format(what=t.name))])
    return out


#: A nodule's size as the patient gives it: "a 7 mm nodule", "6mm nodule", "nodule of 4 mm", "nodule (5 mm)".
_NODULE_MM = re.compile(
    r"(\d+(?:\.\d+)?)\s?mm\b[^.;,]{0,25}\bnodules?\b|\bnodules?\b[^.;,]{0,25}?\b(\d+(?:\.\d+)?)\s?mm\b",
    re.I,
)


def small_nodule_mm(ctx: AnswerContext) -> float | None:
    """The largest nodule size the intake states when it is under 8 mm (and no uploaded CT found a candidate
    of 8 mm or more), else ``None``: below that size PET-CT and biopsy are not the usual next tests."""
    text = "\n".join(
        [
            ctx.intake.diagnosis_in_question,
            ctx.intake.prior_imaging,
            ctx.intake.reason_for_second_opinion,
            ctx.intake.main_question,
        ]
    )
    sizes = [float(m.group(1) or m.group(2)) for m in _NODULE_MM.finditer(text)]
    ct = ctx.imaging.ct
    largest_ct = max((n.diameter_mm for n in ct.nodule_candidates), default=0.0) if ct is not None else 0.0
    if not sizes or max(sizes) >= 8 or largest_ct >= 8:
        return None
    return max(sizes)


def _urgent(ctx: AnswerContext, conds: Sequence[Condition]) -> list[DraftSentence]:
    urgent = [c for c in conds if c.urgent]
    signs = same_day_signs(ctx.intake)
    if needs_emergency(signs) and care_setting(ctx.intake) != "care_plan":
        # "should she be going into hospital?" after signs that need an ambulance: read answers said "a
        # doctor's review today" under an opening that said to call emergency services now
        first = (
            "Yes, now: the signs described at the start of these answers need emergency care, so call "
            "emergency services or go straight to A&E rather than waiting for the GP, this opinion or the "
            "next appointment."
        )
    elif urgent:
        names = _join([c.name for c in urgent])
        first = (
            f"When {names} {'is' if len(urgent) == 1 else 'are'} suspected, the usual advice is an "
            "urgent review the same day, so seeking urgent care today (A&E or an urgent same-day "
            "appointment) is reasonable rather than waiting for this opinion."
        )
    elif signs:
        # The answers open with signs that need a doctor today; "if getting worse, the same day" after
        # them read to reviewers as taking the urgency back (a baby with pauses in her breathing).
        first = (
            "Yes: the signs described at the start of these answers need a doctor's review today, so this "
            "should not wait for this opinion or for the next appointment."
        )
    else:
        first = (
            "This opinion cannot judge how unwell the patient is today; if the symptoms are getting worse, "
            "the treating clinician or an urgent-care service should review them the same day."
        )
    # An adult at home gets the fuller list (fainting, A&E); otherwise the setting decides whom to tell.
    at_home_adult = not care_setting(ctx.intake) and not ctx.young_child
    warning = EMERGENCY_ADVICE if at_home_adult else warning_sentence(ctx.intake, young_child=ctx.young_child)
    out = [_t(first), _t(warning)]
    return out + _cited(ctx, "when to seek urgent care emergency warning signs", _URGENT_WORDS)


def _activity(ctx: AnswerContext, q: SubQuestion, conds: Sequence[Condition]) -> list[DraftSentence]:
    # The question's own words ("swimming and nursery", "a coach journey"), not the topics' names.
    what = _ACTIVITY_PREFIX.sub("", q.summary) if _ACTIVITY_PREFIX.match(q.summary) else "usual activities"
    out: list[DraftSentence] = []
    # same-day signs first: the usual return-to-nursery advice read as clearance for a 4-year-old with a fever
    # during chemotherapy (a read draft)
    signs = same_day_signs(ctx.intake)
    if signs and not assessed_and_sent_home(ctx.intake, signs):
        wait = "wait" if " and " in what else "waits"
        out.append(
            _t(
                f"For now, the assessment advised at the start of these answers comes first; {what} {wait} "
                "until after it, and the doctors who see the patient then advise on it."
            )
        )
    for key in q.subjects:
        out += _activity_notes(ctx, key, conds, what)
    family = diagnosis_family(ctx.intake.diagnosis_in_question)
    # When the diagnosis's own advice was given for every activity asked about, the closing sentence
    # says who confirms it (a read draft gave latent TB's "no change at work" and then "it depends on the
    # final diagnosis").
    advised = bool(q.subjects) and all(
        any(c.activity_note(k) or (k == "work" and c.work) for c in family) for k in q.subjects
    )
    verb = "go ahead" if q.subjects == ["travel"] else "carry on"
    closing = (
        f"That is the usual advice for {family[0].name}; the treating clinician's advice at the next review "
        f"confirms how it applies to {what} for this patient."
        if advised and family
        else f"Whether it is safe to {verb} with {what} depends on the final diagnosis and how the patient "
        "is, so this needs the treating clinician's advice at the next review."
    )
    out.append(_t(closing))
    effort = "gym" in q.subjects
    urgent = [c.name for c in conds if c.urgent and c not in family]
    # Only an alternative that bears on the activity (an urgent one, or one with advice about it): a
    # possible cancer or HIV says nothing about when a TB patient may go back to work.
    # Nor a mild one whose advice is the diagnosis's own (a viral chest infection, asthma at nursery): read
    # drafts said "because a viral chest infection is still being considered, ask before nursery".
    unsettled = [
        c.name
        for c in conds
        if c not in family
        and (
            c.urgent
            or any(
                _RESTRICTS.search(c.activity_note(k) or (c.work if k == "work" else "")) for k in q.subjects
            )
        )
    ][:2]
    if urgent and effort:
        verb = "has" if len(urgent) == 1 else "have"
        out.append(
            _t(
                f"Until {_join(urgent)} {verb} been ruled out, it is safer to ask the treating "
                "clinician before hard exercise."
            )
        )
    elif unsettled:
        verb = "is" if len(unsettled) == 1 else "are"
        out.append(
            _t(
                f"Because {_join(unsettled)} {verb} still being considered, it is sensible to ask the "
                f"treating clinician to review that before deciding about {what}."
            )
        )
    if "driving" in q.subjects and _drowsy_medicine(ctx):
        out.append(
            _t(
                "Codeine-type medicines can cause drowsiness, and it is an offence to drive while a medicine "
                "impairs driving; lorry and bus drivers are held to stricter medical standards, so a "
                "pharmacist or doctor should be asked before driving on them."
            )
        )
    if effort:
        out.append(
            _t(
                "Chest pain, tightness or breathlessness brought on by effort is a reason to stop "
                "and have it reviewed before carrying on."
            )
        )
    asked = [topic(k) for k in q.subjects]

    fits = ctx.fits(None)

    def names_activity(sentence: str, passage: CitedSource) -> bool:
        # A cited sentence must name what was asked about (flying, work), not only "rest" or "return".
        return (
            any(t.search(sentence) for t in asked)
            and _about_case(conds, sentence, passage)
            and fits(sentence, passage)
        )

    return out + ctx.pick(f"{what} {conds[0].name if conds else ''}", 1, names_activity)


def _drowsy_medicine(ctx: AnswerContext) -> bool:
    """Whether the patient takes or asks about a codeine-type medicine."""
    opioid = topic("opioid")
    texts = [ctx.intake.main_question, *ctx.intake.medications]
    return any(opioid.search(t) for t in texts)


def _about_case(conds: Sequence[Condition], sentence: str, passage: CitedSource | None = None) -> bool:
    """A sentence that names a condition names one in play here (flying advice for a collapsed
    lung is not advice for COPD), and, given its ``passage``, comes from a document about a
    condition in play or about none: a note on bronchiolitis obliterans (popcorn lung) answers no
    question about a child who choked on popcorn, nor one on a mediastinal mass a lung-cancer one."""
    from assistant.drafting.conditions import OTHER_TOPICS, conditions_in

    named = conditions_in(sentence)
    if named and not any(c in conds for c in named):
        return False
    if passage is None:
        return True
    about = conditions_in(passage.title)
    return any(c in conds for c in about) if about else not OTHER_TOPICS.search(passage.title)


#: Advice about an activity that holds it back until something is settled ("no diving until", "stays off
#: work until the TB team says").
_RESTRICTS = re.compile(
    r"\b(?:until|unless|not (?:fly|dive|drive|go back)|no (?:flying|diving|driving|contact sport)|"
    r"stays? off|kept off|avoid(?:ed)? (?:flying|diving|driving|contact))\b",
    re.I,
)


def _activity_notes(
    ctx: AnswerContext, key: str, conds: Sequence[Condition], what: str
) -> list[DraftSentence]:
    """What the condition table says about an activity: as fact for the diagnosis, conditionally
    for an alternative (advice for an infection the patient does not have is not advice for them)."""
    family = diagnosis_family(ctx.intake.diagnosis_in_question)
    # Labelled by the question's own words ("On nursery:", "On flying:"), else the topic's name.
    words = topic(key).words(what) if topic(key).search(what) else []
    # "carry on with school" was read as the work topic but labelled "On work:" for a 5-year-old (three read
    # drafts): a word the summary kept is the label
    words = words or [w for p, w in topic(key).says if re.fullmatch(p, what.strip(), re.I)]
    label = _join(words) if words else {"gym": "exercise"}.get(key, topic(key).name)
    noted = [c for c in conds if c.activity_note(key) or (key == "work" and c.work)]
    # The diagnosis's advice as fact, and the first alternative's as conditional, each once.
    chosen = [c for c in noted if c in family][:1] + [c for c in noted if c not in family][:1]
    out, given = [], set()
    for c in chosen:
        note = c.activity_note(key) or c.work
        if note in given:  # the same advice for the diagnosis and an alternative is said once
            continue
        given.add(note)
        if key == "travel" and _BY_LAND.search(what) and not _BY_AIR.search(what) and _BY_AIR.search(note):
            # "is she ok to go to Scotland on the train?" was answered about cabin air on a plane (a reader)
            note = _LAND_JOURNEY
        said = note if c in family else f"if {c.name} were confirmed, {note}"
        out.append(_t(f"On {label}: {said}."))
    return out


#: A journey over land or sea asked about, and the words of a note (or a question) about flying.
_BY_LAND = re.compile(r"\b(?:train|coach|bus|car|ferry|drive|driving|road trip)\b", re.I)
_BY_AIR = re.compile(r"\b(?:fly|flying|flights?|planes?|airlines?|cabin|aircraft|abroad|holiday)\b", re.I)
_LAND_JOURNEY = (
    "a journey by train, coach, car or ferry needs no fitness-to-fly check; the usual advice is to take "
    "enough of every medicine (and of oxygen, where it is used) for the journey and a few days more, with a "
    "list of them, to get up and move about every hour or two on a long journey, and to know how to get "
    "medical help on the way and at the destination"
)


_CANNABIS = re.compile(
    r"\b(?:weed|cannabis|marijuana|spliffs?|skunk|blunts?|(?:smok\w*|roll\w*) (?:a |the )?joints?)\b", re.I
)


#: A child's test that is itself a CT ("a high-resolution CT of the chest at a low radiation dose" for
#: bronchiectasis), not one kept for what an X-ray leaves unanswered.
_CT_FIRST = re.compile(r"(?:an? )?(?:high-resolution |low-dose |thin-section |contrast )?(?:ct|hrct)\b", re.I)
_NEVER_SMOKED = re.compile(r"\bnever\s+(?:\w+\s+)?smok(?:ed|er)\b|\bnon-?\s?smoker\b", re.I)


def _smoking(ctx: AnswerContext, q: SubQuestion, conds: Sequence[Condition]) -> list[DraftSentence]:
    """Smoking or vaping: what it means for the conditions in play, that stopping helps, and where
    support is."""
    said = re.sub(r"^whether | matters here.*$", "", q.summary)
    if said.startswith("what never"):
        said = "never having smoked" if "smoked" in said else "never having vaped"
    out: list[DraftSentence] = []
    keys = {f.factor.key for f in found_factors(ctx.intake)}
    told = "\n".join([ctx.intake.main_question, ctx.intake.reason_for_second_opinion, ctx.intake.history])
    if "biomass_smoke" in keys and _NEVER_SMOKED.search(told) and any(c.key == "copd" for c in conds):
        # "Can I really have COPD from the wood smoke when I never smoked?" was answered with advice for
        # someone who had stopped smoking
        out.append(
            _t(
                f"On {said}: for someone who has never smoked, years of breathing smoke from cooking or "
                "heating fires indoors is, worldwide, one of the commonest causes of COPD, above all in "
                "women, and can explain it on its own; other people's smoke at home can add to it, and "
                "breathing tests confirm the diagnosis whatever the cause."
            )
        )
        return out
    if "never_smoked" in keys:
        # "How can it be cancer if I never smoked?": stop-smoking advice answers nothing.
        cancer = any(c.key in CANCER_KEYS for c in conds)
        out.append(
            _t(
                f"On {said}: for someone who has never smoked, "
                + (
                    "lung cancer is less likely but not rare: about one in ten to one in five lung cancers "
                    "are in people who never smoked, most often the type called adenocarcinoma, more often "
                    "in women and in people of East Asian origin, and they often carry a gene change (such "
                    "as EGFR) that targeted tablets can treat; so never having smoked does not rule out a "
                    + (
                        "cancer, although a nodule this small is very rarely one, and repeat scans rather "
                        "than a biopsy are what settle it"
                        if small_nodule_mm(ctx) is not None
                        else "cancer when a scan shows a mass, and a biopsy is what settles it"
                    )
                    if cancer
                    else "smoking is not the cause here; other people's smoke, dusts and fumes at work, and "
                    "radon at home are the usual things that matter instead"
                )
                + "."
            )
        )
        return out
    if stopped_smoking(ctx.intake):
        # Advice to stop is no answer to someone who stopped years ago and asks how it can be COPD.
        out.append(
            _t(
                f"On {said}: for someone who has already stopped, staying stopped keeps helping the lungs "
                "and the heart; damage done before stopping does not reverse, so a lung condition from past "
                "smoking, such as COPD, can still show itself years later as the lungs age, although "
                "stopping slowed it."
            )
        )
        return out
    for c in [c for c in conds if c.smoking][:2]:
        out.append(_t(f"On {said} and {c.name}: {c.smoking}."))
    if _CANNABIS.search(ctx.intake.main_question):
        # "do I need to stop smoking weed?" after a collapsed lung was answered about tobacco alone
        collapse = any(c.key == "pneumothorax" for c in conds)
        out.append(
            _t(
                "Smoking cannabis, usually breathed in deeply and held, often mixed with tobacco, irritates "
                "the airways as tobacco does and is linked to air blisters in the lungs (bullae)"
                + (
                    " and to collapsed lungs; stopping both cannabis and tobacco is the main thing that "
                    "lowers the chance of another collapse"
                    if collapse
                    else "; stopping is advised, with the same support as for tobacco"
                )
                + "."
            )
        )
    out.append(
        _t(
            "Stopping smoking helps the lungs and the heart at any age, and free stop-smoking services, "
            "nicotine replacement and other medicines make success more likely; the GP, the practice "
            "nurse or a local stop-smoking service can advise and arrange that support."
        )
    )
    if "vaping" in said and ctx.intake.age is not None and ctx.intake.age < 18:
        # the harm-reduction message is for adult smokers; a read draft gave it to a 16-year-old who vapes
        out.append(
            _t(
                "For a young person, vaping is not a safer habit to keep: the nicotine is addictive, vapes "
                "are not sold to under-18s, and their effects on growing lungs are not known, so stopping is "
                "the advice, with help from the GP or a stop-smoking service if the nicotine makes it hard."
            )
        )
    elif "vaping" in said and any(c.key == "evali" for c in conds):
        # a lung injury from vaping is being weighed: the harm-reduction message does not apply (a read draft
        # told a 19-year-old using THC cartridges, with bilateral shadows, that vaping is far less harmful)
        out.append(
            _t(
                "With a vaping-related lung injury being considered, stopping vaping now, above all any "
                "cartridges containing THC (cannabis oil) or bought from unofficial sources, is the usual "
                "advice, and telling the treating team exactly what was vaped matters, since it changes the "
                "tests and the treatment."
            )
        )
    elif "vaping" in said:
        out.append(
            _t(
                "Vaping is far less harmful than smoking and can help people stop smoking, but it is not "
                "known to be harmless to the lungs, so the usual aim is to stop both in time."
            )
        )
    if ctx.intake.age is not None and ctx.intake.age < 16:
        out.append(_t("A smoke-free home and car protect a child's lungs from other people's smoke."))
    return out + _cited(
        ctx, f"{said} stopping smoking lungs {conds[0].name if conds else ''}", _SMOKING_WORDS
    )


#: For each exposure, the conditions in which it is part of the search for a cause.
_EXPOSURE_MATTERS: dict[str, frozenset[str]] = {
    "birds": frozenset({"ild", "pulmonary_fibrosis", "sarcoidosis", "hypersensitivity_pneumonitis"}),
    "mould": frozenset(
        {"ild", "pulmonary_fibrosis", "sarcoidosis", "asthma", "hypersensitivity_pneumonitis", "abpa"}
    ),
    "pets": frozenset({"asthma"}),
    "work_dust": frozenset(
        {"ild", "pulmonary_fibrosis", "copd", "mesothelioma", "lung_cancer", "pleural_effusion", "asthma"}
    ),
    "asthma_agents": frozenset({"asthma", "occupational_asthma", "hypersensitivity_pneumonitis"}),
}
#: Conditions whose search for a cause includes hypersensitivity pneumonitis.
_SCARRING = frozenset({"ild", "pulmonary_fibrosis", "sarcoidosis"})
_EXPOSURE_PREFIX = re.compile(r"^whether the exposure to (.+) matters, and what to do about it$")
#: A passage sentence about what is breathed in: birds, mould, dusts, hypersensitivity pneumonitis.
_EXPOSURE_WORDS = re.compile(
    r"\b(birds?|budgies?|pigeons?|feathers?|moulds?|molds?|damp|dusts?|asbestos|silica|fumes|"
    r"hypersensitivity pneumonitis|exposures?|occupational)\b",
    re.I,
)
#: A passage sentence about how soon something is done.
_TIMING_WORDS = re.compile(
    r"\b(within (?:a |\w+ )?(?:hours?|days?|weeks?)|same[- ]day|urgent(?:ly)? (?:referral|review|assessment|"
    r"appointment|scan)|referred urgently|as soon as possible|fast[- ]track|two-week)\b",
    re.I,
)
#: Conditions a fast-track (urgent suspected-cancer) referral is for.
CANCER_KEYS = frozenset({"lung_cancer", "mesothelioma", "nodule"})


def _exposure(ctx: AnswerContext, q: SubQuestion, conds: Sequence[Condition]) -> list[DraftSentence]:
    """Birds, pets, mould or dusts: what each can mean for the lungs, in general terms, why it
    matters for the conditions in play, a cited sentence when a source has one, and who decides."""
    found = _EXPOSURE_PREFIX.match(q.summary)
    said = found.group(1) if found else "it"
    asked = [topic(k) for k in q.subjects]
    out = [_t(f"On {w}: {t.note}.") for t, w in zip(asked, _exposure_words(asked, said), strict=True)]
    matters = [c for c in conds if any(c.key in _EXPOSURE_MATTERS[t.key] for t in asked)][:2]
    if matters:
        names = _join([c.name for c in matters])
        how = (
            ": hypersensitivity pneumonitis is one of the causes they look for, with the CT pattern, blood "
            "tests and sometimes a bronchoscopy"
            if any(c.key in _SCARRING for c in matters) and {t.key for t in asked} & {"birds", "mould"}
            else ", as it changes what they look for and how they weigh the results"
        )
        verb = "is" if len(matters) == 1 else "are"
        out.append(
            _t(
                f"Because {names} {verb} being considered, telling the treating team about {said} "
                f"matters{how}."
            )
        )
    if all(t.key == "asthma_agents" for t in asked):
        out.append(
            _t(
                f"Whether to reduce the exposure to {said}, and how (protective equipment, a change of "
                "task, an occupational health review), is best decided with the treating clinician and "
                "occupational health once the tests are done; this opinion cannot decide it."
            )
        )
    elif all(t.key == "work_dust" for t in asked):
        out.append(
            _t(
                f"A past exposure to {said} cannot be undone, but every doctor involved should know "
                "about it; whether any further test or check is needed is for the treating clinician "
                "to decide."
            )
        )
    elif {t.key for t in asked} & {"birds", "mould"} and matters:
        # Read drafts left the birds and the black mould "to decide once the cause is clearer": when
        # they may be the cause, or make asthma worse, cutting the exposure is advised while tests go on.
        which = "the birds or feathers" if any(t.key == "birds" for t in asked) else "the damp and mould"
        out.append(
            _t(
                f"Because {which} can cause or worsen the lung condition being considered, doctors usually "
                "advise cutting down the exposure now rather than waiting for the tests (for birds, having "
                "them rehomed and feather pillows and duvets replaced; for damp and mould, asking the "
                "landlord or council to treat it and airing the rooms), and someone else doing the cleaning; "
                "how far to "
                "go is for the treating clinician to advise."
            )
        )
    else:
        out.append(
            _t(
                f"Whether to keep {said} or change anything at home is best decided with the treating "
                "clinician once the cause is clearer; this opinion cannot decide it."
            )
        )
    return out + _cited(ctx, f"{said} exposure lungs {conds[0].name if conds else ''}", _EXPOSURE_WORDS)


def _exposure_words(asked: Sequence[Topic], said: str) -> list[str]:
    """The label of each exposure's note: what the patient said ("the cat") when one was asked
    about, else each topic's name."""
    return [said] if len(asked) == 1 else [t.name for t in asked]


#: An earlier scan described as showing a mass or something suspicious (not "no mass").
_MASS_REPORTED = re.compile(
    r"\b(?:mass(?! index)|tumou?r(?! markers?)|growth(?! hormone)|spiculated|"
    r"suspicious (?:shadow|area|lesion|nodule|spot|lump|mass))\b",
    re.I,
)
#: Said as not so, before a report's word in its clause ("no mass", "No X-ray.", "rule out a growth").
_DENIED_BEFORE = re.compile(
    r"\b(?:no|not|without|nothing|never|ruled out|rule out|if|whether)\b[^.;,?]*$", re.I
)
#: The age from which coughing up blood alone is reason for a fast-track referral (NICE NG12's
#: threshold for suspected lung cancer, in the project's own words).
FAST_TRACK_AGE = 40


#: A cancer already treated, so followed by its own team: "treated with SABR 54 Gy", "ABVD x2 ... complete
#: metabolic response" (read drafts advised a fast-track referral to a woman under surveillance after lung
#: radiotherapy and to a man after treatment of a lymphoma).
_CANCER_TREATED = re.compile(
    r"\b(?:sabr|sbrt|stereotactic|lobectomy|pneumonectomy|wedge resection|abvd|avd|chop|r-chop|beacopp|"
    r"chemo-?radiotherapy|complete (?:metabolic )?response|oncolog\w+|"
    r"(?:cancer|lung cancer|oncology|lymphoma|haematology) (?:team|clinic|nurse|follow-?up)|"
    r"surveillance (?:scans?|ct))\b",
    re.I,
)


def _explained_or_diagnosed(intake: IntakeRecord) -> bool:
    """Whether a biopsy has shown cancer (the patient is with the cancer team), a cancer has already been
    treated (its team follows it up) or a sputum test has found TB (which explains the coughed blood): no
    suspected-cancer referral is then in question."""
    # the patient's own history, not a relative's ("Dad had a lobectomy for lung cancer")
    told = f"{intake.history}\n{intake.reason_for_second_opinion}"
    if any(_CANCER_TREATED.search(piece) for piece, theirs in questions.history_pieces(told) if not theirs):
        return True
    return any(f.factor.key in ("cancer_biopsy", "tb_confirmed") for f in found_factors(intake))


def fast_track_sentence(intake: IntakeRecord, conds: Sequence[Condition]) -> str:
    """Whether the story meets the usual criteria for an urgent suspected-cancer referral, said as
    a sentence, or "".

    The criteria are those most health services use (NICE NG12 in England): coughing up blood at
    40 or over, or an earlier scan reported to show a mass, when lung cancer is among the
    possibilities. A read draft told a smoker with coughing blood, weight loss and a 41 mm mass
    nothing about the pathway although a routine wait of weeks had been offered. Not for a child,
    and not once a biopsy has shown cancer (the patient is then with the cancer team).
    """
    if intake.age is not None and intake.age < 18:
        return ""
    if not any(c.key in CANCER_KEYS for c in conds):
        return ""
    if _explained_or_diagnosed(intake):
        return ""
    reasons = []
    said = [s.description for s in intake.symptoms] + [
        intake.reason_for_second_opinion,
        intake.main_question,
        intake.history,
    ]
    age_known_over = intake.age is not None and intake.age >= FAST_TRACK_AGE
    if age_known_over and any("coughing blood" in questions.asserted_symptom_names(t) for t in said):
        reasons.append(f"coughing up blood at {FAST_TRACK_AGE} or over")
    for text in (intake.prior_imaging, intake.reason_for_second_opinion, intake.history):
        hit = next(
            (m for m in _MASS_REPORTED.finditer(text) if not _DENIED_BEFORE.search(text[: m.start()])), None
        )
        if hit is not None:
            reasons.append("a scan described as showing a mass or a suspicious area")
            break
    if not reasons:
        return ""
    return (
        f"With {' and '.join(reasons)}, and lung cancer among the possibilities, most health services "
        "use an urgent suspected-cancer referral (in England, a specialist appointment within about two "
        "weeks) rather than a routine wait; if only a routine appointment has been offered, asking the "
        "GP or the team whether this pathway applies is reasonable."
    )


def _timing(ctx: AnswerContext, conds: Sequence[Condition]) -> list[DraftSentence]:
    """How soon the next steps happen: same day for what is urgent, a fast-track referral when
    cancer is a possibility, otherwise the treating team's plan; a cited sentence when one fits."""
    out = _same_day(conds, "the usual advice is an assessment the same day")
    # Not for a child: the adult suspected-lung-cancer pathway alarmed the parent of a 4-year-old with a
    # round pneumonia; a child's rare tumour is referred to a children's specialist team instead.
    # Nor once cancer or TB is confirmed; a nodule alone is followed under nodule guidance instead.
    cancer = (
        [c for c in conds if c.key in CANCER_KEYS - {"nodule"}]
        if not ctx.intake.is_child and not _explained_or_diagnosed(ctx.intake)
        else []
    )
    # A nodule found is followed under nodule guidance, a possible cancer behind it included, unless
    # the story meets the referral criteria (a mass reported, coughed blood), said specifically below.
    dx = questions.diagnosis_condition(ctx.intake)
    nodule = (
        any(c.key == "nodule" for c in conds) or (dx is not None and dx.key == "nodule")
    ) and not _explained_or_diagnosed(ctx.intake)
    if nodule and dx is not None and dx.key == "nodule":
        cancer = []
    # The story's own criteria, when it meets them, say more than the general sentence.
    specific = fast_track_sentence(ctx.intake, conds)
    if specific:
        out.append(_t(specific))
    elif cancer:
        out.append(
            _t(
                f"When {_join([c.name for c in cancer[:2]])} {'is' if len(cancer[:2]) == 1 else 'are'} a "
                "possibility, most health services use a "
                "fast-track (urgent suspected-cancer) referral, so that the tests are done and the result "
                "given within weeks rather than months."
            )
        )
    elif nodule and not ctx.intake.is_child:
        out.append(
            _t(
                "A small nodule that does not look suspicious is usually followed with CT scans at set "
                "intervals under nodule guidance; one that is large, growing or suspicious-looking is "
                "referred to the chest team without waiting."
            )
        )
    out.append(
        _t(
            "How soon each test and result happens is set by the treating team from how unwell the patient "
            "is and what is suspected; asking them for the expected date of each step, and whom to contact "
            "if it does not come, is reasonable, and new or worsening symptoms need care sooner."
        )
    )
    return out + _cited(ctx, f"how soon urgent referral {conds[0].name if conds else ''}", _TIMING_WORDS)


def _same_day(conds: Sequence[Condition], advice: str) -> list[DraftSentence]:
    """ "When <the urgent conditions in play> is suspected, <advice>.", or nothing when none is urgent."""
    urgent = [c for c in conds if c.urgent][:2]
    if not urgent:
        return []
    verb = "is" if len(urgent) == 1 else "are"
    return [_t(f"When {_join([c.name for c in urgent])} {verb} suspected, {advice}.")]


def _hospital(ctx: AnswerContext, conds: Sequence[Condition]) -> list[DraftSentence]:
    """Whether to be in hospital or at home: what the treating team weighs, for a child and for an
    older person, and same-day care for what is urgent; a cited sentence when one fits."""
    age = ctx.intake.age
    if age is not None and ctx.intake.is_child:
        # a baby's parent was given an adult's list (blood pressure, new confusion, help at home)
        out = [
            _t(
                "Whether a child is cared for in hospital or at home is the treating team's decision, made "
                "from how the child is at the time: how hard they are working to breathe (the skin drawing "
                "in under the ribs, grunting), their breathing rate and oxygen level, their colour, whether "
                "they are feeding or drinking enough"
                + (", with enough wet nappies" if age < 2 else "")
                + ", how alert and responsive they are, their temperature, and whether the parents feel able "
                "to manage at home; a child who can take medicine by mouth and keep it down is usually "
                "treated with tablets or liquid rather than a drip."
            )
        ]
    else:
        out = [
            _t(
                "Whether someone is cared for in hospital or at home is the treating team's decision, made "
                "from how they are at the time: their breathing and oxygen level, pulse, blood pressure and "
                "temperature, whether they can eat, drink and take medicines by mouth, how alert they are, "
                "and whether there is enough help at home."
            )
        ]
    if age is not None and not ctx.intake.is_child and age >= 65:
        out.append(
            _t(
                "For an older person, going home usually follows a check that they can manage safely, "
                "such as "
                "getting about and taking medicines, with extra support arranged first when it is needed."
            )
        )
    out += _same_day(conds, "the assessment is usually made in hospital the same day")
    out.append(
        _t(
            "Going home usually comes with a plan for follow-up and advice on what should bring the child "
            "back: breathing that gets harder or faster, a fever that returns, being floppy, very drowsy or "
            "hard to wake, or not drinking, with far fewer wet nappies or wees."
        )
        if ctx.intake.is_child
        else _t(
            "Going home usually comes with a plan for follow-up and advice on what should bring someone "
            "back: breathing that gets harder, a fever that returns, new confusion or drowsiness, or not "
            "drinking."
        )
    )
    return out + _cited(ctx, f"hospital admission home {conds[0].name if conds else ''}", _HOSPITAL_WORDS)


_HOSPITAL_WORDS = re.compile(r"\b(?:hospital|admitted|admission|at home|discharg\w*)\b", re.I)


_CANCER_RISK = re.compile(r"\b(?:cancer|mesothelioma|tumou?r|lymphoma|malignan\w*)\b", re.I)
_NOT_A_CANCER = re.compile(r"\b(?:do|does) not turn into\b", re.I)


def _risk(ctx: AnswerContext, q: SubQuestion) -> list[DraftSentence]:
    """A complication asked about as a risk: what would show it coming, how it is checked, and what
    the first diagnosis's own treatment note says about preventing it."""
    from assistant.drafting.conditions import condition

    risk = condition(q.subjects[0])
    dx = questions.diagnosis_condition(ctx.intake)
    if risk.too_young(questions.exact_age(ctx.intake)) and risk.under_age:
        # an adult's signs and tests for a child ("are the steroid syrups giving her thin bones?", at 3: a
        # read draft weighed early menopause and a fracture-risk score)
        out = [_t(risk.under_age[0].upper() + risk.under_age[1:] + ".")]
    else:
        out = [
            _t(
                f"Whether {risk.name} develops cannot be predicted from this opinion; the signs that would "
                f"point to it are {risk.supports_for(ctx.intake.age)}, and if they appear the treating team "
                f"should be told promptly, as it is usually checked with "
                f"{risk.test_for(child=ctx.intake.is_child, age=ctx.intake.age)}."
            )
        ]
    # "can the plaques turn into mesothelioma?": what the diagnosis's own outlook says first, when it says it
    # does not turn into a cancer (a read draft said only that it "cannot be predicted")
    if dx is not None and _CANCER_RISK.search(risk.name) and _NOT_A_CANCER.search(dx.outlook):
        out.insert(0, _t(f"On whether it can turn into {risk.name}, in general terms: {dx.outlook}."))
    if (
        dx is not None
        and dx.treatment
        and re.search(rf"\b{re.escape(risk.terms[0])}|chest infection", dx.treatment)
    ):
        out.append(_t(f"What lowers the risk after {dx.name}: {dx.treatment}."))
    return out + _cited(ctx, f"{risk.name} risk prevention {dx.name if dx else ''}", risk_words(risk))


def risk_words(cond: Condition) -> re.Pattern[str]:
    """A cited sentence about a risk must name the condition."""
    return re.compile(r"\b(?:" + "|".join(re.escape(t) for t in cond.terms) + r")\b", re.I)


def _recovery(ctx: AnswerContext, conds: Sequence[Condition]) -> list[DraftSentence]:
    """How long the illness usually lasts, from the table's recovery note for the diagnosis (and for an
    alternative asked about, said as conditional), with slower recovery in older people."""
    out: list[DraftSentence] = []
    dx = conds[0] if conds else None
    if dx is not None and dx.recovery:
        out.append(_t(f"For {dx.name}, in general terms: {dx.recovery}."))
    else:
        out.append(
            _t(
                "How long recovery takes differs from person to person and depends on the final diagnosis; "
                "the treating doctor can say what to expect."
            )
        )
    age = ctx.intake.age
    if age is not None and age >= 75 and not (dx is not None and "older" in dx.recovery):
        out.append(
            _t(
                "In older people, getting back strength and independence after an illness in hospital often "
                "takes longer, and some do not get back fully to how they were before; the treating team can "
                "say what to expect and what support helps."
            )
        )
    out.append(
        _t(
            "A review with the treating doctor is worthwhile when symptoms are not improving as expected, "
            "and sooner when they get worse, rather than waiting."
        )
    )
    return out + _cited(ctx, f"recovery how long {dx.name if dx else ''}", _RECOVERY_WORDS)


def _outlook(ctx: AnswerContext, conds: Sequence[Condition]) -> list[DraftSentence]:
    """The usual outlook of the diagnosis, honestly and in general terms, from the table's outlook note; the
    patient's own outlook is the treating team's to discuss, with what it rests on."""
    return _noted(
        ctx,
        conds[0] if conds else None,
        lambda dx: dx.outlook and f"On the outlook for {dx.name}, in general terms: {dx.outlook}.",
        "The outlook depends on the final diagnosis, how far the illness has gone and how it responds to "
        "treatment; the treating team can say what to expect once the diagnosis is settled.",
        "Figures like these describe groups of people, not one person: the treating team can say what they "
        "expect for this patient, from the tests, the response to treatment and their general health, and it "
        "is reasonable to ask them directly.",
        ("outlook prognosis survival", _OUTLOOK_WORDS),
    )


_OUTLOOK_WORDS = re.compile(
    r"\b(?:outlook|prognosis|surviv\w*|cure\w*|curable|progress\w*|resolve\w*)\b", re.I
)


def _recurrence(ctx: AnswerContext, conds: Sequence[Condition]) -> list[DraftSentence]:
    """Whether the illness is likely to come back, from the table's recurrence note for the diagnosis,
    with what lowers the chance; the patient's own risk is the treating clinician's to weigh."""
    return _noted(
        ctx,
        conds[0] if conds else None,
        lambda dx: dx.recurrence and f"Whether {dx.name} comes back, in general terms: {dx.recurrence}.",
        "How likely it is to come back depends on what caused it and on the final diagnosis; the treating "
        "doctor can say what the chance is and whether anything lowers it.",
        "The chance for this patient in particular depends on the examination, the tests and the history, "
        "which the treating clinician weighs; the same symptoms coming back are a reason to be seen again "
        "rather than to wait.",
        ("recurrence come back again", _RECURRENCE_WORDS),
    )


_RECURRENCE_WORDS = re.compile(r"\b(?:recur\w*|come back|comes back|happen\w* again|returns?)\b", re.I)


def _noted(
    ctx: AnswerContext,
    dx: Condition | None,
    note: Callable[[Condition], str],
    fallback: str,
    personal: str,
    search: tuple[str, re.Pattern[str]],
) -> list[DraftSentence]:
    """An answer from one of the table's notes on the diagnosis (``fallback`` when it has none), what it
    means for this patient, and a cited sentence that names the diagnosis and ``search``'s words ("An ECG
    ... repeated over hours" was cited under a collapsed lung's chance of coming back)."""
    said = note(dx) if dx is not None else ""
    out = [_t(said or fallback), _t(personal)]
    if dx is None:
        return out
    names = "|".join(re.escape(term) for term in dx.terms)
    query, words = search
    named = re.compile(rf"^(?=.*\b(?:{names})\b).*{words.pattern}", re.I | re.S)
    return out + _cited(ctx, f"{query} {dx.name}", named)


_RECOVERY_WORDS = re.compile(r"\b(?:weeks?|months?|days?|recover\w*|settles?|last(?:s|ing)?)\b", re.I)


_CLOT_KEYS = frozenset({"pulmonary_embolism", "deep_vein_thrombosis"})
#: General notes on a treatment's length and on family plans, in the project's words: (general, after a clot).
_PLAN_NOTES: dict[str, tuple[str, str]] = {
    "duration": (
        "How long a treatment lasts is set for each person from what it treats, what caused the illness and "
        "how they are responding, and it is usually reviewed at the end of the planned course rather than "
        "decided once.",
        "After a blood clot, blood thinners are usually given for at least three months; the treating team "
        "then weighs the risk of another clot (higher when there was no clear trigger) against the risk of "
        "bleeding to decide whether to stop or continue.",
    ),
    "contraception": (
        "Which contraception suits someone depends on their health and their medicines; the GP, the "
        "prescriber or a sexual-health clinic can go through the options.",
        "After a blood clot, methods containing oestrogen (the combined pill, patch or ring) are usually "
        "avoided, while progestogen-only methods and the copper or hormonal coil are usually considered; "
        "blood thinners taken as tablets are not used in pregnancy, so reliable contraception matters "
        "while taking them.",
    ),
    "pregnancy": (
        "Before trying for a baby it is worth asking the treating clinician or GP to review every medicine, "
        "because some are not safe in pregnancy and can often be changed for ones that are.",
        "After a blood clot, pregnancy raises the risk of another one, and blood thinners taken as tablets "
        "such as apixaban, rivaroxaban and warfarin are not used in pregnancy, so the team usually plans "
        "preventive heparin injections during pregnancy and for some weeks after the birth.",
    ),
    "breastfeeding": (
        "Many medicines can be taken while breastfeeding but some cannot; a pharmacist or the prescriber "
        "can check each one.",
        "Among blood thinners, heparin injections and warfarin are usually considered compatible with "
        "breastfeeding, while apixaban and rivaroxaban are usually avoided.",
    ),
}
_PLAN_DECIDES = {
    "duration": "How long to continue, and when it is safe to stop, is the prescribing clinician's decision; "
    "a treatment should not be stopped early without asking them.",
    "contraception": "The choice of contraception is made with the GP, the prescriber or a sexual-health "
    "clinic; this opinion cannot make it.",
    "pregnancy": "When and how to plan a pregnancy is best discussed with the treating clinician before "
    "trying; this opinion cannot advise on the patient's own timing.",
    "breastfeeding": "Whether a medicine can be taken while breastfeeding is for the prescriber or a "
    "pharmacist to advise; neither breastfeeding nor a medicine should be stopped without asking them.",
}
_PLAN_WORDS = {
    "duration": re.compile(r"\b(?:months?|weeks?|course|how long|stop\w*|continu\w*)\b", re.I),
    "contraception": re.compile(r"\b(?:contracepti\w+|pill|coil|oestrogen)\b", re.I),
    "pregnancy": re.compile(r"\bpregnan\w+", re.I),
    "breastfeeding": re.compile(r"\bbreast[- ]?feed\w*", re.I),
}


#: A blood thinner's reason when it is the heart's: atrial fibrillation, a valve.
_THINNER_FOR_THE_HEART = re.compile(
    r"\b(?:atrial fibrillation|a\.?f\.?|afib|a-fib|irregular (?:heart ?beat|heart|pulse|rhythm)|"
    r"(?:mechanical|metal|replaced?|artificial|new) (?:heart )?valve|valve replacement)\b",
    re.I,
)


#: A cancer being treated now, or spread: "on palliative FOLFOX", "metastatic", "clot ... cancer related".
_ACTIVE_CANCER = re.compile(
    r"\b(?:on (?:\w+ )?(?:chemo\w*|immunotherapy|radiotherapy|folfox|folfiri)|chemo(?:therapy)? cycle|"
    r"cycle \d+|metasta\w*|(?:cancer|tumou?r) (?:has )?spread|"
    r"spread to (?:the |my |his |her )?(?:liver|bones?|lungs?|brain)|"
    r"cancer[- ](?:related|associated)|active cancer)\b",
    re.I,
)
#: How long blood thinners are given for a clot with an active cancer (a read draft told a man on chemotherapy
#: "at least three months" and nothing of the tablets he asked about).
_CANCER_CLOT_DURATION = (
    "When the clot comes with a cancer that is active or being treated, blood thinners are usually given for "
    "at least six months and often for as long as the cancer is active; tablets (such as apixaban, "
    "rivaroxaban or edoxaban) are now used as well as heparin injections, the choice weighing the risk of "
    "bleeding, which is higher with tumours of the bowel, stomach or bladder, and the cancer medicines."
)


def _plan(ctx: AnswerContext, q: SubQuestion, conds: Sequence[Condition]) -> list[DraftSentence]:
    """A treatment's length, contraception, a future pregnancy, breastfeeding: a general note, the
    note for a clot when the illness is one or a blood thinner is named, a cited sentence when a
    source has one, and who decides; never a recommendation for this patient."""
    general, clot = _PLAN_NOTES[q.topic]
    on_thinner = "anticoagulant" in q.subjects or bool(
        topic("anticoagulant").search(" ".join(ctx.intake.medications))
    )
    # a blood thinner for an irregular heartbeat or a valve is no clot (a read draft told a man on apixaban
    # for atrial fibrillation, asking about his plaques, how long thinners are given "after a blood clot")
    for_the_heart = bool(
        _THINNER_FOR_THE_HEART.search("\n".join([*ctx.intake.medications, ctx.intake.history]))
    )
    after_clot = bool(_CLOT_KEYS & {c.key for c in conds[:2]}) or (on_thinner and not for_the_heart)
    out = [_t(general)]
    if after_clot:
        out.append(_t(clot))
        told = f"{ctx.intake.diagnosis_in_question}\n{_story(ctx.intake)}"
        if q.topic == "duration" and _ACTIVE_CANCER.search(told):
            out.append(_t(_CANCER_CLOT_DURATION))
    subject = conds[0].name if conds else ""
    out += _cited(ctx, f"{q.topic} {subject}", _PLAN_WORDS[q.topic])
    out.append(_t(_PLAN_DECIDES[q.topic]))
    return out


_DEMENTIA = re.compile(r"\bdementia\b|\balzheimer", re.I)


def _care_plan(ctx: AnswerContext) -> list[DraftSentence]:
    """What a plan for care in an emergency (a ReSPECT form, a DNACPR decision, treatment at the care home)
    is, what it does not stop, who decides, in general terms; never whether this patient should have one (a
    read draft answered "should I agree to the ReSPECT form saying no more hospital?" with what should happen
    next for pneumonia)."""
    out = [
        _t(
            "A ReSPECT form, or a similar emergency care plan, records recommendations about the care "
            "someone would or would not want in an emergency, such as whether to be taken to hospital or "
            "whether resuscitation (CPR) should be attempted; it is agreed with the person when they can "
            "take part, and otherwise made in their best interests by the clinician responsible with the "
            "people who know them, including anyone holding a lasting power of attorney for health and "
            "welfare."
        ),
        _t(
            "A plan to be cared for at home or in the care home is not a plan to stop treatment: an "
            "infection can still be treated with antibiotics by mouth, with fluids, comfort and relief of "
            "breathlessness, and the plan can be reviewed at any time and changed if things change."
        ),
    ]
    if _DEMENTIA.search(f"{ctx.intake.history}\n{_story(ctx.intake)}"):
        out.append(
            _t(
                "In advanced dementia, chest infections often come back as swallowing weakens, and a "
                "hospital stay often brings more confusion and distress and does not always change how the "
                "infection turns out, which is why many families and teams choose care where the person "
                "lives; how that applies to one person is judged with the GP and the care team."
            )
        )
    out.append(
        _t(
            "Whether to agree to the plan is the person's decision when they can make it, and otherwise a "
            "best-interests decision made with the clinician responsible, the attorney and the family; this "
            "opinion cannot make it, and asking the GP or the care team for a further discussion is always "
            "reasonable."
        )
    )
    return out


_TB_KEYS = frozenset({"tuberculosis", "drug_resistant_tb"})
#: A baby or young child in the home of someone with TB of the lungs.
_YOUNG_CONTACT = re.compile(
    r"\b(?:bab(?:y|ies)|newborn|infants?|toddlers?|(?:\d|one|two|three|four)[- ](?:year|month|week)[- ]old|"
    r"children|kids|grandchild\w*|grandson|granddaughter|son|daughter)\b",
    re.I,
)
_TB_YOUNG_CONTACTS = (
    "Babies and children under 5 who share a home with someone with TB of the lungs are the most likely to "
    "become seriously ill from it, so the TB service usually sees them promptly and often gives them "
    "preventive medicine even before their tests are back; until the TB team says the patient is no longer "
    "infectious, close contact with them is kept to a minimum and rooms are kept aired."
)


def _story(intake: IntakeRecord) -> str:
    return "\n".join([intake.reason_for_second_opinion, intake.history, intake.main_question])


#: Diagnoses that cannot be caught from the patient ("can my grandchildren catch it?" of lung scarring
#: was answered with COVID-19's advice, an alternative the patient had named).
_NOT_CATCHING = frozenset(
    {
        "pulmonary_fibrosis", "ild", "ipf", "sarcoidosis", "lung_cancer", "copd", "asthma",
        "pulmonary_embolism", "heart_failure", "pneumothorax", "mesothelioma", "asbestosis",
        "costochondritis", "chest_wall_injury",
        "rib_fracture", "nodule", "hypersensitivity_pneumonitis", "connective_tissue_ild",
        "pulmonary_hypertension", "lymphoma", "pleural_plaques", "silicosis", "atelectasis",
        "deep_vein_thrombosis",
    }
)  # fmt: skip


#: A contact an infection harms most: a newborn or young baby, someone on chemotherapy or otherwise with a
#: weakened immune system (read drafts left "can we visit my sister's newborn?" and "can my mum who is on
#: chemo be around her?" unanswered).
_VULNERABLE_CONTACT = re.compile(
    r"\b(?:newborn|new-born|baby|babies|infant|chemo\w*|transplant|immun\w*|cancer treatment)\b", re.I
)
_VULNERABLE_ADVICE = (
    "A newborn or young baby, or someone whose immune system is weakened (by chemotherapy, for example), can "
    "become much more unwell from the same infection, so close contact and visits are usually put off until "
    "the patient is well and the cough has settled, with handwashing in the meantime; their own doctor or "
    "cancer team can advise on protection, and anyone of them who becomes unwell needs to be seen promptly."
)


#: Whooping cough and a young baby in the same home or family (read drafts of a mother with whooping cough
#: three weeks after a birth, and of a grandmother with a cough of six weeks and a 6-week-old grandson, told
#: them only to put off visits).
_WHOOPING_BABY = (
    "A baby of a few months or younger who is in close contact with someone with whooping cough is usually "
    "offered preventive antibiotics promptly, whatever their vaccines, so the GP or the local health "
    "protection team should be contacted today; a baby who has pauses in breathing, goes blue or grey, or "
    "struggles to feed needs emergency care."
)
_YOUNG_BABY = re.compile(
    r"\b(?:newborn|new-born|baby|babies|infant|\d+[- ](?:week|day)[- ]old|"
    r"(?:[1-6]|one|two|three|four|five|six)[- ]month[- ]old)\b",
    re.I,
)


def _young_contact_advice(ctx: AnswerContext, q: SubQuestion, who: str, c: Condition) -> list[DraftSentence]:
    """What a contact an infection harms most needs: preventive antibiotics for a baby near whooping cough,
    otherwise visits put off (TB has its own advice)."""
    about = who + " " + q.summary + " " + _asked_about(ctx, who)
    if c.key == "whooping_cough" and _YOUNG_BABY.search(about + " " + _story(ctx.intake)):
        return [_t(_WHOOPING_BABY)]
    if c.key not in _TB_KEYS and _VULNERABLE_CONTACT.search(about):
        return [_t(_VULNERABLE_ADVICE)]
    return []


def _asked_about(ctx: AnswerContext, who: str) -> str:
    """The question's sentence that names ``who``, for what it says about them ("my mum who is on chemo")."""
    head = who.split(" and ")[0].split(", ")[0].split()[-1] if who else ""
    sentences = re.split(r"(?<=[.?!])\s+", ctx.intake.main_question)
    return " ".join(
        s for s in sentences if head and re.search(rf"\b(?:{re.escape(head)}|mum|mother)\b", s, re.I)
    )


#: Infections whose contacts are traced and may be offered treatment, named when weighed beside another
#: diagnosis.
_GRAVER_TO_CONTACTS = frozenset({*_TB_KEYS, "whooping_cough"})


def _contacts(ctx: AnswerContext, q: SubQuestion, conds: Sequence[Condition]) -> list[DraftSentence]:
    who = q.subjects[0] if q.subjects else "family"
    dx = questions.diagnosis_condition(ctx.intake)
    if dx is not None and dx.key in _NOT_CATCHING:
        catching = [c for c in conds if c.infectious and c != dx][:1]
        # the infection named in the contact question's own sentence, not one asked as a cause ("is it from
        # the covid?")
        asked = {c.key for c in conditions_in(_asked_about(ctx, who), fuzzy=True)}
        if catching and catching[0].key in asked:
            # "Could this cough be whooping cough - is it safe to be around my 6-week-old grandson?": the
            # infection asked about leads, not the diagnosis that cannot be caught (a read draft answered
            # only "a broken rib is not an infection")
            c = catching[0]
            out = [
                _t(
                    f"On the patient's {who}: {dx.name} itself cannot be caught, but {c.name}, which the "
                    f"question raises, can be, so it matters here: {c.infectious}."
                )
            ]
            return out + _young_contact_advice(ctx, q, who, c)
        out = [
            _t(
                f"On the patient's {who}: {dx.name} is not an infection, so it cannot be caught from the "
                "patient or passed on by contact."
            )
        ]
        out += [_t(f"If {c.name} were found instead: {c.infectious}.") for c in catching]
        return out
    infectious = [c for c in conds if c.infectious]
    if not infectious:
        return [
            _t(
                f"This opinion has no evidence on a risk to the patient's {who}; whether a test or review is "
                "needed is for the treating clinician to advise."
            )
        ]
    c = infectious[0]
    # "pneumonia by COVID-19": the germ named, not pneumonia in general, decides who can catch it (a read
    # draft told a family that a COVID-19 pneumonia is not usually caught from another person)
    named_germ = [f for f in diagnosis_family(ctx.intake.diagnosis_in_question) if f.infectious and f != c]
    if c.key == "pneumonia" and named_germ:
        c = named_germ[0]
    plural = " and " in who or who.endswith(("s", "children")) or who in {"family"}
    out = [_t(f"On the patient's {who}: {c.infectious}.")]
    active = next((x for x in conds if x.key == "tuberculosis"), None)
    if c.key == "latent_tb" and active is not None:
        # symptoms of active TB beside a positive test: "latent TB cannot be passed on" holds only once active
        # TB is excluded (a read draft reassured a care worker with night sweats and weight loss)
        out.append(
            _t(
                "That holds only once active TB has been excluded; while it is being looked for, the TB "
                "service and occupational health advise on work and close contacts, and if active TB were "
                "found: "
                f"{active.infectious}."
            )
        )
    # TB or whooping cough weighed beside a pneumonia changes who needs a test: said, not left to the
    # pneumonia's "not usually caught" (read drafts answered a chef with a possible TB cavity, and a father
    # whose X-ray raised TB, about pneumonia alone)
    graver = next((x for x in conds if x != c and x.infectious and x.key in _GRAVER_TO_CONTACTS), None)
    if graver is not None and c.key not in _GRAVER_TO_CONTACTS:
        out.append(
            _t(
                f"If {graver.name}, which is being weighed here, were confirmed, that changes this: "
                f"{graver.infectious}."
            )
        )
    out += _young_contact_advice(ctx, q, who, c)
    tb = c.key in _TB_KEYS or (graver is not None and graver.key in _TB_KEYS)
    if tb and (_YOUNG_CONTACT.search(who) or _YOUNG_CONTACT.search(_story(ctx.intake))):
        out.append(_t(_TB_YOUNG_CONTACTS))
    out.append(
        _t(
            f"Whether the patient's {who} {'need' if plural else 'needs'} a test is decided by the "
            "treating clinician or the public-health team, who can arrange it"
            + (
                "; the TB service should be told now who shares the home, above all any baby or young child."
                if c.key in _TB_KEYS
                # TB only weighed beside another diagnosis (MAC, which does not pass between people): the
                # service is told if TB is confirmed (a read draft said "now" of a woman with MAC)
                else "; if TB is confirmed, the TB service should be told who shares the home, above all any "
                "baby or young child."
                if tb
                else "."
            )
        )
    )
    about_c = ctx.fits(c)

    def accept(sentence: str, passage: CitedSource) -> bool:
        return about_c(sentence, passage) and _CONTACT_WORDS.search(sentence) is not None

    return out + ctx.pick(f"{c.name} contacts household children screening", 1, accept)
