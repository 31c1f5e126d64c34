"""One answer per sub-question, and a differential covering every alternative.

Written by rules from the stored findings (:mod:`assistant.drafting.validity`), the
condition table (:mod:`assistant.drafting.conditions`) and quoted passage sentences
that pass the case filter and the relevance check. Each sentence records the
sub-question (``question_ref``) or alternative (``condition_ref``) it addresses so that
reviewers and the rubric can see what was answered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from assistant.drafting import facts, questions, topic_answers
from assistant.drafting.conditions import (
    Condition,
    addresses,
    condition,
    conditions_in,
    diagnosis_family,
    for_label,
    only_denied,
)
from assistant.drafting.guardrails import lasting_days
from assistant.drafting.medicines import medicine_sentences, treats_a_clot
from assistant.drafting.reported import EFFUSION, reported_findings, reported_sentence
from assistant.drafting.risk_factors import FACTORS, found_factors, history_names, history_sentence
from assistant.drafting.same_day import (
    CALF_SIGN,
    HOSPITAL_SIGNS,
    MALARIA_SIGN,
    SPREADING_WEAKNESS,
    assessed_and_sent_home,
    fever_now,
    needs_emergency,
    patient_word,
    same_day_sentence,
    same_day_signs,
)
from assistant.drafting.schemas import CitedSource, DraftSentence, ImagingFindings, SubQuestion
from assistant.drafting.setting import act_now, care_setting, warning_sentence
from assistant.drafting.sources import RelevanceChecker, usable_sentence
from assistant.drafting.story import (
    alternative_lean,
    established,
    fitting,
    one_name,
    reassured_sentence,
    settled_already,
    shown_sentence,
    story_verdict,
    story_weighs,
)
from assistant.drafting.topics import NOT_A_NEED, prescribed, topic
from assistant.drafting.validity import Verdict, nodules_for_review, usable_findings, verdict_for
from assistant.intake import IntakeRecord

_TREATMENT_WORDS = re.compile(
    r"\b(antibiotics?|treatment|treated|medicines?|medication|inhalers?|steroids?)\b", re.I
)
#: Words of a sentence about follow-up (not about the test that first confirms a diagnosis).
_FOLLOW_UP_WORDS = re.compile(
    r"\b(follow[- ]?up|review|repeat(?:ed)?|re-?check|months?|weeks?|after (?:treatment|recovery))\b", re.I
)
#: Words of advice on treatment or activities, out of place where a condition is told apart.
_ADVICE_WORDS = re.compile(
    r"\b(antibiotics?|treat(?:ed|ment|ments)?|penicillin|amoxicillin|doxycycline|macrolide|doses?|"
    r"fly(?:ing)?|flights?|div(?:e|ing)|driv(?:e|ing)|do not|don't|avoid|"
    # whether it comes back answers no "could it be ..." (a read draft cited the chance of a first spontaneous
    # collapsed lung coming back, from a note on Marfan syndrome, to an 88-year-old with three broken ribs)
    r"comes? back|coming back|recurs?|recurrence)\b",
    re.I,
)
#: Diagnoses whose follow-up question is a repeat chest film.
_REPEAT_FILM = frozenset({"pneumonia", "aspiration", "atelectasis"})
PickFn = Callable[[str, int, Callable[[str, CitedSource], bool] | None], list[DraftSentence]]


_D_DIMER = re.compile(r"\bd-?dimer\b", re.I)


@dataclass
class AnswerContext:
    """What the answer rules read."""

    intake: IntakeRecord
    imaging: ImagingFindings
    sources: list[CitedSource]
    relevance: RelevanceChecker
    pick: PickFn

    @property
    def has_ct(self) -> bool:
        return self.imaging.ct is not None or "ct" in self.imaging.kinds

    @cached_property
    def pregnant(self) -> bool:
        """Pregnant now, or within weeks of a birth: a clot is then tested for without the D-dimer."""
        return questions.pregnant_now(self.intake)

    @cached_property
    def rivals(self) -> list[tuple[Condition, str]]:
        """The case's differential (:func:`differential` on the alternatives the patient names), weighed
        once: the answer on the diagnosis and the alternatives section read the same list."""
        return differential(self, questions.named_alternatives(self.intake))

    @cached_property
    def unfit(self) -> Callable[[str], bool]:
        """:func:`~assistant.drafting.questions.unfit_sentence_check` for this patient, read once."""
        return questions.unfit_sentence_check(self.intake)

    def fits(self, cond: Condition | None) -> Callable[[str, CitedSource], bool]:
        """A passage-sentence filter: fits the case and, when ``cond`` is given, is about it
        (:func:`~assistant.drafting.conditions.addresses`), not a passing mention, and about the
        patient's illness rather than about how imaging models perform."""

        def accept(sentence: str, passage: CitedSource) -> bool:
            ok = usable_sentence(
                sentence, passage, has_ct=self.has_ct, is_child=self._child(), age=self.intake.age
            )
            return (
                ok
                and not about_imaging_models(sentence)
                and not self.unfit(sentence)
                # "a normal D-dimer makes PE very unlikely" does not hold in pregnancy
                and not (self.pregnant and _D_DIMER.search(sentence))
                and (cond is None or addresses(cond, sentence, passage.title))
            )

        return accept

    def diagnostic(self, cond: Condition | None) -> Callable[[str, CitedSource], bool]:
        """:meth:`fits`, for a question of diagnosis: what tells the condition apart, not how it
        is treated or whether to fly with it ("5 days of antibiotics" answers no "is it pneumonia")."""
        fits = self.fits(cond)
        # the risk-factor table's "a recent injury to the chest", with its denials
        injured = any(f.factor.key == "chest_injury" for f in found_factors(self.intake))

        def accept(sentence: str, passage: CitedSource) -> bool:
            if injured and re.search(r"\bspontaneous\b", sentence, re.I):
                return False  # what holds for a collapsed lung with no injury, told after a fall
            return not _ADVICE_WORDS.search(sentence) and fits(sentence, passage)

        return accept

    def _child(self) -> bool | None:
        return None if self.intake.age is None else self.intake.is_child

    @property
    def young_child(self) -> bool:
        """Under 12: warning signs are a young child's (breathing effort, drinking, drowsiness)."""
        return self.intake.age is not None and self.intake.age < 12


#: A sentence about how imaging models perform ("a pneumonia model performed worse at hospitals
#: it had not seen"): it explains the images' limits, it answers no question about the illness.
_MODEL_TALK = re.compile(
    r"\b(?:(?i:models?|algorithms?|artificial intelligence|deep learning|machine learning|neural networks?|"
    r"trained|training (?:data|set))|AI)\b"
)


def about_imaging_models(sentence: str) -> bool:
    """Whether a passage sentence is about imaging models rather than the patient's illness."""
    return _MODEL_TALK.search(sentence) is not None


def verdict_sentence(dx_name: str, verdict: Verdict) -> str:
    """The images' bearing on a condition, in plain words, only as far as validated."""
    f = verdict.finding
    match verdict.direction:
        case "supports" if f is not None:
            return (
                f"The {f.model_card.name} model, validated for this kind of image, counted {f.label} "
                f"as present, which supports {dx_name}; it is one piece of evidence, not a diagnosis."
            )
        case "argues_against" if f is not None:
            return (
                f"The {f.model_card.name} model, validated for this kind of image and sensitive "
                f"enough to rule it out, did not find {f.label}, which argues against {dx_name}; a "
                "radiologist's reading still decides."
            )
        case "not_assessed_by_any_model":
            return f"The images could not confirm or exclude {dx_name}, because {verdict.reason}."
    return f"The images could not confirm or exclude {dx_name}, because {verdict.reason}."


def agreement_sentence(dx_name: str, verdict: Verdict, imaging: ImagingFindings) -> str:
    """The verdict in brief for the agreement section; the answer on the diagnosis gives it in full.

    The full verdict sentence (:func:`verdict_sentence`) answers "is the diagnosis right";
    saying it again word for word here would repeat it, so this section refers to it.
    """
    match verdict.direction:
        case "supports":
            return (
                f"In short, the validated imaging result agrees with the first diagnosis of {dx_name} "
                "(the answer on the diagnosis above says which result and how far it goes)."
            )
        case "argues_against":
            return (
                f"In short, the validated imaging result disagrees with the first diagnosis of {dx_name}, "
                "which is a reason to look again (the answer on the diagnosis above says why)."
            )
    if not imaging.kinds and not imaging.findings and imaging.ct is None:
        return (
            "No images were analysed, so no imaging result agrees or disagrees with "
            + (dx_name if dx_name == questions.UNNAMED else f"the diagnosis of {dx_name}")
            + "."
        )
    return (
        f"In short, the images neither agree nor disagree with the first diagnosis of {dx_name}; "
        "the answer on the diagnosis above gives the reason."
    )


