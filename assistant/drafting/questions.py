"""Turn the patient's questions and story into typed sub-questions and structured facts.

Rules, not the language model: the main question, the reason for the second opinion and
the symptom text are scanned for what the patient wants to know (is the diagnosis
right, could it be something else, what do the images show, what about treatment, what
next) and for the conditions they name. The results are restated in the third person;
the patient's own sentences never enter the draft.
"""

from __future__ import annotations

import re

from assistant.drafting.conditions import Condition, conditions_in
from assistant.drafting.schemas import SubQuestion
from assistant.intake import IntakeRecord

_IMAGES = re.compile(
    r"\b(x-?rays?|xrays?|scans?|ct|images?|films?|pictures?|shadows?|show|showed|shows)\b", re.I
)
_TREATMENT = re.compile(
    r"\b(antibiotics?|medicines?|medications?|treatments?|treated|drugs?|tablets?|pills?|inhalers?|"
    r"steroids?|doses?|prescri\w+|amoxicillin|doxycycline|azithromycin|clarithromycin|surgery|"
    r"blood thinners?|anticoagula\w+|stay on|keep taking|stop taking)\b",
    re.I,
)
_NEXT = re.compile(
    r"\b(next|follow[- ]?up|another|repeat|more tests?|other tests?|biopsy|referr\w*|specialist|"
    r"what now|what should i do|do i need|should i (?:get|have|see|go)|worried|worry|"
    r"(?:what|which) tests?|tests? (?:would|could|will|to)|happens next)\b",
    re.I,
)
_DURATION = re.compile(
    r"\b((?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|several)\s+"
    r"(?:hours?|days?|weeks?|months?|years?))\b",
    re.I,
)

# Symptoms recognised in free text and how the draft names them.
_SYMPTOMS: tuple[tuple[str, str], ...] = (
    (
        r"cough\w*\s+(?:up\s+)?blood|haemoptysis|hemoptysis|blood in (?:my|the) (?:phlegm|sputum)",
        "coughing blood",
    ),
    (r"(?:yellow|green|brown)\s+(?:phlegm|sputum|mucus)", "a cough with coloured phlegm"),
    (r"phlegm|sputum|mucus", "phlegm"),
    (r"cough\w*", "a cough"),
    (r"fevers?|temperature|high temp|chills|shivering", "fever"),
    (r"fast breathing|breathing (?:fast|quickly)|rapid breathing", "fast breathing"),
    (
        r"short(?:ness)? of breath|breathless\w*|can'?t breathe|hard to breathe|difficulty breathing",
        "breathlessness",
    ),
    (r"chest pain|pain in (?:my|the) chest|chest hurts|sharp pain", "chest pain"),
    (r"wheez\w*", "wheeze"),
    (r"night sweats?", "night sweats"),
    (r"weight loss|lost weight|losing weight", "weight loss"),
    (r"tired\w*|fatigue|exhaust\w*", "tiredness"),
    (r"swollen (?:leg|calf|ankle)s?|(?:leg|calf|ankle) swelling", "leg swelling"),
    (r"faint\w*|pass(?:ed)? out|collaps\w*", "fainting"),
    (r"confus\w*", "confusion"),
    (r"blue lips|lips (?:turned|going) blue", "blue lips"),
)
_SYMPTOM_PATTERNS = [(re.compile(r"\b(?:" + rx + r")\b", re.I), name) for rx, name in _SYMPTOMS]
_SUBSUMES = {"a cough with coloured phlegm": ("phlegm", "a cough"), "coughing blood": ("a cough",)}


def _text_of(intake: IntakeRecord) -> str:
    return "\n".join([intake.main_question, intake.reason_for_second_opinion, intake.symptom_text])


def diagnosis_condition(intake: IntakeRecord) -> Condition | None:
    """The condition of the first diagnosis, when the table knows it."""
    found = conditions_in(intake.diagnosis_in_question)
    return found[0] if found else None


def named_alternatives(intake: IntakeRecord) -> list[Condition]:
    """Conditions the patient names in their question, reason or symptoms, except the diagnosis."""
    dx = diagnosis_condition(intake)
    return [c for c in conditions_in(_text_of(intake)) if c != dx]


def parse_sub_questions(intake: IntakeRecord, *, has_images: bool) -> list[SubQuestion]:
    """The patient's questions as typed sub-questions, in the third person.

    Args:
        intake: What the patient told the intake conversation.
        has_images: Whether images were uploaded (an image question is then always answered).

    Returns:
        Always one "is the diagnosis right" question; then one per named alternative,
        the images, treatment and next steps when asked (or, for images, when uploaded).
    """
    dx = _diagnosis_name(intake)
    asked = "\n".join([intake.main_question, intake.reason_for_second_opinion])
    out: list[tuple[str, str, str]] = [("diagnosis_right", "", f"whether the diagnosis of {dx} is right")]
    for cond in named_alternatives(intake):
        out.append(("could_it_be", cond.key, f"whether it could be {cond.name} instead"))
    if has_images or _IMAGES.search(asked):
        out.append(("images", "", "what the uploaded images show"))
    if _TREATMENT.search(asked) or (intake.medications and "treat" in asked.lower()):
        out.append(("treatment", "", "whether the current treatment is the right one"))
    if _NEXT.search(asked):
        out.append(("next_steps", "", "what should happen next"))
    return [
        SubQuestion(id=f"q{i}", kind=kind, condition=cond, summary=summary)  # type: ignore[arg-type]
        for i, (kind, cond, summary) in enumerate(out, start=1)
    ]


_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|me|my|we|our)\b", re.I)


def _diagnosis_name(intake: IntakeRecord) -> str:
    cond = diagnosis_condition(intake)
    if cond is not None:
        return cond.name
    text = " ".join(intake.diagnosis_in_question.split()).rstrip(".")
    if text and len(text.split()) <= 6 and not _FIRST_PERSON.search(text):
        return text.lower()
    return "the condition that was diagnosed"


def symptom_names(text: str) -> list[str]:
    """Symptoms recognised in free text, named in plain words, each once."""
    found = [name for pattern, name in _SYMPTOM_PATTERNS if pattern.search(text)]
    for name, dropped in _SUBSUMES.items():
        if name in found:
            found = [f for f in found if f not in dropped]
    return list(dict.fromkeys(found))


def duration_of(intake: IntakeRecord) -> str:
    """A duration such as '10 days' from the symptom fields, or ''."""
    for text in (intake.duration, intake.onset, intake.symptom_text):
        match = _DURATION.search(text)
        if match:
            return " ".join(match.group(1).lower().split())
    return ""


def diagnosis_label(intake: IntakeRecord) -> str:
    """The first diagnosis in the table's plain words, else a neutral phrase."""
    return _diagnosis_name(intake)
