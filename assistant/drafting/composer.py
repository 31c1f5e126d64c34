"""Compose a structured, cited draft from intake, imaging findings and cited source documents.

Facts are written by code (:mod:`assistant.drafting.facts`); the language model only
adds a short plain-language explanation per section, from a versioned prompt in
``prompts/``. Its output is sanitised (:mod:`assistant.drafting.sanitize`) and, when
nothing usable is left, replaced by fixed wording. Citations are then resolved and
scored (:mod:`assistant.drafting.citations`), and guardrail findings are flagged.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from langchain_core.language_models.llms import BaseLLM

from assistant.drafting import facts, questions
from assistant.drafting.answers import (
    AnswerContext,
    about_imaging_models,
    agreement_sentence,
    answer_sentences,
    differential_sentences,
)
from assistant.drafting.chat_answers import ChatAnswerer, add_chat_answers
from assistant.drafting.citations import (
    DEFAULT_SUPPORT_THRESHOLD,
    SupportScorer,
    best_supporting_passage,
    check_draft_citations,
    hold_unsupported_model_sentences,
)
from assistant.drafting.conditions import (
    Condition,
    addresses,
    condition,
    conditions_in,
    diagnosis_family,
    mentions,
)
from assistant.drafting.guardrails import assess_priority, quote_untrusted
from assistant.drafting.llm import generate, model_id_of
from assistant.drafting.medicines import ended
from assistant.drafting.model_names import readable_model_name
from assistant.drafting.reported import reported_findings, reported_sentence
from assistant.drafting.risk_factors import written_for_someone_else
from assistant.drafting.same_day import fever_now, same_day_signs
from assistant.drafting.sanitize import (
    body_key,
    echoes,
    numbers_in,
    parse_questions,
    sanitize_generation,
    sentence_key,
    word_runs,
)
from assistant.drafting.schemas import (
    SECTION_TITLES,
    CitedSource,
    DraftContent,
    DraftSection,
    DraftSentence,
    GuardrailFlag,
    ImagingFindings,
    PromptRecord,
    SectionKey,
    SubQuestion,
    UploadedText,
)
from assistant.drafting.setting import in_hospital, localised, outside_uk
from assistant.drafting.sources import (
    RelevanceChecker,
    SourceRelevance,
    check_draft_relevance,
    usable_sentence,
)
from assistant.drafting.story import settled_already, story_signs, story_weighs
from assistant.drafting.topics import NOT_A_NEED, Topic, medicine_name, topic_indefinite
from assistant.drafting.topics import topic as _topic
from assistant.drafting.untrusted import injection_flags, untrusted_intake_texts
from assistant.drafting.validity import usable_findings, verdict_for
from assistant.intake import IntakeRecord
from knowledge.sentences import split_sentences
from prompts import PromptTemplate, load_template

logger = logging.getLogger(__name__)

SECTION_TEMPLATE = "draft_section"
QUESTIONS_TEMPLATE = "draft_questions"

FALLBACK_EXPLANATIONS: dict[SectionKey, str] = {
    SectionKey.FIRST_DIAGNOSIS: (
        "A second opinion looks at the same question again with the information available; "
        "your own doctor remains the person who confirms or changes a diagnosis."
    ),
    SectionKey.IMAGES: (
        "An estimate above a model's threshold means the image resembles images that had the "
        "finding; it is not a diagnosis, and an estimate below the threshold does not rule the "
        "finding out."
    ),
    SectionKey.AGREEMENT: (
        "Agreement between the first diagnosis and the imaging model makes the diagnosis more "
        "likely, and disagreement is a reason to look again rather than proof of a mistake."
    ),
    SectionKey.ALTERNATIVES: (
        "Several conditions can cause similar symptoms and similar-looking images, which is why "
        "doctors combine the images with an examination and other tests."
    ),
}


@dataclass(frozen=True)
class ComposerOptions:
    """Tunables of :func:`compose_draft`."""

    explanation_tokens: int = 56
    question_tokens: int = 40
    max_llm_sentences: int = 3
    support_threshold: float = DEFAULT_SUPPORT_THRESHOLD


@dataclass
class _Context:
    """State shared while composing one draft."""

    intake: IntakeRecord
    imaging: ImagingFindings
    sources: list[CitedSource]
    llm: BaseLLM
    scorer: SupportScorer | None
    options: ComposerOptions
    uploads: list[UploadedText]
    section_template: PromptTemplate
    questions_template: PromptTemplate
    relevance: RelevanceChecker = field(default_factory=SourceRelevance)
    red_flags: list[str] = field(default_factory=list)
    used_passage_sentences: set[str] = field(default_factory=set)
    prompts: list[PromptRecord] = field(default_factory=list)
    flags: list[GuardrailFlag] = field(default_factory=list)

    @property
    def diagnosis(self) -> str:
        return questions.diagnosis_label(self.intake)

    @property
    def has_ct(self) -> bool:
        return self.imaging.ct is not None or "ct" in self.imaging.kinds

    def fits(self, sentence: str, passage: CitedSource) -> bool:
        child = None if self.intake.age is None else self.intake.is_child
        return usable_sentence(
            sentence, passage, has_ct=self.has_ct, is_child=child, age=self.intake.age
        ) and not self.unfit(sentence)

    @cached_property
    def unfit(self) -> Callable[[str], bool]:
        """:func:`~assistant.drafting.questions.unfit_sentence_check` for this patient, read once."""
        return questions.unfit_sentence_check(self.intake)

    @cached_property
    def abroad(self) -> bool:
        """Whether the patient lives outside the UK and Ireland (read once per draft)."""
        return outside_uk(self.intake)

    @cached_property
    def film_abnormal(self) -> bool:
        """Whether a film is reported (in the intake) or counted (by a validated model) abnormal, so
        that what a normal film means is beside the point ("a normal X-ray does not exclude heart
        failure" to a woman whose film showed a big heart and fluid); read once per draft."""
        return bool(reported_findings(self.intake)[0]) or any(
            f.positive for f in usable_findings(self.imaging)
        )

    @cached_property
    def patient_runs(self) -> set[tuple[str, ...]]:
        """Seven-word runs of everything the patient wrote (question, reason, story, symptoms)."""
        return word_runs([t for _, t in untrusted_intake_texts(self.intake)])

    def about_diagnosis(self, sentence: str, passage: CitedSource) -> bool:
        """Fits the case and, when the diagnosis is in the table, is about it (not a passing mention), and
        is about the illness, not about how imaging models perform (read drafts with no images at all
        cited a study of a pneumonia model under "Agreement or disagreement")."""
        cond = questions.diagnosis_condition(self.intake)
        return (
            self.fits(sentence, passage)
            and not about_imaging_models(sentence)
            and (cond is None or addresses(cond, sentence, passage.title))
        )


def _facts_block(sentences: Sequence[DraftSentence]) -> str:
    lines = []
    for s in sentences:
        if s.citations:
            body = s.text
            for n in s.citations:
                body = body.replace(f" [{n}]", "")
            lines.append(f"[{s.citations[0]}] {body}")
        else:
            lines.append(f"- {s.text}")
    return "\n".join(lines) if lines else "- (no specific facts)"


def _record(ctx: _Context, section: SectionKey, template: PromptTemplate, text: str) -> None:
    ctx.prompts.append(
        PromptRecord(
            section=section,
            template_name=template.name,
            template_version=template.version,
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        )
    )


_IMAGE_WORDS = re.compile(
    r"\b(x-?rays?|films?|images?|pictures?|scans?|ct|models?|estimates?|probabilit(?:y|ies)|"
    r"thresholds?|shadows?|patch(?:es)?|white|pale)\b",
    re.IGNORECASE,
)


def _specific(ctx: _Context, section: SectionKey, text: str) -> bool:
    """Whether a model sentence is about its section's focus (not "This is a common condition.")."""
    if section is SectionKey.IMAGES:
        labels = [f.label for f in ctx.imaging.findings]
        return bool(_IMAGE_WORDS.search(text)) or any(lab.lower() in text.lower() for lab in labels)
    cond = questions.diagnosis_condition(ctx.intake)
    if cond is not None:
        return mentions(cond, text)
    words = [w for w in re.findall(r"[a-z]{4,}", ctx.diagnosis.lower()) if w not in {"that", "condition"}]
    return any(w in text.lower() for w in words)


def _explain(
    ctx: _Context,
    section: SectionKey,
    topic: str,
    fact_sentences: Sequence[DraftSentence],
    documents: str = "",
) -> list[DraftSentence]:
    """One short LLM explanation of ``fact_sentences``, sanitised, with a fixed fallback.

    A kept sentence must also be specific: name the section's focus (the diagnosis, or the
    images and the model's results); a vague one is left out and flagged.
    """
    rendered = ctx.section_template.render_prompt(
        topic=topic, documents=documents, facts=_facts_block(fact_sentences)
    )
    _record(ctx, section, ctx.section_template, rendered.text)
    raw = generate(
        ctx.llm,
        rendered.text,
        stop=list(rendered.stop),
        max_tokens=ctx.options.explanation_tokens,
    )
    allowed = {n for s in fact_sentences for n in s.citations}
    cleaned = sanitize_generation(
        raw,
        allowed_citations=allowed,
        known_numbers=numbers_in([s.text for s in fact_sentences]),
        untrusted_texts=[u.text for u in ctx.uploads],
        prompt_text=rendered.text,
        fact_texts=[s.text for s in fact_sentences],
        max_sentences=ctx.options.max_llm_sentences,
        without_ct=ctx.imaging.ct is None,
    )
    vague = [x for x in cleaned.sentences if not _specific(ctx, section, x.text)]
    cleaned.sentences = [x for x in cleaned.sentences if x not in vague]
    cleaned.notes += [
        f"dropped model sentence (too vague for this section): \u201c{x.text[:80]}\u201d" for x in vague
    ]
    for note in cleaned.notes:
        kind = (
            "clinical_voice"
            if "(diagnosis" in note or "treatment" in note or "verdict" in note
            else "llm_output"
        )
        ctx.flags.append(GuardrailFlag(kind=kind, detail=note, section=section))
    if not cleaned.sentences:
        ctx.flags.append(GuardrailFlag(kind="llm_output", detail="fixed wording used", section=section))
        return [DraftSentence(text=FALLBACK_EXPLANATIONS[section], origin="template")]
    candidates = [p for p in ctx.sources if p.number in allowed] or ctx.sources
    for sentence in cleaned.sentences:
        # Only a source that fits the case may be attached: never an adult note for a child.
        fitting = [p for p in candidates if ctx.fits(sentence.text, p)]
        if not sentence.citations and ctx.scorer is not None and fitting:
            best = best_supporting_passage(sentence.text, fitting, ctx.scorer, ctx.options.support_threshold)
            if best is not None:
                sentence.text = f"{sentence.text[:-1]} [{best[0]}]{sentence.text[-1]}"
                sentence.citations = [best[0]]
    return cleaned.sentences


def _pick(
    ctx: _Context, query: str, limit: int = 1, accept: Callable[[str, CitedSource], bool] | None = None
) -> list[DraftSentence]:
    base = accept or ctx.fits
    patient = ctx.patient_runs

    def ok(sentence: str, passage: CitedSource) -> bool:
        # A quote that happens to repeat the patient's own phrasing reads as their words pasted back.
        if ctx.film_abnormal and _NORMAL_FILM.search(sentence):
            return False
        # a source's UK benefits or services are not quoted to someone elsewhere (a read draft told a
        # South African miner's family of the UK's Industrial Injuries Disablement Benefit)
        if ctx.abroad and _UK_ONLY.search(sentence):
            return False
        return not echoes(sentence, patient) and base(sentence, passage)

    return facts.pick_passage_facts(
        query, ctx.sources, used=ctx.used_passage_sentences, limit=limit, scorer=ctx.scorer, accept=ok
    )


def _first_diagnosis(ctx: _Context) -> list[DraftSentence]:
    out = facts.first_diagnosis_sentences(ctx.intake)

    # A quoted fact here must be about the diagnosis itself: a sentence on another
    # condition ("... are also reported") would read as part of the patient's report.
    def about_illness(sentence: str, passage: CitedSource) -> bool:
        # What the diagnosis is; how imaging models perform is for the images and their limits.
        return not about_imaging_models(sentence) and ctx.about_diagnosis(sentence, passage)

    fact = _pick(ctx, f"What is {ctx.diagnosis}? {ctx.diagnosis} symptoms and causes", accept=about_illness)
    documents = "".join(quote_untrusted(u.text, u.source) for u in ctx.uploads)
    if ctx.uploads:
        names = ", ".join(u.source for u in ctx.uploads)
        out.append(
            DraftSentence(
                text=f"The uploaded documents ({names}) were read as quoted material only.",
                origin="template",
            )
        )
    topic = f"What a diagnosis of {ctx.diagnosis} means"
    return out + fact + _explain(ctx, SectionKey.FIRST_DIAGNOSIS, topic, fact, documents)


_UK_ONLY = re.compile(r"\bin the UK\b|\bNHS\b|\bin England\b|(?-i:\bNICE\b)|\bUKHSA\b", re.I)
#: A faint or a near faint, reported and not denied ("nearly fainted climbing stairs", "near faint while
#: carrying shopping"; not "no fainting"): with high lung pressure any faint is a warning sign.
_PRESSURE_FAINT = re.compile(
    r"(?<!no )(?<!never )\b(?:(?:near(?:ly)?|almost)[- ])?(?:faint\w*|passed out|blacked out|collaps\w*)\b",
    re.I,
)
_NORMAL_FILM = re.compile(r"\b(?:a )?(?:normal|clear) (?:chest )?(?:x-?ray|film|scan)s?\b", re.I)


def _images(ctx: _Context) -> list[DraftSentence]:
    image_facts = facts.image_fact_sentences(ctx.imaging, ctx.intake.prior_imaging)
    if not image_facts and ctx.imaging.refused:
        # A refused upload is not "no results available": refer to the reason, given in the answers.
        return [DraftSentence(text=facts.no_findings_sentence(ctx.imaging, "any finding"), origin="finding")]
    if not image_facts:
        return [
            DraftSentence(
                text="No imaging model results were available for this case, so this draft "
                "does not describe the images.",
                origin="template",
            )
        ]
    labels = [f.label for f in ctx.imaging.findings if f.positive] or [ctx.diagnosis]

    in_play = set(
        diagnosis_family(ctx.intake.diagnosis_in_question) + questions.named_alternatives(ctx.intake)
    )

    def about_images(sentence: str, passage: CitedSource) -> bool:
        # The images section quotes what images show, not what the illness is or how it is treated,
        # and only about a condition in play, by the sentence or else its source's title (not what
        # pneumonia looks like, to a patient with long COVID).
        in_sentence = conditions_in(sentence)
        named = in_sentence or conditions_in(passage.title)
        return (
            bool(_IMAGE_WORDS.search(sentence))
            and (not named or any(c in in_play for c in named))
            # not how imaging models are built ("Noisy labels: ...", from the note on AI), nor a list of
            # conditions labelled with its first ("Pericarditis ..., pneumothorax ... are the other main
            # causes", read as "a source says of pericarditis"): read drafts quoted both under the images
            and not about_imaging_models(sentence)
            and not about_imaging_models(passage.title)
            and len(in_sentence) <= 1
            and ctx.fits(sentence, passage)
        )

    fact = _pick(ctx, f"{' '.join(labels)} on a {ctx.imaging.modality or 'chest image'}", accept=about_images)
    if fact:
        # "A chest X-ray often shows fluid on one side [5]" under "What the images show" was read as this
        # patient's film; the quote is said to be general.
        source = next((p for p in ctx.sources if p.number in fact[0].citations), None)
        named = conditions_in(fact[0].text) or (conditions_in(source.title) if source else [])
        of = f" of {named[0].name}" if named else ""
        fact = [
            DraftSentence(
                text=f"In general, and not as a reading of the uploaded images, a source says{of}:",
                origin="template",
            ),
            *fact,
        ]
    topic = f"What the imaging model's results on the {ctx.imaging.modality or 'images'} mean"
    return image_facts + fact + _explain(ctx, SectionKey.IMAGES, topic, image_facts + fact)


def _agreement(ctx: _Context) -> list[DraftSentence]:
    dx = ctx.diagnosis
    cond = questions.diagnosis_condition(ctx.intake)
    label_text = ctx.intake.diagnosis_in_question if cond is None else ""
    verdict = verdict_for(cond, label_text, ctx.imaging)
    refs = [verdict.finding.label] if verdict.finding is not None and verdict.finding.assessed else []
    brief = agreement_sentence(dx, verdict, ctx.imaging)
    out = [DraftSentence(text=brief, origin="finding", finding_refs=refs)]
    fact = _pick(ctx, f"How is {dx} diagnosed? chest X-ray tests diagnosis", accept=ctx.about_diagnosis)
    # The verdict is the validity rules' alone: no model text here, where a flipped word would matter most.
    fixed = DraftSentence(text=FALLBACK_EXPLANATIONS[SectionKey.AGREEMENT], origin="template")
    return [*out, *fact, fixed]


def _alternatives(ctx: _Context, items: list[tuple[Condition, str]]) -> list[DraftSentence]:
    actx = _answer_context(ctx)
    return differential_sentences(actx, items)


def _answer_context(ctx: _Context) -> AnswerContext:
    def pick(
        query: str, limit: int, accept: Callable[[str, CitedSource], bool] | None
    ) -> list[DraftSentence]:
        return _pick(ctx, query, limit, accept)

    return AnswerContext(ctx.intake, ctx.imaging, ctx.sources, ctx.relevance, pick)


def _has_images(imaging: ImagingFindings) -> bool:
    """Whether anything was uploaded for analysis (a refused upload counts: it was sent)."""
    return bool(imaging.findings) or imaging.ct is not None or bool(imaging.kinds) or bool(imaging.refused)


def _topic_of(key: str) -> Topic | None:
    """The topic with ``key``, or None for a subject that is no topic (a relative named)."""
    try:
        return _topic(key)
    except KeyError:
        return None


def _own_questions(intake: IntakeRecord, sub_questions: Sequence[SubQuestion]) -> list[str]:
    """Questions to take to the doctor built from the patient's own: the test that would tell each alternative
    they named, and each medicine they asked about (read drafts offered only "what makes you confident in the
    diagnosis?" to patients who had asked about a clot, a PEG tube or a second inhaler)."""
    out: list[str] = []
    for q in sub_questions:
        if q.kind == "could_it_be" and q.condition and len(out) < 2:
            try:
                name = condition(q.condition).name
            except KeyError:
                continue  # a condition the table does not know is asked about in the patient's own words
            out.append(f"Which test would show whether it could be {name}, and is it worth doing now?")
    medicines = [
        t
        for q in sub_questions
        if q.kind == "treatment"
        for t in (_topic_of(key) for key in q.subjects)
        # advice on a medicine ("alcohol with the treatment", "medicines while fasting") is no medicine to ask
        # for
        if t is not None and t.kind == "treatment" and t.key not in NOT_A_NEED
    ]
    # a parent or carer asks of the patient ("Should she carry on ...?"), not of themselves (a read draft
    # asked "Do I need an antibiotic?" for a 4-month-old)
    proxy = _proxy_pronouns(intake)
    who = proxy[0] if proxy else "I"
    does = f"Does {who}" if proxy else "Do I"
    for t in list(dict.fromkeys(medicines))[:2]:
        name = medicine_name(t, intake.medications)
        listed = [m for m in intake.medications if t.search(m)]
        if listed and all(ended(m) or _ONE_DOSE.search(m) for m in listed):
            # a course finished, or one dose given ("prednisolone 20mg for 3 days (finished)", "dexamethasone
            # given once in A&E"): read drafts asked whether to carry on with it, and for how long
            out.append(
                f"Would {topic_indefinite(t)} help again, now that the last course is over?"
                if t.key in _COURSES
                else f"Should {who} go back on {name}?"
            )
        elif listed:
            out.append(f"Should {who} carry on with {name}, and for how long?")
        else:
            out.append(f"{does} need {name}?")
    return out


def _proxy_pronouns(intake: IntakeRecord) -> tuple[str, str] | None:
    """("she", "her") or ("he", "him") for the patient when a parent, partner or carer writes, else None."""
    if not written_for_someone_else(intake):
        return None
    return {"female": ("she", "her"), "male": ("he", "him")}.get(
        intake.sex.strip().lower(), ("the patient", "the patient")
    )


#: Medicines given as a course, which may or may not help again (not the pill or a blood thinner stopped).
_COURSES = frozenset({"antibiotic", "steroid"})
#: One dose given, no course to carry on with: "dexamethasone given once in A&E", "a single dose".
_ONE_DOSE = re.compile(r"\b(?:given once|once only|single dose|one dose|one-off|stat dose)\b", re.I)


def _questions(ctx: _Context, sub_questions: Sequence[SubQuestion] = ()) -> list[DraftSentence]:
    dx = ctx.diagnosis
    verdict = verdict_for(questions.diagnosis_condition(ctx.intake), "", ctx.imaging)
    named = dx if dx == questions.UNNAMED else f"the diagnosis of {dx}"
    fixed = [f"What makes you confident in {named}, and what would change it?"]
    fixed += _own_questions(ctx.intake, sub_questions)
    if verdict.direction != "supports" and _has_images(ctx.imaging):
        # with a report told in the intake, the question is whether it was read against these images
        fixed.append(
            "Does the radiologist's report match what these images show, and does it settle the question?"
            if reported_sentence(ctx.intake)
            else "Could a radiologist's report on the images help settle the question?"
        )
    proxy = _proxy_pronouns(ctx.intake)
    fixed.append(
        f"Which symptoms should make us seek care for {proxy[1]} sooner?"
        if proxy
        else "Which symptoms should make me seek care sooner?"
    )
    agree = "agreed with it" if verdict.direction == "supports" else "did not settle it"
    situation = f"The first diagnosis was {dx}. The imaging model's estimate {agree}."
    rendered = ctx.questions_template.render_prompt(situation=situation)
    _record(ctx, SectionKey.QUESTIONS, ctx.questions_template, rendered.text)
    raw = generate(ctx.llm, rendered.text, stop=list(rendered.stop), max_tokens=ctx.options.question_tokens)
    suggested = parse_questions(raw, prompt_text=rendered.text, without_ct=ctx.imaging.ct is None)
    known = {q.lower() for q in fixed}
    extra = [s for s in suggested.sentences if s.text.lower() not in known]
    # Parts of the patient's question that no sub-question answers: listed for them to ask,
    # rephrased by their focus, and flagged so that the clinician answers them.
    unanswered = questions.unanswered_questions(ctx.intake)
    ctx.flags += [
        GuardrailFlag(
            kind="review",
            detail=f"part of the patient's question is not answered by the draft ({q.rstrip('?.')})",
            section=SectionKey.QUESTIONS,
        )
        for q in unanswered
    ]
    rest = [DraftSentence(text=q, origin="template") for q in unanswered]
    return [DraftSentence(text=q, origin="template") for q in fixed] + extra + rest


def _limitations(ctx: _Context) -> list[DraftSentence]:
    # In plain words for the patient; the card's technical limits are in the cockpit beside the draft.
    out: list[str] = []
    ct_card = ctx.imaging.ct.model_card if ctx.imaging.ct is not None else None
    for card in ctx.imaging.model_cards():
        found = [f for f in ctx.imaging.findings if f.model_card.id == card.id]
        used = sorted({f.label.replace("_", " ") for f in found if f.assessed})
        if ct_card is not None and card.id == ct_card.id:
            out.append(
                f"The {card.name} model marks possible nodules on the CT for a clinician to check; it can "
                "miss nodules or mark harmless ones, and it does not diagnose anything."
            )
        elif found and not used:
            out.append(
                f"The {card.name} model's results were not used here: it has not yet been shown to work "
                "reliably on images like these, from hospitals or groups of patients it was not trained on."
            )
        else:
            out.append(
                f"The {card.name} model was used only for {', '.join(used) or 'the findings listed'}, on "
                "patients like those it was checked on; it does not look for other problems, and its "
                "results can be wrong."
            )
    if ctx.imaging.model_cards():
        out.append("The clinician reviewing this opinion sees each model's documented limits.")
    if not _has_images(ctx.imaging):
        out.append("No images were uploaded, so none were assessed.")
    elif not ctx.imaging.model_cards():
        out.append("No imaging model was used, so the images themselves were not assessed.")
    if ctx.imaging.model_cards():
        out.append(
            "The estimates come from computer models, are not a diagnosis, and can be wrong, "
            "especially on images unlike those the models were trained on."
        )
    out += [
        "This draft was prepared with the help of a language model "
        f"({readable_model_name(model_id_of(ctx.llm))}); "
        "a clinician reviews, corrects and signs it before you see it.",
        "The cited sources are general information and may not fit your situation exactly.",
    ]
    return [DraftSentence(text=t, origin="template") for t in out]


def _answers(
    ctx: _Context,
    actx: AnswerContext,
    sub_questions: list[SubQuestion],
    alternatives: list[Condition],
    chat: ChatAnswerer | None,
) -> list[DraftSentence]:
    answers = answer_sentences(
        actx, sub_questions, alternatives, story_signs(assess_priority(ctx.intake, red_flags=ctx.red_flags))
    )
    if chat is None:
        return answers
    usable = [p for p in ctx.sources if any(ctx.fits(s, p) for s in split_sentences(p.text))][:4]
    untrusted = [u.text for u in ctx.uploads] + [t for _, t in untrusted_intake_texts(ctx.intake)]
    answers, prompts, notes = add_chat_answers(
        chat, answers, sub_questions, usable, untrusted_texts=untrusted
    )
    for text in prompts:
        ctx.prompts.append(
            PromptRecord(
                section=SectionKey.ANSWERS,
                template_name="chat_answer_json",
                template_version="1",
                sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            )
        )
    ctx.flags += [GuardrailFlag(kind="llm_output", detail=n, section=SectionKey.ANSWERS) for n in notes]
    return answers


def _without_repeats(sections: list[DraftSection]) -> list[DraftSection]:
    """Drop a sentence already said earlier in the draft (two films, two answers naming one sign).

    The first saying is kept where it first appears; a later one is dropped unless that would empty
    its section. Citation markers, case and spacing do not make two sayings differ, nor do the lead-ins
    an answer and a differential entry put before the same text (:func:`body_key`).
    """
    said: set[str] = set()
    for section in sections:
        kept: list[DraftSentence] = []
        for sentence in section.sentences:
            key, body = sentence_key(sentence.text), body_key(sentence.text)
            if (key and key in said) or (body and body in said):
                continue
            said.update(k for k in (key, body) if k)
            kept.append(sentence)
        section.sentences = kept or section.sentences[:1]
    return sections


def fever_despite_antibiotics(intake: IntakeRecord) -> bool:
    """A fever reported now, with no clear improvement on antibiotics, in a child, someone 65 or over, or
    with fluid around the lung (those in whom a complication is most likely and least well tolerated)."""
    from assistant.drafting.risk_factors import found_factors

    if in_hospital(intake) or "antibiotics_failed" not in {f.factor.key for f in found_factors(intake)}:
        return False
    if not fever_now(intake):
        return False
    family = {c.key for c in diagnosis_family(intake.diagnosis_in_question)}
    age = intake.age
    return (age is not None and (age < 16 or age >= 65)) or "pleural_effusion" in family


def compose_draft(
    intake: IntakeRecord,
    imaging: ImagingFindings,
    sources: Sequence[CitedSource],
    llm: BaseLLM,
    *,
    uploads: Sequence[UploadedText] = (),
    scorer: SupportScorer | None = None,
    options: ComposerOptions | None = None,
    relevance: RelevanceChecker | None = None,
    chat_texts: Sequence[str] = (),
    chat: ChatAnswerer | None = None,
    red_flags: Sequence[str] = (),
    check: bool = True,
) -> DraftContent:
    """Write a draft second opinion that answers the patient's questions, checked and flagged.

    Args:
        intake: What the patient told the intake conversation.
        imaging: De-identified model findings and CT measurements.
        sources: Numbered cited source documents (from ``group_hits``), cited as ``[n]``.
        llm: Any backend from :func:`assistant.drafting.llm.build_llm`.
        uploads: Text from uploaded documents; quoted as data, never followed.
        scorer: Citation support scorer; ``None`` resolves citations without scoring.
        options: Token budgets and the support threshold.
        relevance: Per-sentence relevance check; the knowledge library's by default.
        chat_texts: The patient's chat messages, checked for injected instructions.
        chat: A chat model that adds a checked answer per sub-question (capable-model path).
        red_flags: Emergency symptoms the chat's triage raised during intake (they make it urgent).
        check: Run :func:`check_composed_draft` now; the job pipeline passes ``False`` and
            runs the checks as their own stage (the LLM and the support scorer can then sit
            on different workers).

    Returns:
        The draft, with sub-questions, prompt provenance, citation metrics, flags and priority.
    """
    ctx = _Context(
        intake=intake,
        imaging=imaging,
        sources=list(sources),
        llm=llm,
        scorer=scorer,
        options=options or ComposerOptions(),
        uploads=list(uploads),
        section_template=load_template(SECTION_TEMPLATE),
        questions_template=load_template(QUESTIONS_TEMPLATE),
        relevance=relevance or SourceRelevance(),
        red_flags=[f for f in red_flags if f.strip()],
    )
    ctx.flags += injection_flags(intake, ctx.uploads, chat_texts)
    # Anything uploaded is answered, a refused film included: that answer is where its reason is given.
    has_images = bool(imaging.findings) or imaging.ct is not None or bool(imaging.kinds)
    actx = _answer_context(ctx)
    items = actx.rivals
    sub_questions = questions.with_raised_asked(
        questions.parse_sub_questions(intake, has_images=has_images),
        intake,
        items,
        same_day=bool(same_day_signs(intake)),
    )
    builders: dict[SectionKey, Callable[[], list[DraftSentence]]] = {
        SectionKey.SUMMARY: lambda: facts.summary_sentences(intake, sub_questions, ctx.red_flags),
        SectionKey.ANSWERS: lambda: _answers(ctx, actx, sub_questions, [c for c, _ in items], chat),
        SectionKey.FIRST_DIAGNOSIS: lambda: _first_diagnosis(ctx),
        SectionKey.IMAGES: lambda: _images(ctx),
        SectionKey.AGREEMENT: lambda: _agreement(ctx),
        SectionKey.ALTERNATIVES: lambda: _alternatives(ctx, items),
        SectionKey.QUESTIONS: lambda: _questions(ctx, sub_questions),
        SectionKey.LIMITATIONS: lambda: _limitations(ctx),
    }
    sections = _without_repeats(
        [
            DraftSection(key=key, title=SECTION_TITLES[key], sentences=build())
            for key, build in builders.items()
        ]
    )
    if outside_uk(intake):
        # The project's own wording in the words used where the patient lives; quoted sources stay as
        # they were written.
        for section in sections:
            for sentence in section.sentences:
                if sentence.origin != "passage":
                    sentence.text = localised(sentence.text)
    priority = assess_priority(intake, red_flags=ctx.red_flags)
    # Signs that need a doctor today put the case in the urgent queue too (the draft says them first).
    same_day = same_day_signs(intake)
    if same_day:
        priority = replace(
            priority,
            priority="urgent",
            reasons=[*priority.reasons, f"same-day signs in intake: {'; '.join(same_day)}"],
        )
    # A fever that persists on antibiotics, in a child, in someone 65 or over, or with fluid around the lung:
    # guidelines reassess an infection not improving after 48 to 72 hours, and read drafts left an
    # 81-year-old feverish after two antibiotics, with fluid on her lung, in the routine queue.
    if priority.priority != "urgent" and fever_despite_antibiotics(intake):
        priority = replace(
            priority,
            priority="urgent",
            reasons=[*priority.reasons, "a fever persisting despite antibiotics"],
        )
    # A case that meets the usual criteria for an urgent suspected-cancer referral is urgent too: read
    # drafts were filed routine while their own text advised the two-week pathway.
    if any("urgent suspected-cancer referral" in s.text for section in sections for s in section.sentences):
        priority = replace(
            priority,
            priority="urgent",
            reasons=[*priority.reasons, "meets the usual criteria for an urgent suspected-cancer referral"],
        )
    # Fainting or nearly fainting on effort with high lung pressure marks a strained right heart, for faster
    # specialist review: two such drafts had been urgent only through a fresh clot the story did not describe.
    dx_cond = questions.diagnosis_condition(intake)
    if (
        dx_cond is not None
        and dx_cond.key in ("pulmonary_hypertension", "cteph")
        and _PRESSURE_FAINT.search("\n".join([intake.symptom_text, intake.reason_for_second_opinion]))
    ):
        priority = replace(
            priority,
            priority="urgent",
            reasons=[*priority.reasons, "fainting or nearly fainting on effort with high lung pressure"],
        )
    # An alternative assessed the same day when suspected (a clot, an inhaled object) that the story gives
    # real weight puts the case in the urgent queue: its draft says so, and a toddler three weeks after
    # choking on a toy part with a one-sided wheeze had been filed routine.
    weighty = [
        c
        for c, _ in items
        if c.urgent and story_weighs(intake, c, dx_cond) and not settled_already(intake, c)
    ]
    if weighty:
        priority = replace(
            priority,
            priority="urgent",
            reasons=[
                *priority.reasons,
                f"the story gives weight to {weighty[0].name}, which is usually assessed the same day",
            ],
        )
    ctx.flags += [GuardrailFlag(kind="red_flag", detail=r) for r in priority.reasons]
    if facts_review := [s for s in sections[1].sentences if "clinician should review" in s.text]:
        ctx.flags.append(
            GuardrailFlag(kind="review", detail=facts_review[0].text, section=SectionKey.ANSWERS)
        )
    combined = "\n".join(f"{p.section.value}:{p.sha256}" for p in ctx.prompts)
    draft = DraftContent(
        sections=sections,
        passages=list(sources),
        prompts=ctx.prompts,
        template_name=ctx.section_template.name,
        template_version=ctx.section_template.version,
        prompt_sha256=hashlib.sha256(combined.encode("utf-8")).hexdigest(),
        model_id=chat.model_id if chat is not None else model_id_of(llm),
        flags=ctx.flags,
        priority=priority.priority,
        sub_questions=sub_questions,
        alternatives=[c.key for c, _ in items],
    )
    if check:
        check_composed_draft(draft, scorer, threshold=ctx.options.support_threshold, relevance=ctx.relevance)
    return draft


def check_composed_draft(
    draft: DraftContent,
    scorer: SupportScorer | None,
    *,
    threshold: float = DEFAULT_SUPPORT_THRESHOLD,
    relevance: RelevanceChecker | None = None,
) -> None:
    """Resolve, score and flag every citation of a composed draft, in place.

    Sentences whose citations do not hold are flagged for the clinician, and model
    sentences left without support are held: kept and marked for the clinician, out of
    the text that is signed (:func:`hold_unsupported_model_sentences`). It changes the
    draft, so the job pipeline runs it on a copy read back from the drafting stage's
    stored output.
    """
    check_draft_relevance(draft, relevance or SourceRelevance())
    metrics = check_draft_citations(draft, scorer, threshold=threshold)
    for section in draft.sections:
        for sentence in section.sentences:
            for detail in sentence.flags:
                if "irrelevant citation" in detail:
                    continue
                draft.flags.append(GuardrailFlag(kind="citation", detail=detail, section=section.key))
    held = hold_unsupported_model_sentences(draft)
    logger.info(
        "draft checked: %d sub-questions, %d citations, %d removed, %d unsupported, %d held",
        len(draft.sub_questions),
        metrics.n_citations,
        metrics.n_unresolved_removed,
        metrics.n_unsupported,
        held,
    )