def _tagged(sentences: Sequence[DraftSentence], qid: str = "", cond: str = "") -> list[DraftSentence]:
    for s in sentences:
        s.question_ref = s.question_ref or qid
        s.condition_ref = s.condition_ref or cond
    return list(sentences)


def _answer_diagnosis(ctx: AnswerContext, q: SubQuestion) -> list[DraftSentence]:
    dx_cond = questions.diagnosis_condition(ctx.intake)
    dx_name = questions.diagnosis_label(ctx.intake)
    if not ctx.imaging.findings and ctx.imaging.ct is None:
        origin = "finding" if ctx.imaging.kinds else "template"
        out = [DraftSentence(text=facts.no_findings_sentence(ctx.imaging, dx_name), origin=origin)]
    else:
        verdict = verdict_for(
            dx_cond, ctx.intake.diagnosis_in_question if dx_cond is None else "", ctx.imaging
        )
        refs = [verdict.finding.label] if verdict.finding and verdict.finding.assessed else []
        out = [DraftSentence(text=verdict_sentence(dx_name, verdict), origin="finding", finding_refs=refs)]
    if dx_cond is not None:
        out.append(
            DraftSentence(
                text=f"What usually confirms {dx_cond.name} is "
                f"{dx_cond.test_for(child=ctx.intake.is_child, pregnant=ctx.pregnant, age=ctx.intake.age)}.",
                origin="template",
                condition_ref=dx_cond.key,
            )
        )
        out += [
            DraftSentence(text=t, origin="template", condition_ref=dx_cond.key)
            # the rivals the differential weighs, those the story raised unnamed among them (a read draft
            # answered "is it pneumonia?" for a toddler who had choked on peanuts without the inhaled
            # peanut it discussed further down)
            for t in story_verdict(
                ctx.intake,
                dx_cond,
                [c for c, _ in ctx.rivals],
            )
        ]
    out += ctx.pick(f"How is {dx_name} diagnosed? signs symptoms tests", 1, ctx.diagnostic(dx_cond))
    hoarse = hoarse_voice_sentence(ctx.intake)
    if hoarse:
        out.append(DraftSentence(text=hoarse, origin="template"))
    return _tagged(out, q.id)


#: A hoarse voice in the symptom list or the story.
_HOARSE = re.compile(
    r"\bhoarse\w*|\b(?:croaky|husky) voice\b|\bvoice\b[^.;?]{0,15}\b(?:croaky|husky|changed)\b", re.I
)
_WEEKS_OR_MONTHS = re.compile(
    r"\b(?:\d+|several|a few|few|many|two|three|four|five|six) (?:weeks|months|years)\b", re.I
)


def hoarse_voice_sentence(intake: IntakeRecord) -> str:
    """A hoarse voice lasting three weeks or more at 45 or over, said as a reason for a voice-box check
    (NICE NG12's threshold for suspected laryngeal cancer, in the project's own words), or "". A read
    draft for a 60-year-old ex-smoker hoarse for six months, told it was reflux, never mentioned it."""
    if intake.age is None or intake.age < 45:
        return ""
    lasting = [
        lasting_days(s.duration or s.description) or 0.0
        for s in intake.symptoms
        if _HOARSE.search(s.description)
    ]
    told = any(
        _HOARSE.search(sentence) and _WEEKS_OR_MONTHS.search(sentence)
        for sentence in re.split(r"(?<=[.!?])\s+", intake.reason_for_second_opinion)
    )
    if not (any(days >= 21 for days in lasting) or told):
        return ""
    return (
        "A hoarse voice lasting three weeks or more at 45 or over is usually checked by an ear, nose and "
        "throat team, with a camera look at the voice box, even when reflux or a cold seems the likely "
        "cause; in England this goes through the urgent suspected-cancer pathway."
    )


def _answer_unknown(ctx: AnswerContext, q: SubQuestion) -> list[DraftSentence]:
    """An alternative the condition table does not know: said plainly, never guessed at.

    Only a retrieved passage sentence that names the alternative may add what a specialist
    would test; without one the answer says who will address it.
    """
    name = q.condition
    out = [
        DraftSentence(
            text=f"This draft cannot weigh {name} from what was provided, because its checked knowledge "
            "does not cover it; the reviewing clinician will address it and decide whether any test for it "
            "is needed.",
            origin="template",
        )
    ]
    words = [w for w in re.findall(r"[a-z0-9-]{4,}", name.lower()) if w not in ("disease", "syndrome")]

    def names_it(sentence: str, passage: CitedSource) -> bool:
        low = sentence.lower()
        return bool(words) and all(w in low for w in words) and ctx.fits(None)(sentence, passage)

    out += ctx.pick(f"{name} diagnosis test", 1, names_it)
    return _tagged(out, q.id, name)


def _in_children(note: str) -> str:
    """A condition's note for children as a sentence, "In children, " before it unless it says so itself
    ("In children, shingles is uncommon in children" read as padding)."""
    if re.search(r"\b(?:in children|children or young people)\b", note, re.I):
        return note[0].upper() + note[1:] + "."
    return f"In children, {note}."


def _answer_could_it_be(ctx: AnswerContext, q: SubQuestion) -> list[DraftSentence]:
    from assistant.drafting.conditions import CONDITIONS, condition

    if q.condition not in {c.key for c in CONDITIONS}:
        return _answer_unknown(ctx, q)
    cond = condition(q.condition)
    dx = questions.diagnosis_condition(ctx.intake)
    verdict = verdict_for(cond, "", ctx.imaging)
    images = (
        verdict_sentence(cond.name, verdict)
        if ctx.imaging.findings or ctx.imaging.ct is not None
        else facts.no_findings_sentence(ctx.imaging, cond.name)
    )
    if cond.key in ("lung_cancer", "nodule") and ctx.imaging.ct is not None:
        found = facts.nodule_summary(ctx.imaging.ct)
        images = (
            f"The CT analysis found {found}; a candidate is not a diagnosis, so the images here "
            f"neither confirm nor exclude {cond.name}"
            + (", and a clinician should review them." if nodules_for_review(ctx.imaging) else ".")
        )
    out = [
        DraftSentence(
            text=images,
            origin="finding",
            finding_refs=[verdict.finding.label] if verdict.finding and verdict.finding.assessed else [],
        ),
        DraftSentence(
            text=telling_apart(cond, dx, ctx.intake.age), origin="template", condition_ref=cond.key
        ),
        DraftSentence(
            text=f"For {cond.name}, the test that usually settles the question is "
            f"{cond.test_for(child=ctx.intake.is_child, pregnant=ctx.pregnant, age=ctx.intake.age)}.",
            origin="template",
        ),
    ]
    reassured = reassured_sentence(ctx.intake, cond) or shown_sentence(ctx.intake, cond, dx)
    if reassured:
        out.append(DraftSentence(text=reassured, origin="intake", condition_ref=cond.key))
    if cond.too_young(questions.exact_age(ctx.intake)) and cond.under_age:
        # asked about below the age it is diagnosed at: said plainly, without weighing the story for it or a
        # test for it (a preventer-inhaler trial was offered for a 4-month-old), nor what tells it apart in an
        # adult (early menopause and FRAX were weighed for a 3-year-old's bones)
        out[1:3] = [
            DraftSentence(
                text=cond.under_age[0].upper() + cond.under_age[1:] + ".",
                origin="template",
                condition_ref=cond.key,
            )
        ]
        return _tagged(out, q.id, cond.key)
    if ctx.intake.is_child and cond.child_note:
        out.append(
            DraftSentence(text=_in_children(cond.child_note), origin="template", condition_ref=cond.key)
        )
    fit = symptoms_fitting(ctx.intake, cond, dx)
    if fit:
        out.append(DraftSentence(text=fit, origin="template", condition_ref=cond.key))
    story = history_sentence(ctx.intake, cond)
    if story:
        out.append(DraftSentence(text=story, origin="template", condition_ref=cond.key))
    said = history_names(ctx.intake, cond) if story else []
    lean = alternative_lean(ctx.intake, cond, dx, said) if cond != dx else ""
    if lean:
        out.append(DraftSentence(text=lean, origin="template", condition_ref=cond.key))
    if cond.key in questions.SEEN_ON_A_FILM and cond in only_denied(ctx.intake.prior_imaging):
        # "Could the lung be collapsed?" beside a report quoted as "No pneumothorax" (a read draft of a woman
        # with three broken ribs never said what her own X-ray had found)
        out.append(
            DraftSentence(
                text=f"The report quoted in the intake found no {_bare(cond.name)} at the time; the "
                "reviewing clinician checks this against the report itself, and new or worse breathlessness "
                "since is a reason to look again.",
                origin="intake",
                condition_ref=cond.key,
            )
        )
    if cond.urgent and not settled_already(ctx.intake, cond):
        # an inpatient's ward team, not an urgent-care service (a read draft of a man on the ward after a hip
        # operation named one)
        ward = care_setting(ctx.intake) == "hospital"
        whom = (
            "the ward team should be asked about it today"
            if ward
            else "the treating clinician or an urgent-care service should be asked today"
        )
        text = (
            f"When {cond.name} is suspected, it is usually assessed the same day, so {whom} rather "
            "than waiting for this opinion if the symptoms that raised it are still present."
        )
        if story_weighs(ctx.intake, cond, dx):
            # "if the symptoms that raised it are still present" read as a condition to a woman nine days
            # after a caesarean with a racing heart who had stopped her blood-thinning injections (a read
            # draft): with the story giving it real weight, it is said plainly
            text = (
                f"The story gives {cond.name} real weight, and it is usually assessed the same day, so "
                f"{whom} rather than waiting for this opinion."
            )
        signs = same_day_signs(ctx.intake)
        if cond.key == "foreign_body" and _choked_long_ago(ctx.intake):
            # a peanut choked on 11 months before, with the same shadow on three films, was sent for a
            # same-day assessment in a read draft: it is prompt, not an emergency, unless the breathing is
            # hard
            text = (
                "An object breathed in weeks or months ago is not an emergency unless the breathing "
                "becomes difficult, but it is looked for promptly, within days, by a children's chest or "
                "ear, nose and throat team, because the infections it causes keep coming back until a "
                "bronchoscopy removes it."
                if ctx.intake.is_child
                else "An object breathed in weeks or months ago is not an emergency unless the breathing "
                "becomes difficult, but it is looked for promptly, within days, by a chest specialist, "
                "because the infections it causes keep coming back until a bronchoscopy removes it."
            )
        elif not ward and (needs_emergency(signs) or HOSPITAL_SIGNS & set(signs)):
            # the draft already sends the patient to hospital today: one place, not A&E and then an
            # urgent-care service (a read draft said both for a woman with a swollen calf after a caesarean)
            text = (
                f"When {cond.name} is suspected, it is usually assessed the same day; the assessment in "
                "hospital advised above is the place to ask about it."
            )
        elif (
            not ward
            and cond.key in _FAINT_IS_AN_ALARM
            and _faint_told(ctx.intake)
            and story_weighs(ctx.intake, cond, dx)
        ):
            who = patient_word(ctx.intake)
            text = (
                f"A faint or near faint with a suspected {_bare(cond.name)} is a warning sign of a "
                f"severe one, so {who} should be assessed in hospital today (A&E), not at an urgent-care "
                "centre or a routine appointment, and should not wait for this opinion."
            )
        out.append(DraftSentence(text=text, origin="template"))
    out += ctx.pick(f"{cond.name} symptoms signs tests diagnosis", 1, ctx.diagnostic(cond))
    return _tagged(out, q.id, cond.key)


#: Conditions where a recent faint or near faint marks a severe case, seen in hospital today (A&E), not at
#: an urgent-care centre: a clot in the lung (ESC 2019: syncope is a sign of a large clot straining the
#: heart), a tear in the aorta. A read draft for a 16-year-old on the combined pill, with a sore calf,
#: pain on breathing in and a near faint at volleyball, said to ask an urgent-care service.
_FAINT_IS_AN_ALARM = frozenset({"pulmonary_embolism", "aortic_dissection"})
_FAINTS = frozenset({"fainting", "feeling faint"})
#: A faint told as recent: "yesterday at volleyball I nearly passed out", "two days ago", "this morning".
_RECENT = re.compile(
    r"\b(?:yesterday|today|tonight|this (?:morning|afternoon|evening|week)|last night|"
    r"(?:\d|one|two|three|four|five|six|a few|couple of) days? ago|"
    r"on (?:mon|tues|wednes|thurs|fri|satur|sun)day)\b",
    re.I,
)


def _bare(name: str) -> str:
    """A condition's name without its article or the bracketed medical term: "blood clot in the lung"."""
    return re.sub(r"^(?:a|an) ", "", name.split(" (")[0])


def _faint_told(intake: IntakeRecord) -> bool:
    """Whether a recent faint or near faint is told (not one denied): a symptom of days, not weeks, or a
    sentence of the story that dates it to the last few days. Months of faints on the stairs with high lung
    pressure are a reason for a fast specialist review, not for A&E today."""
    from assistant.drafting.guardrails import long_standing

    for s in intake.symptoms:
        if _FAINTS & set(questions.asserted_symptom_names(s.description)) and not long_standing(
            s.description, s.duration
        ):
            return True
    return any(
        _RECENT.search(sentence) and _FAINTS & set(questions.asserted_symptom_names(sentence))
        for sentence in re.split(r"(?<=[.!?])\s+", intake.reason_for_second_opinion)
    )


def telling_apart(cond: Condition, dx: Condition | None, age: int | None = None) -> str:
    """The answer to "could it be X": what tells X from the first diagnosis (the pair's own
    entry), else what would make X more or less likely in general."""
    from assistant.drafting.conditions import told_apart

    apart = told_apart(cond, dx, child=age is not None and age < 16)
    if apart and dx is not None:
        return f"What usually tells {cond.name} from {dx.name}: {apart}."
    return (
        f"{cond.name[0].upper()}{cond.name[1:]} would be more likely with {cond.supports_for(age)}; "
        f"what would argue against it is {cond.against_for(age)}."
    )


def symptoms_fitting(intake: IntakeRecord, cond: Condition, dx: Condition | None) -> str:
    """Which reported symptoms are among those that point to ``cond``, and which of them the first
    diagnosis shares (they then do not tell the two apart); '' when none of them fits."""
    reported = questions.reported_symptoms(intake)

    def fits(c: Condition) -> list[str]:
        return fitting(c, reported)

    fit = fits(cond)
    if not fit:
        return ""
    verb = "is" if one_name(fit) else "are"
    text = f"Of the symptoms reported, {_join(fit)} {verb} among those that can point to {cond.name}"
    shared = [n for n in fit if dx is not None and dx != cond and n in fits(dx)]
    if shared and dx is not None:
        one = one_name(shared)
        text += f"; {_join(shared)} {'is' if one else 'are'} also typical of {dx.name}, so "
        text += f"{'it does' if one else 'they do'} not tell the two apart on their own"
    return text + "."


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


#: "Is it normal for the X-ray to still show a white patch when he seems totally fine?", "why is the shadow
#: still there?" (a read draft left it unanswered).
_STILL_THERE = re.compile(
    r"\bstill\b[^?.]{0,40}\b(?:show\w*|there|see\w*|has|have|got)\b[^?.]{0,30}\b(?:shadow|patch|white|"
    r"consolidation|mark|spot)|\b(?:shadow|patch|consolidation|white (?:bit|area))\w*\b[^?.]{0,30}\b"
    r"(?:still\b|not (?:yet )?(?:gone|cleared)|has ?n[o']t (?:gone|cleared))",
    re.I,
)
_SLOW_TO_CLEAR = (
    "A pneumonia's shadow often clears from the X-ray weeks after the person feels better (commonly 4 to 6 "
    "weeks, and longer in older people, smokers, or after a large pneumonia or one with fluid), so a patch "
    "on a film taken during or soon after treatment is expected; a repeat film some weeks later is used when "
    "symptoms persist, after a complicated pneumonia, or in adults at higher risk, to check that it has gone."
)


def _answer_images(ctx: AnswerContext, q: SubQuestion) -> list[DraftSentence]:
    slow = (
        [DraftSentence(text=_SLOW_TO_CLEAR, origin="template")]
        if _STILL_THERE.search(ctx.intake.main_question)
        and any(c.key == "pneumonia" for c in diagnosis_family(ctx.intake.diagnosis_in_question))
        else []
    )
    return [*_images_sentences(ctx, q), *_tagged(slow, q.id)]


def _images_sentences(ctx: AnswerContext, q: SubQuestion) -> list[DraftSentence]:
    kinds = ctx.imaging.kinds
    what = []
    if {"cxr", "photo"} & set(kinds) or (ctx.imaging.findings and "ct" not in kinds):
        what.append("chest X-ray")
    if ctx.has_ct:
        what.append("CT")
    report = reported_sentence(ctx.intake)
    told = [DraftSentence(text=report, origin="intake")] if report else []
    if not what:
        return _tagged(
            [
                DraftSentence(text="No images were uploaded or none could be analysed.", origin="template"),
                *told,
            ],
            q.id,
        )
    analysed = f"The uploaded {' and '.join(what)} images were analysed by the models listed below."
    read_none = not ctx.imaging.findings and ctx.imaging.ct is None
    if read_none:
        analysed = (
            facts.refusal_sentence(ctx.imaging)
            if ctx.imaging.refused
            else facts.no_findings_sentence(ctx.imaging, "any finding")
        )
    out = [DraftSentence(text=analysed, origin="finding")]
    if ctx.imaging.refused and not read_none:  # the input check's reason: here, and only here
        out.append(DraftSentence(text=facts.refusal_sentence(ctx.imaging), origin="finding"))
    assessed = usable_findings(ctx.imaging)
    skipped = [f for f in ctx.imaging.findings if not f.assessed]
    if assessed:
        present = sorted({f.label for f in assessed if f.positive})
        absent = sorted({f.label for f in assessed if not f.positive})
        parts = []
        if present:
            parts.append(f"counted {', '.join(present)} as present")
        if absent:
            parts.append(f"did not count {', '.join(absent)} as present")
        out.append(
            DraftSentence(
                text=f"Among the validated results, the models {' and '.join(parts)}.",
                origin="finding",
                finding_refs=present + absent,
            )
        )
    if skipped:
        reason = skipped[0].reason or "the model is not validated for this population"
        out.append(
            DraftSentence(
                text=f"The results for {_join(sorted({f.label.replace('_', ' ') for f in skipped}))} could "
                f"not be used, because {reason.rstrip('.')}.",
                origin="finding",
            )
        )
    if skipped and not assessed and "chest X-ray" in what:
        # "Is my x-ray normal?" with no usable result: say plainly that this analysis cannot tell,
        # rather than leave the patient to read silence as "normal"; with a report in the intake, that report
        # is the reading to go by (read drafts asked for "a radiologist's report" beside the one quoted).
        where = (
            "the report described below is the reading to go by, and the reviewing clinician checks it "
            "against the images"
            if told
            else "a radiologist's report on the film answers that, and the reviewing clinician looks at the "
            "images too"
        )
        out.append(
            DraftSentence(
                text=f"So this analysis cannot say whether the X-ray is normal or shows something; {where}.",
                origin="finding",
            )
        )
    out += told
    if ctx.imaging.ct is not None:
        out.append(
            DraftSentence(
                text=f"On the CT, the automated analysis found {facts.nodule_summary(ctx.imaging.ct)}.",
                origin="finding",
                finding_refs=["ct"],
            )
        )
    review = nodules_for_review(ctx.imaging)
    if review is not None:
        out.append(
            DraftSentence(
                text="Whatever the question was, the largest CT candidate is big enough that a clinician "
                "should review those images and decide on further tests.",
                origin="finding",
                finding_refs=["ct"],
            )
        )
    return _tagged(out, q.id)


#: A question that weighs a treatment against a clear film: "if the xray was clear why do I need
#: antibiotics", "does she need antibiotics if the X-ray was fine".
_CLEAR_FILM = re.compile(
    r"\b(?:x-?rays?|xrays?|films?|chest x-?ray)\b[^?.,;]{0,25}\b(?:is|was|were|came back|looked|showed)\s+"
    r"(?:clear|normal|fine|ok|okay|nothing)\b",
    re.I,
)


def _clear_film_sentence(ctx: AnswerContext) -> str:
    """What a clear chest film means for an antibiotic the patient asks about, in general terms."""
    for sentence in re.split(r"(?<=[?.!])\s+", ctx.intake.main_question):
        if _CLEAR_FILM.search(sentence) and re.search(r"\banti-?bi?o?tics?\b", sentence, re.I):
            break
    else:
        return ""
    dx = questions.diagnosis_condition(ctx.intake)
    if dx is not None and dx.key == "latent_tb":
        return (
            "On the clear X-ray: a clear chest X-ray is part of what makes TB latent rather than active, and "
            "treatment for latent TB is given to stop the sleeping germs becoming active later, so a clear "
            "film is the usual reason for it, not an argument against it; new symptoms such as a cough or "
            "night sweats are checked for active TB first."
        )
    return (
        "On the clear X-ray: a chest X-ray reported as clear makes pneumonia less likely, although it does "
        "not rule out every chest infection, and antibiotics do not help coughs or wheeze caused by "
        "viruses; whether an antibiotic is needed is for the prescribing clinician to decide."
    )


#: A question telling of antibiotics that have not helped: "after two antibiotics haven't worked", "two lots
#: of antibiotics haven't touched it".
_ANTIBIOTICS_FAILED = re.compile(
    r"\b(?:anti-?bi?o?tics?|courses?|lots)\b[^.?!]{0,40}\b(?:haven'?t|have not|hasn'?t|has not|didn'?t|"
    r"did not|aren'?t|are not|not)\s+(?:\w+\s+)?(?:work\w*|help\w*|touch\w*|clear\w*|shift\w*|done anything)",
    re.I,
)
#: ... answered: a read draft's only sentence naming the antibiotics pointed to yet another course (reviewers:
#: "it pushes towards a fourth antibiotic").
_AFTER_FAILED_ANTIBIOTICS = (
    "When antibiotics have not helped, the usual next step is for the treating doctor to look again at the "
    "diagnosis (the examination, a chest X-ray, blood tests and, where possible, a sputum sample) rather "
    "than simply to try another antibiotic; whether any antibiotic is still needed, and which, is the "
    "prescribing clinician's decision."
)


def _answer_treatment(
    ctx: AnswerContext, q: SubQuestion, alternatives: Sequence[Condition] = ()
) -> list[DraftSentence]:
    # Asked whether a medicine is needed and none is listed ("does she need antibiotics?" for a baby
    # on none): there is no current treatment to judge or to stay on. Advice asked about beside the medicines
    # listed (comfort care, sick-day rules) is no medicine needed (read drafts told a woman on 11 tablets that
    # "whether a treatment is needed" is for the doctor).
    needs = [k for k in q.subjects if k not in NOT_A_NEED]
    untreated = not ctx.intake.medications or (
        bool(needs) and not any(prescribed(topic(k), ctx.intake.medications) for k in needs)
    )
    if untreated:
        out = [
            DraftSentence(
                text="This opinion cannot prescribe: whether a treatment is needed depends on the "
                "examination, allergies, other medicines and how the illness develops, which the treating "
                "doctor judges.",
                origin="template",
            )
        ]
    else:
        out = [
            DraftSentence(
                text="This opinion cannot change a prescription: whether the current treatment "
                "is the right one depends on the examination, allergies, other medicines and how the "
                "illness responds, which the treating doctor judges.",
                origin="template",
            ),
            DraftSentence(
                text="Not improving, or getting worse, while on treatment is a reason to contact the "
                "treating doctor again rather than to change medicines on one's own.",
                origin="template",
            ),
        ]
    dx = questions.diagnosis_condition(ctx.intake)
    fits = ctx.fits(dx)

    def about_treatment(sentence: str, passage: CitedSource) -> bool:
        # Treatment of this diagnosis: antibiotics for pneumonia say nothing about a blood thinner; with none
        # diagnosed, no sentence naming a condition nor one from a note about a single condition ("an
        # antibiotic suited to pregnancy is used", from the Q fever note, was quoted to a pregnant woman
        # breathless from a clot)
        if dx is None and (conditions_in(sentence) or conditions_in(passage.title)):
            return False
        return bool(_TREATMENT_WORDS.search(sentence)) and fits(sentence, passage)

    out += [
        DraftSentence(text=note, origin="template") for _, note in questions.side_effects_asked(ctx.intake)
    ]
    out += topic_answers.treatment_subject_sentences(ctx, q)
    if _ANTIBIOTICS_FAILED.search(ctx.intake.main_question):
        out.append(DraftSentence(text=_AFTER_FAILED_ANTIBIOTICS, origin="template"))
    clear = _clear_film_sentence(ctx)
    if clear:
        out.append(DraftSentence(text=clear, origin="template"))
    # Every medicine the patient listed, named as they wrote it: what it is for, whether it treats
    # the diagnosis, who decides (the question may be about one of them, the answer covers all).
    family = diagnosis_family(ctx.intake.diagnosis_in_question)
    # A viral illness's pneumonia ("COVID pneumonia") is not what an antibiotic treats: doxycycline is
    # not "the kind of medicine used for COVID-19".
    viral = bool(family) and family[0].viral
    out += [
        DraftSentence(text=t, origin="template")
        for t in medicine_sentences(
            ctx.intake.medications,
            [c.key for c in family if not (viral and c.key == "pneumonia")],
            questions.diagnosis_label(ctx.intake),
            [c.key for c in questions.known_conditions(ctx.intake)],
            questions.reported_symptoms(ctx.intake),
            # a medicine that holds fluid matters while heart failure is only a possibility
            possible=[c.key for c in alternatives],
            age=ctx.intake.age,
            told="\n".join([ctx.intake.diagnosis_in_question, ctx.intake.history]),
        )
    ]
    query = f"treatment of {dx.name} not improving" if dx else "antibiotic treatment choice not improving"
    out += ctx.pick(query, 1, about_treatment)
    return _tagged(out, q.id)


_PENICILLINS = re.compile(
    r"\b(?:penicillins?|amoxi\w*|co-?amoxiclav|augmentin|flucloxacillin|piperacillin|tazocin)\b", re.I
)
_NO_ALLERGY = re.compile(r"^\W*(?:no|none|nil|nkda|not known)\b", re.I)


def penicillin_allergy_note(intake: IntakeRecord, said: Sequence[str]) -> str:
    """With a penicillin allergy listed, and an answer naming a penicillin as the usual first choice, that
    penicillins are avoided for this patient: a read draft told a man whose lips had swollen on penicillin
    that guidelines "usually start with a penicillin such as amoxicillin"."""
    allergic = [a for a in intake.allergies if _PENICILLINS.search(a) and not _NO_ALLERGY.match(a)]
    if not allergic or not any(_PENICILLINS.search(t) for t in said):
        return ""
    return (
        "With the penicillin allergy reported, penicillins such as amoxicillin and co-amoxiclav are avoided "
        "for this patient and the antibiotic is chosen from the alternatives; what the reaction was (such as "
        "a rash, or swelling of the lips or face) should be on the record at every assessment."
    )


def _answer_next(
    ctx: AnswerContext, q: SubQuestion, alternatives: Sequence[Condition], answered: Sequence[str] = ()
) -> list[DraftSentence]:
    """The next-steps answer; ``answered``: keys of alternatives whose own answer already gave their test."""
    tests = [
        f"for {c.name}, {c.test_for(child=ctx.intake.is_child, pregnant=ctx.pregnant, age=ctx.intake.age)}"
        for c in alternatives[:4]
        # below the age it is diagnosed at there is no test for it (a preventer-inhaler trial was offered as
        # the test for asthma in a 5-month-old)
        if not c.too_young(questions.exact_age(ctx.intake))
        # an alternative asked about has its test in its own answer above: read drafts gave the same test
        # paragraph three and four times over (the answer, this list, the differential)
        and c.key not in answered
    ]
    out = []
    dx = questions.diagnosis_condition(ctx.intake)
    child = bool(ctx.intake.age is not None and ctx.intake.is_child)
    if dx is not None:
        # A repeat film is a follow-up question for a pneumonia; each condition names its own
        # follow-up check (never the confirming test, such as a D-dimer for a clot), a child's
        # where it differs. "The treating doctor" comes first so that it never reads as part of
        # the check's own wording.
        check = dx.follow_up_for(child=child, low_risk=questions.low_lung_cancer_risk(ctx.intake))
        text = f"The treating doctor plans any follow-up; for {dx.name} it usually involves {check}."
        now = same_day_signs(ctx.intake)
        if now and not assessed_and_sent_home(ctx.intake, now):
            # "a review if the symptoms are not improving after about a week" read to reviewers as taking back
            # the same-day advice above it (a grunting 4-year-old on day 6, a wheezy toddler)
            text = (
                "After the same-day assessment advised above, and not instead of it, the treating doctor "
                f"plans any follow-up; for {dx.name} it usually involves {check}."
            )
        if dx.key in _REPEAT_FILM and "repeat chest X-ray" not in check:
            weighs = (
                "how the symptoms settle" if child else "how the symptoms settle, age and smoking history"
            )
            text = text[:-1] + f"; whether a repeat chest X-ray is needed depends on {weighs}."
        out.append(DraftSentence(text=text, origin="template", condition_ref=dx.key))
        fits = ctx.fits(dx)

        def about_follow_up(sentence: str, passage: CitedSource) -> bool:
            # "A normal D-dimer makes PE unlikely" confirms a diagnosis; it is not its follow-up.
            return bool(_FOLLOW_UP_WORDS.search(sentence)) and fits(sentence, passage)

        out += ctx.pick(f"follow-up after {dx.name}", 1, about_follow_up)
    if tests:
        out.append(
            DraftSentence(
                text="Tests worth discussing with the doctor: " + "; ".join(tests) + ".", origin="template"
            )
        )
    if any(c.key in answered and not c.too_young(questions.exact_age(ctx.intake)) for c in alternatives[:4]):
        out.append(
            DraftSentence(
                text=f"The tests for {'the other' if tests else 'the'} possibilities asked about are in the "
                "answers on them above.",
                origin="template",
            )
        )
    fast = topic_answers.fast_track_sentence(ctx.intake, [*([dx] if dx is not None else []), *alternatives])
    if fast:
        out.append(DraftSentence(text=fast, origin="template"))
    if nodules_for_review(ctx.imaging) is not None:
        out.append(
            DraftSentence(
                text="The CT nodule candidates should be reviewed by a clinician, who will decide "
                "on follow-up imaging.",
                origin="finding",
                finding_refs=["ct"],
            )
        )
    out.append(
        DraftSentence(text=warning_sentence(ctx.intake, young_child=ctx.young_child), origin="template")
    )
    return _tagged(out, q.id)


def answer_sentences(
    ctx: AnswerContext,
    sub_questions: Sequence[SubQuestion],
    alternatives: Sequence[Condition],
    urgent_signs: Sequence[str] = (),
) -> list[DraftSentence]:
    """The answers section: urgent symptoms first, then one block per sub-question, in order.

    ``urgent_signs`` are the emergency signs in plain words
    (:attr:`~assistant.drafting.guardrails.PriorityAssessment.signs`), never rule names.
    """
    out: list[DraftSentence] = []
    same_day = same_day_signs(ctx.intake)
    # With signs that need emergency care now (a baby's pauses in breathing), "if they are severe ..." before
    # them read to reviewers as taking the urgency back: the plain sentence below says it alone.
    emergency_now = needs_emergency(same_day) and care_setting(ctx.intake) != "care_plan"
    if urgent_signs and not emergency_now:
        named = "; ".join(urgent_signs)
        out += [
            DraftSentence(
                text="On the symptoms reported that can signal an emergency:",
                origin="template",
                question_ref="urgent",
            ),
            DraftSentence(
                text=f"Symptoms reported during intake ({named}) can be signs of an emergency; if they "
                f"are severe, sudden or getting worse, {act_now(ctx.intake)} rather than wait "
                "for this opinion.",
                origin="intake",
                question_ref="urgent",
            ),
        ]
    if same_day:
        out += [
            DraftSentence(
                text="On the signs described that need emergency care now:"
                if emergency_now
                else "On the signs described, and when to go back to hospital:"
                if assessed_and_sent_home(ctx.intake, same_day)
                else "On the signs described that need a doctor today:",
                origin="template",
                question_ref="urgent",
            ),
            DraftSentence(
                text=same_day_sentence(ctx.intake, same_day, act_now(ctx.intake)),
                origin="intake",
                question_ref="urgent",
            ),
        ]
    for q in sub_questions:
        head = DraftSentence(text=f"On {q.summary}:", origin="template", question_ref=q.id)
        match q.kind:
            case "diagnosis_right":
                body = _answer_diagnosis(ctx, q)
            case "could_it_be":
                body = _answer_could_it_be(ctx, q)
            case "images":
                body = _answer_images(ctx, q) + _tagged(_radiation_note(ctx), q.id)
            case "treatment":
                body = _answer_treatment(ctx, q, alternatives)
            case "next_steps" if q.topic:
                body = _tagged(topic_answers.next_topic_sentences(ctx, q, alternatives), q.id)
            case _:
                body = _answer_next(
                    ctx, q, alternatives, [x.condition for x in sub_questions if x.kind == "could_it_be"]
                )
        out += [head, *body]
    out = _said_once(out)
    allergy = penicillin_allergy_note(ctx.intake, [s.text for s in out])
    if allergy:
        at = next(i for i, s in enumerate(out) if _PENICILLINS.search(s.text))
        out.insert(at + 1, DraftSentence(text=allergy, origin="template", question_ref=out[at].question_ref))
    # Every draft ends its answers with when to seek help sooner (safety-netting): read drafts for a
    # man coughing blood from TB and a baby with bronchiolitis left it as a question to ask the doctor.
    warning = warning_sentence(ctx.intake, young_child=ctx.young_child)
    if not any(s.text == warning or s.text == topic_answers.EMERGENCY_ADVICE for s in out):
        out += [
            DraftSentence(text="On when to seek help sooner:", origin="template", question_ref="safety"),
            DraftSentence(text=warning, origin="template", question_ref="safety"),
        ]
    return out


#: A worry about the scan's own radiation: "Has the chest X-ray harmed my baby?", "is the CT radiation safe?"
_RADIATION_WORRY = re.compile(
    r"\bradiation\b(?! (?:therapy|treatment))|"
    r"\b(?:x-?rays?|scans?|ct)\b(?:\s+\w+){0,2}\s+(?:harm\w*|hurt\w*|damag\w*|affect\w*)\s+"
    r"(?:me|him|her|my|the|his|them|us|you|our)\b|"
    r"\b(?:x-?rays?|scans?|ct(?: scans?)?)\s+(?:is |are |was |were )?(?:safe|dangerous|harmful)\s+"
    r"(?:for|in|during|with)\b",
    re.I,
)


def _radiation_note(ctx: AnswerContext) -> list[DraftSentence]:
    """The scan's own dose, when the patient asks whether it harmed them or the baby (a read draft for a woman
    28 weeks pregnant, distressed that her chest X-ray had harmed the baby, answered only what it showed)."""
    if not _RADIATION_WORRY.search(ctx.intake.main_question):
        return []
    if ctx.pregnant:
        text = (
            "On the X-ray's radiation: a chest X-ray in pregnancy gives the baby a tiny dose, far below any "
            "level linked to harm and about the same as a few days of the natural background radiation "
            "everyone receives, because the beam is aimed at the chest, away from the womb; it is not a "
            "reason for worry or for any test of the baby, and a CT scan needed for the mother's care is not "
            "withheld either."
        )
    else:
        text = (
            "On the scan's radiation: a chest X-ray gives a very small dose, about the same as a few days of "
            "the natural background radiation everyone receives; a CT scan gives more, which is why it is "
            "used when its answer changes the care, and at that dose the benefit of the answer outweighs the "
            "small risk."
        )
    return [DraftSentence(text=text, origin="template")]


#: The same images caveat for every condition asked about: said in the first answer, then not again.
_IMAGES_CAVEAT = re.compile(
    r"^(?:No images were analysed, so this opinion cannot check .+ against the images\.|"
    r"The images could not confirm or exclude .+, because none of the imaging models used here "
    r"looks for it\.)$"
)


def _choked_long_ago(intake: IntakeRecord) -> bool:
    """Whether the story dates its choking episode (the ``choking_episode`` fact's own words) weeks or
    months back ("last summer at a BBQ he choked on peanuts", "choking episode with peanuts approximately 11
    months ago")."""
    choking = next(f for f in FACTORS if f.key == "choking_episode")
    return any(
        choking.find.search(sentence) and questions.dated_weeks_back(sentence)
        for sentence in re.split(r"[.;!?\n]", questions.text_of(intake))
    )


def _said_once(sentences: list[DraftSentence]) -> list[DraftSentence]:
    """Drop the images caveat after its first use: read drafts said "No images were analysed, so this
    opinion cannot check ... against the images" in four answers in a row."""
    out: list[DraftSentence] = []
    seen = False
    for s in sentences:
        if _IMAGES_CAVEAT.match(s.text):
            if seen:
                continue
            seen = True
        out.append(s)
    return out


def _raised_by_a_telling_fact(intake: IntakeRecord, dx: Condition | None) -> list[tuple[Condition, str]]:
    """Alternatives a fact in the story all but names, when the story also gives them weight: a
    witnessed choke and an inhaled object, a hot tub and Legionella (the risk-factor table's
    ``decisive`` field). A read draft for an 80-year-old back from a hotel with a hot tub, feverish,
    confused and on amoxicillin never named Legionnaires' disease, which amoxicillin does not treat."""
    family = {c.key for c in diagnosis_family(intake.diagnosis_in_question)}
    out: list[tuple[Condition, str]] = []
    for found in found_factors(intake):
        for key in found.factor.decisive:
            cond = condition(key)
            if key in family or cond == dx or cond in [c for c, _ in out]:
                continue
            if story_weighs(intake, cond, dx):
                out.append((cond, f"the story includes {found.name}, which points to it"))
    return out


#: Noise from the voice box or windpipe: stridor, a hoarse voice, croup again and again.
_UPPER_AIRWAY_NOISE = re.compile(
    r"\b(?:stridor\w*|hoarse\w*|whistl\w* (?:when|on) (?:breathing|she breathes|he breathes) in|"
    r"noisy breathing in|"
    r"(?:croup|stridor)\b[^.;]{0,30}\b(?:\d+|two|three|four|five|six|several|many) times|"
    r"(?:\d+|two|three|four|five|six|several|many|repeated|recurrent) (?:\w+ )?(?:episodes of |bouts of |"
    r"attacks of )?croup)\b",
    re.I,
)


#: Symptoms that make a positive TB test a question of active TB.
_ACTIVE_TB_SIGNS = frozenset({"night sweats", "weight loss", "coughing blood"})


_MORE_BREATHLESS = re.compile(
    r"\b(?:more|increasingly|worse|worsening|increasing|getting)\b[^.;\n]{0,30}"
    r"\b(?:breathless\w*|short of breath|out of breath|puffed|winded)|"
    r"\b(?:breathless\w*|short of breath|out of breath|puffed|winded)\b[^.;\n]{0,30}"
    r"\b(?:worse|more|increasing|getting)\b",
    re.I,
)


#: A wet cough: "wet rattly cough every day", "a moist chesty cough", "coughing up phlegm".
_WET_COUGH = re.compile(
    r"\b(?:wet|moist|rattl\w*|chesty|productive|loose|fruity)\b[^.;,]{0,15}\bcough|\bcough\w*\b[^.;,]{0,20}\b"
    r"(?:phlegm|mucus|sputum|gunk)\b",
    re.I,
)


#: Repeated infections told as one symptom ("repeated chest infections with fever and wet cough"): episodes,
#: not a cough every day.
_EPISODES = re.compile(r"\b(?:repeated|recurrent|episodes?|bouts?|each time|every time)\b", re.I)
_WET_COUGH_CAUSES = frozenset(
    {
        "protracted_bacterial_bronchitis",
        "bronchiectasis",
        "cystic_fibrosis",
        "primary_ciliary_dyskinesia",
        "tuberculosis",
        "foreign_body",
    }
)


def _raised_by_the_course(intake: IntakeRecord) -> list[tuple[Condition, str]]:
    """Alternatives the course of the illness raises: a pneumonia not improving on antibiotics raises
    fluid or pus around the lung, its usual complication (a read draft for a 3-year-old still feverish
    on day 5 of amoxicillin, with new pain on one side, never named it and offered a lung tumour
    instead); sudden pain on breathing in with breathlessness raises a clot."""
    family = {c.key for c in diagnosis_family(intake.diagnosis_in_question)}
    keys = {f.factor.key for f in found_factors(intake)}
    out: list[tuple[Condition, str]] = []
    # ... only while something points to it: a fever, or pain on breathing with no report that found no fluid
    # (a fever since a clear film may mean fluid has formed since; read drafts weighed pus around the lung,
    # with a pleural tap, for an afebrile woman whose CRP had fallen and a man whose X-ray found no effusion)
    if (
        "pneumonia" in family
        and not family & {"empyema", "pleural_effusion"}
        and "antibiotics_failed" in keys
        and ("fever" in keys or ("pleuritic_pain" in keys and EFFUSION not in reported_findings(intake)[1]))
    ):
        child = intake.age is not None and intake.age < 16
        # a feverish patient whose report found no fluid: weighed, but as what a later film may show (readers
        # of a transplant patient's and a farm worker's drafts: the report says no effusion)
        no_fluid = EFFUSION in reported_findings(intake)[1]
        out.append(
            (
                condition("empyema"),
                "a pneumonia that is not clearly improving on antibiotics can be complicated by fluid or pus "
                "around the lung, which is looked for when the fever or the pain persists"
                + (
                    "; the report given found no fluid, so this matters only if a later film or an "
                    "ultrasound shows fluid that has formed since"
                    if no_fluid
                    else ""
                )
                # "should we wait 48 hours like the GP said?" went unanswered for a 3-year-old on day 5
                + (
                    "; a child still feverish or more unwell after two days of antibiotics is usually seen "
                    "again the same day rather than after a further wait"
                    if child
                    else ""
                ),
            )
        )
    # Fluid around the lung put down to the heart, in someone feverish after an infection that antibiotics
    # did not clear: an infected effusion (a read draft for an 81-year-old with evening fevers after two
    # antibiotics took "could the fluid be infected?" as background).
    if (
        "pleural_effusion" in family
        and not family & {"empyema", "pneumonia"}
        and "antibiotics_failed" in keys
        and fever_now(intake)
    ):
        out.append(
            (
                condition("empyema"),
                "fluid around the lung with a fever after an infection that antibiotics have not cleared can "
                "be infected fluid or pus, which a sample of the fluid (a pleural tap), usually guided by "
                "ultrasound, shows",
            )
        )
    # A positive TB test with symptoms of active TB is not latent TB until active TB is excluded (a read draft
    # for a care worker with a 5-week cough, night sweats and weight loss told him latent TB "cannot be passed
    # on" and raised no alternative).
    said_now = set(
        questions.asserted_symptom_names("\n".join([intake.symptom_text, intake.reason_for_second_opinion]))
    )
    if (
        "latent_tb" in family
        and not family & {"tuberculosis", "drug_resistant_tb"}
        and said_now & _ACTIVE_TB_SIGNS
    ):
        out.append(
            (
                condition("tuberculosis"),
                "a positive TB test together with "
                + _join(sorted(said_now & _ACTIVE_TB_SIGNS))
                + " calls for tests for active TB (sputum samples and a chest X-ray, sometimes a CT) before "
                "latent TB is treated; until active TB is excluded, the TB service and occupational health "
                "advise on work and close contacts",
            )
        )
    # Noisy breathing in, a hoarse voice or croup again and again after weeks on a breathing tube: a narrowing
    # below the voice box (a read draft for a 4-year-old born at 28 weeks, intubated for 3 weeks and hoarse
    # since, with "croup" five times in a year, weighed only croup and asthma).
    story = "\n".join(
        [intake.reason_for_second_opinion, intake.history, intake.symptom_text, intake.main_question]
    )
    if "subglottic_stenosis" not in family and "breathing_tube" in keys and _UPPER_AIRWAY_NOISE.search(story):
        out.append(
            (
                condition("subglottic_stenosis"),
                "noisy breathing in, a hoarse voice or croup that keeps coming back after time on a "
                "breathing tube can come from a narrowing just below the voice box that the tube left, "
                "which an airway (ear, nose and throat) team looks for",
            )
        )
    # Bruised or broken ribs with a new fever, or with breathlessness getting worse days later: a chest
    # infection (pain stops deep breaths and coughing) and blood collecting around the lung, the more so on a
    # blood thinner (a new case's draft for a 72-year-old farmer on apixaban, feverish and grey six days after
    # a fall onto a gate, weighed only a broken rib).
    injured = family & {"rib_fracture", "chest_wall_injury", "lung_contusion"} and "chest_injury" in keys
    if injured and "pneumonia" not in family and fever_now(intake):
        out.append(
            (
                condition("pneumonia"),
                "a fever after an injury to the ribs raises a chest infection, the commonest complication of "
                "rib injuries, because pain stops deep breaths and coughing; an examination, oxygen level, "
                "blood tests and a repeat chest X-ray show it",
            )
        )
    told = "\n".join([intake.symptom_text, intake.reason_for_second_opinion])
    # breathlessness getting worse, not only "a bit short of breath when the pain catches"
    breathless = "breathlessness" in questions.asserted_symptom_names(told) and bool(
        _MORE_BREATHLESS.search(told)
    )
    if injured and not family & {"haemothorax", "pneumothorax"} and breathless:
        out.append(
            (
                condition("haemothorax"),
                "breathlessness after an injury to the ribs raises blood or air collecting around the lung, "
                "which can appear days after the injury"
                + (
                    ", and the blood thinner listed makes bleeding more likely"
                    if treats_a_clot(intake.medications)
                    else ""
                )
                + "; a repeat chest X-ray or an ultrasound shows it",
            )
        )
    # Sudden pain on breathing in with breathlessness in an adult: a clot is usually ruled out (a read
    # draft for a 62-year-old lorry driver told he had COPD never considered one).
    said = told
    if (
        (intake.age is None or intake.age >= 16)
        # a collapsed lung or a broken rib seen on the film explains the sudden pain
        and not family & {"pulmonary_embolism", "pneumothorax", "rib_fracture"}
        and {"sudden_onset", "pleuritic_pain"} <= keys
        and "breathlessness" in questions.asserted_symptom_names(said)
    ):
        out.append(
            (
                condition("pulmonary_embolism"),
                "sudden chest pain on breathing in together with breathlessness is a pattern for which a "
                "blood clot in the lung is usually ruled out",
            )
        )
    # A wet cough every day for four weeks or more in a child: a lingering bacterial infection of the airways
    # (protracted bacterial bronchitis), which a long course of antibiotics clears, and, if it does not,
    # bronchiectasis (BTS and ERS guidance; a new case's 4-year-old with a wet cough for 5 months was told
    # asthma and only bronchiectasis was weighed).
    wet = [
        x
        for x in intake.symptoms
        if _WET_COUGH.search(x.description)
        and not _EPISODES.search(x.description)
        and (lasting_days(x.duration) or 0) >= 28
    ]
    if (
        intake.age is not None
        and intake.age < 15
        and wet
        # not when a cause of a lasting wet cough is the diagnosis (bronchiectasis, cystic fibrosis, TB)
        and not family & _WET_COUGH_CAUSES
    ):
        out.append(
            (
                condition("protracted_bacterial_bronchitis"),
                "a wet cough every day for four weeks or more in a child is most often a lingering bacterial "
                "infection of the airways, which a two- to four-week course of antibiotics clears; one that "
                "does not clear, or keeps coming back, is looked into for bronchiectasis",
            )
        )
    # A painful or swollen calf with breathlessness or chest pain, the same-day sign: a clot in the lung is
    # what that sign is about (a new round's woman 33 weeks pregnant, with an earlier clot, off her
    # injections, breathless with a swollen calf, was told to go today, and her draft weighed only anaemia
    # and the heart).
    if (
        (intake.age is None or intake.age >= 12)
        and not family & {"pulmonary_embolism", "deep_vein_thrombosis"}
        and CALF_SIGN in same_day_signs(intake)
        and not any(c.key == "pulmonary_embolism" for c, _ in out)
    ):
        out.append(
            (
                condition("pulmonary_embolism"),
                "a painful or swollen calf together with breathlessness or chest pain is the pattern of a "
                "clot in the leg that has travelled to the lung, which is ruled out the same day",
            )
        )
    # A fever after a stay where malaria is common, the same-day sign: malaria itself is what that sign is
    # about (a new case's 3-year-old back from Lagos without malaria tablets, sleepy on amoxicillin for a
    # "chest infection", was weighed for pneumonia alone).
    if (
        "malaria" not in family
        and MALARIA_SIGN in same_day_signs(intake)
        and not any(c.key == "malaria" for c, _ in out)
    ):
        out.append(
            (
                condition("malaria"),
                "a fever after a recent stay where malaria is common is malaria until a blood test shows "
                "otherwise, and that test is done the same day",
            )
        )
    # Tingling in the hands and feet with legs growing weak, often after a stomach bug or a cold: the nerves'
    # inflammation (Guillain-Barre syndrome) that can reach the breathing muscles (a new round's 15-year-old,
    # told it was anxiety, could not climb the stairs and her drinks went down the wrong way).
    if "neuromuscular_weakness" not in family and SPREADING_WEAKNESS.search(
        "\n".join([intake.symptom_text, intake.reason_for_second_opinion])
    ):
        out.append(
            (
                condition("neuromuscular_weakness"),
                "tingling in the hands and feet with the legs growing weak, especially after a stomach bug "
                "or a cold, is the pattern of an inflammation of the nerves (Guillain-Barre syndrome), which "
                "can reach the breathing and swallowing muscles and is assessed in hospital the same day",
            )
        )
    return out


def raised_by_the_story(intake: IntakeRecord) -> list[Condition]:
    """The alternatives the story raises although nobody named them (red flags, the course of the illness, a
    fact that all but names one), the diagnosis and the named ones left out: what retrieval also looks for."""
    dx = questions.diagnosis_condition(intake)
    if established(intake, dx):
        return []
    named = set(questions.named_alternatives(intake))
    raised = [
        *questions.raised_by_symptoms(intake),
        *_raised_by_the_course(intake),
        *_raised_by_a_telling_fact(intake, dx),
    ]
    age = questions.exact_age(intake)
    out = [c for c, _ in raised if c != dx and c not in named and not c.too_young(age)]
    return list(dict.fromkeys(out))


def differential(ctx: AnswerContext, named: Sequence[Condition]) -> list[tuple[Condition, str]]:
    """Every alternative the patient named, then those the validated findings and the reported
    symptoms raise, with why."""
    dx = questions.diagnosis_condition(ctx.intake)
    # Named in a question ("could it be my heart?") it was asked about; named only in the story
    # ("after a viral chest infection") it was mentioned, and the draft must not say it was asked.
    asked = set(questions.asked_conditions(ctx.intake)) | set(
        conditions_in(ctx.intake.main_question, fuzzy=True)
    )
    # "could it be my heart?" asked about whichever heart condition the story reads it as (read drafts
    # said pericarditis was discussed because "the account of the illness mentions it")
    vague = questions.vague_asked_keys(ctx.intake)
    asked |= {c for c in named if c.key in vague}
    # "does she need antibiotics?" after a viral diagnosis asks whether a bacterial pneumonia is present
    # too: read drafts said "the account of the illness mentions it" when nobody had named pneumonia.
    bacterial = set(questions.bacterial_asked(ctx.intake))
    exposed = set(questions.exposure_alternatives(ctx.intake)) - set(
        conditions_in(questions.text_of(ctx.intake))
    )
    # below the age it is diagnosed at (asthma in a baby, work-related asthma in a toddler), a condition is
    # discussed only when asked about, and then said to be so
    named = [c for c in named if c in asked or not c.too_young(questions.exact_age(ctx.intake))]
    out: list[tuple[Condition, str]] = [
        (
            c,
            "it was asked about"
            if c in asked
            else "the question about antibiotics asks whether a bacterial infection is present as well"
            if c in bacterial
            # raised by what was breathed in, not by name (a read draft said ABPA was discussed because the
            # account mentioned it, of a mouldy flat)
            else "what the account says was breathed in (such as birds, mould or dust) can cause it"
            if c in exposed
            else "the account of the illness mentions it",
        )
        for c in named
    ]
    for f in usable_findings(ctx.imaging):
        cond = for_label(f.label)
        if f.positive and cond is not None and cond != dx and cond not in [c for c, _ in out]:
            out.append((cond, f"the {f.model_card.name} model counted {f.label} as present"))
    # a diagnosis its settling test has shown is not weighed against what the symptoms might raise (read
    # drafts sent a woman whose clot a CT angiogram had shown for a same-day heart check)
    raised = (
        []
        if established(ctx.intake, dx)
        else [
            *questions.raised_by_symptoms(ctx.intake),
            *_raised_by_the_course(ctx.intake),
            *_raised_by_a_telling_fact(ctx.intake, dx),
        ]
    )
    for cond, why in raised:
        if (
            cond != dx
            and cond not in [c for c, _ in out]
            and not cond.too_young(questions.exact_age(ctx.intake))
        ):
            out.append((cond, why))
    # an inhaled object the story raised stands for the choke, not aspiration of food or drink, unless that
    # was asked (read drafts sent a healthy 3-year-old who choked on peanuts for a swallowing assessment)
    if any(c.key == "foreign_body" for c, _ in out):
        out = [(c, why) for c, why in out if c.key != "aspiration" or c in asked]
    review = nodules_for_review(ctx.imaging)
    if review is not None:
        cond = condition("lung_cancer")
        if cond not in [c for c, _ in out] and cond != dx:
            out.append((cond, f"the CT analysis found a candidate of about {review[0]:.0f} mm"))
    return out


def _entry_lines(
    ctx: AnswerContext, cond: Condition, lead: str, compared_with: Condition | None
) -> list[str]:
    """One differential entry: the lead, what points to it and against it, which reported symptoms
    fit (and which ``compared_with`` shares), what in the story bears on it, the settling test."""
    lines = [
        lead,
        f"What would point to it: {cond.supports_for(ctx.intake.age)}.",
        f"What argues against it: {cond.against_for(ctx.intake.age)}.",
        "The test that usually settles it: "
        f"{cond.test_for(child=ctx.intake.is_child, pregnant=ctx.pregnant, age=ctx.intake.age)}.",
    ]
    # below the age it is diagnosed at, nothing in the history makes it "more likely", and no test settles it
    if cond.too_young(questions.exact_age(ctx.intake)) and cond.under_age:
        lines[-1] = f"The test that usually settles it: none at this age ({cond.under_age.split(';')[0]})."
    reassured = reassured_sentence(ctx.intake, cond) or shown_sentence(
        ctx.intake, cond, questions.diagnosis_condition(ctx.intake)
    )
    if reassured:
        lines.append(reassured)
    story = (
        ""
        if cond.too_young(questions.exact_age(ctx.intake))
        else history_sentence(ctx.intake, cond, entry=True)
    )
    if story:
        lines.insert(3, story)
    # For an asked alternative this is the answer's own sentence (dropped here as a repeat then); an
    # alternative the findings or the story raised has it only here.
    # (not below the age it is diagnosed at: "a cough is among those that can point to a lung cancer" of a
    # 4-month-old, in a read draft)
    fit = (
        ""
        if cond.too_young(questions.exact_age(ctx.intake))
        else symptoms_fitting(ctx.intake, cond, compared_with)
    )
    if fit:
        lines.insert(3, fit)
    # The story's lean on an alternative (said in its answer when it was asked, dropped here then).
    said = history_names(ctx.intake, cond) if story else []
    lean = alternative_lean(ctx.intake, cond, compared_with, said) if compared_with is not None else ""
    if lean:
        lines.insert(len(lines) - 1, lean)
    # Said in the next-steps answer when one was asked (dropped here as a repeat then).
    fast = topic_answers.fast_track_sentence(ctx.intake, [cond])
    if fast:
        lines.append(fast)
    return lines


def _first_diagnosis_entry(ctx: AnswerContext, dx: Condition) -> list[DraftSentence]:
    """The first diagnosis weighed on the same terms as the alternatives. A differential that lists
    only the alternatives leaves the clinician to recall the case for the diagnosis itself, which is
    the question the patient asked first."""
    lead = f"The first diagnosis, {dx.name}, is weighed here on the same terms as the alternatives."
    return [
        DraftSentence(text=t, origin="template", condition_ref=dx.key)
        for t in _entry_lines(ctx, dx, lead, None)
    ]


def differential_sentences(ctx: AnswerContext, items: Sequence[tuple[Condition, str]]) -> list[DraftSentence]:
    """For each alternative: why it is discussed, for, against, the settling test, a cited source."""
    from assistant.drafting.conditions import told_apart

    dx = questions.diagnosis_condition(ctx.intake)
    out: list[DraftSentence] = _first_diagnosis_entry(ctx, dx) if dx is not None else []
    for cond, why in items:
        lines = _entry_lines(
            ctx, cond, f"{cond.name[0].upper()}{cond.name[1:]} is discussed because {why}.", dx
        )
        if ctx.intake.is_child and cond.child_note:
            lines.append(f"What differs in children: {cond.child_note}.")
        apart = told_apart(cond, dx, child=ctx.intake.is_child)
        if apart and dx is not None:
            # An asked alternative's answer has already given this comparison: the draft then says it once
            # (:func:`~assistant.drafting.composer._without_repeats`; reviewers read the two sayings as a
            # paragraph repeated word for word). An alternative the findings or the story raised has it here.
            lines.insert(3, f"What tells it from {dx.name}: {apart}.")
        block = [DraftSentence(text=t, origin="template", condition_ref=cond.key) for t in lines]
        block += _tagged(ctx.pick(f"{cond.name} symptoms diagnosis", 1, ctx.diagnostic(cond)), cond=cond.key)
        out += block
    if not items:
        out.append(
            DraftSentence(
                text="No alternative was named and the validated findings did not raise one.",
                origin="template",
            )
        )
    return out
